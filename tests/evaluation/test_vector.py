"""The vectorised path publishes exactly what the Decimal path publishes, byte for byte.

``udcntt.evaluate(..., engine="vector")`` scores each block's agencies at once as float64
columns with an error bound per value, sends every agency with an uncertain comparison or
rounding to the exact function, and computes exact unrounded values when they are read.
Each test here compares the results JSON of the two engines: on every shipped example,
on generated surveys of every shipped rule set (band thresholds among the values drawn),
and on surveys built to land exactly on band thresholds and tier boundaries.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import udcntt
from udcntt.evaluation import GeneratedCodeError
from udcntt.report import assessment_to_json
from udcntt.testing import datasets

pytest.importorskip("numpy")

from udcntt.evaluation._vector import VectorResult  # needs NumPy

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_RULES = sorted(
    [*(ROOT / "rules").glob("*.yaml"), *(ROOT / "rules" / "base").glob("*.yaml")]
)
EXAMPLES = [
    ("lam-dong-2017.yaml", "lam-dong/survey-2017.csv", "lam-dong/agencies.yaml"),
    ("lam-dong-2017.yaml", "lam-dong/survey-2016.csv", "lam-dong/agencies.yaml"),
    ("lam-dong-2018.yaml", "lam-dong-2018/survey-2018.csv", "lam-dong-2018/agencies.yaml"),
    ("dti-922-province.yaml", "dti-2022/provinces.csv", None),
    ("commune-2025.yaml", "lam-dong-2025/survey-2025.csv", "lam-dong-2025/agencies.yaml"),
    ("commune-2025.yaml", "lam-dong-2025/survey-2024.csv", None),
]
SETTINGS = settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def both_engines(
    rules: udcntt.RuleSet | udcntt.CompiledRuleSet, data: udcntt.Dataset, **kwargs: Any
) -> tuple[udcntt.Assessment, udcntt.Assessment]:
    """Score ``data`` with both engines; their JSON (traces included) must be identical."""
    exact = udcntt.evaluate(rules, data, engine="decimal", **kwargs)
    vector = udcntt.evaluate(rules, data, engine="vector", **kwargs)
    assert assessment_to_json(vector) == assessment_to_json(exact)
    assert assessment_to_json(vector, traces=True) == assessment_to_json(exact, traces=True)
    assert vector.results == exact.results
    return exact, vector


def vectorised(assessment: udcntt.Assessment) -> int:
    """How many agencies took their published results from the vectorised path."""
    return sum(isinstance(r, VectorResult) for r in assessment.results)


def _example(rules_name: str, survey: str, registry: str | None) -> tuple[Any, Any]:
    rules = udcntt.load_rules(ROOT / "rules" / rules_name)
    reg = udcntt.read_registry(ROOT / "examples" / registry) if registry else None
    return rules, udcntt.read_survey(ROOT / "examples" / survey, rules, registry=reg)


@pytest.mark.parametrize(
    ("rules_name", "survey", "registry"), EXAMPLES, ids=[e[1] for e in EXAMPLES]
)
def test_shipped_examples_give_byte_identical_json_on_both_engines(
    rules_name: str, survey: str, registry: str | None
) -> None:
    """Every shipped example: the same JSON, traces too, from either engine."""
    rules, data = _example(rules_name, survey, registry)
    both_engines(rules, data)


def test_the_2017_example_is_vectorised_and_ranked_against_2016_identically() -> None:
    """Lâm Đồng 2017 with last year's survey: most agencies vectorised, same JSON."""
    rules, data = _example(*EXAMPLES[0])
    _, previous = _example(*EXAMPLES[1])
    _, vector = both_engines(rules, data, previous=previous)
    assert vectorised(vector) >= len(data) * 3 // 4
    assert vector.paths == {"fast": len(data)}


@pytest.mark.parametrize("path", SHIPPED_RULES, ids=[p.name for p in SHIPPED_RULES])
def test_every_shipped_rule_set_gives_identical_json_on_generated_surveys(path: Path) -> None:
    """Generated surveys (band thresholds, N/A and missing values among the values drawn)."""
    compiled = udcntt.compile_rules(udcntt.load_rules(path))

    @SETTINGS
    @given(datasets(compiled, 1, 8))
    def check(data: udcntt.Dataset) -> None:
        both_engines(compiled, data)

    check()


