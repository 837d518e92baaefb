"""Glue a key figure into the chapter so its prose can quote it, and record where it came from.

``key("china_mine_share", 69.2, unit="%", dataset="mine_production_by_country",
source_ids=["usgs-mcs-2025"])`` makes ``{glue:text}`china_mine_share:.0f``` work in the
chapter's markdown and records the figure's unit, dataset and sources in the glued output's
metadata (under ``report``), where the edition record and the "what changed" page read them.
"""

from __future__ import annotations

import numbers

from IPython.core.formatters import format_display_data
from IPython.display import display

GLUE_PREFIX = "application/papermill.record/"


def plain(value):
    """A Python scalar whose repr myst-nb can read back (numpy 2 reprs as np.float64(...))."""
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if hasattr(value, "item"):
        return plain(value.item())
    return value


def key(name: str, value, *, unit: str = "", dataset: str = "", source_ids=(), label: str = ""):
    """Glue ``value`` under ``name`` (not displayed) with its provenance; returns the value."""
    value = plain(value)
    if isinstance(value, float) and value != value:
        raise ValueError(f"key figure {name!r} is NaN: the data it needs is missing")
    bundle, metadata = format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    metadata["report"] = {
        "label": label or name.replace("_", " "),
        "unit": unit,
        "dataset": dataset,
        "source_ids": list(source_ids),
    }
    display({GLUE_PREFIX + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)
    return value
