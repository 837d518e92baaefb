"""``book/`` is a Jupyter Book by itself: ``jupyter-book build book/``, with the project installed,
builds the whole report with its defaults (every notebook executed by Jupyter Book, no staging).

One test, and a slow one: it executes every chapter afresh and runs Sphinx without the build's
speed-ups (about 4 minutes on a quiet two-core machine; up to 10 on the shared one). The fast,
checked path is scripts/build.py (tests/test_build.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from analysis.datapackage import read_descriptor
from pipeline.config import ROOT as REPO, load_site
from pipeline.editions import changes
from pipeline.pages.datafiles import DATASETS_DIR, checked_path, datasets
from pipeline.stages.stage import data_files

SKIP = shutil.ignore_patterns("_build", "__pycache__", ".ipynb_checkpoints", "*.egg-info")


def _text(path: Path) -> str:
    main = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("main")
    return " ".join(main.get_text(" ").split()).replace("’", "'")  # the theme's typographic apostrophes


def test_jupyter_book_builds_the_report_from_book(tmp_path):
    copy = tmp_path / "repository"
    for folder in ("book", "data", "editions", "scripts"):
        shutil.copytree(REPO / folder, copy / folder, ignore=SKIP)
    before = sorted(p.relative_to(copy) for p in copy.rglob("*") if "_build" not in p.parts)
    run = subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", str(copy / "book")],
                         cwd=tmp_path, capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    html = copy / "book" / "_build" / "html"
    site = load_site(REPO)
    for page in site.pages:
        assert (html / f"{page}.html").is_file(), f"{page} is in book/_toc.yml but was not built"
    # the source folders are only read (Python's bytecode caches aside)
    after = {p.relative_to(copy) for p in copy.rglob("*") if "_build" not in p.parts and "__pycache__" not in p.parts}
    assert after == {p for p in before if "__pycache__" not in p.parts}, sorted(map(str, after.symmetric_difference(before)))[:10]
    texts = {page: _text(html / f"{page}.html") for page in site.pages}
    for page, text in texts.items():  # every glue, substitution and citation resolved
        assert not re.search(r"\{\{ \w+ \}\}|\{glue|\{keycite|\{footcite|\{ref\}", text), page
    # the substitutions and the edition's {only} blocks (a preview: the repository's placeholder address)
    edition = site.report
    assert f"this is the {edition['edition']} of {edition['title']}" in texts["how_to_cite"]
    assert "This is a preview: the report is not yet published." in texts["how_to_cite"]
    # What changed computes the record itself: the same values as the module gives
    page = changes.compute(REPO)
    assert f"This report is the {page.edition}, dated {page.edition_date}." in texts["what_changed"].replace(" ,", ",").replace(" .", ".")
    rows = BeautifulSoup((html / "what_changed.html").read_text(encoding="utf-8"), "html.parser").select("main tbody tr")
    assert len(rows) == page.n_changed > 0
    # the bibliography from data/sources.csv and the {keycite} citations of the key figures' sources
    leverage = BeautifulSoup((html / "leverage.html").read_text(encoding="utf-8"), "html.parser")
    assert leverage.select("a.footnote-reference") and leverage.select("aside.footnote")
    assert (html / "_static" / "vega-runtime.js").is_file()
    # the figures' downloads are in the site (the PNG of each chart a chapter glues)
    assert len(list((html / "_static" / "figures").glob("*.png"))) >= len(leverage.select("figure"))
    # Data and sources: every dataset and the "download all data" zip, as the files the fast
    # build's stage writes (the same function), each link leading to its file in the built site
    expected = tmp_path / "expected"
    bundle = data_files(site.report, copy / "data", expected)
    wanted = {Path(checked_path(r)).name for r in datasets(read_descriptor(copy / "data"))}
    wanted |= {z.name for z in (expected / DATASETS_DIR).glob("*.zip")}
    assert len(wanted) == len(datasets(read_descriptor(copy / "data"))) + 1, "one zip of all data"
    page = BeautifulSoup((html / "data_sources.html").read_text(encoding="utf-8"), "html.parser")
    links = {a["href"] for a in page.select("main a.download[href]")}
    served = {}
    for href in links:
        target = (html / href).resolve()
        assert target.is_file() and html.resolve() in target.parents, f"{href} leads to no file of the site"
        served[target.name] = target.read_bytes()
    assert set(served) == wanted, sorted(set(served) ^ wanted)
    for name, content in served.items():
        made = next((expected / DATASETS_DIR).rglob(name))
        assert content == made.read_bytes(), f"{name} differs from the file the stage writes"
    assert f"(zip, {bundle['data_bundle_kb']} KB)" in texts["data_sources"].replace("( ", "(").replace(" )", ")")
