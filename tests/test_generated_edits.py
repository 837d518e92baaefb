"""Generated edits of every dataset (tests/edits.py, Hypothesis): never a traceback.

Each edit is written into a private copy of data/ and run through validation. Then:

- refused: every line of the message names a file of data/ and, for a problem in a cell or a
  row, its row and column (whole-file problems such as an empty file name the file);
- passed: the edited dataset is read the way a chapter reads it (``analysis.datasets.load``) and
  the Data and sources page is generated from it, in-process; a sample of the passing edits is
  built through the real command line on top of a published report and its chapter cache, and
  the published report must follow the data (the edited file's hash in the site's record, the
  dataset download holding the edited cells, every chapter that does not read the dataset
  reused and its key figures unchanged);
- a sample of refused edits also goes through the real command line: exit 1, no traceback, and
  the published site, the chapter cache and the data folder exactly as they were.

Seeded and reproducible (``derandomize``: the same edits every run). ``make test`` runs at least
300 edits; ``make fuzz`` runs many more (REPORT_FUZZ_EDITS, REPORT_FUZZ_BUILDS, REPORT_FUZZ_SEED).
The count and the outcome classes are printed at the end of the run.
"""

from __future__ import annotations

import collections
import hashlib
import json
import math
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings

from edits import KINDS, WEIGHTS, datasets, edits, outcome
from report_root import REPO, run_build, tree_hash

DATA = REPO / "data"
DATASETS = datasets(DATA)
EDITS = int(os.environ.get("REPORT_FUZZ_EDITS", "300"))
BUILDS = int(os.environ.get("REPORT_FUZZ_BUILDS", "1"))
REFUSED_BUILDS = int(os.environ.get("REPORT_FUZZ_REFUSED_BUILDS", "2"))
SEED = os.environ.get("REPORT_FUZZ_SEED") or None
# examples per kind of edit, in proportion to its weight (5 for a kind without one)
_WEIGHT = {kind: WEIGHTS.get(kind, 5) for kind in KINDS}
PER_KIND = {kind: max(1, math.ceil(EDITS * w / sum(_WEIGHT.values()))) for kind, w in _WEIGHT.items()}

# What happened to each edit, for the summary (tests/conftest.py prints it) and the build sample.
OUTCOMES: collections.Counter = collections.Counter()
BY_KIND: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
PASSED: list = []  # edits that passed validation, in the order they were drawn
REFUSED: list = []


def summary() -> list[str]:
    total = sum(OUTCOMES.values())
    if not total:
        return []
    lines = [f"generated edits: {total} ({'seed ' + SEED if SEED else 'derandomized'}), by outcome:"]
    lines += [f"  {count:6d}  {name}" for name, count in OUTCOMES.most_common()]
    lines.append("  by kind of edit (valid / refused):")
    for kind, counter in sorted(BY_KIND.items()):
        refused = sum(v for k, v in counter.items() if k.startswith("refused"))
        lines.append(f"    {kind:16s} {counter['valid']:5d} / {refused:5d}")
    return lines


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """A private copy of data/ (named data, so messages read data/…), restored after every edit."""
    folder = tmp_path_factory.mktemp("edits") / "data"
    shutil.copytree(DATA, folder)
    return folder


def check_edit(work: Path, edit) -> str:
    """Validate the edited copy; on success read the dataset as a chapter does and generate the
    appendix. Returns the outcome class; any exception other than a DataError propagates."""
    from analysis.datasets import load
    from pipeline.pages import appendix
    from pipeline.stages import validate
    from pipeline.errors import DataError

    target = work / edit.dataset.path
    target.write_bytes(edit.data)
    try:
        try:
            validate.validate_data(work)
        except DataError as exc:
            result = outcome(exc.args[0])
            if result.startswith("refused"):
                REFUSED.append(edit)
            return result
        load(edit.dataset.name, work)
        stage = work.parent / "stage"
        try:
            appendix.compute(work, as_of=None)  # the page on the edited data (scheduled ends: the chapters)
            appendix.write_downloads(work, stage)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        PASSED.append(edit)
        return "valid"
    finally:
        target.write_bytes(edit.dataset.original)


def hypothesis_settings(examples: int):
    # no shrinking: a failing edit is reported as drawn (shrinking a file edit takes minutes here)
    return settings(max_examples=examples, derandomize=SEED is None, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck), print_blob=True,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate])


@pytest.mark.parametrize("kind", KINDS)
def test_generated_edits_are_valid_or_refused_with_a_place(work, kind: str):
    @hypothesis_settings(PER_KIND[kind])
    @given(edit=edits(DATASETS, kind))
    def one_edit(edit):
        result = check_edit(work, edit)
        OUTCOMES[result] += 1
        BY_KIND[edit.kind][result if result == "valid" else "refused"] += 1
        assert not result.startswith("unlocated"), f"{edit!r}: the refusal does not say where — {result}"

    if SEED is not None:
        one_edit = seed(int(SEED))(one_edit)
    try:
        one_edit()
    except Exception:
        OUTCOMES["failed (traceback or unlocated refusal)"] += 1
        raise
    for dataset in DATASETS:
        assert (work / dataset.path).read_bytes() == dataset.original, f"{dataset.path} not restored"