BOUNDARIES = """udcntt: 1
id: boundaries
title: Ngưỡng và mức xếp loại
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}}
indicators:
  done: {label: Thủ tục trực tuyến, type: count, range: [0, 60], direction: higher}
  total: {label: Thủ tục, type: count, range: [1, 60]}
  x: {label: Chỉ tiêu X, type: number, range: [0, 100], direction: higher}
  ok: {label: Có kế hoạch, type: bool, direction: higher}
criteria:
  - id: g
    label: Nhóm
    max: 20
    children:
      - {id: r, label: Tỷ lệ, max: 10, points: "ratio(done, total, 0) * 10"}
      - id: b
        label: Mức
        max: 5
        bands:
          input: done / total * 100
          steps: [{min: 60, points: 5}, {min: 30, points: 2.5}]
          otherwise: 0
      - {id: c, label: X, max: 5, points: "x / 10 if x <= 50 else 5"}
  - id: k
    label: Kế hoạch
    max: 5
    conditions:
      - {when: "ok and x >= 0.3", points: 2.5}
      - {when: "done == total", points: 2.5}
tiers:
  levels:
    - {id: tot, label: Tốt, min: 17.5}
    - {id: kha, label: Khá, min: 12.5}
    - {id: tb, label: Trung bình}
"""


def _agencies(rows: list[tuple[int, int, Decimal, bool]]) -> udcntt.Dataset:
    return udcntt.Dataset(
        agencies=tuple(
            udcntt.AgencyRecord(
                id=f"a{i:03d}",
                name=f"Sở {i}",
                block="so",
                values={"done": Decimal(d), "total": Decimal(t), "x": x, "ok": ok},
            )
            for i, (d, t, x, ok) in enumerate(rows)
        )
    )


_ROW = st.tuples(
    st.integers(1, 60),
    st.integers(0, 60),
    st.one_of(
        st.sampled_from([Decimal(v) for v in ("0", "0.3", "30", "50", "50.0", "25", "75")]),
        st.integers(0, 1000).map(lambda v: Decimal(v).scaleb(-1)),
    ),
    st.booleans(),
).map(lambda t: (min(t[1], t[0]), t[0], t[2], t[3]))


@SETTINGS
@given(st.lists(_ROW, min_size=1, max_size=40))
@example([(3, 5, Decimal("50"), True), (6, 20, Decimal("0.3"), True), (5, 5, Decimal(30), False)])
def test_values_exactly_on_band_thresholds_and_tier_boundaries(
    rows: list[tuple[int, int, Decimal, bool]],
) -> None:
    """Ratios landing on 60 % and 30 %, x on 50 and 0.3, totals on 17.5 and 12.5: same JSON."""
    rules = udcntt.load_rules("boundaries.yaml", text=BOUNDARIES)
    both_engines(rules, _agencies(rows))


def test_uncertain_agencies_are_scored_exactly_and_the_others_vectorised() -> None:
    """3/5 is 60 % exactly in decimals but not in floats: that agency takes the exact path."""
    rules = udcntt.load_rules("boundaries.yaml", text=BOUNDARIES)
    # a000: 3/5 → the band's 60 % threshold, uncertain in floats; a001: 1/4, exact in both.
    data = _agencies([(3, 5, Decimal("20"), False), (1, 4, Decimal("20"), False)])
    _, vector = both_engines(rules, data)
    kinds = {r.agency_id: isinstance(r, VectorResult) for r in vector.results}
    assert kinds == {"a000": False, "a001": True}
    assert vector.results[0].criteria["b"].points == Decimal(5)


def test_exact_values_are_computed_when_read_and_checked() -> None:
    """Evaluation computes no exact unrounded value; reading one runs the exact function,
    which must publish what the vectorised path published (else GeneratedCodeError)."""
    rules = udcntt.load_rules("boundaries.yaml", text=BOUNDARIES)
    data = _agencies([(1, 4, Decimal(v), False) for v in range(0, 40, 4)])
    vector = udcntt.evaluate(rules, data, engine="vector")
    results = [r for r in vector.results if isinstance(r, VectorResult)]
    assert len(results) == len(data)
    assert not any(r._t.kept(r._i) for r in results)
    first = results[0]
    assert first.total_unrounded == Decimal("2.5")
    assert first._t.kept(first._i) and not results[1]._t.kept(results[1]._i)
    tampered = results[1]
    tampered._t.k_totals[tampered._i] += 1
    with pytest.raises(GeneratedCodeError, match="vectorised path published"):
        _ = results[1].criteria["r"]


