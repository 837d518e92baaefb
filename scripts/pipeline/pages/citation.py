"""How the report is cited: text, BibTeX, RIS and CSL-JSON citations, the metadata in every page's
<head> (Highwire ``citation_*``, Dublin Core, schema.org JSON-LD), CITATION.cff, the footer and the
values the How-to-cite page (``book/how_to_cite.md``) shows.

Everything comes from the ``report:`` block of ``book/_config.yml`` (title, organisation, authors, edition,
edition_date, base_url, licence and, in a scenario build, ``scenario``), so a new edition changes one
place. The Sphinx extension ``scripts/sphinx_ext/report_cite.py`` uses these functions for the
cite-this blocks; the stage uses them for the footer (the How-to-cite page is ``book/how_to_cite.md``,
written with the edition's substitutions); ``CITATION.cff`` at
the repository root is written by ``python scripts/write_citation_cff.py`` and a test checks it
matches the config.

``base_url`` is where the site is published; the environment variable ``REPORT_BASE_URL`` overrides
it (``pipeline.config.Site.report``). A placeholder (a host reserved for examples, as in the
repository) makes the build a **preview**: the build prints a warning (``base_url_warning``), and no
file it writes names the placeholder host: citations carry no address and say the report is not yet
published (``preview_note``), links in the metadata are relative or left out. ``make publish``
refuses a placeholder (``scripts/publish_site.py``).

The words a reader sees here (the preview note, the footer, the citation files' messages) are in
``book/_interface.yml``, read by ``masthead.interface``; this module fills them with the edition.

Authors are configuration (``report: authors``): an organisation (a string) is kept whole in every
format: JSON-LD ``Organization``, CSL-JSON ``literal``, RIS ``AU`` without a comma, BibTeX in double
braces, and in the Highwire/Dublin Core tags as ``Name,`` (the inverted form with no given name,
which Zotero's Embedded Metadata translator keeps as one last name instead of splitting the words
into a person). A person (``{given: …, family: …}``) is a JSON-LD ``Person``, CSL-JSON family and
given, and "Family, Given" in RIS, BibTeX, Highwire and Dublin Core. ``report: doi`` (optional)
appears in every citation format.

URLs of sections use the section's explicit label (``(leverage-mining)=``) as the fragment, which
does not depend on the data or the heading's wording, so a link stays valid across editions.
"""

from __future__ import annotations

import html
import re

from masthead.report import (BASE_URL_ENV, PLACEHOLDER_HOSTS, Meta, credit_line, effective_base_url,  # noqa: F401
                             is_placeholder, meta, scenario_title)  # (part of the citation API)

from masthead import interface  # the interface words (book/_interface.yml)

from .markup import bib_escape  # one escaping rule for every .bib text

MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
PDF_NAME = "report.pdf"
# pdf.py puts the PDF link here when it adds the PDF to the published site (no dead link before).
PDF_SLOT = '<span class="report-pdf-slot"></span>'
# ... and this comment in every page's <head> becomes the citation_pdf_url / DC.relation tags.
PDF_META_SLOT = "<!-- report-pdf-meta -->"
# scripts/word.py puts the page's Word (.docx) link here when it adds the Word files to the site.
WORD_SLOT = '<span class="report-word-slot"></span>'
LICENCE_URLS = {
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC BY-NC 4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}


def placeholder_base_url(m: Meta) -> bool:
    """True when the base URL is a placeholder (the build is then a preview)."""
    return m.preview


def base_url_warning(m: Meta) -> str:
    """The build's warning for a placeholder base URL ("" when the base URL is real): a base URL on a
    host reserved for examples (RFC 2606, masthead.report.PLACEHOLDER_HOSTS) makes every citation a
    dead link. The build warns (it does not fail: a local build is fine). A message to the analyst,
    not the report's words (tests/wording_guard.py)."""
    if not m.preview:
        return ""
    return (f"report: base_url is the placeholder {m.placeholder}: this build is a preview (its citations carry"
            " no address and say it is not yet published); set `report: base_url` in book/_config.yml, or the"
            " environment variable REPORT_BASE_URL, to the address where the site is published (see README,"
            ' "Publishing")')


def preview_note() -> str:
    """What a preview's citations say where a published one gives its address."""
    return interface.text("citation.preview_note")


def licence_url(m: Meta) -> str:
    return LICENCE_URLS.get(re.sub(r"\s+", " ", m.licence.strip()), "")


def edition_number(m: Meta) -> str:
    """The edition as BibTeX wants it: "First edition" → "First" (styles append "edition")."""
    return re.sub(r"\s+edition$", "", m.edition.strip(), flags=re.IGNORECASE)


