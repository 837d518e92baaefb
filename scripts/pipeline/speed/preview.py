"""The live preview's rebuild (``make preview``, scripts/preview.py): only what an edit changed.

A build of the report stages every page afresh and has Sphinx write every page (``--all``), which
is right for a published report and slow for an analyst's edit-and-look loop. The preview keeps
two folders alive between edits, under ``_build/preview/`` (never ``_build/html``):

- ``next/``: the staging book as a full build would stage it, kept up to date piece by piece: an
  edited page is copied (a chapter notebook converted again), an edited CSV re-validates the data,
  rewrites the data appendix and bibliography and re-executes the chapters that read it (through
  the chapter cache, with warm kernels); the edition record, the citations that follow it and What
  changed are made again from the executed chapters, as a build makes them;
- ``stage/``: what Sphinx reads. ``next/`` is copied into it file by file, only where the content
  differs, so Sphinx's own incremental build (modification times) re-reads exactly the changed
  pages; the pages that quote a changed page (``{finding}`` quotes, ``page.ipynb::key`` glue) are
  marked changed too, so a quoted number follows.

A chapter whose edit touches only its prose (the same code cells, the same front matter) is not
executed again: its new text is put around the outputs of its last run (``merge_outputs``).

Sphinx runs in a child forked from a warm process that has imported Jupyter Book and the
report's extensions once (``WarmSphinx``), and that keeps the answers of steps that are pure and
slow (the bibliography's decoded LaTeX, pybtex's plugin lookups, the report's configuration, each
chart's compiled Vega): a one-page build then costs seconds, not the minute of a whole site.
A build that fails (the validator refuses a CSV, a page has a broken reference) raises BuildError
and leaves the last good pages (``html/``, what the preview serves) as they were.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Callable

from . import children, zygote
from ..errors import BuildError

NEXT, STAGE, SERVED, PRISTINE = "next", "stage", "html", "pristine"
# ``{finding} label`` (a quote of the paragraph a page labels ``(label)=``) and ``page.ipynb::key``
# (another page's glued value, in a glue role or a {choose}): the page depends on that other page.
FINDING = re.compile(r"\{finding\}\s+([^\s`]+)")
LABEL = re.compile(r"^\(([^)\s]+)\)=\s*$", re.M)
GLUE_OF = re.compile(r"([A-Za-z0-9_-]+)\.ipynb::")
SOURCE_SUFFIXES = (".md", ".ipynb")


# ---------------------------------------------------------------- files


def file_state(paths: list[Path]) -> dict[Path, tuple[int, int]]:
    """path → (modification time, size) of every file under ``paths`` (folders walked)."""
    state = {}
    for top in paths:
        if top.is_file():
            found = [top]
        elif top.is_dir():
            found = [p for p in top.rglob("*") if p.is_file() and not _skipped(p.relative_to(top))]
        else:
            found = []
        for path in found:
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            state[path] = (stat.st_mtime_ns, stat.st_size)
    return state


def _skipped(relative: Path) -> bool:
    """Editor and tool droppings that are not the report's sources."""
    return any(part.startswith(".") or part in ("_build", "__pycache__") for part in relative.parts) or relative.name.endswith("~")


def sync_tree(source: Path, target: Path, *, by_content: bool = True, keep=lambda rel: False) -> list[str]:
    """Make ``target`` hold what ``source`` holds, writing only the files that differ (so an unchanged
    file keeps its modification time); files gone from ``source`` are removed unless ``keep(rel)``.
    Returns the relative paths written or removed."""
    changed = []
    target.mkdir(parents=True, exist_ok=True)
    seen = set()
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if rel.parts[0] == "_build":
            continue
        seen.add(rel)
        out = target / rel
        if path.is_dir():
            out.mkdir(parents=True, exist_ok=True)
            continue
        if out.is_file():
            if by_content:
                same = filecmp.cmp(path, out, shallow=False)
            else:
                a, b = path.stat(), out.stat()
                same = a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns
            if same:
                continue
        tmp = out.with_name(f".{out.name}.preview-tmp")
        shutil.copyfile(path, tmp)
        if not by_content:
            shutil.copystat(path, tmp)
        os.replace(tmp, out)
        changed.append(rel.as_posix())
    for path in sorted(target.rglob("*"), reverse=True):
        rel = path.relative_to(target)
        if rel.parts[0] == "_build" or rel in seen or keep(rel):
            continue
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
        else:
            path.unlink()
            changed.append(rel.as_posix())
    return changed