def test_a_rule_type_without_a_vector_hook_sends_the_whole_rule_set_to_the_exact_path() -> None:
    """A plugin rule type with points() only: no agency vectorised, the same JSON."""
    from udcntt.extend import RuleType, registered
    from udcntt.model import Dec, Expr, StrictModel

    class AtLeastSpec(StrictModel):
        value: Expr
        min: Dec
        top: Dec

    class AtLeast(RuleType):
        def points(self, spec: Any, values: Any) -> Decimal:
            return spec.top if values["value"] >= spec.min else Decimal(0)

        def max_points(self, spec: Any) -> Decimal | None:
            return Decimal(spec.top)

    at_least = AtLeast(
        name="at_least_vec",
        schema=AtLeastSpec,
        doc="Points when a value reaches a threshold.",
        expressions={"value": "number"},
    )
    text = BOUNDARIES.replace(
        '      - {id: c, label: X, max: 5, points: "x / 10 if x <= 50 else 5"}',
        "      - {id: c, label: X, max: 5, at_least_vec: {value: x, min: 50, top: 5}}",
    )
    with registered(at_least):
        rules = udcntt.load_rules("plugin.yaml", text=text)
        data = _agencies([(1, 4, Decimal(v), True) for v in range(0, 100, 10)])
        _, vector = both_engines(rules, data)
    assert vectorised(vector) == 0


def _numbered(n: int) -> udcntt.Dataset:
    return _agencies([(i % 7, 7, Decimal(i % 101), i % 2 == 0) for i in range(n)])


def test_auto_engine_vectorises_large_surveys_only() -> None:
    """``engine="auto"`` (the default): the Decimal path below 2,000 agencies, vectors above."""
    rules = udcntt.compile_rules(udcntt.load_rules("boundaries.yaml", text=BOUNDARIES))
    small = udcntt.evaluate(rules, _numbered(1_999))
    large = udcntt.evaluate(rules, _numbered(2_000))
    assert vectorised(small) == 0
    assert vectorised(large) == 2_000
    exact = udcntt.evaluate(rules, _numbered(2_000), engine="decimal")
    assert assessment_to_json(large) == assessment_to_json(exact)


def test_without_numpy_auto_uses_decimals_and_vector_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """NumPy is optional: ``auto`` falls back silently, ``vector`` says what to install."""
    rules = udcntt.compile_rules(udcntt.load_rules("boundaries.yaml", text=BOUNDARIES))
    data = _numbered(2_000)
    monkeypatch.setitem(sys.modules, "numpy", None)
    assert vectorised(udcntt.evaluate(rules, data)) == 0
    with pytest.raises(udcntt.UsageError) as info:
        udcntt.evaluate(rules, data, engine="vector")
    assert info.value.code == "E-USAGE" and "udcntt[fast]" in (info.value.hint or "")


def test_an_unknown_engine_is_a_usage_error() -> None:
    rules = udcntt.load_rules("boundaries.yaml", text=BOUNDARIES)
    with pytest.raises(udcntt.UsageError, match="not one of auto, decimal, vector"):
        udcntt.evaluate(rules, _numbered(3), engine="gpu")  # type: ignore[arg-type]


def test_vectorised_results_copy_compare_and_read_like_the_decimal_ones() -> None:
    """``dataclasses.replace``, equality and every field read give the Decimal path's."""
    from dataclasses import fields, replace

    rules = udcntt.load_rules("boundaries.yaml", text=BOUNDARIES)
    data = _agencies([(1, 4, Decimal(v), True) for v in range(0, 40, 4)])
    exact, vector = both_engines(rules, data)
    for got, want in zip(vector.results, exact.results, strict=True):
        assert isinstance(got, VectorResult)
        moved = replace(got, rank=99)
        assert moved.rank == 99 and moved.total_unrounded == want.total_unrounded
        assert dict(moved.criteria) == dict(want.criteria)
        assert {f.name: getattr(got, f.name) for f in fields(got)} == {
            f.name: getattr(want, f.name) for f in fields(want)
        }
        assert got == want and want == got
