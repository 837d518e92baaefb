"""Hard stops: a build killed outright (SIGKILL, no chance to clean up) at random points, including
in the middle of publishing, and a disk that fills up while the build stages, executes, assembles
or publishes. Each time the output holds either the old site or the new one, whole (the tree
hash of one of the two, built beforehand), and the next build works without manual clean-up.

The build is the real command line on the small report root (tests/report_root.py). Two data
states A and B alternate; their sites' hashes are taken from reference builds in other folders
(builds are byte-for-byte reproducible).

The full disk is a small tmpfs mounted over the output's folder (root, or an unprivileged user
and mount namespace via ``unshare``); where neither is possible (a container without the
capability) the test fails in CI and skips elsewhere, saying why.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from report_root import build_command, make_root, processes_mentioning, run_build, tree_hash

SEED = int(os.environ.get("REPORT_HARD_STOP_SEED", "17"))
KILLS = int(os.environ.get("REPORT_HARD_STOP_KILLS", "1"))  # random moments, besides the two in publishing


def set_production(root: Path, value: int) -> None:
    path = root / "data" / "mine_production_by_country.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(f"China,CHN,2024,{value},t REO,true,usgs-mcs-2025,\n" if ln.startswith("China,") else ln
                            for ln in lines), encoding="utf-8")


STATES = {"A": 270000, "B": 265000}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """(base, root, hashes): the small report and the tree hash of its site for each data state."""
    base = tmp_path_factory.mktemp("hard-stops")
    root = make_root(base / "root")
    hashes, seconds = {}, {}
    for state, value in STATES.items():
        set_production(root, value)
        started = time.monotonic()
        proc = run_build(base / f"ref-{state}" / "html", root=root, data_dir=root / "data")
        seconds[state] = time.monotonic() - started
        assert proc.returncode == 0, proc.stdout + proc.stderr
        hashes[state] = tree_hash(base / f"ref-{state}" / "html")
    assert hashes["A"] != hashes["B"]
    return base, root, hashes, max(seconds.values())


def published_a(report, output: Path) -> None:
    """``output`` holding the site of state A as published, with its chapter cache and state (a
    copy of the reference build, which is what a build of A there would leave)."""
    base, root, hashes, _ = report
    shutil.copytree(base / "ref-A", output.parent, symlinks=True, dirs_exist_ok=True)
    set_production(root, STATES["A"])
    assert which_site(output, hashes) == "A"


def start(output: Path, root: Path, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(build_command(output, root=root, data_dir=root / "data"), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env={**os.environ, **(env or {})})


def wait_for_line(proc: subprocess.Popen, text: str, timeout: float = 120) -> list[str]:
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith(text):
            return lines
    proc.kill()
    raise AssertionError(f"never saw {text!r}:\n" + "\n".join(lines))


def which_site(output: Path, hashes: dict) -> str:
    if not output.exists():
        return "no site"
    found = tree_hash(output)
    return next((state for state, h in hashes.items() if h == found), "a mixed or damaged site")


def next_build_works(output: Path, root: Path, hashes: dict, state: str) -> None:
    proc = run_build(output, root=root, data_dir=root / "data")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert which_site(output, hashes) == state
    assert not (output.parent / f".{output.name}.work").exists()
    assert not (output.parent / f".{output.name}.old").exists()


def test_sigkill_at_random_points_leaves_a_whole_site(report, tmp_path):
    base, root, hashes, build_s = report
    output = tmp_path / "out" / "html"
    published_a(report, output)
    rng = random.Random(SEED)
    # random moments over the whole build, then the two ends of publishing
    points = [("random", rng.uniform(0.05, 1.0) * build_s, {}) for _ in range(KILLS)]
    points += [("publish:start", None, {"REPORT_TEST_PAUSE": "publish:start"}),
               ("publish:swapped", None, {"REPORT_TEST_PAUSE": "publish:swapped"})]
    current, seen = "A", []
    for where, delay, env in points:
        target = "B" if current == "A" else "A"
        set_production(root, STATES[target])
        proc = start(output, root, env)
        if delay is None:
            wait_for_line(proc, f"paused at {where}")
        else:
            time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
        found = which_site(output, hashes)
        seen.append(f"{where} {delay or 0:.1f}s: {found}")
        assert found in (current, target), f"killed at {where} ({delay}): the output holds {found}"
        if where == "publish:start":
            assert found == current
        if where == "publish:swapped":
            assert found == target, "the swap had happened: the new site must be in place"
        # the next build (with no clean-up by hand) publishes the new data
        next_build_works(output, root, hashes, target)
        assert not processes_mentioning(str(output.parent / f".{output.name}.work")), "processes of the killed build"
        current = target
    print("\n".join(seen))


# ---------------------------------------------------------------------------------------------
# A full disk
# ---------------------------------------------------------------------------------------------


def mount_small_disk(folder: Path, size_mb: int):
    """Mount a tmpfs of ``size_mb`` at ``folder`` (as root, or through passwordless sudo as CI
    runners have it); returns a function that unmounts it, or None."""
    folder.mkdir(parents=True, exist_ok=True)
    if not shutil.which("mount"):
        return None
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and (not shutil.which("sudo") or subprocess.run(sudo + ["true"], capture_output=True).returncode):
        return None
    proc = subprocess.run(sudo + ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m,mode=1777", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if proc.returncode:
        return None
    return lambda: subprocess.run(sudo + ["umount", "-l", str(folder)], check=False)


@pytest.fixture
def small_disk(tmp_path):
    folder = tmp_path / "disk"
    unmount = mount_small_disk(folder, 64)
    if unmount is None:
        pytest.skip("cannot mount a small tmpfs here: needs root or passwordless sudo, and a container allowed"
                    " to mount (CAP_SYS_ADMIN)")
    try:
        yield folder
    finally:
        unmount()


def fill(folder: Path, leave: int) -> Path:
    """Fill the filesystem of ``folder`` until about ``leave`` bytes are free."""
    filler = folder / "filler"
    stat = os.statvfs(folder)
    free = stat.f_bavail * stat.f_frsize
    with open(filler, "ab") as handle:
        chunk = b"\0" * (1 << 20)
        remaining = max(free - leave, 0)
        try:
            while remaining > 0:
                handle.write(chunk[:min(len(chunk), remaining)])
                remaining -= min(len(chunk), remaining)
            handle.flush()
        except OSError:
            pass
    return filler


def free_bytes(folder: Path) -> int:
    stat = os.statvfs(folder)
    return stat.f_bavail * stat.f_frsize


def LEAVE(used: int) -> list[int]:
    fractions = [float(f) for f in os.environ.get("REPORT_HARD_STOP_DISK", "0,0.5").split(",")]
    return [int(used * f) for f in fractions]


def test_a_full_disk_while_building_or_publishing_leaves_a_whole_site(report, small_disk):
    base, root, hashes, _ = report
    output = small_disk / "html"
    published_a(report, output)
    used = 64 * 2 ** 20 - free_bytes(small_disk)  # the published site and the chapter cache
    current, seen = "A", []
    # free space left for the build: nothing, and part of what the published site takes
    for leave in LEAVE(used):
        target = "B" if current == "A" else "A"
        set_production(root, STATES[target])
        filler = fill(small_disk, leave)
        proc = run_build(output, root=root, data_dir=root / "data")
        found = which_site(output, hashes)
        said = (proc.stderr.strip().splitlines() or [""])[0][:160]
        seen.append(f"free {leave:,} B: exit {proc.returncode}, site {found}: {said}")
        assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
        if proc.returncode == 0:
            assert found == target
        else:
            assert proc.returncode == 1, proc.stdout + proc.stderr
            assert found == current, f"free {leave}: the output holds {found}\n{proc.stderr}"
            assert "nothing was published" in proc.stderr, proc.stderr
        filler.unlink()
        next_build_works(output, root, hashes, target)
        current = target
    assert any("exit 1" in s for s in seen), "the disk never filled up:\n" + "\n".join(seen)
    print("\n".join(seen))


def test_a_disk_that_fills_up_during_publishing(report, small_disk):
    """The disk fills while the build waits at the start of publishing: the swap needs no space;
    the old site or the new one is in place, and the next build works."""
    base, root, hashes, _ = report
    output = small_disk / "html"
    published_a(report, output)
    set_production(root, STATES["B"])
    proc = start(output, root, {"REPORT_TEST_PAUSE": "publish:start", "REPORT_TEST_PAUSE_S": "3"})
    wait_for_line(proc, "paused at publish:start")
    filler = fill(small_disk, 0)
    rest, _ = proc.communicate(timeout=120)
    assert "Traceback" not in rest, rest
    found = which_site(output, hashes)
    assert found in ("A", "B"), f"the output holds {found}\n{rest}"
    assert (proc.returncode == 0) == (found == "B") or "published before the disk filled up" in rest, rest
    filler.unlink()
    next_build_works(output, root, hashes, "B")


def test_a_site_caught_between_the_two_renames_is_put_back(tmp_path):
    """Where renameat2 is missing, publishing is two renames; a build killed between them leaves
    the old site as .html.old and no html: the next build's lock puts it back."""
    from pipeline.stages import publish

    output = tmp_path / "out" / "html"
    old = output.with_name(".html.old")
    old.mkdir(parents=True)
    (old / "index.html").write_text("old site", encoding="utf-8")
    with publish.build_lock(output):
        assert (output / "index.html").read_text(encoding="utf-8") == "old site"
        assert not old.exists()


def test_processes_left_by_a_killed_build_are_stopped(tmp_path):
    """A process still running in a dead build's work folder (as Sphinx or a kernel would be)
    is stopped by the next build's lock."""
    from pipeline.stages import publish

    output = tmp_path / "out" / "html"
    work = publish.work_dir(output)
    work.mkdir(parents=True)
    stray = subprocess.Popen(["sleep", "300"], cwd=work)
    try:
        with publish.build_lock(output):
            pass
        assert stray.wait(timeout=10) == -signal.SIGKILL
    finally:
        stray.kill()
