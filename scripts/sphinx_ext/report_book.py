"""Sphinx extension: what the fast build's stage adds to the book, for a book built straight from
``book/`` (``jupyter-book build book/``).

``scripts/build.py`` stages a copy of ``book/`` with what is made from ``data/``: the
bibliography (``references.bib``, from ``data/sources.csv``) and the Data and sources page's
downloads (every dataset and the "download all data" zip, under ``datasets/``, with the zip's name
and size as substitutions); with the chart runtime (``_static/vega-runtime.js``); and it replaces
each ``{keycite}`figure``` with a citation of the figure's sources from the edition record.
Built straight from ``book/``, the source folder has none of these files: this extension then
writes them, with the same function as the stage (``pipeline.stages.stage.data_files``), into
the build's own folder (beside its ``.doctrees``, never into ``book/``), with the figures'
downloads the chapters' kernels write; points Sphinx at them (the page's download links to
``datasets/…`` are pointed at that folder before Sphinx collects them); and ``{keycite}`` cites
the sources the chapter's notebook glued with the figure (``Chapter.glue``, analysis.chapters).
A staged book is left as it is.
"""

from __future__ import annotations

import os
from pathlib import Path

from docutils.parsers.rst import roles
from sphinx import addnodes
from sphinx.util import logging

from pipeline.pages.datafiles import DATASETS_DIR

LOG = logging.getLogger(__name__)
# the stage's bibliography (pipeline.stages.stage.BIBLIOGRAPHY; that module is imported only for a
# book built straight from book/: it loads jupytext, which a staged build's Sphinx does not need)
BIB_NAME = "references.bib"


def staged(app) -> bool:
    """The book is a staging copy (scripts/build.py): the stage wrote its bibliography."""
    return (Path(app.srcdir) / BIB_NAME).is_file()


def made_dir(app) -> Path:
    """Where a book built straight from ``book/`` gets what the stage would have written: in the
    build's own folder, beside its ``.doctrees``."""
    return Path(app.doctreedir).resolve().parent / "report_book"


def on_config_inited(app, config) -> None:
    if staged(app):
        return
    from analysis.figures import FIGURE_DIR_ENV
    from masthead.report import effective_base_url, read_report
    from pipeline.pages import runtime
    from pipeline.stages.assemble import edition_epoch
    from pipeline.stages.stage import data_files

    data_dir = Path(app.srcdir).resolve().parent / "data"  # the repository's, beside book/
    made = made_dir(app)
    report = read_report(Path(app.srcdir) / "_config.yml")
    report["base_url"] = effective_base_url(report)  # as the stage reads it (Site.report)
    # the bibliography and the Data and sources page's downloads, and the zip's name and size
    # for the page's {{ data_bundle }} and {{ data_bundle_kb }}
    bundle = data_files(report, data_dir, made)
    config.bibtex_bibfiles = [str(made / BIB_NAME)]
    config.myst_substitutions = {**(config.myst_substitutions or {}), **bundle}
    static = made / "_static"
    static.mkdir(parents=True, exist_ok=True)
    runtime.write_runtime(static / runtime.RUNTIME_NAME, made / "cache")
    # the figures' downloads, which a chapter's kernel writes under its working folder (book/)
    # unless told otherwise (analysis.figures); the kernels inherit this process's environment
    os.environ[FIGURE_DIR_ENV] = str(static / "figures")
    # the pages' "last updated" is the edition's date, as the fast build dates them
    edition_date = report.get("edition_date")
    if edition_date:
        os.environ.setdefault("SOURCE_DATE_EPOCH", edition_epoch(str(edition_date)))
    config.html_static_path = [*config.html_static_path, str(static)]


def on_doctree_read(app, doctree) -> None:
    """A download link to ``datasets/…`` (book/data_sources.md) names a file the stage writes
    beside the page; built straight from ``book/``, that file is in the build's own folder
    (``on_config_inited``), and the link is pointed there. Runs before Sphinx's download
    collector (priority 500), which copies the file into the site's ``_downloads/``."""
    if staged(app):
        return
    page_dir = (Path(app.srcdir) / app.env.docname).parent
    made = made_dir(app)
    for node in doctree.findall(addnodes.download_reference):
        target = node.get("reftarget", "")
        # as Sphinx reads it: from the source folder when it starts with "/", else from the page's
        relative = Path(os.path.normpath(target.lstrip("/") if target.startswith("/")
                                         else os.path.relpath(page_dir / target, app.srcdir)))
        if relative.parts[:1] == (DATASETS_DIR,) and (made / relative).is_file():
            node["reftarget"] = os.path.relpath(made / relative, page_dir)


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
    app.connect("doctree-read", on_doctree_read, priority=400)  # before the download collector (500)
    app.add_role("keycite", keycite_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
