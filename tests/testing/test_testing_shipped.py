"""Every invariant over every shipped rule set, within a small time budget per file.

The budget per file is ``UDCNTT_PROPERTY_SECONDS`` (default 10); the seed is fixed so that a
failure here reproduces with ``udcntt check --properties --seed 2024 RULES``.
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
SECONDS = float(os.environ.get("UDCNTT_PROPERTY_SECONDS", "10"))
SEED = 2024


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_invariant_holds(path: Path) -> None:
    outcome = run_properties(path, max_seconds=SECONDS, seed=SEED)
    assert outcome.ok, "\n\n".join(d.format() for d in outcome.errors) + "\n\n" + outcome.summary()
    checked = [r for r in outcome.reports if r.status in ("passed", "partial")]
    assert checked, outcome.summary()