# ---------------------------------------------------------------- which pages quote which


def page_text(path: Path) -> str:
    """A staged page's text: a Markdown file as it is, a notebook's Markdown cells joined."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        try:
            cells = json.loads(text).get("cells", [])
        except ValueError:
            return ""
        return "\n".join("".join(c.get("source", "")) if isinstance(c.get("source"), list) else c.get("source", "")
                         for c in cells if c.get("cell_type") == "markdown")
    return text


def quoted_pages(stage_dir: Path) -> dict[str, set[str]]:
    """docname → the docnames whose pages quote it (a ``{finding}`` of its labels, its glued values)."""
    pages = {p.stem: p for p in stage_dir.iterdir() if p.suffix in SOURCE_SUFFIXES and p.is_file()}
    texts = {name: page_text(path) for name, path in pages.items()}
    label_page = {label: name for name, text in texts.items() for label in LABEL.findall(text)}
    quoted: dict[str, set[str]] = {}
    for name, text in texts.items():
        for other in {label_page.get(label) for label in FINDING.findall(text)} | set(GLUE_OF.findall(text)):
            if other and other != name:
                quoted.setdefault(other, set()).add(name)
    return quoted


def docs_of(paths: list[str]) -> set[str]:
    """The docnames among staged relative paths (a page at the staging book's top)."""
    return {Path(p).stem for p in paths if "/" not in p and Path(p).suffix in SOURCE_SUFFIXES}


def mark_quoting_pages(stage_dir: Path, changed_docs: set[str]) -> set[str]:
    """Mark as changed (modification time now) every page that quotes a changed page, so Sphinx
    reads and writes it again; returns those docnames."""
    quoted = quoted_pages(stage_dir)
    marked, todo = set(), list(changed_docs)
    while todo:  # a quote of a quote follows too
        for name in quoted.get(todo.pop(), ()):
            if name not in marked and name not in changed_docs:
                marked.add(name)
                todo.append(name)
    now = time.time()
    for name in marked:
        for suffix in SOURCE_SUFFIXES:
            if (stage_dir / f"{name}{suffix}").is_file():
                os.utime(stage_dir / f"{name}{suffix}", (now, now))
    return marked


# ---------------------------------------------------------------- prose edits of a chapter


def _code_cells(notebook) -> list:
    return [c for c in notebook.cells if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])]


def _code_signature(notebook) -> list:
    return [(c.source, sorted(c.metadata.get("tags", []))) for c in _code_cells(notebook)]


def _kernel_words(notebook) -> tuple:
    """The words in a chapter's Markdown that its kernel reads (``analysis.wordings``): figure and
    table texts, ``{words}`` lists, the key figures' ``{labels}`` and the named ``{choose}``
    wordings a figure text may quote. They are drawn into charts and tables or recorded with the
    figures, so an edit of them needs a run, like a code edit."""
    from analysis import wordings

    text = "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    named = [(c.by, c.cases, c.options) for c in wordings.choices(text) if "wording" in c.options]
    return (wordings.figure_texts(text), wordings.table_texts(text), wordings.word_lists(text),
            wordings.key_labels(text), named)


