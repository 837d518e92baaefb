"""With CI=true a test that would skip (a missing tool, a missing file) fails, naming its reason;
outside CI it still skips. (tests/conftest.py turns the skip into a failure.)"""

from __future__ import annotations

import os
import subprocess
import sys

from report_root import REPO

SAMPLE = '''
import shutil
import pytest

@pytest.mark.skipif(not shutil.which("no-such-tool-anywhere"), reason="needs no-such-tool-anywhere")
def test_needs_a_tool():
    pass

def test_skips_inside():
    pytest.skip("a file this test needs is missing")

def test_plain():
    pass
'''


def run_sample(tmp_path, ci: str | None) -> subprocess.CompletedProcess:
    (tmp_path / "test_sample.py").write_text(SAMPLE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = str(REPO / "tests")
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "conftest", "-q", "-p", "no:cacheprovider",
                           "--rootdir", str(tmp_path), str(tmp_path / "test_sample.py")],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)


def test_in_ci_a_skip_fails_with_its_reason(tmp_path):
    proc = run_sample(tmp_path, "true")
    assert proc.returncode == 1, proc.stdout
    # a skipif fails in set-up (pytest counts it an error), pytest.skip() in the test (a failure)
    assert "1 failed, 1 passed, 1 error" in proc.stdout, proc.stdout
    assert "needs no-such-tool-anywhere" in proc.stdout
    assert "CI=true and CI must run every test" in proc.stdout


def test_outside_ci_it_skips(tmp_path):
    proc = run_sample(tmp_path, None)
    assert proc.returncode == 0, proc.stdout
    assert "1 passed, 2 skipped" in proc.stdout, proc.stdout
