"""The report's interface words: ``book/_interface.yml``, read in one place.

Words a reader sees that belong to no one page (the footer, the citation notes, the files a reader
downloads, the Data page's table cells, the note under an in-page model) are written in the
catalog, as a translation catalog holds them: each key (``footer.as_of``: a section, then a name)
maps to a template whose ``{fields}`` the build fills. A module keeps the key and the values, never
the words, so a translator or editor changes them in one place.

The catalog is read again when the file changes (a preview or a long-lived kernel sees an edit).
A template that names a field the build does not fill, or a key the catalog lacks, is an error that
names the key.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

# beside the pages: the book folder of the repository this module belongs to (which also holds
# the templates of the files a reader downloads, such as the data bundle's README)
BOOK = Path(__file__).resolve().parents[2] / "book"
CATALOG = BOOK / "_interface.yml"


class CatalogError(ValueError):
    """The catalog lacks a key, or a template names a field the build does not fill."""


@lru_cache(maxsize=4)
def _parse(content: bytes) -> dict:
    import yaml  # lazily, as masthead.report does

    data = yaml.safe_load(content.decode("utf-8")) or {}
    if not isinstance(data, dict):
        raise CatalogError(f"{CATALOG.name}: the catalog must be a mapping of keys to templates")
    return data


def catalog(path: Path | None = None) -> dict:
    """The whole catalog (as parsed YAML; ``CATALOG`` unless ``path``). The file is read at every
    call (a few kilobytes) and parsed once per content, so an edit is seen at once."""
    return _parse(Path(path or CATALOG).read_bytes())


def entry(key: str, path: Path | None = None):
    """The catalog's value for ``key`` ("section.name"): a template or a mapping of them."""
    value = catalog(path)
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            raise CatalogError(f"{Path(path or CATALOG).name}: no entry {key!r}")
        value = value[part]
    return value


def text(key: str, /, **fields) -> str:
    """The words for ``key`` with their ``{fields}`` filled: ``text("footer.as_of", as_of="1 May 2026")``."""
    return _fill(key, _template(key), fields)


def markup(key: str, /, **fields) -> str:
    """The words for ``key`` as HTML text (``&``, ``<``, ``>`` escaped; quotes left as they are),
    their ``{fields}`` filled with ``fields`` as given: markup the caller has made safe (a link)."""
    from html import escape

    return _fill(key, escape(_template(key), quote=False), fields)


def _template(key: str) -> str:
    template = entry(key)
    if not isinstance(template, str):
        raise CatalogError(f"{CATALOG.name}: entry {key!r} is not a template (a mapping? read it with table())")
    return template


def _fill(key: str, template: str, fields: dict) -> str:
    try:
        return template.format_map(fields)
    except (KeyError, IndexError) as missing:
        raise CatalogError(f"{CATALOG.name}: entry {key!r} names the field {missing}, which the build does not"
                           f" fill (it fills: {', '.join(sorted(fields)) or 'none'})") from None


def table(key: str) -> dict[str, str]:
    """A mapping of codes to words (``table("data_page.grades")["P"]`` → "primary")."""
    value = entry(key)
    if not isinstance(value, dict):
        raise CatalogError(f"{CATALOG.name}: entry {key!r} is not a mapping of codes to words")
    return {str(code): str(words) for code, words in value.items()}
