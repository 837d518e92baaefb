"""Every key figure in the prose is traceable (scripts/sphinx_ext/report_trace.py).

A value glued with a dataset links to that dataset's section of the Data and sources page and
carries a note (what it is, unit, dataset, sources). Checked in the built HTML (every link lands
on an anchor that exists; every note is there, hidden, and says the dataset; no link in a heading
or caption) and in Chromium as a reader meets it: by keyboard (the note shows on focus), by
screen reader (the link's accessible description is the note), in copied text and in print
(the note is in neither).
"""

from __future__ import annotations

import re

import pytest
from report_trace import note_text
from sitepages import article, soup

from site_server import opened_page
from test_browser import PAGES

PROSE_PAGES = ["index.html", "summary.html", "leverage.html", "sector_impact.html", "strategy_roadmap.html",
               "options.html", "recommendations.html", "geopolitics.html", "factcheck.html"]


def test_note_words():
    report = {"label": "China's share of world mine production, 2024", "unit": "%", "dataset": "x",
              "key": "china_mine_share_pct"}
    assert note_text(report, "Mine production", ["U.S. Geological Survey (2025)"]) == (
        "China's share of world mine production, 2024. Unit: per cent. Dataset: Mine production. "
        "Source: U.S. Geological Survey (2025).")
    # a label that is only the key's name is not shown to a reader
    assert note_text({"label": "buffer cost cr q", "unit": "INR crore", "key": "buffer_cost_cr_q"}, "Imports",
                     ["A (2025)", "B (2026)"]) == "Unit: INR crore. Dataset: Imports. Sources: A (2025); B (2026)."


@pytest.mark.parametrize("page_name", [p for p in PAGES if p in PROSE_PAGES])
def test_key_figures_link_to_their_dataset_and_carry_a_note(built_site, page_name):
    page = soup(built_site / page_name)
    data_ids = {el["id"] for el in soup(built_site / "data_sources.html").select("[id]")}
    links = article(page).select("a.key-figure")
    assert links, f"{page_name} quotes no traceable key figure"
    for a in links:
        target, _, anchor = a["href"].partition("#")
        assert target == "data_sources.html" and anchor.startswith(("row-", "rows-", "data-")) and anchor in data_ids, a["href"]
        note = page.find(id=a["aria-describedby"])
        assert note is not None and note.has_attr("hidden"), a
        assert note.get_text() == a["data-note"]
        assert "Dataset: " in note.get_text() and not re.search(r"\b[a-z]+_[a-z_]+\b", note.get_text()), note.get_text()
        assert not a.find_parent(["h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "caption", "a"]), a


def test_key_figures_lead_to_the_rows_of_their_source_and_on_to_the_source(built_site):
    """A key figure links to the row of its dataset that holds its value, or else to the rows its
    source gives; each of those rows names the source and links to it in the source registry, on
    the same page."""
    data_page = soup(built_site / "data_sources.html")
    ids = {el["id"] for el in data_page.select("[id]")}
    to_rows = [a["href"].partition("#")[2] for name in PROSE_PAGES if (built_site / name).is_file()
               for a in article(soup(built_site / name)).select("a.key-figure")]
    rows = [anchor for anchor in to_rows if anchor.startswith(("rows-", "row-"))]
    assert rows and len(rows) >= len(to_rows) * 3 // 4, f"{len(rows)} of {len(to_rows)} key figures reach their rows"
    assert any(a.startswith("row-") for a in rows), "no key figure reaches the one row that holds its value"
    for anchor in set(rows):
        target = data_page.find(id=anchor)
        assert target is not None and target.name in ("tbody", "tr"), anchor
        group = target if target.name == "tbody" else target.parent
        source = group["id"].split("--", 1)[1]
        members = [target] if target.name == "tr" else target.find_all("tr")
        assert members, anchor
        for tr in members:
            assert tr["id"].startswith("row-") and tr.select_one(f'a[href="#source-{source}"]'), tr
        assert f"source-{source}" in ids and data_page.find(id=f"source-{source}").name == "tr", source


def test_a_key_figure_that_quotes_a_row_links_to_that_row(built_site):
    """China's mine production in the latest year is a number of one row of the USGS table."""
    data_page = soup(built_site / "data_sources.html")
    for name in PROSE_PAGES:
        for a in article(soup(built_site / name)).select("a.key-figure[href*='#row-']"):
            row = data_page.find(id=a["href"].partition("#")[2])
            value = float(a.get_text().replace(",", "").strip().rstrip("%") or "nan")
            numbers = [float(n) for n in row["data-figures"].split()]
            # the shown value is the row's number as the prose rounds it
            assert any(abs(n - value) <= max(1.0, abs(n) * 0.06) for n in numbers), (name, a.get_text(), numbers)


def test_notes_name_sources_by_publisher(built_site):
    notes = [n.get_text() for n in soup(built_site / "options.html").select(".key-figure-note")]
    assert any(re.search(r"Sources?: [A-Z][^.;]* \(\d{4}\)", n) for n in notes), notes[:3]


def first_key_figure_paragraph(page):
    return page.locator("article p:has(a.key-figure)").first


def test_keyboard_focus_shows_the_note_and_screen_readers_hear_it(served, context):
    with opened_page(context, "trace-keyboard") as (page, _):
        page.goto(served + "options.html", wait_until="load")
        link = page.locator("article a.key-figure").first
        note = link.get_attribute("data-note")
        # reach it by keyboard: Tab until it has focus
        for _ in range(400):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.classList.contains('key-figure')"):
                break
        else:
            pytest.fail("no key figure reachable by Tab")
        shown = page.evaluate("() => getComputedStyle(document.activeElement, '::after').content")
        assert shown.strip('"') == page.evaluate("() => document.activeElement.dataset.note")
        cdp = page.context.new_cdp_session(page)
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "article a.key-figure"})["nodeId"]
        ax = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"]
        described = [n for n in ax if n.get("role", {}).get("value") == "link"][0]
        assert described["description"]["value"] == note


