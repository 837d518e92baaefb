"""`make browser` installs what is missing, each tool on its own: a machine that already has
Chromium but lacks poppler-utils gets poppler-utils (else the PDF tests could not run).

The target runs with a PATH holding only stand-ins: a ``chromium`` that exists, no ``pdftotext``,
a ``java`` (for the Nu HTML Checker) and a ``soffice`` (the spreadsheet round trip) present or not,
and an ``apt-get`` that records what it was asked to install (nothing is installed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from report_root import REPO

AXE = "node_modules/axe-core/axe.min.js"


def stub_bin(folder: Path, *, chromium: bool, pdftotext: bool, java: bool = True, pandoc: bool = True,
             soffice: bool = True) -> Path:
    folder.mkdir()
    log = folder / "apt-get.log"
    (folder / "apt-get").write_text(f'#!/bin/sh\necho "$@" >> {log}\n', encoding="utf-8")
    (folder / "sudo").write_text('#!/bin/sh\nexec "$@"\n', encoding="utf-8")  # CI runs make as a user
    for name, wanted in (("chromium", chromium), ("pdftotext", pdftotext), ("java", java), ("pandoc", pandoc),
                         ("soffice", soffice)):
        if wanted:
            (folder / name).write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    for path in folder.iterdir():
        path.chmod(0o755)
    (folder / "id").symlink_to(shutil.which("id"))
    return log


def run_browser_target(folder: Path) -> subprocess.CompletedProcess:
    # -o: the axe-core download is taken as done (this test is about the Debian packages)
    return subprocess.run([shutil.which("make"), "-s", "-o", AXE, "browser"], cwd=REPO, capture_output=True,
                          text=True, env={**os.environ, "PATH": str(folder)}, timeout=60)


def installed(log: Path) -> list[str]:
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [word for line in lines if line.startswith("install") for word in line.split()[1:] if not word.startswith("-")]


@pytest.mark.parametrize("present, expected", [
    ({"chromium": True, "pdftotext": False}, ["poppler-utils"]),
    ({"chromium": False, "pdftotext": False}, ["chromium", "fonts-dejavu-core", "poppler-utils"]),  # its fonts too
    ({"chromium": True, "pdftotext": True, "java": False}, ["default-jre-headless"]),
    ({"chromium": True, "pdftotext": True, "pandoc": False, "soffice": False},
     ["pandoc", "libreoffice-writer-nogui", "libreoffice-calc-nogui"]),  # Word files and the round-trip test
    ({"chromium": True, "pdftotext": True}, []),
], ids=["poppler-missing", "both-missing", "java-missing", "word-tools-missing", "nothing-missing"])
def test_make_browser_installs_exactly_what_is_missing(tmp_path, present, expected):
    log = stub_bin(tmp_path / "bin", **present)
    proc = run_browser_target(tmp_path / "bin")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(installed(log)) == sorted(expected), log.read_text() if log.exists() else "nothing installed"
