"""Results never depend on the order of the survey rows; last year's match is never a guess."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest

import udcntt
from udcntt.cli import EXIT_OK, EXIT_PROBLEMS, main
from udcntt.report import assessment_to_json

ROOT = Path(__file__).resolve().parents[2]

Z_SCORE = """udcntt: 1
id: z_order
title: Chuẩn hoá z-score
rounding: {total: 2, share: 2}
blocks: {so: {label: Khối sở}, huyen: {label: Khối huyện}}
indicators:
  v: {label: Giá trị, type: number, range: [0, 100], direction: higher}
criteria:
  - id: n
    label: Điểm chuẩn hoá
    max: 1
    normalise: {value: v, method: [z_score, min_max], scope: all}
tiers:
  levels: [{id: all, label: Tất cả}]
"""

# min–max of these values gives the agency with 1.6 exactly 0.125 (1.6 / 12.8); through
# z-scores, the last digit of the standard deviation used to depend on the row order, and
# 0.125 was published as 0.12 or 0.13.
VALUES = ["1.6", "12.4", "0", "12.8", "8.8", "12.8", "9.9"]


def _survey(order: list[int]) -> udcntt.Dataset:
    return udcntt.Dataset.from_records(
        {"id": f"a{i}", "block": "so" if i % 2 else "huyen", "values": {"v": Decimal(VALUES[i])}}
        for i in order
    )


def test_z_score_publication_does_not_depend_on_row_order() -> None:
    """Every order of the rows publishes 0.125 as 0.13 (half-up) and writes the same bytes."""
    rules = udcntt.load_rules("z.yaml", text=Z_SCORE)
    rnd = random.Random(0)
    base = _survey(list(range(len(VALUES))))
    first = udcntt.evaluate(rules, base)
    expected = assessment_to_json(first)
    assert first.by_id("a0").total == Decimal("0.13")
    for _ in range(20):
        order = list(range(len(VALUES)))
        rnd.shuffle(order)
        data = _survey(order)
        assert data.fingerprint() == base.fingerprint()
        a = udcntt.evaluate(rules, data)
        assert a.by_id("a0").total == Decimal("0.13")
        assert assessment_to_json(a) == expected
        assert (
            assessment_to_json(udcntt.evaluate(rules, data, reference=True)).replace(
                '"reference:requested": 7', '"fast": 7'
            )
            == expected
        )


def test_results_are_listed_by_block_then_agency_id() -> None:
    """``Assessment.results``: blocks in the rule file's order, then agency ids, whatever the input."""
    rules = udcntt.load_rules("z.yaml", text=Z_SCORE)
    a = udcntt.evaluate(rules, _survey([6, 3, 0, 5, 2, 4, 1]))
    assert [(r.block, r.agency_id) for r in a.results] == [
        ("so", "a1"),
        ("so", "a3"),
        ("so", "a5"),
        ("huyen", "a0"),
        ("huyen", "a2"),
        ("huyen", "a4"),
        ("huyen", "a6"),
    ]


