"""The tools a build starts (papermill, jupyter-book) as child processes it can stop.

Each child runs in its own process group, so a terminal's Ctrl-C reaches only the build, which
then stops every child it started (and their kernels) before it removes its work folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading

_running: set[subprocess.Popen] = set()
_lock = threading.Lock()


def run(command: list[str], env: dict) -> tuple[int, str]:
    """Run ``command`` to the end; returns its exit code and its merged stdout/stderr."""
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    with _lock:
        _running.add(proc)
    try:
        log, _ = proc.communicate()
    finally:
        with _lock:
            _running.discard(proc)
    return proc.returncode, log


def stop_all() -> None:
    """SIGTERM every child still running (and its process group)."""
    with _lock:
        running = list(_running)
    for proc in running:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
