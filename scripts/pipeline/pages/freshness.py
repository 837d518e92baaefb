"""How current each dataset is: what its newest row covers and when its publisher releases again.

Each dataset in ``data/datapackage.json`` declares, beside its schema::

    "freshness": {
      "cadence": "annual",            # how often the publisher releases: see CADENCES
      "latest_period": "2025",        # the period the newest row covers: 2025, 2026-10, FY2025-26, 2025-11-07
      "next_expected": "2027-02",     # when the next release is due (YYYY, YYYY-MM or YYYY-MM-DD); optional
                                      # for irregular sources, which have no schedule
      "publisher": "…", "note": "…", "checked": "2026-12-01"   # shown on the page where present
    }

Where the dataset has a column that dates its rows, the block names it instead of typing the
period, and says how long after a period ends its publisher releases it; the newest period and the
next release then follow the rows, so adding a month updates the page and the warning::

    "freshness": {"cadence": "monthly", "period_field": "month", "published_months_after": 1, …}

``resolve`` fills in ``latest_period`` (the newest value of ``period_field``: a year, YYYY-MM or
YYYY-MM-DD) and ``next_expected`` (the end of the period after it, plus ``published_months_after``
months) from the rows, before anything reads the block.

The Data and sources page shows "latest data / next expected release" per dataset (as Our World
in Data's data pages do), and the build prints a warning, never a failure, for each dataset whose
next release was due before the report's as-of date: the figures may have been superseded.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from masthead import interface
from masthead.dates import MONTHS, long_date

# how often a publisher releases (as the page words each: cadence_text, book/_interface.yml)
CADENCES = ("monthly", "quarterly", "annual", "irregular", "one-off")
SCHEDULED = ("monthly", "quarterly", "annual")
EXEMPT = {"sources"}  # the source registry grows with the datasets; it has no release of its own
# a period names its year: 2025, 2026-10, 2025-11-07, 2026-Q3, FY2025-26, H1 FY2025-26, MCS 2026
PERIOD = re.compile(r".*(?<!\d)(19|20)\d\d(?!\d).*")
DUE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True)
class Freshness:
    cadence: str
    latest_period: str
    next_expected: str | None = None

    def due_by(self) -> dt.date | None:
        """The last day of the period in which the next release is due (None: no schedule)."""
        return due_date(self.next_expected) if self.next_expected else None

    def overdue(self, as_of) -> bool:
        due = self.due_by()
        return due is not None and due < _date(as_of)


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def due_date(text: str) -> dt.date:
    """'2027' → 31 Dec 2027; '2027-02' → 28 Feb 2027; '2027-02-06' → that day."""
    m = DUE.fullmatch(str(text).strip())
    if not m:
        raise ValueError(f"{text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if day:
        return dt.date(year, int(month), int(day))
    if month:
        return dt.date(year, int(month), calendar.monthrange(year, int(month))[1])
    return dt.date(year, 12, 31)


def period_end(text: str) -> dt.date | None:
    """The last day a period covers: '2025' → 31 Dec 2025, '2026-03' → 31 Mar 2026, a date → itself."""
    try:
        return due_date(text)
    except ValueError:
        return None


QUARTER = re.compile(r"(\d{4})-Q([1-4])")
FISCAL = re.compile(r"(?:(H[12]) )?FY(\d{4})-\d{2}")  # India's fiscal year, April to March


def period_span_end(text: str) -> dt.date | None:
    """The last day a period covers, for the periods the data name: a year, month or day;
    '2026-Q3' → 30 Sep 2026; 'FY2025-26' → 31 Mar 2026; 'H1 FY2025-26' → 30 Sep 2025. Others
    (such as 'MCS 2026', an edition rather than a period) → None."""
    text = str(text).strip()
    if (end := period_end(text)) is not None:
        return end
    if m := QUARTER.fullmatch(text):
        return due_date(f"{m.group(1)}-{int(m.group(2)) * 3:02d}")
    if m := FISCAL.fullmatch(text):
        start = int(m.group(2))
        return dt.date(start, 9, 30) if m.group(1) == "H1" else dt.date(start + 1, 3, 31)
    return None


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


STEP_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}


def resolve(package: dict, data_dir) -> dict:
    """The descriptor with each ``period_field`` block's latest_period and next_expected computed from
    the dataset's rows (a copy; blocks that type their period are returned as they are)."""
    import copy
    from pathlib import Path

    from analysis.datapackage import read_rows

    package = copy.deepcopy(package)
    for resource in package.get("resources", []):
        block = resource.get("freshness") if isinstance(resource, dict) else None
        if not isinstance(block, dict) or not block.get("period_field"):
            continue
        path = Path(data_dir) / str(resource.get("path", ""))
        try:
            values = [row.get(block["period_field"]) or "" for row in read_rows(path)]
        except (OSError, UnicodeDecodeError, ValueError):
            continue  # the validator reports the file
        dated = [(end, v.strip()) for v in values if (end := period_end(v.strip())) is not None]
        if not dated:
            continue
        latest = max(dated)[1]
        block["latest_period"] = latest
        lag, step = block.get("published_months_after"), STEP_MONTHS.get(block.get("cadence"))
        if isinstance(lag, int) and step:
            end = period_end(latest)
            year, month = add_months(end.year, end.month, step + lag)
            block["next_expected"] = f"{year:04d}-{month:02d}"
    return package


