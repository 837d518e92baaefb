"""How the report is cited: text, BibTeX, RIS and CSL-JSON citations, the metadata in every page's
<head> (Highwire ``citation_*``, Dublin Core, schema.org JSON-LD), CITATION.cff, the footer and the
How-to-cite page.

Everything comes from the ``report:`` block of ``_config.yml`` (title, organisation, authors, edition,
edition_date, base_url, licence and, in a scenario build, ``scenario``), so a new edition changes one
place. The Sphinx extension ``scripts/sphinx_ext/report_cite.py`` uses these functions for the
cite-this blocks; the stage uses them for the footer and the How-to-cite page; ``CITATION.cff`` at
the repository root is written by ``python scripts/write_citation_cff.py`` and a test checks it
matches the config.

``base_url`` is where the site is published; a placeholder (a host reserved for examples) makes the
build print a warning (``base_url_warning``), since every citation would then be a dead link.

URLs of sections use the section's explicit label (``(leverage-mining)=``) as the fragment, which
does not depend on the data or the heading's wording, so a link stays valid across editions.
"""

from __future__ import annotations

import html
import re

from masthead.report import Meta, credit_line, meta, scenario_title  # noqa: F401 (part of the citation API)

from .markup import bib_escape, md  # one escaping rule for every page and .bib text

MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
PAGE_NAME = "how_to_cite.md"
PAGE_LABEL = "how-to-cite"
PDF_NAME = "report.pdf"
# pdf.py puts the PDF link here when it adds the PDF to the published site (no dead link before).
PDF_SLOT = '<span class="report-pdf-slot"></span>'
# ... and this comment in every page's <head> becomes the citation_pdf_url / DC.relation tags.
PDF_META_SLOT = "<!-- report-pdf-meta -->"
# Hosts reserved for examples (RFC 2606): a base URL on one of them is a placeholder, and every
# citation built from it is a dead link. The build warns (it does not fail: a local build is fine).
PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net", "localhost")
BASE_URL_HELP = ("set `report: base_url` in _config.yml to the address where the site is published"
                 " (see README, \"Citing, sharing and the PDF\")")
LICENCE_URLS = {
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC BY-NC 4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}


def placeholder_base_url(m: Meta) -> bool:
    """True when the base URL is on a host reserved for examples (the config's placeholder)."""
    from urllib.parse import urlsplit

    host = (urlsplit(m.base_url).hostname or "").lower()
    return not host or any(host == h or host.endswith("." + h) for h in PLACEHOLDER_HOSTS)


def base_url_warning(m: Meta) -> str:
    """The build's warning for a placeholder base URL ("" when the base URL is real)."""
    if not placeholder_base_url(m):
        return ""
    return f"report: base_url is the placeholder {m.base_url}: every citation and link to the site points there; {BASE_URL_HELP}"


def licence_url(m: Meta) -> str:
    return LICENCE_URLS.get(re.sub(r"\s+", " ", m.licence.strip()), "")


def edition_number(m: Meta) -> str:
    """The edition as BibTeX wants it: "First edition" → "First" (styles append "edition")."""
    return re.sub(r"\s+edition$", "", m.edition.strip(), flags=re.IGNORECASE)


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
        "edition": bib_escape(edition_number(m)),
        "year": m.year,
        "month": MONTH_MACROS[m.edition_date.month - 1],
        "date": m.edition_date.isoformat(),
        "url": re.sub(r"[{}\s\\]", lambda x: f"%{ord(x.group(0)):02X}", url),
        "note": bib_escape(note),
    })
    body = ",\n".join(f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
                       for name, value in fields.items() if value)  # month: the standard macro, unbraced
    return f"@{kind}{{{bib_key(m, anchor)},\n{body}\n}}"


# ---------------------------------------------------------------------------------------------
# RIS and CSL-JSON (the downloads beside each BibTeX block)
# ---------------------------------------------------------------------------------------------


def _kind(chapter: str) -> str:
    return "chapter" if chapter else "report"


