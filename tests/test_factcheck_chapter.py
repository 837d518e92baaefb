"""Chapter tests for book/factcheck.md, the appendix that checks the news report of 10 October
2025: compute() on the real data and on an edited copy (no kernel), and one run of the notebook.

Expected values are derived from the CSV rows read here, not typed: data/ is updated in parallel."""

import pytest

from analysis import claims
from analysis.figures import short_publisher
from analysis.chapters import factcheck
from chapters import DATA, REPO, compute, copy_data, read_rows, run_chapter, write_rows

PARTS = {"snapshot": "article_snapshot.csv", "sectors": "india_sector_impact.csv",
         "roadmap": "strategy_roadmap.csv", "claims": "article_claims.csv"}


@pytest.fixture(scope="module")
def chapter():
    return factcheck.compute(DATA)


def distinct(rows):
    seen, kept = set(), []
    for r in rows:
        if r["claim"] not in seen:
            seen.add(r["claim"])
            kept.append(r)
    return kept


def rows_of(part):
    rows = read_rows(DATA / PARTS[part])
    return distinct(rows) if part == "claims" else rows


@pytest.mark.parametrize("part", PARTS)
def test_each_table_gives_every_row_with_its_verdict_reason_and_evidence(chapter, part):
    rows = rows_of(part)
    table = chapter.tables[part]
    assert len(table) == len(rows) == chapter[f"{part}_n"]
    assert list(table["Verdict"]) == [claims.ASSESSMENTS[r["assessment"]] for r in rows]
    assert all(table["Why"].str.len() > 0) and all(table["Evidence"] != "—")
    for code in claims.ASSESSMENTS:
        assert chapter[f"{part}_{code}_n"] == sum(r["assessment"] == code for r in rows)
    assert not [c for c in table.columns if "seed" in c.lower()]
    assert "not available" not in table.to_string().lower()


def test_the_tables_are_the_news_report_as_printed(chapter):
    snapshot, sectors, roadmap = (rows_of(p) for p in ("snapshot", "sectors", "roadmap"))
    assert list(chapter.tables["snapshot"]["Category"]) == [r["category"] for r in snapshot]
    assert list(chapter.tables["sectors"]["Sector"]) == [r["sector_as_printed"] for r in sectors]
    assert list(chapter.tables["roadmap"]["Initiative"]) == [r["initiative"] for r in roadmap]
    for part, rows in (("snapshot", snapshot), ("sectors", sectors), ("roadmap", roadmap)):
        columns = list({"snapshot": factcheck.SNAPSHOT, "sectors": factcheck.SECTORS, "roadmap": factcheck.ROADMAP}[part])
        for row, shown in zip(rows, chapter.tables[part]["As printed"]):
            assert [c for c in columns[1:] if f": {row[c]}" not in shown] == []
    assert chapter["rows_n"] == len(snapshot) + len(sectors) + len(roadmap)


def test_the_evidence_column_names_the_publishers_the_verdict_rests_on(chapter):
    registry = {r["id"]: r for r in read_rows(DATA / "sources.csv")}
    for part in PARTS:
        for row, shown in zip(rows_of(part), chapter.tables[part]["Evidence"]):
            for sid in filter(None, row["evidence_source_ids"].split(";")):
                assert short_publisher(registry[sid]["publisher"]) in shown
    with pytest.raises(ValueError, match="unknown source id"):
        claims.evidence_names("no-such-source", factcheck.datasets.sources(DATA))


def test_the_counts_cite_the_sources_of_their_verdicts(chapter):
    for part in PARTS:
        ids = chapter.keys[f"{part}_n"].source_ids
        assert factcheck.ARTICLE in ids
        assert set(claims.evidence_ids(factcheck.datasets.load(PARTS[part][:-4], DATA))) <= set(ids)


def test_the_light_magnet_reading_follows_the_data(tmp_path, chapter):
    """Which share the news report's "~70%" matches is computed, so the page says "magnet making,
    not mining" when the claimed value sits nearer magnet making."""
    nearer_mining = chapter["lree_claim_gap_mining"] < chapter["lree_claim_gap_magnets"]
    assert chapter["lree_claim_match"] == ("mining" if nearer_mining else "magnet making")
    data = copy_data(tmp_path)
    rows = read_rows(data / "article_claims.csv")
    value = chapter["china_magnet_share_pct"] - 1
    next(r for r in rows if r["claim_id"] == "snap-lree-magnets-china-share")["seed_value"] = f"~{value:.0f}%"
    write_rows(data / "article_claims.csv", rows)
    edited = compute("factcheck", data)
    assert edited["lree_claim_value"] == pytest.approx(round(value))
    assert (edited["lree_claim_match"], edited["lree_claim_other"]) == ("magnet making", "mining")


def test_a_changed_verdict_changes_the_counts(tmp_path, chapter):
    data = copy_data(tmp_path)
    rows = read_rows(data / "india_sector_impact.csv")
    row = next(r for r in rows if r["assessment"] == "contradicted")
    row["assessment"] = "supported"
    write_rows(data / "india_sector_impact.csv", rows)
    edited = compute("factcheck", data)
    assert edited["sectors_contradicted_n"] == chapter["sectors_contradicted_n"] - 1
    assert edited["sectors_supported_n"] == chapter["sectors_supported_n"] + 1
    assert row["sector"].lower() in edited["sectors_supported_list"]


def test_the_shares_are_the_leverage_chapters_own(chapter):
    """One figure, one value: the appendix quotes China's shares as the leverage chapter computes them."""
    leverage = compute("leverage")
    for name in ("china_mine_share_pct", "china_magnet_share_pct", "mine_year"):
        assert chapter[name] == leverage[name]


def test_the_notebook_glues_what_the_module_computes(tmp_path, chapter):
    glued = run_chapter("factcheck", tmp_path, provenance=True)
    assert {k: glued[k]["value"] for k in chapter.keys} == chapter.values()
    # with the label the page writes ({labels}), the interface catalog's for a finding the leverage
    # chapter states too (shared); a figure without one is glued with its name, as What changed expects
    labels = chapter.labels()
    assert labels["snapshot_n"] == "Rows of the news report's snapshot checked"
    assert labels["china_mine_share_pct"] == f"China's share of world mine production, {chapter['mine_year']}"
    assert labels["china_mine_share_pct"] == leverage_label("china_mine_share_pct")
    assert "mine_year" not in labels and "rows_n" not in labels
    assert {k: glued[k]["label"] for k in chapter.keys} == {k: labels.get(k) or k.replace("_", " ") for k in chapter.keys}


def leverage_label(name):
    """The leverage chapter's own label for ``name``: one wording for one finding on both pages."""
    from analysis.chapters import leverage

    return leverage.compute(DATA).label(name)


def test_a_label_the_chapter_cannot_fill_stops_the_chapter_naming_the_page_and_the_key(tmp_path):
    """A {labels} line for a key figure the chapter does not compute, or naming a field it does not
    compute, fails the notebook (and so the build) with the page and the key figure named."""
    from pipeline.errors import ChapterError

    page = (REPO / "book" / "factcheck.md").read_text(encoding="utf-8")
    own = '\nsnapshot_n: "'  # the block's first line of the page's own labels
    assert page.count(own) == 1
    for line, named in (('snapshot_total_n: "Rows checked"', "snapshot_total_n"),
                        ('rows_n: "Rows checked in {snapshot_year}"', "rows_n")):
        with pytest.raises(ChapterError, match=rf"factcheck.*'{named}'"):
            run_chapter("factcheck", tmp_path / named, page=page.replace(own, f"\n{line}{own}", 1))
