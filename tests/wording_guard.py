"""The guard's reader: string literals of six or more words in Python source (tests/test_wording_guard.py).

A literal is a string constant, or an f-string's literal parts read as one text; its words are the
pieces between spaces that hold two letters in a row (an identifier such as ``ecar_demand_pct`` is
one word, "5 t" none). Not counted, because they are not report prose:
- docstrings (a module's, class's or function's first statement);
- error messages: any literal inside a ``raise`` statement, or passed to ``warnings.warn`` or to a
  logger or reporter (a call named ``warning``, ``error``, ``info`` or ``debug``: Sphinx's log and
  docutils' system messages, read by the analyst in the build's output); and another program's
  message this one recognises (a literal assigned to a name ending in ``MESSAGE``);
- messages to the analyst, printed at build time: any literal inside a function whose name ends in
  ``_warning``, ``_warnings`` or ``_problems`` (such a function returns the build's warnings or the
  validator's messages, e.g. ``freshness.overdue_warnings``, ``freshness.declaration_problems``,
  ``citation.base_url_warning``; the caller prints them, never a page);
- code: a Vega expression, that is a literal passed to a Vega-Lite transform (a method named
  ``transform_*``, such as ``chart.transform_calculate(gap="datum.a - datum.b")``) or as an
  ``expr=`` keyword. (Other JavaScript is kept in .js files, which the guard does not read.)

A key figure's label and a chart's tooltip are words a reader sees (on What changed, in a key
figure's note, on hover), so they are counted like any other: a chapter's page writes them, in its
``{labels}`` block and in the ``tooltip`` of the figure's ``{figure-text}`` block
(``analysis.wordings``), and the module reads them (``Chapter.labels``, ``Chapter.tooltip``).

Markup is counted on its text only: a literal that holds an HTML or SVG tag (``<p ...>``, ``</a>``,
``<rect .../>``) or comment is read without its tags, so the words between them count and the
attributes do not: ``'<p><strong>Explore the model:</strong> the sliders …</p>'`` is still prose,
``'<div class="vega-chart" id="…" role="img" aria-label="…"></div>'`` is not.
"""

from __future__ import annotations

import ast
import re

LETTERS = re.compile(r"[A-Za-z]{2}")
LONG = 6
# an HTML/SVG tag (opening, closing or self-closing) or comment: markup, not words
TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>]*>", re.S)
LOG_CALLS = ("warn", "warning", "error", "info", "debug")  # warnings.warn, a logger, docutils' reporter
MESSAGE_FUNCTIONS = ("_warning", "_warnings", "_problems")  # functions that return the analyst's messages


def words(text: str) -> int:
    return sum(1 for piece in text.split() if LETTERS.search(piece))


def _text(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return " ".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return None


def reader_text(text: str) -> str:
    """What a reader would read of a literal: markup without its tags (see the module docstring)."""
    return TAG.sub(" ", text) if TAG.search(text) else text


def _excused(tree: ast.AST) -> set[int]:
    """The ids of nodes whose literals the guard allows (see the module's docstring)."""
    allowed: set[int] = set()

    def allow(node):
        allowed.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and _text(body[0].value) is not None:
                allow(body[0])
            if not isinstance(node, (ast.Module, ast.ClassDef)) and node.name.endswith(MESSAGE_FUNCTIONS):
                allow(node)
        elif isinstance(node, ast.Raise):
            allow(node)
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id.endswith("MESSAGE") for t in node.targets):
            allow(node)
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in LOG_CALLS or name.startswith("transform_"):
                allow(node)
            for keyword in node.keywords:
                if keyword.arg == "expr":
                    allow(keyword)
    return allowed


def long_literals(source: str, excuse: bool = True) -> list[tuple[int, str]]:
    """(line, text) of every literal of six or more words in ``source`` that the guard does not
    allow (``excuse=False``: the review's count, docstrings alone left out)."""
    tree = ast.parse(source)
    allowed = _excused(tree) if excuse else set()
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.body and isinstance(node.body[0], ast.Expr):
                docstrings.add(id(node.body[0].value))
    inner = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    found = []
    for node in ast.walk(tree):
        if id(node) in allowed or id(node) in docstrings or id(node) in inner:
            continue
        text = _text(node)
        if text is not None and words(reader_text(text)) >= LONG:
            found.append((node.lineno, " ".join(reader_text(text).split()) if TAG.search(text) else text))
    return sorted(found)


def tooltip_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every literal a ``sentence(...)`` call is given (``charts.sentence``), of any
    length: a chart's tooltip is its page's (``Chapter.tooltip``), never a module's."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "sentence":
                found += [(n.lineno, _text(n)) for arg in node.args for n in ast.walk(arg) if _text(n) is not None]
    return sorted(found)


AXIS_TITLE_ARGS = ("x_title", "y_title", "value_title")  # the chart library's axis-title parameters
AXIS_CHANNEL_CALLS = ("X", "Y")  # alt.X / alt.Y


def axis_title_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every non-empty literal given as an axis title: a chart library call's
    ``x_title``/``y_title``/``value_title`` or ``alt.X``/``alt.Y``'s ``title``. An axis title is its
    page's (``axes:`` in the figure's {figure-text} block); the module leaves it empty."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for keyword in node.keywords:
            titled = keyword.arg in AXIS_TITLE_ARGS or (keyword.arg == "title" and name in AXIS_CHANNEL_CALLS)
            text = _text(keyword.value) if titled else None
            if text:
                found.append((keyword.value.lineno, text))
    return sorted(found)
