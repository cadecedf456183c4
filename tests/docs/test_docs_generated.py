"""The generated reference pages are what ``docs/gen_reference.py`` writes from the code.

When one of these tests fails after a change to the models, the expression functions, the
command line, the error codes or the limits, run ``python docs/gen_reference.py`` and commit
the regenerated pages.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_reference", DOCS / "gen_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_reference", module)
    spec.loader.exec_module(module)
    return module


GEN = _generator()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pages, generated into a temporary folder by the script itself."""
    out = tmp_path_factory.mktemp("generated")
    assert GEN.main(["--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("name", GEN.GENERATED)
def test_committed_page_is_up_to_date(name: str, generated: Path) -> None:
    """The committed page equals a fresh generation (else: python docs/gen_reference.py)."""
    committed = DOCS / name
    assert committed.is_file(), f"docs/{name} is missing: run python docs/gen_reference.py"
    fresh = (generated / name).read_text(encoding="utf-8")
    assert committed.read_text(encoding="utf-8") == fresh, (
        f"docs/{name} is out of date: run python docs/gen_reference.py"
    )


def test_generation_is_deterministic(generated: Path) -> None:
    """Two runs give the same text (no dates, no dict-order or path surprises)."""
    again = GEN.generate()
    for name, text in again.items():
        assert (generated / name).read_text(encoding="utf-8") == text, name


def test_every_error_code_has_a_titled_section() -> None:
    """``### E-CODE`` for every code in CODES, with a cause and a fix."""
    from udcntt.errors import CODES

    text = (DOCS / "reference" / "errors.md").read_text(encoding="utf-8")
    sections = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    by_code = {s.splitlines()[0].strip().strip("`"): s for s in sections}
    for code in CODES:
        assert code in by_code, code
        assert "**Cause.**" in by_code[code] and "**Fix.**" in by_code[code], code


def test_every_error_code_has_its_own_cause_and_fix() -> None:
    """No code falls back to the generic "read the message" text: each has written docs."""
    from udcntt.errors import CODES

    assert sorted(set(CODES) - set(GEN.ERROR_DOCS)) == []


def test_every_schema_field_is_described() -> None:
    """Every field of the rule-file and layout models has a description."""
    missing = GEN.missing_field_docs()
    assert not missing, (
        "describe these fields (Field(description=...) in the model, or FIELD_DOCS in "
        f"docs/gen_reference.py): {missing}"
    )


def test_every_function_and_command_is_documented() -> None:
    """Functions and subcommands each have a section."""
    from udcntt.cli import build_parser
    from udcntt.expressions import FUNCTIONS

    functions = (DOCS / "reference" / "functions.md").read_text(encoding="utf-8")
    builtins = [name for name, spec in FUNCTIONS.items() if spec.builtin]
    assert len(builtins) == 18
    for name in builtins:
        assert f"\n### {name}\n" in functions, name
    cli = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name in commands.choices:  # type: ignore[attr-defined]
        assert f"\n### udcntt {name}\n" in cli, name


def test_every_function_example_gives_its_documented_result() -> None:
    """The example shown for each function evaluates to the result shown."""
    from udcntt.expressions import FUNCTIONS, ExprType, NameInfo, compile_expression

    names = {
        "head": NameInfo(type=ExprType.CATEGORY, categories=frozenset({"chu_tich", "pho", "khac"}))
    }
    for spec in FUNCTIONS.values():
        result = compile_expression(spec.example, names=names).evaluate({"head": "pho"})
        assert spec.example_result.split(" ")[0] == str(result), spec.name
