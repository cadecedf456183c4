"""Rule types: how a leaf's scoring rule is declared, and their registry.

A leaf's scoring rule (``bands:``, ``lookup:`` …), a population normalisation method
(``to_best`` …) and a group's aggregation (``sum`` …) are each a *declaration*: an object
holding everything udcntt needs to know about it — its YAML schema fragment, its static
bounds, its reference semantics, the Python it generates for the fast path, its
explanation and its test strategy. udcntt's own declarations live one per module in
:mod:`udcntt.kinds` and are registered here exactly as a plugin's are
(:data:`RULE_TYPES` here; :data:`udcntt._methods.NORMALISATIONS` and
:data:`udcntt._methods.AGGREGATIONS` for the other two), so the engine has one path for
both and a built-in is never special-cased by name.

A plugin subclasses :class:`RuleType` (or :class:`Normalisation`, :class:`Aggregation`)
and writes the *plugin hooks* only: the schema, the expression fields and their types,
:meth:`RuleType.points`, optionally :meth:`RuleType.max_points`, :meth:`RuleType.check`,
:meth:`RuleType.trace_entry` and :meth:`RuleType.example`. The *engine hooks*
(``compile``, ``evaluate``, ``python`` …) have defaults built on those and on the boundary
(:meth:`RuleType.call`): the plugin receives only ``Decimal``, ``str`` and ``bool``, and
whatever it returns or raises is checked and becomes ``E-EVAL-EXTENSION`` naming it.
udcntt's built-ins override the engine hooks to generate inline code.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel

from udcntt._contexts import CodeContext, CompileContext, Path, Picker, RangeContext, VectorContext
from udcntt._entry_points import Catalogue
from udcntt.errors import ExtensionError, RuleArithmeticError, msg

__all__ = [
    "RULE_TYPES",
    "CodeContext",
    "CompileContext",
    "CompiledRule",
    "Path",
    "Picker",
    "RangeContext",
    "RuleType",
    "VectorContext",
    "as_number",
    "check_number",
    "step_text",
    "trace_text",
]


#: Largest magnitude an extension's number may have: the bound of every number of the
#: expression language.
MAX_EXTENSION_NUMBER = Decimal(10) ** 18
_ZERO = Decimal(0)
_ONE = Decimal(1)


def check_number(value: Any, what: str) -> Decimal:
    """``value`` if it is a finite ``Decimal`` within ±10^18, else ``E-EVAL-EXTENSION``.

    Args:
        value: What an extension returned.
        what: The extension, as messages name it.

    Raises:
        RuleArithmeticError: ``E-EVAL-EXTENSION`` naming ``what``.
    """
    if value.__class__ is not Decimal:
        problem = msg(
            "it returned {kind} where a number (Decimal) is declared", kind=type(value).__name__
        )
    elif not value.is_finite():
        problem = msg("it returned {value}, not a finite number", value=value)
    elif abs(value) > MAX_EXTENSION_NUMBER:
        problem = msg("it returned {value}, beyond ±10^18", value=value)
    else:
        return Decimal(value)
    raise RuleArithmeticError(
        "E-EVAL-EXTENSION", msg("{what}: {problem}", what=what, problem=problem)
    )


@dataclass(frozen=True, eq=False)
class CompiledRule:
    """A leaf's scoring rule, checked and compiled by its rule type.

    Attributes:
        kind: The rule type's name (its YAML key).
        type: The rule type.
        spec: The validated YAML fragment (an instance of the rule type's schema).
        exprs: The compiled expressions, by field name.
        params: What the rule type derived when compiling (band steps, a table …).
        parts: Nested rules (``sum_of`` / ``best_of``).
        inputs: Indicators the rule reads directly, not through an expression.
        cap: The rule's own ``cap``.
        label: The label of a nested rule.
        cache: What its rule type builds once on first use (a plugin's boundary).
    """

    kind: str
    type: RuleType
    spec: Any
    exprs: Mapping[str, Any] = field(default_factory=dict)
    params: Any = None
    parts: tuple[CompiledRule, ...] = ()
    inputs: frozenset[str] = frozenset()
    cap: Decimal | None = None
    label: str | None = None
    #: What a rule type builds once per rule on first use (a plugin's boundary function).
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def expressions(self) -> list[Any]:
        """Every expression this rule evaluates, nested rules' included."""
        out = list(self.exprs.values())
        for part in self.parts:
            out.extend(part.expressions())
        return out

    def upper_bound(self) -> Decimal | None:
        """The most points this rule can give, when known without data."""
        bound = self.type.upper_bound(self)
        if self.cap is not None:
            bound = self.cap if bound is None else min(bound, self.cap)
        return bound

    @property
    def population(self) -> bool:
        """Whether the points come after a population pass (``normalise``)."""
        return self.type.population

    def evaluate(self, env: Mapping[str, Any], trace: list[dict[str, Any]] | None) -> Decimal:
        """Reference points for the values in ``env``, ``cap`` applied, with trace steps.

        A population rule gives its raw value: its points come after the population pass.
        """
        result = self.type.evaluate(self, env, trace)
        if self.type.population:
            return result
        if self.cap is not None and result > self.cap:
            if trace is not None:
                trace.append(
                    {"step": "cap", "cap": trace_text(self.cap), "before": trace_text(result)}
                )
            result = self.cap
        return result

    def python(self, gen: CodeContext) -> str:
        """Emit the fast-path lines computing the points, ``cap`` applied; their local."""
        out = self.type.python(self, gen)
        if self.cap is not None and not self.type.population:
            cap = gen.const(self.cap)  # min(out, cap) written out: no call per agency
            gen.line(f"{out} = {cap} if {out} > {cap} else {out}")
        return out

    def vector(self, ctx: VectorContext) -> Any | None:
        """The points as a column on the vectorised path, ``cap`` applied (``None``: the
        rule type has no vector hook, or a population rule)."""
        if self.type.population:
            return None
        out = self.type.vector(self, ctx)
        if out is not None and self.cap is not None:
            out = ctx.minimum(out, ctx.const(self.cap))
        return out


@dataclass(frozen=True, eq=False)
class RuleType:
    """A leaf rule type: the YAML key ``name`` and everything udcntt needs to know of it.

    Attributes:
        name: The key in rule files (``interpolate``); an identifier.
        schema: The pydantic model of the key's value (use ``udcntt.model.StrictModel``
            and its field types ``Expr``, ``Dec``, ``Id`` for located, strict errors).
        doc: One line in English.
        doc_vi: One line in Vietnamese (defaults to ``doc``).
        expressions: The schema fields holding expressions, with the type each must
            have: ``"number"``, ``"bool"`` or ``"category"``. The default engine hooks
            compile them and pass their values to :meth:`points`.
        monotone: Expression fields in which the points never decrease; the property
            toolkit then checks the declared monotonicity.
        nested: Whether it may be used inside ``sum_of`` / ``best_of``.
        population: Whether its points come from a population pass (``normalise``).
        code: The error code of its static problems (``E-RULE-TYPE``).
        builtin: Whether udcntt itself provides it.
        distribution: The distribution it comes from (entry points fill it).
        version: That distribution's version.
        module: The module that defines it.
        entry_point: The entry point it was loaded from, if any.
    """

    name: str
    schema: type[BaseModel]
    doc: str
    doc_vi: str | None = None
    expressions: Mapping[str, str] = field(default_factory=dict)
    monotone: tuple[str, ...] = ()
    nested: bool = True
    population: bool = False
    code: str = "E-RULE-TYPE"
    builtin: bool = False
    distribution: str | None = None
    version: str | None = None
    module: str = ""
    entry_point: str | None = None

    def __post_init__(self) -> None:
        if not self.module:
            object.__setattr__(self, "module", type(self).__module__)
        for problem in self._incomplete():
            raise ExtensionError(
                msg("rule type '{name}' is incomplete: {problem}", name=self.name, problem=problem)
            )

    def _incomplete(self) -> Iterator[str]:
        """What the declaration lacks (checked when it is made, at the plugin's import)."""
        cls = type(self)
        if not (isinstance(self.name, str) and self.name.isidentifier()):
            yield msg("its name must be an identifier (letters, digits and _)")
        if not (isinstance(self.schema, type) and issubclass(self.schema, BaseModel)):
            yield msg("'schema' must be a pydantic model class (udcntt.model.StrictModel)")
        fields = getattr(self.schema, "model_fields", {})
        for field_name, kind in self.expressions.items():
            if field_name not in fields:
                yield msg(
                    "expression field '{field}' is not a field of its schema", field=field_name
                )
            if kind not in ("number", "bool", "category"):
                yield msg(
                    "expression field '{field}' has type '{kind}': use number, bool or category",
                    field=field_name,
                    kind=kind,
                )
        for field_name in self.monotone:
            if self.expressions.get(field_name) != "number":
                yield msg(
                    "'monotone' names '{field}', which is not a number expression field",
                    field=field_name,
                )
        if cls.points is RuleType.points:
            engine = ("compile", "evaluate", "python")
            missing = [h for h in engine if getattr(cls, h) is getattr(RuleType, h)]
            if missing:
                yield msg(
                    "it defines neither points() nor its own {hooks}", hooks=", ".join(missing)
                )

    # -- plugin hooks ------------------------------------------------------------------
    def points(self, spec: Any, values: Mapping[str, Any]) -> Decimal:
        """The points of one agency, from the values of the expression fields.

        Args:
            spec: The validated YAML fragment.
            values: Each expression field's value: ``Decimal``, ``bool`` or ``str``.
        """
        raise NotImplementedError(f"rule type '{self.name}' does not define points()")

    def max_points(self, spec: Any) -> Decimal | None:
        """The most points the rule can give, when known without data (else ``None``)."""
        return None

    def check(self, spec: Any) -> Iterable[tuple[Path, str]]:
        """Static problems of a fragment: ``(path inside the fragment, message)`` pairs."""
        return ()

    def trace_entry(self, spec: Any, values: Mapping[str, Any], points: Decimal) -> dict[str, Any]:
        """The explanation step of one evaluation (shown by ``udcntt explain``)."""
        shown = {k: v if isinstance(v, str) else trace_text(v) for k, v in values.items()}
        return {"step": self.name, "values": shown, "points": trace_text(points)}

    def example(self, pick: Picker, top: int) -> Any:
        """A random valid fragment for property tests of a leaf of maximum ``top``,
        declaring the indicators it reads through ``pick``; ``None``: not covered."""
        return None

    def thresholds(self, rule: CompiledRule) -> Mapping[str, Iterable[Decimal]]:
        """Values of indicators where the points change (probed by the property toolkit)."""
        return {}

    def check_ranges(self, rule: CompiledRule, path: Path, ranges: RangeContext) -> None:
        """Static checks against the inputs' declared ranges (``path``: the rule's key)."""

    def bound_text(self) -> str:
        """How budget errors name what gives the rule's most points (``its band table``)."""
        return msg("its rule")

    def monotone_in(self, rule: CompiledRule) -> frozenset[str] | None:
        """Names read by the expressions in which the points never decrease (``None``:
        in all of them, as every built-in rule type promises for better values)."""
        if self.builtin:
            return None
        names: set[str] = set()
        for field_name in self.monotone:
            e = rule.exprs.get(field_name)
            if e is not None:
                names |= set(e.names)
        return frozenset(names)

    # -- engine hooks ------------------------------------------------------------------
    def label(self) -> str:
        """How messages name it (a plugin's with its distribution and version)."""
        if self.builtin:
            return f"'{self.name}'"
        owner = f"{self.distribution or '?'} {self.version or ''}".strip()
        return msg("'{name}' of {plugin}", name=self.name, plugin=owner)

    def compile(self, spec: Any, path: Path, ctx: CompileContext) -> CompiledRule | None:
        """Check ``spec`` and compile its expressions; ``None`` after reporting errors."""
        exprs: dict[str, Any] = {}
        ok = True
        for name, expected in self.expressions.items():
            source = getattr(spec, name, None)
            if source is None:
                continue
            compiled = ctx.expr(str(source), (*path, name), expected)
            ok = ok and compiled is not None
            exprs[name] = compiled
        try:
            problems = list(self.check(spec))
        except Exception as exc:  # the plugin's own static check failed: say so, located
            problems = [
                (
                    (),
                    msg(
                        "rule type {rule_type}: its check() failed: {error}",
                        rule_type=self.label(),
                        error=f"{type(exc).__name__}: {exc}",
                    ),
                )
            ]
        bound_problem = self._bound_problem(spec)
        if bound_problem is not None:
            problems.append(((), bound_problem))
        for where, problem in problems:
            ctx.error(self.code, problem, (*path, *where))
            ok = False
        if not ok:
            return None
        return CompiledRule(self.name, self, spec, MappingProxyType(exprs))

    def _bound_problem(self, spec: Any) -> str | None:
        """Why :meth:`max_points` gives no usable bound (it is static metadata, run at load)."""
        try:
            bound = self.max_points(spec)
        except Exception as exc:
            return msg(
                "rule type {rule_type}: its max_points() failed: {error}",
                rule_type=self.label(),
                error=f"{type(exc).__name__}: {exc}",
            )
        if bound is None or (bound.__class__ is Decimal and bound.is_finite()):
            return None
        return msg(
            "rule type {rule_type}: its max_points() gave {value}, not a finite Decimal",
            rule_type=self.label(),
            value=repr(bound),
        )

    def upper_bound(self, rule: CompiledRule) -> Decimal | None:
        """The most points ``rule`` can give (before its ``cap``), when known.

        A plugin's :meth:`max_points` was checked when the rule compiled (E-RULE-TYPE).
        """
        return self.max_points(rule.spec)

    def boundary(self, rule: CompiledRule) -> Any:
        """The boundary of ``rule``: ``call(*values)`` runs :meth:`points` and checks it.

        Generated once per rule (like an extension function's wrapper), so a call costs the
        plugin's own work, one dictionary of its values and the result checks.

        Raises:
            RuleArithmeticError: (from the returned function) ``E-EVAL-EXTENSION`` naming the
                rule type when :meth:`points` raises or returns anything but a finite
                ``Decimal`` within ±10^18.
        """
        if rule.cache.get("boundary") is not None:
            return rule.cache["boundary"]
        names = list(rule.exprs)
        params = ", ".join(f"v{i}" for i in range(len(names)))
        items = ", ".join(f"{name!r}: v{i}" for i, name in enumerate(names))
        source = (
            f"def call({params}):\n"
            f"    try:\n"
            f"        r = points(spec, {{{items}}})\n"
            f"    except Exception as exc:\n"
            f"        raise failed(exc) from exc\n"
            f"    if r.__class__ is D and r.is_finite() and -M <= r <= M:\n"
            f"        return r\n"
            f"    return check(r, what)\n"
        )
        what = msg("rule type {rule_type}", rule_type=self.label())
        namespace: dict[str, Any] = {
            "points": self.points,
            "spec": rule.spec,
            "failed": self._failed,
            "D": Decimal,
            "M": MAX_EXTENSION_NUMBER,
            "check": check_number,
            "what": what,
        }
        exec(compile(source, f"<udcntt rule type {self.name}>", "exec"), namespace)
        call = namespace["call"]
        rule.cache["boundary"] = call
        return call

    def _failed(self, exc: Exception) -> RuleArithmeticError:
        return RuleArithmeticError(
            "E-EVAL-EXTENSION",
            msg(
                "rule type {rule_type}: {detail}",
                rule_type=self.label(),
                detail=f"{type(exc).__name__}: {exc}",
            ),
        )

    def evaluate(
        self, rule: CompiledRule, env: Mapping[str, Any], trace: list[dict[str, Any]] | None
    ) -> Decimal:
        """Reference semantics: the points for the values in ``env``, with a trace step."""
        values = tuple(e.evaluate(env) for e in rule.exprs.values())
        result: Decimal = self.boundary(rule)(*values)
        if trace is not None:
            named = dict(zip(rule.exprs, values, strict=True))
            try:
                entry = dict(self.trace_entry(rule.spec, named, result))
            except Exception as exc:  # the plugin's explanation failed: the generic step
                entry = RuleType.trace_entry(self, rule.spec, named, result)
                entry["note"] = msg(
                    "rule type {rule_type}: its trace_entry() failed: {error}",
                    rule_type=self.label(),
                    error=f"{type(exc).__name__}: {exc}",
                )
            trace.append(entry)
        return result

    def python(self, rule: CompiledRule, gen: CodeContext) -> str:
        """Emit the fast-path lines computing ``rule``; return the local holding it."""
        out = gen.new()
        args = ", ".join(gen.expr(e) for e in rule.exprs.values())
        gen.line(f"{out} = {gen.value(self.boundary(rule))}({args})")
        return out

    def vector(self, rule: CompiledRule, ctx: VectorContext) -> Any | None:
        """The points as a column on the vectorised path, from ``ctx`` only (optional).

        It computes what :meth:`python` computes. ``None`` (the default): a rule set using
        the rule type is scored on the exact ``Decimal`` path.
        """
        return None

    def describe(self, rule: CompiledRule) -> dict[str, Any]:
        """What ``udcntt explain`` shows of the rule itself (beyond its kind)."""
        return {k: e.source for k, e in rule.exprs.items()}

    def step_text(self, step: Mapping[str, Any]) -> str | None:
        """One line of explanation for a trace step of this type (``None``: generic)."""
        if step.get("step") != self.name:
            return None
        values = ", ".join(f"{k} = {v}" for k, v in step.get("values", {}).items())
        note = f" ({step['note']})" if step.get("note") else ""
        return f"{self.name}: {values} → {step.get('points')}{note}"


def step_text(step: Mapping[str, Any]) -> str:
    """One line of ``udcntt explain`` for a trace step, as the rule type that wrote it says."""
    kind = str(step.get("step", ""))
    if kind == "cap":
        return f"capped at {step['cap']} (was {step['before']})"
    if kind == "not_applicable":
        return "N/A: " + ", ".join(step["inputs"])
    for rule_type in RULE_TYPES:
        text = rule_type.step_text(step)
        if text is not None:
            return text
    return ", ".join(f"{k}={v}" for k, v in step.items())


def trace_text(value: Any) -> str:
    """A value as trace steps show it (yes/no as ``có`` / ``không``)."""
    if isinstance(value, bool):
        return "có" if value else "không"
    return str(value)


def as_number(value: Any) -> Decimal:
    """``value``, which the type checker guarantees is a number, typed as ``Decimal``."""
    if not isinstance(value, Decimal):  # pragma: no cover - a bug in the type checker
        raise TypeError(f"a points expression gave {type(value).__name__}, not a number")
    return value


#: Leaf rule types by name (entry-point group ``udcntt.rule_types``).
RULE_TYPES: Catalogue[RuleType] = Catalogue(
    "udcntt.rule_types", "rule_type", RuleType, msg("rule type"), "udcntt.kinds"
)
