"""How the report is cited: text and BibTeX citations, CITATION.cff, the footer and the How-to-cite page.

Everything comes from the ``report:`` block of ``_config.yml`` (title, organisation, authors, edition,
edition_date, base_url, licence and, in a scenario build, ``scenario``), so a new edition changes one
place. The Sphinx extension ``scripts/sphinx_ext/report_cite.py`` uses these functions for the
cite-this blocks; the stage uses them for the footer and the How-to-cite page; ``CITATION.cff`` at
the repository root is written by ``python scripts/write_citation_cff.py`` and a test checks it
matches the config.

URLs of sections use the section's explicit label (``(leverage-mining)=``) as the fragment, which
does not depend on the data or the heading's wording, so a link stays valid across editions.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
PAGE_NAME = "how_to_cite.md"
PAGE_LABEL = "how-to-cite"
PDF_NAME = "report.pdf"
# pdf.py puts the PDF link here when it adds the PDF to the published site (no dead link before).
PDF_SLOT = '<span class="report-pdf-slot"></span>'


@dataclass(frozen=True)
class Meta:
    title: str
    short_title: str
    organisation: str
    authors: tuple[str, ...]
    edition: str
    edition_date: dt.date
    base_url: str
    licence: str
    scenario: str  # "" outside scenario builds

    @property
    def year(self) -> str:
        return str(self.edition_date.year)

    @property
    def long_date(self) -> str:
        d = self.edition_date
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"

    @property
    def edition_line(self) -> str:
        line = f"{self.edition}, {self.long_date}"
        return f"{line}. Scenario: {self.scenario}" if self.scenario else line


def scenario_title(value) -> str:
    """The scenario's title, whether ``scenario:`` is a string or a mapping (title / name)."""
    if not value:
        return ""
    if isinstance(value, dict):
        return str(value.get("title") or value.get("name") or value.get("id") or "").strip()
    return str(value).strip()


def meta(report: dict) -> Meta:
    """The report block, checked and normalised."""
    missing = [k for k in ("title", "organisation", "edition", "edition_date", "base_url") if not report.get(k)]
    if missing:
        raise ValueError(f"_config.yml report: block lacks {', '.join(missing)}")
    date = report["edition_date"]
    if not isinstance(date, dt.date):
        date = dt.date.fromisoformat(str(date))
    authors = report.get("authors") or [report["organisation"]]
    if isinstance(authors, str):
        authors = [authors]
    base = str(report["base_url"])
    return Meta(
        title=str(report["title"]),
        short_title=str(report.get("short_title") or report["title"]),
        organisation=str(report["organisation"]),
        authors=tuple(str(a) for a in authors),
        edition=str(report["edition"]),
        edition_date=date,
        base_url=base if base.endswith("/") else base + "/",
        licence=str(report.get("licence", "")),
        scenario=scenario_title(report.get("scenario")),
    )


def page_url(m: Meta, page: str = "", anchor: str = "") -> str:
    """Absolute URL of a page (``leverage.html``) and fragment; the site root when page is empty."""
    return m.base_url + page + (f"#{anchor}" if anchor else "")


def author_text(m: Meta) -> str:
    return ", ".join(m.authors)


def cite_text(m: Meta, url: str, chapter: str = "", section: str = "") -> str:
    """The citation as one line of plain text, e.g. for a briefing's footnote."""
    parts = [f"{author_text(m)} ({m.year})."]
    if section:
        parts.append(f"“{section}”, in chapter “{chapter}” of")
    elif chapter:
        parts.append(f"“{chapter}”, chapter of")
    parts.append(f"{m.title}.")
    parts.append(f"{m.edition_line}.")
    if m.organisation not in m.authors:
        parts.append(f"{m.organisation}.")
    parts.append(url)
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------
# BibTeX
# ---------------------------------------------------------------------------------------------


def bib_escape(text: str) -> str:
    from .appendix import bib_escape as escape  # one escaping rule for every .bib text

    return escape(text)


def bib_key(m: Meta, anchor: str = "") -> str:
    base = re.sub(r"[^a-z0-9]+", "", m.short_title.lower()) + m.year
    suffix = re.sub(r"[^A-Za-z0-9_.:\-]+", "-", anchor).strip("-")
    return f"{base}-{suffix}" if suffix else base


def cite_bibtex(m: Meta, url: str, anchor: str = "", chapter: str = "", section: str = "") -> str:
    """A BibTeX entry: @techreport for the whole report, @incollection for a chapter or section."""
    authors = " and ".join("{" + bib_escape(a) + "}" for a in m.authors)
    note = m.edition_line + (f". Licence: {m.licence}" if m.licence else "")
    if chapter:
        title = f"{chapter}: {section}" if section else chapter
        fields = {
            "author": authors,
            "title": "{" + bib_escape(title) + "}",
            "booktitle": "{" + bib_escape(m.title) + "}",
            "chapter": bib_escape(chapter),
            "publisher": bib_escape(m.organisation),
        }
        kind = "incollection"
    else:
        fields = {
            "author": authors,
            "title": "{" + bib_escape(m.title) + "}",
            "institution": bib_escape(m.organisation),
            "type": "Report",
        }
        kind = "techreport"
    fields.update({
        "edition": bib_escape(m.edition),
        "year": m.year,
        "month": MONTHS[m.edition_date.month - 1],
        "date": m.edition_date.isoformat(),
        "url": re.sub(r"[{}\s\\]", lambda x: f"%{ord(x.group(0)):02X}", url),
        "note": bib_escape(note),
    })
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@{kind}{{{bib_key(m, anchor)},\n{body}\n}}"


