"""Two builds into the same output: the second stops at once with a clear message naming the
first, touches nothing, and the published site is wholly the first build's, never a mix.

Real command line on a small report root (tests/report_root.py). Build A is held at the end of
its staging stage by the documented test hook (REPORT_TEST_PAUSE, scripts/pipeline/run.py), and
stopped there (SIGSTOP) while build B, with other data, is started against the same output.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from report_root import build_command, published_root, run_build, tree_hash

HOLD_S = "10"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return published_root(tmp_path_factory, "concurrency")


def data_with_production(base: Path, root: Path, name: str, value: int) -> Path:
    """A copy of the root's data/ where China mined ``value`` t in 2024."""
    target = base / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(root / "data", target)
    path = target / "mine_production_by_country.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(f"China,CHN,2024,{value},t REO,true,usgs-mcs-2025,\n" if ln.startswith("China,") else ln
                            for ln in lines), encoding="utf-8")
    return target


def published_value(output: Path) -> float:
    """China's production in the published figure's data download."""
    rows = (output / "_static" / "figures" / "leverage" / "fig-leverage-production.csv").read_text(encoding="utf-8")
    return float(next(line.split(",")[1] for line in rows.splitlines() if line.startswith("China,")))


def start(output, root, data_dir, env=None) -> subprocess.Popen:
    return subprocess.Popen(build_command(output, root=root, data_dir=data_dir), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})


def wait_for_line(proc: subprocess.Popen, text: str, timeout: float = 120) -> list[str]:
    seen = []
    deadline = time.monotonic() + timeout
    for line in proc.stdout:
        seen.append(line.rstrip("\n"))
        if line.startswith(text) or time.monotonic() > deadline:
            return seen
    raise AssertionError(f"build ended before {text!r}:\n" + "\n".join(seen) + proc.stderr.read())


def test_a_second_build_stops_while_the_first_is_running(site):
    base, root, output = site
    before = tree_hash(output)
    data_a = data_with_production(base, root, "data-a", 301000)
    data_b = data_with_production(base, root, "data-b", 102000)

    first = start(output, root, data_a, {"REPORT_TEST_PAUSE": "stage:end", "REPORT_TEST_PAUSE_S": HOLD_S})
    try:
        wait_for_line(first, "paused at stage:end")
        # held there, lock and work folder in hand, until the second build has run: however slowly a
        # loaded machine starts the second one, the first cannot move on meanwhile
        os.kill(first.pid, signal.SIGSTOP)
        work = output.parent / ".html.work"
        assert work.is_dir()
        staged = tree_hash(work)

        second = run_build(output, root=root, data_dir=data_b, timeout=60)
        assert first.poll() is None, "the first build should still be held at the end of its staging"

        assert second.returncode == 1, second.stdout + second.stderr
        lines = second.stderr.strip().splitlines()
        assert lines[0] == (f"build failed [lock] another build (pid {first.pid}) is writing {output.resolve()};"
                            " wait for it to finish and run again"), second.stderr
        assert lines[1] == "nothing was published; the previous report is unchanged."
        assert "validate data" not in second.stdout, "the second build did work before taking the lock"
        # it touched neither the published site nor the first build's work folder
        assert tree_hash(output) == before
        assert tree_hash(work) == staged

        os.kill(first.pid, signal.SIGCONT)
        out, err = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            os.kill(first.pid, signal.SIGCONT)
        first.kill()
    assert first.returncode == 0, out + err
    assert published_value(output) == 301000
    assert not (output.parent / ".html.work").exists()


def test_two_builds_started_together_publish_one_whole_site(site):
    base, root, output = site
    values = {"data-c": 203000, "data-d": 204000}
    procs = {name: start(output, root, data_with_production(base, root, name, value))
             for name, value in values.items()}
    results = {name: (p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for name, p in procs.items()}

    codes = sorted(code for code, _, _ in results.values())
    assert codes == [0, 1], results
    winner = next(name for name, (code, _, _) in results.items() if code == 0)
    loser = next(name for name, (code, _, _) in results.items() if code == 1)
    assert "build failed [lock] another build (pid " in results[loser][2], results[loser]
    # the site is the winner's throughout: its figure data, its key figure on the page
    assert published_value(output) == values[winner]
    share = f"{100 * values[winner] / 390000:.1f}"
    assert share in (output / "leverage.html").read_text(encoding="utf-8")
    assert not (output.parent / ".html.work").exists()
    # and a build after both runs normally (the lock was released)
    again = run_build(output, root=root, data_dir=base / loser)
    assert again.returncode == 0, again.stdout + again.stderr
    assert published_value(output) == values[loser]


def test_readers_never_see_a_missing_or_mixed_site(site):
    """While a build publishes, a reader polling the site (as a web server would, path by path)
    always finds it, and never one page from the old site with a figure file from the new."""
    import hashlib
    import threading

    base, root, output = site
    page = output / "leverage.html"
    figure = output / "_static" / "figures" / "leverage" / "fig-leverage-production.csv"

    def read(path: Path):
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            return None

    old = (read(page), read(figure))
    missing, mixed, seen = [], [], set()
    done = threading.Event()

    def reader():
        while not done.is_set():
            a1, b, a2 = read(page), read(figure), read(page)
            if None in (a1, b, a2):
                missing.append((a1, b, a2))
            elif a1 == a2:  # no swap between the two reads of the page: page and figure must agree
                seen.add((a1, b))

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        proc = run_build(output, root=root, data_dir=data_with_production(base, root, "data-e", 205000))
    finally:
        done.set()
        thread.join(timeout=10)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    new = (read(page), read(figure))
    assert new != old and new[0] != old[0] and new[1] != old[1]
    assert not missing, f"the site was missing {len(missing)} times while publishing"
    mixed = seen - {old, new}
    assert not mixed, f"a reader saw {len(mixed)} mixed states (old page with new figure or the reverse)"
    assert old in seen and new in seen, "the reader did not run across the publish"
