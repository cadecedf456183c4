"""Units and criteria across reorganisations: lineage of units, crosswalks of criteria.

:func:`load_lineage` reads the dated history of a set of units (renames, mergers, splits,
absorptions, abolitions, creations, changes of block, each with its legal basis) into a
:class:`Lineage` that says which units are alive at a date and where each came from.
:func:`load_crosswalk` reads how last year's indicators and criteria map onto this year's
rule file, checked against both rule files.
"""

from udcntt.lineage._crosswalk import (
    CROSSWALK_DOCS,
    Crosswalk,
    CrosswalkMapping,
    load_crosswalk,
)
from udcntt.lineage._fields import parse_date
from udcntt.lineage._load import load_lineage
from udcntt.lineage._model import (
    BASELINE_DOCS,
    BASELINE_METHODS,
    EVENT_DOCS,
    EVENT_KINDS,
    BaselineSpec,
    Event,
    Lineage,
    Link,
    Unit,
    UnitState,
    check_registry,
    check_units,
)

__all__ = [
    "BASELINE_DOCS",
    "BASELINE_METHODS",
    "CROSSWALK_DOCS",
    "EVENT_DOCS",
    "EVENT_KINDS",
    "BaselineSpec",
    "Crosswalk",
    "CrosswalkMapping",
    "Event",
    "Lineage",
    "Link",
    "Unit",
    "UnitState",
    "check_registry",
    "check_units",
    "load_crosswalk",
    "load_lineage",
    "parse_date",
]
