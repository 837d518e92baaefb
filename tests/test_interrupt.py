"""An interrupted build (Ctrl-C = SIGINT to the process group, kill = SIGTERM) in each stage:
the previous site is intact, nothing half-written is left, no kernel or Sphinx keeps running,
and the next build succeeds and publishes.

The build is the real command line on a small report root (tests/report_root.py). To signal
it inside a given stage the test waits for that stage's start line on the build's stdout and:

- validate, stage, publish: the documented test hook ``REPORT_TEST_PAUSE=<stage>:<start|end>``
  (scripts/pipeline/run.py) holds the build there (at the end of validate and stage, so the
  staging folder is full; at the start of publish, so the new site is built but not swapped in);
- execute: a chapter cell that sleeps, signalled once it has started (it leaves a mark);
- assemble: signalled once ``jupyter-book`` is running (Sphinx takes seconds on any book).

(The swap itself is one renameat2 call, so there is no "half-published" moment to hit.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from report_root import SLOW, SLOW_MARK, build_command, processes_mentioning, published_root, run_build, set_chapter, tree_hash

ALLOWED_NEW = {".html.lock", "cache", ".html.state.json"}
STAGES = ["validate", "stage", "execute", "assemble", "publish"]
EXPECTED = {signal.SIGINT: (130, "build interrupted; nothing was published."),
            signal.SIGTERM: (143, "build terminated; nothing was published.")}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(base, root, output): a small report published once at output; tests run in order on it."""
    return published_root(tmp_path_factory, "interrupt")


def default_signals() -> None:
    """In the build's process, before it starts: SIGINT and SIGTERM as a terminal's foreground job
    has them. A job started in the background (``make test &``, ``setsid nohup …``, a CI runner)
    inherits SIGINT as ignored, and Python then installs no Ctrl-C handler at all, so the signal
    this test sends would do nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


class Build:
    """scripts/build.py running in its own process group, its stdout read line by line."""

    def __init__(self, output: Path, root: Path, env: dict):
        self.proc = subprocess.Popen(build_command(output, root=root, data_dir=root / "data"), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env={**os.environ, **env},
                                     start_new_session=True, preexec_fn=default_signals)
        self.lines: list[str] = []
        self.stderr = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, text: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text == ln or ln.startswith(text) for ln in self.lines):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.kill()
        raise AssertionError(f"never saw {text!r}; output:\n" + "\n".join(self.lines) + self.stderr)

    def wait_for_file(self, base: Path, name: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(base.rglob(name)):
                return
            time.sleep(0.1)
        self.kill()
        raise AssertionError(f"no {name} appeared; output:\n" + "\n".join(self.lines))

    def wait_for_process(self, base: Path, word: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(word in p for p in processes_mentioning(str(base))):
                return
            time.sleep(0.1)
        self.kill()
        raise AssertionError(f"no {word} process appeared; output:\n" + "\n".join(self.lines))

    def signal(self, signum: int) -> None:
        if signum == signal.SIGINT:
            os.killpg(self.proc.pid, signum)  # Ctrl-C: the terminal signals the foreground group
        else:
            self.proc.send_signal(signum)  # kill / a supervisor stopping the job

    def finish(self, timeout: float = 60) -> int:
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)
        self.stderr = self.proc.stderr.read()
        return code

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def set_production(root: Path, value: int) -> None:
    """A valid data edit, so that the next build has something new to publish."""
    path = root / "data" / "mine_production_by_country.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(f"China,CHN,2024,{value},t REO,true,usgs-mcs-2025,\n" if ln.startswith("China,") else ln
                            for ln in lines), encoding="utf-8")


def no_processes_left(base: Path, timeout: float = 15) -> list[str]:
    deadline = time.monotonic() + timeout
    while True:
        left = processes_mentioning(str(base))
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


CASES = [pytest.param(stage, signum, id=f"{stage}-{signum.name}")
         for signum in (signal.SIGINT, signal.SIGTERM) for stage in STAGES]


@pytest.mark.parametrize("stage, signum", CASES)
def test_interrupted_build_leaves_the_site_intact(site, stage, signum):
    base, root, output = site
    output_before = tree_hash(output)
    beside_before = sorted(p.name for p in output.parent.iterdir())
    # a new figure for this run (a different one for every case, so nothing is merely reused)
    set_production(root, 270100 + 100 * STAGES.index(stage) + (1000 if signum == signal.SIGTERM else 0))

    env = {}
    if stage in ("validate", "stage"):
        env = {"REPORT_TEST_PAUSE": f"{stage}:end"}
    elif stage == "publish":
        env = {"REPORT_TEST_PAUSE": "publish:start"}
    elif stage == "execute":
        set_chapter(root, SLOW)
    build = Build(output, root, env)
    try:
        label = {"validate": "validate data …", "stage": "stage book …", "execute": "execute ",
                 "assemble": "assemble site …", "publish": "publish …"}[stage]
        build.wait_for_line(label)
        if stage == "execute":
            build.wait_for_file(base, SLOW_MARK)  # the chapter's kernel is running its cells
        elif stage == "assemble":
            build.wait_for_process(base, "jupyter-book")
        else:
            build.wait_for_line(f"paused at {env['REPORT_TEST_PAUSE']}")
        build.signal(signum)
        code = build.finish()
    finally:
        build.kill()
        set_chapter(root)

    expected_code, expected_message = EXPECTED[signum]
    assert code == expected_code, "\n".join(build.lines) + build.stderr
    assert build.stderr.strip().splitlines()[-1] == expected_message, build.stderr
    assert "Traceback" not in build.stderr, build.stderr
    # interrupted inside the stage: its start line was printed, its end line never was
    done = [ln for ln in build.lines if ln.startswith(label.rstrip(" …")) and ln.endswith(" s")]
    assert not done, f"the {stage} stage had finished before the signal: {done}"

    assert tree_hash(output) == output_before, "the published site changed"
    beside_after = sorted(p.name for p in output.parent.iterdir())
    new = set(beside_after) - set(beside_before) - ALLOWED_NEW
    assert not new, f"left beside the output: {sorted(new)}"
    assert not (output.parent / ".html.work").exists()
    left = no_processes_left(base)
    assert not left, "processes of the interrupted build still running:\n" + "\n".join(left)

    # the next build runs to the end and publishes the new figures
    proc = run_build(output, root=root, data_dir=root / "data")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "report built" in proc.stdout
    assert tree_hash(output) != output_before
    assert not (output.parent / ".html.work").exists()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_right_after_the_swap_says_the_report_was_published(site, signum):
    """A signal once the new site is swapped in (publishing itself defers signals until the swap,
    the old tree's removal and the record are done) does not claim that nothing was published."""
    base, root, output = site
    set_production(root, 271900 + (1000 if signum == signal.SIGTERM else 0))
    build = Build(output, root, {"REPORT_TEST_PAUSE": "publish:end"})
    try:
        build.wait_for_line("paused at publish:end")
        before = tree_hash(output)
        build.signal(signum)
        code = build.finish()
    finally:
        build.kill()
    verb = "interrupted" if signum == signal.SIGINT else "terminated"
    assert code == EXPECTED[signum][0]
    assert f"build {verb} after the new report was published." in build.stderr
    assert tree_hash(output) == before, "the published site is the new one, untouched by the signal"
    assert not (output.parent / f".{output.name}.work").exists()
    again = run_build(output, root=root, data_dir=root / "data").stdout.splitlines()
    assert any(line.startswith("up to date") for line in again), \
        "the new site was recorded as published, so the next build has nothing to do"