def merge_outputs(fresh, executed):
    """``fresh`` (a chapter just converted) with the outputs of ``executed`` (its last run), when the
    two differ only in Markdown cells the kernel does not read (``_kernel_words``); else None (the
    chapter must run again). The injected parameters cell and papermill's metadata are kept, so
    the result is what a run would give."""
    if _code_signature(fresh) != _code_signature(executed):
        return None
    if _kernel_words(fresh) != _kernel_words(executed):
        return None
    if any(executed.metadata.get(k) != v for k, v in fresh.metadata.items() if k != "jupytext"):  # front matter
        return None
    merged = executed
    runs = iter(_code_cells(executed))
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    cells = []
    for cell in fresh.cells:
        if cell.cell_type == "code":
            cells.append(next(runs))
            if "parameters" in cell.metadata.get("tags", []):
                cells.extend(injected)
        else:
            cells.append(cell)
    merged.cells = cells
    return merged


# ---------------------------------------------------------------- Sphinx, warm


PRELOAD = ("jupyter_book.cli.main", "jupyter_book.config", "sphinx.application", "sphinx.builders.html", "sphinx.search.en")


def preload_extensions(stage_dir: Path) -> None:
    """Import every Sphinx extension the staged configuration names (Jupyter Book's own, the extra and
    the local ones), so that a forked build only sets them up: about four seconds less per build."""
    import importlib

    import yaml

    from jupyter_book.config import get_default_sphinx_config

    config = yaml.safe_load((stage_dir / "_config.yml").read_text(encoding="utf-8")) or {}
    sphinx = config.get("sphinx") or {}
    local = sphinx.get("local_extensions") or {}
    for path in {str(Path(p).resolve()) for p in local.values()}:
        if path not in sys.path:
            sys.path.insert(0, path)
    for name in [*get_default_sphinx_config()["extensions"], *(sphinx.get("extra_extensions") or []), *local]:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001  (the build imports it again and reports its own error)
            pass


_LATEX: dict[str, str] = {}


def remember_latex() -> None:
    """Decoding the bibliography's LaTeX is pure and slow (sphinxcontrib-bibtex formats every entry at
    every build: 2-3 s here): decoded strings are kept in the warm process, which its builds inherit."""
    import codecs

    decode = codecs.decode

    def decode_once(obj, encoding="utf-8", errors="strict"):
        if encoding == "ulatex" and errors == "strict" and isinstance(obj, str):
            if obj not in _LATEX:
                _LATEX[obj] = decode(obj, encoding)
            return _LATEX[obj]
        return decode(obj, encoding, errors)

    codecs.decode = decode_once


def warm_bibliography(bib: Path) -> None:
    """Decode every field and name of ``bib`` in the warm process (see remember_latex)."""
    import codecs

    import latexcodec  # noqa: F401
    from pybtex.database import parse_file

    try:
        data = parse_file(str(bib))
    except Exception:  # noqa: BLE001  (the build reports a bad bibliography itself)
        return
    for entry in data.entries.values():
        for value in entry.fields.values():
            codecs.decode(value, "ulatex")
        for people in entry.persons.values():
            for person in people:
                for part in (*person.first_names, *person.middle_names, *person.prelast_names, *person.last_names,
                             *person.lineage_names):
                    codecs.decode(part, "ulatex")


