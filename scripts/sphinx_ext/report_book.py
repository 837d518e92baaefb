"""Sphinx extension: what the fast build's stage adds to the book, for a book built straight from
``book/`` (``jupyter-book build book/``).

``scripts/build.py`` stages a copy of ``book/`` with the bibliography made from
``data/sources.csv`` (``references.bib``) and the chart runtime (``_static/vega-runtime.js``), and
replaces each ``{keycite}`figure``` with a citation of the figure's sources from the edition
record. Built straight from ``book/``, the source folder has neither file: this extension then
writes them into the build's own folder (beside its ``.doctrees``, never into ``book/``), with the
figures' downloads the chapters' kernels write, and points Sphinx at them; ``{keycite}`` cites
the sources the chapter's notebook glued with the figure (``analysis.keyfigures.key``). A staged
book is left as it is.
"""

from __future__ import annotations

import os
from pathlib import Path

from docutils.parsers.rst import roles
from sphinx.util import logging

LOG = logging.getLogger(__name__)
BIB_NAME = "references.bib"


def staged(app) -> bool:
    """The book is a staging copy (scripts/build.py): the stage wrote its bibliography."""
    return (Path(app.srcdir) / BIB_NAME).is_file()


def on_config_inited(app, config) -> None:
    if staged(app):
        return
    from analysis.figures import FIGURE_DIR_ENV
    from masthead.report import read_report
    from pipeline.pages import appendix, runtime
    from pipeline.stages.assemble import edition_epoch

    data_dir = Path(app.srcdir).resolve().parent / "data"  # the repository's, beside book/
    made = Path(app.doctreedir).resolve().parent / "report_book"
    config.bibtex_bibfiles = [str(appendix.write_bibliography(data_dir, made / BIB_NAME))]
    static = made / "_static"
    static.mkdir(parents=True, exist_ok=True)
    runtime.write_runtime(static / runtime.RUNTIME_NAME, made / "cache")
    # the figures' downloads, which a chapter's kernel writes under its working folder (book/)
    # unless told otherwise (analysis.figures); the kernels inherit this process's environment
    os.environ[FIGURE_DIR_ENV] = str(static / "figures")
    # the pages' "last updated" is the edition's date, as the fast build dates them
    edition_date = read_report(Path(app.srcdir) / "_config.yml").get("edition_date")
    if edition_date:
        os.environ.setdefault("SOURCE_DATE_EPOCH", edition_epoch(str(edition_date)))
    config.html_static_path = [*config.html_static_path, str(static)]


def keycite_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{keycite}`figure```: a citation of the sources the page's notebook glued with the figure
    (the staged build has already replaced every one from the edition record)."""
    from myst_nb.ext.glue.utils import RetrievalError, retrieve_glue_data

    key = text.strip()
    try:
        found = retrieve_glue_data(inliner.document, key)
        ids = list(dict.fromkeys((found.metadata.get("report") or {}).get("source_ids") or []))
    except RetrievalError as exc:
        ids, problem = [], str(exc)
    else:
        problem = ""
    if not ids:
        message = inliner.reporter.error(f"{{keycite}}`{key}`: {problem or f'key figure {key!r} records no source ids'}",
                                         line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    cite, messages = roles.role("footcite:p", inliner.language, lineno, inliner.reporter)
    nodes_, more = cite("footcite:p", f"{{footcite:p}}`{','.join(ids)}`", ",".join(ids), lineno, inliner,
                        options or {}, content or [])
    return nodes_, messages + more


def setup(app):
    app.connect("config-inited", on_config_inited)
    app.add_role("keycite", keycite_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
