"""Publishing swaps whole sites and lets one build at a time write an output."""

import os

import pytest

from pipeline.stages import publish
from pipeline.errors import BuildError


def make_site(path, marker):
    path.mkdir(parents=True)
    (path / "index.html").write_text(marker)
    (path / "sub").mkdir()
    (path / "sub" / "page.html").write_text(marker)
    return path


def test_first_publish_moves_the_site_into_place(tmp_path):
    new = make_site(tmp_path / "new", "v1")
    out = tmp_path / "html"
    publish.publish(new, out)
    assert (out / "index.html").read_text() == "v1" and not new.exists()


def test_publish_replaces_the_old_site_whole_and_removes_it(tmp_path):
    out = make_site(tmp_path / "html", "old")
    (out / "only-in-old.html").write_text("old")
    new = make_site(tmp_path / "new", "new")
    inode_before = os.stat(out).st_ino
    publish.publish(new, out)
    assert (out / "index.html").read_text() == "new"
    assert (out / "sub" / "page.html").read_text() == "new"
    assert not (out / "only-in-old.html").exists()
    assert not new.exists(), "the old tree (swapped into the new path) is deleted"
    assert os.stat(out).st_ino != inode_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["html"]


def test_the_exchange_is_one_atomic_call(tmp_path):
    a = make_site(tmp_path / "a", "A")
    b = make_site(tmp_path / "b", "B")
    assert publish._exchange(a, b), "renameat2(RENAME_EXCHANGE) should be available on Linux"
    assert (a / "index.html").read_text() == "B" and (b / "index.html").read_text() == "A"


def test_a_second_build_of_the_same_output_is_refused_with_a_clear_message(tmp_path):
    out = tmp_path / "html"
    with publish.build_lock(out):
        with pytest.raises(BuildError) as error:
            with publish.build_lock(out):
                pass
    assert f"pid {os.getpid()}" in str(error.value) and str(out) in str(error.value)
    with publish.build_lock(out):  # released after the first build
        pass
