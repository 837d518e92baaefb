"""Every internal link in the built report resolves: a crawler over the site's files.

For every page: each ``href``/``src`` that stays inside the site names a file that exists, and
each ``#fragment`` is an ``id`` (or ``<a name>``) in the page it points to. Stylesheets'
``url(...)`` references must exist too. Links to other sites are not fetched here (the reader
may be offline); the browser test checks that no page *loads* anything from another host.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest

LINK_ATTRS = {"a": ("href",), "link": ("href",), "script": ("src",), "img": ("src",), "source": ("src",),
              "iframe": ("src",), "video": ("src", "poster"), "audio": ("src",), "area": ("href",)}


class PageScan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for name in LINK_ATTRS.get(tag, ()):
            if attrs.get(name) is not None:
                self.links.append((tag, attrs[name]))


def scan(path: Path) -> PageScan:
    parser = PageScan()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def internal_target(site: Path, page: Path, url: str):
    """(file, fragment) for a link inside the site, or None for another site / a scheme."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("//"):
        return None
    if not parts.path:
        return page, unquote(parts.fragment)
    rel = PurePosixPath(page.relative_to(site).parent.as_posix()) / unquote(parts.path)
    target = site.joinpath(*[p for p in rel.parts if p not in (".",)]).resolve()
    if parts.path.endswith("/"):
        target = target / "index.html"
    return target, unquote(parts.fragment)


def broken_links(site: Path) -> list[str]:
    site = site.resolve()
    # the site's pages; _static holds the theme's Jinja macro files (*.html templates, not pages)
    pages = sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)
    scans = {p: scan(p) for p in pages}
    problems = []
    for page, parsed in scans.items():
        where = page.relative_to(site).as_posix()
        for tag, url in parsed.links:
            if url.strip().lower().startswith("javascript:"):
                problems.append(f"{where}: <{tag}> uses a javascript: URL {url!r}")
                continue
            found = internal_target(site, page, url)
            if found is None:
                continue
            target, fragment = found
            if site not in target.parents and target != site:
                problems.append(f"{where}: <{tag}> {url!r} points outside the site")
            elif not target.is_file():
                problems.append(f"{where}: <{tag}> {url!r} → missing file {target.relative_to(site)}")
            elif fragment and target.suffix == ".html":
                ids = scans[target].ids if target in scans else scan(target).ids
                if fragment not in ids:
                    problems.append(f"{where}: <{tag}> {url!r} → no id {fragment!r} in {target.relative_to(site)}")
    for sheet in sorted(site.rglob("*.css")):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", sheet.read_text(encoding="utf-8", errors="replace")):
            if url.startswith(("data:", "#")) or urlsplit(url).scheme:
                continue
            target = (sheet.parent / unquote(urlsplit(url).path)).resolve()
            if not target.is_file():
                problems.append(f"{sheet.relative_to(site)}: url({url}) → missing file")
    return problems


def test_every_internal_link_and_anchor_resolves(built_site):
    problems = broken_links(built_site)
    assert not problems, f"{len(problems)} broken:\n" + "\n".join(problems[:60])


def test_the_crawler_sees_the_links(built_site):
    """Not vacuous: the site has many internal links with fragments (cross-references)."""
    links = [url for p in built_site.glob("*.html") for _, url in scan(p).links if not urlsplit(url).scheme]
    assert len([u for u in links if urlsplit(u).fragment]) > 100
    assert len([u for u in links if urlsplit(u).path.endswith(".html") and urlsplit(u).fragment]) > 10


@pytest.mark.parametrize("damage, expected", [
    (lambda site: next(site.glob("_static/*.css")).unlink(), "missing file"),
    (lambda site: (site / "index.html").write_text(
        (site / "index.html").read_text(encoding="utf-8").replace('id="', 'id="x-'), encoding="utf-8"), "no id"),
])
def test_the_crawler_finds_breakage(built_site, tmp_path, damage, expected):
    import shutil

    copy = tmp_path / "html"
    shutil.copytree(built_site, copy)
    damage(copy)
    assert any(expected in p for p in broken_links(copy))