def page_url(m: Meta, page: str = "", anchor: str = "") -> str:
    """Absolute URL of a page (``leverage.html``) and fragment; the site root when page is empty.
    In a preview (no address) the URL is relative to the site's root ("" for the root)."""
    return m.base_url + page + (f"#{anchor}" if anchor else "")


def cited_url(m: Meta, url: str) -> str:
    """The address a citation gives: ``url``, or "" in a preview (a relative link is no address)."""
    return "" if m.preview else url


def author_text(m: Meta) -> str:
    """The authors as an author–date citation starts: "Rao, A., & Sen, B." for people, an
    organisation's name whole."""
    names = [a.short for a in m.creators]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1]


def highwire_author(name: str) -> str:
    """A corporate author as the Highwire/DC tags give it: ``"Rare Earth Leverage project,"``.

    Zotero's Embedded Metadata translator splits a name without a comma at its last space into a
    person (first "Rare Earth Leverage", last "Project"); with a comma it reads the inverted form
    "Last, First", and a name with nothing after the comma stays one last name, whole."""
    return name if "," in name else f"{name},"


def cite_text(m: Meta, url: str, chapter: str = "", section: str = "") -> str:
    """The citation as one line of plain text, e.g. for a briefing's footnote."""
    parts = [f"{author_text(m)} ({m.year})."]
    if section:
        parts.append(interface.text("citation.in_chapter", section=section, chapter=chapter))
    elif chapter:
        parts.append(interface.text("citation.chapter_of", chapter=chapter))
    parts.append(f"{m.title}.")
    parts.append(f"{m.edition_line}.")
    if m.organisation not in m.authors:
        parts.append(f"{m.organisation}.")
    if m.doi:
        parts.append(m.doi_url)
    parts.append(preview_note() if m.preview else url)
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
    authors = " and ".join(bib_escape(a.inverted) if a.person else "{" + bib_escape(a.name) + "}" for a in m.creators)
    note = notes(m)
    url = cited_url(m, url)
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
        "doi": bib_escape(m.doi),
        "url": re.sub(r"[{}\s\\]", lambda x: f"%{ord(x.group(0)):02X}", url),
        "note": bib_escape(note),
    })
    body = ",\n".join(f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
                       for name, value in fields.items() if value)  # month: the standard macro, unbraced
    return f"@{kind}{{{bib_key(m, anchor)},\n{body}\n}}"


# ---------------------------------------------------------------------------------------------
# RIS and CSL-JSON (the downloads beside each BibTeX block)
# ---------------------------------------------------------------------------------------------


