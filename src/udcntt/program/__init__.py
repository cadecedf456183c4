"""Checking and compiling rule sets: static checks, then one plan per block."""

from __future__ import annotations

from pathlib import Path

from udcntt.errors import Diagnostic, RuleFileError, Severity, UdcnttError
from udcntt.loading import load_document
from udcntt.model import RuleSet
from udcntt.program._codegen import (
    SLOW_REASONS,
    FastFunctions,
    GeneratedCodeError,
    SlowPath,
    fast_variant,
)
from udcntt.program._context import CheckContext as _CheckContext
from udcntt.program._context import criterion_paths
from udcntt.program._plan import (
    Applicability,
    BlockPlan,
    CompiledRule,
    CompiledRuleSet,
    LeafPlan,
    NodePlan,
)

__all__ = [
    "SLOW_REASONS",
    "Applicability",
    "BlockPlan",
    "CompiledRule",
    "CompiledRuleSet",
    "FastFunctions",
    "GeneratedCodeError",
    "LeafPlan",
    "NodePlan",
    "SlowPath",
    "analyse_rules",
    "compile_rules",
    "criterion_paths",
    "fast_variant",
    "load_rules",
]


def analyse_rules(rules: RuleSet) -> tuple[CompiledRuleSet | None, list[Diagnostic]]:
    """Run every static check; return the compiled rule set (or ``None``) and all diagnostics."""
    cached: tuple[CompiledRuleSet | None, list[Diagnostic]] | None = rules._compiled
    if cached is not None:
        return cached
    ctx = _CheckContext(rules)
    try:
        from udcntt.program._compile import compile_checked

        compiled = compile_checked(rules, ctx)
    except UdcnttError as exc:
        ctx.diagnostics.extend(exc.diagnostics)
        compiled = None
    result = (compiled, list(ctx.diagnostics))
    rules._compiled = result
    return result


def compile_rules(rules: RuleSet) -> CompiledRuleSet:
    """Check and compile a rule set once, for evaluating many surveys.

    Raises:
        RuleFileError: with every problem found, when the rule set has errors.
    """
    compiled, diagnostics = analyse_rules(rules)
    if compiled is None:
        errors = [d for d in diagnostics if d.severity is Severity.ERROR]
        raise RuleFileError.from_diagnostics(errors or diagnostics)
    return compiled


def load_rules(path: str | Path, *, text: str | bytes | None = None) -> RuleSet:
    """Load a rule file, resolve ``extends``, and check it completely.

    Args:
        path: the rule file (also the name in diagnostics when ``text`` is given).
        text: content to load instead of reading ``path``.

    Returns:
        The checked rule set; :func:`compile_rules` on it is then cheap.

    Raises:
        RuleFileError: one aggregate error listing every problem (file:line:col each).
    """
    rules = load_document(path, text=text)
    compile_rules(rules)
    return rules
