"""Publish a built site atomically, and keep two builds from publishing into one place at once.

The new site takes the place of the old in one ``renameat2(RENAME_EXCHANGE)``: a reader (or a web
server) sees either the old site whole or the new site whole, never a mix and never nothing.
The old tree is then deleted. Where the kernel lacks the call, two renames leave a window of a
few microseconds without a site, still never a mix (and a build killed in that window has its old
site put back by the next build).

A build killed outright (SIGKILL, the OOM killer, a power cut) cannot clean up after itself: the
next build for the same output, once it holds the lock, stops what the dead build left running
(Sphinx, kernels: their command line or working folder is in the dead build's work folder) and
puts back a site caught between the two renames, before it removes the old work folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import signal
import time
from contextlib import contextmanager
from pathlib import Path

from ..errors import BuildError

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where renameat2 is not available."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL):
        return False
    raise OSError(err, os.strerror(err), str(a))


# Test hook (tests/test_hard_stops.py): with REPORT_TEST_PAUSE=publish:swapped the build waits
# REPORT_TEST_PAUSE_S seconds right after the new site is swapped in, before the old one is removed.
PAUSE_ENV = "REPORT_TEST_PAUSE"


def publish(new_site: Path, output: Path) -> None:
    """Make ``new_site`` the site at ``output``; ``new_site`` must be on the same filesystem."""
    output.parent.mkdir(parents=True, exist_ok=True)
    if not output.exists():
        os.rename(new_site, output)
        return
    if _exchange(new_site, output):
        if os.environ.get(PAUSE_ENV) == "publish:swapped":
            print(f"paused at publish:swapped ({PAUSE_ENV})", flush=True)
            time.sleep(float(os.environ.get("REPORT_TEST_PAUSE_S", "60")))
        shutil.rmtree(new_site)  # now holds the old site
        return
    old = old_path(output)
    shutil.rmtree(old, ignore_errors=True)
    os.rename(output, old)
    os.rename(new_site, output)
    shutil.rmtree(old)


def old_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.old")


def recover(output: Path) -> list[str]:
    """Undo what a build killed outright left for ``output``: stop its processes, and put back
    the old site if it died between the two renames of the fallback publish. Call with the lock
    held (no live build can own them then). Returns what was done, for the build's log."""
    done = []
    stopped = stop_leftovers(work_dir(output))
    if stopped:
        done.append(f"stopped {len(stopped)} process(es) left by a build that was killed")
    old = old_path(output)
    if old.is_dir() and not output.exists():
        os.rename(old, output)
        done.append(f"put back the previous site from {old.name}")
    elif old.exists():
        shutil.rmtree(old, ignore_errors=True)
    return done


def stop_leftovers(work: Path, timeout: float = 5.0) -> list[int]:
    """SIGKILL every process whose command line, environment or working folder names ``work``."""
    needle = os.fsencode(str(work))
    me = os.getpid()
    found = []
    proc_dir = Path("/proc")
    if not proc_dir.is_dir():
        return found
    for entry in proc_dir.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            state = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()[0]
            if state in (b"Z", b"X"):
                continue
            cwd = os.fsencode(os.readlink(entry / "cwd")) if (entry / "cwd").exists() else b""
            if needle in (entry / "cmdline").read_bytes() or cwd.startswith(needle) \
                    or needle in (entry / "environ").read_bytes():
                os.kill(int(entry.name), signal.SIGKILL)
                found.append(int(entry.name))
        except (OSError, IndexError):
            continue  # gone meanwhile, or not ours to read
    deadline = time.monotonic() + timeout
    while found and time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() and
                                                          not _zombie(pid) for pid in found):
        time.sleep(0.05)
    return found


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X")
    except (OSError, IndexError):
        return True


def work_dir(output: Path) -> Path:
    """Where a build for ``output`` stages its files: beside it, so publish is one rename."""
    return output.parent / f".{output.name}.work"


@contextmanager
def build_lock(output: Path):
    """Hold the lock for building ``output``; a second build stops with a clear message."""
    output.parent.mkdir(parents=True, exist_ok=True)
    lock_path = output.parent / f".{output.name}.lock"
    handle = open(lock_path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise BuildError(
            f"another build (pid {holder}) is writing {output}; wait for it to finish and run again",
            stage="lock",
        ) from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        for line in recover(output):
            print(line, flush=True)
        yield
    finally:
        handle.seek(0)
        handle.truncate()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()
