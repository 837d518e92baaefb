"""The news report of 10 October 2025 beside the evidence: a verdict, a reason and sources for
each of its table rows and claims (the appendix, analysis.chapters.factcheck).

Model. ``article_claims`` holds each claim in the report's words, the figure it gives
(``seed_value``, text such as ``~70%``), the figure the sources support and two verdicts: the
published one, ``assessment`` (supported, partly_supported, contradicted, not_checkable; the scale
of the report's three tables too), and the first edition's ``verdict`` (agrees, ...), kept in the
data and in ``claims_table`` only. Two checks are computed here rather than taken on trust:

- ``parse_value`` reads the number in a figure written as text (``~70%``, ``90 %``, ``6,150 t``);
- ``closest_match`` says which of several figures a claimed number lies nearest to (e.g. the
  report's "~70% of light rare-earth magnets" lies nearest China's share of *mine production*,
  not its share of magnet making), and how far it is from each.

``verdict_table`` gives any of the four parts as the appendix shows it: the row as printed, its
verdict, the reason and the sources the verdict rests on (``evidence_names``).

Assumptions: a claimed figure with "~" or "about" is approximate; "nearest" is the smallest
absolute difference in the claim's own unit (percentage points for shares).
"""

from __future__ import annotations

import math
import re

import pandas as pd

from .figures import short_publisher

VERDICTS = {
    "agrees": "Agrees",
    "agrees_understates": "Agrees, but understates",
    "disagrees": "Disagrees",
    "needs_update": "Needs updating",
    "unverifiable": "Cannot be verified",
}
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def parse_value(text) -> float | None:
    """The first number in a figure written as text (``"~70%"`` → 70.0); None when there is none."""
    if text is None or text is pd.NA or (isinstance(text, float) and math.isnan(text)):
        return None
    if isinstance(text, (int, float)):
        return float(text)
    match = _NUMBER.search(str(text))
    if not match:
        return None
    return float(match.group(0).replace(",", ""))


def verdict_text(code: str) -> str:
    """The reader-facing words for a verdict code; ValueError for an unknown code."""
    if code not in VERDICTS:
        raise ValueError(f"unknown verdict {code!r}; expected one of {sorted(VERDICTS)}")
    return VERDICTS[code]


def closest_match(value: float, candidates: dict[str, float]) -> dict:
    """Which candidate figure ``value`` is nearest to.

    Returns {label, value, gap, gaps} where gap is the absolute difference to the nearest and
    gaps maps every label to its difference (candidate minus value). ValueError with no
    candidates or a non-finite value.
    """
    if value is None or not math.isfinite(float(value)):
        raise ValueError(f"a claimed value must be a finite number; got {value!r}")
    usable = {k: float(v) for k, v in candidates.items() if v is not None and math.isfinite(float(v))}
    if not usable:
        raise ValueError("no authoritative figures to compare the claim with")
    gaps = {k: v - float(value) for k, v in usable.items()}
    label = min(gaps, key=lambda k: abs(gaps[k]))
    return {"label": label, "value": usable[label], "gap": abs(gaps[label]), "gaps": gaps}


