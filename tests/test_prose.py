"""The prose of the built report, read as a reader reads it (issue 14's writing standard).

- no sentence appears twice on a page;
- no internal vocabulary of how the report was made ("seed article", "in the data", …);
- headline sentences (each chapter's key points and the landing page's findings) quote numbers
  as a reader would: no decimals in percentages, at most three significant figures;
- every acronym the prose uses is defined in the glossary, and each chapter links a glossary
  term the first time it uses it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sitepages import article, pages_in_order, soup

from pipeline.config import load_site
from report_root import REPO

# Words that describe the report's workshop, not the world (STYLE.md, "Writing").
FORBIDDEN = [
    r"\bseed\b", r"\bin the data\b", r"\bthe data holds?\b", r"\bstored cop(y|ies)\b", r"\bdossier\b",
    r"\bsearch tool\b", r"\bread through search", r"\bcopy found\b", r"\bnews article of\b",
]
# Acronyms a reader of a policy report needs no gloss for, and names of file formats.
COMMON = {"US", "USA", "UK", "EU", "PDF", "CSV", "PNG", "SVG", "JSON", "HTML", "URL", "ISO", "CC", "BY", "DOI",
          "BibTeX", "RIS", "CSL", "II", "III", "IV", "OK", "TV", "CEO", "GDP", "UN"}
# pages whose text is generated lists of sources, datasets or citations, not prose
NOT_PROSE = {"data_sources", "how_to_cite", "what_changed", "glossary"}
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")
ACRONYM = re.compile(r"\b(?:[A-Z][a-z]?){1,3}[A-Z][A-Za-z]{0,4}\b")


def prose_blocks(page) -> list:
    """Paragraphs and list items of the article, without figures' source and download lines,
    tables, cite blocks, code, the chapter's list of sources (footnotes) and the glossary's own
    definitions: those are lists, where a publisher's name may recur and be an acronym."""
    node = article(page)
    for drop in node.select('table, [class*="cite"], .key-figure-note, .figure-source, .figure-sources, .figure-downloads, '
                            'pre, script, style, '
                            "aside, .bibliography, div.citation, dl.glossary"):
        drop.decompose()
    return [el for el in node.select("p, li") if not el.find(["p", "li"])]


def text_of(el) -> str:
    return re.sub(r"\s+", " ", el.get_text(" ", strip=True)).replace(" .", ".").replace(" ,", ",")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if len(s.split()) >= 6]


@pytest.fixture(scope="module")
def pages(built_site: Path) -> dict:
    return {name: soup(built_site / f"{name}.html") for name in pages_in_order(built_site)}


def test_no_sentence_appears_twice_on_a_page(pages):
    repeated = {}
    for name, page in pages.items():
        if name in NOT_PROSE:
            continue
        seen: dict[str, int] = {}
        for block in prose_blocks(page):
            for s in sentences(text_of(block)):
                seen[s] = seen.get(s, 0) + 1
        twice = [s for s, n in seen.items() if n > 1]
        if twice:
            repeated[name] = twice
    assert not repeated, f"sentences repeated on a page: {repeated}"


def test_no_internal_vocabulary(pages):
    found = []
    for name, page in pages.items():
        text = article(page).get_text(" ")
        for pattern in FORBIDDEN:
            for m in re.finditer(pattern, text, flags=re.I):
                found.append(f"{name}: …{text[max(0, m.start() - 50):m.end() + 30].strip()}…")
    assert not found, "internal words in the report:\n" + "\n".join(found)


def headline_items(name: str, page) -> list[str]:
    """The key points of a chapter (the list after its 'Key points' heading), or the findings of
    the landing page."""
    node = article(page)
    items = []
    for heading in node.find_all(["h2", "h3"]):
        title = heading.get_text(" ", strip=True).lower()
        if title.startswith(("key points", "key findings", "findings")):
            section = heading.find_parent("section") or heading.parent
            items += [text_of(li) for li in section.select("li") if not li.find("li")]
    return items


NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\s*(?:per cent|%))?")


def overprecise(sentence: str) -> list[str]:
    """Numbers quoted more precisely than a reader would: a percentage with decimals, or a
    number with more than three significant figures (years, fiscal years and days excepted)."""
    bad = []
    for m in NUMBER.finditer(sentence):
        whole, decimals, percent = m.group(1), m.group(2), m.group(3)
        digits = whole.replace(",", "")
        if not decimals and re.fullmatch(r"(19|20)\d\d", digits):
            continue  # a year
        if sentence[m.end():m.end() + 1] == "-" or sentence[max(0, m.start() - 2):m.start()] == "FY":
            continue  # FY2025-26
        if percent and decimals:
            bad.append(m.group(0))
            continue
        significant = len(digits.lstrip("0").rstrip("0")) + (len(decimals) - 1 if decimals else 0)
        if significant > 3:
            bad.append(m.group(0))
    return bad


def test_overprecision_is_detected():
    assert overprecise("about 115,479 electric two-wheelers, 9.6 per cent") == ["115,479", "9.6 per cent"]
    assert overprecise("about 120,000 vehicles, a tenth of sales, in 2025 and FY2025-26 (69 per cent)") == []
    assert overprecise("INR 7,280 crore") == []


def test_headline_sentences_round_as_a_reader_quotes(pages):
    found = {}
    for name, page in pages.items():
        for item in headline_items(name, page):
            bad = overprecise(item)
            if bad:
                found.setdefault(name, []).append(f"{bad} in: {item[:160]}")
    assert not found, f"headline numbers quoted with unsupported precision: {found}"


def glossary_terms(pages) -> set[str]:
    terms = set()
    for dt in pages["glossary"].select("dl.glossary dt"):
        for link in dt.select("a.headerlink"):
            link.decompose()
        terms.add(dt.get_text(" ", strip=True))
    return terms


def test_the_glossary_defines_every_acronym_the_prose_uses(pages):
    terms = glossary_terms(pages)
    assert terms, "the glossary page has no terms"
    missing = {}
    for name, page in pages.items():
        if name in NOT_PROSE:
            continue
        for block in prose_blocks(page):
            for word in ACRONYM.findall(text_of(block)):
                if word.removesuffix("s") not in terms and word not in COMMON and not re.fullmatch(r"FY\d.*|H[12]|Q[1-4]", word):
                    missing.setdefault(word, set()).add(name)
    assert not missing, f"acronyms without a glossary entry: {missing}"


# the chapter notebooks of _toc.yml but the landing page
SITE = load_site(REPO)
CHAPTERS = tuple(c.name for c in SITE.chapters if c.name != SITE.toc["root"])


def unlinked_first_uses(page, terms: set[str]) -> list[str]:
    """Acronyms of the glossary whose first use in the chapter's prose comes before any link to
    their glossary entry."""
    from bs4 import NavigableString

    linked: set[str] = set()
    late = []
    seen: set[str] = set()
    for block in prose_blocks(page):
        for node in block.descendants:
            if not isinstance(node, NavigableString):
                continue
            link = node.find_parent("a")
            target = link.get("href", "") if link is not None else ""
            if "glossary.html#term-" in target:
                linked.add(target.split("#term-", 1)[1])
                continue
            for word in ACRONYM.findall(str(node)):
                word = word.removesuffix("s") if word.removesuffix("s") in terms else word
                if word in terms and word not in seen:
                    seen.add(word)
                    if not any(t == word or t.startswith(word + "-") for t in linked):  # INR → "INR crore"
                        late.append(word)
    return late


def test_each_chapter_links_a_glossary_term_at_its_first_use(pages):
    terms = {t for t in glossary_terms(pages) if ACRONYM.fullmatch(t)}
    found = {name: late for name in CHAPTERS if name in pages
             and (late := unlinked_first_uses(pages[name], terms))}
    assert not found, f"acronyms used before their first glossary link: {found}"
