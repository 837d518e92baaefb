"""Build the HTML site from the staging book with Jupyter Book, strictly.

``--all`` every time: an incremental Sphinx build keeps glued numbers from the last run on
pages whose own source did not change. ``-W -n --keep-going``: every warning and every broken
reference fails the build, and all of them are listed at once.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path

from ..speed import children
from ..errors import BuildError

def edition_epoch(edition_date: str) -> str:
    """SOURCE_DATE_EPOCH for the edition date: the footer's dates are the edition's, not the clock's."""
    day = dt.date.fromisoformat(str(edition_date))
    return str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()))


def build_site(stage_dir: Path, edition_date: str) -> Path:
    """Run ``jupyter-book build`` on the staging book; returns its html folder."""
    jb = Path(sys.executable).with_name("jupyter-book")
    command = [str(jb), "build", "--all", "-W", "-n", "--keep-going", str(stage_dir)]
    env = dict(os.environ, PYTHONHASHSEED="0", SOURCE_DATE_EPOCH=edition_epoch(edition_date))
    returncode, log = children.run(command, env)
    html = stage_dir / "_build" / "html"
    if returncode != 0 or not (html / "index.html").exists():
        raise BuildError(_summarise(log, stage_dir), stage="assemble")
    return html


def _summarise(log: str, stage_dir: Path) -> str:
    """The warnings and errors from Sphinx's output, with staging paths made book-relative."""
    lines = [ln for ln in log.splitlines() if re.search(r"(WARNING|ERROR|Error|Exception)", ln)]
    lines = [ln.replace(str(stage_dir) + os.sep, "book/") for ln in lines]
    shown = "\n  ".join(lines[:20]) or log.strip().splitlines()[-1:]
    return f"jupyter-book build failed:\n  {shown}"
