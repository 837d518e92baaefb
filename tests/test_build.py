"""The whole report builds from the repository, offline, reproducibly, with nothing leaking."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from pipeline.config import load_site, toc_files
from pipeline.run import BuildOptions, build_report

REPO = Path(__file__).resolve().parents[1]


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_in_the_toc_is_built(built_site):
    toc = yaml.safe_load((REPO / "book" / "_toc.yml").read_text())
    for name in toc_files(toc):
        assert (built_site / f"{name}.html").is_file(), f"{name} is in _toc.yml but was not built"


def test_every_chapter_has_numbered_figures(built_site):
    site = load_site(REPO)  # the chapters of _toc.yml, in order: every one but the landing page and
    # the appendices (the fact-check of the news report, Data and sources) are tables, not figures
    chapters = [c for c in site.chapters if c.name not in (site.toc["root"], "data_sources", "factcheck")]
    assert chapters
    for chapter in chapters:
        written = len(re.findall(r"\{glue:figure\}", chapter.source.read_text(encoding="utf-8")))
        html = (built_site / f"{chapter.name}.html").read_text()
        numbers = re.findall(r'<span class="caption-number">Figure (\d+) </span>', html)
        assert written >= 1, f"{chapter.name} has no figure"
        first = int(numbers[0]) if numbers else 0  # numbered through the book, in reading order
        assert [int(n) for n in numbers] == list(range(first, first + written)), f"{chapter.name}: figures {numbers}, {written} in its file"


def test_the_injected_parameters_cell_and_machine_paths_appear_in_no_page(built_site):
    machine_paths = {str(REPO), str(built_site.parent), "/tmp/", "/root/", "/home/"}
    for page in pages(built_site):
        text = page.read_text()
        assert "injected-parameters" not in text, f"papermill's injected cell shows in {page.name}"
        for path in machine_paths:
            assert path not in text, f"{page.name} contains the machine path {path}"


class _Resources(HTMLParser):
    """Collects the URLs a page loads by itself: scripts, stylesheets, images, frames."""

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video") and attrs.get("src"):
            self.loaded.append(attrs["src"])
        loads = {"stylesheet", "icon", "preload", "modulepreload", "prefetch"}
        if tag == "link" and attrs.get("href") and set((attrs.get("rel") or "").split()) & loads:
            self.loaded.append(attrs["href"])


def test_no_page_loads_anything_from_another_host(built_site):
    for page in pages(built_site):
        parser = _Resources()
        parser.feed(page.read_text())
        remote = [url for url in parser.loaded if re.match(r"^(https?:)?//", url)]
        assert not remote, f"{page.name} loads {remote}"


def test_the_chart_runtime_is_served_by_the_site(built_site):
    runtime = built_site / "_static" / "vega-runtime.js"
    assert runtime.stat().st_size > 100_000
    text = runtime.read_text()
    assert "window.reportVega" in text and "api.draw" in text
    assert "cdn.jsdelivr" not in text


def test_the_runtime_is_bundled_once_for_every_build_of_this_code(tmp_path, monkeypatch):
    """A build with an empty cache (a new report root, a -p build) takes the runtime from the
    repository's build cache instead of bundling Vega again; an edit to the drawing code is
    bundled anew, in both caches."""
    import vl_convert

    from pipeline.pages import runtime

    monkeypatch.setattr(runtime, "SHARED_CACHE", tmp_path / "shared")
    bundled = []
    real_bundle = vl_convert.javascript_bundle
    monkeypatch.setattr(vl_convert, "javascript_bundle", lambda code: bundled.append(1) or real_bundle(code))

    first = runtime.write_runtime(tmp_path / "a.js", tmp_path / "cache-a")
    second = runtime.write_runtime(tmp_path / "b.js", tmp_path / "cache-b")
    assert len(bundled) == 1 and first.read_bytes() == second.read_bytes()
    assert (tmp_path / "cache-b" / f"vega-runtime-{vl_convert.__version__}.js").read_bytes() == first.read_bytes()

    monkeypatch.setattr(runtime, "draw_code", lambda: "/* drawing code, edited */\n")
    third = runtime.write_runtime(tmp_path / "c.js", tmp_path / "cache-b")
    assert len(bundled) == 2 and "drawing code, edited" in third.read_text(encoding="utf-8")
    shared = tmp_path / "shared" / f"vega-runtime-{vl_convert.__version__}.js"
    assert "drawing code, edited" in shared.read_text(encoding="utf-8")
    assert not list((tmp_path / "shared").glob("*.tmp"))


def test_two_builds_from_the_same_inputs_are_byte_identical(built_site, tmp_path):
    second = tmp_path / "html"
    build_report(BuildOptions(output=second))
    first_files = {p.relative_to(built_site): p for p in built_site.rglob("*") if p.is_file()}
    second_files = {p.relative_to(second): p for p in second.rglob("*") if p.is_file()}
    assert first_files.keys() == second_files.keys()
    different = [str(rel) for rel, p in first_files.items() if p.read_bytes() != second_files[rel].read_bytes()]
    assert not different, f"files differ between two builds: {different[:10]}"


@pytest.mark.parametrize("page", ["index.html", "summary.html"])
def test_front_pages_quote_key_figures_from_the_data(built_site, page):
    html = (built_site / page).read_text()
    assert html.count('class="pasted-text"') >= 3, f"{page} should glue key figures from data"
