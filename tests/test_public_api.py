"""The public surface: sorted and complete ``__all__``, documented error codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import udcntt
import udcntt.data
import udcntt.errors
import udcntt.evaluation
import udcntt.expressions
import udcntt.loading
import udcntt.model
import udcntt.program
import udcntt.report

MODULES = [
    udcntt,
    udcntt.data,
    udcntt.errors,
    udcntt.evaluation,
    udcntt.expressions,
    udcntt.loading,
    udcntt.model,
    udcntt.program,
    udcntt.report,
]


@pytest.mark.parametrize("module", MODULES, ids=[m.__name__ for m in MODULES])
def test_all_is_sorted_and_complete(module: object) -> None:
    """``__all__`` is sorted, names only existing objects, and each has a docstring."""
    names = list(module.__all__)  # type: ignore[attr-defined]
    assert names == sorted(names, key=lambda n: (not n.isupper(), n)) or names == sorted(names)
    for name in names:
        obj = getattr(module, name)
        if callable(obj) and not name.isupper():
            assert getattr(obj, "__doc__", None), f"{module.__name__}.{name} has no docstring"  # type: ignore[attr-defined]


def test_every_error_code_has_a_docs_section() -> None:
    """Each stable code in udcntt.errors.CODES has its own section in the error reference."""
    page = Path(__file__).resolve().parent.parent / "docs" / "reference" / "errors.md"
    text = page.read_text(encoding="utf-8")
    documented = set(re.findall(r"^#{2,4} `?([EW]-[A-Z0-9-]+)`?", text, flags=re.MULTILINE))
    missing = sorted(set(udcntt.errors.CODES) - documented)
    assert not missing, f"codes without a section in docs/reference/errors.md: {missing}"


def test_codes_are_well_formed() -> None:
    """Codes are E- (errors) or W- (warnings) followed by upper-case words."""
    for code in udcntt.errors.CODES:
        assert re.fullmatch(r"[EW]-[A-Z0-9]+(-[A-Z0-9]+)*", code), code


def test_exception_tree() -> None:
    """Each branch subclasses the root and the fitting builtin."""
    assert issubclass(udcntt.RuleFileError, ValueError)
    assert issubclass(udcntt.ExpressionError, udcntt.RuleFileError)
    assert issubclass(udcntt.DataError, ValueError)
    assert issubclass(udcntt.EvaluationError, ArithmeticError)
    for cls in (udcntt.RuleFileError, udcntt.DataError, udcntt.EvaluationError, udcntt.UsageError):
        assert issubclass(cls, udcntt.UdcnttError)


PUBLIC_PACKAGES = [
    "udcntt.data",
    "udcntt.errors",
    "udcntt.evaluation",
    "udcntt.expressions",
    "udcntt.extend",
    "udcntt.kinds",
    "udcntt.loading",
    "udcntt.model",
    "udcntt.program",
    "udcntt.report",
    "udcntt.testing",
    "udcntt.cli",
]


@pytest.mark.parametrize("name", PUBLIC_PACKAGES)
def test_all_lists_every_public_class_and_function(name: str) -> None:
    """Every public class or function defined in a public package (or its modules) and
    exposed by it is in its ``__all__``; everything ``__all__`` names exists."""
    import importlib
    import inspect

    module = importlib.import_module(name)
    listed = set(module.__all__)
    exposed = {
        attr
        for attr, obj in vars(module).items()
        if not attr.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and getattr(obj, "__module__", "").startswith(name)
    }
    assert not exposed - listed, (
        f"{name} exposes names missing from __all__: {sorted(exposed - listed)}"
    )
    assert all(hasattr(module, n) for n in listed), f"{name}.__all__ names missing objects"
