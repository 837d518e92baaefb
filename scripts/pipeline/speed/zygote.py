"""A warm template process that the chapters' kernels are forked from.

A fresh Python kernel spends about a second of CPU before a chapter's first cell does any work:
starting the interpreter, importing ipykernel, then pandas, Altair and the project's analysis
modules. A build paid that once per chapter, on a two-core machine. The zygote (the name is
Android's, whose app processes start the same way) imports all of it once, then forks one child
per kernel the build asks for. Each child is a real, separate IPython kernel process, in its own
process group, with its own working directory and environment; it shares nothing with its
siblings but memory pages of the modules imported before the fork (copy-on-write).

Nothing is executed before the fork but imports: no event loop, no ZeroMQ context, no chart
compiled, so the children start from the state a fresh interpreter would reach by importing the
same modules.

Protocol, one JSON object per line: the build writes ``{"argv": [...], "cwd": ..., "env": {...},
"log": ...}`` on the zygote's stdin (``argv`` are ipykernel's arguments, ``-f <connection
file>``) and reads ``{"pid": N}`` or ``{"error": "..."}`` from its stdout. End of input ends the
zygote; a kernel whose zygote has gone exits too (ipykernel's parent poller, ``JPY_PARENT_PID``).

Run as ``python -m pipeline.speed.zygote LOG`` with ``scripts/`` on the path (pipeline.speed.kernels does;
LOG is where the kernels' own output goes, and names the build in ``ps``).
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import signal
import sys
import traceback

# What a chapter kernel imports before its first cell (ipykernel itself) and what chapters
# import in their first cell. A module that fails to import here is skipped: the chapter that
# needs it fails in its own cell, with its own traceback, as it would in a fresh kernel.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "numpy",
    "pandas",
    "altair",
    "vl_convert",
    "IPython.display",
)
PROJECT_PACKAGES = ("analysis",)


def exit_code(stop: SystemExit) -> int:
    """The process exit code a ``SystemExit`` stands for (None → 0, an int as it is, a message → 1)."""
    return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)


def preload() -> list[str]:
    """Import PRELOAD and every module of the project's packages; returns what failed."""
    failed = []
    names = list(PRELOAD)
    for package in PROJECT_PACKAGES:
        try:
            module = importlib.import_module(package)
        except Exception:  # noqa: BLE001
            failed.append(package)
            continue
        names += [f"{package}.{info.name}" for info in pkgutil.iter_modules(module.__path__)]
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001
            failed.append(name)
    return failed


def _reap(signum, frame) -> None:
    """Collect exited kernels so none is left a zombie (the build watches them by pidfd)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _become_kernel(request: dict) -> None:
    """In the forked child: detach from the zygote's plumbing and run an IPython kernel."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.setpgid(0, 0)  # its own group, as jupyter_client starts kernels: signals reach it alone
        null = os.open(os.devnull, os.O_RDONLY)
        log = os.open(request.get("log") or _LOG or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(null)
        os.close(log)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # forked siblings must not share a random sequence: Python's random module reseeds
        # itself in a forked child, numpy's global generator (seeded at import) does not
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            numpy.random.seed()
        argv = list(request["argv"])
        # ipykernel reads JPY_PARENT_PID when it is imported, which here was before the fork:
        # say it again, so the kernel exits if the zygote goes away (its parent poller)
        if request["env"].get("JPY_PARENT_PID"):
            argv.append(f"--IPKernelApp.parent_handle={int(request['env']['JPY_PARENT_PID'])}")
        sys.argv = [sys.executable, "-m", "ipykernel_launcher", *argv]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=argv)
        code = 0
    except SystemExit as stop:
        code = exit_code(stop)
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(stdin, stdout) -> None:
    for line in stdin:
        try:
            request = json.loads(line)
            for key in ("argv", "cwd", "env"):
                if key not in request:
                    raise KeyError(f"request lacks {key!r}")
        except (ValueError, KeyError) as problem:
            stdout.write(json.dumps({"error": f"bad request: {problem}"}) + "\n")
            stdout.flush()
            continue
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _become_kernel(request)
        stdout.write(json.dumps({"pid": pid}) + "\n")
        stdout.flush()


_LOG = ""


def main() -> int:
    global _LOG
    _LOG = sys.argv[1] if len(sys.argv) > 1 else ""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build stops the zygote itself
    for name in preload():
        print(f"zygote: could not preload {name} (a kernel that needs it imports it itself)", file=sys.stderr)
    signal.signal(signal.SIGCHLD, _reap)
    sys.stdout.write(json.dumps({"ready": os.getpid()}) + "\n")
    sys.stdout.flush()
    serve(sys.stdin, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
