"""Imports go one way (DESIGN §9): lower layers never import higher ones."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "udcntt"

# Each package may import itself and the packages listed before it.
LAYERS = [
    "_messages",
    "errors",
    "_version",
    "model",
    "expressions",
    "loading",
    "data",
    "program",
    "evaluation",
    "report",
    "cli",
    "testing",
]
ROOT_MODULES = {"__init__", "__main__"}


def _package_of(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("udcntt."):
            out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("udcntt."):
                    out.add(alias.name.split(".")[1])
    return out


MODULES = sorted(
    p for p in SRC.rglob("*.py") if _package_of(p) not in ROOT_MODULES and _package_of(p) != "_demo"
)


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(SRC)) for p in MODULES])
def test_imports_go_one_way(path: Path) -> None:
    """A module imports only its own package and the layers below it; nothing imports testing."""
    own = _package_of(path)
    assert own in LAYERS, f"{own} is not placed in a layer"
    allowed = set(LAYERS[: LAYERS.index(own) + 1])
    if own == "cli":
        # `udcntt check --properties` loads the optional testing toolkit on demand only.
        allowed.add("testing")
        top_level = {
            n.module.split(".")[1]
            for n in ast.parse(path.read_text(encoding="utf-8")).body
            if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("udcntt.")
        }
        assert "testing" not in top_level, "cli may import udcntt.testing only inside a function"
    bad = _imports(path) - allowed
    assert not bad, f"{path.relative_to(SRC)} imports higher layers: {sorted(bad)}"


def test_only_expressions_imports_simpleeval() -> None:
    """simpleeval is the expressions package's parser front end and nobody else's."""
    for path in SRC.rglob("*.py"):
        if "simpleeval" in path.read_text(encoding="utf-8") and _package_of(path) != "expressions":
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
            names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
            assert "simpleeval" not in names, path
