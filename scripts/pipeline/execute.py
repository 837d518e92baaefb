"""Execute the chapter notebooks with papermill, in parallel, into the staging book.

Each chapter runs in its own papermill process (so an interrupt can stop it cleanly) with:
its parameters (plus ``data_dir``), the datasets it declares in ``REPORT_DATASETS``, and the
folder its figures' downloads go to. After a run, papermill's injected-parameters cell is tagged
``remove-cell`` (it would otherwise show absolute paths in the page) and machine paths are
dropped from the notebook's metadata.
"""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import children
from .config import Chapter
from .errors import ChapterError
from .stage import INPUTS

SCRIPTS = Path(__file__).resolve().parents[1]
TIMEOUT_S = 600


@dataclass
class ChapterRun:
    chapter: str
    seconds: float
    executed: Path
    reused: bool = False


def figure_paths(stage_dir: Path, chapter: str) -> tuple[Path, str]:
    return stage_dir / "_static" / "figures" / chapter, f"_static/figures/{chapter}"


def execute_chapter(chapter: Chapter, stage_dir: Path, data_dir: Path, params: dict, failed_dir: Path) -> ChapterRun:
    """Run one chapter; on failure keep its executed notebook in ``failed_dir`` and raise."""
    started = time.monotonic()
    source = stage_dir / INPUTS / f"{chapter.name}.ipynb"
    executed = stage_dir / f"{chapter.name}.ipynb"
    fig_dir, fig_url = figure_paths(stage_dir, chapter.name)
    fig_dir.mkdir(parents=True, exist_ok=True)
    params_file = stage_dir / INPUTS / f"{chapter.name}.parameters.json"
    params_file.write_text(json.dumps({"data_dir": str(data_dir), **params}), encoding="utf-8")
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(SCRIPTS), os.environ.get("PYTHONPATH")])),
        REPORT_DATASETS=",".join(chapter.datasets),
        REPORT_FIGURE_DIR=str(fig_dir),
        REPORT_FIGURE_URL=fig_url,
        REPORT_CHAPTER=chapter.name,
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    command = [
        sys.executable, "-m", "papermill", str(source), str(executed),
        "-f", str(params_file), "--cwd", str(stage_dir), "-k", "python3",
        "--no-progress-bar", "--execution-timeout", str(TIMEOUT_S),
    ]
    returncode, log = children.run(command, env)
    if returncode != 0:
        raise _chapter_failure(chapter, executed, failed_dir, log, returncode)
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
    return ChapterError(f"chapter {chapter.name} ({where}) failed: {log.strip().splitlines()[-1:]}. Executed notebook kept at {kept}", executed_path=kept)


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
                     cache=None, force: bool = False) -> list[ChapterRun]:
    """Run chapters ``jobs`` at a time; the first failure stops the others and is raised.

    With a ``cache`` (pipeline.cache.ChapterCache) a chapter whose inputs are unchanged is
    restored from it instead ("reused"); ``force`` executes every chapter (and refreshes the cache).
    """
    from . import cache as chapter_cache

    runs, todo, keys = [], [], {}
    for chapter in chapters:
        started = time.monotonic()
        chapter_params = params.get(chapter.name, {})
        if cache is not None:
            keys[chapter.name] = chapter_cache.chapter_key(chapter, data_dir, chapter_params)
            executed = stage_dir / f"{chapter.name}.ipynb"
            if not force and cache.restore(chapter.name, keys[chapter.name], executed, figure_paths(stage_dir, chapter.name)[0]):
                run = ChapterRun(chapter.name, time.monotonic() - started, executed, reused=True)
                report(f"  reused   {run.chapter:<18} {run.seconds:5.1f} s")
                runs.append(run)
                continue
        todo.append(chapter)
    if jobs <= 0:  # a chapter waits on its kernel much of the time: run more than one per CPU
        jobs = min(len(todo), 2 * (os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(execute_chapter, c, stage_dir, data_dir, params.get(c.name, {}), failed_dir): c for c in todo}
        try:
            for future in _as_completed(futures):
                run = future.result()
                if cache is not None:
                    cache.store(run.chapter, keys[run.chapter], run.executed, figure_paths(stage_dir, run.chapter)[0])
                report(f"  executed {run.chapter:<18} {run.seconds:5.1f} s")
                runs.append(run)
        except BaseException:
            for future in futures:
                future.cancel()
            children.stop_all()
            raise
    return runs


def _as_completed(futures):
    from concurrent.futures import as_completed

    return as_completed(futures)
