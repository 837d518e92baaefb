"""India's domestic rare-earth magnet capacity against demand, year by year, and resources vs output.

Capacity model::

    demand(y)   = base_demand × (1 + demand_growth) ** (y − base_year)
    online(c)   = first calendar year starting after  approval_date + gestation_years
                  + capacity_delay_years   (a line approved on 26 Nov 2025 with a 2-year
                  gestation counts from 2028)
    capacity(y) = Σ over lines online by y of  capacity_t × capacity_realisation
    gap(y)      = demand(y) − capacity(y)      (positive: still to be imported)
    met in the first year y with capacity(y) ≥ demand(y) > 0

Assumptions: a line delivers ``first_year_share`` of its realised capacity in its first year and
all of it from the second (default 1: no ramp-up); the same realisation share and delay apply to
every line; domestic output is used in India (no
exports); demand grows at one constant yearly rate from its base year.

``doubling_rate(years)`` is the constant yearly growth that doubles demand in ``years`` years:
2 ** (1 / years) − 1 (the government's "expected to double by 2030").
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from dataclasses import dataclass

import pandas as pd

MAX_DELAY_YEARS = 20
MIN_GROWTH, MAX_GROWTH = -0.5, 1.0


@dataclass(frozen=True)
class CapacityLine:
    """One block of magnet-making capacity: tonnes a year from a given start year."""

    name: str
    capacity_t: float
    start_year: int  # first full calendar year it produces, before any scenario delay


def start_year_after(approval_date: str | dt.date, gestation_years: int) -> int:
    """First calendar year that begins after approval + gestation (on 1 Jan it counts that year)."""
    if isinstance(approval_date, str):
        approval_date = dt.date.fromisoformat(approval_date)
    if gestation_years < 0:
        raise ValueError(f"gestation_years must be >= 0, got {gestation_years}")
    ready_year = approval_date.year + int(gestation_years)  # same month and day, gestation later
    return ready_year if (approval_date.month, approval_date.day) == (1, 1) else ready_year + 1


def first_full_year_after_award(award_year: int, gestation_years: int) -> int:
    """First full calendar year of output for a plant awarded some time in ``award_year``: the
    gestation runs from the award, so output starts in the year after award + gestation."""
    return int(award_year) + int(gestation_years) + 1


def growth_between(start: float, end: float, years: int) -> float:
    """Constant yearly growth that takes ``start`` to ``end`` in ``years`` years."""
    if not (start > 0 and end > 0 and years > 0):
        raise ValueError(f"need positive start, end and years, got {start}, {end}, {years}")
    return (end / start) ** (1 / years) - 1


def two_significant(x: float) -> float:
    """Round to two significant figures, as a model's output is quoted (2,379 → 2,400)."""
    if x == 0 or math.isnan(x) or math.isinf(x):
        return x
    return float(round(x, 1 - int(math.floor(math.log10(abs(x))))))


def doubling_rate(years: float) -> float:
    """Constant yearly growth rate that doubles a quantity in ``years`` years."""
    if not years > 0:
        raise ValueError(f"years must be positive, got {years}")
    return 2 ** (1 / years) - 1