def test_enough_edits_ran():
    assert sum(OUTCOMES.values()) >= min(EDITS, 300), summary()
    assert set(OUTCOMES) <= {"valid", "refused: file, row and column", "refused: file and row",
                             "refused: whole file (named)", "refused: descriptor entry (named)"}, summary()
    assert OUTCOMES["valid"] and OUTCOMES["refused: file, row and column"], summary()


# ---------------------------------------------------------------------------------------------
# Builds: a sample of passing edits published, a sample of refused ones stopped harmlessly
# ---------------------------------------------------------------------------------------------


def spread(edits_list: list, n: int) -> list:
    """Up to n edits of different datasets (and kinds), taken in the order they were drawn."""
    chosen, seen = [], set()
    for edit in edits_list:
        if edit.dataset.name in seen or edit.dataset.name == "sources":
            continue
        seen.add(edit.dataset.name)
        chosen.append(edit)
    return sorted(chosen, key=lambda e: (e.kind != "cell", e.dataset.name))[:n]


@pytest.fixture(scope="module")
def published(built_site, tmp_path_factory):
    """A published report with its chapter cache (copies of the session's build), as a person
    has it before editing data/; returns (output, cache)."""
    base = tmp_path_factory.mktemp("edit-builds")
    output = base / "out" / "html"
    shutil.copytree(built_site, output, symlinks=True)
    if (built_site.parent / "cache").is_dir():
        shutil.copytree(built_site.parent / "cache", base / "out" / "cache", symlinks=True)
    return output, base / "out" / "cache"


def record(site: Path) -> dict:
    return json.loads((site / "_static" / "edition.json").read_text(encoding="utf-8"))


def chapters_reading(dataset: str) -> set[str]:
    from pipeline.config import load_site

    return {c.name for c in load_site(REPO).chapters if dataset in (c.datasets or [])}


def test_a_sample_of_passing_edits_builds_and_follows_the_data(published, tmp_path):
    assert PASSED, "no edit passed validation (run the whole module)"
    output, _ = published
    sample = spread(PASSED, BUILDS)
    assert sample
    before = record(output)  # the report of the unedited data: each edit below is made to a fresh copy of it
    for edit in sample:
        data = tmp_path / edit.dataset.name / "data"
        shutil.copytree(DATA, data)
        (data / edit.dataset.path).write_bytes(edit.data)
        proc = run_build(output, data_dir=data)
        assert proc.returncode == 0, f"{edit!r}\n{proc.stdout}\n{proc.stderr}"
        assert "Traceback" not in proc.stderr
        after = record(output)
        digest = hashlib.sha256(edit.data).hexdigest()
        hashes = {k: v for k, v in after["inputs"].items() if k.endswith(edit.dataset.path)}
        assert digest in hashes.values(), f"{edit!r}: the site's record does not hold the edited file's hash"
        from test_safe_downloads import dataset_download, rows

        download = dataset_download(output, edit.dataset.path)
        if edit.dataset.name != "sources":
            assert download is not None, f"{edit!r}: no download of the dataset in the site"

            offered = [[c[1:] if c.startswith("'") else c for c in r] for r in rows(download)]
            edited = [[c[1:] if c.startswith("'") else c for c in r] for r in rows(data / edit.dataset.path)]
            assert offered == edited, f"{edit!r}: the dataset download is not the edited data"
        readers = chapters_reading(edit.dataset.name)
        for chapter, figures in before["figures"].items():
            if chapter not in readers and chapter in after["figures"]:
                assert after["figures"][chapter] == figures, f"{edit!r}: {chapter} does not read the dataset but changed"
        for chapter in readers:
            assert any(line.split()[:2] == ["execute", chapter] or (chapter in line and "executed" in line)
                       for line in proc.stdout.splitlines()), f"{edit!r}: {chapter} was not re-executed\n{proc.stdout}"
        OUTCOMES["built and published"] += 1


def test_a_sample_of_refused_edits_leaves_site_cache_and_data_as_they_were(published, tmp_path):
    assert REFUSED, "no edit was refused (run the whole module)"
    output, cache = published
    for edit in spread(REFUSED, REFUSED_BUILDS):
        data = tmp_path / edit.dataset.name / "data"
        shutil.copytree(DATA, data)
        (data / edit.dataset.path).write_bytes(edit.data)
        site_before, data_before = tree_hash(output), tree_hash(data)
        cache_before = tree_hash(cache) if cache.exists() else None
        proc = run_build(output, data_dir=data)
        assert proc.returncode == 1, f"{edit!r}\n{proc.stdout}\n{proc.stderr}"
        assert proc.stderr.startswith("build failed [validate]"), f"{edit!r}\n{proc.stderr}"
        assert "Traceback" not in proc.stderr
        assert tree_hash(output) == site_before, f"{edit!r}: the published site changed"
        assert tree_hash(data) == data_before, f"{edit!r}: the data folder changed"
        assert (tree_hash(cache) if cache.exists() else None) == cache_before, f"{edit!r}: the cache changed"
        OUTCOMES["refused through the command line, nothing changed"] += 1