def notes(m: Meta) -> str:
    """The note every citation format carries: edition line, licence, and a preview's notice."""
    note = m.edition_line + (". " + interface.text("citation.licence_note", licence=m.licence) if m.licence else "")
    return f"{note}. {preview_note()}" if m.preview else note


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
    lines += [("AU", a.inverted) for a in m.creators]
    lines += [
        ("PY", m.year),
        ("DA", m.edition_date.strftime("%Y/%m/%d")),
        ("PB", m.organisation),
        ("ET", m.edition),
        ("LA", m.language),
        ("DO", m.doi),
        ("UR", cited_url(m, url)),
        ("N1", notes(m)),
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
        "author": [{"family": a.family, "given": a.given} if a.person else {"literal": a.name} for a in m.creators],
        "issued": {"date-parts": [[d.year, d.month, d.day]]},
        "publisher": m.organisation,
        "edition": m.edition,
        "language": m.language,
        "URL": cited_url(m, url),
        "DOI": m.doi,
        "note": notes(m),
    }
    item = {k: v for k, v in item.items() if v}
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
    the report (Zotero: book section); a page without one (home, How to cite) is the report itself.
    Authors in the form Zotero keeps whole (``highwire_author``); in a preview no URL at all."""
    url = cited_url(m, page_url(m, page))
    title = chapter or m.cited_title
    tags = [("citation_title", title)]
    tags += [("citation_author", a.inverted if a.person else highwire_author(a.name)) for a in m.creators]
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
        ("citation_doi", m.doi),
        ("citation_public_url", url),
        ("citation_abstract_html_url", url),
        ("DC.title", title),
    ]
    tags += [("DC.creator", a.inverted if a.person else highwire_author(a.name)) for a in m.creators]
    tags += [
        ("DC.date", m.edition_date.isoformat()),
        ("DC.publisher", m.organisation),
        ("DC.type", "Text"),
        ("DC.identifier", f"doi:{m.doi}" if m.doi else ""),
        ("DC.identifier", url),
        ("DC.language", m.language),
    ]
    if chapter:
        tags.append(("DC.relation.isPartOf", m.cited_title))
    if m.licence:
        tags.append(("DC.rights", m.licence))
    return [(name, value) for name, value in tags if value]


def json_ld(m: Meta, page: str, chapter: str = "") -> dict:
    """schema.org description of the page: a Chapter that isPartOf the Report, or the Report
    (no ``url`` in a preview)."""
    def located(item: dict, url: str) -> dict:
        return {**item, "url": url} if not m.preview else item

    org = located({"@type": "Organization", "name": m.organisation}, m.base_url)
    report = located({
        "@type": "Report",
        "name": m.cited_title,
        "alternateName": m.short_title,
    }, m.base_url)
    report.update({
        "author": [{"@type": "Person", "name": a.name, "givenName": a.given, "familyName": a.family} if a.person
                   else {"@type": "Organization", "name": a.name} for a in m.creators],
        "publisher": org,
        "datePublished": m.edition_date.isoformat(),
        "version": m.edition,
        "inLanguage": m.language,
    })
    if m.doi:
        report["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": m.doi}
        report["sameAs"] = m.doi_url
    if licence_url(m) or m.licence:
        report["license"] = licence_url(m) or m.licence
    if not chapter:
        return located({"@context": "https://schema.org", **report}, page_url(m, page) if page else m.base_url)
    item = located({
        "@context": "https://schema.org",
        "@type": "Chapter",
        "name": chapter,
        "headline": chapter,
    }, page_url(m, page))
    item.update({
        "author": report["author"],
        "publisher": org,
        "datePublished": report["datePublished"],
        "inLanguage": m.language,
        "isPartOf": report,
    })
    if "license" in report:
        item["license"] = report["license"]
    return item


def head_html(m: Meta, page: str, chapter: str = "") -> str:
    """The markup for the page's <head>: meta tags, canonical link (published only), JSON-LD and the
    PDF meta slot."""
    import json

    e = html.escape
    lines = ['<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/" />']
    if not m.preview:
        lines.append(f'<link rel="canonical" href="{e(page_url(m, page))}" />')
    lines += [f'<meta name="{e(name)}" content="{e(value)}" />' for name, value in head_tags(m, page, chapter)]
    data = json.dumps(json_ld(m, page, chapter), ensure_ascii=False, sort_keys=False)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    lines.append(f'<script type="application/ld+json">{data}</script>')
    lines.append(PDF_META_SLOT)
    return "\n".join(lines) + "\n"


CARD_DIR = "_static/cards"  # link-preview images, one per page (scripts/sphinx_ext/report_pages.py)
CARD_SIZE = (1200, 630)


def card_path(page: str) -> str:
    """The page's link-preview image in the site: ``leverage.html`` → ``_static/cards/leverage.png``."""
    return f"{CARD_DIR}/{re.sub(r'[^A-Za-z0-9_.-]+', '-', page.rsplit('.html', 1)[0])}.png"


def preview_tags(m: Meta, page: str, title: str, description: str) -> list[tuple[str, str, str]]:
    """(attribute, key, content) of the link-preview tags: Open Graph (``property``) and Twitter card
    (``name``). Published: the page's absolute URL and its 1200×630 card image; a preview names no
    address, so it has neither (no placeholder, no relative URL where a crawler wants an absolute one)."""
    site_name = m.short_title
    tags = [
        ("property", "og:type", "article" if page not in ("", "index.html") else "website"),
        ("property", "og:site_name", site_name),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:locale", {"en": "en_GB"}.get(m.language, m.language)),
    ]
    if not m.preview:
        image = page_url(m, card_path(page or "index.html"))
        tags += [
            ("property", "og:url", page_url(m, page)),
            ("property", "og:image", image),
            ("property", "og:image:width", str(CARD_SIZE[0])),
            ("property", "og:image:height", str(CARD_SIZE[1])),
            ("property", "og:image:alt", f"{title} — {site_name}"),
        ]
    tags += [
        ("name", "twitter:card", "summary_large_image" if not m.preview else "summary"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", description),
    ]
    if not m.preview:
        tags += [("name", "twitter:image", image), ("name", "twitter:image:alt", f"{title} — {site_name}")]
    return tags


def preview_html(m: Meta, page: str, title: str, description: str) -> str:
    e = html.escape
    return "\n".join(f'<meta {attr}="{e(key)}" content="{e(value)}" />'
                     for attr, key, value in preview_tags(m, page, title, description)) + "\n"


def pdf_meta_html(m: Meta) -> str:
    """What replaces PDF_META_SLOT once the PDF is in the site (relative in a preview)."""
    return f'<meta name="citation_pdf_url" content="{html.escape(page_url(m, PDF_NAME))}" />'


# ---------------------------------------------------------------------------------------------
# CITATION.cff
# ---------------------------------------------------------------------------------------------


def spdx(licence: str) -> str:
    """"CC BY 4.0" → "CC-BY-4.0"."""
    return re.sub(r"\s+", "-", licence.strip())


def cff_data(m: Meta) -> dict:
    """CITATION.cff (format 1.2.0) for the report, as a mapping (no url while the address is a
    placeholder; the DOI when the configuration gives one)."""
    authors = [{"family-names": a.family, "given-names": a.given} if a.person else {"name": a.name}
               for a in m.creators]
    data = {
        "cff-version": "1.2.0",
        "message": interface.text("citation.cff_message"),
        "type": "dataset",
        "title": m.title,
        "authors": authors,
        "version": m.edition,
        "date-released": m.edition_date.isoformat(),
        "doi": m.doi,
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
            "doi": m.doi,
            "url": m.base_url,
        },
    }
    if m.licence:
        data["license"] = spdx(m.licence)
        data["preferred-citation"]["license"] = spdx(m.licence)
    for mapping in (data, data["preferred-citation"]):
        for key in ("doi", "url"):
            if not mapping[key]:
                del mapping[key]
    return data


