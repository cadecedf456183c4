"""The ``normalise`` rule type: a value scored against a population of agencies.

::

    normalise:
      value: online_services          # an expression
      method: to_best                 # or a chain: [z_score, min_max]
      scope: block                    # or all
      direction: higher               # not set: the value's single indicator's direction

The points are the normalised score × the leaf's ``max``. Each method is a registered
:class:`~udcntt._kinds.Normalisation` (:mod:`udcntt.kinds.normalisations`, or a plugin's);
the population pass itself is :func:`udcntt.evaluation.normalise_population`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import field_validator

from udcntt._kinds import (
    RULE_TYPES,
    CodeContext,
    CompileContext,
    CompiledRule,
    Path,
    Picker,
    RuleType,
)
from udcntt._methods import NORMALISATIONS, Normalisation
from udcntt.errors import ExtensionError, did_you_mean, msg
from udcntt.kinds.points import expression_python, expression_value
from udcntt.model import Dec, Direction, Expr, Id, StrictModel

__all__ = ["NORMALISE", "NormScope", "Normalise", "methods_of"]


class NormScope(StrEnum):
    """Which agencies form the population of a normalisation."""

    BLOCK = "block"  #: the agencies of the same block
    ALL = "all"  #: every agency of the survey


class Normalise(StrictModel):
    """A value normalised over a population; points = normalised score × max."""

    value: Expr
    method: tuple[Id, ...]
    scope: NormScope = NormScope.BLOCK
    direction: Direction | None = None
    goalposts: tuple[Dec, Dec] | None = None

    @field_validator("method", mode="before")
    @classmethod
    def _one_or_chain(cls, value: Any) -> Any:
        # ``method: to_best`` or a chain ``method: [z_score, min_max]``.
        return (value,) if isinstance(value, str) else value


def methods_of(rule: CompiledRule) -> tuple[Normalisation, ...]:
    """The normalisation methods of a compiled ``normalise`` rule, in chain order."""
    methods: tuple[Normalisation, ...] = rule.params
    return methods


class _Normalise(RuleType):
    """A value normalised over a population."""

    def compile(self, spec: Any, path: Path, ctx: CompileContext) -> CompiledRule | None:
        norm: Normalise = spec
        e = ctx.expr(norm.value, (*path, "value"), "number")
        if not norm.method:
            ctx.error("E-NORMALISE", msg("'method' is empty"), (*path, "method"))
            return None
        methods: list[Normalisation] = []
        for i, name in enumerate(norm.method):
            try:
                found = NORMALISATIONS.get(name)
            except ExtensionError as exc:
                ctx.error("E-EXTENSION", exc.diagnostics[0].message, (*path, "method", i))
                return None
            if found is None:
                ctx.error(
                    "E-NORMALISE",
                    msg(
                        "unknown normalisation method '{name}' (known: {known})",
                        name=name,
                        known=", ".join(NORMALISATIONS.names()),
                    ),
                    (*path, "method", i) if len(norm.method) > 1 else (*path, "method"),
                    hint=did_you_mean(name, NORMALISATIONS.names()),
                )
                return None
            lacking = [key for key in found.needs if getattr(norm, key, None) is None]
            problem = (
                msg(
                    "method '{method}' needs '{key}' in the normalise declaration",
                    method=found.name,
                    key=lacking[0],
                )
                if lacking
                else found.check(norm)
            )
            if problem is not None:
                ctx.error("E-NORMALISE", problem, path)
                return None
            methods.append(found)
        last = methods[-1]
        if not last.bounded and not ctx.unscored:
            ctx.error(
                "E-NORMALISE",
                msg("'{method}' is unbounded and cannot give points in [0, max]", method=last.name),
                (*path, "method"),
                hint=msg("follow it with min_max: method: [z_score, min_max]"),
            )
        if e is None:
            return None
        return CompiledRule(self.name, self, spec, {"value": e}, params=tuple(methods))

    def upper_bound(self, rule: CompiledRule) -> Decimal | None:
        return None  # the score × max, checked by the population pass

    def evaluate(
        self, rule: CompiledRule, env: Mapping[str, Any], trace: list[dict[str, Any]] | None
    ) -> Decimal:
        return expression_value(rule, "value", env, trace, "value")

    def python(self, rule: CompiledRule, gen: CodeContext) -> str:
        return expression_python(rule, "value", gen)

    def describe(self, rule: CompiledRule) -> dict[str, Any]:
        return {
            "expr": rule.exprs["value"].source,
            "method": [m.name for m in methods_of(rule)],
            "scope": rule.spec.scope.value,
        }

    def step_text(self, step: Mapping[str, Any]) -> str | None:
        if step.get("step") != "value":
            return None
        return f"value: {step['expr']} = {step['value']}"

    def thresholds(self, rule: CompiledRule) -> Mapping[str, Iterable[Decimal]]:
        posts = rule.spec.goalposts
        if posts is None:
            return {}
        return {rule.exprs["value"].source.strip(): list(posts)}

    def example(self, pick: Picker, top: int) -> Any:
        method = pick.choice(["to_best", "min_max", "rank", "percentile", "goalposts", "z_min_max"])
        kind = pick.choice(["count", "number", "ratio"])
        x = pick.number_input(kind, not_applicable=pick.boolean())
        spec: dict[str, Any] = {"value": x, "scope": pick.choice(["block", "all"])}
        if method == "z_min_max":
            spec["method"] = ["z_score", "min_max"]
        elif method == "goalposts":
            spec["method"] = "goalposts"
            spec["goalposts"] = [0, 1 if kind == "ratio" else 100]
        else:
            spec["method"] = method
        return spec


#: ``normalise:`` — a value scored against a population.
NORMALISE = RULE_TYPES.register(
    _Normalise(
        name="normalise",
        schema=Normalise,
        doc="A value scored against a population of agencies (block or all).",
        doc_vi="Giá trị được chuẩn hóa theo một tập cơ quan (cùng khối hoặc tất cả).",
        nested=False,
        population=True,
        code="E-NORMALISE",
        builtin=True,
        distribution="udcntt",
    )
)
