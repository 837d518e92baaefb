"""The ``report:`` block of ``book/_config.yml``: the one reader of the report's edition metadata.

Everything that names the report (citations, page metadata, the footer, the How-to-cite page,
CITATION.cff, the credit line printed on downloaded charts) takes it from here, so a new edition
changes one place.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from .dates import long_date

CONFIG_NAME = "_config.yml"
TOC_NAME = "_toc.yml"
# The configuration and the table of contents live with the pages, so ``jupyter-book build book/``
# builds the report by itself; the fast build (scripts/build.py) reads the same two files.
BOOK_DIR = "book"


def config_path(root: Path) -> Path:
    """The book's ``_config.yml`` in the repository at ``root``."""
    return Path(root) / BOOK_DIR / CONFIG_NAME


def toc_path(root: Path) -> Path:
    """The book's ``_toc.yml`` in the repository at ``root``."""
    return Path(root) / BOOK_DIR / TOC_NAME


def report_block(config: dict) -> dict:
    """The ``report:`` block of a parsed ``_config.yml``: the book's ``title`` when the block has
    none, and ``as_of`` as an ISO string (YAML reads an unquoted date as a date)."""
    config = config or {}
    block = dict(config.get("report") or {})
    if not block.get("title") and config.get("title"):
        block["title"] = config["title"]
    if block.get("as_of") is not None:
        block["as_of"] = str(block["as_of"])
    return block


def read_config(path: Path) -> dict:
    import yaml  # lazily: a chapter run by hand imports this only for the credit line

    return yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}


def read_report(config_file: Path) -> dict:
    """The ``report:`` block of the ``_config.yml`` at ``config_file`` ({} when there is none)."""
    config_file = Path(config_file)
    return report_block(read_config(config_file)) if config_file.is_file() else {}


def nearest_config(start: Path | None = None) -> Path | None:
    """The ``_config.yml`` in ``start`` (the working folder), or the book's in the nearest folder
    above it (a chapter run by hand from ``book/`` or from the repository root)."""
    start = Path.cwd() if start is None else Path(start)
    for folder in [start, *start.parents]:
        for candidate in (folder / CONFIG_NAME, folder / BOOK_DIR / CONFIG_NAME):
            if candidate.is_file():
                return candidate
    return None


PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net", "localhost")
BASE_URL_ENV = "REPORT_BASE_URL"


@dataclass(frozen=True)
class Author:
    """One author of the report: a person (``given`` and ``family``) or an organisation (``name``
    only, kept whole in every citation format)."""
    name: str  # as printed in running text: "Asha Rao", or the organisation's name
    given: str = ""
    family: str = ""

    @property
    def person(self) -> bool:
        return bool(self.family)

    @property
    def inverted(self) -> str:
        """"Rao, Asha" for a person (the form BibTeX, RIS and Highwire read as family, given); an
        organisation's name as it is."""
        return f"{self.family}, {self.given}".rstrip(", ") if self.person else self.name

    @property
    def short(self) -> str:
        """"Rao, A." for a person (author–date style); an organisation's name whole."""
        initials = " ".join(f"{part[0]}." for part in self.given.replace("-", " ").split() if part)
        return f"{self.family}, {initials}".rstrip(", ") if self.person else self.name


def author(entry) -> Author:
    """An entry of ``report: authors``: a string (an organisation) or a mapping with ``family`` and
    ``given`` (a person; ``name`` for an organisation written as a mapping)."""
    if isinstance(entry, dict):
        family, given = str(entry.get("family") or "").strip(), str(entry.get("given") or "").strip()
        if family:
            return Author(name=f"{given} {family}".strip(), given=given, family=family)
        if entry.get("name"):
            return Author(name=str(entry["name"]).strip())
        raise ValueError(f"_config.yml report: authors: {entry!r} has neither family nor name")
    return Author(name=str(entry).strip())


