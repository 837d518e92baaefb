"""The guard's reader: string literals of six or more words in Python source (tests/test_wording_guard.py).

A literal is a string constant, or an f-string's literal parts read as one text; its words are the
pieces between spaces that hold two letters in a row (an identifier such as ``ecar_demand_pct`` is
one word, "5 t" none). Not counted, because they are not report prose:
- docstrings (a module's, class's or function's first statement);
- error messages: any literal inside a ``raise`` statement, or passed to ``warnings.warn``;
- edition-record labels: the ``label=`` of a key figure (``ch.key(..., label=...)``);
- tooltip templates: the argument of ``charts.sentence(...)`` (what a chart's tooltip says about
  a mark, filled by the browser, field by field).
"""

from __future__ import annotations

import ast
import re

LETTERS = re.compile(r"[A-Za-z]{2}")
LONG = 6


def words(text: str) -> int:
    return sum(1 for piece in text.split() if LETTERS.search(piece))


def _text(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return " ".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return None


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
        elif isinstance(node, ast.Raise):
            allow(node)
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "sentence" or name == "warn":
                allow(node)
            for keyword in node.keywords:
                if keyword.arg == "label":
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
        if text is not None and words(text) >= LONG:
            found.append((node.lineno, text))
    return sorted(found)
