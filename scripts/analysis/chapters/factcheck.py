"""The appendix page book/factcheck.md: how the news report of 10 October 2025 holds up.

Load → process → return. The report's four parts are four datasets, each row as printed with a
verdict, the reason and the sources the verdict rests on: its snapshot table
(``article_snapshot``), its sector table (``india_sector_impact``), its roadmap table
(``strategy_roadmap``) and its claims, table cells and prose alike (``article_claims``). The
module counts the verdicts of each part, checks the one figure that can be checked against a
number (the "~70%" share of light rare-earth magnets, ``claims.closest_match``) and returns the
four tables; the page words them.
"""

from __future__ import annotations

import pandas as pd

from .. import claims, datasets
from ..controls import long_date
from . import Chapter, listing
from .leverage import mining, value_chain
from .strategy_roadmap import house_style

ARTICLE = "srk-bharat-2025-10-10"
# the columns each table shows as the news report printed them (dataset column → heading)
SNAPSHOT = {"category": "Category", "china_share_in_global_supply": "China's share",
            "india_import_dependency": "India's dependency", "strategic_use_cases": "Uses"}
SECTORS = {"sector_as_printed": "Sector", "dependency": "Dependency", "severity": "Severity",
           "components": "Components"}
ROADMAP = {"initiative": "Initiative", "status_2025": "Status (2025)", "target_2030": "Target by 2030"}
CLAIMS = {"claim": "Claim"}  # the reason gives the figures the sources support
PARTS = {"snapshot": "article_snapshot", "sectors": "india_sector_impact", "roadmap": "strategy_roadmap",
         "claims": "article_claims"}


def compute(data_dir, year: int = 2025, as_of: str = "2026-12-07") -> Chapter:
    ch = Chapter(data_dir, page="factcheck")
    # --- load ---------------------------------------------------------------------------------
    registry = datasets.sources(data_dir)
    frames = {part: datasets.load(name, data_dir) for part, name in PARTS.items()}
    chain = datasets.load("china_value_chain_share", data_dir)
    production = datasets.load("mine_production_by_country", data_dir)

    # --- process ------------------------------------------------------------------------------
    ch.key("as_of_text", long_date(as_of))
    frames["claims"] = frames["claims"].drop_duplicates(subset="claim", keep="first")  # each claim once
    for part, frame in frames.items():
        verdicts(ch, part, frame)
    ch.key("rows_n", sum(len(frames[p]) for p in ("snapshot", "sectors", "roadmap")), dataset="article_snapshot",
           source_ids=[ARTICLE])
    ch.key("sectors_list", listing(frames["sectors"]["sector"].str.lower()), dataset="india_sector_impact")
    ch.key("roadmap_areas", listing(frames["roadmap"]["initiative"].str.lower()), dataset="strategy_roadmap")
    lree_share(ch, frames["claims"], chain, production, registry, year)

    # --- tables -------------------------------------------------------------------------------
    # the reasons in the report's style: "10 Oct 2025" → "10 October 2025", "Rs 500 crore" → "INR 500 crore"
    ch.tables["snapshot"] = claims.verdict_table(frames["snapshot"], SNAPSHOT, registry, tidy=house_style)
    ch.tables["sectors"] = claims.verdict_table(frames["sectors"], SECTORS, registry, tidy=house_style)
    ch.tables["roadmap"] = claims.verdict_table(frames["roadmap"], ROADMAP, registry, tidy=house_style)
    ch.tables["claims"] = claims.verdict_table(frames["claims"], CLAIMS, registry, reason="explanation", tidy=house_style)
    return ch


def verdicts(ch: Chapter, part: str, frame: pd.DataFrame) -> None:
    """How many of a part's rows have each verdict, citing the sources the verdicts rest on."""
    ds = dict(dataset=PARTS[part], source_ids=[ARTICLE, *claims.evidence_ids(frame)])
    ch.key(f"{part}_n", len(frame), **ds)
    for code, n in claims.assessment_counts(frame).items():
        ch.key(f"{part}_{code}_n", n, **ds)
        ch.key(f"{part}_{code}_any", n > 0)  # the page words "contradicts none" apart
        if part == "claims":  # a claim is a sentence; the page counts claims and lists table rows
            continue
        which = frame.loc[frame["assessment"] == code, frame.columns[0]].astype(str).str.lower()
        ch.key(f"{part}_{code}_list", listing(which) if len(which) else "none", dataset=PARTS[part])


def lree_share(ch: Chapter, seed: pd.DataFrame, chain: pd.DataFrame, production: pd.DataFrame,
               registry: pd.DataFrame, year: int) -> None:
    """Which of China's shares the report's "~70%" of light rare-earth magnets lies nearest:
    mining (USGS) or magnet making (IEA), with the gap to each, in percentage points."""
    scratch = Chapter(ch.data_dir)  # the leverage chapter's own figures, computed its way
    shares = value_chain(scratch, chain, registry)
    mine = mining(scratch, production, registry, year)
    # labelled as in the leverage chapter: the same finding, whose label the interface catalog
    # writes once for both (book/_interface.yml, labels)
    for name in ("china_mine_share_pct", "china_magnet_share_pct", "mine_year"):
        k = scratch.keys[name]
        ch.key(name, k.value, unit=k.unit, dataset=k.dataset, source_ids=k.source_ids)
    lree = seed[seed["claim"].str.contains("light rare earth magnets", case=False)].iloc[0]
    value = claims.parse_value(lree["seed_value"])
    match = claims.closest_match(value, {"mining": mine["china_share_pct"], "magnets": shares["magnets"]["share_pct"]})
    ch.key("lree_claim_value", value, unit="%", dataset="article_claims", source_ids=[ARTICLE])
    ch.key("lree_claim_gap_mining", abs(match["gaps"]["mining"]), unit="percentage points")
    ch.key("lree_claim_gap_magnets", abs(match["gaps"]["magnets"]), unit="percentage points")
    ch.key("lree_claim_match", "mining" if match["label"] == "mining" else "magnet making")
    ch.key("lree_claim_other", "magnet making" if match["label"] == "mining" else "mining")
