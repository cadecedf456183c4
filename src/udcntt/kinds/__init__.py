"""udcntt's own rule types, normalisation methods and aggregations, one module each.

Importing this package registers them in :data:`udcntt._kinds.RULE_TYPES`,
:data:`~udcntt._kinds.NORMALISATIONS` and :data:`~udcntt._kinds.AGGREGATIONS` — the same
registries a plugin's declarations go to (see :mod:`udcntt.extend`). ``import udcntt``
imports it, so the built-ins are always there before any rule file is read.

Each rule-type module holds the whole of its concept: the YAML schema fragment, the static
checks and bounds, the reference semantics with its trace step, the Python it generates for
the fast path, its explanation and its test strategy. Adding a rule type is adding one
module here (and importing it below), its docs and its tests.
"""

# The order of registration is the order rule types are listed in messages and docs.
from udcntt.kinds import points  # noqa: I001
from udcntt.kinds import bands, lookup, conditions, per_item, combine, normalise
from udcntt.kinds import normalisations, aggregations

__all__ = [
    "aggregations",
    "bands",
    "combine",
    "conditions",
    "lookup",
    "normalisations",
    "normalise",
    "per_item",
    "points",
]
