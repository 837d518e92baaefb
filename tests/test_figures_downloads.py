"""Figures: numbered, captioned, alt text, source line, and downloads whose CSV is the data plotted."""

from __future__ import annotations

import csv
import json
import math
import re
import struct
from pathlib import Path

import pandas as pd
from docutils.nodes import make_id

from analysis.figures import as_plotted, plotted_table, short_publisher, short_source_line, spreadsheet_safe
from sitepages import pages_in_order, soup

LIVE = ("=", "+", "-", "@", "\t", "\r")
DOWNLOADS = {"PNG": ".png", "SVG": ".svg", "Data (CSV)": ".csv", "Metadata (JSON)": ".json"}


def figures(site: Path):
    """(page, figure element, report-figure element) for every chart figure in the site."""
    for page in pages_in_order(site):
        tree = soup(site / f"{page}.html")
        for block in tree.select(".report-figure"):
            yield page, block.find_parent("figure"), block


def _too_precise(text: str) -> bool:
    """A decimal number written with more digits than plotted (float noise such as
    0.30000000000000004, or a share to twelve decimals): see ``as_plotted``."""
    return _is_number(text) and "." in text and as_plotted(float(text)) != float(text)


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
        full = block.select_one("details.figure-sources")
        assert full is not None and full.select_one("summary").get_text(strip=True).startswith("Full sources"), \
            f"{fig['id']}: no 'Full sources' list under the source line"
        assert full.select("li") and all(li.get_text(strip=True) for li in full.select("li")), f"{fig['id']}: empty list"
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
        # the short line names every publisher; the full list gives every source, one a line
        full = [li.get_text(" ", strip=True) for li in block.select("details.figure-sources li")]
        assert len(full) == len(meta["sources"]), f"{fig['id']}: {len(full)} full sources, {len(meta['sources'])} cited"
        for source, line in zip(meta["sources"], full):
            assert line.startswith(source["publisher"]) and source["title"] in line, f"{fig['id']}: {line!r}"
        short = block.select_one(".figure-source").get_text(" ", strip=True)
        assert short_source_line([s["publisher"] for s in meta["sources"]]) in short, f"{fig['id']}: {short!r}"
        named = {short_publisher(s["publisher"]) for s in meta["sources"]}
        shown = [n for n in named if n in short]
        more = re.search(r" and (\d+) more\.", short)
        assert len(shown) + (int(more.group(1)) if more else 0) == len(named), f"{fig['id']}: {short!r} misses a publisher"
        for number, row in enumerate(rows, start=2):
            for column, value in row.items():
                assert not _too_precise(value), f"{fig['id']}.csv row {number} {column}: {value!r} is not as plotted"
        assert meta["columns"] == columns and meta["rows"] == len(rows)
        assert all(s.get("publisher") and s.get("title") for s in meta["sources"])


def test_spreadsheet_safe_defuses_formulas_but_keeps_numbers():
    frame = pd.DataFrame({"label": ["=1+1", "+cmd", "-x", "@SUM(A1)", "plain", None], "value": [-5, 1.5, 0, 2, 3, 4]})
    safe = spreadsheet_safe(frame)
    assert safe["label"].tolist()[:5] == ["'=1+1", "'+cmd", "'-x", "'@SUM(A1)", "plain"]
    assert safe["value"].tolist() == [-5, 1.5, 0, 2, 3, 4]


def test_figure_data_are_written_as_plotted():
    assert as_plotted(0.1 + 0.2) == 0.3
    assert as_plotted(0.692307692307) == 0.6923
    assert as_plotted(69.230769230769) == 69.23
    assert as_plotted(57392.4) == 57392.0 and as_plotted(-1.23456) == -1.235
    assert as_plotted(0.0) == 0.0 and math.isnan(as_plotted(float("nan"))) and as_plotted(7) == 7
    frame = pd.DataFrame({"label": ["a", "b", "c"], "share": [0.1 + 0.2, 2 / 3, None],
                          "tonnes": [1238.0, 5577.0, 6357.0], "n": [1, 2, 3]})
    text = spreadsheet_safe(plotted_table(frame)).to_csv(index=False, lineterminator="\n")
    assert text.splitlines() == ["label,share,tonnes,n", "a,0.3,1238,1", "b,0.6667,5577,2", "c,,6357,3"]
    assert not any(_too_precise(v) for v in ("0.3", "0.6667", "69.23", "1238", "57392", "-1.235"))
    assert all(_too_precise(v) for v in ("0.30000000000000004", "0.692307692307", "69.2307"))


def test_a_figure_csv_and_its_chart_hold_the_same_rounded_numbers(tmp_path, monkeypatch):
    import altair as alt

    from analysis.chapters import Figure
    from chapters import show_figure
    from site_server import REPO

    monkeypatch.setenv("REPORT_FIGURE_DIR", str(tmp_path))
    monkeypatch.setenv("REPORT_RENDER_DIR", str(tmp_path / "render"))
    monkeypatch.setenv("REPORT_FIGURE_CREDIT", "Report · Licence: CC BY 4.0")
    frame = pd.DataFrame({"x": ["a", "b"], "y": [0.1 + 0.2, 200 / 3]})
    sid = pd.read_csv(REPO / "data" / "sources.csv")["id"].iloc[0]
    chart = alt.Chart(frame).mark_bar().encode(x="x:N", y="y:Q")
    made = show_figure(tmp_path / "page", "fig-test", Figure(chart, "", [sid], "t", frame), REPO / "data",
                       title="B is bigger", subtitle="Tonnes", alt="a and b")
    assert (tmp_path / "fig-test.csv").read_text(encoding="utf-8").splitlines() == ["x,y", "a,0.3", "b,66.67"]
    plotted = [row["y"] for rows in made.spec["datasets"].values() for row in rows]
    assert plotted == [0.3, 66.67]


def test_short_source_line_names_each_publisher_once():
    assert short_publisher("U.S. Geological Survey") == "USGS"
    assert short_publisher("Press Information Bureau (Ministry of Heavy Industries)") == "PIB"
    assert short_publisher("SMM (Shanghai Metals Market)") == "SMM"
    assert short_publisher("Ministry of Mines, Government of India") == "Ministry of Mines"
    assert short_publisher("Press Information Bureau (Department of Atomic Energy), Government of India") == "PIB"
    assert short_publisher("Department of Atomic Energy, Government of India (Lok Sabha reply)") == "Department of Atomic Energy"
    assert short_source_line(["U.S. Geological Survey", "International Energy Agency", "U.S. Geological Survey",
                              "Reuters"]) == "USGS; IEA; Reuters"
    many = ["A", "B", "C", "D", "E", "F", "A"]
    assert short_source_line(many) == "A; B; C; D and 2 more"
    assert short_source_line(many, limit=None) == "A; B; C; D; E; F"
    assert short_source_line(many[:5]) == "A; B; C; D; E"  # "and 1 more" would be no shorter
