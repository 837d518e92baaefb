"""Figures: numbered, captioned, alt text, source line, and downloads whose CSV is the data plotted."""

from __future__ import annotations

import csv
import json
import math
import struct
from pathlib import Path

import pandas as pd
from docutils.nodes import make_id

from analysis.figures import spreadsheet_safe
from sitepages import pages_in_order, soup

LIVE = ("=", "+", "-", "@", "\t", "\r")
DOWNLOADS = {"PNG": ".png", "SVG": ".svg", "Data (CSV)": ".csv", "Metadata (JSON)": ".json"}


def figures(site: Path):
    """(page, figure element, report-figure element) for every chart figure in the site."""
    for page in pages_in_order(site):
        tree = soup(site / f"{page}.html")
        for block in tree.select(".report-figure"):
            yield page, block.find_parent("figure"), block


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _same(csv_value: str, spec_value) -> bool:
    if spec_value is None or (isinstance(spec_value, float) and math.isnan(spec_value)):
        return csv_value == ""
    if isinstance(spec_value, bool):
        return csv_value.lower() == str(spec_value).lower()
    if isinstance(spec_value, (int, float)):
        return _is_number(csv_value) and math.isclose(float(csv_value), float(spec_value), rel_tol=1e-9, abs_tol=1e-12)
    text = str(spec_value)
    if csv_value == text or (csv_value.startswith("'") and csv_value[1:] == text and text.startswith(LIVE)):
        return True
    try:  # dates: pandas writes 2024-01-31, Vega-Lite specs hold 2024-01-31T00:00:00
        return pd.Timestamp(csv_value) == pd.Timestamp(text)
    except (ValueError, TypeError):
        return False


def _spec_rows(spec: dict, columns: list[str], count: int) -> list[dict]:
    data = spec.get("data")
    if isinstance(data, list):  # the page's spec is compiled to Vega: inline data sets are entries
        datasets = {d["name"]: d["values"] for d in data if isinstance(d, dict) and isinstance(d.get("values"), list)}
        name = None
    else:  # a Vega-Lite spec
        datasets = spec.get("datasets", {})
        name = (data or {}).get("name")
    if name in datasets:
        return datasets[name]
    candidates = [rows for rows in datasets.values()
                  if len(rows) == count and all(set(columns) <= set(r) for r in rows)]
    if candidates:
        return candidates[0]
    # panels (concat/facet by hand) each hold their part of the table: together, the rows plotted
    union = [r for rows in datasets.values() if all(set(columns) <= set(r) for r in rows) for r in rows]
    assert len(union) == count, f"no dataset (nor all panels together) in the spec has the CSV's {count} rows"
    return union


def _key(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    text = value if isinstance(value, str) else repr(value)
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(LIVE):
        text = value[1:]
    if _is_number(text):
        return repr(round(float(text), 9))
    try:
        return pd.Timestamp(text).isoformat() if any(c.isdigit() for c in text) and "-" in text[:8] else text
    except (ValueError, TypeError):
        return text


def _same_rows(rows: list[dict], plotted: list[dict], columns: list[str]) -> bool:
    """The same rows, in any order (panels split the table)."""
    from collections import Counter

    return Counter(tuple(_key(r[c]) for c in columns) for r in rows) == \
        Counter(tuple(_key(p.get(c)) for c in columns) for p in plotted)


def test_every_figure_is_numbered_captioned_and_sourced(built_site):
    found = list(figures(built_site))
    assert found, "the report has no figures"
    numbers = []
    for page, fig, block in found:
        assert fig is not None and fig.get("id", "").startswith("fig-"), f"{page}: figure without label"
        number = fig.select_one(".caption-number")
        assert number is not None and number.get_text(strip=True).startswith("Figure"), f"{page}: {fig['id']} unnumbered"
        numbers.append(number.get_text(strip=True))
        assert fig.select_one("figcaption .caption-text").get_text(strip=True), f"{fig['id']}: no caption"
        chart = block.select_one(".vega-chart[role=img]")
        assert chart is not None and chart.get("aria-label", "").strip(), f"{fig['id']}: no alt text"
        assert block.select_one(".figure-source").get_text(strip=True).startswith("Source:")
    assert len(numbers) == len(set(numbers)), f"figure numbers repeat: {numbers}"


def test_every_figure_download_exists_and_csv_is_the_plotted_data(built_site):
    for page, fig, block in figures(built_site):
        links = {a.get_text(strip=True): a["href"] for a in block.select(".figure-downloads a[href]")}
        assert set(DOWNLOADS) <= set(links), f"{fig['id']}: downloads {sorted(links)}"
        files = {}
        for label, suffix in DOWNLOADS.items():
            path = (built_site / f"{page}.html").parent / links[label]
            assert path.is_file() and path.suffix == suffix and path.stat().st_size > 0, f"{fig['id']}: {links[label]} missing"
            files[label] = path
        spec = json.loads(block.select_one("script.vega-spec").string)
        # PNG at 2x: a real PNG, wider than the chart's width in the spec
        head = files["PNG"].read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        width = struct.unpack(">I", head[16:20])[0]
        if isinstance(spec.get("width"), (int, float)):
            assert width >= 2 * spec["width"], f"{fig['id']}: PNG {width}px is not 2x {spec['width']}"
        assert "<svg" in files["SVG"].read_text(encoding="utf-8")[:500]
        # CSV = the rows in the chart's inline spec
        with files["Data (CSV)"].open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            columns, rows = list(reader.fieldnames or []), list(reader)
        plotted = _spec_rows(spec, columns, len(rows))
        assert len(rows) == len(plotted), f"{fig['id']}: CSV has {len(rows)} rows, chart {len(plotted)}"
        in_order = all(_same(row[c], drawn.get(c)) for row, drawn in zip(rows, plotted) for c in columns)
        assert in_order or _same_rows(rows, plotted, columns), f"{fig['id']}.csv differs from the chart's data"
        for number, row in enumerate(rows, start=2):
            for column, value in row.items():
                assert not (value.startswith(LIVE) and not _is_number(value)), \
                    f"{fig['id']}.csv row {number} {column}: {value!r} would run as a formula"
        meta = json.loads(files["Metadata (JSON)"].read_text(encoding="utf-8"))
        assert make_id(meta["figure"]) == fig["id"] and meta["unit"] and meta["sources"]
        assert meta["columns"] == columns and meta["rows"] == len(rows)
        assert all(s.get("publisher") and s.get("title") for s in meta["sources"])


def test_spreadsheet_safe_defuses_formulas_but_keeps_numbers():
    frame = pd.DataFrame({"label": ["=1+1", "+cmd", "-x", "@SUM(A1)", "plain", None], "value": [-5, 1.5, 0, 2, 3, 4]})
    safe = spreadsheet_safe(frame)
    assert safe["label"].tolist()[:5] == ["'=1+1", "'+cmd", "'-x", "'@SUM(A1)", "plain"]
    assert safe["value"].tolist() == [-5, 1.5, 0, 2, 3, 4]
