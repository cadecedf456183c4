"""Property-test a rule file: hypothesis strategies, invariant checks, a pytest plugin.

Needs the ``testing`` extra (``pip install "udcntt[testing]"``) for everything but the
pytest plugin.

Strategies, derived from a rule set's own declarations and valid by construction:

* :func:`agency_values` — one agency's survey answers for a block;
* :func:`agency_records` — one :class:`~udcntt.AgencyRecord`;
* :func:`datasets` — whole surveys over the blocks;
* :func:`rule_sets` / :func:`rule_set_documents` — random small valid rule sets, to test
  the engine itself.

Invariants (:data:`INVARIANTS`), each a function returning :class:`Violation` objects:
:func:`check_bounds`, :func:`check_monotone`, :func:`probe_tiers` / :func:`check_tiers`,
:func:`check_permutation`, :func:`check_determinism`, :func:`check_not_applicable`,
:func:`check_missing`, :func:`check_normalise_alone`, :func:`check_extends`,
:func:`check_totals`.
:func:`run_properties` runs each on a fixed number of examples (the seed and the count
decide the verdict; a time budget is only an upper bound, reported as ``incomplete`` when
it cuts the run) and returns a :class:`PropertyOutcome` (``udcntt check --properties``
prints its diagnostics).

>>> from udcntt.testing import run_properties                       # doctest: +SKIP
>>> outcome = run_properties("rules/lam-dong-2017.yaml", max_examples=50, seed=1)  # doctest: +SKIP
>>> outcome.ok                                                     # doctest: +SKIP
True

The pytest plugin (:mod:`udcntt.testing.pytest_plugin`) is registered through an entry
point and imports nothing from here until it collects a rule file.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from udcntt.testing._authoring import check_missing, check_normalise_alone
    from udcntt.testing._invariants import check_bounds, check_monotone, check_totals
    from udcntt.testing._not_applicable import check_not_applicable
    from udcntt.testing._reproducible import (
        check_determinism,
        check_extends,
        check_permutation,
        extension_of,
    )
    from udcntt.testing._rule_sets import rule_set_documents, rule_sets
    from udcntt.testing._runner import (
        DEFAULT_EXAMPLES,
        InvariantReport,
        PropertyOutcome,
        run_properties,
    )
    from udcntt.testing._strategies import (
        DEFAULT_UNBOUNDED,
        agency_records,
        agency_values,
        datasets,
    )
    from udcntt.testing._tier_checks import check_tiers, probe_tiers
    from udcntt.testing._violations import (
        INVARIANTS,
        InvalidData,
        Invariant,
        Violation,
        format_agency,
    )

__all__ = [
    "DEFAULT_EXAMPLES",
    "DEFAULT_UNBOUNDED",
    "INVARIANTS",
    "InvalidData",
    "Invariant",
    "InvariantReport",
    "PropertyOutcome",
    "Violation",
    "agency_records",
    "agency_values",
    "check_bounds",
    "check_determinism",
    "check_extends",
    "check_missing",
    "check_monotone",
    "check_normalise_alone",
    "check_not_applicable",
    "check_permutation",
    "check_tiers",
    "check_totals",
    "datasets",
    "extension_of",
    "format_agency",
    "probe_tiers",
    "rule_set_documents",
    "rule_sets",
    "run_properties",
]

_HOME = {
    "DEFAULT_UNBOUNDED": "_strategies",
    "agency_records": "_strategies",
    "agency_values": "_strategies",
    "datasets": "_strategies",
    "rule_set_documents": "_rule_sets",
    "rule_sets": "_rule_sets",
    "DEFAULT_EXAMPLES": "_runner",
    "check_missing": "_authoring",
    "check_normalise_alone": "_authoring",
    "InvariantReport": "_runner",
    "PropertyOutcome": "_runner",
    "run_properties": "_runner",
    "INVARIANTS": "_violations",
    "InvalidData": "_violations",
    "Invariant": "_violations",
    "Violation": "_violations",
    "format_agency": "_violations",
    "check_bounds": "_invariants",
    "check_monotone": "_invariants",
    "check_totals": "_invariants",
    "check_not_applicable": "_not_applicable",
    "check_determinism": "_reproducible",
    "check_extends": "_reproducible",
    "check_permutation": "_reproducible",
    "extension_of": "_reproducible",
    "check_tiers": "_tier_checks",
    "probe_tiers": "_tier_checks",
}


def __getattr__(name: str) -> Any:
    # Lazy: the pytest plugin lives in this package and must not need hypothesis.
    if name not in __all__:
        raise AttributeError(f"module 'udcntt.testing' has no attribute '{name}'")
    home = _HOME[name]
    try:
        module = importlib.import_module(f"udcntt.testing.{home}")
    except ModuleNotFoundError as exc:
        if exc.name == "hypothesis" or (exc.name or "").startswith("hypothesis."):
            raise ImportError(
                "udcntt.testing needs hypothesis: pip install 'udcntt[testing]'"
            ) from exc
        raise
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
