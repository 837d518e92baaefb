"""A small report root for the failure tests (chapter failure, interrupts, concurrent builds).

One chapter with one chart, one dataset and the generated data appendix, built with the
repository's book/_config.yml, book/_static and pipeline: it goes through every stage exactly like
the real report, in a few seconds. ``make_root(path, chapter=...)`` writes it; the chapter can
be made to raise (``FAILING``) or to run for a long time (``SLOW``) for the tests that need it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUILD = REPO / "scripts" / "build.py"

TOC = """format: jb-book
root: index
chapters:
  - file: leverage
"""

INDEX = """(home)=
# Test report

China mined {glue:text}`leverage.ipynb::china_share_pct:.0f` per cent. Edition {{ edition }}.
See {numref}`fig-leverage-production`.
"""

CHAPTER = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
report:
  datasets: [mine_production_by_country]
  parameters:
    year: {min: 2020, max: 2030}
---

(leverage)=
# Leverage

## Key points

- China mined {glue:text}`china_share_pct:.1f` per cent of the world's rare earths.

```{code-cell} ipython3
:tags: [parameters, remove-cell]
data_dir = "../data"
year = 2024
```

```{code-cell} ipython3
:tags: [remove-cell]
from analysis import charts, datasets
from analysis.chapters import Chapter, Figure

# what a chapter's module computes (analysis/chapters/template.py), written in the page to keep
# the test report in one file: load, process, record key figures and charts, then glue them
chapter = Chapter(data_dir, page="leverage")
production = datasets.load("mine_production_by_country", data_dir)
this_year = production[production["year"] == year]
world = this_year.loc[this_year["country"] == "World", "production"].iloc[0]
china = this_year.loc[this_year["country"] == "China", "production"].iloc[0]
chapter.key("year", year)
chapter.key("china_share_pct", 100 * china / world, unit="%", dataset="mine_production_by_country",
            source_ids=["usgs-mcs-2025"])
plotted = this_year[this_year["country"] != "World"][["country", "production", "unit", "source_id"]]
chart = charts.ranked_bars(plotted, value="production", label="country", value_title="t REO",
                           tooltip=["country", "production"])
chapter.figures["fig-leverage-production"] = Figure(chart, "", ["usgs-mcs-2025"], "t REO", plotted)
chapter.glue()
```
@EXTRA@
(leverage-mining)=
## Who mines

```{glue:figure} fig-leverage-production
:name: fig-leverage-production

Rare-earth mine production by country.
```

:::{figure-text} fig-leverage-production
title: "China mined {china_share_pct:.0f}% in {year}"
subtitle: "Mine production, t REO, {year}"
alt: "China mined {china_share_pct:.0f}% in {year}."
:::
"""

# Extra cells for the failure tests, placed after the set-up cell (code cell 2).
FAILING = """
```{code-cell} ipython3
:tags: [remove-cell]
check = production["production"].sum()
raise RuntimeError("deliberate failure for the test")
```
"""
SLOW_MARK = "slow-cell-running"
SLOW = f"""
```{{code-cell}} ipython3
:tags: [remove-cell]
import pathlib, time
pathlib.Path("{SLOW_MARK}").touch()  # in the kernel's working folder: the build's staging book
time.sleep(120)
```
"""

SOURCES = """id,publisher,title,date,url,accessed,quality,origin,note
usgs-mcs-2025,U.S. Geological Survey,Mineral Commodity Summaries 2025: Rare Earths,2025-01-31,https://pubs.usgs.gov/periodicals/mcs2025/mcs2025-rare-earths.pdf,2026-11-25,P,,
"""

PRODUCTION = """country,iso3,year,production,unit,estimated,source_id,note
China,CHN,2024,270000,t REO,true,usgs-mcs-2025,
United States,USA,2024,45000,t REO,true,usgs-mcs-2025,
India,IND,2024,2900,t REO,true,usgs-mcs-2025,
World,WLD,2024,390000,t REO,true,usgs-mcs-2025,
"""


def _field(name, kind="string", **constraints):
    return {"name": name, "type": kind, **({"constraints": constraints} if constraints else {})}


SOURCES_RESOURCE = {
    "name": "sources", "path": "sources.csv", "title": "Sources", "description": "Source registry",
    "schema": {"fields": [_field("id"), _field("publisher"), _field("title"), _field("date", "date"), _field("url"),
                          _field("accessed", "date"), _field("quality"), _field("origin"), _field("note")],
               "primaryKey": ["id"]},
}

