"""Keyed words of the reports (table headings, titles, notes), in Vietnamese and English.

Part of the catalogue of keyed words; see :mod:`udcntt._words` for how it is used.
"""

from __future__ import annotations

__all__ = ["REPORT_WORDS"]

REPORT_WORDS: dict[str, dict[str, str]] = {
    "report.report_title": {
        "vi": "Kết quả đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin",
        "en": "Assessment and ranking of IT application",
    },
    "report.report_title_year": {
        "vi": "Kết quả đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin năm {year}",
        "en": "Assessment and ranking of IT application, {year}",
    },
    "report.annex": {"vi": "Phụ lục", "en": "Annex"},
    "report.annex_attached": {
        "vi": "(Kèm theo Quyết định số        /QĐ-UBND ngày     /     /        của UBND tỉnh)",
        "en": "(Attached to Decision No.      /QĐ-UBND of     /     /        of the Provincial People's Committee)",
    },
    "report.by_rules": {"vi": "Theo {title}", "en": "Under {title}"},
    "report.stt": {"vi": "STT", "en": "No."},
    "report.agency": {"vi": "Đơn vị", "en": "Agency"},
    "report.total": {"vi": "Tổng điểm", "en": "Total"},
    "report.max": {"vi": "Điểm tối đa", "en": "Maximum"},
    "report.share": {"vi": "Tỷ lệ điểm", "en": "Share"},
    "report.tier": {"vi": "Xếp loại", "en": "Tier"},
    "report.rank": {"vi": "Thứ hạng", "en": "Rank"},
    "report.previous_rank": {"vi": "Thứ hạng năm trước", "en": "Previous rank"},
    "report.previous_rank_year": {"vi": "Thứ hạng năm {year}", "en": "Rank {year}"},
    "report.change": {"vi": "Tăng/giảm bậc", "en": "Change"},
    "report.previous_total": {"vi": "Tổng điểm năm trước", "en": "Previous total"},
    "report.previous_total_year": {"vi": "Tổng điểm năm {year}", "en": "Total {year}"},
    "report.score_change": {"vi": "Tăng/giảm điểm", "en": "Score change"},
    "report.previous_tier": {"vi": "Xếp loại năm trước", "en": "Previous tier"},
    "report.previous_tier_year": {"vi": "Xếp loại năm {year}", "en": "Tier {year}"},
    "report.tier_changes": {
        "vi": "Thay đổi xếp loại so với năm trước",
        "en": "Tier changes since the previous year",
    },
    "report.tier_changes_year": {
        "vi": "Thay đổi xếp loại so với năm {year}",
        "en": "Tier changes since {year}",
    },
    "report.new": {"vi": "mới", "en": "new"},
    "narrative.of_quoted": {"vi": "Trong {label}, ", "en": "Of {label}, "},
    "narrative.yoy.tiers": {
        "vi": "So với {year}, số cơ quan đạt {items}.",
        "en": "Agencies per tier compared with {year}: {items}.",
    },
    "narrative.yoy.tier_up": {
        "vi": "mức {tier} tăng từ {before} lên {after}",
        "en": "{tier} {before} → {after}",
    },
    "narrative.yoy.tier_down": {
        "vi": "mức {tier} giảm từ {before} xuống {after}",
        "en": "{tier} {before} → {after}",
    },
    "narrative.yoy.tier_same": {
        "vi": "mức {tier} giữ nguyên {after}",
        "en": "{tier} unchanged at {after}",
    },
    "narrative.yoy.raised": {
        "vi": "Được nâng lên mức {tier} so với {year} có {agencies}: {names}.",
        "en": "Moved up to {tier} since {year} ({agencies}): {names}.",
    },
    "narrative.yoy.lowered": {
        "vi": "Bị hạ xuống mức {tier} so với {year} có {agencies}: {names}.",
        "en": "Moved down to {tier} since {year} ({agencies}): {names}.",
    },
    "narrative.yoy.joint": {"vi": "{first} {rest}", "en": "{first} + {rest}"},
    "narrative.yoy.figures": {
        "vi": "So với {year}, {items}.",
        "en": "Compared with {year}: {items}.",
    },
    "narrative.yoy.figure_up": {
        "vi": "{label} tăng {diff} (từ {before} lên {after}{unit})",
        "en": "{label} up {diff} (from {before} to {after}{unit})",
    },
    "narrative.yoy.figure_down": {
        "vi": "{label} giảm {diff} (từ {before} xuống {after}{unit})",
        "en": "{label} down {diff} (from {before} to {after}{unit})",
    },
    "narrative.yoy.figure_same": {
        "vi": "{label} không đổi ({after}{unit})",
        "en": "{label} unchanged ({after}{unit})",
    },
    "report.max_short": {"vi": "tối đa {max}", "en": "max {max}"},
    "report.block": {"vi": "Khối", "en": "Block"},
    "report.points": {"vi": "Điểm đạt", "en": "Points"},
    "report.lost": {"vi": "Điểm bị mất", "en": "Points lost"},
    "report.code": {"vi": "Mã", "en": "Code"},
    "report.criterion": {"vi": "Tiêu chí", "en": "Criterion"},
    "report.status": {"vi": "Ghi chú", "en": "Note"},
    "report.not_applicable": {"vi": "Không áp dụng", "en": "Not applicable"},
    "report.unscored": {"vi": "Không chấm điểm", "en": "Not scored"},
    "report.score_sheet": {"vi": "Phiếu điểm", "en": "Score sheet"},
    "report.score_sheet_title": {
        "vi": "Phiếu điểm đánh giá mức độ ứng dụng CNTT",
        "en": "IT application score sheet",
    },
    "report.score_sheet_title_year": {
        "vi": "Phiếu điểm đánh giá mức độ ứng dụng CNTT năm {year}",
        "en": "IT application score sheet, {year}",
    },
    "report.gap": {
        "vi": "Số điểm cần thêm để đạt mức {tier}",
        "en": "Points needed to reach {tier}",
    },
    "report.gap_none": {"vi": "Đã ở mức cao nhất", "en": "Already in the best tier"},
    "report.gap_unknown": {
        "vi": "Không xác định (thiếu bộ tiêu chí)",
        "en": "Unknown (no rule set available)",
    },
    "report.most_lost": {
        "vi": "Các tiêu chí bị mất điểm (nhiều nhất trước)",
        "en": "Criteria where points were lost (most first)",
    },
    "report.no_lost": {
        "vi": "Không bị mất điểm ở tiêu chí nào.",
        "en": "No points lost on any criterion.",
    },
    "report.figures": {"vi": "Số liệu tổng hợp", "en": "Province figures"},
    "report.figures_sheet": {"vi": "Số liệu toàn tỉnh", "en": "Province figures"},
    "report.indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "report.unit": {"vi": "Đơn vị tính", "en": "Unit"},
    "report.aggregate": {"vi": "Cách tổng hợp", "en": "Aggregate"},
    "report.agg_sum": {"vi": "Tổng", "en": "Sum"},
    "report.agg_mean": {"vi": "Bình quân", "en": "Mean"},
    "report.agg_true": {"vi": "Số đơn vị đạt", "en": "Agencies with yes"},
    "report.agg_category": {"vi": "Số đơn vị: {category}", "en": "Agencies: {category}"},
    "report.value": {"vi": "Giá trị", "en": "Value"},
    "report.reporting": {"vi": "Số đơn vị", "en": "Agencies"},
    "report.all_blocks": {"vi": "Toàn tỉnh", "en": "Province"},
    "report.shares": {"vi": "Tỷ lệ", "en": "Shares"},
    "report.share_of": {"vi": "so với", "en": "of"},
    "report.no_figures": {
        "vi": "Không có số liệu khảo sát để tổng hợp (kết quả được đọc lại từ tệp JSON).",
        "en": "No survey values to aggregate (results reloaded from JSON).",
    },
    "report.validation": {"vi": "Kiểm tra dữ liệu", "en": "Validation"},
    "report.severity": {"vi": "Mức độ", "en": "Severity"},
    "report.error_code": {"vi": "Mã lỗi", "en": "Code"},
    "report.message": {"vi": "Nội dung", "en": "Message"},
    "report.indicator_col": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "report.location": {"vi": "Vị trí", "en": "Location"},
    "report.value_col": {"vi": "Giá trị", "en": "Value"},
    "report.hint": {"vi": "Gợi ý", "en": "Hint"},
    "report.no_diagnostics": {
        "vi": "Không có lỗi hay cảnh báo nào.",
        "en": "No errors or warnings.",
    },
    "report.comparison": {"vi": "So sánh với năm trước", "en": "Comparison with the previous year"},
    "report.same_rules": {
        "vi": "Cùng bộ tiêu chí với năm trước",
        "en": "Same rule set as the previous year",
    },
    "report.different_rules": {
        "vi": "Năm trước dùng bộ tiêu chí khác ({rules})",
        "en": "The previous year used another rule set ({rules})",
    },
    "report.new_agencies": {"vi": "Cơ quan mới", "en": "New agencies"},
    "report.dropped_agencies": {
        "vi": "Cơ quan không còn trong danh sách",
        "en": "Agencies no longer listed",
    },
    "report.alias_matches": {"vi": "Ghép theo tên cũ", "en": "Matched by former name"},
    "report.moved_block": {"vi": "Chuyển khối", "en": "Moved block"},
    "report.receipt": {"vi": "Biên nhận tính toán", "en": "Receipt"},
    "report.yes": {"vi": "Có", "en": "Yes"},
    "report.no": {"vi": "Không", "en": "No"},
    "report.none": {"vi": "(không có)", "en": "(none)"},
    "report.narrative": {"vi": "Nhận xét", "en": "Commentary"},
    "report.narrative_title": {
        "vi": "Tổng hợp, nhận xét kết quả đánh giá",
        "en": "Summary of the results",
    },
    "report.scores_chart": {
        "vi": "Điểm theo khối, tô màu theo xếp loại",
        "en": "Scores by block, coloured by tier",
    },
    "report.scores_caption": {
        "vi": "Thanh: tỷ lệ tổng điểm so với điểm tối đa; màu: xếp loại; vạch đứt: ngưỡng xếp loại; số ghi cạnh thanh: tổng điểm",
        "en": "Bar: total as a share of the maximum; colour: tier; dashed lines: tier thresholds; number: total points",
    },
    "report.changes_chart": {
        "vi": "Tăng, giảm bậc so với năm trước",
        "en": "Rank changes since the previous year",
    },
    "report.changes_chart_year": {
        "vi": "Tăng, giảm bậc so với năm {year}",
        "en": "Rank changes since {year}",
    },
    "report.profile": {"vi": "Điểm theo nhóm tiêu chí", "en": "Points by criteria group"},
    "report.details": {"vi": "Chi tiết từng đơn vị", "en": "Agency details"},
    "report.ranking": {"vi": "Bảng xếp hạng", "en": "Ranking"},
    "report.contents": {"vi": "Mục lục", "en": "Contents"},
    "report.no_changes": {
        "vi": "Không có dữ liệu năm trước để so sánh thứ hạng.",
        "en": "No previous year to compare ranks with.",
    },
    "report.unchanged": {
        "vi": "Thứ hạng của các cơ quan trong khối không thay đổi.",
        "en": "No agency of the block changed rank.",
    },
    "report.agencies_count": {"vi": "{n} đơn vị", "en": "{n} agencies"},
    "report.summary_tiers": {"vi": "Tổng hợp xếp loại", "en": "Tiers"},
    "report.legend": {"vi": "Chú giải", "en": "Legend"},
    "report.generated_by": {
        "vi": "Tạo bởi udcntt {version}",
        "en": "Generated by udcntt {version}",
    },
    "report.rules_fingerprint": {"vi": "Dấu vân tay bộ tiêu chí", "en": "Rule-set fingerprint"},
    "report.data_fingerprint": {"vi": "Dấu vân tay dữ liệu", "en": "Data fingerprint"},
    "report.data_source": {"vi": "Nguồn dữ liệu", "en": "Data source"},
    "report.previous_fingerprint": {
        "vi": "Dấu vân tay kết quả năm trước",
        "en": "Previous results fingerprint",
    },
    "report.rule_files": {"vi": "Tệp bộ tiêu chí", "en": "Rule files"},
    "report.version": {"vi": "Phiên bản udcntt", "en": "udcntt version"},
    "report.rules_id": {"vi": "Mã bộ tiêu chí", "en": "Rule-set id"},
    "report.method.title": {"vi": "Phương pháp đánh giá", "en": "Methodology"},
    "report.method.year": {"vi": "Năm đánh giá", "en": "Year assessed"},
    "report.method.year_unknown": {
        "vi": "chưa xác định (chạy lại với --year)",
        "en": "not known (run again with --year)",
    },
    "report.method.rules": {"vi": "Bộ tiêu chí", "en": "Rule set"},
    "report.method.version": {"vi": "phiên bản {version}", "en": "version {version}"},
    "report.method.legal_basis": {"vi": "Căn cứ pháp lý", "en": "Legal basis"},
    "report.method.data": {"vi": "Nguồn số liệu", "en": "Data source"},
    "report.method.data_unknown": {"vi": "không ghi nhận", "en": "not recorded"},
    "report.method.sources": {"vi": "Tài liệu tham khảo", "en": "References"},
    "report.method.tiers": {"vi": "Ngưỡng xếp loại", "en": "Tier thresholds"},
    "report.method.tier_share": {
        "vi": "{tier}: từ {min}% điểm tối đa của đơn vị",
        "en": "{tier}: at least {min}% of the agency's maximum",
    },
    "report.method.tier_points": {
        "vi": "{tier}: từ {min} điểm",
        "en": "{tier}: at least {min} points",
    },
    "report.method.block_max": {"vi": "Điểm tối đa theo khối", "en": "Block maxima"},
    "report.method.rounding": {"vi": "Quy tắc làm tròn", "en": "Rounding"},
    "report.method.rounding_total": {
        "vi": "tổng điểm và điểm nhóm làm tròn đến {places} chữ số thập phân",
        "en": "totals and group points rounded to {places} decimal places",
    },
    "report.method.rounding_share": {
        "vi": "tỷ lệ điểm đến {places} chữ số thập phân",
        "en": "shares to {places} decimal places",
    },
    "report.method.mode_half_up": {"vi": "làm tròn nửa lên", "en": "half up"},
    "report.method.mode_half_even": {"vi": "làm tròn nửa về số chẵn", "en": "half to even"},
    "report.method.mode_down": {"vi": "làm tròn xuống", "en": "rounded down"},
    "report.method.totals": {"vi": "Cộng điểm", "en": "Totals"},
    "report.method.totals_add_up": {
        "vi": "tổng điểm bằng tổng các điểm nhóm đã công bố",
        "en": "each total equals the sum of its published group points",
    },
    "report.method.totals_note": {
        "vi": "tổng điểm được tính từ điểm nhóm chưa làm tròn rồi mới làm tròn đến {places} "
        "chữ số thập phân, nên ở {differ}/{rows} đơn vị tổng điểm lệch tối đa {largest} so với "
        "cộng các điểm nhóm đã làm tròn",
        "en": "totals are rounded to {places} decimal places from the unrounded group points, "
        "so in {differ} of {rows} rows the total differs by up to {largest} from the sum of "
        "the rounded group points",
    },
    "report.method.reconstructed": {"vi": "Phần được tái dựng", "en": "Reconstructed parts"},
    "report.method.synthetic": {"vi": "Số liệu giả lập", "en": "Synthetic data"},
    "report.method.synthetic_text": {
        "vi": "số liệu năm trước là số liệu giả lập (ví dụ), không phải số liệu đã công bố",
        "en": "last year's values are synthetic (an example), not published figures",
    },
    "report.method.synthetic_data_text": {
        "vi": "số liệu khảo sát là số liệu giả lập (ví dụ), không phải số liệu thật của các cơ "
        "quan, đơn vị",
        "en": "the survey data are synthetic (an example), not the agencies' real figures",
    },
    "narrative.synthetic_data": {
        "vi": "Lưu ý: số liệu khảo sát trong báo cáo này là số liệu giả lập (ví dụ), không phải "
        "số liệu thật của các cơ quan, đơn vị.",
        "en": "Note: the survey data in this report are synthetic (an example), not the "
        "agencies' real figures.",
    },
    "report.csv.agency_id": {"vi": "Mã đơn vị", "en": "Agency id"},
    "report.csv.name": {"vi": "Tên đơn vị", "en": "Name"},
    "report.csv.block": {"vi": "Khối", "en": "Block"},
    "report.csv.total": {"vi": "Tổng điểm", "en": "Total"},
    "report.csv.max": {"vi": "Điểm tối đa", "en": "Maximum"},
    "report.csv.share": {"vi": "Tỷ lệ điểm", "en": "Share"},
    "report.csv.tier": {"vi": "Mã xếp loại", "en": "Tier id"},
    "report.csv.tier_label": {"vi": "Xếp loại", "en": "Tier"},
    "report.csv.rank": {"vi": "Thứ hạng", "en": "Rank"},
    "report.csv.previous_total": {"vi": "Tổng điểm năm trước", "en": "Previous total"},
    "report.csv.score_change": {"vi": "Tăng/giảm điểm", "en": "Score change"},
    "report.csv.previous_tier": {"vi": "Mã xếp loại năm trước", "en": "Previous tier id"},
    "report.csv.previous_rank": {"vi": "Thứ hạng năm trước", "en": "Previous rank"},
    "report.csv.rank_change": {"vi": "Tăng/giảm bậc", "en": "Rank change"},
    "report.csv.comparability": {"vi": "Mức so sánh được", "en": "Comparability"},
    "report.csv.points": {"vi": "Điểm {id}", "en": "Points {id}"},
}