def test_copied_text_and_print_leave_the_note_out(served, context):
    with opened_page(context, "trace-copy") as (page, _):
        page.goto(served + "options.html", wait_until="load")
        paragraph = first_key_figure_paragraph(page)
        copied = paragraph.evaluate("""p => { const r = document.createRange(); r.selectNodeContents(p);
            const s = getSelection(); s.removeAllRanges(); s.addRange(r); return s.toString(); }""")
        visible = paragraph.inner_text()
        assert "Dataset:" not in copied and " ".join(copied.split()) == " ".join(visible.split())
        page.emulate_media(media="print")
        link = page.locator("article a.key-figure").first
        link.focus()
        assert page.evaluate("() => getComputedStyle(document.activeElement, '::after').content") in ("none", "normal")
        colours = paragraph.evaluate("""p => { const a = p.querySelector('a.key-figure');
            return [getComputedStyle(a).color, getComputedStyle(p).color, getComputedStyle(a).textDecorationLine]; }""")
        assert colours[0] == colours[1] and colours[2] == "none"


def test_following_a_key_figure_lands_on_its_rows_and_their_source(served, context):
    """In Chromium: activating a key figure by keyboard opens the Data page at the rows its source
    gives (on screen); from a row, the source's link lands on its entry in the registry."""
    with opened_page(context, "trace-follow") as (page, _):
        page.goto(served + "options.html", wait_until="load")
        link = page.locator("article a.key-figure[href*='#rows-']").first
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"data_sources\.html#rows-"))
        anchor = page.url.split("#", 1)[1]
        group = page.locator(f"[id='{anchor}']")
        assert group.evaluate("el => el.tagName") == "TBODY"
        box, height = group.bounding_box(), page.viewport_size["height"]
        assert box is not None and 0 <= box["y"] < height, box
        source = group.locator("a[href^='#source-']").first
        target = source.get_attribute("href")[1:]
        source.click()
        page.wait_for_url(re.compile("#" + re.escape(target) + "$"))
        row = page.locator(f"[id='{target}']")
        assert row.evaluate("el => el.tagName") == "TR"
        assert 0 <= row.bounding_box()["y"] < height