def check_parameters(demand_growth, capacity_realisation, capacity_delay_years) -> tuple[float, float, int]:
    """Validate the scenario parameters or raise ValueError with the allowed range."""
    for name, v in (("demand_growth", demand_growth), ("capacity_realisation", capacity_realisation)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or math.isnan(v) or math.isinf(v):
            raise ValueError(f"{name} must be a finite number, got {v!r}")
    if not MIN_GROWTH <= demand_growth <= MAX_GROWTH:
        raise ValueError(f"demand_growth must be between {MIN_GROWTH} and {MAX_GROWTH} (a yearly rate, 0.15 = 15%), got {demand_growth}")
    if not 0 <= capacity_realisation <= 1:
        raise ValueError(f"capacity_realisation must be between 0 and 1 (share of announced capacity), got {capacity_realisation}")
    whole = isinstance(capacity_delay_years, numbers.Integral) or (
        isinstance(capacity_delay_years, float) and capacity_delay_years.is_integer()
    )
    if isinstance(capacity_delay_years, bool) or not whole:
        raise ValueError(f"capacity_delay_years must be a whole number of years, got {capacity_delay_years!r}")
    if not 0 <= capacity_delay_years <= MAX_DELAY_YEARS:
        raise ValueError(f"capacity_delay_years must be between 0 and {MAX_DELAY_YEARS}, got {capacity_delay_years}")
    return float(demand_growth), float(capacity_realisation), int(capacity_delay_years)


def capacity_path(
    *,
    base_demand_t: float,
    base_year: int,
    lines: list[CapacityLine],
    demand_growth: float,
    capacity_realisation: float,
    capacity_delay_years: int,
    end_year: int = 2030,
    first_year_share: float = 1.0,
) -> pd.DataFrame:
    """Year-by-year demand, realised capacity and gap from ``base_year`` to ``end_year``.

    Columns: year, demand_t, capacity_t, gap_t (demand − capacity), self_sufficiency_pct
    (capacity / demand, capped at 100), met (capacity ≥ demand).
    """
    growth, realisation, delay = check_parameters(demand_growth, capacity_realisation, capacity_delay_years)
    if not base_demand_t > 0 or math.isinf(base_demand_t):
        raise ValueError(f"base_demand_t must be a positive number of tonnes, got {base_demand_t}")
    if end_year < base_year:
        raise ValueError(f"end_year ({end_year}) must not be before base_year ({base_year})")
    if not 0 <= first_year_share <= 1:
        raise ValueError(f"first_year_share must be between 0 and 1, got {first_year_share}")
    for line in lines:
        if not line.capacity_t >= 0:
            raise ValueError(f"capacity of {line.name!r} must be >= 0 t/yr, got {line.capacity_t}")
    rows = []
    for year in range(base_year, end_year + 1):
        demand = base_demand_t * (1 + growth) ** (year - base_year)
        capacity = sum(line.capacity_t * realisation * (first_year_share if year == line.start_year + delay else 1.0)
                       for line in lines if year >= line.start_year + delay)
        rows.append(dict(year=year, demand_t=demand, capacity_t=capacity, gap_t=demand - capacity,
                         self_sufficiency_pct=min(100.0, 100 * capacity / demand), met=capacity >= demand))
    return pd.DataFrame(rows)


def first_year_met(path: pd.DataFrame) -> int | None:
    """The first year in which capacity meets demand, or None."""
    met = path.loc[path["met"], "year"]
    return int(met.iloc[0]) if len(met) else None


def met_phrase(path: pd.DataFrame) -> str:
    """"in 2028" or "not by 2030" (the path's last year)."""
    year = first_year_met(path)
    return f"in {year}" if year is not None else f"not by {int(path['year'].max())}"


def years_of_output(resource_t: float, annual_output_t: float) -> float:
    """How many years of current mine output a resource represents (resource / output)."""
    for name, v in (("resource_t", resource_t), ("annual_output_t", annual_output_t)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or math.isnan(v) or math.isinf(v) or v < 0:
            raise ValueError(f"{name} must be a non-negative finite number, got {v!r}")
    if annual_output_t == 0:
        raise ValueError("annual_output_t must be positive to express a resource in years of output")
    return resource_t / annual_output_t


def gestation_from_text(description: str) -> int:
    """The gestation period a scheme's description states ("2-year gestation" → 2).

    The datasets hold a scheme's gestation only in its description; raise if it is not stated
    there, rather than assume one.
    """
    import re

    found = re.search(r"(\d+)[- ]year gestation", description or "")
    if not found:
        raise ValueError(f"no 'N-year gestation' stated in description: {description!r}")
    return int(found.group(1))
