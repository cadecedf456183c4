"""``udcntt check`` on tier tables: each way a table can leave totals without a tier, or
name a tier twice, is its own located diagnostic.

A method author who mistypes a threshold (85 for 0.85 on a share basis), caps the best
tier, or puts a condition on the lowest one must be told where, before any agency is
scored into no tier at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import udcntt
from udcntt.cli import EXIT_PROBLEMS, main

HEAD = """udcntt: 1
id: bac
title: Bậc
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}}
indicators:
  a: {label: Chỉ tiêu A, type: number, range: [0, 100], direction: higher}
criteria:
  - {id: ca, label: Tiêu chí A, max: 100, points: "a"}
tiers:
"""
TIERS_LINE = HEAD.count("\n")  # the line of "tiers:"


@pytest.mark.parametrize(
    ("tiers", "expected"),
    [
        pytest.param(
            "  levels: []\n",
            [("E-TIER-GAP", "no tiers declared", 1, "tiers.levels")],
            id="no-tiers",
        ),
        pytest.param(
            "  levels:\n    - {id: tot, label: Tốt, min: 80}\n"
            "    - {id: tot, label: Tốt nữa, min: 50}\n    - {id: tb, label: TB}\n",
            [("E-NAME-DUPLICATE", "tier id 'tot' is used twice", 3, "tiers.levels[1].id")],
            id="duplicate-id",
        ),
        pytest.param(
            "  basis: share\n  levels:\n    - {id: tot, label: Tốt, min: 85}\n"
            "    - {id: tb, label: TB}\n",
            [
                (
                    "E-TIER-ORDER",
                    "tier 'tot' threshold 85 is not a share in [0, 1]",
                    3,
                    "tiers.levels[0].min",
                ),
                (
                    "E-TIER-UNREACHABLE",
                    "tier 'tot' needs 85 but the highest possible share is 1",
                    3,
                    "tiers.levels[0].min",
                ),
            ],
            id="share-written-as-percent",
        ),
        pytest.param(
            "  levels:\n    - {id: tot, label: Tốt, min: 80, max: 70}\n    - {id: tb, label: TB}\n",
            [
                ("E-TIER-ORDER", "tier 'tot' has min 80 above max 70", 2, "tiers.levels[0]"),
                ("E-TIER-GAP", "totals above 70 fall in no tier", 2, "tiers.levels[0].max"),
            ],
            id="min-above-max",
        ),
        pytest.param(
            "  levels:\n    - {id: tot, label: Tốt, min: 80, max: 90}\n    - {id: tb, label: TB}\n",
            [("E-TIER-GAP", "totals above 90 fall in no tier", 2, "tiers.levels[0].max")],
            id="best-tier-capped",
        ),
        pytest.param(
            "  levels:\n    - {id: tot, label: Tốt, min: 80}\n"
            '    - {id: tb, label: TB, require: "a > 1"}\n',
            [
                (
                    "E-TIER-GAP",
                    "the lowest tier 'tb' has conditions; agencies failing them fall in no tier",
                    3,
                    "tiers.levels[1]",
                )
            ],
            id="condition-on-lowest",
        ),
        pytest.param(
            "  levels:\n    - {id: tot, label: Tốt}\n    - {id: tb, label: TB}\n",
            [
                (
                    "E-TIER-ORDER",
                    "tier 'tot' has no 'min' but is not the last tier",
                    2,
                    "tiers.levels[0]",
                )
            ],
            id="no-min-above-the-lowest",
        ),
    ],
)
def test_each_tier_table_mistake_is_located(
    tiers: str, expected: list[tuple[str, str, int, str]]
) -> None:
    report = udcntt.check_rules("bac.yaml", text=HEAD + tiers)
    found = []
    for d in report.diagnostics:
        assert d.location is not None
        found.append((d.code, d.message, d.location.line - TIERS_LINE, d.location.path))
    assert found == expected
    assert not report.ok


def test_cli_check_reports_the_tier_mistake(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bac.yaml"
    path.write_text(
        HEAD
        + "  levels:\n    - {id: tot, label: Tốt, min: 80, max: 90}\n    - {id: tb, label: TB}\n",
        encoding="utf-8",
    )
    assert main(["--lang", "en", "check", str(path)]) == EXIT_PROBLEMS
    out = capsys.readouterr()
    text = out.out + out.err
    assert "E-TIER-GAP" in text and "totals above 90 fall in no tier" in text
    assert f"bac.yaml:{TIERS_LINE + 2}" in text
