"""Text normalisation: NFC, look-alike letters, odd spaces and tone-mark placement."""

from __future__ import annotations

import unicodedata

import pytest

from udcntt.data import clean_text, match_key, slugify
from udcntt.data._text import is_lookalike, plain_key


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Hòa", "Hoà"),
        ("hóa", "hoá"),
        ("Thủy", "Thuỷ"),
        ("khỏe", "khoẻ"),
        ("Hõa", "Hoã"),
        ("Họa", "Hoạ"),
        ("lòe", "loè"),
        ("tùy", "tuỳ"),
        ("Quý", "Qúy"),
    ],
)
def test_tone_placement_variants_match(old: str, new: str) -> None:
    """Old and new tone-mark placement give the same key, flagged as look-alike."""
    assert match_key(old) == match_key(new)
    assert is_lookalike(old, new)


def test_nfd_and_nfc_are_the_same_text() -> None:
    """Decomposed Vietnamese (from some editors) equals the composed form."""
    nfd = unicodedata.normalize("NFD", "Sở Thông tin và Truyền thông")
    assert plain_key(nfd) == plain_key("Sở Thông tin và Truyền thông")
    assert clean_text(nfd) == "Sở Thông tin và Truyền thông"


def test_eth_is_dd() -> None:
    """Ð (U+00D0) is read as Đ (U+0110) and flagged."""
    assert clean_text("\u00d0à Lạt") == "\u0110à Lạt"
    assert is_lookalike("\u00d0à Lạt", "\u0110à Lạt")


def test_spaces() -> None:
    """No-break and zero-width spaces are look-alikes of plain spacing."""
    assert clean_text("Sở\u00a0Y\u200b tế ") == "Sở Y tế"
    assert is_lookalike("Sở\u00a0Y tế", "Sở Y tế")
    assert not is_lookalike("Sở  Y tế", "sở y tế")  # case and ASCII spacing never matter


def test_different_words_stay_different() -> None:
    """Folding never merges different names."""
    assert match_key("Hòa Bắc") != match_key("Hòa Bình")
    assert match_key("Đà Lạt") != match_key("Da Lat")


def test_slugify() -> None:
    """Ids made from names are ASCII snake_case."""
    assert slugify("Sở Giáo dục và Đào tạo") == "so_giao_duc_va_dao_tao"
    assert slugify("UBND huyện Ðạ Huoai") == "ubnd_huyen_da_huoai"
    assert slugify("Hòa Vang") == slugify("Hoà Vang")
    assert slugify("!!!") == ""
