"""Lay out the staging copy of the book that the later stages execute and build.

The staging folder holds the site configuration (``book/_config.yml`` with the edition's
substitutions), every page of ``book/``, each chapter notebook converted to ``.ipynb`` (under
``.inputs/``, for papermill), the dataset downloads, the bibliography and the chart runtime.
``book/`` and ``data/`` are only ever read.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import jupytext
import nbformat
import yaml

from masthead.report import substitutions as report_substitutions

from ..pages import appendix, citation, runtime
from ..config import NOTEBOOK_FORMAT, Site

INPUTS = ".inputs"
BIBLIOGRAPHY = "references.bib"  # made from data/sources.csv (pipeline/pages/appendix.py)


def substitutions(site: Site) -> dict[str, str]:
    """The edition metadata as MyST substitutions, so pages write {{ edition }}, never a date."""
    return report_substitutions(site.report)


def write_config(site: Site, target: Path) -> None:
    """The staged _config.yml: the committed one plus the edition substitutions."""
    config = copy.deepcopy(site.config)
    # the address as this build uses it (REPORT_BASE_URL or the config's; "" in a preview, so no
    # staged or published file names the placeholder host)
    config.setdefault("report", {})["base_url"] = citation.meta(site.report).base_url
    parse = config.setdefault("parse", {})
    parse["myst_substitutions"] = {**parse.get("myst_substitutions", {}), **substitutions(site)}
    # local Sphinx extensions are named relative to book/ (../scripts/sphinx_ext); the book is built
    # from the staging folder, so they are made absolute
    sphinx = config.setdefault("sphinx", {})
    local = sphinx.get("local_extensions") or {}
    sphinx["local_extensions"] = {name: str((site.book_dir / path).resolve()) for name, path in local.items()}
    # the chapters are executed by the execute stage (papermill), not by Jupyter Book
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    # the edition on every page, from the report block (how to cite; the PDF link is added by pdf.py)
    footer = citation.footer_html(citation.meta(site.report))
    config.setdefault("html", {})["extra_footer"] = footer
    # sphinx.config.html_theme_options replaces the theme options jupyter-book makes from html:
    sphinx.setdefault("config", {}).setdefault("html_theme_options", {})["extra_footer"] = footer
    target.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def prepare_stage(site: Site, stage_dir: Path, data_dir: Path, cache_dir: Path) -> Path:
    """Create ``stage_dir`` afresh and fill it; returns it."""
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    chapter_names = {c.name for c in site.notebooks}
    shutil.copytree(
        site.book_dir,
        stage_dir,
        ignore=lambda d, names: [n for n in names if Path(n).stem in chapter_names and d == str(site.book_dir)]
        + [n for n in names if n in ("_build", ".ipynb_checkpoints", "__pycache__")],
    )
    write_config(site, stage_dir / "_config.yml")
    inputs = stage_dir / INPUTS
    inputs.mkdir()
    for chapter in site.notebooks:
        notebook = jupytext.read(chapter.source, fmt=NOTEBOOK_FORMAT)
        notebook.metadata.pop("jupytext", None)
        nbformat.write(notebook, inputs / f"{chapter.name}.ipynb")
    static = stage_dir / "_static"
    static.mkdir(exist_ok=True)
    runtime.write_runtime(static / runtime.RUNTIME_NAME, cache_dir)
    write_data_files(site, stage_dir, data_dir)
    return stage_dir


def write_data_files(site: Site, stage_dir: Path, data_dir: Path) -> None:
    """What the staging copy holds made from data/ (``data_files``), with the zip's name and size as
    substitutions in the staged ``_config.yml``. The preview calls it again after a CSV edit
    (pipeline/speed/preview.py)."""
    made = data_files(site.report, data_dir, stage_dir)
    config = yaml.safe_load((stage_dir / "_config.yml").read_text(encoding="utf-8"))
    config["parse"]["myst_substitutions"].update(made)
    (stage_dir / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def data_files(report: dict, data_dir: Path, folder: Path) -> dict[str, str]:
    """Write into ``folder`` what a built book holds made from data/: the dataset downloads and the
    "download all data" zip under ``datasets/`` (the Data and sources page's ``{download}`` links,
    book/data_sources.md) and the bibliography (``references.bib``); returns the zip's name and
    size as the page's MyST substitutions. ``report`` is the edition metadata (``Site.report``).

    The stage writes them into the staging copy; a book built straight from ``book/`` writes them
    into its build folder (sphinx_ext/report_book.py), so both builds offer the same files."""
    bundle_zip = appendix.write_downloads(data_dir, folder, citation.meta(report))
    appendix.write_bibliography(data_dir, folder / BIBLIOGRAPHY)
    return appendix.bundle_substitutions(bundle_zip)
