"""The "download all data" bundle on the Data and sources page: one zip a reader can take away.

It holds, in one folder named for the report and edition, a ``README.md`` (title, licence, edition,
how current the data are, how to cite: written in ``book/_data_readme.md``, filled here),
``datapackage.json`` (schemas, units, rules), ``sources.csv`` (the source registry), every dataset
CSV of the descriptor, and ``CHANGELOG.md`` when ``data/`` has one. Files are copied byte for byte.
Every entry carries the edition date as its time stamp and the same permissions, in a fixed order,
so two builds from the same data give the same zip, byte for byte (the site's rebuilds stay
identical).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from analysis.datapackage import read_descriptor, unguarded_bytes
from masthead import interface

from .citation import Meta, cite_text, page_url
from .datafiles import checked_path, datasets, read_sources

README = "README.md"
# the README's words: a template beside the pages (not a page itself: its name starts with "_")
README_TEMPLATE = interface.BOOK / "_data_readme.md"
CHANGELOG = "CHANGELOG.md"


def bundle_name(m: Meta) -> str:
    """``rare-earth-leverage-first-edition-data.zip``: names the report and the edition."""
    slug = re.sub(r"[^a-z0-9]+", "-", f"{m.short_title} {m.edition}".lower()).strip("-")
    return f"{slug}-data.zip"


def _latest(values) -> str:
    dates = sorted(v for v in values if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v or ""))
    return dates[-1] if dates else ""


def readme_text(m: Meta, package: dict, sources: list[dict], files: list[str]) -> str:
    """The bundle's README: what it is, its licence and edition, how current, how to cite, what is in
    it. Its words are the template ``book/_data_readme.md``; this fills it with the edition's values."""
    licences = [lic.get("title") or lic.get("name") for lic in package.get("licenses", []) or []]
    licence = m.licence or ", ".join(x for x in licences if x)
    # derived rows (quality D) are dated by this edition, not by what a publisher said: left out
    published = [s for s in sources if s.get("quality") != "D"]
    newest, accessed = _latest(s.get("date", "") for s in published), _latest(s.get("accessed", "") for s in sources)
    data_page = page_url(m, "data_sources.html")
    resources = {r["path"]: r for r in datasets(package)}
    return readme_template().render(
        title=m.title, edition=m.edition, long_date=m.long_date, as_of=m.as_of_text, scenario=m.scenario,
        organisation=m.organisation, licence=licence, newest=newest, accessed=accessed, data_page=data_page,
        cite=lambda chapter: cite_text(m, data_page, chapter=chapter),
        files=[(name, resources[name].get("title") or resources[name].get("name"))
               for name in files if name in resources],
        changelog=CHANGELOG in files)


def readme_template():
    """``book/_data_readme.md`` as a Jinja template (Markdown; ``{{ field }}``, ``{% if %}``): lines
    that hold only a block tag leave nothing behind, and a value never fills in a missing field."""
    import jinja2

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                     keep_trailing_newline=True, autoescape=False)
    return environment.from_string(README_TEMPLATE.read_text(encoding="utf-8"))


def write_bundle(data_dir: Path, target: Path, m: Meta) -> Path:
    """Write the zip of ``data_dir`` to ``target``; returns ``target``."""
    data_dir, target = Path(data_dir), Path(target)
    package = read_descriptor(data_dir)
    sources = read_sources(data_dir, package)
    names = ["datapackage.json", "sources.csv"] + [checked_path(r) for r in datasets(package)]
    if (data_dir / CHANGELOG).is_file():
        names.append(CHANGELOG)
    folder = target.name.removesuffix(".zip")
    d = m.edition_date
    stamp = (max(d.year, 1980), d.month, d.day, 0, 0, 0)  # zip time stamps start in 1980
    contents = [(README, readme_text(m, package, sources, names).encode("utf-8"))]
    contents += [(name, unguarded_bytes(data_dir / name) if name.endswith(".csv") else (data_dir / name).read_bytes())
                 for name in names]  # a download put back into data/ is published without its formula guard
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for name, data in contents:
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            info.create_system = 3  # Unix, whatever machine builds it
            archive.writestr(info, data, compresslevel=9)
    tmp.replace(target)
    return target
