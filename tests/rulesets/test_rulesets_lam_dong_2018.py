"""Lâm Đồng's criteria set from 2018: the published shape, every rule type, and the example."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import udcntt
from udcntt._kinds import RULE_TYPES

ROOT = Path(__file__).resolve().parents[2]
RULES_PATH = ROOT / "rules" / "lam-dong-2018.yaml"
EXAMPLE = ROOT / "examples" / "lam-dong-2018"


@pytest.fixture(scope="module")
def rules() -> udcntt.RuleSet:
    return udcntt.load_rules(RULES_PATH)


@pytest.fixture(scope="module")
def compiled(rules: udcntt.RuleSet) -> udcntt.CompiledRuleSet:
    return udcntt.compile_rules(rules)


@pytest.fixture(scope="module")
def assessment(
    rules: udcntt.RuleSet, read_survey: Callable[..., Any], read_registry: Callable[..., Any]
) -> Any:
    registry = read_registry(EXAMPLE / "agencies.yaml")
    data = read_survey(EXAMPLE / "survey-2018.csv", rules, registry=registry)
    return udcntt.evaluate(rules, data)


def test_four_groups_500_points(rules: udcntt.RuleSet) -> None:
    """Hạ tầng kỹ thuật, nguồn nhân lực, ứng dụng CNTT, chính sách đầu tư; 500 points."""
    assert [c.id for c in rules.criteria] == [
        "ha_tang_ky_thuat",
        "nguon_nhan_luc",
        "ung_dung_cntt",
        "chinh_sach_dau_tu",
    ]
    assert sum(c.max for c in rules.criteria) == 500
    assert rules.scale == {"*": 500}


def test_52_criteria_for_so_and_57_for_huyen(compiled: udcntt.CompiledRuleSet) -> None:
    """32 sở/ban/ngành/cơ quan on 52 criteria, 12 huyện on 57: five huyện-only leaves."""
    so = {leaf.id for leaf in compiled.blocks["so_ban_nganh"].leaves}
    huyen = {leaf.id for leaf in compiled.blocks["ubnd_huyen"].leaves}
    assert len(so) == 52
    assert len(huyen) == 57
    assert so < huyen
    assert len(huyen - so) == 5


def test_both_blocks_have_500_points(compiled: udcntt.CompiledRuleSet) -> None:
    """The commune level does not change the huyện's maximum (group III is a weighted mean)."""
    assert {b: p.max_total for b, p in compiled.blocks.items()} == {
        "so_ban_nganh": 500,
        "ubnd_huyen": 500,
    }


def test_every_rule_type_is_used(rules: udcntt.RuleSet) -> None:
    """ratio × max, bands, lookup, half credits, per item with cap, sum of, best of, normalise."""
    kinds = {c.rule_kind for c in rules.all_criteria() if not c.is_group}
    assert kinds == {t.name for t in RULE_TYPES if t.builtin}
    normalised = [c.rules["normalise"] for c in rules.all_criteria() if "normalise" in c.rules]
    assert {m for spec in normalised for m in spec.method} == {"to_best"}
    assert {spec.scope.value for spec in normalised} == {"all", "block"}
    assert any(c.aggregate == "weighted_mean" for c in rules.all_criteria() if c.is_group)
    conditions = [
        c.rules["conditions"].root for c in rules.all_criteria() if "conditions" in c.rules
    ]
    assert any(len(found) > 1 for found in conditions)


def test_evidence_is_required(rules: udcntt.RuleSet) -> None:
    """Documents (kế hoạch, quy chế, phương án) need a reference: số hiệu, ngày, trích yếu."""
    required = [i for i, ind in rules.indicators.items() if ind.evidence.value == "required"]
    assert len(required) >= 8
    with_text = [c.id for c in rules.all_criteria() if c.evidence]
    assert len(with_text) >= 5


def test_tiers_are_the_published_ones(rules: udcntt.RuleSet) -> None:
    """Tốt ≥ 430, Khá ≥ 350, Trung bình below; on points."""
    levels = [(t.id, t.min) for t in rules.tiers.levels]
    assert levels == [("tot", Decimal(430)), ("kha", Decimal(350)), ("trung_binh", None)]
    assert rules.tiers.basis.value == "points"


def test_example_has_32_and_12_units(assessment: Any) -> None:
    """The synthetic 2018 survey: 32 sở/ban/ngành/cơ quan and 12 huyện, all scored."""
    counts: dict[str, int] = {}
    for r in assessment.results:
        counts[r.block] = counts.get(r.block, 0) + 1
    assert counts == {"so_ban_nganh": 32, "ubnd_huyen": 12}


def test_every_unit_is_scored_on_500(assessment: Any) -> None:
    """A not-applicable criterion (online payment without fees) keeps the maximum at 500."""
    assert {r.max for r in assessment.results} == {Decimal(500)}
    na = [r for r in assessment.results if r.criteria["thanh_toan_truc_tuyen"].points is None]
    assert len(na) == 7
    for r in assessment.results:
        assert Decimal(0) <= r.total <= 500


def test_example_spans_the_three_tiers(assessment: Any) -> None:
    """Every tier occurs in both blocks; ranks run 1..n without ties."""
    for block in ("so_ban_nganh", "ubnd_huyen"):
        rows = [r for r in assessment.results if r.block == block]
        assert {r.tier for r in rows} == {"tot", "kha", "trung_binh"}
        assert sorted(r.rank for r in rows) == list(range(1, len(rows) + 1))


def test_evidence_columns_accompany_required_documents(rules: udcntt.RuleSet) -> None:
    """Each yes to an indicator requiring evidence carries a document reference."""
    required = [i for i, ind in rules.indicators.items() if ind.evidence.value == "required"]
    with (EXAMPLE / "survey-2018.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        for ind in required:
            if row[ind] == "true":
                assert row[f"{ind}__minh_chung"], (row["agency_id"], ind)


def test_make_data_rebuilds_the_shipped_example(tmp_path: Path) -> None:
    """examples/lam-dong-2018/make_data.py is deterministic and gives the shipped files."""
    run = subprocess.run(
        [sys.executable, str(EXAMPLE / "make_data.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    for name in ("agencies.yaml", "survey-2018.csv"):
        assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes()
