"""Reading single cells under a declared locale: numbers, percentages, yes/no, dates, categories."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from babel.numbers import format_decimal, parse_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from udcntt.data import MISSING, NA, read_survey
from udcntt.data._locale import parse_cell
from udcntt.data._table import Cell
from udcntt.data._value_context import ValueContext
from udcntt.errors import DataError, SourceLocation, UsageError
from udcntt.model import Indicator, RuleSet

LOC = SourceLocation(file="x.csv", row=2, cell_column="D")
VI = ValueContext(locale_name="vi-VN")
EN = ValueContext(locale_name="en-US")


def read(ind: Indicator, raw: Any, ctx: ValueContext = VI, **kw: Any) -> Any:
    value, diag = parse_cell("x", ind, Cell(raw, LOC, **kw), ctx)
    return diag.code if diag is not None else value


def ind(kind: str, **extra: Any) -> Indicator:
    return Indicator.model_validate({"label": "X", "type": kind, **extra})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.537", Decimal(1537)),
        ("12,5", Decimal("12.5")),
        ("1.234.567,25", Decimal("1234567.25")),
        ("0,537", Decimal("0.537")),
        ("1,5370", Decimal("1.537")),
        (" 42 ", Decimal(42)),
        ("-3", Decimal(-3)),
        ("−3", Decimal(-3)),
        ("1,537", "E-DATA-AMBIGUOUS"),
        ("12,500", "E-DATA-AMBIGUOUS"),
        ("12.5", "E-DATA-NUMBER"),
        ("1.53", "E-DATA-NUMBER"),
        ("1e3", "E-DATA-NUMBER"),
        ("1e999", "E-DATA-NUMBER"),
        ("NaN", "E-DATA-NUMBER"),
        ("inf", "E-DATA-NUMBER"),
        ("-Infinity", "E-DATA-NUMBER"),
        ("abc", "E-DATA-NUMBER"),
        ("1 537", "E-DATA-NUMBER"),
        ("9" * 40, "E-DATA-NUMBER"),
        ("=SUM(A1:A3)", "E-DATA-NUMBER"),
    ],
)
def test_numbers_under_vi_vn(text: str, expected: Any) -> None:
    """Decimal comma and thousands dot are read by Babel; ambiguous text is refused."""
    assert read(ind("number"), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,537", Decimal(1537)), ("12.5", Decimal("12.5")), ("1.537", "E-DATA-AMBIGUOUS")],
)
def test_numbers_under_en_us(text: str, expected: Any) -> None:
    """The same rules mirror under an English locale."""
    assert read(ind("number"), text, EN) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (12, Decimal(12)),
        (0.1, Decimal("0.1")),
        (float("nan"), "E-DATA-NUMBER"),
        (float("inf"), "E-DATA-NUMBER"),
        (1e300, "E-DATA-NUMBER"),
        (10**30, "E-DATA-NUMBER"),
        (Decimal("NaN"), "E-DATA-NUMBER"),
        (True, "E-DATA-NUMBER"),
        (datetime(2024, 1, 2), "E-DATA-NUMBER"),
    ],
)
def test_machine_numbers(raw: Any, expected: Any) -> None:
    """Excel and JSON numbers go through Decimal(repr()); non-finite and huge ones fail."""
    assert read(ind("number"), raw) == expected


@pytest.mark.parametrize(
    ("raw", "percent", "expected"),
    [
        ("75%", False, Decimal("0.75")),
        ("75 %", False, Decimal("0.75")),
        ("12,5%", False, Decimal("0.125")),
        ("0,75", False, Decimal("0.75")),
        (0.75, True, Decimal("0.75")),
        ("75", False, "E-DATA-RANGE"),
        ("120%", False, "E-DATA-RANGE"),
        ("-1%", False, "E-DATA-RANGE"),
    ],
)
def test_ratios(raw: Any, percent: bool, expected: Any) -> None:
    """A ratio is a share in [0, 1]; ``75%`` and Excel percent cells are read as 0.75."""
    assert read(ind("ratio"), raw, percent=percent) == expected


def test_ratio_scale_percent() -> None:
    """With a column scale of percent, 75 means 0.75, but 75% stays 0.75."""
    ratio = ind("ratio")
    for raw, expected in (("75", Decimal("0.75")), ("75%", Decimal("0.75"))):
        value, diag = parse_cell("x", ratio, Cell(raw, LOC), VI, scale="percent")
        assert diag is None
        assert value == expected
    value, _ = parse_cell("x", ratio, Cell(0.75, LOC, percent=True), VI, scale="percent")
    assert value == Decimal("0.75")


def test_numeric_scale() -> None:
    """A numeric scale multiplies (a column in thousands)."""
    value, _ = parse_cell("x", ind("number"), Cell("1,5", LOC), VI, scale=Decimal(1000))
    assert value == Decimal(1500)


def test_percent_on_a_number_needs_a_percent_unit() -> None:
    """``75%`` is refused for a plain number, kept as 75 for a number in %."""
    assert read(ind("number"), "75%") == "E-DATA-NUMBER"
    assert read(ind("number", unit="%"), "75%") == Decimal(75)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", Decimal(12)),
        (12.0, Decimal(12)),
        ("12,0", Decimal(12)),
        ("12,5", "E-DATA-NUMBER"),
        ("-1", "E-DATA-RANGE"),
        (3.5, "E-DATA-NUMBER"),
    ],
)
def test_counts(raw: Any, expected: Any) -> None:
    """Counts are whole and not negative."""
    assert read(ind("count"), raw) == expected


def test_range_from_bounds() -> None:
    """The declared range is checked."""
    bounded = ind("number", range=["0", "100"])
    assert read(bounded, "100") == Decimal(100)
    assert read(bounded, "100,5") == "E-DATA-RANGE"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Có", True),
        ("có", True),
        ("CÓ", True),
        ("x", True),
        ("X", True),
        ("C", True),
        ("1", True),
        (1, True),
        (True, True),
        ("Không", False),
        ("không", False),
        ("K", False),
        ("0", False),
        (0, False),
        ("ko", False),
        ("Khong", False),
        ("maybe", "E-DATA-BOOL"),
        (2, "E-DATA-BOOL"),
    ],
)
def test_bools(raw: Any, expected: Any) -> None:
    """Có/Không, x, C/K and 1/0 are the declared yes/no spellings."""
    assert read(ind("bool"), raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("25/03/2024", date(2024, 3, 25)),
        ("5/3/2024", date(2024, 3, 5)),
        ("2024-03-25", date(2024, 3, 25)),
        (datetime(2024, 3, 25, 8), date(2024, 3, 25)),
        ("30/02/2024", "E-DATA-DATE"),
        ("29/02/2023", "E-DATA-DATE"),
        ("29/02/2024", date(2024, 2, 29)),
        ("25/03/24", "E-DATA-DATE"),
        ("13/13/2024", "E-DATA-DATE"),
        (45000, "E-DATA-DATE"),
        ("hôm qua", "E-DATA-DATE"),
    ],
)
def test_dates(raw: Any, expected: Any) -> None:
    """Dates are dd/mm/yyyy (or ISO); impossible dates are refused."""
    assert read(ind("date"), raw) == expected


def test_categories(rules: RuleSet) -> None:
    """Categories are read by id or label, ignoring case and look-alikes."""
    leader = rules.indicators["leader"]
    assert read(leader, "Chủ tịch") == "chu_tich"
    assert read(leader, "chu_tich") == "chu_tich"
    assert read(leader, "PHÓ CHỦ TỊCH") == "pho_chu_tich"
    assert read(leader, "Bí thư") == "E-DATA-CATEGORY"


@pytest.mark.parametrize("raw", [None, "", "  ", "-", "—", "?"])
def test_missing_spellings(raw: Any) -> None:
    """Empty cells and declared spellings are missing."""
    assert read(ind("number"), raw) is MISSING


@pytest.mark.parametrize("raw", ["N/A", "n/a", "KAD", "Không áp dụng", "KHÔNG ÁP DỤNG"])
def test_not_applicable_spellings(raw: str) -> None:
    """Declared spellings are not applicable, only where the indicator allows it."""
    assert read(ind("number", not_applicable=True), raw) is NA
    assert read(ind("number"), raw) == "E-DATA-NA"


def test_diagnostic_is_located() -> None:
    """A refused cell names its location, indicator, agency, raw text and a hint."""
    _, diag = parse_cell("bandwidth", ind("number"), Cell("12.5", LOC), VI, agency="so_yte")
    assert diag is not None
    assert diag.location == LOC
    assert (diag.indicator, diag.agency, diag.value) == ("bandwidth", "so_yte", "12.5")
    assert diag.hint is not None
    assert "12,5" in diag.hint


def test_unknown_locale() -> None:
    """An unknown locale is a usage error."""
    with pytest.raises(UsageError):
        ValueContext(locale_name="xx-YY")


@settings(max_examples=300, deadline=None)
@given(
    value=st.decimals(
        min_value=-(10**12), max_value=10**12, places=3, allow_nan=False, allow_infinity=False
    )
)
def test_babel_round_trip(value: Decimal) -> None:
    """What Babel writes in vi-VN reads back exactly, or is refused as ambiguous."""
    text = format_decimal(value, locale="vi_VN", decimal_quantization=False)
    result = read(ind("number"), text)
    if result == "E-DATA-AMBIGUOUS":
        whole, _, frac = text.lstrip("-").partition(",")
        assert len(frac) == 3
        assert "." not in whole
    else:
        assert result == value


@given(text=st.from_regex(r"\A[+-]?[0-9]{1,25}\Z"))
def test_integer_fast_path_agrees_with_babel(text: str) -> None:
    """The shortcut for plain digits gives exactly what Babel gives."""
    assert read(ind("number"), text) == parse_decimal(text, locale="vi_VN", strict=True)


def test_dot_decimal_column_suggests_en_us(rules: RuleSet, tmp_path: Path) -> None:
    """A column of dot-decimal numbers gets one --locale en-US hint, on its first error."""
    path = tmp_path / "s.csv"
    path.write_text(
        "id,name,block,bandwidth,staff_total\n"
        "a,A,so_nganh,12.5,1\nb,B,so_nganh,1,537,2\nc,C,so_nganh,7.25,3\n".replace(
            "1,537", '"1,537"'
        ),
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        read_survey(path, rules)
    hints = [d.hint or "" for d in info.value.diagnostics if d.code.startswith("E-DATA-")]
    assert sum("--locale en-US" in h for h in hints) == 1
    assert "--locale en-US" in hints[0] and "3 numbers" in hints[0]
    ds = read_survey(path, rules, locale="en-US")
    assert ds.by_id()["b"].values["bandwidth"] == Decimal(1537)


def test_single_dot_decimal_typo_gets_no_locale_hint(rules: RuleSet, tmp_path: Path) -> None:
    """One odd number in a vi-VN column is a typo, not a file in another locale."""
    path = tmp_path / "s.csv"
    path.write_text('id,name,block,bandwidth\na,A,so_nganh,12.5\nb,B,so_nganh,"7,5"\n')
    with pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert all("--locale" not in (d.hint or "") for d in info.value.diagnostics)


@pytest.mark.parametrize(("name", "hint"), [("vi-VM", "vi-VN"), ("xx-YY", "en-US"), ("C", "vi-VN")])
def test_unknown_locales_list_the_known_ones(
    rules: RuleSet, tmp_path: Path, name: str, hint: str
) -> None:
    """An unknown locale is a usage error whose hint names the close or the common ones."""
    path = tmp_path / "s.csv"
    path.write_text("id,name,block\na,A,so_nganh\n")
    with pytest.raises(UsageError) as info:
        read_survey(path, rules, locale=name)
    assert hint in (info.value.diagnostics[0].hint or "")


def test_unknown_locale_in_a_json_survey_is_a_data_error(rules: RuleSet, tmp_path: Path) -> None:
    """A survey file that declares an unknown locale is a located data error (exit 1)."""
    path = tmp_path / "s.json"
    path.write_text('{"locale": "vi-XX", "agencies": [{"id": "a", "block": "so_nganh"}]}')
    with pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-FORMAT"
    assert info.value.location.path == "locale"  # type: ignore[union-attr]