def declaration_problems(where: str, resource: dict) -> list[str]:
    """What is missing or malformed in a resource's freshness block (validation messages)."""
    if resource.get("name") in EXEMPT:
        return []
    block = resource.get("freshness")
    if block is None:
        return []  # undeclared: a warning at build time (missing_warnings), not a refusal
    if not isinstance(block, dict):
        return [f'{where}: "freshness" must be an object with cadence and latest_period (rule: freshness)']
    problems = []
    cadence = block.get("cadence")
    if cadence not in CADENCES:
        problems.append(f'{where}: freshness.cadence "{cadence}" is not one of {", ".join(CADENCES)} (rule: freshness)')
    latest = block.get("latest_period")
    computed = block.get("period_field")
    fields = {f.get("name") for f in resource.get("schema", {}).get("fields", []) if isinstance(f, dict)}
    if computed is not None and computed not in fields:
        problems.append(f'{where}: freshness.period_field "{computed}" is not a column of the dataset (rule: freshness)')
    lag = block.get("published_months_after")
    if lag is not None and (not isinstance(lag, int) or isinstance(lag, bool) or lag < 0):
        problems.append(f'{where}: freshness.published_months_after "{lag}" must be a whole number of months'
                        " (rule: freshness)")
    if computed is None and (not isinstance(latest, str) or not PERIOD.fullmatch(latest.strip())):
        problems.append(f'{where}: freshness.latest_period "{latest}" must be a period such as 2025, 2026-10,'
                        " 2025-11-07, 2026-Q3 or FY2025-26 (rule: freshness)")
    nxt = block.get("next_expected")
    if nxt in (None, ""):
        if cadence in SCHEDULED and not (computed and lag is not None):
            problems.append(f'{where}: freshness.next_expected is required for a {cadence} release (rule: freshness)')
    else:
        try:
            due_date(nxt)
        except ValueError:
            problems.append(f'{where}: freshness.next_expected "{nxt}" must be YYYY, YYYY-MM or YYYY-MM-DD'
                            " (rule: freshness)")
    return problems


def missing_warnings(package: dict) -> list[str]:
    """One warning per dataset that does not say how current it is."""
    return [f"warning: dataset {r.get('name')} declares no freshness (cadence, latest_period) in datapackage.json;"
            " the Data and sources page cannot say how current it is"
            for r in package.get("resources", []) if isinstance(r, dict) and r.get("name") not in EXEMPT
            and r.get("freshness") is None]


def of(resource: dict) -> Freshness | None:
    block = resource.get("freshness")
    if not isinstance(block, dict):
        return None
    nxt = block.get("next_expected") or None
    return Freshness(str(block.get("cadence", "")), str(block.get("latest_period", "")), str(nxt) if nxt else None)


def overdue_warnings(package: dict, as_of) -> list[str]:
    """One warning per dataset whose next release was due before ``as_of`` (and one per dataset
    that declares no freshness)."""
    warnings = missing_warnings(package)
    for resource in package.get("resources", []):
        fresh = of(resource)
        if fresh is not None and fresh.overdue(as_of):
            warnings.append(
                f"warning: dataset {resource.get('name')} may be out of date: its newest data cover "
                f"{period_text(fresh.latest_period)} and the publisher's next release was expected by "
                f"{long_date(fresh.due_by())} (as-of date {long_date(_date(as_of))}); check for a newer release"
            )
    return warnings


def period_text(period: str) -> str:
    """'2026-10' → 'October 2026'; '2025-11-07' → '7 November 2025'; others as written."""
    text = str(period).strip()
    m = DUE.fullmatch(text)
    if not m or not m.group(2):
        return text
    if m.group(3):
        return long_date(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    return f"{MONTHS[int(m.group(2)) - 1]} {m.group(1)}"


def cadence_text(cadence: str) -> str:
    """A cadence as the Data and sources page words it ("irregular (as events occur)")."""
    return interface.table("data_page.cadences").get(cadence, cadence)


def expected_text(fresh: Freshness) -> str:
    """The next release, as the Data and sources page writes it."""
    if not fresh.next_expected:
        return interface.text("data_page.unscheduled" if fresh.cadence in ("irregular", "one-off")
                              else "data_page.unannounced")
    return period_text(fresh.next_expected)


def status_text(fresh: Freshness, as_of) -> str:
    return interface.text("data_page.status.due" if fresh.overdue(as_of) else "data_page.status.current")