def remember_lookups(cache_dir: Path) -> None:
    """Three more pure and slow steps of each page Sphinx writes, done once in the warm process or
    kept on disk across builds (the output is the same: each answer is what the step would give):

    - pybtex's plugin lookups (every citation asks; each scans all installed entry points);
    - the report's configuration, read by the page extensions once per page (masthead.report);
    - each chart's Vega-Lite → Vega compilation (report_charts), kept on disk by its input."""
    import copy
    import hashlib
    from importlib.metadata import entry_points

    import pybtex.plugin
    import vl_convert

    import masthead.report

    installed, found = entry_points(), {}

    def lookup(**selection):
        key = tuple(sorted(selection.items()))
        if key not in found:
            found[key] = installed.select(**selection)
        return found[key]

    lookup.__wrapped__ = pybtex.plugin.entry_points  # report_pybtex then leaves it in place
    pybtex.plugin.entry_points = lookup
    for group in sorted(g for g in installed.groups if g.startswith("pybtex")):
        lookup(group=group)
        for point in installed.select(group=group):
            lookup(group=point.group, name=point.name)
            lookup(group=f"{point.group}.aliases", name=point.name)

    read_config, configs = masthead.report.read_config, {}

    def read_config_once(path):
        stat = Path(path).stat()
        key = (str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size)
        if key not in configs:
            configs[key] = read_config(path)
        return copy.deepcopy(configs[key])

    masthead.report.read_config = read_config_once

    to_vega = vl_convert.vegalite_to_vega
    cache_dir.mkdir(parents=True, exist_ok=True)

    def to_vega_kept(spec, *args, **kwargs):
        key = hashlib.sha256(json.dumps([spec, args, kwargs, vl_convert.__version__], sort_keys=True).encode()).hexdigest()
        kept = cache_dir / f"{key}.json"
        if kept.is_file():
            return json.loads(kept.read_text(encoding="utf-8"))
        vega = to_vega(spec, *args, **kwargs)
        tmp = kept.with_name(f".{key}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(vega), encoding="utf-8")
        os.replace(tmp, kept)
        return vega

    vl_convert.vegalite_to_vega = to_vega_kept


def warm_serve() -> None:
    """The warm Sphinx process (``python -m pipeline.speed.preview``): imports Jupyter Book and Sphinx
    once, then for each request line (a JSON list: staging folder, log file, SOURCE_DATE_EPOCH) forks
    a child that runs ``jupyter-book build -W -n --keep-going`` there (incremental: no ``--all``) and
    answers with its exit code, one JSON line."""
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    remember_latex()
    print(json.dumps({"ready": os.getpid()}), flush=True)
    preloaded, bib_seen = False, None
    for line in sys.stdin:
        stage_dir, log, epoch = json.loads(line)
        if not preloaded:
            preload_extensions(Path(stage_dir))
            remember_lookups(Path(stage_dir).parent / "vega")
            preloaded = True
        config = Path(stage_dir) / "_config.yml"
        if config.is_file():
            import masthead.report

            masthead.report.read_config(config)  # read here once, for every build that follows
        bib = Path(stage_dir) / "references.bib"
        if bib.is_file() and bib.stat().st_mtime_ns != bib_seen:
            warm_bibliography(bib)
            bib_seen = bib.stat().st_mtime_ns
        pid = os.fork()
        if pid == 0:  # the child: one build, then exit
            code = 1
            try:
                os.environ["SOURCE_DATE_EPOCH"] = epoch  # the footer's dates are the edition's
                fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
                sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
                from jupyter_book.cli.main import main as jupyter_book

                try:
                    jupyter_book.main(["build", "-W", "-n", "--keep-going", stage_dir], standalone_mode=False)
                    code = 0
                except SystemExit as stop:
                    code = zygote.exit_code(stop)
            except BaseException:  # noqa: BLE001
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"code": os.waitstatus_to_exitcode(status)}), flush=True)


