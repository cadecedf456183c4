"""Numbers in rule files are bounded; no diagnostic quotes huge input whole."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import udcntt
from udcntt.cli import main
from udcntt.expressions import MAX_DIGITS
from udcntt.model import MAX_NUMBER, MAX_NUMBER_DIGITS, MIN_NUMBER, check_number

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "small.yaml"
BASE = SMALL.read_text(encoding="utf-8")

# Where a number goes: (text to replace in small.yaml, the same with {n} for the number).
FIELDS = {
    "weight": (
        "{id: may_tinh, label: Tỷ lệ máy tính, max: 20,",
        "{id: may_tinh, label: Tỷ lệ máy tính, max: 20, weight: {n},",
    ),
    "max": (
        "  - id: ha_tang\n    label: Hạ tầng\n    max: 40",
        "  - id: ha_tang\n    label: Hạ tầng\n    max: {n}",
    ),
    "expression points": ("points: pc_ratio * 20", "points: pc_ratio * {n}"),
    "range": ("range: [1, 10000]", "range: [1, {n}]"),
    "band step": ("{min: 4, points: 20}", "{min: {n}, points: 20}"),
    "band points": ("{min: 3, points: 15}", "{min: 3, points: {n}}"),
    "lookup value": ("table: {chu_tich: 10, pho: 5}", "table: {chu_tich: 10, pho: {n}}"),
    "per-item cap": ("points: 2, cap: 20}", "points: 2, cap: {n}}"),
    "tier threshold": ("{id: kha, label: Khá, min: 0.6}", "{id: kha, label: Khá, min: {n}}"),
    "scale": ("scale: {so: 80, huyen: 100}", "scale: {so: 80, huyen: {n}}"),
    "rounding places": ("rounding: {total: 2, share: 4}", "rounding: {total: {n}, share: 4}"),
    "test input": ("dvc_l4: 12, bandwidth: 100}", "dvc_l4: 12, bandwidth: {n}}"),
    "expected total": ("expect: {total: 100,", "expect: {total: {n},"),
    "expected points": ("points: {bang_thong: 20}", "points: {bang_thong: {n}}"),
    "expected rank": ("expect: {total: 100,", "expect: {rank: {n}, total: 100,"),
    "tolerance": (
        "  - name: đơn vị đầy đủ\n",
        "  - name: đơn vị đầy đủ\n    tolerance: {n}\n",
    ),
}

BAD = {
    "1.0e+400": "1.0e+400",
    "1e-400": "1e-400",
    "1e999999999": "1e999999999",
    "5000 digits": "9" * 5_000,
    "5000 decimals": "0." + "1" * 5_000,
    "nan": ".nan",
    "NaN": "NaN",
    "inf": ".inf",
    "-inf": "-.inf",
    "Infinity": "Infinity",
}


def _check(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    code = main(["--lang", "en", "check", str(path)])
    out = capsys.readouterr()
    return code, out.out + out.err


def _line_of(text: str, changed: str, number: str) -> int:
    at = text.index(changed) + changed.index(number)
    return text[:at].count("\n") + 1


@pytest.mark.parametrize("field", sorted(FIELDS))
@pytest.mark.parametrize("bad", sorted(BAD))
def test_out_of_bounds_number_is_a_located_error(
    field: str, bad: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """1e400, 5,000 digits, NaN or infinity anywhere numeric: a located error, exit 1."""
    old, new = FIELDS[field]
    assert old in BASE
    number = BAD[bad]
    changed = new.replace("{n}", number)
    text = BASE.replace(old, changed)
    code, out = _check(tmp_path, text, capsys)
    assert code == 1, out
    # Number literals inside expressions have their own code; every other number is a value.
    expected = "E-EXPR-LIMIT" if field == "expression points" else "E-SCHEMA-VALUE"
    if field == "expression points" and bad in ("nan", "NaN", "inf", "-inf", "Infinity"):
        expected = "E-EXPR-"  # '.nan' is no expression; NaN is an unknown name
    first = next(line for line in out.splitlines() if "error[" in line)
    assert f"error[{expected}" in first, out
    assert f"rules.yaml:{_line_of(text, changed, number)}:" in first, out
    assert len(out) < 2_000, out


@pytest.mark.parametrize("text", ["1e18", "-1e18", "1e-18", "0", "0.0", "0e999999", "12.5"])
def test_numbers_within_bounds_are_kept(text: str) -> None:
    """The bounds are inclusive, zero is always fine, and values stay exact."""
    value = udcntt.model.parse_decimal_text(text)
    assert value == Decimal(text)
    assert check_number(value) == value


def test_rule_file_bounds_match_expression_and_survey_bounds() -> None:
    """One rule for numbers: 34 significant digits (exact arithmetic), magnitude 1e±18."""
    assert MAX_NUMBER_DIGITS == MAX_DIGITS
    assert Decimal("1e18") == MAX_NUMBER and Decimal("1e-18") == MIN_NUMBER
    with pytest.raises(ValueError, match="significant digits"):
        check_number(Decimal("1." + "1" * MAX_DIGITS))


def test_huge_id_locale_and_value_give_small_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 1.9 MB id, a huge locale and a 200,000-character value are quoted cut, in both languages."""
    text = BASE.replace("id: small_example", "id: " + "a" * 1_900_000)
    code, out = _check(tmp_path, text, capsys)
    assert code == 1 and "E-SCHEMA-ID" in out and "characters]" in out
    assert len(out) < 2_000, len(out)

    layout = "survey: {locale: " + "vi-" * 60_000 + "VN}\n"
    code, out = _check(tmp_path, BASE + layout, capsys)
    assert code == 1 and len(out) < 2_000, out[:3_000]

    huge = "x" * 200_000
    for old, new in [
        ("max: 40", f"max: {huge}"),
        ("table: {chu_tich: 10, pho: 5}", f"table: {{chu_tich: 10, {huge}: 5}}"),
        ("scope: all}", f"scope: {huge}}}"),
        ("rounding: {total: 2, share: 4}", f"rounding: {{total: 2, share: 4, {huge}: 1}}"),
        # Explicit keys (?) may be longer than libyaml's 1,024 characters for plain keys.
        ("rounding: {total: 2, share: 4}", f"rounding:\n  total: 2\n  ? {huge}\n  : 1"),
        ("derived:\n", f"derived:\n  ? d{huge}\n  : staff_pc + 1\n"),
    ]:
        path = tmp_path / "rules.yaml"
        path.write_text(BASE.replace(old, new, 1), encoding="utf-8")
        for lang in ("en", "vi"):
            code = main(["--lang", lang, "check", str(path)])
            captured = capsys.readouterr()
            out = captured.out + captured.err
            lines = [line for line in out.splitlines() if "error[" in line]
            assert code == 1 and lines, (old, out[:2_000])
            assert all(len(line) < 2_000 for line in out.splitlines()), old
            assert len(out) < 2_000 * len(lines) + 200, old

        code = main(["--lang", "en", "check", "--format", "json", str(path)])
        data = json.loads(capsys.readouterr().out)
        assert code == 1 and len(json.dumps(data, ensure_ascii=False)) < 4_000, old
