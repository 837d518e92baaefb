"""The house in rooms: imports in scripts/ run one way, and the build keeps its rooms.

The import graph is read from the source with ``ast`` (every ``import`` and ``from … import``,
those inside functions too, since a lazy import is still a dependency), so the test needs nothing
to be importable and fails on the first circle or upward import a change brings in.
"""

from __future__ import annotations

import ast
from pathlib import Path

from report_root import REPO

SCRIPTS = REPO / "scripts"
# The build's rooms (scripts/pipeline/<room>/) and the few modules that stay at its top: the flow
# that calls the stages (run), the plan it resolves first, the site it reads, the errors it reports.
ROOMS = {"stages", "speed", "editions", "pages"}
TOP_MODULES = {"__init__", "run", "plan", "config", "errors"}
STAGES = ("validate", "stage", "execute", "assemble", "publish")


def module_name(path: Path) -> str:
    """``scripts/pipeline/stages/stage.py`` → ``pipeline.stages.stage``; sphinx_ext and the
    command-line scripts by their file name (they are loaded by path)."""
    parts = list(path.relative_to(SCRIPTS).with_suffix("").parts)
    if parts[0] == "sphinx_ext":
        parts = parts[1:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {module_name(p): p for p in SCRIPTS.rglob("*.py") if "__pycache__" not in p.parts}
    assert "pipeline.run" in found and "analysis.figures" in found, sorted(found)
    return found


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of scripts/ that ``name`` imports (resolved to the most specific known module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            wanted = [[alias.name] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".") if package else []
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            wanted = [[f"{base}.{alias.name}", base] for alias in node.names]  # a module, else a name in one
        else:
            continue
        for candidates in wanted:
            for candidate in candidates:
                parts = candidate.split(".")
                while parts and ".".join(parts) not in known:
                    parts.pop()
                if parts:
                    if ".".join(parts) != name:
                        targets.add(".".join(parts))
                    break
    return targets


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports(name, path, known) for name, path in found.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in edges.get(node, ()):
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def test_the_graph_sees_the_imports():
    edges = graph()
    assert "pipeline.stages.validate" in edges["pipeline.run"] or "pipeline.stages" in edges["pipeline.run"]
    assert "analysis.datapackage" in edges["pipeline.stages.validate"]
    assert "masthead.report" in edges["analysis.figures"]


def test_no_import_circle_in_scripts():
    assert cycles(graph()) == []


def test_a_circle_is_seen():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_analysis_library_never_imports_the_build():
    edges = graph()
    upward = sorted(f"{name} → {target}" for name, targets in edges.items() if name.split(".")[0] == "analysis"
                    for target in targets if target.split(".")[0] == "pipeline")
    assert upward == []


def test_the_masthead_imports_nothing_of_the_report():
    edges = graph()
    assert {t for name, ts in edges.items() if name.startswith("masthead") for t in ts if not t.startswith("masthead")} == set()


def test_the_pipeline_is_rooms_not_loose_modules():
    folder = SCRIPTS / "pipeline"
    rooms = {p.name for p in folder.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert rooms == ROOMS
    assert {p.stem for p in folder.glob("*.py")} <= TOP_MODULES
    assert {p.stem for p in (folder / "stages").glob("*.py")} - {"__init__"} == set(STAGES)
    for room in ROOMS:
        assert len(list((folder / room).glob("*.py"))) > 1, f"pipeline/{room} holds no module"