def test_shuffled_survey_file_gives_byte_identical_results_through_the_cli(tmp_path: Path) -> None:
    """`udcntt score` on the same survey with its rows shuffled writes the same results JSON."""
    rules = ROOT / "rules" / "lam-dong-2017.yaml"
    registry = ROOT / "examples" / "lam-dong" / "agencies.yaml"
    lines = (
        (ROOT / "examples" / "lam-dong" / "survey-2017.csv")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    survey = tmp_path / "survey.csv"
    outputs = []
    for seed in (None, 1, 2):
        rows = lines[1:]
        if seed is not None:
            random.Random(seed).shuffle(rows)
        survey.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
        out = tmp_path / f"kq-{seed}.json"
        args = ["score", str(rules), str(survey), "--registry", str(registry), "-o", str(out)]
        assert main(args) == EXIT_OK
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


PREVIOUS = """udcntt: 1
id: prev
title: Năm trước
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}}
indicators:
  a: {label: Chỉ tiêu A, type: number, range: [0, 100], direction: higher}
criteria:
  - {id: ca, label: Tiêu chí A, max: 100, points: "a"}
tiers:
  levels: [{id: all, label: Tất cả}]
"""


def _year(*rows: tuple[str, str, int, tuple[str, ...]]) -> udcntt.Dataset:
    return udcntt.Dataset.from_records(
        {"id": i, "name": n, "block": "so", "values": {"a": v}, "aliases": al}
        for i, n, v, al in rows
    )


def test_two_agencies_matching_one_of_last_year_is_an_error() -> None:
    """One agency by a declared alias, another by name: E-PREVIOUS-AMBIGUOUS names both."""
    rules = udcntt.load_rules("prev.yaml", text=PREVIOUS)
    last = udcntt.evaluate(rules, _year(("so_cu", "Sở Văn hoá", 50, ()), ("q", "Sở Q", 60, ())))
    this = _year(
        ("so_moi", "Sở Văn hoá, Thể thao", 70, ("so_cu",)),
        ("so_khac", "Sở Văn hoá", 40, ()),
        ("q", "Sở Q", 60, ()),
    )
    for rows in (this, udcntt.Dataset(agencies=tuple(reversed(this.agencies)))):
        with pytest.raises(udcntt.EvaluationError) as info:
            udcntt.evaluate(rules, rows, previous=last)
        (d,) = info.value.diagnostics
        assert d.code == "E-PREVIOUS-AMBIGUOUS"
        assert "'so_khac'" in d.message and "'so_moi'" in d.message and "'so_cu'" in d.message
        assert any("alias 'so_cu'" in n for n in d.notes)
        assert any("name 'Sở Văn hoá'" in n for n in d.notes)


def test_a_name_matching_two_agencies_of_last_year_is_an_error() -> None:
    """Last year had two agencies named alike: a renamed agency matching both is not guessed."""
    rules = udcntt.load_rules("prev.yaml", text=PREVIOUS)
    last = udcntt.evaluate(
        rules, _year(("vp_1", "Văn phòng", 50, ()), ("vp_2", "Văn  phòng", 60, ()))
    )
    with pytest.raises(udcntt.EvaluationError) as info:
        udcntt.evaluate(rules, _year(("van_phong", "Văn phòng", 70, ())), previous=last)
    (d,) = info.value.diagnostics
    assert d.code == "E-PREVIOUS-AMBIGUOUS" and d.agency == "van_phong"
    assert "'vp_1' and 'vp_2'" in d.message


def test_alias_and_name_matches_are_told_apart() -> None:
    """A match through a declared alias is an alias match; through the name, a name match."""
    rules = udcntt.load_rules("prev.yaml", text=PREVIOUS)
    last = udcntt.evaluate(
        rules, _year(("old_a", "Sở A", 50, ()), ("old_b", "Sở B", 60, ()), ("c", "Sở C", 70, ()))
    )
    this = _year(
        ("new_a", "Sở A mới", 55, ("old_a",)),
        ("new_b", "Sở  B", 65, ()),
        ("c", "Sở C", 75, ()),
    )
    a = udcntt.evaluate(rules, this, previous=last)
    assert a.comparison is not None
    assert dict(a.comparison.matched_by_alias) == {"new_a": "old_a"}
    assert dict(a.comparison.matched_by_name) == {"new_b": "old_b"}
    assert a.comparison.new_agencies == () and a.comparison.dropped_agencies == ()


def test_ambiguous_previous_match_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`udcntt score --previous` refuses the ambiguous match with exit 1, naming both agencies."""
    rules = tmp_path / "prev.yaml"
    rules.write_text(PREVIOUS, encoding="utf-8")
    last = tmp_path / "2016.json"
    scored = udcntt.evaluate(udcntt.load_rules(rules), _year(("so_cu", "Sở Văn hoá", 50, ())))
    last.write_text(assessment_to_json(scored), encoding="utf-8")
    registry = tmp_path / "agencies.yaml"
    registry.write_text(
        "agencies:\n"
        "  - {id: so_moi, name: 'Sở Văn hoá, Thể thao', block: so, aliases: [so_cu]}\n"
        "  - {id: so_khac, name: Sở Văn hoá, block: so}\n",
        encoding="utf-8",
    )
    survey = tmp_path / "2017.csv"
    survey.write_text(
        'agency_id,name,block,a\nso_moi,"Sở Văn hoá, Thể thao",so,70\nso_khac,Sở Văn hoá,so,40\n',
        encoding="utf-8",
    )
    out = tmp_path / "kq.json"
    code = main(
        [
            "--no-color",
            "--lang",
            "en",
            "score",
            str(rules),
            str(survey),
            "--registry",
            str(registry),
            "--previous",
            str(last),
            "-o",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == EXIT_PROBLEMS, err
    assert "error[E-PREVIOUS-AMBIGUOUS]" in err and "so_moi" in err and "so_khac" in err
    assert not out.exists()
