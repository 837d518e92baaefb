"""The build's speed-ups, behind one switch (``BuildOptions.speedups``, ``--no-speedups``).

Two helpers make a clean build faster; neither changes a byte of the output, and nothing a
chapter author writes depends on them:

- warm kernels (pipeline/speed/kernels.py, pipeline/speed/zygote.py, pipeline/speed/children.py): one template
  process imports ipykernel, pandas, Altair and analysis/ while data are validated and staged,
  and every chapter's kernel is forked from it instead of starting cold;
- out-of-band images (pipeline/speed/render.py): kernels leave each chart's spec, and the build draws
  the PNG and SVG downloads in one thread while other chapters execute and Sphinx runs.

Switched off, chapters run in ordinary papermill kernels that draw their own images: slower,
and the simplest path to debug. ``make bench`` measures what the speed-ups buy.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path


@contextmanager
def helpers(work: Path, enabled: bool = True):
    """``(zygote, renderer)`` for one build, started (the zygote warms up at once) and stopped on
    exit; ``(None, None)`` when the speed-ups are off."""
    if not enabled:
        yield None, None
        return
    from . import kernels, render

    zygote = kernels.Zygote(work / "kernels.log").start()
    try:
        renderer = render.Renderer(work / "render")
        try:
            yield zygote, renderer
        finally:
            renderer.cancel()
    finally:
        zygote.stop()
