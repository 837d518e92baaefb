"""Publish a built site atomically, and keep two builds from publishing into one place at once.

The new site takes the place of the old in one ``renameat2(RENAME_EXCHANGE)``: a reader (or a web
server) sees either the old site whole or the new site whole, never a mix and never nothing.
The old tree is then deleted. Where the kernel lacks the call, two renames leave a window of a
few microseconds without a site, still never a mix.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from .errors import BuildError

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


def publish(new_site: Path, output: Path) -> None:
    """Make ``new_site`` the site at ``output``; ``new_site`` must be on the same filesystem."""
    output.parent.mkdir(parents=True, exist_ok=True)
    if not output.exists():
        os.rename(new_site, output)
        return
    if _exchange(new_site, output):
        shutil.rmtree(new_site)  # now holds the old site
        return
    old = output.with_name(f".{output.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(output, old)
    os.rename(new_site, output)
    shutil.rmtree(old)


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
        yield
    finally:
        handle.seek(0)
        handle.truncate()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()
