"""The data-aware chapter cache and the no-op rebuild (scripts/pipeline/speed/cache.py, run.py).

Built on the small report of tests/edition_root.py (two chapters reading different datasets)
in a temporary folder: a few seconds per build instead of a minute for the real book.
"""

from __future__ import annotations

import time

import pytest

from edition_root import build, chapters_run, edit_china_production, make_root
from pipeline.config import load_site
from pipeline.errors import ChapterError


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = make_root(tmp_path_factory.mktemp("cache") / "report")
    _, lines = build(root)
    assert chapters_run(lines) == {"executed": {"leverage", "reserves"}, "reused": set()}
    return root


def readers_of(root, dataset):
    return {c.name for c in load_site(root).chapters if dataset in c.datasets}


def test_nothing_changed_is_a_no_op(root):
    started = time.monotonic()
    _, lines = build(root)
    elapsed = time.monotonic() - started
    assert any(line.startswith("up to date") for line in lines), lines
    assert chapters_run(lines) == {"executed": set(), "reused": set()}
    assert not any(line.startswith(("stage book", "assemble site")) for line in lines), lines
    assert elapsed < 1.5, f"no-op rebuild took {elapsed:.2f} s"


def test_editing_one_dataset_reexecutes_exactly_its_readers(root):
    readers = readers_of(root, "mine_production_by_country")
    assert readers == {"leverage"}  # the test report's layout; reserves reads another dataset
    edit_china_production(root / "data", 250000)
    index, lines = build(root)
    run = chapters_run(lines)
    assert run["executed"] == readers
    assert run["reused"] == {"reserves"}
    assert "64.1" in (index.parent / "leverage.html").read_text(encoding="utf-8")  # 250000 / 390000
    # and the reused chapter's page still carries its number
    assert "44,000,000" in (index.parent / "reserves.html").read_text(encoding="utf-8")


def test_changing_the_always_read_files_reexecutes_every_chapter(root):
    sources = root / "data" / "sources.csv"
    sources.write_text(sources.read_text(encoding="utf-8").replace("Rare Earths,", "Rare earths,"), encoding="utf-8")
    _, lines = build(root)
    assert chapters_run(lines)["executed"] == {"leverage", "reserves"}


def test_a_changed_published_site_is_rebuilt_from_the_cache(root):
    build(root)  # settle
    page = root / "_build" / "html" / "leverage.html"
    page.write_text("tampered", encoding="utf-8")
    _, lines = build(root)
    assert chapters_run(lines) == {"executed": set(), "reused": {"leverage", "reserves"}}
    assert "tampered" not in page.read_text(encoding="utf-8")


def test_a_parameter_change_reexecutes_only_the_chapter_that_declares_it(root):
    _, lines = build(root, overrides=["cut_share=0.25"])
    assert chapters_run(lines) == {"executed": {"leverage"}, "reused": {"reserves"}}


def test_force_reexecutes_everything_and_the_record_is_byte_identical(root):
    build(root)
    record = root / "_build" / "html" / "_static" / "edition.json"
    before = record.read_bytes()
    _, lines = build(root, force=True)
    assert chapters_run(lines) == {"executed": {"leverage", "reserves"}, "reused": set()}
    assert record.read_bytes() == before


def test_reading_an_undeclared_dataset_fails_the_build_clearly(tmp_path):
    root = make_root(tmp_path / "report", undeclared=True)
    with pytest.raises(ChapterError) as failure:
        build(root)
    message = str(failure.value)
    assert "chapter reserves" in message
    assert "UndeclaredDatasetError" in message
    assert "'mine_production_by_country'" in message and "does not declare it" in message
    assert not (root / "_build" / "html").exists()  # nothing published
    assert not (root / "_build" / "cache" / "chapters" / "reserves").exists()  # a failure is never cached


def test_the_test_sessions_build_starts_from_the_site_make_test_built(tmp_path):
    """tests/conftest.py (REPORT_TEST_SEED): the session's build copies the site make has just built,
    with its state and chapter cache, and finds it up to date; when the seed is stale (a dataset
    edited since), the build redoes only the chapters that read it, so the tests never see an old site."""
    from conftest import seed_from

    root = make_root(tmp_path / "report")
    build(root)  # the site at root/_build/html is current
    first = tmp_path / "fresh" / "html"
    first.parent.mkdir()
    seed_from(root / "_build" / "html", first)
    _, lines = build(root, output=first)
    assert any(line.startswith("up to date") for line in lines), lines

    edit_china_production(root / "data", 260000)  # now the seed is stale
    second = tmp_path / "stale" / "html"
    second.parent.mkdir()
    seed_from(root / "_build" / "html", second)
    index, lines = build(root, output=second)
    assert chapters_run(lines) == {"executed": {"leverage"}, "reused": {"reserves"}}
    assert "66.7" in (index.parent / "leverage.html").read_text(encoding="utf-8")  # 260000 / 390000
