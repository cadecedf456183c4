"""Keyed words of the Word report (:mod:`udcntt.report._docx`): its annex sections, table
headings, page numbers and the optional front matter of an official text (Nghị định
30/2020/NĐ-CP, Phụ lục I: Quốc hiệu and Tiêu ngữ, số and ký hiệu, địa danh and date,
"Kính gửi", "Nơi nhận", signature block).

Merged into :data:`udcntt._words.WORDS`; every key has a ``"vi"`` and an ``"en"`` rendering
with the same ``{fields}``.
"""

from __future__ import annotations

__all__ = ["DOCX_WORDS"]

#: A blank to fill in by hand, as official forms print it.
_DOTS = "…"

DOCX_WORDS: dict[str, dict[str, str]] = {
    # Page numbers: the text around the PAGE and NUMPAGES fields ("Trang 3/12").
    "report.docx.page_before": {"vi": "Trang ", "en": "Page "},
    "report.docx.page_between": {"vi": "/", "en": " of "},
    # Word's settings for table formulas: the decimal mark and the list separator.
    "report.docx.decimal_symbol": {"vi": ",", "en": "."},
    "report.docx.list_separator": {"vi": ";", "en": ","},
    # Annex sections.
    "report.docx.annex_ranking": {"vi": "Kết quả xếp hạng", "en": "Ranking"},
    "report.docx.annex_detail": {
        "vi": "Chi tiết điểm theo nhóm tiêu chí",
        "en": "Points by criterion",
    },
    "report.docx.annex_figures": {"vi": "Số liệu tổng hợp toàn tỉnh", "en": "Province figures"},
    "report.docx.annex_changes": {
        "vi": "Danh sách đơn vị thay đổi thứ hạng, xếp loại",
        "en": "Agencies whose rank or tier changed",
    },
    "report.docx.annex_attached_report": {
        "vi": "(Kèm theo Báo cáo số {number})",
        "en": "(Attached to Report No. {number})",
    },
    "report.docx.annex_charts": {"vi": "Biểu đồ", "en": "Charts"},
    "report.docx.chart_split": {
        "vi": "Tổng điểm của từng đơn vị chia theo nhóm tiêu chí; đường đứt nét là ngưỡng "
        "xếp loại (tỷ lệ so với điểm tối đa của khối).",
        "en": "Each agency's total split by criteria group; the dashed lines are the tier "
        "thresholds (shares of the block's maximum).",
    },
    "report.docx.chart_slope": {
        "vi": "Thứ hạng năm {before} (trái) và năm {after} (phải): xanh là tăng bậc, đỏ cam "
        "là giảm bậc, xám là giữ nguyên.",
        "en": "Rank in {before} (left) and {after} (right): blue rose, vermilion fell, grey "
        "kept its rank.",
    },
    "report.docx.chart_distribution": {
        "vi": "Phân bố tổng điểm của {n} đơn vị thuộc {block} (tỷ lệ so với điểm tối đa; "
        "mỗi chấm là một đơn vị, màu theo xếp loại, hộp là nửa giữa, vạch đậm là trung vị, đường đứt nét là "
        "ngưỡng xếp loại): thấp nhất {lowest}, tứ phân vị 1 {q1}, trung vị {median}, tứ "
        "phân vị 3 {q3}, cao nhất {highest}, trung bình {mean}.",
        "en": "Totals of the {n} agencies of {block} (shares of the maximum; a dot per "
        "agency coloured by tier, the box is the middle half, the thick line the median, the dashed lines "
        "the tier thresholds): lowest {lowest}, first quartile {q1}, median {median}, third "
        "quartile {q3}, highest {highest}, mean {mean}.",
    },
    "report.docx.chart_group_means_title": {
        "vi": "Bình quân các khối theo nhóm tiêu chí",
        "en": "Block means by criteria group",
    },
    "report.docx.chart_group_means": {
        "vi": "Điểm bình quân của mỗi khối theo nhóm tiêu chí (tỷ lệ so với điểm tối đa "
        "của nhóm; màu càng đậm càng cao). Nhóm: {groups}. {rows}.",
        "en": "Each block's mean by criteria group (share of the group's maximum; the "
        "darker, the higher). Groups: {groups}. {rows}.",
    },
    "report.docx.chart_strengths": {
        "vi": "Điểm mạnh, điểm yếu của từng đơn vị thuộc {block}: tỷ lệ đạt của nhóm trừ "
        "bình quân của khối (điểm phần trăm; xanh là cao hơn, đỏ cam là thấp hơn). Nhóm: "
        "{groups}. Bình quân khối: {means}.",
        "en": "Strengths and weaknesses of each agency of {block}: its share of the group "
        "minus the block's mean (percentage points; blue above, vermilion below). Groups: "
        "{groups}. Block means: {means}.",
    },
    "report.docx.previous_year": {"vi": "Năm trước", "en": "Previous year"},
    "report.docx.this_year": {"vi": "Năm nay", "en": "This year"},
    "report.docx.detail_lowest": {"vi": "Thấp nhất", "en": "Lowest"},
    "report.docx.detail_highest": {"vi": "Cao nhất", "en": "Highest"},
    "report.docx.detail_mean": {"vi": "Bình quân", "en": "Mean"},
    "report.docx.detail_full": {
        "vi": "Số đơn vị đạt tối đa",
        "en": "Agencies at the maximum",
    },
    "report.docx.detail_note": {
        "vi": "Bình quân, thấp nhất và cao nhất tính trên {n} đơn vị của khối "
        "(không tính đơn vị không áp dụng tiêu chí).",
        "en": "Mean, lowest and highest over the block's {n} agencies "
        "(agencies the criterion does not apply to are left out).",
    },
    "report.docx.shares_heading": {"vi": "Tỷ lệ", "en": "Shares"},
    "report.docx.previous_tier_year": {"vi": "Xếp loại năm {year}", "en": "Tier {year}"},
    "report.docx.previous_tier": {"vi": "Xếp loại năm trước", "en": "Previous tier"},
    "report.docx.no_rank_changes": {
        "vi": "Không có đơn vị nào thay đổi thứ hạng hoặc xếp loại.",
        "en": "No agency changed rank or tier.",
    },
    "report.docx.changes_count": {
        "vi": "{moved} đơn vị thay đổi thứ hạng, {tiers} đơn vị thay đổi xếp loại.",
        "en": "{moved} agencies changed rank, {tiers} changed tier.",
    },
    "report.docx.subject": {
        "vi": "Đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin",
        "en": "Assessment and ranking of IT application",
    },
    # Front matter (Nghị định 30/2020/NĐ-CP).
    "report.docx.nation": {
        "vi": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "en": "SOCIALIST REPUBLIC OF VIET NAM",
    },
    "report.docx.motto": {
        "vi": "Độc lập - Tự do - Hạnh phúc",
        "en": "Independence - Freedom - Happiness",
    },
    "report.docx.number": {"vi": "Số: {number}", "en": "No.: {number}"},
    "report.docx.number_blank": {"vi": f"{_DOTS}/BC-{_DOTS}", "en": f"{_DOTS}/BC-{_DOTS}"},
    "report.docx.place_date": {
        "vi": "{place}, ngày {day} tháng {month} năm {year}",
        "en": "{place}, {day}/{month}/{year}",
    },
    "report.docx.blank": {"vi": _DOTS, "en": _DOTS},
    "report.docx.kind": {"vi": "Báo cáo", "en": "Report"},
    "report.docx.to": {"vi": "Kính gửi: {recipients}", "en": "To: {recipients}"},
    "report.docx.recommendations": {"vi": "Kiến nghị", "en": "Recommendations"},
    "report.docx.recommendations_blank": {
        "vi": "(Nội dung kiến nghị, đề xuất của cơ quan báo cáo.)",
        "en": "(The reporting body's recommendations.)",
    },
    "report.docx.copies": {"vi": "Nơi nhận:", "en": "Copies to:"},
    "report.docx.copies_default": {"vi": "Lưu: VT", "en": "File: Clerical office"},
    "report.docx.signer_name_blank": {"vi": "(Chữ ký, dấu)", "en": "(Signature, seal)"},
}
