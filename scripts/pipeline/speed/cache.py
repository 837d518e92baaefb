"""The data-aware chapter cache: re-execute a chapter only when something it reads changed.

Jupyter Book's own execution cache hashes a notebook's code only, so a changed CSV goes
unnoticed (jupyter-book#1633). Here a chapter's key is a content hash of everything its
execution can depend on:

- its notebook source (``book/<chapter>.md``) and the parameters it is run with;
- the datasets its front matter declares (``report: datasets:``; ``analysis.datasets.load``
  refuses any other, so the list is complete), plus ``sources.csv`` and ``datapackage.json``,
  which every chapter reads;
- the project library it imports (``scripts/analysis/*.py``, which draws the images too) and the
  execute and render stages themselves.

Hashes of contents, never modification times. A hit restores the executed notebook and the
chapter's figure files (``_static/figures/<chapter>/``: data, metadata and the PNG/SVG images)
from ``<cache>/chapters/<chapter>/<key>/``; a miss executes and, once the build has drawn the
chapter's images (pipeline.speed.render), stores all of it there, atomically (a half-written entry
is never seen, and two builds may share one cache).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import uuid
from pathlib import Path

from analysis import datapackage
from masthead import interface

from ..config import SCRIPTS

# The code a chapter's kernel runs: the analysis library and the masthead it reads dates and the
# credit line from; the executing and drawing modules of the build are hashed apart (EXECUTE, RENDER).
LIBRARY = (SCRIPTS / "analysis", SCRIPTS / "masthead")
# The Data and sources page's kernel runs pipeline.pages.appendix, which reads the freshness rules
# and the validator's rule texts: for a page that imports the build, those are hashed too, or a
# change to them would not reach it (the chapters' keys do not change with them).
BUILD_PAGES = (SCRIPTS / "pipeline" / "pages",)
VALIDATE = SCRIPTS / "pipeline" / "stages" / "validate.py"
EXECUTE = SCRIPTS / "pipeline" / "stages" / "execute.py"
RENDER = SCRIPTS / "pipeline" / "speed" / "render.py"
# Bump when the way chapters are executed or tidied changes what an executed notebook holds.
CACHE_VERSION = "1"
KEEP_PER_CHAPTER = 4
NOTEBOOK = "executed.ipynb"
FIGURES = "figures"
ALWAYS_READ = ("sources.csv", "datapackage.json")


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes, or a marker when it does not exist."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "missing"


def library_files(library: tuple[Path, ...] = LIBRARY) -> list[Path]:
    return sorted(p for folder in library for p in folder.rglob("*.py"))


def dataset_files(datasets, data_dir: Path) -> dict[str, Path]:
    """name → CSV path for each declared dataset (as datapackage.json maps it), plus the files
    every chapter reads. A name the descriptor lacks maps to a path that does not exist, so the
    key still changes when it appears."""
    try:
        paths = datapackage.resource_paths(datapackage.read_descriptor(data_dir))
    except (FileNotFoundError, ValueError):
        paths = {}
    files = {name: data_dir / paths.get(name, f"{name}.csv") for name in sorted(set(datasets))}
    for always in ALWAYS_READ:
        files[always] = data_dir / always
    return files


def chapter_inputs(chapter, data_dir: Path, params: dict, credit: str = "") -> dict:
    """Every input of one chapter's execution, as a JSON-able dict of content hashes."""
    return {
        "version": CACHE_VERSION,
        "python": sys.version.split()[0],
        "notebook": file_digest(chapter.source),
        "parameters": json.dumps(params, sort_keys=True, default=str),
        "datasets": {name: file_digest(path) for name, path in dataset_files(chapter.datasets, data_dir).items()},
        "library": {p.relative_to(SCRIPTS).as_posix(): file_digest(p) for p in library_files()},
        "interface": file_digest(interface.CATALOG),  # the words figures and the Data page fill in
        "execute": file_digest(EXECUTE),
        **(build_inputs() if "from pipeline" in chapter.source.read_text(encoding="utf-8") else {}),
        "render": file_digest(RENDER),  # draws the cached images
        "credit": credit,  # edition and licence printed under the cached images
    }


def build_inputs() -> dict:
    """The build's modules a page's kernel runs (the Data and sources page), as content hashes."""
    return {"build": {p.relative_to(SCRIPTS).as_posix(): file_digest(p) for p in library_files(BUILD_PAGES)},
            "validate": file_digest(VALIDATE)}


def chapter_key(chapter, data_dir: Path, params: dict, credit: str = "") -> str:
    inputs = chapter_inputs(chapter, data_dir, params, credit)
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:24]


class ChapterCache:
    """Executed chapters stored by key under ``<cache_dir>/chapters/``."""

    def __init__(self, cache_dir: Path):
        self.root = Path(cache_dir) / "chapters"

    def entry(self, chapter: str, key: str) -> Path:
        return self.root / chapter / key

    def restore(self, chapter: str, key: str, executed: Path, fig_dir: Path) -> bool:
        """Copy a stored run into the stage; False when there is none."""
        entry = self.entry(chapter, key)
        notebook = entry / NOTEBOOK
        if not notebook.is_file():
            return False
        if fig_dir.exists():
            shutil.rmtree(fig_dir)
        shutil.copytree(entry / FIGURES, fig_dir)
        shutil.copyfile(notebook, executed)
        os.utime(entry)  # most recently used, for pruning
        return True

    def store(self, chapter: str, key: str, executed: Path, fig_dir: Path, images: Path | None = None) -> None:
        """Keep a fresh run; written beside the entry and renamed into place. ``images``: the
        figures' PNG and SVG when the build drew them apart from the chapter (pipeline.speed.render)."""
        entry = self.entry(chapter, key)
        if (entry / NOTEBOOK).is_file():
            return
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.parent / f".{key}.{uuid.uuid4().hex}.tmp"
        try:
            tmp.mkdir()
            if fig_dir.exists():
                shutil.copytree(fig_dir, tmp / FIGURES)
            else:
                (tmp / FIGURES).mkdir()
            if images is not None:
                for image in images.iterdir():
                    shutil.copyfile(image, tmp / FIGURES / image.name)
            shutil.copyfile(executed, tmp / NOTEBOOK)
            try:
                os.rename(tmp, entry)
            except OSError:  # another build stored the same key first
                pass
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self.prune(chapter)

    def prune(self, chapter: str, keep: int = KEEP_PER_CHAPTER) -> None:
        """Keep the ``keep`` most recently used entries of a chapter (baseline and scenarios)."""
        entries = [p for p in (self.root / chapter).iterdir() if p.is_dir() and not p.name.startswith(".")]
        entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[keep:]:
            shutil.rmtree(old, ignore_errors=True)
