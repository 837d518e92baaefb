"""Chapter kernels forked from a warm zygote (pipeline/speed/zygote.py) instead of started cold.

``Zygote`` starts the template process (its imports overlap the validate and stage stages) and
asks it for kernels. ``kernel_manager_class(zygote)`` is a jupyter_client kernel manager for
papermill/nbclient whose provisioner launches the kernel by that fork; everything else (the
connection file, ZeroMQ channels, interrupts on a cell timeout, shutdown) is jupyter_client's
own ``LocalProvisioner`` logic, working on a process handle instead of a ``Popen``.

A kernel that is not the plain Python kernel, or a zygote that has died, falls back to the
ordinary cold start: the warm path is an optimisation, never a different result.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from . import children

READY_TIMEOUT_S = 120


class ZygoteUnavailable(RuntimeError):
    pass


class Zygote:
    """The template process: ``start()`` returns at once; ``fork_kernel`` waits until it is ready."""

    def __init__(self, log: Path):
        self.log = log
        self.proc: subprocess.Popen | None = None
        self.pid: int | None = None
        self._lock = threading.Lock()
        self._ready = False

    def start(self) -> "Zygote":
        env = dict(
            os.environ,
            PYDEVD_DISABLE_FILE_VALIDATION="1",
            OPENBLAS_NUM_THREADS="1",  # no BLAS thread pool in the template: children are forked
        )
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            # the log's path on the command line names the build a zygote (and each kernel forked
            # from it, which shares its command line) belongs to, in `ps` and to the tests
            self.proc = children.spawn(
                [sys.executable, "-m", "pipeline.speed.zygote", str(self.log)], env,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
            )
        return self

    def _await_ready(self) -> None:
        if self._ready:
            return
        if self.proc is None:
            raise ZygoteUnavailable("not started")
        line = self._readline(READY_TIMEOUT_S)
        try:
            message = json.loads(line)
        except ValueError:
            message = {}
        if "ready" not in message:
            raise ZygoteUnavailable(f"unexpected first line {line!r}")
        self.pid = int(message["ready"])
        self._ready = True

    def _readline(self, timeout: float) -> str:
        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else b""
        if not line:
            raise ZygoteUnavailable(f"no answer (exit code {self.proc.poll()}; see {self.log})")
        return line.decode("utf-8")

    def fork_kernel(self, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        """A new kernel process running ``ipykernel`` with ``argv``; returns its pid.

        Raises ZygoteUnavailable (the caller starts a cold kernel instead); a zygote that failed
        once is stopped, so the next chapter does not wait for it again."""
        with self._lock:
            if self.proc is None or self.proc.poll() is not None:
                raise ZygoteUnavailable("the zygote is not running")
            try:
                answer = self._request(argv, cwd, env)
            except ZygoteUnavailable:
                self.proc.kill()
                raise
        if "pid" not in answer:
            raise ZygoteUnavailable(answer.get("error", "no pid"))
        pid = int(answer["pid"])
        children.track_group(pid)
        return pid

    def _request(self, argv: list[str], cwd: str, env: dict[str, str]) -> dict:
        self._await_ready()
        request = {"argv": argv, "cwd": cwd, "env": {**env, "JPY_PARENT_PID": str(self.pid)}, "log": str(self.log)}
        try:
            self.proc.stdin.write((json.dumps(request) + "\n").encode("utf-8"))
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as problem:
            raise ZygoteUnavailable(str(problem)) from problem
        try:
            return json.loads(self._readline(30))
        except ValueError as problem:
            raise ZygoteUnavailable(f"unreadable answer: {problem}") from problem

    def stop(self) -> None:
        """End the zygote (its kernels notice and exit; the build also stops them itself)."""
        if self.proc is None:
            return
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        children.release(self.proc)
        self.proc = None


class ForkedKernel:
    """The ``Popen`` interface LocalProvisioner uses, for a kernel that is not our child.

    Its end is seen through a pidfd (which cannot be confused with a later process that reuses
    the pid); the zygote, its parent, collects its exit status.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self._pidfd = None

    def poll(self) -> int | None:
        if self.returncode is not None:
            return self.returncode
        if self._pidfd is not None:
            ended = bool(select.select([self._pidfd], [], [], 0)[0])
        else:
            try:
                os.kill(self.pid, 0)
                ended = False
            except ProcessLookupError:
                ended = True
        if ended:
            self.returncode = 0  # the zygote reaps it; its status is in the zygote's log
            if self._pidfd is not None:
                os.close(self._pidfd)
                self._pidfd = None
            children.untrack_group(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ZygoteProvisioner(LocalProvisioner):
    """LocalProvisioner, except that the Python kernel is forked from the zygote."""

    zygote: Zygote | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs):
        argv = _ipykernel_arguments(cmd)
        if self.zygote is None or argv is None:
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        env = {k: str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        try:
            pid = self.zygote.fork_kernel(argv, cwd, env)
        except ZygoteUnavailable:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)
        self.pid = pid
        self.pgid = pid  # the kernel leads its own process group
        self.cwd = cwd
        return self.connection_info


def _ipykernel_arguments(cmd: list[str]) -> list[str] | None:
    """``[-f, file, ...]`` from the standard Python kernel command for this interpreter, else None."""
    if len(cmd) >= 3 and cmd[1:3] == ["-m", "ipykernel_launcher"]:
        if Path(cmd[0]).resolve() == Path(sys.executable).resolve():
            return list(cmd[3:])
    return None


def kernel_manager_class(zygote: Zygote | None, env: dict[str, str] | None = None) -> type[AsyncKernelManager]:
    """An AsyncKernelManager class whose kernels come from ``zygote`` (cold when it is None) and
    run with environment ``env`` (this process's when None)."""
    provisioner = type("BoundZygoteProvisioner", (ZygoteProvisioner,), {"zygote": zygote})

    class WarmKernelManager(AsyncKernelManager):
        async def _async_pre_start_kernel(self, **kw):
            if env is not None:
                kw.setdefault("env", dict(env))
            if self.provisioner is None:
                import uuid

                self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                self.provisioner = provisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
            return await super()._async_pre_start_kernel(**kw)

    return WarmKernelManager
