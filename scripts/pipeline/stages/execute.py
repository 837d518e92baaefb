"""Execute the chapter notebooks with papermill, in parallel, into the staging book.

Each chapter is one papermill run (a thread of the build, each with its own kernel process,
forked warm from pipeline.speed.zygote when one is given) with: its parameters (plus ``data_dir``),
the datasets it declares in ``REPORT_DATASETS``, and the folder its figures' downloads go to.
After a run, papermill's injected-parameters cell is tagged ``remove-cell`` (it would otherwise
show absolute paths in the page) and machine paths are dropped from the notebook's metadata.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from ..speed import children, kernels
from ..config import Chapter
from ..errors import ChapterError
from .stage import INPUTS

if TYPE_CHECKING:
    from ..speed.render import Renderer

TIMEOUT_S = 600


@dataclass
class ChapterRun:
    chapter: str
    seconds: float
    executed: Path
    reused: bool = False


def figure_paths(stage_dir: Path, chapter: str) -> tuple[Path, str]:
    return stage_dir / "_static" / "figures" / chapter, f"_static/figures/{chapter}"


def execute_chapter(chapter: Chapter, stage_dir: Path, data_dir: Path, params: dict, failed_dir: Path,
                    zygote: kernels.Zygote | None = None, render_dir: Path | None = None,
                    stopping: threading.Event | None = None, credit: str = "") -> ChapterRun:
    """Run one chapter; on failure keep its executed notebook in ``failed_dir`` and raise.

    With ``render_dir`` the kernel leaves its figures' specs there for the build to draw
    (pipeline.speed.render) instead of drawing their PNG and SVG itself. ``stopping`` is set when the
    build is being stopped: the kernel was killed on purpose, and nothing is kept."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.monotonic()
    source = stage_dir / INPUTS / f"{chapter.name}.ipynb"
    executed = stage_dir / f"{chapter.name}.ipynb"
    fig_dir, fig_url = figure_paths(stage_dir, chapter.name)
    fig_dir.mkdir(parents=True, exist_ok=True)
    kernel_env = dict(
        os.environ,
        REPORT_DATASETS=",".join(chapter.datasets),
        REPORT_FIGURE_DIR=str(fig_dir),
        REPORT_FIGURE_URL=fig_url,
        REPORT_FIGURE_CREDIT=credit,  # edition and licence under each downloaded image (analysis.figures)
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    kernel_env.pop("REPORT_RENDER_DIR", None)
    if render_dir is not None:
        kernel_env["REPORT_RENDER_DIR"] = str(render_dir)
    try:
        papermill.execute_notebook(
            str(source), str(executed), parameters={"data_dir": str(data_dir), **params},
            kernel_name="python3", progress_bar=False, request_save_on_cell_execute=False,
            execution_timeout=TIMEOUT_S,
            # the kernel's working directory and environment (papermill's own cwd= would chdir
            # this whole process, which runs several chapters at once)
            resources={"metadata": {"path": str(stage_dir)}},
            kernel_manager_class=kernels.kernel_manager_class(zygote, kernel_env),
        )
    except Exception as problem:  # noqa: BLE001  (a cell failed; or the kernel died, timed out, did not start)
        if stopping is not None and stopping.is_set():
            raise ChapterError(f"chapter {chapter.name} stopped") from None
        if isinstance(problem, PapermillExecutionError):
            raise _chapter_failure(chapter, executed, failed_dir, str(problem), 1) from None
        message = f"{type(problem).__name__}: {problem}"
        if zygote is not None and zygote.log.exists() and zygote.log.stat().st_size:
            failed_dir.mkdir(parents=True, exist_ok=True)
            kept = failed_dir / "kernels.log"
            kept.write_bytes(zygote.log.read_bytes())
            message += f" (kernel output kept at {kept})"
        raise _chapter_failure(chapter, executed, failed_dir, message, -1) from None
    tidy_executed(executed)
    return ChapterRun(chapter.name, time.monotonic() - started, executed)


def _chapter_failure(chapter: Chapter, executed: Path, failed_dir: Path, log: str, code: int) -> ChapterError:
    where = f"book/{chapter.source.name}"
    if code < 0 or not executed.exists():
        tail = log.strip().splitlines()[-1:] or ["no output"]
        return ChapterError(f"chapter {chapter.name} ({where}) did not finish (exit {code}): {tail[0]}")
    failed_dir.mkdir(parents=True, exist_ok=True)
    kept = failed_dir / executed.name
    kept.write_bytes(executed.read_bytes())
    notebook = nbformat.read(executed, as_version=4)
    code_cells = [c for c in notebook.cells if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])]
    for number, cell in enumerate(code_cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first = next((line for line in cell.source.splitlines() if line.strip()), "")
                return ChapterError(
                    f"chapter {chapter.name} ({where}) failed in code cell {number} (`{first.strip()[:80]}`): "
                    f"{output.get('ename')}: {output.get('evalue')}. Executed notebook kept at {kept}",
                    executed_path=kept,
                )
    return ChapterError(f"chapter {chapter.name} ({where}) failed: {log.strip().splitlines()[-1:]}. Executed notebook kept at {kept}",
                        executed_path=kept)


def tidy_executed(path: Path) -> None:
    """Hide the injected-parameters cell and drop machine paths and timings from metadata."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = tags + ["remove-cell"]
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    papermill_meta = notebook.metadata.get("papermill", {})
    for key in ("input_path", "output_path", "start_time", "end_time", "duration", "environment_variables"):
        papermill_meta.pop(key, None)
    if "data_dir" in papermill_meta.get("parameters", {}):
        papermill_meta["parameters"]["data_dir"] = "data"
    nbformat.write(notebook, path)


def execute_chapters(chapters, stage_dir: Path, data_dir: Path, params: dict[str, dict], failed_dir: Path, jobs: int, report,
                     cache=None, force: bool = False, zygote: kernels.Zygote | None = None,
                     renderer: "Renderer | None" = None, credit: str = "") -> list[ChapterRun]:
    """Run chapters ``jobs`` at a time; the first failure stops the others and is raised.

    With a ``cache`` (pipeline.speed.cache.ChapterCache) a chapter whose inputs are unchanged is
    restored from it instead ("reused"); ``force`` executes every chapter (and refreshes the cache).
    With a ``zygote`` (pipeline.speed.kernels.Zygote) the kernels are forked from it, warm. With a
    ``renderer`` (pipeline.speed.render.Renderer) an executed chapter's images are drawn by it, in the
    background, and the chapter is stored in the cache once they are. ``credit`` (the report's
    edition and licence, analysis.figures.credit_line) is printed under each downloaded image.
    """
    import papermill  # noqa: F401  (once, before the worker threads)
    from ..speed import cache as chapter_cache

    runs, todo, keys = [], [], {}
    for chapter in chapters:
        started = time.monotonic()
        chapter_params = params.get(chapter.name, {})
        if cache is not None:
            keys[chapter.name] = chapter_cache.chapter_key(chapter, data_dir, chapter_params, credit)
            executed = stage_dir / f"{chapter.name}.ipynb"
            if not force and cache.restore(chapter.name, keys[chapter.name], executed, figure_paths(stage_dir, chapter.name)[0]):
                run = ChapterRun(chapter.name, time.monotonic() - started, executed, reused=True)
                report(f"  reused   {run.chapter:<18} {run.seconds:5.1f} s")
                runs.append(run)
                continue
        todo.append(chapter)
    if jobs <= 0:  # a chapter waits on its kernel much of the time: run more than one per CPU
        jobs = min(len(todo), 2 * (os.cpu_count() or 1))
    def store(chapter: str, images: Path | None = None) -> None:
        """Keep an executed chapter in the cache (with its images, when they were drawn apart)."""
        if cache is not None:
            cache.store(chapter, keys[chapter], stage_dir / f"{chapter}.ipynb", figure_paths(stage_dir, chapter)[0], images)

    stopping = threading.Event()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(execute_chapter, c, stage_dir, data_dir, params.get(c.name, {}), failed_dir, zygote,
                               renderer.spec_dir(c.name) if renderer else None, stopping, credit): c for c in todo}
        try:
            for future in as_completed(futures):
                run = future.result()
                if renderer is not None:
                    renderer.submit(run.chapter, store)  # stored once its images are drawn
                else:
                    store(run.chapter)
                report(f"  executed {run.chapter:<18} {run.seconds:5.1f} s")
                runs.append(run)
        except BaseException:
            stopping.set()
            for future in futures:
                future.cancel()
            children.stop_all()
            if renderer is not None:
                renderer.cancel()
            raise
    return runs
