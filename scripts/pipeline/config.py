"""What the report is made of: the site configuration, its pages and its chapter notebooks.

Everything is read from the repository's own files: ``book/_config.yml`` (Jupyter Book's settings plus
the report's edition metadata under ``report:``), ``book/_toc.yml`` (the pages, in order) and each
chapter's MyST notebook in ``book/`` whose front matter declares the datasets it reads::

    report:
      datasets: [mine_production_by_country, reserves_by_country]
      parameters:
        year: {min: 2020, max: 2030}

A page that presents the edition record (What changed) says ``report: reads: edition_record``:
it is not a chapter of the record but is executed after it, with the record's path as its
``record`` parameter (``scripts/build.py``); built by ``jupyter-book build book/`` it computes the
record itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from masthead.report import config_path, effective_base_url, report_block, toc_path

SCRIPTS = Path(__file__).resolve().parents[1]  # the report's code: analysis, masthead, pipeline, sphinx_ext
ROOT = SCRIPTS.parent
NOTEBOOK_FORMAT = "md:myst"
RECORD_INPUT = "edition_record"  # report: reads: edition_record


@dataclass(frozen=True)
class Chapter:
    """One parameterized chapter notebook (a MyST markdown notebook in book/)."""

    name: str
    source: Path
    datasets: tuple[str, ...]
    parameter_rules: dict = field(default_factory=dict, hash=False, compare=False)
    reads_record: bool = False  # executed after the edition record, from it (What changed)


@dataclass(frozen=True)
class Site:
    root: Path
    config: dict
    toc: dict
    pages: tuple[str, ...]  # every file named in _toc.yml, in reading order
    chapters: tuple[Chapter, ...]
    record_pages: tuple[Chapter, ...] = ()  # notebooks executed after the edition record

    @property
    def notebooks(self) -> tuple[Chapter, ...]:
        """Every notebook page: the chapters, then the pages that read the edition record."""
        return self.chapters + self.record_pages

    @property
    def book_dir(self) -> Path:
        return self.root / "book"

    @property
    def report(self) -> dict:
        """The edition metadata: title, authors, edition, date, base URL (masthead.report). The
        environment variable REPORT_BASE_URL, when set, overrides ``base_url`` (``make publish``)."""
        meta = self.configured_report
        meta["base_url"] = effective_base_url(meta)
        return meta

    @property
    def configured_report(self) -> dict:
        """The report block as committed in _config.yml (no environment override): CITATION.cff and
        .zenodo.json are written from it."""
        return report_block(self.config)


def toc_files(toc: dict) -> list[str]:
    """Every ``file`` entry in a jb-book _toc.yml, root first, in reading order."""
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            for part in entry.get("parts", []) or []:
                walk(part.get("chapters"))

    for part in toc.get("parts", []) or []:
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def is_notebook(path: Path) -> bool:
    """A MyST markdown page is a notebook when its front matter names a kernel."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return False
    front = text.split("---", 2)[1]
    return "kernelspec:" in front


def read_chapter(name: str, source: Path) -> Chapter:
    import jupytext  # lazily: a no-op rebuild never needs it

    notebook = jupytext.read(source, fmt=NOTEBOOK_FORMAT)
    meta = notebook.metadata.get("report", {})
    datasets = tuple(meta.get("datasets", []))
    return Chapter(name=name, source=source, datasets=datasets, parameter_rules=meta.get("parameters", {}),
                   reads_record=meta.get("reads") == RECORD_INPUT)


def load_site(root: Path = ROOT) -> Site:
    config = yaml.safe_load(config_path(root).read_text(encoding="utf-8"))
    toc = yaml.safe_load(toc_path(root).read_text(encoding="utf-8"))
    pages = toc_files(toc)
    chapters = []
    for page in pages:
        source = root / "book" / f"{page}.md"
        if source.exists() and is_notebook(source):
            chapters.append(read_chapter(page, source))
    return Site(root=root, config=config, toc=toc, pages=tuple(pages),
                chapters=tuple(c for c in chapters if not c.reads_record),
                record_pages=tuple(c for c in chapters if c.reads_record))
