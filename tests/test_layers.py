"""Imports go one way (DESIGN §9): lower layers never import higher ones."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "udcntt"

# Each package may import itself and the packages listed before it.
LAYERS = [
    "_messages_rules",
    "_messages_data",
    "_messages_vector",
    "_messages_docx",
    "_messages_server",
    "_messages_scale",
    "_messages_limits",
    "_messages_lineage",
    "_messages_analysis",
    "_messages_report",
    "_messages_lineage",
    "_messages",
    "_words_report",
    "_words_text",
    "_words_lineage",
    "_words_analysis",
    "_words_docx",
    "_words_charts",
    "_words_scale",
    "_diagnostics",
    "errors",
    "_version",
    "_entry_points",
    "_contexts",
    "_kinds",
    "_methods",
    "_words",
    "model",
    "expressions",
    "kinds",
    "_writers",
    "extend",
    "loading",
    "data",
    "lineage",
    "program",
    "evaluation",
    "report",
    "analysis",
    "cli",
    # The server is a face beside the CLI, behind the `server` extra: nothing below imports
    # it; `udcntt serve` / `udcntt db` load it inside their command functions only.
    "server",
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
        # `udcntt serve` and `udcntt db` load the server (the `server` extra) on demand only.
        allowed.add("server")
        body = ast.parse(path.read_text(encoding="utf-8")).body
        top_level = {
            n.module.split(".")[1]
            for n in body
            if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("udcntt.")
        } | {
            a.name.split(".")[1]
            for n in body
            if isinstance(n, ast.Import)
            for a in n.names
            if a.name.startswith("udcntt.")
        }
        assert "testing" not in top_level, "cli may import udcntt.testing only inside a function"
        assert "server" not in top_level, "cli may import udcntt.server only inside a function"
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


def _private_imports(text: str, own: str) -> list[str]:
    """Imports, anywhere in ``text`` (a module of package ``own``), of another package's
    private modules (``udcntt.model._survey``) or private names (``from udcntt.x import _y``).
    """
    found: list[str] = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] != "udcntt" or len(parts) < 2 or parts[1] == own:
                continue
            if any(p.startswith("_") for p in parts[2:]):
                found.append(f"line {node.lineno}: from {node.module} import ...")
            elif not parts[1].startswith("_"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private:
                    found.append(f"line {node.lineno}: from {node.module} import {private}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if (
                    parts[0] == "udcntt"
                    and len(parts) > 2
                    and parts[1] != own
                    and any(p.startswith("_") for p in parts[2:])
                ):
                    found.append(f"line {node.lineno}: import {alias.name}")
    return found


ALL_MODULES = sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", ALL_MODULES, ids=[str(p.relative_to(SRC)) for p in ALL_MODULES])
def test_no_private_imports_across_packages(path: Path) -> None:
    """A package uses another package only through its public names (its ``__init__``)."""
    bad = _private_imports(path.read_text(encoding="utf-8"), _package_of(path))
    assert not bad, f"{path.relative_to(SRC)} imports private parts of another package: {bad}"


def test_private_import_check_finds_every_form() -> None:
    """The check sees ``from``-imports, plain imports, private names and nested imports."""
    text = (
        "import udcntt.model._survey\n"
        "from udcntt.model._survey import SurveyLayout\n"
        "from udcntt.evaluation import _dataset\n"
        "from udcntt.data._dataset import MISSING\n"
        "from udcntt.model import RuleSet\n"
        "import udcntt.model\n"
        "def f():\n"
        "    from udcntt.loading._yaml import parse_yaml\n"
    )
    found = _private_imports(text, "data")
    assert [f.split(":")[0] for f in found] == ["line 1", "line 2", "line 3", "line 8"]


MAX_MODULE_LINES = 500


@pytest.mark.parametrize("path", ALL_MODULES, ids=[str(p.relative_to(SRC)) for p in ALL_MODULES])
def test_modules_are_at_most_500_lines(path: Path) -> None:
    """Every module under src/udcntt stays within 500 lines (split along real seams)."""
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(SRC)} has {lines} lines"
