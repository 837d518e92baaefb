"""Chapter kernels forked from the warm zygote (pipeline/speed/zygote.py, pipeline/speed/kernels.py).

What must hold for the fork to be a pure speed-up: each kernel is its own process (own process
group, the working folder and environment it was asked for, its own random sequence), it starts
with the libraries already imported, a kernel that dies is noticed at once, nothing outlives the
build, and when the zygote is gone the chapter still runs on an ordinary cold kernel.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import nbformat
import papermill
import pytest

from pipeline.speed import children, kernels, zygote as zygote_module

PROBE = """
import json, os, random, sys
import numpy
print(json.dumps({
    "pid": os.getpid(), "ppid": os.getppid(), "pgid": os.getpgid(0), "cwd": os.getcwd(),
    "mark": os.environ.get("REPORT_TEST_MARK"), "pandas_preloaded": "pandas" in sys.modules,
    "random": random.random(), "numpy_random": numpy.random.random(),
}))
"""


def notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def run(source: Path, out: Path, cwd: Path, zygote, **env) -> dict:
    """Execute ``source`` as the build does (papermill in this process, kernel from ``zygote``);
    returns the JSON its last cell printed."""
    kernel_env = dict(os.environ, **env)
    papermill.execute_notebook(
        str(source), str(out), kernel_name="python3", progress_bar=False, request_save_on_cell_execute=False,
        resources={"metadata": {"path": str(cwd)}}, execution_timeout=60,
        kernel_manager_class=kernels.kernel_manager_class(zygote, kernel_env),
    )
    executed = nbformat.read(out, as_version=4)
    text = "".join(o.get("text", "") for o in executed.cells[-1].outputs if o.get("name") == "stdout")
    return json.loads(text.strip().splitlines()[-1])


@pytest.fixture
def zygote(tmp_path):
    z = kernels.Zygote(tmp_path / "kernels.log").start()
    yield z
    z.stop()


def gone(pid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False


def test_each_kernel_is_a_forked_process_of_its_own(tmp_path, zygote):
    source = notebook(tmp_path / "probe.ipynb", PROBE)
    first_cwd, second_cwd = tmp_path / "a", tmp_path / "b"
    first_cwd.mkdir()
    second_cwd.mkdir()
    first = run(source, tmp_path / "1.ipynb", first_cwd, zygote, REPORT_TEST_MARK="first")
    second = run(source, tmp_path / "2.ipynb", second_cwd, zygote, REPORT_TEST_MARK="second")

    assert first["ppid"] == second["ppid"] == zygote.pid, "the kernels were not forked from the zygote"
    assert first["pandas_preloaded"], "the kernel did not start warm"
    assert first["pid"] != second["pid"]
    for probe, cwd, mark in ((first, first_cwd, "first"), (second, second_cwd, "second")):
        assert probe["pgid"] == probe["pid"], "a kernel must lead its own process group (signals reach it alone)"
        assert probe["cwd"] == str(cwd)
        assert probe["mark"] == mark, "each kernel runs with the environment it was asked for"
    assert first["random"] != second["random"], "forked siblings must not share a random sequence"
    assert first["numpy_random"] != second["numpy_random"], "forked siblings must not share numpy's random sequence"
    assert gone(first["pid"]) and gone(second["pid"]), "a finished chapter's kernel is still running"


def test_without_a_zygote_the_kernel_starts_cold(tmp_path, zygote):
    source = notebook(tmp_path / "probe.ipynb", PROBE)
    zygote.proc.kill()
    zygote.proc.wait()
    probe = run(source, tmp_path / "out.ipynb", tmp_path, zygote, REPORT_TEST_MARK="cold")
    assert probe["ppid"] == os.getpid(), "with the zygote gone the kernel should be an ordinary child"
    assert probe["mark"] == "cold"
    assert probe["pgid"] == probe["pid"]


def test_a_zygote_that_never_gets_ready_is_given_up_once(tmp_path, monkeypatch):
    """A template process that hangs (an import that never returns) costs the build one wait,
    then the chapters run on cold kernels."""
    import subprocess

    monkeypatch.setattr(kernels, "READY_TIMEOUT_S", 1)
    hung = kernels.Zygote(tmp_path / "kernels.log")
    hung.proc = children.spawn(["sleep", "60"], dict(os.environ), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    source = notebook(tmp_path / "probe.ipynb", PROBE)
    try:
        started = time.monotonic()
        first = run(source, tmp_path / "1.ipynb", tmp_path, hung)
        second = run(source, tmp_path / "2.ipynb", tmp_path, hung)
        assert first["ppid"] == second["ppid"] == os.getpid(), "the chapters should have run on cold kernels"
        assert hung.proc.poll() is not None, "the hung zygote was left running"
        assert time.monotonic() - started < 30
    finally:
        hung.stop()


def test_a_kernel_that_dies_is_noticed_at_once(tmp_path, zygote):
    source = notebook(tmp_path / "dies.ipynb", "import os\nos._exit(3)", "print('never')")
    started = time.monotonic()
    with pytest.raises(Exception) as failure:
        run(source, tmp_path / "out.ipynb", tmp_path, zygote)
    assert "dead" in str(failure.value).lower() or "died" in str(failure.value).lower(), failure.value
    assert time.monotonic() - started < 20, "a dead forked kernel took too long to notice"


def start_kernel(zygote, cwd: Path) -> int:
    """A kernel started through the build's kernel manager and left running; returns its pid."""
    import asyncio

    async def start():
        manager = kernels.kernel_manager_class(zygote)(kernel_name="python3")
        await manager.start_kernel(cwd=str(cwd))
        assert isinstance(manager.provisioner.process, kernels.ForkedKernel)
        return manager.provisioner.pid

    return asyncio.run(start())


