"""Citations that follow the data: ``{keycite}`exports_latest_t``` cites the sources of a key figure.

A sentence that quotes a value from a data row must cite that row's source, and the row can
change: when April is added to the monthly exports, "the latest month reported" is April and its
source is April's article, not March's. A citation typed next to the glued value would stay on
March. So the chapter writes ``{keycite}`name``` (or ``{keycite}`chapter.ipynb::name```, as glue
names another chapter's figure) where it would type ``{footcite:p}`…```; after the chapters have run, the build
replaces it in the executed notebooks with ``{footcite:p}`<the figure's source ids>``` from the
edition record, the same glue that carries the value. A figure with no source ids is an error:
the sentence would cite nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import BuildError

ROLE = re.compile(r"\{keycite\}`([^`]+)`")


class CitationError(BuildError):
    stage = "edition"


def source_ids(figures: dict, chapter: str, ref: str) -> list[str]:
    """The source ids of key figure ``ref`` ("name" in ``chapter``, or "other::name")."""
    where, _, name = ref.strip().rpartition("::")
    where = where.removesuffix(".ipynb")  # as glue writes another page's figure: index.ipynb::name
    item = figures.get(where or chapter, {}).get(name)
    if item is None:
        raise CitationError(f"{chapter}: {{keycite}}`{ref}` names no key figure of chapter {where or chapter}")
    ids = [i for i in item.get("source_ids") or [] if i]
    if not ids:
        raise CitationError(f"{chapter}: {{keycite}}`{ref}` cites key figure {name}, which records no source ids"
                            " (give them to its key(..., source_ids=...))")
    return ids


def resolve_text(text: str, figures: dict, chapter: str) -> str:
    return ROLE.sub(lambda m: "{footcite:p}`" + ",".join(dict.fromkeys(source_ids(figures, chapter, m.group(1)))) + "`",
                    text)


def apply(stage_dir: Path, record: dict) -> int:
    """Replace every keycite in the executed chapters under ``stage_dir``; returns how many."""
    import nbformat

    figures, count = record.get("figures", {}), 0
    for chapter in figures:
        path = Path(stage_dir) / f"{chapter}.ipynb"
        if not path.is_file():
            continue
        notebook = nbformat.read(path, as_version=4)
        changed = False
        for cell in notebook.cells:
            if cell.cell_type == "markdown" and "{keycite}" in cell.source:
                count += len(ROLE.findall(cell.source))
                cell.source, changed = resolve_text(cell.source, figures, chapter), True
        if changed:
            nbformat.write(notebook, path)
    return count