def claims_table(claims: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """A reader-facing table: claim, the article's figure, the authoritative figure and its
    publisher, the verdict and why. ``registry`` is ``datasets.sources()`` (indexed by id)."""
    if claims.empty:
        raise ValueError("no seed claims to compare")
    unknown = sorted(set(claims["verdict"].dropna()) - set(VERDICTS))
    if unknown:
        raise ValueError(f"unknown verdicts in article_claims: {unknown}")

    def publisher(ids) -> str:
        if ids is None or ids is pd.NA or not str(ids).strip():
            return "—"
        names = []
        for sid in re.split(r"[;,]\s*", str(ids).strip()):
            if sid not in registry.index:
                raise ValueError(f"article_claims cites unknown source id {sid!r}")
            names.append(str(registry.loc[sid, "publisher"]))
        return "; ".join(dict.fromkeys(names))

    return pd.DataFrame(
        {
            "Seed article's claim": claims["claim"].astype(str),
            "Article's figure": claims["seed_value"].fillna("—").astype(str),
            "Authoritative figure": claims["authoritative_value"].fillna("—").astype(str),
            "Authoritative source": [publisher(v) for v in claims["authoritative_source_id"]],
            "Verdict": [verdict_text(v) for v in claims["verdict"]],
            "Why": claims["explanation"].fillna("").astype(str),
        }
    ).reset_index(drop=True)


# The second edition's scale, shared by the article's snapshot table and the claims check.
ASSESSMENTS = {
    "supported": "Supported",
    "partly_supported": "Partly supported",
    "contradicted": "Contradicted",
    "not_checkable": "Cannot be checked",
}


def assessment_text(code: str) -> str:
    """The reader-facing words for an assessment code; ValueError for an unknown code."""
    if code not in ASSESSMENTS:
        raise ValueError(f"unknown assessment {code!r}; expected one of {sorted(ASSESSMENTS)}")
    return ASSESSMENTS[code]


def assessment_counts(frame: pd.DataFrame) -> dict[str, int]:
    """How many rows have each assessment (every code present, zero when none)."""
    for code in frame["assessment"].dropna().unique():
        assessment_text(code)
    counts = frame["assessment"].value_counts()
    return {code: int(counts.get(code, 0)) for code in ASSESSMENTS}


def evidence_ids(frame: pd.DataFrame, column: str = "evidence_source_ids") -> list[str]:
    """The source ids a set of verdicts rests on, each once, in the order first named (``a;b``)."""
    ids = [i.strip() for cell in frame[column].dropna() for i in re.split(r"[;,]", str(cell))]
    return list(dict.fromkeys(i for i in ids if i))


def evidence_names(ids, registry: pd.DataFrame) -> str:
    """The publishers (as the charts' source lines shorten them) and years of the sources a
    verdict rests on, short enough for a table cell ("IEA (2025); ELCINA (2025)"); ValueError for
    an id the registry does not hold."""
    names = []
    for sid in [i.strip() for i in re.split(r"[;,]", str(ids or "")) if i.strip()]:
        if sid not in registry.index:
            raise ValueError(f"a verdict cites unknown source id {sid!r}")
        row = registry.loc[sid]
        year = str(row["date"])[:4] if pd.notna(row["date"]) else ""
        who = short_publisher(row["publisher"])
        names.append(f"{who} ({year})" if year else who)
    return "; ".join(dict.fromkeys(names)) or "—"


def verdict_table(frame: pd.DataFrame, printed: dict[str, str], registry: pd.DataFrame, reason: str = "assessment_reason",
                  tidy=None) -> pd.DataFrame:
    """A table of the news report as printed, each row with its verdict, the reason and the
    sources the verdict rests on. ``printed`` maps the dataset's columns to their headings, in
    order: the first names the row and keeps a column of its own; the others, which the report
    printed beside it, share one column as "heading: cell" parts, so the reason has room to be
    read. ``tidy`` (optional) rewrites a reason in the report's style."""
    if frame.empty:
        raise ValueError("no rows to give verdicts on")
    tidy = tidy or (lambda text: text)
    (first, heading), *others = printed.items()
    table = {heading: frame[first].fillna("—").astype(str)}
    if others:
        table["As printed"] = ["; ".join(f"{h}: {row[c] if pd.notna(row[c]) else '—'}" for c, h in others)
                               for _, row in frame.iterrows()]
    table["Verdict"] = [assessment_text(v) for v in frame["assessment"]]
    table["Why"] = frame[reason].fillna("").astype(str).map(tidy)
    table["Evidence"] = [evidence_names(v, registry) for v in frame["evidence_source_ids"]]
    return pd.DataFrame(table).reset_index(drop=True)
