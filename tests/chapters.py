"""Chapter tests' helpers: a chapter computed without a kernel (``compute``), and one chapter
notebook run as the build would, without building the site (``run_chapter``, the smoke test)."""

from __future__ import annotations

import contextlib
import csv
import importlib
import json
import shutil
from pathlib import Path

from analysis import wordings
from analysis.chapters import Chapter, KeyFigure
from pipeline.stages import execute, stage
from pipeline.config import load_site
from pipeline.editions.record import glued_values

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
# pages whose module is not a chapter module (the Data and sources page is the build's own page)
PAGE_MODULES = {"data_sources": "pipeline.pages.appendix"}


def copy_data(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may edit."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def read_rows(path: Path) -> list[dict]:
    """A CSV's rows as dicts of text, for tests that edit a copy of data/."""
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, records: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


def compute(name: str, data_dir: Path = DATA, **params) -> dict:
    """Chapter ``name``'s key figures computed from ``data_dir`` by its module, plus the wordings
    its page picks: each ``{choose}`` block with a ``wording`` name, filled as the page shows it
    (``analysis.wordings``, as plain text); name → value."""
    module = PAGE_MODULES.get(name, f"analysis.chapters.{name}")
    chapter = importlib.import_module(module).compute(data_dir, **params)
    page = "index" if name == "home" else name  # the landing page's module is analysis.chapters.home
    text = (REPO / "book" / f"{page}.md").read_text(encoding="utf-8")
    values = chapter.values()
    for choice, _, branch in wordings.chosen(text, values, page=f"{page}.ipynb", pages=None):
        if choice.doc and choice.doc != f"{page}.ipynb":
            continue
        if "wording" in choice.options:
            chapter.keys[choice.options["wording"]] = KeyFigure(wordings.as_text(branch))
    return chapter.values()


def show_figure(folder: Path, name: str, record, data_dir: Path = DATA, **words: str):
    """Figure ``name`` as a chapter shows it (``Chapter.figure``, which ``chapter.glue()`` calls):
    the chart its module records (``record``, an ``analysis.chapters.Figure``) with the ``title``,
    ``subtitle`` and ``alt`` text its page writes in a ``{figure-text}`` block (a page of one block,
    written into ``folder``; a field not given is not written)."""
    folder.mkdir(parents=True, exist_ok=True)
    fields = "".join(f"{field}: {json.dumps(words[field])}\n" for field in ("title", "subtitle", "alt") if field in words)
    (folder / "test_page.md").write_text(f":::{{figure-text}} {name}\n{fields}:::\n", encoding="utf-8")
    chapter = Chapter(data_dir, page="test_page")
    chapter.figures[name] = record
    with contextlib.chdir(folder):  # where a kernel finds its page (analysis.wordings.page_source)
        return chapter.figure(name)


def wordings_of(name: str) -> set[str]:
    """The names of chapter ``name``'s ``{choose}`` blocks (``compute`` fills them; a kernel does not)."""
    text = (REPO / "book" / f"{'index' if name == 'home' else name}.md").read_text(encoding="utf-8")
    return {choice.options["wording"] for choice in wordings.choices(text) if "wording" in choice.options}


def run_chapter(name: str, tmp_path: Path, data_dir: Path = DATA, *, page: str | None = None, provenance: bool = False,
                **params) -> dict:
    """Execute chapter ``name`` against ``data_dir`` with ``params``; returns its glued values
    (name → value; with ``provenance``, name → the value with its label, unit, dataset and source
    ids as glued). ``page``: the page's Markdown to run instead of book/<name>.md (an edited copy).
    Raises pipeline.errors.ChapterError if the notebook fails.

    The kernel is an ordinary papermill kernel that draws its own figures, as in a build with
    ``--no-speedups`` (the speed-ups are tested by test_kernels.py, test_render.py and the builds)."""
    site = load_site(REPO)
    chapter = next(c for c in site.chapters if c.name == name)
    stage_dir = tmp_path / f"stage-{name}"
    (stage_dir / stage.INPUTS).mkdir(parents=True, exist_ok=True)
    import jupytext
    import nbformat

    notebook = jupytext.reads(page, fmt="md:myst") if page is not None else jupytext.read(chapter.source, fmt="md:myst")
    nbformat.write(notebook, stage_dir / stage.INPUTS / f"{name}.ipynb")
    run = execute.execute_chapter(chapter, stage_dir, Path(data_dir).resolve(), params, tmp_path / "failed")
    glued = glued_values(run.executed)
    return glued if provenance else {key: item["value"] for key, item in glued.items()}


def check_parameter(name: str, parameter: str, text: str):
    """What the build's parameter check makes of ``-p parameter=text`` for chapter ``name``:
    the typed value, or a ParameterError (the front-matter limits, before anything runs)."""
    import tempfile

    import jupytext
    import nbformat

    from pipeline.editions.parameters import coerce, declared_parameters

    chapter = next(c for c in load_site(REPO).chapters if c.name == name)
    with tempfile.TemporaryDirectory() as tmp:
        notebook = Path(tmp) / f"{name}.ipynb"
        nbformat.write(jupytext.read(chapter.source, fmt="md:myst"), notebook)
        declared = declared_parameters(notebook)
    return coerce(parameter, text, declared[parameter], chapter.parameter_rules.get(parameter, {}))
