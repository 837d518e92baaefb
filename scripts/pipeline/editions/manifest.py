"""The edition record: what a published site was built from, and every key figure it states.

Each site carries ``_static/edition.json`` (linked from the "what changed" page)::

    {"edition": {...name, date...}, "scenario": null | {...},
     "inputs": {"data/…csv": sha256, "book/…md": …, "scripts/analysis/…py": …, "book/_config.yml": …},
     "parameters": {chapter: {name: value}}, "tools": {package: version},
     "figures": {chapter: {name: {value, text, unit, dataset, source_ids, label}}}}

It is deterministic (sorted keys, no timestamps: the date is the edition's, from _config.yml),
so two builds of the same inputs give byte-identical files. ``make edition`` stores it in
``editions/<edition>.json``; the next edition's "what changed" page compares against it.

This module also decides whether a build can be skipped altogether: the build state beside the
published site (``.<site>.state.json``) holds the digest of all inputs and of the published tree.
Only the standard library is imported here, so that check stays fast.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from importlib import metadata
from pathlib import Path

from ..config import SCRIPTS

RECORD_URL = "_static/edition.json"
RECORD_FORMAT = 1
TOOLS = ("jupyter-book", "sphinx", "myst-nb", "papermill", "altair", "vl-convert-python", "pandas")
SKIP_PARTS = {"_build", "__pycache__", ".ipynb_checkpoints", ".pytest_cache"}


def digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files(folder: Path, pattern: str = "**/*"):
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(pattern) if p.is_file() and not (SKIP_PARTS & set(p.relative_to(folder).parts)))


def input_files(root: Path, data_dir: Path, *, pipeline_code: bool = False) -> dict[str, Path]:
    """label → path of every input of the report: data, book pages and configuration, library."""
    scripts = SCRIPTS
    found = {f"data/{p.relative_to(data_dir).as_posix()}": p for p in _files(data_dir)}
    found.update({f"book/{p.relative_to(root / 'book').as_posix()}": p for p in _files(root / "book")})
    for library in ("analysis", "masthead"):  # the code the chapters run
        found.update({f"scripts/{library}/{p.name}": p for p in _files(scripts / library, "*.py")})
    if pipeline_code:  # the build's own code: pipeline, Sphinx extensions, everything under scripts/
        for pattern in ("**/*.py", "**/*.js"):  # the chart runtime's JavaScript too (pipeline/pages/runtime_*.js)
            found.update({f"scripts/{p.relative_to(scripts).as_posix()}": p for p in _files(scripts, pattern)})
    return found


def input_hashes(root: Path, data_dir: Path) -> dict[str, str]:
    return {label: digest_bytes(path.read_bytes()) for label, path in sorted(input_files(root, data_dir).items()) if path.exists()}


def tool_versions() -> dict[str, str]:
    versions = {"python": sys.version.split()[0]}
    for name in TOOLS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def build_inputs_digest(root: Path, data_dir: Path, editions_dir: Path, *, overrides=None, scenario=None) -> str:
    """One digest of everything a build reads, for the no-op check (pipeline code included)."""
    files = input_files(root, data_dir, pipeline_code=True)
    files.update({f"editions/{p.name}": p for p in _files(editions_dir, "*.json")})
    if scenario is not None:
        files["scenario"] = scenario
    h = hashlib.sha256()
    for label, path in sorted(files.items()):
        h.update(label.encode() + b"\0")
        h.update(path.read_bytes() if path.exists() else b"<missing>")
        h.update(b"\0")
    from masthead.report import BASE_URL_ENV

    h.update(json.dumps({"overrides": overrides or {}, "tools": tool_versions(),
                         "base_url": os.environ.get(BASE_URL_ENV, "")}, sort_keys=True).encode())
    return h.hexdigest()


def tree_digest(folder: Path) -> str:
    """Digest of a published tree: every file's relative path and bytes."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(digest_bytes(path.read_bytes()).encode())
    return h.hexdigest()


def state_path(output: Path) -> Path:
    return output.parent / f".{output.name}.state.json"


def is_up_to_date(output: Path, inputs_digest: str) -> bool:
    """True when ``output`` was published from exactly these inputs and has not been touched."""
    try:
        state = json.loads(state_path(output).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return False
    if state.get("inputs") != inputs_digest or not (output / "index.html").is_file():
        return False
    return state.get("tree") == tree_digest(output)


def write_state(output: Path, inputs_digest: str, tree: str) -> None:
    path = state_path(output)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"inputs": inputs_digest, "tree": tree}, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def clear_state(output: Path) -> None:
    state_path(output).unlink(missing_ok=True)


def _plain(value):
    """JSON-safe form of a glued value (numbers and text as they are, anything else as text)."""
    if isinstance(value, (bool, int, str)) or value is None:
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else repr(value)
    return repr(value)


def about_the_build(source: Path) -> bool:
    """A page whose notebook computes from the build itself (Data and sources: counts of datasets
    and rows, freshness): its values are not the report's findings, so the edition record and What
    changed leave them out."""
    import re

    return bool(re.search(r"^from pipeline\.pages import", Path(source).read_text(encoding="utf-8"), re.M))


def edition_record(site, data_dir: Path, params: dict[str, dict], executed: dict[str, Path], scenario: dict | None = None) -> dict:
    """The record of this build (see the module docstring)."""
    from .record import glued_values

    report = site.report
    figures = {}
    sources = {c.name: c.source for c in site.chapters}
    for chapter in sorted(executed):
        if chapter in sources and about_the_build(sources[chapter]):
            continue
        figures[chapter] = {
            name: {
                "value": _plain(item.get("value")),
                "text": item.get("text", ""),
                "unit": item.get("unit", ""),
                "dataset": item.get("dataset", ""),
                "source_ids": list(item.get("source_ids", [])),
                "label": item.get("label", name.replace("_", " ")),
            }
            for name, item in sorted(glued_values(executed[chapter]).items())
        }
    return {
        "format": RECORD_FORMAT,
        "edition": {
            "title": report.get("title", ""),
            "name": report.get("edition", ""),
            "date": str(report.get("edition_date", "")),
            "as_of": str(report.get("as_of", "")),
        },
        "scenario": scenario,
        "inputs": input_hashes(site.root, data_dir),
        "parameters": {c.name: {k: _plain(v) for k, v in sorted(params.get(c.name, {}).items())} for c in site.chapters},
        "datasets": {c.name: sorted(c.datasets) for c in site.chapters},
        "tools": tool_versions(),
        "figures": figures,
    }


def dumps(record: dict) -> str:
    return json.dumps(record, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def write_record(record: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(record), encoding="utf-8")
    return path


def edition_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-") or "edition"


def store_edition(site_dir: Path, editions_dir: Path) -> Path:
    """Copy a published site's record into ``editions/<edition>.json`` (``make edition``)."""
    record = json.loads((site_dir / RECORD_URL).read_text(encoding="utf-8"))
    if record.get("scenario"):
        raise ValueError("a scenario build is not an edition: record the baseline report")
    target = editions_dir / f"{edition_slug(record['edition']['name'])}.json"
    return write_record(record, target)