def _title(m: Meta, chapter: str, section: str) -> str:
    if not chapter:
        return m.title
    return f"{chapter}: {section}" if section else chapter


def cite_ris(m: Meta, url: str, anchor: str = "", chapter: str = "", section: str = "") -> str:
    """An RIS record (CHAP in the report, or RPRT for the whole report), CRLF line ends as the format asks.

    Authors are corporate names without a comma, which reference managers keep as one name."""
    lines = [("TY", "CHAP" if chapter else "RPRT"), ("ID", bib_key(m, anchor)), ("TI", _title(m, chapter, section))]
    if chapter:
        lines.append(("T2", m.title))
    lines += [("AU", a) for a in m.authors]
    lines += [
        ("PY", m.year),
        ("DA", m.edition_date.strftime("%Y/%m/%d")),
        ("PB", m.organisation),
        ("ET", m.edition),
        ("LA", m.language),
        ("UR", url),
        ("N1", m.edition_line + (f". Licence: {m.licence}" if m.licence else "")),
    ]
    if not chapter:
        lines.append(("M3", "Report"))
    body = "".join(f"{tag}  - {' '.join(str(value).split())}\r\n" for tag, value in lines if value)
    return body + "ER  - \r\n"


def cite_csl(m: Meta, url: str, anchor: str = "", chapter: str = "", section: str = "") -> dict:
    """One CSL-JSON item (type ``chapter`` or ``report``), as Zotero and pandoc read it."""
    d = m.edition_date
    item = {
        "id": bib_key(m, anchor),
        "type": _kind(chapter),
        "title": _title(m, chapter, section),
        "author": [{"literal": a} for a in m.authors],
        "issued": {"date-parts": [[d.year, d.month, d.day]]},
        "publisher": m.organisation,
        "edition": m.edition,
        "language": m.language,
        "URL": url,
        "note": m.edition_line + (f". Licence: {m.licence}" if m.licence else ""),
    }
    if chapter:
        item["container-title"] = m.title
    else:
        item["genre"] = "Report"
    if m.licence:
        item["license"] = m.licence
    return item


