"""Tests for scripts/analysis/claims.py."""

import pandas as pd
import pytest

from analysis import claims as cl


@pytest.mark.parametrize("text, value", [("~70%", 70.0), ("90 %", 90.0), ("6,150 t", 6150.0), ("about 0.1%", 0.1), (94, 94.0)])
def test_parse_value(text, value):
    assert cl.parse_value(text) == value


@pytest.mark.parametrize("text", [None, "", "tightened since April", float("nan"), pd.NA])
def test_parse_value_without_number(text):
    assert cl.parse_value(text) is None


def test_seventy_per_cent_matches_mining_not_magnets():
    match = cl.closest_match(70, {"mining": 69.2, "separation": 91, "magnets": 94})
    assert match["label"] == "mining"
    assert match["gap"] == pytest.approx(0.8)
    assert match["gaps"]["magnets"] == pytest.approx(24)


def test_closest_match_rejects_nothing_to_compare():
    with pytest.raises(ValueError):
        cl.closest_match(70, {})
    with pytest.raises(ValueError):
        cl.closest_match(float("nan"), {"a": 1})


def registry():
    return pd.DataFrame({"id": ["iea", "usgs", "srk-bharat-2025-10-10"],
                         "publisher": ["IEA", "USGS", "SRK Bharat"]}).set_index("id", drop=False)


def claims(verdict="disagrees", source="iea;usgs"):
    return pd.DataFrame(
        {
            "claim_id": ["light"],
            "claim": ["~70% of light rare earth magnets"],
            "seed_value": ["~70%"],
            "authoritative_value": ["94% of magnets; 69% of mining"],
            "authoritative_source_id": [source],
            "verdict": [verdict],
            "explanation": ["matches mining"],
            "source_id": ["srk-bharat-2025-10-10"],
        }
    )


def test_claims_table_names_publishers_and_verdicts():
    table = cl.claims_table(claims(), registry())
    assert table.loc[0, "Authoritative source"] == "IEA; USGS"
    assert table.loc[0, "Verdict"] == "Disagrees"


def test_claims_table_rejects_unknown_verdict_and_source():
    with pytest.raises(ValueError, match="unknown verdicts"):
        cl.claims_table(claims(verdict="maybe"), registry())
    with pytest.raises(ValueError, match="unknown source id"):
        cl.claims_table(claims(source="nobody"), registry())
    with pytest.raises(ValueError, match="no seed claims"):
        cl.claims_table(claims().iloc[0:0], registry())
