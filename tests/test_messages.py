"""Every diagnostic template has a Vietnamese rendering with the same fields."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from udcntt._messages import VI
from udcntt.errors import Diagnostic, UdcnttError, cut, msg

SRC = Path(__file__).resolve().parents[1] / "src" / "udcntt"


def _templates() -> list[tuple[str, int, str]]:
    """(file, line, template) of every ``msg("…")`` call with a literal template."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "msg"
                and node.args
            ):
                first = node.args[0]
                assert isinstance(first, ast.Constant), (
                    f"{path}:{node.lineno}: msg() needs a literal template"
                )
                found.append((str(path.relative_to(SRC)), node.lineno, first.value))
    return found


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_templates_are_found() -> None:
    assert len(_templates()) >= 1


@pytest.mark.parametrize(("where", "line", "template"), _templates())
def test_every_template_is_translated(where: str, line: int, template: str) -> None:
    assert template in VI, f"{where}:{line}: no Vietnamese for {template!r}"
    assert _fields(VI[template]) == _fields(template)


def test_catalogue_has_no_orphans() -> None:
    used = {t for _, _, t in _templates()}
    assert set(VI) <= used, sorted(set(VI) - used)


def test_diagnostic_renders_in_both_languages() -> None:
    d = Diagnostic(
        code="E-EXPR-NAME", message=msg("did you mean '{name}'?", name="staff"), agency="so_a"
    )
    assert d.format("en").endswith("error[E-EXPR-NAME] did you mean 'staff'? (agency 'so_a')")
    assert d.format("vi").endswith("error[E-EXPR-NAME] có phải ý bạn là 'staff'? (đơn vị 'so_a')")
    assert d.to_dict("vi")["message"] == "có phải ý bạn là 'staff'?"
    assert str(UdcnttError(diagnostics=[d])) == d.format("en")


def test_quoted_values_are_cut() -> None:
    huge = "x" * 200_000
    d = Diagnostic(code="E-DATA", message=msg("bad value '{v}'", v=huge), value=huge, agency=huge)
    assert len(d.format()) < 1_000
    assert "199,7" not in d.format() and "characters]" in d.format()
    assert cut("abc") == "abc"


def test_a_diagnostic_without_location_starts_at_its_severity() -> None:
    d = Diagnostic(code="E-IO", message=msg("did you mean '{name}'?", name="x"))
    assert d.format("en") == "error[E-IO] did you mean 'x'?"
