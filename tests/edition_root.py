"""A small report root for the edition/cache/scenario tests: three pages, two datasets.

``leverage`` reads ``mine_production_by_country``; ``reserves`` reads ``reserves_by_country``.
It shares tests/report_root.py's skeleton (the repository's book/_config.yml and pipeline, the source
registry, mine production), so it builds exactly like the real report but in a fraction of the time
(the real book is built once per session by conftest.built_site).
"""

from __future__ import annotations

import re
from pathlib import Path

import bench
from report_root import REPO, SOURCES_RESOURCE, _field, write_book

TOC = """format: jb-book
root: index
chapters:
  - file: leverage
  - file: reserves
  - file: what_changed
"""

INDEX = """(home)=
# Test report

China mined {glue:text}`leverage.ipynb::china_mine_share_pct:.0f` per cent. Edition {{ edition }}.
"""

FRONT = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
report:
  datasets: [%s]
  parameters:
%s
---
"""

LEVERAGE = FRONT % ("mine_production_by_country", "    year: {min: 2020, max: 2030}\n    cut_share: {min: 0, max: 1}") + """
(leverage)=
# Leverage

## Key points

- China mined {glue:text}`china_mine_share_pct:.1f` per cent in {glue:text}`mine_year:d`;
  after a cut {glue:text}`after_cut_pct:.1f` per cent.

```{code-cell} ipython3
:tags: [parameters, remove-cell]
data_dir = "../data"
year = 2024
cut_share = 0.0
```

```{code-cell} ipython3
:tags: [remove-cell]
from analysis import datasets
from analysis.chapters import Chapter

# what a chapter's module computes, written in the page to keep the test report in one file
chapter = Chapter(data_dir, page="leverage")
production = datasets.load("mine_production_by_country", data_dir)
this_year = production[production["year"] == year]
world = this_year.loc[this_year["country"] == "World", "production"].iloc[0]
china = this_year.loc[this_year["country"] == "China", "production"].iloc[0]
mine = dict(dataset="mine_production_by_country", source_ids=["usgs-mcs-2025"])
chapter.key("mine_year", year)
chapter.key("china_mine_share_pct", 100 * china / world, unit="%", **mine)
chapter.key("after_cut_pct", 100 * china * (1 - cut_share) / world, unit="%", **mine)
chapter.glue()
```

```{code-cell} ipython3
:tags: [remove-cell]
import pathlib, os
pathlib.Path(os.environ.get("REPORT_FIGURE_DIR", ".")).joinpath("leverage.csv").write_text(f"china,{china}\\n")
```
"""

RESERVES = FRONT % ("reserves_by_country", "    year: {min: 2020, max: 2030}") + """
(reserves)=
# Reserves

China holds {glue:text}`china_reserves:,.0f` t.

```{code-cell} ipython3
:tags: [parameters, remove-cell]
data_dir = "../data"
```

```{code-cell} ipython3
:tags: [remove-cell]
from analysis import datasets
from analysis.chapters import Chapter

chapter = Chapter(data_dir, page="reserves")
reserves = datasets.load("reserves_by_country", data_dir)
chapter.key("china_reserves", reserves.loc[reserves["country"] == "China", "reserves"].iloc[0], unit="t REO",
            dataset="reserves_by_country", source_ids=["usgs-mcs-2025"])
chapter.glue()
```
"""

UNDECLARED = FRONT % ("reserves_by_country", "    year: {min: 2020, max: 2030}") + """
(reserves)=
# Reserves

```{code-cell} ipython3
:tags: [remove-cell]
from analysis import datasets

production = datasets.load("mine_production_by_country", "../data")
```
"""

RESERVES_CSV = """country,iso3,reserves,unit,source_id,note
China,CHN,44000000,t REO,usgs-mcs-2025,
India,IND,6900000,t REO,usgs-mcs-2025,
"""

PACKAGE = {
    "name": "edition-test",
    "resources": [
        {"name": "mine_production_by_country", "path": "mine_production_by_country.csv", "title": "Mine production",
         "description": "Mine production", "sources": ["usgs-mcs-2025"],
         "schema": {"fields": [_field("country"), _field("iso3"), _field("year", "integer"), _field("production", "number"),
                               _field("unit"), _field("estimated", "boolean"), _field("source_id"), _field("note")],
                    "primaryKey": ["country", "year", "source_id"]}},
        {"name": "reserves_by_country", "path": "reserves_by_country.csv", "title": "Reserves",
         "description": "Reserves", "sources": ["usgs-mcs-2025"],
         "schema": {"fields": [_field("country"), _field("iso3"), _field("reserves", "number"), _field("unit"),
                               _field("source_id"), _field("note")], "primaryKey": ["country"]}},
        SOURCES_RESOURCE,
    ],
}

SCENARIO = """title: "Test cut"
description: "China's output cut by a half."
parameters:
  leverage:
    cut_share: 0.5
"""


def make_root(root: Path, *, undeclared: bool = False) -> Path:
    """Write the test report into ``root`` (created); returns it."""
    write_book(root, TOC, INDEX, PACKAGE)
    (root / "scenarios").mkdir()
    (root / "editions").mkdir()
    (root / "book" / "leverage.md").write_text(LEVERAGE, encoding="utf-8")
    (root / "book" / "reserves.md").write_text(UNDECLARED if undeclared else RESERVES, encoding="utf-8")
    # the real page, without its edition's summary (it links the real report's sections)
    page = (REPO / "book" / "what_changed.md").read_text(encoding="utf-8")
    page = re.sub(r"\(what-changed-edition\)=\n.*?(?=^## Figures that changed)", "", page, flags=re.S | re.M)
    assert "(what-changed-edition)=" not in page
    (root / "book" / "what_changed.md").write_text(page, encoding="utf-8")
    (root / "data" / "reserves_by_country.csv").write_text(RESERVES_CSV, encoding="utf-8")
    (root / "scenarios" / "cut.yml").write_text(SCENARIO, encoding="utf-8")
    return root


def build(root: Path, output: Path | None = None, **options) -> tuple[Path, list[str]]:
    """Build the test report (in-process, like scripts/build.py); returns (index.html, progress lines)."""
    from pipeline.run import BuildOptions, build_report

    lines: list[str] = []
    index = build_report(BuildOptions(root=root, data_dir=root / "data", output=output or root / "_build" / "html",
                                      progress=lines.append, **options))
    return index, lines


def chapters_run(lines: list[str]) -> dict[str, set[str]]:
    """{"executed": {...}, "reused": {...}} from the build's per-chapter progress lines: the chapters.
    What changed, which presents the edition record, is executed from the record after them in
    every build that runs (it is not one of the pages whose caching these tests check)."""
    return {kind: set(names) - {"what_changed"} for kind, names in bench.chapters_run("\n".join(lines)).items()}


def edit_china_production(data_dir: Path, value: int) -> None:
    """Change China's 2024 mine production in the test data (a figure only ``leverage`` reads)."""
    path = data_dir / "mine_production_by_country.csv"
    text = path.read_text(encoding="utf-8")
    assert "China,CHN,2024,270000," in text
    path.write_text(text.replace("China,CHN,2024,270000,", f"China,CHN,2024,{value},"), encoding="utf-8")
