"""Crosswalks between criteria sets: checked against both rule files, used to re-score."""

from __future__ import annotations

import csv
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest

import udcntt
from udcntt.cli import main
from udcntt.errors import DataError
from udcntt.evaluation import rescore
from udcntt.lineage import load_crosswalk

ROOT = Path(__file__).resolve().parents[2]
OLD = ROOT / "rules" / "dti-922-province.yaml"
NEW = ROOT / "rules" / "dti-405-province.yaml"
SMALL = ROOT / "tests" / "fixtures" / "valid" / "small.yaml"
MAIN = (
    "nhan_thuc_so",
    "the_che_so",
    "ha_tang_so",
    "nhan_luc_so",
    "an_toan_thong_tin_mang",
    "hoat_dong_chinh_quyen_so",
    "hoat_dong_kinh_te_so",
    "hoat_dong_xa_hoi_so",
)
FULL = (
    "title: QĐ 922 → QĐ 405\nindicators:\n"
    + "".join(f"  - {{to: {i}, from: {i}}}\n" for i in MAIN)
    + "  - {dropped: do_thi_thong_minh}\ncriteria:\n  - {to: hoat_dong, from: hoat_dong}\n"
)


@pytest.fixture(scope="module")
def old() -> udcntt.RuleSet:
    return udcntt.load_rules(OLD)


@pytest.fixture(scope="module")
def new() -> udcntt.RuleSet:
    return udcntt.load_rules(NEW)


def _survey(seed: int, ids: str = "abcd") -> udcntt.Dataset:
    rng = random.Random(seed)
    return udcntt.Dataset.from_records(
        [
            {
                "id": u,
                "block": "tinh",
                "values": {
                    **{i: rng.randint(4000, 9500) / 10000 for i in MAIN},
                    "do_thi_thong_minh": 0.5,
                },
            }
            for u in ids
        ],
        year=2024,
    )


def test_a_full_crosswalk_rescores_last_year_alike(
    old: udcntt.RuleSet, new: udcntt.RuleSet
) -> None:
    walk = load_crosswalk("cw.yaml", old, new, text=FULL)
    assert walk.dropped == ("do_thi_thong_minh",)
    data = _survey(1)
    done = rescore(data, old, new, walk)
    assert done.complete and not done.not_compared
    assert len(done.compared) == 8
    as_before = udcntt.evaluate(old, data)
    assert [r.total for r in done.assessment.results] == [r.total for r in as_before.results]
    assert done.assessment.rules_id == "dti_405_province"


def test_merged_split_and_expression_targets(old: udcntt.RuleSet, new: udcntt.RuleSet) -> None:
    text = (
        "indicators:\n"
        "  - {to: nhan_thuc_so, mean: [nhan_thuc_so, the_che_so]}\n"
        "  - {to: the_che_so, expression: 'the_che_so * 0.5 + ha_tang_so * 0.5'}\n"
        "  - {to: ha_tang_so, from: ha_tang_so, share: 0.5}\n"
        "  - {to: nhan_luc_so, sum: [nhan_luc_so]}\n"
        + "".join(f"  - {{to: {i}, from: {i}}}\n" for i in MAIN[4:])
    )
    walk = load_crosswalk("cw.yaml", old, new, text=text)
    kinds = {m.target: m.kind for m in walk.indicators}
    assert kinds["nhan_thuc_so"] == "mean" and kinds["ha_tang_so"] == "split"
    assert kinds["the_che_so"] == "expression"
    data = _survey(2, "a")
    done = rescore(data, old, new, walk)
    values = data.agencies[0].values
    inputs = done.assessment.results[0].inputs
    assert inputs["nhan_thuc_so"] == (values["nhan_thuc_so"] + values["the_che_so"]) / 2
    assert inputs["ha_tang_so"] == values["ha_tang_so"] / 2
    half = Decimal("0.5")
    assert inputs["the_che_so"] == values["the_che_so"] * half + values["ha_tang_so"] * half