def csl_json(m: Meta, url: str, anchor: str = "", chapter: str = "", section: str = "") -> str:
    import json

    return json.dumps([cite_csl(m, url, anchor, chapter, section)], ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------------------------
# Metadata in every page's <head>: Highwire Press citation_*, Dublin Core, schema.org JSON-LD
# ---------------------------------------------------------------------------------------------


def head_tags(m: Meta, page: str, chapter: str = "") -> list[tuple[str, str]]:
    """(name, content) of the page's <meta> tags: a chapter (``chapter`` = its title) is a chapter of
    the report (Zotero: book section); a page without one (home, How to cite) is the report itself."""
    url = page_url(m, page)
    title = chapter or m.cited_title
    tags = [("citation_title", title)]
    tags += [("citation_author", a) for a in m.authors]
    tags += [
        ("citation_publication_date", m.edition_date.strftime("%Y/%m/%d")),
        ("citation_publisher", m.organisation),
    ]
    if chapter:
        tags.append(("citation_inbook_title", m.cited_title))
    else:
        tags.append(("citation_technical_report_institution", m.organisation))
    tags += [
        ("citation_language", m.language),
        ("citation_public_url", url),
        ("citation_abstract_html_url", url),
        ("DC.title", title),
    ]
    tags += [("DC.creator", a) for a in m.authors]
    tags += [
        ("DC.date", m.edition_date.isoformat()),
        ("DC.publisher", m.organisation),
        ("DC.type", "Text"),
        ("DC.identifier", url),
        ("DC.language", m.language),
    ]
    if chapter:
        tags.append(("DC.relation.isPartOf", m.cited_title))
    if m.licence:
        tags.append(("DC.rights", m.licence))
    return tags


def json_ld(m: Meta, page: str, chapter: str = "") -> dict:
    """schema.org description of the page: a Chapter that isPartOf the Report, or the Report."""
    org = {"@type": "Organization", "name": m.organisation, "url": m.base_url}
    report = {
        "@type": "Report",
        "name": m.cited_title,
        "alternateName": m.short_title,
        "url": m.base_url,
        "author": [{"@type": "Organization", "name": a} for a in m.authors],
        "publisher": org,
        "datePublished": m.edition_date.isoformat(),
        "version": m.edition,
        "inLanguage": m.language,
    }
    if licence_url(m) or m.licence:
        report["license"] = licence_url(m) or m.licence
    if not chapter:
        return {"@context": "https://schema.org", **report, "url": page_url(m, page) if page else m.base_url}
    item = {
        "@context": "https://schema.org",
        "@type": "Chapter",
        "name": chapter,
        "headline": chapter,
        "url": page_url(m, page),
        "author": report["author"],
        "publisher": org,
        "datePublished": report["datePublished"],
        "inLanguage": m.language,
        "isPartOf": report,
    }
    if "license" in report:
        item["license"] = report["license"]
    return item


def head_html(m: Meta, page: str, chapter: str = "") -> str:
    """The markup for the page's <head>: meta tags, canonical link, JSON-LD and the PDF meta slot."""
    import json

    e = html.escape
    lines = ['<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/" />',
             f'<link rel="canonical" href="{e(page_url(m, page))}" />']
    lines += [f'<meta name="{e(name)}" content="{e(value)}" />' for name, value in head_tags(m, page, chapter)]
    data = json.dumps(json_ld(m, page, chapter), ensure_ascii=False, sort_keys=False)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    lines.append(f'<script type="application/ld+json">{data}</script>')
    lines.append(PDF_META_SLOT)
    return "\n".join(lines) + "\n"


def pdf_meta_html(m: Meta) -> str:
    """What replaces PDF_META_SLOT once the PDF is in the site."""
    return f'<meta name="citation_pdf_url" content="{html.escape(page_url(m, PDF_NAME))}" />'


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
        f' · Information current to {e(m.as_of_text)}'
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
    scenario = (f"\n\nThis is a **scenario build** ({md(m.scenario)}), not the published edition's central"
                " case; its citations say so.") if m.scenario else ""
    return "\n".join([
        f"({PAGE_LABEL})=",
        "# How to cite",
        "",
        f"Cite the edition you read: this is the **{md(m.edition)}** of *{md(m.title)}*,"
        f" dated {md(m.long_date)}, with information current to {md(m.as_of_text)}, published by {md(m.organisation)}"
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
        "Every chapter ends with one *Cite this chapter* block: the chapter's citation as text and as"
        " BibTeX, each with a copy button, and as RIS and CSL-JSON files for reference managers (EndNote,"
        " Zotero, Mendeley, pandoc). Below it, a short list gives each section's link with a button that copies"
        " the section's citation; the *Cite this section* link under a section's heading leads there. The link in"
        " a citation ends in the section's label (for example `leverage.html#leverage-mining`): labels are fixed"
        " in the chapter's source, so the same link points to the same section in later editions."
        " Reference managers that read a web page's embedded metadata (Zotero's browser connector, for one)"
        " save any chapter as a chapter of this report, with its author, date and publisher.",
        "",
        "(how-to-cite-figures)=",
        "## Figures and data",
        "",
        "Under each figure are its source and downloads: the chart as PNG (for slides) and SVG (for print),"
        " the data plotted as CSV, and a JSON file with the figure's unit, description and full sources."
        " Cite the figure by its number and the section's link, and credit the original sources named under it."
        " The datasets behind the whole report are listed in {ref}`data-sources`, which also offers them all in"
        " one zip file with the source registry, the data package descriptor and a README on how to cite them.",
        "",
        "(how-to-cite-pdf)=",
        "## PDF",
        "",
        "The report is also printed as one PDF file from these same pages, with the same figure numbers and"
        " citations. Where the site carries it, every page links it at the foot (*Download the report (PDF)*);"
        " a PDF is only offered while it matches the pages, so an updated page never sits beside an older PDF.",
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
