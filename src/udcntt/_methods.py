"""Normalisation methods and group aggregations: how each is declared, and their registries.

Like rule types (:mod:`udcntt._kinds`), udcntt's own methods and aggregations are
declarations registered here exactly as a plugin's are: :mod:`udcntt.kinds.normalisations`
and :mod:`udcntt.kinds.aggregations`. A plugin subclasses :class:`Normalisation` (writing
:meth:`Normalisation.scores`) or :class:`Aggregation` (writing :meth:`Aggregation.combine`);
:meth:`Normalisation.run` and :meth:`Aggregation.run` are the boundary that checks what a
plugin returns. :func:`kind_record` is the receipt entry of any plugin declaration.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from udcntt._entry_points import Catalogue
from udcntt._kinds import CodeContext, RuleType, VectorContext, check_number
from udcntt.errors import ExtensionError, RuleArithmeticError, msg

__all__ = ["AGGREGATIONS", "NORMALISATIONS", "Aggregation", "Normalisation", "kind_record"]

_ZERO = Decimal(0)
_ONE = Decimal(1)


@dataclass(frozen=True, eq=False)
class Normalisation:
    """A population normalisation method (``method:`` of ``normalise``).

    Attributes:
        name: The method's name in rule files.
        doc: One line in English.
        doc_vi: One line in Vietnamese (defaults to ``doc``).
        bounded: Whether its scores are always within [0, 1], so it may end a chain.
        exact: ``False`` when its scores are rarely exact (a square root): a chain with it
            has its scores rounded to 28 places, so noise cannot tip a half-way value.
        needs: Keys of the ``normalise`` declaration it reads (``("goalposts",)``).
        population: Whether a score depends on the other agencies (``False`` for fixed
            goalposts): an agency alone in its population is then checked by the toolkit.
        builtin, distribution, version, module, entry_point: As for :class:`RuleType`.
    """

    name: str
    doc: str
    doc_vi: str | None = None
    bounded: bool = True
    exact: bool = True
    needs: tuple[str, ...] = ()
    population: bool = True
    builtin: bool = False
    distribution: str | None = None
    version: str | None = None
    module: str = ""
    entry_point: str | None = None

    def __post_init__(self) -> None:
        if not self.module:
            object.__setattr__(self, "module", type(self).__module__)
        if type(self).scores is Normalisation.scores:
            raise ExtensionError(
                msg(
                    "normalisation '{name}' is incomplete: {problem}",
                    name=self.name,
                    problem=msg("it does not define scores()"),
                )
            )

    def scores(
        self, values: Sequence[Decimal], lower_better: bool, spec: Any
    ) -> tuple[list[Decimal], dict[str, str]]:
        """One score per value (same order) and the statistics to show.

        Args:
            values: The population's values (n ≥ 1), in any order; a score must depend
                on their multiset only.
            lower_better: Whether lower values are better.
            spec: The criterion's ``normalise`` declaration (for :attr:`needs`).
        """
        raise NotImplementedError(f"normalisation '{self.name}' does not define scores()")

    def check(self, spec: Any) -> str | None:
        """A static problem of the ``normalise`` declaration for this method, if any."""
        return None

    def run(
        self, values: Sequence[Decimal], lower_better: bool, spec: Any
    ) -> tuple[list[Decimal], dict[str, str]]:
        """:meth:`scores` through the boundary (a plugin's results are checked).

        Raises:
            RuleArithmeticError: ``E-EVAL-EXTENSION`` naming the method when a plugin
                raises, returns the wrong number of scores, a score that is not a finite
                ``Decimal``, or (bounded) a score outside [0, 1].
        """
        if self.builtin:
            return self.scores(values, lower_better, spec)
        what = msg("normalisation '{name}' of {plugin}", name=self.name, plugin=self.distribution)
        try:
            scores, info = self.scores(tuple(values), lower_better, spec)
            scores = list(scores)
            info = {str(k): str(v) for k, v in dict(info).items()}
        except Exception as exc:
            raise RuleArithmeticError(
                "E-EVAL-EXTENSION",
                msg("{what}: {problem}", what=what, problem=f"{type(exc).__name__}: {exc}"),
            ) from exc
        if len(scores) != len(values):
            raise RuleArithmeticError(
                "E-EVAL-EXTENSION",
                msg(
                    "{what}: it gave {got} scores for {n} values",
                    what=what,
                    got=len(scores),
                    n=len(values),
                ),
            )
        checked = [check_number(s, what) for s in scores]
        if self.bounded and any(not _ZERO <= s <= _ONE for s in checked):
            bad = next(s for s in checked if not _ZERO <= s <= _ONE)
            raise RuleArithmeticError(
                "E-EVAL-EXTENSION",
                msg("{what}: score {value} is outside [0, 1]", what=what, value=bad),
            )
        return checked, info

    def vector(self, ctx: VectorContext, values: Any, lower_better: bool, spec: Any) -> Any | None:
        """The scores as a column on the vectorised path (optional; ``None``: none).

        No built-in method has one yet: a rule set with a population normalisation is
        scored on the exact ``Decimal`` path.
        """
        return None


@dataclass(frozen=True, eq=False)
class Aggregation:
    """How a group combines its children (``aggregate:``).

    Attributes:
        name: Its name in rule files.
        doc: One line in English.
        doc_vi: One line in Vietnamese (defaults to ``doc``).
        additive: ``True`` for a sum: children's points add up and their budgets must add
            up to the group's maximum. Otherwise the group needs its own ``max`` and gets
            :meth:`combine` of its children's shares × max.
        builtin, distribution, version, module, entry_point: As for :class:`RuleType`.
    """

    name: str
    doc: str
    doc_vi: str | None = None
    additive: bool = False
    builtin: bool = False
    distribution: str | None = None
    version: str | None = None
    module: str = ""
    entry_point: str | None = None

    def __post_init__(self) -> None:
        if not self.module:
            object.__setattr__(self, "module", type(self).__module__)
        if not self.additive and type(self).combine is Aggregation.combine:
            raise ExtensionError(
                msg(
                    "aggregation '{name}' is incomplete: {problem}",
                    name=self.name,
                    problem=msg("it does not define combine()"),
                )
            )

    def combine(self, shares: Sequence[Decimal], weights: Sequence[Decimal]) -> Decimal:
        """The group's share in [0, 1] from its applicable children's shares and weights."""
        raise NotImplementedError(f"aggregation '{self.name}' does not define combine()")

    def run(self, shares: tuple[Decimal, ...], weights: tuple[Decimal, ...]) -> Decimal:
        """:meth:`combine` through the boundary (a plugin's result is checked).

        Raises:
            RuleArithmeticError: ``E-EVAL-EXTENSION`` when a plugin raises or gives anything
                but a ``Decimal`` in [0, 1].
        """
        if self.builtin:
            return self.combine(shares, weights)
        what = msg("aggregation '{name}' of {plugin}", name=self.name, plugin=self.distribution)
        try:
            result = self.combine(shares, weights)
        except Exception as exc:
            raise RuleArithmeticError(
                "E-EVAL-EXTENSION",
                msg("{what}: {problem}", what=what, problem=f"{type(exc).__name__}: {exc}"),
            ) from exc
        share = check_number(result, what)
        if not _ZERO <= share <= _ONE:
            raise RuleArithmeticError(
                "E-EVAL-EXTENSION",
                msg("{what}: share {value} is outside [0, 1]", what=what, value=share),
            )
        return share

    def vector(self, ctx: VectorContext, shares: Sequence[Any], weights: Sequence[Decimal]) -> Any:
        """The group's share as a column on the vectorised path (optional).

        ``shares`` are the applicable children's shares as columns. The default, ``None``,
        sends a rule set using the aggregation to the exact ``Decimal`` path (a sum is
        added by the engine itself and never asks).
        """
        return None

    def python(self, gen: CodeContext, shares: Sequence[str], weights: Sequence[Decimal]) -> str:
        """Source of the group's share in the fast path (default: call :meth:`run`)."""
        consts = "".join(f"{gen.const(w)}, " for w in weights)
        return f"{gen.value(self.run)}(({''.join(f'{s}, ' for s in shares)}), ({consts}))"


def kind_record(spec: RuleType | Normalisation | Aggregation) -> dict[str, str] | None:
    """The receipt entry of a plugin's declaration: origin and registration hash.

    The hash covers what the declaration says of itself (its class, schema, expression
    fields, flags, distribution and version), so a receipt shows whether a later run used
    the same extension.

    Returns:
        ``None`` for udcntt's own declarations.
    """
    if spec.builtin:
        return None
    declaration: dict[str, Any] = {
        "name": spec.name,
        "class": f"{type(spec).__module__}.{type(spec).__qualname__}",
        "doc": spec.doc,
        "doc_vi": spec.doc_vi,
        "distribution": spec.distribution,
        "version": spec.version,
        "module": spec.module,
    }
    if isinstance(spec, RuleType):
        kind = "rule_type"
        declaration.update(
            schema=spec.schema.model_json_schema(),
            expressions=dict(spec.expressions),
            monotone=list(spec.monotone),
            nested=spec.nested,
            population=spec.population,
        )
    elif isinstance(spec, Normalisation):
        kind = "normalisation"
        declaration.update(
            bounded=spec.bounded,
            exact=spec.exact,
            needs=list(spec.needs),
            population=spec.population,
        )
    else:
        kind = "aggregation"
        declaration.update(additive=spec.additive)
    text = json.dumps(declaration, sort_keys=True, ensure_ascii=False, default=str)
    return {
        kind: spec.name,
        "distribution": spec.distribution or "",
        "version": spec.version or "",
        "registration_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }


#: Normalisation methods by name (entry-point group ``udcntt.normalisations``).
NORMALISATIONS: Catalogue[Normalisation] = Catalogue(
    "udcntt.normalisations", "normalisation", Normalisation, msg("normalisation"), "udcntt.kinds"
)
#: Group aggregations by name (entry-point group ``udcntt.aggregations``).
AGGREGATIONS: Catalogue[Aggregation] = Catalogue(
    "udcntt.aggregations", "aggregation", Aggregation, msg("aggregation"), "udcntt.kinds"
)
