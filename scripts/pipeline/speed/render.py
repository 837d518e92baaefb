"""Draw the figures' PNG and SVG downloads in the build, beside the other stages.

In a build a chapter's kernel does not draw its figures' images: it writes each chart's
Vega-Lite spec to ``<work>/render/<chapter>/<name>.vl.json`` (analysis.figures, with
``REPORT_RENDER_DIR`` set) and goes on with its next cell. The build draws them here, with the
same function a chapter run by hand uses (analysis.images.write_images), in one drawing process
that a thread of the build feeds one figure at a time:

- the chart renderer (vl-convert's V8 engine, a third of a second to start) starts once per
  build instead of once per chapter, and is started while data are validated and staged;
- a chapter's images are drawn as soon as it has executed, while the other chapters execute and
  then while Sphinx builds the pages (Sphinx uses one core: the machine has two);
- the drawing is a process of its own, not a thread of the build: vl-convert holds Python's
  global lock while it draws, which would stall the build's own work (following the kernels,
  writing the edition record) for as long as each image takes.

Images go to ``<work>/render/<chapter>/images/``, never into the staging book while Sphinx may
be copying it; ``copy_into`` puts them in the built site once both are done. ``on_done`` lets
the caller store the chapter (notebook, data files and images) in the chapter cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from . import children
from ..errors import BuildError

IMAGES = "images"


def serve() -> None:
    """The drawing process (``python -m pipeline.speed.render``): one request per line on standard input
    (a spec's path, the image folder, the figure's name, as a JSON list), one answer per line on
    standard output (a JSON string: empty when drawn, else what went wrong)."""
    from analysis.images import warm_up, write_images

    warm_up()
    for line in sys.stdin:
        spec_path, out, name = json.loads(line)
        try:
            write_images(json.loads(Path(spec_path).read_text(encoding="utf-8")), Path(out), name)
            answer = ""
        except Exception as problem:  # noqa: BLE001  (vl-convert raises its own types)
            answer = f"{type(problem).__name__}: {problem}"
        print(json.dumps(answer), flush=True)


class Renderer:
    def __init__(self, root: Path):
        self.root = root
        self._pool: ThreadPoolExecutor | None = None
        self._jobs: dict[str, Future] = {}
        self._stopping = threading.Event()
        # started now, while data are validated and staged; in its own process group, like every
        # process the build starts (pipeline/speed/children.py)
        root.mkdir(parents=True, exist_ok=True)
        with open(root / "drawing.log", "w", encoding="utf-8") as log:
            self._drawer = children.spawn([sys.executable, "-m", "pipeline.speed.render"], dict(os.environ),
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True)

    def _draw(self, spec_path: Path, out: Path, name: str) -> str:
        """Have the drawing process draw one figure; returns what went wrong ("" if nothing)."""
        try:
            self._drawer.stdin.write(json.dumps([str(spec_path), str(out), name]) + "\n")
            self._drawer.stdin.flush()
            return json.loads(self._drawer.stdout.readline())
        except (OSError, ValueError):
            log = (self.root / "drawing.log").read_text(encoding="utf-8", errors="replace").strip()
            return "the drawing process stopped" + (f": {log.splitlines()[-1]}" if log else "")

    def spec_dir(self, chapter: str) -> Path:
        """Where the chapter's kernel writes its specs (``REPORT_RENDER_DIR``)."""
        return self.root / chapter

    def image_dir(self, chapter: str) -> Path:
        return self.root / chapter / IMAGES

    def submit(self, chapter: str, on_done: Callable[[str, Path], None] | None = None) -> None:
        """Draw the images of an executed chapter, in the background."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render")
        self._jobs[chapter] = self._pool.submit(self._render, chapter, on_done)

    def _render(self, chapter: str, on_done) -> Path:
        from analysis.images import SPEC_SUFFIX

        out = self.image_dir(chapter)
        out.mkdir(parents=True, exist_ok=True)
        for spec_path in sorted(self.spec_dir(chapter).glob(f"*{SPEC_SUFFIX}")):
            if self._stopping.is_set():
                return out
            name = spec_path.name.removesuffix(SPEC_SUFFIX)
            problem = self._draw(spec_path, out, name)  # one at a time: a cancelled build waits for one image at most
            if problem:
                raise BuildError(f"chapter {chapter}: figure {name} could not be drawn as PNG/SVG: {problem}",
                                 stage="execute")
        if on_done is not None and not self._stopping.is_set():
            on_done(chapter, out)
        return out

    def wait(self) -> dict[str, Path]:
        """Wait for every chapter's images; chapter → image folder. Raises the first failure."""
        return {chapter: job.result() for chapter, job in self._jobs.items()}

    def copy_into(self, fig_dir_of: Callable[[str], Path]) -> None:
        """Wait, then copy each chapter's images into ``fig_dir_of(chapter)`` (in the built site)."""
        for chapter, images in self.wait().items():
            target = fig_dir_of(chapter)
            target.mkdir(parents=True, exist_ok=True)
            for image in sorted(images.iterdir()):
                shutil.copyfile(image, target / image.name)

    def cancel(self) -> None:
        """Stop drawing: an interrupted or failed build (a finished one has waited already).
        Waits for the image being drawn, so that nothing writes into the work folder after the
        build has removed it."""
        self._stopping.set()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._stop_drawer()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        self._stop_drawer()

    def _stop_drawer(self) -> None:
        """End the drawing process: its input closed, it finishes and exits."""
        try:
            self._drawer.stdin.close()
        except OSError:
            pass
        try:
            self._drawer.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._drawer.kill()
            self._drawer.wait()
        self._drawer.stdout.close()
        children.release(self._drawer)


if __name__ == "__main__":
    serve()
