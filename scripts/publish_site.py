"""``make publish``: the two checks around the build of the deployable site.

``python scripts/publish_site.py check-address``: refuses (exit 2, with what to do) when the
address the site would be published at is the repository's placeholder (``report: base_url`` in
``book/_config.yml``, overridden by the environment variable ``REPORT_BASE_URL``).

``python scripts/publish_site.py verify [--site _build/html]``: checks the built site before it is
deployed: no file names a placeholder host, every page carries the address (canonical link) and
links the PDF (footer link and ``citation_pdf_url``), the PDF is there, and the link-preview image
every page names exists. Prints each problem and exits 1 if there is one.

The Makefile runs: check-address, ``make pdf`` (the build, then the PDF), verify.
"""

from __future__ import annotations

import argparse
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.pages import citation  # noqa: E402
from pipeline.config import ROOT, load_site  # noqa: E402

# text files of the site that are searched for a placeholder host (every file that is not binary)
TEXT_SUFFIXES = {".html", ".js", ".css", ".json", ".txt", ".xml", ".ris", ".bib", ".csv", ".svg", ".md", ".cff",
                 ".yml", ".yaml", ".map", ".ipynb", ".py", ""}
PLACEHOLDER = re.compile(r"(?<![\w.-])(?:[\w-]+\.)*(?:" + "|".join(re.escape(h) for h in citation.PLACEHOLDER_HOSTS[:3])
                         + r")(?![\w-])", re.IGNORECASE)
NOT_PAGES = {"search.html", "genindex.html"}  # Sphinx's own pages: not part of the report


def publish_meta(root: Path = ROOT) -> citation.Meta:
    return citation.meta(load_site(root).report)


def address_problem(m: citation.Meta) -> str:
    """Why the site cannot be published at this address ("" when it can)."""
    if not m.preview:
        return ""
    return (f"make publish needs the address where the site will be published, and the address is"
            f" {'missing' if m.placeholder == '(none)' else 'the placeholder ' + m.placeholder}."
            f" Set it for this run with REPORT_BASE_URL=https://…/ make publish, or set `report: base_url`"
            f" in book/_config.yml (then run python scripts/write_citation_cff.py and commit).")


def placeholder_hits(site: Path) -> list[str]:
    """``path: host`` for every text file of the site that names a placeholder host."""
    hits = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        if path.suffix.lower() not in TEXT_SUFFIXES:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found = sorted({m.group(0).lower() for m in PLACEHOLDER.finditer(text)})
        if found:
            hits.append(f"{path.relative_to(site).as_posix()}: {', '.join(found)}")
    return hits


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}
        self.anchors: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = a.get("name") or a.get("property")
            if key:
                self.meta.setdefault(key, []).append(a.get("content", ""))
        elif tag == "link" and a.get("rel"):
            self.links.setdefault(a["rel"], []).append(a.get("href", ""))
        elif tag == "a" and a.get("href"):
            self.anchors.append((a["href"], a.get("class", "")))


def page_problems(site: Path, m: citation.Meta) -> list[str]:
    """What a published page lacks: the canonical address, the PDF link and tag, its preview image."""
    problems = []
    pages = [p for p in sorted(site.rglob("*.html")) if p.relative_to(site).as_posix() not in NOT_PAGES
             and not p.relative_to(site).parts[0].startswith(("_", "."))]
    if not pages:
        return [f"{site}: no pages"]
    if not (site / citation.PDF_NAME).is_file():
        problems.append(f"{citation.PDF_NAME} is missing: `make pdf` did not publish it")
    for page in pages:
        name = page.relative_to(site).as_posix()
        head = _Head()
        head.feed(page.read_text(encoding="utf-8"))
        canonical = head.links.get("canonical", [])
        if canonical != [citation.page_url(m, name)]:
            problems.append(f"{name}: canonical link {canonical} is not {citation.page_url(m, name)}")
        if head.meta.get("citation_pdf_url") != [citation.page_url(m, citation.PDF_NAME)]:
            problems.append(f"{name}: citation_pdf_url {head.meta.get('citation_pdf_url')} does not name the PDF")
        if not any("report-pdf-link" in cls and href.endswith(citation.PDF_NAME) for href, cls in head.anchors):
            problems.append(f"{name}: no link to the PDF")
        for key in ("og:image", "twitter:image"):
            images = head.meta.get(key, [])
            if len(images) != 1 or not images[0].startswith(m.base_url):
                problems.append(f"{name}: {key} {images} is not one image on {m.base_url}")
            elif not (site / urlsplit(images[0]).path[len(urlsplit(m.base_url).path):]).is_file():
                problems.append(f"{name}: {key} {images[0]} is not in the site")
    return problems


def verify(site: Path, m: citation.Meta) -> list[str]:
    problems = [address_problem(m)] if m.preview else []
    problems += [f"placeholder address in {hit}" for hit in placeholder_hits(site)]
    if not m.preview:
        problems += page_problems(site, m)
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/publish_site.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["check-address", "verify"])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html", help="the built site (default: _build/html)")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)  # a test book's root
    args = parser.parse_args(argv)
    m = publish_meta(args.root.resolve())
    if args.step == "check-address":
        problem = address_problem(m)
        if problem:
            print(f"publish refused: {problem} Nothing was built.", file=sys.stderr)
            return 2
        print(f"publishing at {m.base_url}")
        return 0
    problems = verify(args.site.resolve(), m)
    for problem in problems:
        print(f"publish check failed: {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s): the site in {args.site} is not ready to deploy.", file=sys.stderr)
        return 1
    print(f"site ready to deploy: {args.site} (published at {m.base_url})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