PACKAGE = {
    "name": "failure-test",
    "resources": [
        {"name": "mine_production_by_country", "path": "mine_production_by_country.csv",
         "title": "Mine production", "description": "Mine production by country", "sources": ["usgs-mcs-2025"],
         "schema": {"fields": [_field("country", required=True), _field("iso3"), _field("year", "integer"),
                               _field("production", "number", minimum=0), _field("unit"),
                               _field("estimated", "boolean"), _field("source_id"), _field("note")],
                    "primaryKey": ["country", "year", "source_id"]},
         "rules": [{"type": "parts_within_total", "group_by": ["year", "source_id"], "part_field": "country",
                    "total_value": "World", "value_field": "production", "tolerance_pct": 2}]},
        SOURCES_RESOURCE,
    ],
}


def write_book(root: Path, toc: str, index: str, package: dict) -> None:
    """What every test report root has (this one and tests/edition_root.py): the repository's
    book/_config.yml, book/_static and scripts, a table of contents, a home page, and data/ with the
    source registry, mine production and the descriptor ``package``."""
    (root / "book").mkdir(parents=True)
    (root / "data").mkdir()
    shutil.copy(REPO / "book" / "_config.yml", root / "book" / "_config.yml")
    (root / "scripts").symlink_to(REPO / "scripts")  # local Sphinx extensions are named from the root
    if (REPO / "book" / "_static").is_dir():
        shutil.copytree(REPO / "book" / "_static", root / "book" / "_static")
    (root / "book" / "_toc.yml").write_text(toc, encoding="utf-8")
    (root / "book" / "index.md").write_text(index, encoding="utf-8")
    (root / "data" / "sources.csv").write_text(SOURCES, encoding="utf-8")
    (root / "data" / "mine_production_by_country.csv").write_text(PRODUCTION, encoding="utf-8")
    (root / "data" / "datapackage.json").write_text(json.dumps(package, indent=1), encoding="utf-8")


def make_root(root: Path, *, extra: str = "") -> Path:
    """Write the test report into ``root`` (created); ``extra`` is inserted as chapter cells."""
    write_book(root, TOC, INDEX, PACKAGE)
    set_chapter(root, extra)
    return root


def published_root(tmp_path_factory, name: str) -> tuple[Path, Path, Path]:
    """(base, root, output): the test report written under a fresh ``name`` folder and published
    once at output by the real command line, for a test module to work on."""
    base = tmp_path_factory.mktemp(name)
    root = make_root(base / "root")
    output = base / "out" / "html"
    proc = run_build(output, root=root, data_dir=root / "data")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return base, root, output


def set_chapter(root: Path, extra: str = "") -> None:
    (root / "book" / "leverage.md").write_text(CHAPTER.replace("@EXTRA@", extra), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Running the real command line and looking at what it left behind
# ---------------------------------------------------------------------------------------------


def build_command(output: Path, *, data_dir: Path | None = None, root: Path | None = None, args=()) -> list[str]:
    command = [sys.executable, str(BUILD), "--output", str(output)]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    if root is not None:
        command += ["--root", str(root)]
    return command + list(args)


def run_build(output: Path, *, data_dir=None, root=None, args=(), env=None, timeout=900) -> subprocess.CompletedProcess:
    """``scripts/build.py`` as a person runs it; returns the finished process (text output)."""
    return subprocess.run(build_command(output, data_dir=data_dir, root=root, args=args), capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})}, cwd=REPO)


def tree_hash(folder: Path) -> str:
    """One hash over every file's relative path and bytes (and every empty folder)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            digest.update(f"L {rel} {os.readlink(path)}\n".encode())
        elif path.is_file():
            digest.update(f"F {rel} {hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
        elif path.is_dir():
            digest.update(f"D {rel}\n".encode())
    return digest.hexdigest()


# What a build may leave beside its output: the lock file and the runtime/chapter cache.
ALLOWED_BESIDE = {".html.lock", "cache"}


def leftovers(output: Path, allowed=ALLOWED_BESIDE) -> list[str]:
    """Names beside the output folder other than the output itself and what a build may keep."""
    return sorted(p.name for p in output.parent.iterdir() if p.name != output.name and p.name not in allowed)


def processes_mentioning(text: str) -> list[str]:
    """Live processes whose command line or environment mentions ``text``: Sphinx, the kernel
    zygote and the kernels forked from it (their command line names the build's work folder) of
    a build in a temporary folder."""
    found = []
    needle = text.encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            state = (proc / "stat").read_bytes().rsplit(b")", 1)[1].split()[0]
            if state in (b"Z", b"X"):
                continue
            cmd = (proc / "cmdline").read_bytes()
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if needle in cmd or needle in environ:
            shown = cmd.replace(bytes(1), b" ").decode(errors="replace")[:200]
            found.append(f"{proc.name}: {shown}")
    return found