def test_stop_all_stops_forked_kernels(tmp_path, zygote):
    pid = start_kernel(zygote, tmp_path)
    assert not gone(pid, timeout=0.5)
    children.stop_all()  # what an interrupted build does
    assert gone(pid), "a forked kernel survived stop_all"


def test_kernels_exit_when_their_zygote_is_killed(tmp_path, zygote):
    """A build killed outright (SIGKILL: no clean-up runs) leaves no kernel behind for long."""
    pid = start_kernel(zygote, tmp_path)
    children.untrack_group(pid)  # only the parent poller may stop it here
    os.kill(zygote.proc.pid, signal.SIGKILL)
    zygote.proc.wait()
    assert gone(pid, timeout=15), "a kernel outlived its zygote"


def test_a_module_that_cannot_be_preloaded_is_skipped(monkeypatch):
    monkeypatch.setattr(zygote_module, "PRELOAD", ("json", "no_such_module_for_the_test"))
    monkeypatch.setattr(zygote_module, "PROJECT_PACKAGES", ())
    assert zygote_module.preload() == ["no_such_module_for_the_test"]


def test_only_this_interpreters_python_kernel_is_forked():
    import sys

    assert kernels._ipykernel_arguments([sys.executable, "-m", "ipykernel_launcher", "-f", "c.json"]) == ["-f", "c.json"]
    assert kernels._ipykernel_arguments(["/usr/bin/other-python", "-m", "ipykernel_launcher", "-f", "c.json"]) is None
    assert kernels._ipykernel_arguments(["R", "--slave", "-e", "IRkernel::main()", "--args", "c.json"]) is None


def test_the_private_jupyter_client_hook_the_warm_kernels_override_still_exists():
    """pipeline/speed/kernels.py overrides AsyncKernelManager._async_pre_start_kernel (private): an
    upgrade of jupyter_client that renames it must fail here, loudly, not silently start cold."""
    import inspect

    from jupyter_client.manager import AsyncKernelManager

    hook = getattr(AsyncKernelManager, "_async_pre_start_kernel", None)
    assert hook is not None and inspect.iscoroutinefunction(hook)