ZENODO_LICENCES = {"CC-BY-4.0": "cc-by-4.0", "CC-BY-SA-4.0": "cc-by-sa-4.0", "CC-BY-NC-4.0": "cc-by-nc-4.0",
                   "CC0-1.0": "cc0-1.0"}


def zenodo_data(m: Meta) -> dict:
    """.zenodo.json (Zenodo's deposit metadata, read when a tagged GitHub release is archived, which
    mints a DOI): the same authors, title, edition, date and licence as CITATION.cff."""
    data = {
        "upload_type": "publication",
        "publication_type": "report",
        "title": m.title,
        "creators": [{"name": a.inverted} for a in m.creators],
        "description": interface.text("citation.zenodo_description", title=m.title, edition_line=m.edition_line,
                                      organisation=m.organisation),
        "version": m.edition,
        "publication_date": m.edition_date.isoformat(),
        "language": {"en": "eng"}.get(m.language, m.language),
        "access_right": "open",
    }
    if m.licence:
        data["license"] = ZENODO_LICENCES.get(spdx(m.licence), spdx(m.licence).lower())
    if m.doi:
        data["doi"] = m.doi
    if not m.preview:
        data["related_identifiers"] = [{"identifier": m.base_url, "relation": "isAlternateIdentifier",
                                        "resource_type": "publication-report", "scheme": "url"}]
    return data


def zenodo_text(m: Meta) -> str:
    import json

    return json.dumps(zenodo_data(m), ensure_ascii=False, indent=2) + "\n"


def cff_text(m: Meta) -> str:
    import yaml

    header = interface.text("citation.cff_header") + "\n"
    return header + yaml.safe_dump(cff_data(m), sort_keys=False, allow_unicode=True, width=1000)


# ---------------------------------------------------------------------------------------------
# Footer (the How-to-cite page is book/how_to_cite.md)
# ---------------------------------------------------------------------------------------------


def footer_html(m: Meta) -> str:
    """The edition line on every page (the staged ``html.extra_footer``)."""
    def words(key: str, **fields) -> str:
        return html.escape(interface.text(f"footer.{key}", **fields))  # the values escaped as before

    e = html.escape
    scenario = f' · <span class="report-scenario">{words("scenario", scenario=m.scenario)}</span>' if m.scenario else ""
    return (
        f'<p class="report-edition"><span class="report-edition-name">{e(m.short_title)} — {e(m.edition)},'
        f' {e(m.long_date)}</span>{scenario}'
        f' · {words("as_of", as_of=m.as_of_text)}'
        f' · <a href="how_to_cite.html">{words("how_to_cite")}</a>'
        f'{PDF_SLOT}{WORD_SLOT}'
        + (f' · {words("licence", licence=m.licence)}' if m.licence else "")
        + "</p>"
    )


def pdf_link_html(href: str = PDF_NAME) -> str:
    """What pdf.py puts into PDF_SLOT once the PDF is in the site."""
    words = html.escape(interface.text("footer.pdf"))
    return (f'<span class="report-pdf-slot"> · <a class="report-pdf-link" href="{html.escape(href)}" download>'
            f"{words}</a></span>")