def test_an_uncovered_target_is_listed_and_changes_are_not_comparable(
    old: udcntt.RuleSet, tmp_path: Path
) -> None:
    text = NEW.read_text(encoding="utf-8").replace(
        "  ha_tang_so:\n    label: Chỉ số Hạ tầng số\n    type: ratio\n",
        "  ha_tang_so:\n    label: Chỉ số Hạ tầng số\n    type: ratio\n    missing: zero\n",
    )
    assert "missing: zero" in text
    new = udcntt.load_rules(tmp_path / "new.yaml", text=text)
    walk = load_crosswalk(
        "cw.yaml",
        old,
        new,
        text=FULL.replace("{to: ha_tang_so, from: ha_tang_so}", "{to: ha_tang_so, new: true}"),
    )
    done = rescore(_survey(3), old, new, walk)
    assert done.not_compared == ("ha_tang_so_diem",)
    assert "ha_tang_so_diem" not in done.compared and len(done.compared) == 7
    from udcntt.evaluation import mark_compared

    now = udcntt.evaluate(new, _survey(4), previous=done.assessment)
    marked = mark_compared(now, done)
    assert {r.comparability for r in marked.results} == {"not_comparable"}
    assert marked.comparison.criteria_not_compared == ("ha_tang_so_diem",)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "code", "line", "words"),
    [
        (
            "indicators:\n  - {to: nhan_thuc_so, from: nhan_thuc_so}\n  - {to: nhan_thuc_so, from: the_che_so}\n",
            "E-CROSSWALK-TWICE",
            3,
            "'nhan_thuc_so' is mapped twice (first at line 2)",
        ),
        (
            "indicators:\n  - {to: nhan_thuc_so, from: nhan_thuc}\n",
            "E-CROSSWALK-NAME",
            2,
            "last year's rule file has no indicator 'nhan_thuc'",
        ),
        (
            "indicators:\n  - {to: do_thi_thong_minh, from: do_thi_thong_minh}\n",
            "E-CROSSWALK-NAME",
            2,
            "this year's rule file has no indicator 'do_thi_thong_minh'",
        ),
        (
            "criteria:\n  - {to: hoat_dong, from: hoat_dong_x}\n",
            "E-CROSSWALK-NAME",
            2,
            "no criterion 'hoat_dong_x'",
        ),
        (
            "indicators:\n  - {to: nhan_thuc_so, from: nhan_thuc_so, sum: [the_che_so]}\n",
            "E-CROSSWALK-SCHEMA",
            2,
            "exactly one of",
        ),
        (
            "indicators:\n  - {to: nhan_thuc_so, expression: 'nhan_thuc_so +'}\n",
            "E-EXPR-SYNTAX",
            2,
            "",
        ),
        (
            "indicators:\n  - {to: nhan_thuc_so, form: a}\n",
            "E-CROSSWALK-SCHEMA",
            2,
            "unknown key 'form'",
        ),
    ],
)
def test_bad_crosswalks_are_refused_with_located_errors(
    old: udcntt.RuleSet, new: udcntt.RuleSet, text: str, code: str, line: int, words: str
) -> None:
    with pytest.raises(DataError) as err:
        load_crosswalk("cw.yaml", old, new, text=text)
    found = [
        (d.code, d.location.line if d.location else None, str(d.message))
        for d in err.value.diagnostics
    ]
    assert any(c.startswith(code) and ln == line and words in m for c, ln, m in found), found


def test_types_must_agree(new: udcntt.RuleSet) -> None:
    small = udcntt.load_rules(SMALL)
    text = (
        "indicators:\n"
        "  - {to: nhan_thuc_so, from: head}\n"
        "  - {to: the_che_so, sum: [has_portal, meetings]}\n"
        "  - {to: ha_tang_so, expression: 'ratio(staff_pc, staff_total, 0)'}\n"
    )
    with pytest.raises(DataError) as err:
        load_crosswalk("cw.yaml", small, new, text=text)
    found = {(d.code, d.location.line) for d in err.value.diagnostics}  # type: ignore[union-attr]
    assert found == {("E-CROSSWALK-TYPE", 2), ("E-CROSSWALK-TYPE", 3)}


def test_cli_rescores_the_previous_survey_through_the_crosswalk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def write(path: Path, seed: int, extra: bool) -> None:
        rng = random.Random(seed)
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, delimiter=";")
            w.writerow(
                ["agency_id", "name", "block", *(["do_thi_thong_minh"] if extra else []), *MAIN]
            )
            for u in "abc":
                values = [f"{rng.randint(4000, 9500) / 10000:.4f}".replace(".", ",") for _ in MAIN]
                w.writerow([u, f"Tỉnh {u}", "tinh", *([""] if extra else []), *values])

    before, now = tmp_path / "2023.csv", tmp_path / "2024.csv"
    write(before, 5, True)
    write(now, 6, False)
    cw = tmp_path / "cw.yaml"
    cw.write_text(FULL, encoding="utf-8")
    args = ["score", str(NEW), str(now), "--previous", str(before), "--previous-rules", str(OLD)]
    assert main([*args, "-o", str(tmp_path / "plain.json")]) == 0
    plain = json.loads((tmp_path / "plain.json").read_text(encoding="utf-8"))
    assert {r["comparability"] for r in plain["results"]} == {"not_comparable"}
    assert (
        main(["--lang", "en", *args, "--crosswalk", str(cw), "-o", str(tmp_path / "cw.json")]) == 0
    )
    err = capsys.readouterr().err
    assert "compared with last year under this year's rules: nhan_thuc_so_diem" in err
    walked = json.loads((tmp_path / "cw.json").read_text(encoding="utf-8"))
    assert {r["comparability"] for r in walked["results"]} == {"comparable"}
    assert len(walked["comparison"]["criteria_compared"]) == 8
    assert walked["comparison"]["criteria_not_compared"] == []
    assert main(["--lang", "en", *args, "--crosswalk", str(cw), "-o", str(tmp_path / "cw.md")]) == 0
    md = (tmp_path / "cw.md").read_text(encoding="utf-8")
    assert "scored again under this year's rules through a crosswalk (8 criteria compared)" in md
    assert main([*args[:3], "--crosswalk", str(cw)]) == 2