class WarmSphinx:
    """The warm Sphinx process, started at once (it imports while the first build stages and executes)."""

    def __init__(self, log_dir: Path, env: dict[str, str]):
        self.log = log_dir / "sphinx.log"
        log_dir.mkdir(parents=True, exist_ok=True)
        with open(log_dir / "sphinx-warm.log", "w", encoding="utf-8") as errors:
            self.proc = children.spawn([sys.executable, "-m", "pipeline.speed.preview"], env,
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True)
        self._ready = False

    def build(self, stage_dir: Path, epoch: str) -> tuple[int, str]:
        """Run one incremental build of ``stage_dir``; returns its exit code and its output."""
        if not self._ready:
            line = self.proc.stdout.readline()
            if "ready" not in line:
                raise BuildError(f"the warm Sphinx process did not start (exit {self.proc.poll()};"
                                 f" see {self.log.parent / 'sphinx-warm.log'})", stage="assemble")
            self._ready = True
        self.proc.stdin.write(json.dumps([str(stage_dir), str(self.log), epoch]) + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer:
            raise BuildError(f"the warm Sphinx process stopped (exit {self.proc.poll()}; see {self.log.parent / 'sphinx-warm.log'})",
                             stage="assemble")
        log = self.log.read_text(encoding="utf-8", errors="replace") if self.log.is_file() else ""
        return int(json.loads(answer)["code"]), log

    def stop(self) -> None:
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdout,):
            stream.close()
        children.release(self.proc)


# ---------------------------------------------------------------- the preview


