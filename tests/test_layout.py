"""The package's staged layout: data flows one way, and no import hides a cycle.

Every import of a project module is read from the source (at module top, inside
functions and under ``TYPE_CHECKING`` alike). A stage imports only itself and the
stages before it (docs/architecture.md); no module imports the package root; no
module is longer than about 700 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

SRC = Path(__file__).resolve().parents[1] / "src" / "symbiosis"
# The stages in pipeline order; a module belongs to the first stage its dotted name starts with.
STAGES = (
    ("symbiosis.errors", "symbiosis.types", "symbiosis.geodesy", "symbiosis.version", "symbiosis.bundled"),
    ("symbiosis.schema",),
    ("symbiosis.io.read",),
    ("symbiosis.economics", "symbiosis.measures", "symbiosis.legal"),
    ("symbiosis.io.write",),
    ("symbiosis.generate",),
    ("symbiosis.register",),
    ("symbiosis.candidates",),
    ("symbiosis.model",),
    ("symbiosis.solver",),
    ("symbiosis.results",),
    ("symbiosis.analysis",),
    ("symbiosis.api",),
    ("symbiosis.bench",),
    ("symbiosis.cli", "symbiosis.__main__"),
)
MAX_LINES = 700


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(name: str) -> str:
    """The project module an imported dotted name refers to (a module, or the package holding a name)."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(project module, line, inside a function) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name == "symbiosis" or alias.name.startswith("symbiosis."):
                        found.append((_resolve(alias.name), child.lineno, in_function))
            elif (
                isinstance(child, ast.ImportFrom)
                and child.module
                and child.level == 0
                and (child.module == "symbiosis" or child.module.startswith("symbiosis."))
            ):
                for alias in child.names:
                    full = f"{child.module}.{alias.name}"
                    found.append((_resolve(full) if full in MODULES else _resolve(child.module), child.lineno, in_function))
            visit(child, inner)

    visit(tree, False)
    return found


def _stage(module: str) -> int:
    if module == "symbiosis.io":  # the empty package that holds io.read and io.write
        module = "symbiosis.io.read"
    for i, prefixes in enumerate(STAGES):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return i
    raise AssertionError(f"module {module} belongs to no stage; add it to STAGES and docs/architecture.md")


def test_every_module_has_a_stage() -> None:
    for module in MODULES:
        if module != "symbiosis":
            _stage(module)


def test_no_import_cycle_at_any_depth() -> None:
    graph = nx.DiGraph()
    for module, path in MODULES.items():
        graph.add_node(module)
        for target, _, _ in _imports(path):
            if target != module and not module.startswith(target + "."):
                graph.add_edge(module, target)
    cycles = list(nx.simple_cycles(graph))
    assert not cycles, f"import cycles: {cycles[:5]}"


def test_no_module_imports_the_package_root() -> None:
    bad = [f"{m}:{line}" for m, p in MODULES.items() if m != "symbiosis" for target, line, _ in _imports(p) if target == "symbiosis"]
    assert not bad, f"modules importing the package root: {bad}"


def test_stages_import_only_earlier_stages() -> None:
    bad = []
    for module, path in MODULES.items():
        if module == "symbiosis":
            continue
        for target, line, _ in _imports(path):
            if target != "symbiosis" and _stage(target) > _stage(module):
                bad.append(f"{module}:{line} imports the later stage {target}")
    assert not bad, "\n".join(bad)


def test_project_imports_inside_functions_only_in_the_cli() -> None:
    """Only the command line defers project imports (so that --help and validate start fast)."""
    bad = [
        f"{m}:{line} imports {target} inside a function"
        for m, p in MODULES.items()
        if not m.startswith("symbiosis.cli")
        for target, line, inside in _imports(p)
        if inside
    ]
    assert not bad, "\n".join(bad)


def test_no_module_over_700_lines() -> None:
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"
