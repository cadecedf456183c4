"""Lineage files: dated events of units, loaded strictly with located errors."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from udcntt.cli import main
from udcntt.data import Registry
from udcntt.errors import DataError
from udcntt.lineage import check_registry, check_units, load_lineage

D = dt.date

GOOD = """\
title: Ba tỉnh thành một
synthetic: true
units:
  - {id: lam_dong, name: Tỉnh Lâm Đồng, block: tinh}
  - {id: dak_nong, name: Tỉnh Đắk Nông, block: tinh}
  - {id: binh_thuan, name: Tỉnh Bình Thuận, block: tinh}
  - {id: so_tttt, name: Sở Thông tin và Truyền thông, block: so}
  - {id: so_khcn, name: Sở Khoa học và Công nghệ, block: so}
  - {id: xa_a, name: Xã A, block: xa}
  - {id: xa_b, name: Xã B, block: xa}
  - {id: huyen_x, name: Huyện X, block: huyen}
events:
  - date: 2025-03-01
    kind: absorb
    from: so_tttt
    into: so_khcn
    basis: Nghị quyết 57-NQ/TW
  - date: 2025-07-01
    kind: merge
    from: [lam_dong, dak_nong, binh_thuan]
    to: {id: lam_dong_2025, name: Tỉnh Lâm Đồng}
    basis: Nghị quyết 202/2025/QH15
  - date: 2025-07-01
    kind: split
    from: xa_a
    to:
      - {id: phuong_1, name: Phường 1, share: 0.6}
      - {id: xa_b, share: 0.4}
    basis: Nghị quyết 1671/NQ-UBTVQH15
  - date: 2025-07-01
    kind: abolish
    unit: huyen_x
    basis: Luật Tổ chức chính quyền địa phương 2025
  - date: 2025-08-01
    kind: rename
    from: phuong_1
    to: {id: phuong_lang_biang, name: Phường Lang Biang}
    basis: Quyết định 1/QĐ-UBND
  - date: 2025-09-01
    kind: change_block
    unit: xa_b
    block: phuong
    basis: Quyết định 2/QĐ-UBND
"""


def _load(text: str) -> object:
    return load_lineage("lineage.yaml", text=text)


def test_units_alive_at_a_date_follow_the_events() -> None:
    lineage = load_lineage("lineage.yaml", text=GOOD)
    before = {s.id for s in lineage.alive(D(2025, 6, 30))}
    after = {s.id for s in lineage.alive(D(2025, 7, 1))}
    assert before == {"lam_dong", "dak_nong", "binh_thuan", "so_khcn", "xa_a", "xa_b", "huyen_x"}
    assert after == {"lam_dong_2025", "so_khcn", "phuong_1", "xa_b"}
    assert lineage.state("xa_b", D(2025, 9, 1)).block == "phuong"  # type: ignore[union-attr]
    assert lineage.state("xa_b", D(2025, 8, 31)).block == "xa"  # type: ignore[union-attr]


def test_predecessors_and_successors_carry_shares() -> None:
    lineage = load_lineage("lineage.yaml", text=GOOD)
    preds = lineage.predecessors("lam_dong_2025", D(2024, 12, 31))
    assert [(p.unit, p.share) for p in preds] == [
        ("binh_thuan", 1),
        ("dak_nong", 1),
        ("lam_dong", 1),
    ]
    assert preds[0].events[0].basis == "Nghị quyết 202/2025/QH15"
    # A split hands 40 % of xa_a to xa_b, which goes on existing.
    assert [(p.unit, p.share) for p in lineage.predecessors("xa_b", D(2024, 12, 31))] == [
        ("xa_a", Decimal("0.4")),
        ("xa_b", 1),
    ]
    # Through a split then a rename, the share is carried along the chain.
    assert [
        (p.unit, p.share) for p in lineage.predecessors("phuong_lang_biang", D(2025, 1, 1))
    ] == [("xa_a", Decimal("0.6"))]
    assert [(s.unit, s.share) for s in lineage.successors("xa_a", D(2025, 12, 31))] == [
        ("phuong_lang_biang", Decimal("0.6")),
        ("xa_b", Decimal("0.4")),
    ]
    assert lineage.successors("huyen_x", D(2025, 12, 31)) == ()
    # The Sở absorbing another keeps both as predecessors.
    assert {p.unit for p in lineage.predecessors("so_khcn", D(2025, 1, 1))} == {
        "so_khcn",
        "so_tttt",
    }


def test_live_units_partition_what_existed_before() -> None:
    """Every unit alive at one date hands on exactly all of itself at every later date."""
    lineage = load_lineage("lineage.yaml", text=GOOD)
    dates = [D(2025, 1, 1), D(2025, 3, 1), D(2025, 7, 1), D(2025, 8, 1), D(2025, 12, 31)]
    for i, early in enumerate(dates):
        for late in dates[i:]:
            for state in lineage.alive(early):
                shares = sum(s.share for s in lineage.successors(state.id, late))
                assert shares == (0 if state.id == "huyen_x" and late >= D(2025, 7, 1) else 1)


def _codes(text: str) -> list[tuple[str, int | None, str]]:
    with pytest.raises(DataError) as err:
        load_lineage("lineage.yaml", text=text)
    return [
        (d.code, d.location.line if d.location else None, str(d.message))
        for d in err.value.diagnostics
    ]


HEAD = """\
units:
  - {id: a, name: A, block: x}
  - {id: b, name: B, block: x}
  - {id: c, name: C, block: x}
