"""Vietnamese number formatting and the small text helpers of the reports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from udcntt.errors import UsageError
from udcntt.report._format import (
    fmt_change,
    fmt_fraction,
    fmt_number,
    fmt_percent,
    join_words,
    lower_first,
)
from udcntt.report._markdown import md_escape
from udcntt.report._xlsx import sheet_title


@pytest.mark.parametrize(
    ("value", "places", "lang", "expected"),
    [
        (Decimal("1537"), None, "vi", "1.537"),
        (Decimal("87.5"), None, "vi", "87,5"),
        (Decimal("87.50"), None, "vi", "87,50"),
        (Decimal("260440"), None, "vi", "260.440"),
        (Decimal("2.345"), 2, "vi", "2,35"),  # half-up, not Babel's half-even
        (Decimal("2.355"), 2, "vi", "2,36"),
        (Decimal("1234567.5"), 1, "en", "1,234,567.5"),
        (12, None, "vi", "12"),
    ],
)
def test_fmt_number(value: Decimal, places: int | None, lang: str, expected: str) -> None:
    """Numbers use the reader's separators and are rounded half-up."""
    assert fmt_number(value, lang=lang, places=places) == expected


def test_fmt_percent_is_computed_from_the_parts() -> None:
    """120 of 129 is 93,0 % (the founding article printed 75 %)."""
    assert fmt_percent(Decimal(120) / Decimal(129)) == "93,0%"
    assert fmt_percent(Decimal(120) / Decimal(129), lang="en") == "93.0%"


def test_fmt_fraction_and_change() -> None:
    """'18/20' and signed rank changes with a typographic minus."""
    assert fmt_fraction(18, 20) == "18/20"
    assert fmt_fraction(Decimal(1537), Decimal(2000)) == "1.537/2.000"
    assert [fmt_change(c) for c in (4, -2, 0, None)] == ["+4", "\u22122", "0", ""]


def test_unknown_language_is_a_usage_error() -> None:
    """Only 'vi' and 'en' are report languages."""
    with pytest.raises(UsageError) as info:
        fmt_number(1, lang="fr")
    assert info.value.code == "E-USAGE"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Khối các sở, ban, ngành", "khối các sở, ban, ngành"),
        ("UBND huyện", "UBND huyện"),
        ("Tốt", "tốt"),
        ("", ""),
    ],
)
def test_lower_first(text: str, expected: str) -> None:
    """Labels go lower-case inside a sentence, acronyms stay."""
    assert lower_first(text) == expected


def test_join_words() -> None:
    """'a, b và c' in Vietnamese, 'a, b and c' in English."""
    assert join_words(["a", "b", "c"]) == "a, b và c"
    assert join_words(["a", "b"], lang="en") == "a and b"
    assert join_words(["a"]) == "a"


def test_sheet_titles_are_valid_and_unique() -> None:
    """Worksheet names: ≤ 31 characters, none of []:*?/\\, unique ignoring case."""
    used: set[str] = set()
    long = "Ban Quản lý Khu du lịch quốc gia hồ Tuyền Lâm [cũ]: A/B*C?"
    names = [sheet_title(long, used) for _ in range(12)]
    assert len({n.lower() for n in names}) == 12
    for name in names:
        assert len(name) <= 31
        assert not set(name) & set("[]:*?/\\")
        assert not name.startswith("'") and not name.endswith("'")
    assert sheet_title("''", used) == "Sheet"


def test_markdown_escape_keeps_survey_text_literal() -> None:
    """Links, HTML, emphasis and table pipes cannot start inside survey text."""
    assert md_escape("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))"
    assert md_escape("<script>") == "\\<script\\>"
    assert md_escape("a|b *c*") == "a\\|b \\*c\\*"
    assert md_escape("two\nlines") == "two lines"
