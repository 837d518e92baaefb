"""Chapter parameters: what each chapter declares, and the ``-p NAME=VALUE`` overrides.

A chapter declares its parameters in its ``parameters`` cell (papermill's convention); the
default's type is the parameter's type. Optional limits live in the chapter's front matter
(``report: parameters: {name: {min:, max:, choices:}}``). An override is passed to every chapter
that declares it; a name no chapter declares, a value of the wrong type or out of its limits
stops the build before anything runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..config import Chapter
from ..errors import ParameterError


def declared_parameters(notebook: Path) -> dict[str, dict]:
    """name → {"default": python value, "type": type name} from the parameters cell."""
    import papermill  # lazily: the build's plan parses -p before a no-op check, which never needs it

    found = {}
    for name, info in papermill.inspect_notebook(str(notebook)).items():
        default = _literal(info["default"])
        found[name] = {"default": default, "type": type(default).__name__, "help": info.get("help", "")}
    return found


def _literal(text: str):
    import ast

    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_assignments(items: list[str]) -> dict[str, str]:
    """``["a=1", "b=x"]`` → ``{"a": "1", "b": "x"}``; a malformed item is an error."""
    parsed = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ParameterError(f"parameter {item!r}: write it as NAME=VALUE, e.g. -p year=2024")
        parsed[name] = value.strip()
    return parsed


def coerce(name: str, text: str, declared: dict, rules: dict):
    """Convert the text of ``-p name=text`` to the declared type and check its limits."""
    kind = declared["type"]
    try:
        if kind == "bool":
            lowered = text.lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError
            value = lowered in ("true", "1", "yes")
        elif kind == "int":
            value = int(text)
        elif kind == "float":
            value = float(text)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
        elif kind == "str" and rules.get("format") == "date":
            value = dt.date.fromisoformat(text).isoformat()
        else:
            value = text
    except ValueError:
        expected = {"int": "a whole number", "float": "a number", "bool": "true or false"}.get(kind, "an ISO date (YYYY-MM-DD)")
        raise ParameterError(f"parameter {name}={text!r}: expected {expected} (default {declared['default']!r})") from None
    if "min" in rules and value < rules["min"]:
        raise ParameterError(f"parameter {name}={text}: must be at least {rules['min']} (rule: minimum)")
    if "max" in rules and value > rules["max"]:
        raise ParameterError(f"parameter {name}={text}: must be at most {rules['max']} (rule: maximum)")
    if "choices" in rules and value not in rules["choices"]:
        raise ParameterError(f"parameter {name}={text}: must be one of {rules['choices']} (rule: choices)")
    return value


def resolve(
    chapters: list[Chapter],
    notebooks: dict[str, Path],
    overrides: dict[str, str],
    per_chapter: dict[str, dict[str, str]] | None = None,
    report_values: dict[str, str] | None = None,
) -> dict[str, dict]:
    """The parameters to pass to each chapter: chapter name → {name: typed value}.

    ``report_values`` (the report-wide settings chapters share, e.g. ``as_of`` from the
    ``report:`` block) go to every chapter that declares the name, so no two chapters can disagree;
    ``overrides`` go to every chapter that declares the name; ``per_chapter`` (scenario files)
    only to the named chapter. Unknown names are errors.
    """
    declared = {c.name: declared_parameters(notebooks[c.name]) for c in chapters}
    everyone = sorted({p for params in declared.values() for p in params} - {"data_dir"})
    for name in overrides:
        if name == "data_dir":
            raise ParameterError("parameter data_dir: use --data-dir PATH instead of -p data_dir=…")
        if not any(name in params for params in declared.values()):
            raise ParameterError(f"unknown parameter {name!r}: no chapter declares it (known: {', '.join(everyone)})")
    for chapter_name, params in (per_chapter or {}).items():
        if chapter_name not in declared:
            raise ParameterError(f"unknown chapter {chapter_name!r} in scenario (chapters: {', '.join(declared)})")
        for name in params:
            if name not in declared[chapter_name]:
                raise ParameterError(f"unknown parameter {name!r} for chapter {chapter_name!r} "
                                     f"(it declares: {', '.join(declared[chapter_name])})")
    resolved: dict[str, dict] = {}
    for chapter in chapters:
        mine = declared[chapter.name]
        values = {}
        texts = {k: str(v) for k, v in (report_values or {}).items() if k in mine}
        texts.update({k: v for k, v in overrides.items() if k in mine})
        texts.update({k: str(v) for k, v in (per_chapter or {}).get(chapter.name, {}).items()})
        for name, text in sorted(texts.items()):
            values[name] = coerce(name, text, mine[name], chapter.parameter_rules.get(name, {}))
        resolved[chapter.name] = values
    return resolved