# ---------------------------------------------------------------------------------------------
# CITATION.cff
# ---------------------------------------------------------------------------------------------


def spdx(licence: str) -> str:
    """"CC BY 4.0" → "CC-BY-4.0"."""
    return re.sub(r"\s+", "-", licence.strip())


def cff_data(m: Meta) -> dict:
    """CITATION.cff (format 1.2.0) for the report, as a mapping."""
    authors = [{"name": a} for a in m.authors]
    data = {
        "cff-version": "1.2.0",
        "message": "If you use this report, please cite it as below (the edition you read).",
        "type": "dataset",
        "title": m.title,
        "authors": authors,
        "version": m.edition,
        "date-released": m.edition_date.isoformat(),
        "url": m.base_url,
        "preferred-citation": {
            "type": "report",
            "title": m.title,
            "authors": [dict(a) for a in authors],  # copies: no YAML anchors in the file
            "institution": {"name": m.organisation},
            "edition": m.edition,
            "year": m.edition_date.year,
            "month": m.edition_date.month,
            "date-published": m.edition_date.isoformat(),
            "url": m.base_url,
        },
    }
    if m.licence:
        data["license"] = spdx(m.licence)
        data["preferred-citation"]["license"] = spdx(m.licence)
    return data


def cff_text(m: Meta) -> str:
    import yaml

    header = "# Generated from the report: block of _config.yml by scripts/write_citation_cff.py; do not edit.\n"
    return header + yaml.safe_dump(cff_data(m), sort_keys=False, allow_unicode=True, width=1000)


# ---------------------------------------------------------------------------------------------
# Footer and How-to-cite page
# ---------------------------------------------------------------------------------------------


def footer_html(m: Meta) -> str:
    """The edition line on every page (the staged ``html.extra_footer``)."""
    e = html.escape
    scenario = f' · <span class="report-scenario">Scenario: {e(m.scenario)}</span>' if m.scenario else ""
    return (
        f'<p class="report-edition"><span class="report-edition-name">{e(m.short_title)} — {e(m.edition)},'
        f' {e(m.long_date)}</span>{scenario}'
        f' · <a href="how_to_cite.html">How to cite</a>'
        f'{PDF_SLOT}'
        + (f" · Licence: {e(m.licence)}" if m.licence else "")
        + "</p>"
    )


def pdf_link_html(href: str = PDF_NAME) -> str:
    """What pdf.py puts into PDF_SLOT once the PDF is in the site."""
    return (f'<span class="report-pdf-slot"> · <a class="report-pdf-link" href="{html.escape(href)}" download>'
            f"Download the report (PDF)</a></span>")


def how_to_cite_page(m: Meta) -> str:
    """The MyST source of the How-to-cite page (generated in the stage; cite blocks by the extension)."""
    from .appendix import md

    scenario = (f"\n\nThis is a **scenario build** ({md(m.scenario)}), not the published edition's central"
                " case; its citations say so.") if m.scenario else ""
    return "\n".join([
        f"({PAGE_LABEL})=",
        "# How to cite",
        "",
        f"Cite the edition you read: this is the **{md(m.edition)}** of *{md(m.title)}*,"
        f" dated {md(m.long_date)}, published by {md(m.organisation)}"
        + (f" under the {md(m.licence)} licence." if m.licence else ".") + scenario,
        "",
        "(how-to-cite-report)=",
        "## The whole report",
        "",
        "```{report-cite}",
        "```",
        "",
        "(how-to-cite-sections)=",
        "## A chapter or a section",
        "",
        "Every chapter ends with a *Cite this chapter* block, and every section has a *Cite this"
        " section* link under its heading that leads to the section's own citation in text form and as"
        " BibTeX, each with a copy button. The link in a citation ends in the section's label (for example"
        " `leverage.html#leverage-mining`): labels are fixed in the chapter's source, so the same link points"
        " to the same section in later editions.",
        "",
        "(how-to-cite-figures)=",
        "## Figures and data",
        "",
        "Under each figure are its source and downloads: the chart as PNG (for slides) and SVG (for print),"
        " the data plotted as CSV, and a JSON file with the figure's unit, description and full sources."
        " Cite the figure by its number and the section's link, and credit the original sources named under it."
        " The datasets behind the whole report are listed in {ref}`data-sources`.",
        "",
        "(how-to-cite-pdf)=",
        "## PDF",
        "",
        "The report is also published as one PDF file, linked at the foot of every page (*Download the"
        " report (PDF)*), with the same figure numbers and the same citations.",
        "",
        "(how-to-cite-cff)=",
        "## Machine-readable citation",
        "",
        "The report's source repository holds a `CITATION.cff` file with the same metadata, which"
        " reference managers and GitHub read.",
        "",
    ])


def write_how_to_cite(m: Meta, stage_dir) -> None:
    from pathlib import Path

    (Path(stage_dir) / PAGE_NAME).write_text(how_to_cite_page(m), encoding="utf-8")
