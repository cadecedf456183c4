"""Every invariant over every shipped rule set, on a fixed number of examples per property.

The examples per property are ``UDCNTT_PROPERTY_EXAMPLES`` (default 20); the seed is fixed so
that a failure here reproduces with ``udcntt check --properties --seed 2024 --examples 20
RULES``. There is no time budget: the verdict does not depend on the machine's load.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from udcntt.testing import run_properties

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "rules").glob("*.yaml")) or [
    ROOT / "tests" / "fixtures" / "valid" / "small.yaml"
]
EXAMPLES = int(os.environ.get("UDCNTT_PROPERTY_EXAMPLES", "20"))
SEED = 2024


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_invariant_holds(path: Path) -> None:
    outcome = run_properties(path, max_examples=EXAMPLES, seed=SEED)
    assert outcome.ok, "\n\n".join(d.format() for d in outcome.errors) + "\n\n" + outcome.summary()
    checked = [r for r in outcome.reports if r.status == "passed"]
    assert checked, outcome.summary()
