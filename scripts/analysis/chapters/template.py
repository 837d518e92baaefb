"""The chapter template's module (book/_template.md): copy both to start a chapter.

Read it as load → process → return: ``compute`` loads the datasets the chapter declares, records
each figure the chapter states with ``ch.key`` (value, unit, dataset, sources), and each chart
with the rows it plots. Sentences stay in the chapter's Markdown: the figures' labels in its
``{labels}`` block, each chart's title, subtitle, alt text and tooltip in its ``{figure-text}`` block.
"""

from __future__ import annotations


from .. import charts, datasets
from . import Chapter, Figure


def compute(data_dir, year: int = 2024) -> Chapter:
    ch = Chapter(data_dir, page="_template")  # its figures' words are written in book/_template.md
    # --- load ---------------------------------------------------------------------------------
    production = datasets.load("mine_production_by_country", data_dir)

    # --- process ------------------------------------------------------------------------------
    rows = production[production["year"] == year]
    if rows.empty:
        raise ValueError(f"mine_production_by_country has no rows for {year}")
    source = str(rows["source_id"].iloc[0])
    world = rows.loc[rows["country"] == "World", "production"].iloc[0]
    china = rows.loc[rows["country"] == "China", "production"].iloc[0]
    india = rows.loc[rows["country"] == "India", "production"].iloc[0]
    ds = dict(dataset="mine_production_by_country", source_ids=[source])
    ch.key("year", int(year))
    ch.key("china_share_pct", 100 * china / world, unit="%", **ds)
    ch.key("world_t", world, unit="t REO", **ds)
    ch.key("india_share_pct", 100 * india / world, unit="%", **ds)

    # --- figures ------------------------------------------------------------------------------
    plotted = rows[rows["country"] != "World"][["country", "production", "unit", "source_id"]].reset_index(drop=True)
    chart = charts.ranked_bars(plotted, value="production", label="country", value_title="",  # the page titles the axis
                               # a tooltip reads as a sentence, its unit in words: the page writes it
                               # (charts.sentence's template), the browser fills it; a key figure
                               # named in keys= is filled first, here the year no row holds
                               tooltip=ch.tooltip("fig-template-production", keys=["year"]))
    # what is computed only: the title, subtitle and alt text are written beside the figure in the
    # page, in a {figure-text} block of templates filled from the key figures
    ch.figures["fig-template-production"] = Figure(chart, "", [source], "t REO", plotted)
    return ch
