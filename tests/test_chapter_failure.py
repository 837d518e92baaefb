"""A chapter that raises: the build stops, names the chapter and the cell, keeps the executed
notebook for a person to open, and the previous site stays exactly as it was.

Runs the real command line on a small report root (tests/report_root.py) through the hidden
``--root`` option, after one good build into the same output.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from report_root import FAILING, published_root, run_build, set_chapter, tree_hash

ALLOWED_NEW = {".html.lock", "cache", "failed"}


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    """(root, output) with one good build published at output."""
    _, root, output = published_root(tmp_path_factory, "chapter-failure")
    return root, output


def remove_world_total(root: Path) -> None:
    """A valid edit (no rule is broken) after which the chapter's computation has no total."""
    path = root / "data" / "mine_production_by_country.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(ln for ln in lines if not ln.startswith("World,")), encoding="utf-8")


@pytest.mark.parametrize(
    "break_it, cell, error",
    [
        pytest.param(lambda root: set_chapter(root, FAILING), "code cell 3 (`check = production[",
                     "RuntimeError: deliberate failure for the test", id="chapter-raises"),
        pytest.param(remove_world_total, "code cell 2 (`from analysis import charts, datasets`)",
                     "IndexError", id="data-edit-makes-it-raise"),
    ],
)
def test_a_failing_chapter_is_named_and_kept(good_build, tmp_path, break_it, cell, error):
    root, output = good_build
    before = tree_hash(output)
    beside = {p.name: tree_hash(p) if p.is_dir() else p.read_bytes() for p in output.parent.iterdir()
              if p.name not in (output.name, ".html.lock", "failed")}
    saved_chapter = (root / "book" / "leverage.md").read_text(encoding="utf-8")
    saved_data = (root / "data" / "mine_production_by_country.csv").read_bytes()
    try:
        break_it(root)
        proc = run_build(output, root=root, data_dir=root / "data")
    finally:
        (root / "book" / "leverage.md").write_text(saved_chapter, encoding="utf-8")
        (root / "data" / "mine_production_by_country.csv").write_bytes(saved_data)

    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 2 and lines[1] == "nothing was published; the previous report is unchanged.", proc.stderr
    message = lines[0]
    assert message.startswith("build failed [execute] chapter leverage (book/leverage.md) failed in "), message
    assert cell in message, message
    assert error in message, message
    assert "Traceback" not in proc.stderr

    # the executed notebook is kept where the message says, with the error in the named cell
    match = re.search(r"Executed notebook kept at (\S+\.ipynb)", message)
    assert match, message
    kept = Path(match.group(1))
    assert kept.is_file() and kept.parent == output.parent / "failed"
    notebook = nbformat.read(kept, as_version=4)
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert len(errors) == 1 and error.split(":")[0] == errors[0]["ename"]

    # the previous site is untouched; nothing else appeared or changed beside it
    assert tree_hash(output) == before
    after = {p.name: tree_hash(p) if p.is_dir() else p.read_bytes() for p in output.parent.iterdir()
             if p.name not in (output.name, ".html.lock", "failed")}
    assert after == beside
    assert not (output.parent / ".html.work").exists()


def test_the_report_builds_again_once_fixed(good_build):
    """After a failure (the tests above run first), the unchanged root builds and publishes."""
    root, output = good_build
    proc = run_build(output, root=root, data_dir=root / "data")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (output / "leverage.html").is_file()
