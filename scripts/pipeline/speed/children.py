"""The processes a build starts (Sphinx, the kernel zygote, the chapters' kernels), so it can stop them.

Each runs in its own process group, so a terminal's Ctrl-C reaches only the build, which then
stops every process it started before it removes its work folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading

_running: set[subprocess.Popen] = set()
_groups: set[int] = set()  # kernels forked by the zygote: not our children, but ours to stop
_lock = threading.Lock()


def spawn(command: list[str], env: dict, **popen) -> subprocess.Popen:
    """Start ``command`` in its own process group; it is stopped by ``stop_all`` until ``release``."""
    proc = subprocess.Popen(command, env=env, start_new_session=True, **popen)
    with _lock:
        _running.add(proc)
    return proc


def release(proc: subprocess.Popen) -> None:
    with _lock:
        _running.discard(proc)


def run(command: list[str], env: dict) -> tuple[int, str]:
    """Run ``command`` to the end; returns its exit code and its merged stdout/stderr."""
    proc = spawn(command, env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        log, _ = proc.communicate()
    finally:
        release(proc)
    return proc.returncode, log


def track_group(pgid: int) -> None:
    with _lock:
        _groups.add(pgid)


def untrack_group(pgid: int) -> None:
    with _lock:
        _groups.discard(pgid)


def stop_all() -> None:
    """SIGTERM every process still running (and its process group)."""
    with _lock:
        groups = [proc.pid for proc in _running] + list(_groups)
        _groups.clear()
    for pgid in groups:
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
