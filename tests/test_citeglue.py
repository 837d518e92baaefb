"""Citations follow the data: ``{keycite}`figure``` cites the key figure's own sources, and no
sentence quoting the latest data row types its citation by hand."""

from __future__ import annotations

import re

import pytest

from pipeline.pages import citeglue
from pipeline.errors import BuildError
from report_root import REPO

FIGURES = {
    "leverage": {"exports_latest_t": {"value": 5406.0, "source_ids": ["reuters-2026-05-20"]},
                 "exports_latest_month": {"value": "April 2026", "source_ids": []}},
    "index": {"x": {"value": 1, "source_ids": ["a", "b", "a"]}},
}


def test_a_keycite_becomes_the_figures_sources():
    text = "came to {glue:text}`exports_latest_t:,.0f` tonnes {keycite}`exports_latest_t`."
    assert citeglue.resolve_text(text, FIGURES, "leverage") == (
        "came to {glue:text}`exports_latest_t:,.0f` tonnes {footcite:p}`reuters-2026-05-20`.")
    assert citeglue.resolve_text("{keycite}`index::x`", FIGURES, "leverage") == "{footcite:p}`a,b`"
    assert citeglue.resolve_text("{keycite}`index.ipynb::x`", FIGURES, "leverage") == "{footcite:p}`a,b`"


def test_an_updated_row_cites_its_new_source():
    march = {"leverage": {"exports_latest_t": {"source_ids": ["reuters-2026-04-20"]}}}
    april = {"leverage": {"exports_latest_t": {"source_ids": ["reuters-2026-05-20"]}}}
    text = "{keycite}`exports_latest_t`"
    assert citeglue.resolve_text(text, march, "leverage") != citeglue.resolve_text(text, april, "leverage")


@pytest.mark.parametrize("ref, words", [("nope", "names no key figure"), ("exports_latest_month", "records no source ids")])
def test_a_keycite_that_cannot_cite_stops_the_build(ref, words):
    with pytest.raises(BuildError, match=words):
        citeglue.resolve_text(f"{{keycite}}`{ref}`", FIGURES, "leverage")


GLUE = re.compile(r"\{glue(?::[a-z]+)?\}`(?:[a-z_]+::)?([a-z0-9_]+)")
TYPED = re.compile(r"\{footcite(?::[a-z]+)?\}`")


def sentences(text: str):
    return re.split(r"(?<=[.!?])\s+(?=[A-Z{])|(?<=`)\s+(?=[A-Z][a-z])", text)


def test_no_typed_citation_sits_next_to_the_latest_data_row():
    """The latest month of a monthly series is the value an update changes; a sentence quoting it
    cites through {keycite}, never a typed source id."""
    offenders = []
    for page in sorted((REPO / "book").glob("*.md")):
        for sentence in sentences(page.read_text(encoding="utf-8")):
            latest = [k for k in GLUE.findall(sentence) if "latest" in k and k.endswith(("_t", "_pct", "_value"))]
            if latest and TYPED.search(sentence):
                offenders.append(f"{page.name}: {' '.join(sentence.split())[:160]}")
    assert offenders == []
    assert "{keycite}`exports_latest_t`" in (REPO / "book" / "leverage.md").read_text(encoding="utf-8")
