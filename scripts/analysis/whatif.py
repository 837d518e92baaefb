"""What-if: EV output at risk in India from a cut in rare-earth magnet supply.

The model (deliberately simple; every assumption is a parameter or stated here)::

    uncovered_months = max(0, disruption_months - inventory_weeks / WEEKS_PER_MONTH)
    monthly_output   = annual_sales / 12
    output_at_risk   = monthly_output * supply_cut_share * uncovered_months

with ``WEEKS_PER_MONTH = 365 / 7 / 12`` (about 4.345) and ``0 <= disruption_months <= 12``
(a one-year view: a disruption longer than a year is outside the model).

Assumptions:

- every vehicle in a segment needs imported rare-earth magnets, and output falls in proportion
  to the magnets missing (no substitution by ferrite or light-rare-earth magnets, no other
  shortage, no reallocation of magnets between segments or firms);
- magnet stocks cover ``inventory_weeks`` of normal output at the start of the cut, and are
  used first; after they run out output is cut by ``supply_cut_share`` until the disruption ends;
- output lost is not made up later in the year (it is "at risk", not "lost for good");
- monthly output is a twelfth of annual sales in the chosen period (no seasonality), so sales
  stand in for production.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

WEEKS_PER_MONTH = 365 / 7 / 12
MAX_MONTHS = 12
MAX_INVENTORY_WEEKS = 52


def _number(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number, got {value!r}") from None
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return value


def check_parameters(supply_cut_share, disruption_months, inventory_weeks) -> tuple[float, float, float]:
    """Validate the what-if parameters; returns them as floats or raises ValueError."""
    cut = _number("supply_cut_share", supply_cut_share)
    months = _number("disruption_months", disruption_months)
    weeks = _number("inventory_weeks", inventory_weeks)
    if not 0 <= cut <= 1:
        raise ValueError(f"supply_cut_share must be between 0 and 1 (a share of normal supply), got {cut}")
    if not 0 <= months <= MAX_MONTHS:
        raise ValueError(f"disruption_months must be between 0 and {MAX_MONTHS} (a one-year view), got {months}")
    if not 0 <= weeks <= MAX_INVENTORY_WEEKS:
        raise ValueError(f"inventory_weeks must be between 0 and {MAX_INVENTORY_WEEKS}, got {weeks}")
    return cut, months, weeks


def uncovered_months(disruption_months, inventory_weeks) -> float:
    """Months of the disruption left after magnet stocks run out: max(0, months − weeks/4.345)."""
    _, months, weeks = check_parameters(0, disruption_months, inventory_weeks)
    return max(0.0, months - weeks / WEEKS_PER_MONTH)


def output_at_risk(
    sales: pd.DataFrame,
    *,
    supply_cut_share: float,
    disruption_months: float,
    inventory_weeks: float,
    segment: str = "segment",
    value: str = "sales",
) -> pd.DataFrame:
    """EV output at risk per segment (one row per row of ``sales``).

    ``sales`` holds one annual sales figure per segment (``segment``, ``value`` columns; units).
    Returns segment, annual_sales, monthly_output, uncovered_months, output_at_risk (units) and
    share_of_year_pct (output at risk as a percentage of the segment's annual sales).
    """
    cut, months, weeks = check_parameters(supply_cut_share, disruption_months, inventory_weeks)
    for column in (segment, value):
        if column not in sales.columns:
            raise ValueError(f"sales table needs a {column!r} column (has {list(sales.columns)})")
    if sales[segment].duplicated().any():
        dupes = sorted(sales.loc[sales[segment].duplicated(), segment].astype(str))
        raise ValueError(f"one annual sales figure per segment expected; repeated: {dupes}")
    annual = pd.to_numeric(sales[value]).astype(float)
    if annual.isna().any() or (annual < 0).any():
        raise ValueError("annual sales must be given and non-negative for every segment")
    gap = max(0.0, months - weeks / WEEKS_PER_MONTH)
    out = pd.DataFrame({"segment": sales[segment].astype(str).to_numpy(), "annual_sales": annual.to_numpy()})
    out["monthly_output"] = out["annual_sales"] / 12
    out["uncovered_months"] = gap
    out["output_at_risk"] = out["monthly_output"] * cut * gap
    out["share_of_year_pct"] = (100 * out["output_at_risk"] / out["annual_sales"]).where(out["annual_sales"] > 0, 0.0)
    return out


# The named alternatives around the chapter's settings (the central case). Low: a quarter of
# supply cut for one month, with the upper end of the "2-3 weeks" of stock industry reported in
# mid-2025. High: supply halted for six months, with the lower end of that stock.
LOW_CASE = dict(supply_cut_share=0.25, disruption_months=1.0, inventory_weeks=3.0)
HIGH_CASE = dict(supply_cut_share=1.0, disruption_months=6.0, inventory_weeks=2.0)


def cases(*, supply_cut_share, disruption_months, inventory_weeks) -> dict[str, dict]:
    """Low, central and high settings: the central case is the one given; the low case takes the
    milder of it and LOW_CASE on each assumption, the high case the harsher of it and HIGH_CASE.
    Output at risk rises with the cut and the duration and falls with stocks, so
    low <= central <= high holds whatever the central case."""
    cut, months, weeks = check_parameters(supply_cut_share, disruption_months, inventory_weeks)
    central = dict(supply_cut_share=cut, disruption_months=months, inventory_weeks=weeks)
    low = dict(supply_cut_share=min(cut, LOW_CASE["supply_cut_share"]),
               disruption_months=min(months, LOW_CASE["disruption_months"]),
               inventory_weeks=max(weeks, LOW_CASE["inventory_weeks"]))
    high = dict(supply_cut_share=max(cut, HIGH_CASE["supply_cut_share"]),
                disruption_months=max(months, HIGH_CASE["disruption_months"]),
                inventory_weeks=min(weeks, HIGH_CASE["inventory_weeks"]))
    return {"low": low, "central": central, "high": high}


def round_sig(value: float, digits: int = 2) -> float:
    """``value`` rounded to ``digits`` significant figures (115,479 -> 120,000): a model's output
    is quoted no more precisely than its inputs support."""
    value = float(value)
    if value == 0 or math.isnan(value) or math.isinf(value):
        return value
    return float(round(value, digits - 1 - int(math.floor(math.log10(abs(value))))))


@dataclass(frozen=True)
class Assumption:
    assumption: str
    value: str
    basis: str


def assumptions_table(rows: list[Assumption]) -> pd.DataFrame:
    """The assumptions shown beside the result, as a table with human column names."""
    return pd.DataFrame(
        [{"Assumption": r.assumption, "Value used": r.value, "Basis / source": r.basis} for r in rows]
    )
