"""Read what an executed chapter notebook glued: its key figures, values and provenance.

The edition record, the "what changed" page and the tests all read key figures from the
executed notebooks through this one function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat

GLUE_PREFIX = "application/papermill.record/"


def glued_values(executed: Path) -> dict[str, dict]:
    """name → {"value": python value, "text": text/plain, **provenance} for every key figure (glued
    with its provenance by ``Chapter.glue``, analysis.chapters; the figures and tables a chapter
    glues to place them in its text are not values and are left out)."""
    notebook = nbformat.read(executed, as_version=4)
    found: dict[str, dict] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {})
            scrap = meta.get("scrapbook")
            if not scrap or "report" not in meta:
                continue
            text = output.get("data", {}).get(GLUE_PREFIX + "text/plain") or output.get("data", {}).get("text/plain", "")
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                value = text
            found[scrap["name"]] = {"value": value, "text": text, **meta.get("report", {})}
    return found
