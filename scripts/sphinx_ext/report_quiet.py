"""Sphinx extension: keep sphinx-thebe out of the report's pages.

Jupyter Book always loads ``sphinx_thebe``, even with ``launch_buttons: thebe: false``. It puts
on every page a script declaring ``const THEBE_JS_URL`` twice (a page error in every browser),
a loader script, a stylesheet and a config block naming unpkg.com and GitHub. None of it does
anything in this report (code cells are hidden; readers may be offline), so this extension
disconnects sphinx-thebe's handlers before any page is read and drops its stylesheet.
"""

from __future__ import annotations

THEBE_MODULE = "sphinx_thebe"
THEBE_EVENTS = ("builder-inited", "env-before-read-docs", "doctree-resolved")


def _disconnect_thebe(app) -> None:
    for event in THEBE_EVENTS:
        for listener in list(app.events.listeners.get(event, [])):
            if getattr(listener.handler, "__module__", "") == THEBE_MODULE:
                app.disconnect(listener.id)


def _is_thebe(asset) -> bool:
    name = str(getattr(asset, "filename", asset) or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in name or "THEBE" in body


def _drop_thebe_assets(app, pagename, templatename, context, doctree) -> None:
    for key in ("css_files", "script_files"):
        if context.get(key):
            context[key][:] = [asset for asset in context[key] if not _is_thebe(asset)]


def setup(app):
    # priority 1: runs before sphinx-thebe's own builder-inited handler (which adds its files)
    app.connect("builder-inited", _disconnect_thebe, priority=1)
    app.connect("html-page-context", _drop_thebe_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
