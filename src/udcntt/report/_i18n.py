"""Fixed words of the reports, in Vietnamese and English.

Survey and rule-set text (agency names, block, tier and criterion labels) is never
translated: it is printed as the province wrote it.
"""

from __future__ import annotations

from typing import Any

from udcntt.report._format import check_lang

__all__ = ["TIER_WORDS_EN", "t", "tier_word"]

_TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "report_title": "Kết quả đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin",
        "report_title_year": (
            "Kết quả đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin năm {year}"
        ),
        "annex": "Phụ lục",
        "annex_attached": (
            "(Kèm theo Quyết định số        /QĐ-UBND ngày     /     /        của UBND tỉnh)"
        ),
        "by_rules": "Theo {title}",
        "stt": "STT",
        "agency": "Đơn vị",
        "total": "Tổng điểm",
        "max": "Điểm tối đa",
        "share": "Tỷ lệ điểm",
        "tier": "Xếp loại",
        "rank": "Thứ hạng",
        "previous_rank": "Thứ hạng năm trước",
        "previous_rank_year": "Thứ hạng năm {year}",
        "change": "Tăng/giảm bậc",
        "new": "mới",
        "max_short": "tối đa {max}",
        "block": "Khối",
        "points": "Điểm đạt",
        "lost": "Điểm bị mất",
        "code": "Mã",
        "criterion": "Tiêu chí",
        "status": "Ghi chú",
        "not_applicable": "Không áp dụng",
        "unscored": "Không chấm điểm",
        "score_sheet": "Phiếu điểm",
        "score_sheet_title": "Phiếu điểm đánh giá mức độ ứng dụng CNTT",
        "score_sheet_title_year": "Phiếu điểm đánh giá mức độ ứng dụng CNTT năm {year}",
        "gap": "Số điểm cần thêm để đạt mức {tier}",
        "gap_none": "Đã ở mức cao nhất",
        "gap_unknown": "Không xác định (thiếu bộ tiêu chí)",
        "most_lost": "Các tiêu chí bị mất điểm (nhiều nhất trước)",
        "no_lost": "Không bị mất điểm ở tiêu chí nào.",
        "figures": "Số liệu tổng hợp",
        "figures_sheet": "Số liệu toàn tỉnh",
        "indicator": "Chỉ tiêu",
        "unit": "Đơn vị tính",
        "aggregate": "Cách tổng hợp",
        "agg_sum": "Tổng",
        "agg_mean": "Bình quân",
        "agg_true": "Số đơn vị đạt",
        "agg_category": "Số đơn vị: {category}",
        "value": "Giá trị",
        "reporting": "Số đơn vị",
        "all_blocks": "Toàn tỉnh",
        "shares": "Tỷ lệ",
        "share_of": "so với",
        "no_figures": "Không có số liệu khảo sát để tổng hợp (kết quả được đọc lại từ tệp JSON).",
        "validation": "Kiểm tra dữ liệu",
        "severity": "Mức độ",
        "error_code": "Mã lỗi",
        "message": "Nội dung",
        "indicator_col": "Chỉ tiêu",
        "location": "Vị trí",
        "value_col": "Giá trị",
        "hint": "Gợi ý",
        "no_diagnostics": "Không có lỗi hay cảnh báo nào.",
        "comparison": "So sánh với năm trước",
        "same_rules": "Cùng bộ tiêu chí với năm trước",
        "different_rules": "Năm trước dùng bộ tiêu chí khác ({rules})",
        "new_agencies": "Cơ quan mới",
        "dropped_agencies": "Cơ quan không còn trong danh sách",
        "alias_matches": "Ghép theo tên cũ",
        "moved_block": "Chuyển khối",
        "receipt": "Biên nhận tính toán",
        "yes": "Có",
        "no": "Không",
        "none": "(không có)",
        "narrative": "Nhận xét",
        "narrative_title": "Tổng hợp, nhận xét kết quả đánh giá",
        "scores_chart": "Điểm theo khối, tô màu theo xếp loại",
        "scores_caption": (
            "Thanh: tỷ lệ tổng điểm so với điểm tối đa; màu: xếp loại; vạch đứt: ngưỡng xếp loại;"
            " số ghi cạnh thanh: tổng điểm"
        ),
        "changes_chart": "Tăng, giảm bậc so với năm trước",
        "changes_chart_year": "Tăng, giảm bậc so với năm {year}",
        "profile": "Điểm theo nhóm tiêu chí",
        "details": "Chi tiết từng đơn vị",
        "ranking": "Bảng xếp hạng",
        "contents": "Mục lục",
        "no_changes": "Không có dữ liệu năm trước để so sánh thứ hạng.",
        "unchanged": "Thứ hạng của các cơ quan trong khối không thay đổi.",
        "agencies_count": "{n} đơn vị",
        "summary_tiers": "Tổng hợp xếp loại",
        "legend": "Chú giải",
        "generated_by": "Tạo bởi udcntt {version}",
        "rules_fingerprint": "Dấu vân tay bộ tiêu chí",
        "data_fingerprint": "Dấu vân tay dữ liệu",
        "data_source": "Nguồn dữ liệu",
        "previous_fingerprint": "Dấu vân tay kết quả năm trước",
        "rule_files": "Tệp bộ tiêu chí",
        "version": "Phiên bản udcntt",
        "rules_id": "Mã bộ tiêu chí",
    },
    "en": {
        "report_title": "Assessment and ranking of IT application",
        "report_title_year": "Assessment and ranking of IT application, {year}",
        "annex": "Annex",
        "annex_attached": (
            "(Attached to Decision No.      /QĐ-UBND of     /     /        "
            "of the Provincial People's Committee)"
        ),
        "by_rules": "Under {title}",
        "stt": "No.",
        "agency": "Agency",
        "total": "Total",
        "max": "Maximum",
        "share": "Share",
        "tier": "Tier",
        "rank": "Rank",
        "previous_rank": "Previous rank",
        "previous_rank_year": "Rank {year}",
        "change": "Change",
        "new": "new",
        "max_short": "max {max}",
        "block": "Block",
        "points": "Points",
        "lost": "Points lost",
        "code": "Code",
        "criterion": "Criterion",
        "status": "Note",
        "not_applicable": "Not applicable",
        "unscored": "Not scored",
        "score_sheet": "Score sheet",
        "score_sheet_title": "IT application score sheet",
        "score_sheet_title_year": "IT application score sheet, {year}",
        "gap": "Points needed to reach {tier}",
        "gap_none": "Already in the best tier",
        "gap_unknown": "Unknown (no rule set available)",
        "most_lost": "Criteria where points were lost (most first)",
        "no_lost": "No points lost on any criterion.",
        "figures": "Province figures",
        "figures_sheet": "Province figures",
        "indicator": "Indicator",
        "unit": "Unit",
        "aggregate": "Aggregate",
        "agg_sum": "Sum",
        "agg_mean": "Mean",
        "agg_true": "Agencies with yes",
        "agg_category": "Agencies: {category}",
        "value": "Value",
        "reporting": "Agencies",
        "all_blocks": "Province",
        "shares": "Shares",
        "share_of": "of",
        "no_figures": "No survey values to aggregate (results reloaded from JSON).",
        "validation": "Validation",
        "severity": "Severity",
        "error_code": "Code",
        "message": "Message",
        "indicator_col": "Indicator",
        "location": "Location",
        "value_col": "Value",
        "hint": "Hint",
        "no_diagnostics": "No errors or warnings.",
        "comparison": "Comparison with the previous year",
        "same_rules": "Same rule set as the previous year",
        "different_rules": "The previous year used another rule set ({rules})",
        "new_agencies": "New agencies",
        "dropped_agencies": "Agencies no longer listed",
        "alias_matches": "Matched by former name",
        "moved_block": "Moved block",
        "receipt": "Receipt",
        "yes": "Yes",
        "no": "No",
        "none": "(none)",
        "narrative": "Commentary",
        "narrative_title": "Summary of the results",
        "scores_chart": "Scores by block, coloured by tier",
        "scores_caption": (
            "Bar: total as a share of the maximum; colour: tier; dashed lines: tier thresholds;"
            " number: total points"
        ),
        "changes_chart": "Rank changes since the previous year",
        "changes_chart_year": "Rank changes since {year}",
        "profile": "Points by criteria group",
        "details": "Agency details",
        "ranking": "Ranking",
        "contents": "Contents",
        "no_changes": "No previous year to compare ranks with.",
        "unchanged": "No agency of the block changed rank.",
        "agencies_count": "{n} agencies",
        "summary_tiers": "Tiers",
        "legend": "Legend",
        "generated_by": "Generated by udcntt {version}",
        "rules_fingerprint": "Rule-set fingerprint",
        "data_fingerprint": "Data fingerprint",
        "data_source": "Data source",
        "previous_fingerprint": "Previous results fingerprint",
        "rule_files": "Rule files",
        "version": "udcntt version",
        "rules_id": "Rule-set id",
    },
}

#: English names of the usual Vietnamese tier labels (printed beside the original).
TIER_WORDS_EN: dict[str, str] = {
    "Xuất sắc": "Excellent",
    "Tốt": "Good",
    "Khá": "Fair",
    "Trung bình": "Average",
    "Yếu": "Weak",
    "Kém": "Poor",
}


def t(lang: str, key: str, **values: Any) -> str:
    """The fixed text ``key`` in ``lang``, with ``{placeholders}`` filled in."""
    check_lang(lang)
    text = _TEXT[lang][key]
    return text.format(**values) if values else text


def tier_word(label: str, lang: str) -> str:
    """A tier label for prose: ``Tốt`` in Vietnamese, ``Good (Tốt)`` in English."""
    if lang == "en" and label in TIER_WORDS_EN:
        return f"{TIER_WORDS_EN[label]} ({label})"
    return label
