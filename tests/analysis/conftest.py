"""Shared fixtures of the analysis tests: the Lâm Đồng 2018 example and small rule sets."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("SALib")

import udcntt
from udcntt.data import Dataset
from udcntt.model import RuleSet

ROOT = Path(__file__).resolve().parents[2]
RULES_2018 = ROOT / "rules" / "lam-dong-2018.yaml"
SURVEY_2018 = ROOT / "examples" / "lam-dong-2018" / "survey-2018.csv"
ANALYSIS_2018 = ROOT / "examples" / "lam-dong-2018" / "analysis.yaml"
#: The head of an analysis file next to the shipped one.
HEAD_2018 = "udcntt_analysis: 1\nextends: ../../rules/lam-dong-2018.yaml\n"

#: Three criteria in one summing group, one block, tiers on points; for analytical cases.
FLAT_RULES = """\
udcntt: 1
id: flat
title: Ba tiêu chí
rounding: {total: 6, share: 6, mode: half_up}
blocks:
  khoi: {label: Khối}
indicators:
  a: {label: A, type: number, range: [0, 100], missing: zero}
  b: {label: B, type: number, range: [0, 100], missing: zero}
  c: {label: C, type: number, range: [0, 100], missing: zero}
criteria:
  - id: nhom
    label: Nhóm
    max: 100
    children:
      - {id: tc_a, label: A, max: 50, points: a / 100 * 50}
      - {id: tc_b, label: B, max: 30, points: b / 100 * 30}
      - {id: tc_c, label: C, max: 20, points: c / 100 * 20}
tiers:
  basis: points
  levels:
    - {id: tot, label: Tốt, min: 80}
    - {id: kha, label: Khá, min: 50}
    - {id: tb, label: Trung bình}
"""


@pytest.fixture(scope="session")
def rules_2018() -> RuleSet:
    """The Lâm Đồng 2018 rule set."""
    return udcntt.load_rules(RULES_2018)


@pytest.fixture(scope="session")
def survey_2018(rules_2018: RuleSet) -> Dataset:
    """The synthetic 2018 survey of the example."""
    return udcntt.read_survey(SURVEY_2018, rules_2018)


@pytest.fixture(scope="session")
def flat_rules() -> RuleSet:
    """Three criteria, one block (see FLAT_RULES)."""
    return udcntt.load_rules("flat.yaml", text=FLAT_RULES)


def flat_survey(rules: RuleSet, rows: list[tuple[str, float, float, float]]) -> Dataset:
    """A survey of FLAT_RULES: one row (id, a, b, c) per agency."""
    from decimal import Decimal

    from udcntt.data import AgencyRecord

    return Dataset(
        agencies=tuple(
            AgencyRecord(
                id=i,
                name=i.upper(),
                block="khoi",
                values={k: Decimal(str(v)) for k, v in zip("abc", vals, strict=True)},
            )
            for i, *vals in rows
        )
    )


@pytest.fixture
def artifacts() -> Path:
    """tests/artifacts/ (git-ignored), for screenshots a person can look at."""
    folder = ROOT / "tests" / "artifacts"
    folder.mkdir(exist_ok=True)
    return folder
