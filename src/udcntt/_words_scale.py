"""Keyed words of a large HTML report split into a summary page and one page per block.

Part of the catalogue of keyed words; see :mod:`udcntt._words` for how it is used.
"""

from __future__ import annotations

__all__ = ["SCALE_WORDS"]

SCALE_WORDS: dict[str, dict[str, str]] = {
    "report.pages.intro": {
        "vi": "Báo cáo gồm {n} đơn vị nên được chia thành trang tổng hợp này và một trang "
        "chi tiết cho mỗi khối (bảng xếp hạng, biểu đồ, kết quả từng đơn vị).",
        "en": "The report covers {n} agencies, so it is split into this summary and one "
        "detail page per block (ranking, charts, each agency's results).",
    },
    "report.pages.detail": {"vi": "Trang chi tiết", "en": "Detail page"},
    "report.pages.count": {"vi": "Số đơn vị", "en": "Agencies"},
}
