"""The package's layout: sub-packages by concept, imports pointing one way, small modules.

Layers, each importing only itself and the layers before it (plus the cross-cutting
``sim.errors`` and the package face ``sim`` for ``__version__``):

    model < input < numerics < running < analyses < presentation < io < explore < cli

The model sits below input because input validates parameter overrides against the model's
parameter table; data still flows input -> model -> numerics -> running -> analyses. The
explorer (a web app over the same runs and views) sits just below the command line.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIM = ROOT / "sim"
LAYERS = [
    "model", "input", "numerics", "running", "analyses", "presentation", "io", "explore", "cli",
]  # fmt: skip
CROSS_CUTTING = {"errors", "sim"}
CALCULATION = {"model", "input", "numerics", "running", "analyses"}
TOP_LEVEL_MODULES = {"__init__", "__main__", "cli", "errors"}
MAX_LINES = 400
OVERSIZE = {  # modules allowed past MAX_LINES, each with its reason
    "sim/model/parameters.py": "the declaration table of every parameter, one entry each",
    "sim/input/scenario.py": "the scenario schema and its cross-field rules (to be split)",
    "sim/input/messages.py": "pydantic error translation, one branch per error type",
    "sim/model/equations.py": "the one written form of every equation, with its symbols",
}


def modules() -> list[Path]:
    return sorted(p for p in SIM.rglob("*.py") if "scenarios" not in p.parts)


def dotted(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "sim"
    return "cli" if parts[1] == "__main__" else parts[1]


def imports(path: Path, top_level_only: bool = False, only_sim: bool = True) -> list[str]:
    """Modules ``path`` imports (function-level imports too, unless told), from ``sim`` only
    unless ``only_sim`` is false."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = []
    for node in nodes:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
            found += [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names]
    return [m for m in found if not only_sim or m == "sim" or m.startswith("sim.")]


def existing(module: str) -> bool:
    base = ROOT.joinpath(*module.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def test_imports_point_one_way_through_the_layers() -> None:
    rank = {name: i for i, name in enumerate(LAYERS)}
    wrong = []
    for path in modules():
        src = layer(dotted(path))
        for target in filter(existing, imports(path)):
            dst = layer(target)
            if dst in CROSS_CUTTING or dst == src:
                continue
            if src in CROSS_CUTTING or rank[dst] > rank[src]:
                wrong.append(f"{dotted(path)} ({src}) imports {target} ({dst})")
    assert not wrong, "\n".join(wrong)


def test_calculation_never_imports_matplotlib() -> None:
    offenders = [
        dotted(p)
        for p in modules()
        if layer(dotted(p)) in CALCULATION
        and re.search(r"^\s*(from|import) matplotlib", p.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []


def test_no_import_circles_between_modules() -> None:
    graph = {
        dotted(p): {t for t in imports(p, top_level_only=True) if existing(t) and t != dotted(p)}
        for p in modules()
    }
    graph = {m: {t if t in graph else t.rsplit(".", 1)[0] for t in ts} for m, ts in graph.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt.endswith("__init__") or nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_only_the_package_face_the_cli_and_errors_sit_directly_in_sim() -> None:
    assert {p.stem for p in SIM.glob("*.py")} <= TOP_LEVEL_MODULES


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small(path: Path) -> None:
    name = str(path.relative_to(ROOT))
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES or name in OVERSIZE, f"{name}: {lines} lines"


def test_the_oversize_list_holds_no_module_that_is_small_again() -> None:
    for name in OVERSIZE:
        assert len((ROOT / name).read_text(encoding="utf-8").splitlines()) > MAX_LINES, name


def test_no_name_prefix_namespaces() -> None:
    """Three or more modules of one package sharing a prefix want a sub-package instead."""
    for package in {p.parent for p in modules()}:
        prefixes = Counter(
            p.stem.split("_")[0] for p in package.glob("*.py") if "_" in p.stem.strip("_")
        )
        assert [k for k, n in prefixes.items() if n >= 3] == [], package


def test_development_tools_do_not_ship_in_the_package() -> None:
    assert not (SIM / "calibration.py").exists() and not (SIM / "network.py").exists()
    for path in modules():
        assert not any(m.split(".")[0] == "tools" for m in imports(path, only_sim=False)), path
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'include = ["sim", "sim.*"]' in text  # the wheel holds sim only, never tools/


def test_every_public_exception_is_in_the_errors_module() -> None:
    """Exceptions users may catch live in ``sim.errors``; elsewhere only private helpers."""
    outside = []
    for path in modules():
        if path.name == "errors.py" and path.parent == SIM:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                bases = {ast.unparse(b) for b in node.bases}
                if any(
                    b.endswith(("Error", "Exception", "Interrupt", "Unavailable")) for b in bases
                ):
                    outside.append(f"{path.relative_to(ROOT)}: {node.name}")
    assert not outside, outside
