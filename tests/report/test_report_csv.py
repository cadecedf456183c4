"""CSV for Excel: a BOM and published rounding by default, a Vietnamese style, the plain form.

Through the CLI (``udcntt score … --csv-style STYLE -o x.csv``) and the public API.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

import udcntt
from udcntt.cli import main
from udcntt.report import CSV_STYLES, assessment_to_csv, render_report

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "lam-dong"
RULES = ROOT / "rules" / "lam-dong-2017.yaml"
BOM = b"\xef\xbb\xbf"


def _score_csv(tmp_path: Path, *style: str) -> bytes:
    out = tmp_path / "kq.csv"
    argv = [
        "score",
        str(RULES),
        str(EXAMPLE / "survey-2017.csv"),
        "--registry",
        str(EXAMPLE / "agencies.yaml"),
        "--year",
        "2017",
        *style,
        "-o",
        str(out),
    ]
    assert main(argv) == 0
    return out.read_bytes()


def _rows(data: bytes, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def test_default_is_excel_bom_and_published_rounding(tmp_path: Path) -> None:
    """Default: UTF-8 with BOM; totals and points with the 2 places of the published totals,
    shares with 4; no 34-digit values."""
    data = _score_csv(tmp_path)
    assert data.startswith(BOM + b"agency_id,name,block,total")
    rows = _rows(data)
    stt = next(r for r in rows if r["agency_id"] == "so_thong_tin_truyen_thong")
    assert (stt["name"], stt["total"], stt["max"]) == (
        "Sở Thông tin và Truyền thông",
        "88.10",
        "100.00",
    )
    assert len(stt["share"].split(".")[1]) == 4
    numbers = [v for r in rows for k, v in r.items() if k.startswith("points.") and v]
    assert numbers and all(len(v.split(".")[1]) == 2 for v in numbers)


def test_vi_style_headers_decimal_comma_semicolon(tmp_path: Path) -> None:
    data = _score_csv(tmp_path, "--csv-style", "vi")
    assert data.startswith(BOM + "Mã đơn vị;Tên đơn vị;Khối;Tổng điểm".encode())
    rows = _rows(data, ";")
    stt = next(r for r in rows if r["Mã đơn vị"] == "so_thong_tin_truyen_thong")
    assert stt["Tổng điểm"] == "88,10"
    assert stt["Xếp loại"] in {"Tốt", "Khá", "Trung bình"}
    assert any(k.startswith("Điểm 1.1. ") for k in stt)  # criteria by code and label


def test_plain_style_is_the_machine_form(tmp_path: Path) -> None:
    """No BOM, ids as headers, values exactly as scored (unrounded leaf points)."""
    data = _score_csv(tmp_path, "--csv-style", "plain")
    assert data.startswith(b"agency_id,name,block,total")
    rows = _rows(data)
    longest = max(len(v) for r in rows for k, v in r.items() if k.startswith("points."))
    assert longest > 20  # e.g. 7.172413793103448275862068965517242


def test_styles_agree_on_values(lam_dong: udcntt.Assessment) -> None:
    """The three styles write the same rows: rounding the plain values gives the others."""
    plain = _rows(assessment_to_csv(lam_dong, style="plain").encode())
    excel = _rows(assessment_to_csv(lam_dong).encode())
    vi = _rows(assessment_to_csv(lam_dong, style="vi").encode(), ";")
    assert len(plain) == len(excel) == len(vi) == 43
    for p, e, v in zip(plain, excel, vi, strict=True):
        assert Decimal(e["total"]) == Decimal(p["total"])
        assert v["Tổng điểm"] == e["total"].replace(".", ",")


def test_unknown_style_is_a_usage_error(lam_dong: udcntt.Assessment) -> None:
    assert CSV_STYLES == ("excel", "vi", "plain")
    with pytest.raises(udcntt.UsageError) as info:
        render_report(lam_dong, ".csv", csv_style="libreoffice")
    assert info.value.code == "E-USAGE"
