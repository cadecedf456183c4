"""Keyed words of a large HTML report split into a summary page and pages per block.

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
    "report.pages.intro_pages": {
        "vi": "Khối có hơn {size} đơn vị được chia thành nhiều trang theo thứ tự xếp hạng; "
        "biểu đồ và số liệu của cả khối nằm ở trang đầu của khối.",
        "en": "A block of more than {size} agencies is split into pages in rank order; the "
        "charts and figures of the whole block are on its first page.",
    },
    "report.pages.page": {"vi": "Trang {n}/{count}", "en": "Page {n} of {count}"},
    "report.pages.ranks": {"vi": "hạng {first}–{last}", "en": "ranks {first}–{last}"},
    "report.pages.unranked": {"vi": "chưa xếp hạng", "en": "unranked"},
    "report.pages.first": {"vi": "« Trang đầu", "en": "« First"},
    "report.pages.previous": {"vi": "‹ Trang trước", "en": "‹ Previous"},
    "report.pages.next": {"vi": "Trang sau ›", "en": "Next ›"},
    "report.pages.last": {"vi": "Trang cuối »", "en": "Last »"},
    "report.pages.summary": {"vi": "↑ Trang tổng hợp", "en": "↑ Summary"},
}
