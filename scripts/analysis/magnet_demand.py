"""Rare-earth magnet demand implied by EV sales: a low–high band from magnet-intensity ranges.

The model::

    demand_low_t  = sales × intensity_low_kg  / 1000
    demand_high_t = sales × intensity_high_kg / 1000

Assumptions:

- one traction motor per vehicle, so the magnet mass per motor is the mass per vehicle;
- where several sources (or several applications mapped to one segment) give an intensity the
  band is the widest one (lowest low, highest high): the sources' disagreement stays visible
  instead of being averaged;
- a segment with no intensity in the data gets no band (its demand is "not available"), never a
  borrowed figure;
- sales stand in for production (vehicles imported or exported with their motors are ignored).
"""

from __future__ import annotations

import pandas as pd

KG_UNITS = {"kg", "kg per motor", "kg per vehicle", "kg/vehicle", "kg/motor"}


def intensity_band(intensity: pd.DataFrame, application: str | list[str], metric: str) -> tuple[float, float, list[str]]:
    """(low, high, source_ids) in kg for one application (or several) and a metric, widest across
    sources and applications.

    Raises ValueError if any application has no row, or rows are not in kg, or a low/high is
    empty, or low > high.
    """
    apps = [application] if isinstance(application, str) else list(application)
    for app in apps:
        if not ((intensity["application"] == app) & (intensity["metric"] == metric)).any():
            raise ValueError(f"no magnet intensity for application {app!r}, metric {metric!r}")
    rows = intensity[intensity["application"].isin(apps) & (intensity["metric"] == metric)]
    if rows.empty:
        raise ValueError(f"no magnet intensity for application {application!r}, metric {metric!r}")
    units = set(rows["unit"].astype(str).str.strip().str.lower())
    if not units <= KG_UNITS:
        raise ValueError(f"magnet intensity for {application!r} must be in kg per motor/vehicle, got {sorted(units)}")
    low = pd.to_numeric(rows["low"]).astype(float)
    high = pd.to_numeric(rows["high"]).astype(float)
    if low.isna().any() or high.isna().any():
        raise ValueError(f"magnet intensity for {application!r} has an empty low or high")
    if (low < 0).any() or (low > high).any():
        raise ValueError(f"magnet intensity for {application!r} needs 0 <= low <= high")
    return float(low.min()), float(high.max()), list(dict.fromkeys(rows["source_id"].astype(str)))


def demand_band(
    sales: pd.DataFrame,
    intensity: pd.DataFrame,
    mapping: dict[str, str | list[str]],
    *,
    metric: str = "ndfeb_per_motor",
    segment: str = "segment",
    value: str = "sales",
) -> pd.DataFrame:
    """Magnet demand band per segment.

    ``mapping`` gives the magnet-intensity application(s) for each segment code (e.g.
    ``{"e_car": ["ev_traction_motor_small", "ev_traction_motor"]}``; with several the band is the
    widest across them); segments not in ``mapping`` get empty bands.
    Returns segment, sales, application, intensity_low_kg, intensity_high_kg, demand_low_t,
    demand_high_t, intensity_source_ids (";"-joined).
    """
    rows = []
    for rec in sales[[segment, value]].itertuples(index=False):
        seg, units = str(rec[0]), float(rec[1])
        if units != units or units < 0:
            raise ValueError(f"sales for segment {seg!r} must be a non-negative number, got {rec[1]!r}")
        app = mapping.get(seg)
        if app is None:
            rows.append(dict(segment=seg, sales=units, application=None, intensity_low_kg=float("nan"),
                             intensity_high_kg=float("nan"), demand_low_t=float("nan"),
                             demand_high_t=float("nan"), intensity_source_ids=""))
            continue
        low, high, ids = intensity_band(intensity, app, metric)
        rows.append(dict(segment=seg, sales=units, application=app if isinstance(app, str) else ";".join(app),
                         intensity_low_kg=low, intensity_high_kg=high,
                         demand_low_t=units * low / 1000, demand_high_t=units * high / 1000,
                         intensity_source_ids=";".join(ids)))
    return pd.DataFrame(rows)