@dataclass(frozen=True)
class Meta:
    title: str
    short_title: str
    organisation: str
    authors: tuple[str, ...]  # as printed in running text (people as "Given Family")
    edition: str
    edition_date: dt.date
    base_url: str
    licence: str
    scenario: str  # "" outside scenario builds
    language: str = "en"
    as_of: dt.date | None = None  # the date the information is current to (report: as_of)
    doi: str = ""  # report: doi, e.g. "10.5281/zenodo.123" (optional)
    placeholder: str = ""  # a preview: the placeholder base URL it was given ("" when published)
    people: tuple[Author, ...] = ()  # the authors, each a person or an organisation (same order)

    @property
    def creators(self) -> tuple[Author, ...]:
        return self.people or tuple(Author(name=a) for a in self.authors)

    @property
    def preview(self) -> bool:
        """No real address: citations say the report is not yet published (base_url is then "")."""
        return not self.base_url

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def year(self) -> str:
        return str(self.edition_date.year)

    @property
    def long_date(self) -> str:
        return long_date(self.edition_date)

    @property
    def cited_title(self) -> str:
        """The report's title as page metadata gives it: a scenario build says it is one."""
        return f"{self.title} (scenario: {self.scenario})" if self.scenario else self.title

    @property
    def as_of_text(self) -> str:
        return long_date(self.as_of or self.edition_date)

    @property
    def edition_line(self) -> str:
        line = f"{self.edition}, {self.long_date} (information current to {self.as_of_text})"
        return f"{line}. Scenario: {self.scenario}" if self.scenario else line


def scenario_title(value) -> str:
    """The scenario's title, whether ``scenario:`` is a string or a mapping (title / name)."""
    if not value:
        return ""
    if isinstance(value, dict):
        return str(value.get("title") or value.get("name") or value.get("id") or "").strip()
    return str(value).strip()


def is_placeholder(base_url: str) -> bool:
    """True for no address, or one on a host reserved for examples (the repository's placeholder)."""
    from urllib.parse import urlsplit

    host = (urlsplit(base_url).hostname or "").lower()
    return not host or any(host == h or host.endswith("." + h) for h in PLACEHOLDER_HOSTS)


def effective_base_url(report: dict, environ=None) -> str:
    """``report: base_url``, overridden by the environment variable REPORT_BASE_URL when it is set."""
    import os

    env = (environ if environ is not None else os.environ).get(BASE_URL_ENV, "").strip()
    return env or str(report.get("base_url") or "")


def meta(report: dict) -> Meta:
    """The report block, checked and normalised."""
    missing = [k for k in ("title", "organisation", "edition", "edition_date") if not report.get(k)]
    if missing:
        raise ValueError(f"_config.yml report: block lacks {', '.join(missing)}")
    date = report["edition_date"]
    if not isinstance(date, dt.date):
        date = dt.date.fromisoformat(str(date))
    authors = report.get("authors") or [report["organisation"]]
    if isinstance(authors, str):
        authors = [authors]
    base = str(report.get("base_url") or "").strip()
    if base and not base.endswith("/"):
        base += "/"
    placeholder = base if is_placeholder(base) else ""
    return Meta(
        title=str(report["title"]),
        short_title=str(report.get("short_title") or report["title"]),
        organisation=str(report["organisation"]),
        authors=tuple(author(a).name for a in authors),
        people=tuple(author(a) for a in authors),
        edition=str(report["edition"]),
        edition_date=date,
        base_url="" if placeholder else base,
        licence=str(report.get("licence", "")),
        scenario=scenario_title(report.get("scenario")),
        language=str(report.get("language") or "en"),
        as_of=dt.date.fromisoformat(str(report["as_of"])) if report.get("as_of") else None,
        doi=re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", str(report.get("doi") or "").strip(), flags=re.I),
        placeholder=placeholder or ("(none)" if not base else ""),
    )


def substitutions(report: dict) -> dict[str, str]:
    """The edition metadata as MyST substitutions, so pages write ``{{ edition }}``, never a date
    (the How-to-cite page is written with them). ``base_url`` is "" in a preview."""
    m = meta(report) if report.get("edition_date") else None
    as_of = report.get("as_of") or report.get("edition_date")
    return {
        "report_title": str(report.get("title", "")),
        "edition": str(report.get("edition", "")),
        "edition_date": str(report.get("edition_date", "")),
        "edition_long_date": m.long_date if m else "",
        "as_of": long_date(as_of) if as_of else "",
        "organisation": str(report.get("organisation", "")),
        "licence": m.licence if m else "",
        "scenario": m.scenario if m else "",
        "base_url": m.base_url if m else "",
    }


def tags(m: Meta) -> list[str]:
    """The Sphinx tags a page's ``{only}`` blocks test: ``report_preview`` (no address yet) and
    ``report_scenario`` (a scenario build)."""
    return [tag for tag, on in (("report_preview", m.preview), ("report_scenario", bool(m.scenario))) if on]


def credit_line(m: Meta) -> str:
    """What a downloaded chart image prints under its source (analysis.figures, images):
    ``"Rare Earth Leverage, Second edition (1 December 2026) · Licence: CC BY 4.0"``."""
    line = f"{m.short_title}, {m.edition} ({m.long_date})"
    return f"{line} · Licence: {m.licence}" if m.licence else line
