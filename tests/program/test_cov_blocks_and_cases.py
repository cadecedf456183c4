"""``udcntt check`` on blocks and embedded test cases: mistakes located, with hints.

An indicator surveyed only in one block cannot be read by a criterion scored in another;
an embedded test that expects points of a criterion or a tier the file does not declare
is a mistake in the test, reported before anything is scored.
"""

from __future__ import annotations

import udcntt

HEAD = """udcntt: 1
id: khoi
title: Khối
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}, huyen: {label: Khối huyện}}
indicators:
  a: {label: A, type: number, range: [0, 100], direction: higher}
  h: {label: H, type: number, range: [0, 100], direction: higher, blocks: [huyen]}
criteria:
  - {id: ca, label: Tiêu chí A, max: 100, points: "a"}
"""
TIERS = """tiers:
  levels:
    - {id: tot, label: Tốt, min: 80}
    - {id: tb, label: TB}
"""


def _found(text: str) -> list[tuple[str, str, int | None, str | None, str | None]]:
    report = udcntt.check_rules("khoi.yaml", text=text)
    return [
        (
            d.code,
            d.message,
            d.location.line if d.location else None,
            d.location.path if d.location else None,
            d.hint,
        )
        for d in report.diagnostics
    ]


def test_a_criterion_reading_an_indicator_not_surveyed_in_its_block() -> None:
    text = HEAD + '  - {id: ch, label: H, max: 100, points: "h"}\n' + TIERS
    assert _found(text) == [
        (
            "E-BLOCK-NONE",
            "criterion 'ch' applies to block 'so' but reads indicator 'h', which is not "
            "surveyed there",
            11,
            "criteria[1]",
            "add 'so' to the indicator's blocks, or restrict the criterion's blocks",
        )
    ]


def test_the_same_criterion_restricted_to_the_block_that_surveys_it_is_fine() -> None:
    text = HEAD + '  - {id: ch, label: H, max: 100, points: "h", blocks: [huyen]}\n' + TIERS
    assert _found(text) == []


def test_a_case_expecting_an_unknown_criterion_or_tier() -> None:
    case = (
        "tests:\n  - {name: sai, block: so, inputs: {a: 5},"
        " expect: {points: {cx: 5}, tier: xuat_sac}}\n"
    )
    found = _found(HEAD + TIERS + case)
    assert found[:2] == [
        ("E-TEST-SHAPE", "test 'sai': 'cx' is not a criterion", 16, "tests[0].expect.points", None),
        ("E-TEST-SHAPE", "test 'sai': 'xuat_sac' is not a tier", 16, "tests[0].expect.tier", None),
    ]
    # 'h' is read by no criterion of this file: a warning, not an error.
    assert [code for code, *_ in found[2:]] == ["W-UNUSED"]
