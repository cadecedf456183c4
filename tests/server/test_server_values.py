"""The form reads a value exactly as the survey readers read the same cell
(:func:`udcntt.data.parse_value`), and stores it exactly (tagged text, decimals as text)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from udcntt.data import MISSING, NA, parse_value, read_survey
from udcntt.model import Indicator
from udcntt.program import load_rules
from udcntt.server._values import decode, encode

RULES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "valid" / "small.yaml"

CASES = [
    ("staff_total", "1.537"),
    ("staff_total", "0"),
    ("staff_total", "12,5"),
    ("bandwidth", "1.234.567,25"),
    ("bandwidth", "12.5"),
    ("bandwidth", "1,537"),
    ("bandwidth", "1e5"),
    ("has_portal", "Có"),
    ("has_portal", "không"),
    ("has_portal", "có lẽ"),
    ("head", "chu_tich"),
    ("head", "Phó chủ tịch"),
    ("dvc_l4", "KAD"),
    ("staff_total", "KAD"),
    ("staff_total", ""),
]


@pytest.mark.parametrize(("indicator", "text"), CASES)
def test_parse_value_reads_as_the_survey_reader(indicator: str, text: str, tmp_path: Path) -> None:
    """Same value, or an error of the same code, as a one-row CSV survey holding the text."""
    rules = load_rules(RULES)
    survey = tmp_path / "s.csv"
    cell = f'"{text}"' if "," in text else text
    survey.write_text(
        f"id;block;{indicator}\nso_a;huyen;{cell}\n".replace(";", ","), encoding="utf-8"
    )
    data = read_survey(survey, rules, policy="lenient", locale="vi-VN")
    value, diag = parse_value(indicator, rules.indicators[indicator], text or None)
    errors = [d for d in data.diagnostics if d.indicator == indicator]
    if diag is None:
        assert not errors, errors
        assert data.agencies[0].values.get(indicator, MISSING) == value
    else:
        assert [d.code for d in errors] == [diag.code]
        assert errors[0].message == diag.message


@pytest.mark.parametrize(
    "value",
    [
        Decimal("0.1"),
        Decimal("1537"),
        Decimal("-2.50"),
        True,
        False,
        "cap_so",
        date(2024, 2, 29),
        NA,
        MISSING,
    ],
)
def test_stored_values_read_back_exactly(value: object) -> None:
    assert decode(encode(value)) == value  # type: ignore[arg-type]
    assert type(decode(encode(value))) is type(value)  # type: ignore[arg-type]


def test_parse_value_names_the_indicator_and_agency() -> None:
    _, diag = parse_value("n", Indicator(label="Số", type="number"), "nhiều", agency="so_a")
    assert diag is not None and (diag.code, diag.indicator, diag.agency) == (
        "E-DATA-NUMBER",
        "n",
        "so_a",
    )
