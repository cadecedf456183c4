"""The Markdown summary: title, a table per block, the narrative."""

from __future__ import annotations

import udcntt
from udcntt.report import assessment_to_markdown, narrative_paragraphs
from udcntt.report._markdown import md_escape


def test_markdown_layout(small: udcntt.Assessment) -> None:
    """A title, one section and table per block, the narrative, the receipt line."""
    text = assessment_to_markdown(small)
    lines = text.splitlines()
    assert lines[0] == "# Kết quả đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin năm 2017"
    assert "## Khối sở, ban, ngành" in lines
    assert "## Khối UBND huyện" in lines
    assert "## Nhận xét" in lines
    header = next(line for line in lines if line.startswith("| STT |"))
    assert header == (
        "| STT | Đơn vị | Hạ tầng (40) | Chỉ đạo điều hành (40) | Tổng điểm | Xếp loại | Thứ hạng"
        " | Tổng điểm năm 2016 | Tăng/giảm điểm | Xếp loại năm 2016 | Thứ hạng năm 2016"
        " | Tăng/giảm bậc |"
    )
    assert (
        "| 1 | Sở Tài chính | 40,00 | 40,00 | 80,00 | Tốt | 1 | 51,00 | +29,00 | Khá | 3 | +2 |"
        in lines
    )
    assert (
        "| 3 | UBND huyện Lâm Hà | 10,00 | 5,00 | 2,00 | 17,00 | Trung bình | 3 | 92,00 "
        "| \u221275,00 | Tốt | 2 | \u22121 |" in lines
    )
    assert any(line.startswith("*Thay đổi xếp loại so với năm 2016: Tốt ") for line in lines)
    assert "*Tổng hợp xếp loại: Tốt: 2 · Khá: 1 · Trung bình: 1*" in lines
    for paragraph in narrative_paragraphs(small):
        assert md_escape(paragraph) in lines
    assert text.endswith("\n")


def test_every_table_row_has_the_header_width(lam_dong: udcntt.Assessment) -> None:
    """No survey text breaks a table: each row has as many cells as its header."""
    lines = assessment_to_markdown(lam_dong).splitlines()
    width = None
    rows = 0
    for line in lines:
        if line.startswith("| STT |"):
            width = line.count(" | ")
        elif line.startswith("| ") and width is not None:
            assert line.count(" | ") == width, line
            rows += 1
    assert rows == 43 + 3  # the agencies and the three alignment rows
    assert "## Khối các cơ quan, đơn vị khác" in lines


def test_english_markdown(small: udcntt.Assessment) -> None:
    """lang='en' gives English headings and numbers."""
    text = assessment_to_markdown(small, lang="en")
    assert text.startswith("# Assessment and ranking of IT application, 2017\n")
    assert "| 1 | Sở Tài chính | 40.00 | 40.00 | 80.00 | Tốt | 1 |" in text
    assert "| Total 2016 | Score change | Tier 2016 | Rank 2016 | Change |" in text
    assert "## Commentary" in text