class Preview:
    """The preview of one report root: ``build()`` once, then ``rebuild(changed_paths)`` per edit.

    ``folder`` (default ``<root>/_build/preview``) holds next/, stage/, pristine/ (each chapter's
    executed notebook before its citations are filled in) and html/ (the last good site)."""

    def __init__(self, root: Path, data_dir: Path, folder: Path, report: Callable[[str], None] | None = None):
        from ..plan import BuildOptions, resolve, say

        self.root, self.data_dir, self.folder = Path(root).resolve(), Path(data_dir).resolve(), Path(folder).resolve()
        self.report = report or say
        # the chapter cache is the report's: a chapter `make report` ran is not run again
        self.plan = resolve(BuildOptions(root=self.root, data_dir=self.data_dir, output=self.folder / SERVED,
                                         cache_dir=self.root / "_build" / "cache", progress=self.report))
        self.next, self.stage, self.served = self.folder / NEXT, self.folder / STAGE, self.folder / SERVED
        self.pristine = self.folder / PRISTINE
        self.site = None
        self.params: dict = {}
        self.generation = 0  # one more at each good build
        self.zygote = None
        self.sphinx = None
        self._pending: list[Path] = []  # the files of a rebuild that failed
        self.staged = False  # a full build has gone through: every chapter has its executed notebook
        self.renderer = None  # draws the images of the chapters a rebuild executes (pipeline/speed/render.py)

    # -- helpers
    def start(self) -> "Preview":
        from . import kernels

        env = dict(os.environ, PYTHONHASHSEED="0")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.zygote = kernels.Zygote(self.folder / "kernels.log").start()
        self.sphinx = WarmSphinx(self.folder, env)
        return self

    def stop(self) -> None:
        children.stop_all()  # a build under way stops at once: its kernels, the Sphinx build, the drawing
        if self.renderer is not None:
            self.renderer.cancel()
        if self.zygote is not None:
            self.zygote.stop()
        if self.sphinx is not None:
            self.sphinx.stop()
        children.stop_all()

    def watched(self) -> list[Path]:
        """What the preview watches: the book, the data and the report's configuration files."""
        config = [p for p in self.root.iterdir() if p.is_file() and p.suffix in (".yml", ".yaml")]
        return [self.site.book_dir if self.site else self.root / "book", self.data_dir, *config]

    def _credit(self) -> str:
        from ..pages import citation

        return citation.credit_line(citation.meta(self.site.report))

    def _execute(self, chapters) -> None:
        from ..stages import execute
        from .cache import ChapterCache

        if not chapters:
            return
        from .render import Renderer

        shutil.rmtree(self.folder / "render", ignore_errors=True)
        self.renderer = Renderer(self.folder / "render")
        execute.execute_chapters(chapters, self.next, self.data_dir, self.params, self.folder / "failed", 0, self.report,
                                 cache=ChapterCache(self.plan.cache_dir), zygote=self.zygote, renderer=self.renderer,
                                 credit=self._credit())
        self.pristine.mkdir(parents=True, exist_ok=True)
        for chapter in chapters:
            shutil.copyfile(self.next / f"{chapter.name}.ipynb", self.pristine / f"{chapter.name}.ipynb")

    def _validate(self) -> None:
        from ..stages import validate

        validate.validate_data(self.data_dir)

    def _data_pages(self) -> None:
        """The files made from data/: the dataset downloads, the "all data" zip and the bibliography
        (the Data and sources page itself is a notebook, executed again as a reader of the CSV)."""
        from ..stages import stage

        stage.write_data_files(self.site, self.next, self.data_dir)

    # -- the three kinds of rebuild
    def build(self) -> None:
        """Stage everything (the first build, or the configuration changed); chapters come from the cache."""
        from ..plan import resolve, BuildOptions
        from ..stages import stage

        self.plan = resolve(BuildOptions(root=self.root, data_dir=self.data_dir, output=self.served,
                                         cache_dir=self.root / "_build" / "cache", progress=self.report))
        site = self.plan.site()
        self._validate()
        self.site = site
        stage.prepare_stage(site, self.next, self.data_dir, self.plan.cache_dir)
        notebooks = {c.name: self.next / stage.INPUTS / f"{c.name}.ipynb" for c in site.chapters}
        self.params = self.plan.chapter_parameters(list(site.chapters), notebooks)
        self.staged = False
        self._execute(list(site.chapters))
        self.staged = True
        self._finish()

    def rebuild(self, changed: list[Path]) -> str:
        """Rebuild after ``changed`` files were saved; returns what kind of rebuild it was ("" when none
        of them is a source). The files of a rebuild that failed are rebuilt again with the next save,
        so a CSV the validator refused is checked again even when a page is saved next."""
        changed = sorted(set(self._pending) | {Path(p) for p in changed})
        self._pending = changed
        kind = self._rebuild(changed)
        self._pending = []
        return kind

    def _rebuild(self, changed: list[Path]) -> str:
        if self.site is None or not self.staged:
            self.build()
            return "full"
        book = self.site.book_dir
        data = self.data_dir
        pages, datasets, other = [], [], []
        for path in changed:
            path = Path(path)
            if not path.is_file():  # a page or dataset removed or renamed: stage everything again
                if (path.parent == book and path.stem in self.site.pages) or data in path.parents:
                    other.append(path)
                continue  # an editor's scratch file, come and gone
            if path.parent == book and path.suffix == ".md" and path.stem in self.site.pages:
                pages.append(path)
            elif data in path.parents and path.suffix in (".csv", ".json"):
                datasets.append(path)
            else:
                other.append(path)
        if other:
            self.build()
            return "full"
        if not pages and not datasets:
            return ""
        to_run = {}
        if datasets:
            self._validate()
            self._data_pages()
            from .cache import dataset_files

            for chapter in self.site.chapters:
                read = set(dataset_files(chapter.datasets, data).values())
                if any(p in read for p in datasets):
                    to_run[chapter.name] = chapter
        chapters = {c.name: c for c in self.site.chapters}
        edited = [path for path in pages if path.stem in chapters]
        for path in pages:
            if path.stem not in chapters:
                shutil.copyfile(path, self.next / path.name)
        if edited:
            from ..config import read_chapter
            from ..stages import stage

            self.site = type(self.site)(root=self.site.root, config=self.site.config, toc=self.site.toc, pages=self.site.pages,
                                        chapters=tuple(read_chapter(c.name, c.source) for c in self.site.chapters))
            chapters = {c.name: c for c in self.site.chapters}
            for path in edited:
                if not self._convert(chapters[path.stem], keep_outputs=path.stem not in to_run):
                    to_run[path.stem] = chapters[path.stem]
            to_run = {name: chapters[name] for name in to_run}
            notebooks = {name: self.next / stage.INPUTS / f"{name}.ipynb" for name in to_run}
            self.params.update(self.plan.chapter_parameters(list(to_run.values()), notebooks))
        self._execute(list(to_run.values()))
        self._finish()
        return "data" if datasets else "page"

    def _convert(self, chapter, keep_outputs: bool) -> bool:
        """Convert the edited chapter; with ``keep_outputs``, True (and its last outputs kept) when only
        its prose changed."""
        import jupytext
        import nbformat

        from ..config import NOTEBOOK_FORMAT
        from ..stages import stage

        fresh = jupytext.read(chapter.source, fmt=NOTEBOOK_FORMAT)
        fresh.metadata.pop("jupytext", None)
        nbformat.write(fresh, self.next / stage.INPUTS / f"{chapter.name}.ipynb")
        last = self.pristine / f"{chapter.name}.ipynb"
        if not keep_outputs or not last.is_file():
            return False
        merged = merge_outputs(fresh, nbformat.read(last, as_version=4))
        if merged is None:
            return False
        nbformat.write(merged, last)
        self.report(f"  kept outputs {chapter.name:<14} (prose only)")
        return True

    def _finish(self) -> None:
        """The edition record, the citations that follow it and What changed; then Sphinx on what changed.
        The images of the chapters just executed are drawn meanwhile and go into the site at the end."""
        try:
            self._record_and_pages()
        finally:
            if self.renderer is not None:
                self.renderer.cancel()
                self.renderer = None

    def _record_and_pages(self) -> None:
        from ..editions import manifest
        from ..pages import citeglue
        from ..stages import assemble

        site = self.site
        for chapter in site.chapters:  # citations are filled in from the record, on a fresh copy
            shutil.copyfile(self.pristine / f"{chapter.name}.ipynb", self.next / f"{chapter.name}.ipynb")
        record = manifest.edition_record(site, self.data_dir, self.params,
                                         {c.name: self.next / f"{c.name}.ipynb" for c in site.chapters}, None)
        manifest.write_record(record, self.next / manifest.RECORD_URL)
        citeglue.apply(self.next, record)
        if site.record_pages:  # What changed: executed from the record, as the full build does
            from ..stages import execute

            record_params = {"record": str(self.next / manifest.RECORD_URL), "root": str(self.plan.root),
                             "editions_dir": str(self.plan.editions_dir)}
            execute.execute_chapters(site.record_pages, self.next, self.data_dir,
                                     dict.fromkeys((p.name for p in site.record_pages), record_params),
                                     self.folder / "failed", 1, self.report, zygote=self.zygote)
        written = sync_tree(self.next, self.stage)
        docs = docs_of(written)
        marked = mark_quoting_pages(self.stage, docs)
        if marked:
            self.report(f"  quoting pages {', '.join(sorted(marked))}")
        started = time.monotonic()
        code, log = self.sphinx.build(self.stage, assemble.edition_epoch(site.report.get("edition_date", "1970-01-01")))
        html = self.stage / "_build" / "html"
        if code != 0 or not (html / "index.html").exists():
            # Sphinx does not read again a page whose warnings failed the build: the next build reads
            # every page, so a problem that is still there is reported again
            now = time.time()
            for page in self.stage.iterdir():
                if page.suffix in SOURCE_SUFFIXES:
                    os.utime(page, (now, now))
            raise BuildError(assemble._summarise(log, self.stage), stage="assemble")
        self.report(f"  pages {', '.join(sorted(docs | marked)) or 'none'} written {time.monotonic() - started:5.1f} s")
        if self.renderer is not None:  # the images drawn apart: into Sphinx's output, and kept with the chapter
            from ..stages import execute

            self.renderer.copy_into(lambda chapter: execute.figure_paths(html, chapter)[0])
            for chapter, images in self.renderer.wait().items():
                for image in images.iterdir():
                    shutil.copyfile(image, execute.figure_paths(self.next, chapter)[0] / image.name)
        sync_tree(html, self.served, by_content=False)
        self.generation += 1


if __name__ == "__main__":
    warm_serve()
