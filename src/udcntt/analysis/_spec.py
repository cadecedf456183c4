"""The uncertainty declared in an analysis file, parsed and checked with locations.

An analysis file is strict YAML (read by :func:`udcntt.loading.parse_yaml`, so every node
keeps its ``file:line:col``) that names the rule file it analyses with ``extends`` and
declares, under ``uncertainty``, the inputs that may vary. Each entry becomes one
:class:`Factor`: one input of the Monte Carlo and one row of the Sobol table. The checks
against the rule set (names, budgets, tier order) live in :mod:`udcntt.analysis._checks`;
this module checks the shape and the numbers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from udcntt.analysis._reader import Reader
from udcntt.errors import Diagnostic, RuleFileError, SourceLocation, msg
from udcntt.loading import parse_yaml

__all__ = [
    "AGGREGATIONS",
    "DEFAULT_DRAWS",
    "DEFAULT_MEMORY_MB",
    "FORMAT",
    "IMPUTATIONS",
    "MAX_DRAWS",
    "NORMALISATIONS",
    "AnalysisSpec",
    "Factor",
    "parse_analysis",
]

#: Version of the analysis-file format (the ``udcntt_analysis`` key).
FORMAT = 1
#: Draws when neither the file nor the caller says.
DEFAULT_DRAWS = 1000
#: Most draws accepted at all (the memory cap usually bounds them first).
MAX_DRAWS = 1_000_000
#: Memory cap of a run, in MiB, when the file does not set ``memory_mb``.
DEFAULT_MEMORY_MB = 1024
#: Normalisation methods a draw may switch to (all give a score in [0, 1]).
NORMALISATIONS = ("to_best", "min_max", "rank", "percentile")
#: Aggregations a group may switch to.
AGGREGATIONS = ("sum", "weighted_mean", "geometric_mean")
#: Values a missing input may be imputed with.
IMPUTATIONS = ("zero", "block_mean", "block_median", "block_min")

_TOP = (
    "udcntt_analysis",
    "extends",
    "title",
    "draws",
    "seed",
    "memory_mb",
    "sensitivity",
    "uncertainty",
)
_SECTIONS = ("points", "normalisation", "aggregation", "tiers", "imputation", "noise", "exclude")
_ENTRY_KEYS: dict[str, tuple[str, ...]] = {
    "points": ("criterion", "group", "uniform", "alternatives", "dirichlet"),
    "normalisation": ("criterion", "methods"),
    "aggregation": ("group", "methods"),
    "tiers": ("tier", "uniform", "alternatives"),
    "imputation": ("indicator", "methods"),
    "noise": ("indicator", "uniform", "levels"),
    "exclude": ("criterion", "probability"),
}
_Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Factor:
    """One uncertain input: what varies, how, and where it was declared.

    ``kind`` is one of ``points_uniform``, ``points_alternatives``, ``weights_dirichlet``,
    ``weights_alternatives``, ``normalisation``, ``aggregation``, ``tier_uniform``,
    ``tier_alternatives``, ``imputation``, ``noise``, ``exclude``. ``spread`` is a
    percentage (±) or a Dirichlet concentration; ``choices`` the alternatives.
    """

    name: str
    kind: str
    target: str
    spread: float = 0.0
    choices: tuple[Any, ...] = ()
    probability: float = 0.0
    levels: int = 1
    location: SourceLocation | None = None

    @property
    def dims(self) -> int:
        """How many uniform inputs drive it (a Dirichlet needs one per sibling)."""
        return len(self.choices) if self.kind == "weights_dirichlet" else 1

    def describe(self) -> dict[str, Any]:
        """The factor as plain data (for the receipt)."""
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "target": self.target}
        if self.kind in ("points_uniform", "tier_uniform", "noise", "weights_dirichlet"):
            out["spread"] = self.spread
        if self.choices:
            out["choices"] = [
                c
                if isinstance(c, str)
                else {k: str(v) for k, v in c.items()}
                if isinstance(c, dict)
                else str(c)
                for c in self.choices
            ]
        if self.kind == "exclude":
            out["probability"] = self.probability
        if self.kind == "noise":
            out["levels"] = self.levels
        return out


@dataclass(frozen=True)
class AnalysisSpec:
    """A checked analysis file (or an empty one: no uncertainty, the defaults)."""

    file: str | None = None
    extends: Path | None = None
    title: str | None = None
    draws: int = DEFAULT_DRAWS
    seed: int = 0
    memory_mb: int = DEFAULT_MEMORY_MB
    sobol_samples: int = 256
    sobol_output: str = "rank_shift"
    factors: tuple[Factor, ...] = ()
    sha256: str | None = None
    locations: dict[str, SourceLocation] = field(default_factory=dict, compare=False)
    problems: tuple[Diagnostic, ...] = field(default=(), compare=False)

    def locate(self, key: str) -> SourceLocation | None:
        """Where a top-level key (``draws``, ``memory_mb``…) was written, if anywhere."""
        return self.locations.get(key)


def _entry(r: Reader, section: str, i: int, raw: Any) -> Factor | None:
    path: _Path = ("uncertainty", section, i)
    entry = r.mapping(raw, path, _ENTRY_KEYS[section])
    if entry is None:
        return None
    loc = r.doc.locate(path)
    kinds = [
        k for k in ("uniform", "alternatives", "dirichlet", "methods", "probability") if k in entry
    ]
    if section == "points":
        target_key = "group" if "group" in entry else "criterion"
        if ("group" in entry) == ("criterion" in entry):
            r.error("E-ANALYSIS-SCHEMA", msg("name exactly one of 'criterion' or 'group'"), path)
            return None
        target = r.name(entry[target_key], (*path, target_key))
        if len(kinds) != 1:
            r.error(
                "E-ANALYSIS-SCHEMA",
                msg("give exactly one of 'uniform', 'alternatives' or 'dirichlet'"),
                path,
            )
            return None
        if target is None:
            return None
        if "uniform" in entry:
            x = r.number(entry["uniform"], (*path, "uniform"))
            if x is not None and x >= 100:
                r.error(
                    "E-ANALYSIS-SPREAD",
                    msg("a spread of {value} % could make points negative", value=x),
                    (*path, "uniform"),
                )
                return None
            return (
                None
                if x is None
                else Factor(f"points:{target}", "points_uniform", target, spread=x, location=loc)
            )
        if "dirichlet" in entry:
            if target_key != "group":
                r.error(
                    "E-ANALYSIS-SCHEMA",
                    msg("a Dirichlet draw is over the children of a 'group'"),
                    path,
                )
                return None
            c = r.number(entry["dirichlet"], (*path, "dirichlet"), strict=True)
            return (
                None
                if c is None
                else Factor(
                    f"weights:{target}", "weights_dirichlet", target, spread=c, location=loc
                )
            )
        alts = entry["alternatives"]
        if target_key == "group":
            sets = _alternative_sets(r, alts, (*path, "alternatives"))
            return (
                None
                if sets is None
                else Factor(
                    f"weights:{target}", "weights_alternatives", target, choices=sets, location=loc
                )
            )
        values = r.decimals(alts, (*path, "alternatives"))
        return (
            Factor(f"points:{target}", "points_alternatives", target, choices=values, location=loc)
            if values
            else None
        )
    if section in ("normalisation", "aggregation", "imputation"):
        key = {"normalisation": "criterion", "aggregation": "group", "imputation": "indicator"}[
            section
        ]
        allowed = {
            "normalisation": NORMALISATIONS,
            "aggregation": AGGREGATIONS,
            "imputation": IMPUTATIONS,
        }[section]
        if key not in entry or "methods" not in entry:
            r.error("E-ANALYSIS-SCHEMA", msg("give '{key}' and 'methods'", key=key), path)
            return None
        target = r.name(entry[key], (*path, key))
        methods = r.choices(entry["methods"], (*path, "methods"), allowed)
        if target is None or not methods:
            return None
        return Factor(f"{section}:{target}", section, target, choices=methods, location=loc)
    if section == "tiers":
        target = r.name(entry.get("tier"), (*path, "tier"))
        if target is None or len(kinds) != 1 or kinds[0] not in ("uniform", "alternatives"):
            r.error(
                "E-ANALYSIS-SCHEMA", msg("give 'tier' and one of 'uniform' or 'alternatives'"), path
            )
            return None
        if "uniform" in entry:
            x = r.number(entry["uniform"], (*path, "uniform"))
            return (
                None
                if x is None
                else Factor(f"tier:{target}", "tier_uniform", target, spread=x, location=loc)
            )
        values = r.decimals(entry["alternatives"], (*path, "alternatives"))
        return (
            Factor(f"tier:{target}", "tier_alternatives", target, choices=values, location=loc)
            if values
            else None
        )
    if section == "noise":
        target = r.name(entry.get("indicator"), (*path, "indicator"))
        if target is None or "uniform" not in entry:
            r.error("E-ANALYSIS-SCHEMA", msg("give 'indicator' and 'uniform'"), path)
            return None
        x = r.number(entry["uniform"], (*path, "uniform"))
        levels = r.integer(entry.get("levels", "5"), (*path, "levels"), 3, 21)
        if x is not None and x >= 100:
            r.error(
                "E-ANALYSIS-SPREAD",
                msg("a spread of {value} % could make values negative", value=x),
                (*path, "uniform"),
            )
            return None
        if x is None or levels is None:
            return None
        return Factor(f"noise:{target}", "noise", target, spread=x, levels=levels, location=loc)
    target = r.name(entry.get("criterion"), (*path, "criterion"))
    p = r.number(entry.get("probability", "0.5"), (*path, "probability"))
    if p is not None and p > 1:
        r.error("E-ANALYSIS-SPREAD", msg("a probability is at most 1"), (*path, "probability"))
        return None
    return (
        None
        if target is None or p is None
        else Factor(f"exclude:{target}", "exclude", target, probability=p, location=loc)
    )


def _alternative_sets(r: Reader, value: Any, path: _Path) -> tuple[dict[str, Decimal], ...] | None:
    if not isinstance(value, list) or not value:
        r.error("E-ANALYSIS-SCHEMA", msg("expected a non-empty list of alternatives"), path)
        return None
    sets: list[dict[str, Decimal]] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or not item:
            r.error(
                "E-ANALYSIS-SCHEMA", msg("each alternative maps child ids to points"), (*path, i)
            )
            return None
        one: dict[str, Decimal] = {}
        for key, v in item.items():
            d = r.decimal(v, (*path, i, key))
            if d is None:
                return None
            one[str(key)] = d
        sets.append(one)
    return tuple(sets)


def parse_analysis(
    source: str | Path, *, text: str | bytes | None = None, strict: bool = True
) -> AnalysisSpec:
    """Read an analysis file and check its shape and numbers (not yet against the rules).

    Args:
        source: the file (also the name in diagnostics when ``text`` is given).
        text: content to parse instead of reading ``source``.
        strict: raise on the first problems; with ``False`` the spec keeps them in
            ``problems`` (the entries in error left out), so that the checks against the
            rule set can report them together with their own.

    Returns:
        The spec, with ``extends`` resolved relative to the file.

    Raises:
        RuleFileError: every problem found, each located (file:line:col).
    """
    path = Path(source)
    if text is None:
        try:
            raw: str | bytes = path.read_bytes()
        except OSError as exc:
            raise RuleFileError(
                msg("cannot read '{path}': {reason}", path=path, reason=exc.strerror or exc),
                code="E-IO",
            ) from exc
    else:
        raw = text
    doc = parse_yaml(raw, file=str(source))
    r = Reader(doc)
    top = r.mapping(doc.data if doc.data is not None else {}, (), _TOP)
    if top is None:
        raise RuleFileError.from_diagnostics(r.diagnostics)
    if str(top.get("udcntt_analysis", FORMAT)) != str(FORMAT):
        r.error(
            "E-ANALYSIS-SCHEMA",
            msg("unsupported analysis format '{value}'", value=top["udcntt_analysis"]),
            ("udcntt_analysis",),
        )
    extends = None
    if "extends" in top:
        name = r.name(top["extends"], ("extends",))
        if name is not None:
            extends = (path.parent / name) if not Path(name).is_absolute() else Path(name)
            if text is None and not extends.is_file():
                r.error(
                    "E-ANALYSIS-EXTENDS",
                    msg("rule file '{path}' not found", path=name),
                    ("extends",),
                )
    draws = (
        r.integer(top.get("draws", DEFAULT_DRAWS), ("draws",), 1, MAX_DRAWS)
        if "draws" in top
        else DEFAULT_DRAWS
    )
    seed = r.integer(top.get("seed", 0), ("seed",), 0, 2**63 - 1) if "seed" in top else 0
    memory = (
        r.integer(top["memory_mb"], ("memory_mb",), 16, 1_000_000)
        if "memory_mb" in top
        else DEFAULT_MEMORY_MB
    )
    samples, output = 256, "rank_shift"
    if "sensitivity" in top:
        sens = r.mapping(top["sensitivity"], ("sensitivity",), ("samples", "output"))
        if sens is not None:
            samples = (
                r.integer(sens.get("samples", 256), ("sensitivity", "samples"), 8, 65536) or 256
            )
            output = str(sens.get("output", "rank_shift"))
            if output not in ("rank_shift", "total"):
                r.error(
                    "E-ANALYSIS-VALUE",
                    msg("unknown method '{name}'", name=output),
                    ("sensitivity", "output"),
                    msg("allowed: {keys}", keys="rank_shift, total"),
                )
    factors: list[Factor] = []
    unc = (
        r.mapping(top.get("uncertainty", {}), ("uncertainty",), _SECTIONS)
        if "uncertainty" in top
        else {}
    )
    for section in _SECTIONS:
        entries = (unc or {}).get(section)
        if entries is None:
            continue
        if not isinstance(entries, list):
            r.error("E-ANALYSIS-SCHEMA", msg("expected a list"), ("uncertainty", section))
            continue
        for i, raw_entry in enumerate(entries):
            factor = _entry(r, section, i, raw_entry)
            if factor is None:
                continue
            if any(f.name == factor.name for f in factors):
                r.error(
                    "E-ANALYSIS-VALUE",
                    msg("'{name}' is declared twice", name=factor.name),
                    ("uncertainty", section, i),
                )
                continue
            factors.append(factor)
    if r.diagnostics and strict:
        raise RuleFileError.from_diagnostics(r.diagnostics)
    raw_bytes = raw.encode("utf-8") if isinstance(raw, str) else raw
    return AnalysisSpec(
        file=str(source),
        extends=extends,
        title=str(top["title"]) if top.get("title") else None,
        draws=draws or DEFAULT_DRAWS,
        seed=seed or 0,
        memory_mb=memory or DEFAULT_MEMORY_MB,
        sobol_samples=samples,
        sobol_output=output,
        factors=tuple(factors),
        sha256=hashlib.sha256(raw_bytes).hexdigest(),
        locations={k: doc.locate((k,)) for k in top},
        problems=tuple(r.diagnostics),
    )
