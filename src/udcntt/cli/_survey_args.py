"""What the commands that read and score a survey take from their options.

``udcntt score``, ``explain`` and ``analyse`` read a survey with the same options
(``--registry``, ``--layout``, ``--locale``, ``--year``, ``--lenient``, ``--max-rows``,
``--max-cells``) and last year's results or survey (``--previous``, ``--previous-rules``,
``--previous-layout``); ``score`` and ``explain`` also choose how it is scored
(``--engine``).
Each option is checked here before any file is read, so a wrong one stops the run at once.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
from typing import Literal

from udcntt.data import DEFAULT_LIMITS, Dataset, Limits
from udcntt.errors import UsageError, msg
from udcntt.evaluation import Assessment, evaluate
from udcntt.model import RuleSet
from udcntt.program import load_rules

__all__ = ["ENGINES", "Engine", "engine_of", "previous_assessment", "read_data", "survey_limits"]

Engine = Literal["auto", "decimal", "vector"]

#: The values of ``--engine``, as ``udcntt.evaluate(..., engine=...)`` takes them.
ENGINES: dict[str, Engine] = {"auto": "auto", "decimal": "decimal", "vector": "vector"}


def engine_of(args: argparse.Namespace) -> Engine:
    """The scoring engine named by ``--engine`` (``"auto"`` for a command without it).

    Checked before any file is read: ``vector`` needs NumPy (the ``fast`` extra), and
    without it the run stops with the error ``evaluate(engine="vector")`` would give
    after reading the whole survey.

    Args:
        args: the parsed command line.

    Returns:
        ``"auto"``, ``"decimal"`` or ``"vector"``.

    Raises:
        UsageError: ``E-USAGE`` for an engine other than auto, decimal and vector, or for
            ``vector`` when NumPy is not installed.
    """
    name = getattr(args, "engine", None) or "auto"
    engine = ENGINES.get(name)
    if engine is None:
        raise UsageError(
            msg("engine '{engine}' is not one of auto, decimal, vector", engine=name),
            code="E-USAGE",
        )
    if engine == "vector" and importlib.util.find_spec("numpy") is None:
        raise UsageError(
            msg("engine 'vector' needs the optional package numpy"),
            code="E-USAGE",
            hint=msg("install it with: pip install 'udcntt[{extra}]'", extra="fast"),
        )
    return engine


def read_data(
    path: str, rules: RuleSet, args: argparse.Namespace, *, layout_file: str | None = None
) -> Dataset:
    """Read a survey with the options of ``score`` / ``explain``.

    The number locale is ``--locale`` if given, else the layout's, else the one the survey
    file declares, else the rule file's.
    ``layout_file`` (``--previous-layout``) replaces ``--layout``.

    Raises:
        DataError: what :func:`udcntt.read_survey` raises for the survey, the layout or
            the registry (``E-DATA-…``).
    """
    from udcntt.data import read_registry, read_survey

    layout = None
    layout_file = layout_file or getattr(args, "layout", None)
    if layout_file:
        from udcntt.data import read_layout

        layout = read_layout(layout_file)
    registry = read_registry(args.registry) if getattr(args, "registry", None) else None
    return read_survey(
        path,
        rules,
        layout=layout,
        registry=registry,
        policy="lenient" if getattr(args, "lenient", False) else "strict",
        locale=getattr(args, "locale", None),
        year=getattr(args, "year", None),
        limits=survey_limits(args),
    )


def survey_limits(args: argparse.Namespace) -> Limits | None:
    """The survey limits raised by ``--max-rows`` / ``--max-cells``, or ``None`` (defaults)."""
    raised = {
        name: value
        for name in ("max_rows", "max_cells")
        if (value := getattr(args, name, None)) is not None
    }
    return dataclasses.replace(DEFAULT_LIMITS, **raised) if raised else None


def previous_assessment(args: argparse.Namespace, rules: RuleSet) -> Assessment | None:
    """Last year's assessment named by ``--previous``, or ``None`` without it.

    A results file (JSON written by ``udcntt score -o x.json``) is loaded as it is; a
    survey is read with this year's options (``--previous-layout`` for ``--layout``, no
    ``--year``) and scored with ``--previous-rules`` (default: ``rules``) on the engine of
    ``--engine``.

    Raises:
        UdcnttError: what loading the results, reading the survey or scoring it raises
            (``E-DATA-…``, ``E-EVAL-…``, ``E-RESULTS-…``).
    """
    if not args.previous:
        return None
    from udcntt.report import is_assessment_file, load_assessment

    if is_assessment_file(args.previous):
        return load_assessment(args.previous)
    prev_rules = load_rules(args.previous_rules) if args.previous_rules else rules
    data = read_data(
        args.previous,
        prev_rules,
        argparse.Namespace(**{**vars(args), "year": None}),
        layout_file=args.previous_layout,
    )
    return evaluate(prev_rules, data, engine=engine_of(args))
