"""``udcntt check`` on declarations and criterion shapes: each mistake located, named.

These are the slips of someone writing a rule file by hand: a block spelt wrong on an
indicator, a derived value reusing an indicator's id, a group left empty or averaging
without a budget, a leaf without ``max``, a population rule nested where it cannot work.
"""

from __future__ import annotations

import pytest

import udcntt

HEAD = """udcntt: 1
id: khai_bao
title: Khai báo
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}}
indicators:
  a: {label: Chỉ tiêu A, type: number, range: [0, 100], direction: higher}
"""
TAIL = """tiers:
  levels:
    - {id: tot, label: Tốt, min: 80}
    - {id: tb, label: TB}
"""
LEAF = '  - {id: ca, label: Tiêu chí A, max: 100, points: "a"}\n'
FIRST = HEAD.count("\n") + 1  # the first line after the indicator 'a'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "  b: {label: B, type: number, range: [0, 100], blocks: [so, huyen]}\n"
            "criteria:\n" + LEAF,
            [
                (
                    "E-NAME-UNKNOWN",
                    "indicator 'b' names unknown block 'huyen'",
                    0,
                    "indicators.b.blocks",
                )
            ],
            id="indicator-unknown-block",
        ),
        pytest.param(
            'derived:\n  a: {expr: "1 + 1"}\ncriteria:\n' + LEAF,
            [("E-NAME-DUPLICATE", "derived value 'a' has the id of an indicator", 1, "derived.a")],
            id="derived-reuses-indicator-id",
        ),
        pytest.param(
            "criteria:\n" + LEAF + "  - {id: g, label: Nhóm, max: 10, children: []}\n",
            [("E-RULE-SHAPE", "group 'g' has no children", 2, "criteria[1].children")],
            id="empty-group",
        ),
        pytest.param(
            "criteria:\n  - id: g\n    label: Nhóm\n    aggregate: weighted_mean\n    children:\n"
            '      - {id: c1, label: C1, max: 50, points: "a / 2"}\n'
            '      - {id: c2, label: C2, max: 50, points: "a / 2"}\n',
            [
                (
                    "E-RULE-SHAPE",
                    "group 'g' averages its children and needs a 'max'",
                    1,
                    "criteria[0]",
                )
            ],
            id="averaging-group-without-max",
        ),
        pytest.param(
            'criteria:\n  - {id: ca, label: Tiêu chí A, points: "a"}\n',
            [
                (
                    "E-SCHEMA-MISSING",
                    "leaf criterion 'ca' needs 'max' (its points budget)",
                    1,
                    "criteria[0]",
                )
            ],
            id="leaf-without-max",
        ),
        pytest.param(
            "criteria:\n  - id: ca\n    label: A\n    max: 10\n    sum_of:\n"
            "      - {normalise: {value: a, method: min_max}}\n",
            [
                (
                    "E-NORMALISE",
                    "'normalise' must be the criterion's own rule, not inside sum_of/best_of",
                    5,
                    "criteria[0].sum_of[0].normalise",
                )
            ],
            id="normalise-nested",
        ),
    ],
)
def test_each_declaration_mistake_is_located(
    body: str, expected: list[tuple[str, str, int, str]]
) -> None:
    report = udcntt.check_rules("khai-bao.yaml", text=HEAD + body + TAIL)
    found = []
    for d in report.diagnostics:
        assert d.location is not None
        found.append((d.code, d.message, d.location.line - FIRST, d.location.path))
    assert found == expected
    assert not report.ok
    with pytest.raises(udcntt.UdcnttError) as caught:
        udcntt.load_rules("khai-bao.yaml", text=HEAD + body + TAIL)
    assert [d.code for d in caught.value.diagnostics] == [code for code, *_ in expected]