events:
"""


@pytest.mark.parametrize(
    ("events", "code", "line", "words"),
    [
        # out of date order
        (
            "  - {date: 2025-07-01, kind: abolish, unit: a, basis: q}\n"
            "  - {date: 2025-03-01, kind: abolish, unit: b, basis: q}\n",
            "E-LINEAGE-ORDER",
            7,
            "comes after an event dated 2025-07-01",
        ),
        # a unit merged into two successors without shares
        (
            "  - {date: 2025-07-01, kind: merge, from: [a, b], to: {id: ab, name: AB}, basis: q}\n"
            "  - {date: 2025-07-01, kind: merge, from: [a, c], to: {id: ac, name: AC}, basis: q}\n",
            "E-LINEAGE-SHARES",
            7,
            "'a' goes into two successors",
        ),
        # a split without shares
        (
            "  - date: 2025-07-01\n    kind: split\n    from: a\n    to: [{id: a1, name: A1}, {id: a2, name: A2}]\n    basis: q\n",
            "E-LINEAGE-SHARES",
            9,
            "without a 'share'",
        ),
        # shares that do not add up
        (
            "  - date: 2025-07-01\n    kind: split\n    from: a\n    to: [{id: a1, name: A1, share: 0.5}, {id: a2, name: A2, share: 0.4}]\n    basis: q\n",
            "E-LINEAGE-SHARES",
            9,
            "add up to 0.9",
        ),
        # a unit disappearing twice
        (
            "  - {date: 2025-07-01, kind: abolish, unit: a, basis: q}\n"
            "  - {date: 2025-08-01, kind: merge, from: [a, b], to: {id: ab, name: AB}, basis: q}\n",
            "E-LINEAGE-GONE",
            7,
            "'a' ended on 2025-07-01",
        ),
        # a cycle: an id that comes back
        (
            "  - {date: 2025-07-01, kind: rename, from: a, to: {id: z, name: Z}, basis: q}\n"
            "  - {date: 2025-08-01, kind: rename, from: z, to: {id: a, name: A again}, basis: q}\n",
            "E-LINEAGE-CYCLE",
            7,
            "cannot come back",
        ),
        # an unknown unit, with a suggestion
        (
            "  - {date: 2025-07-01, kind: abolish, unit: d, basis: q}\n",
            "E-LINEAGE-UNIT",
            6,
            "unknown unit 'd'",
        ),
        # two events of one day on the same unit
        (
            "  - {date: 2025-07-01, kind: change_block, unit: a, block: y, basis: q}\n"
            "  - {date: 2025-07-01, kind: abolish, unit: a, basis: q}\n",
            "E-LINEAGE-ORDER",
            7,
            "two events on 2025-07-01",
        ),
        # no legal basis
        (
            "  - {date: 2025-07-01, kind: abolish, unit: a}\n",
            "E-LINEAGE-SCHEMA",
            6,
            "'basis' is required",
        ),
        # a bad date and an unknown kind
        (
            "  - {date: 2025-02-30, kind: abolish, unit: a, basis: q}\n",
            "E-LINEAGE-SCHEMA",
            6,
            "not a date",
        ),
        (
            "  - {date: 2025-07-01, kind: mrege, unit: a, basis: q}\n",
            "E-LINEAGE-SCHEMA",
            6,
            "unknown event kind",
        ),
    ],
)
def test_bad_lineages_are_refused_with_located_errors(
    events: str, code: str, line: int, words: str
) -> None:
    found = _codes(HEAD + events)
    assert any(c == code and ln == line and words in m for c, ln, m in found), found


def test_every_problem_is_reported_at_once() -> None:
    text = HEAD + (
        "  - {date: 2025-07-01, kind: abolish, unit: q, basis: q}\n"
        "  - {date: 2025-08-01, kind: merge, from: [a], to: {id: ab, name: AB}, basis: q}\n"
        "  - {date: 2025-09-01, kind: abolish, unit: b}\n"
    )
    codes = [c for c, _, _ in _codes(text)]
    assert len(codes) == 3


def test_unknown_top_level_key_and_yaml_problems_are_located() -> None:
    found = _codes("unit:\n  - {id: a, name: A, block: x}\n")
    assert found[0][:2] == ("E-LINEAGE-SCHEMA", 1) and "did you mean" not in found[0][2]
    with pytest.raises(DataError) as err:
        load_lineage("l.yaml", text="units:\n  - &x {id: a, name: A, block: x}\n")
    assert err.value.code == "E-YAML-ALIAS"


def test_registry_and_survey_coverage_name_the_unit() -> None:
    lineage = load_lineage("lineage.yaml", text=GOOD)
    registry = Registry.from_records(
        [
            {"id": "lam_dong_2025", "name": "Tỉnh Lâm Đồng", "block": "tinh"},
            {"id": "so_khcn", "name": "Sở KH&CN", "block": "so"},
            {"id": "xa_b", "name": "Xã B", "block": "xa"},
            {"id": "xa_moi", "name": "Xã Mới", "block": "xa"},
        ]
    )
    problems = {(d.code, d.agency) for d in check_registry(lineage, registry, D(2025, 7, 1))}
    assert problems == {("E-LINEAGE-LOST", "phuong_1"), ("E-LINEAGE-UNCOVERED", "xa_moi")}
    gone = check_units(lineage, ["lam_dong", "xa_c"], D(2025, 7, 1), what="previous")
    assert [(d.code, d.agency) for d in gone] == [
        ("E-LINEAGE-UNCOVERED", "lam_dong"),
        ("E-LINEAGE-UNCOVERED", "xa_c"),
    ]
    assert "does not exist on 2025-07-01" in str(gone[0].message)


def test_cli_lineage_lists_units_and_where_they_came_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "lineage.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["lineage", str(path), "--at", "2025-07-01"]) == 0
    out = capsys.readouterr().out
    assert "4 đơn vị tồn tại vào ngày 2025-07-01" in out
    assert "GIẢ LẬP" in out
    assert "lam_dong (Tỉnh Lâm Đồng), binh_thuan" not in out  # sorted by id
    assert (
        "← binh_thuan (Tỉnh Bình Thuận), dak_nong (Tỉnh Đắk Nông), lam_dong (Tỉnh Lâm Đồng)" in out
    )
    assert "hợp nhất ngày 2025-07-01 (Nghị quyết 202/2025/QH15)" in out
    assert main(["--lang", "en", "lineage", str(path), "--at", "01/07/2025"]) == 0
    out = capsys.readouterr().out
    assert "4 units alive on 2025-07-01" in out and "merged on 2025-07-01" in out
    assert "xa_a (Xã A) × 0.4" in out
    assert main(["lineage", str(path), "--at", "2025-07-01", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    merged = next(u for u in data["units"] if u["id"] == "lam_dong_2025")
    assert [f["id"] for f in merged["from"]] == ["binh_thuan", "dak_nong", "lam_dong"]


def test_cli_lineage_bad_file_and_bad_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "lineage.yaml"
    path.write_text(
        HEAD + "  - {date: 2025-07-01, kind: abolish, unit: d, basis: q}\n", encoding="utf-8"
    )
    assert main(["--lang", "en", "lineage", str(path), "--at", "2025-07-01"]) == 1
    err = capsys.readouterr().err
    assert f"{path}:6:5: error[E-LINEAGE-UNIT] unknown unit 'd'" in err or "E-LINEAGE-UNIT" in err
    assert main(["lineage", str(path), "--at", "tomorrow"]) == 2


def test_cli_lineage_checks_a_registry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "lineage.yaml"
    path.write_text(GOOD, encoding="utf-8")
    reg = tmp_path / "agencies.yaml"
    reg.write_text(
        "agencies:\n  - {id: lam_dong_2025, name: Tỉnh Lâm Đồng, block: tinh}\n", encoding="utf-8"
    )
    assert (
        main(["--lang", "en", "lineage", str(path), "--at", "2025-07-01", "--registry", str(reg)])
        == 1
    )
    out = capsys.readouterr()
    assert "E-LINEAGE-LOST" in out.out + out.err and "'phuong_1'" in out.out + out.err
