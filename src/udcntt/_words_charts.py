"""Keyed words of the report charts (titles, captions, axis and value labels), vi and en.

Part of the catalogue of keyed words; see :mod:`udcntt._words` for how it is used. The
keys are ``report.charts.<name>``, so the report writers reach them with
``t(lang, "charts.<name>")``.
"""

from __future__ import annotations

__all__ = ["CHART_WORDS"]

CHART_WORDS: dict[str, dict[str, str]] = {
    "report.charts.section": {"vi": "Biểu đồ", "en": "Charts"},
    "report.charts.threshold": {"vi": "{tier} ≥ {share}", "en": "{tier} ≥ {share}"},
    "report.charts.thresholds": {
        "vi": "Ngưỡng xếp loại: {list}",
        "en": "Tier thresholds: {list}",
    },
    "report.charts.data": {"vi": "Số liệu của biểu đồ", "en": "Chart data"},
    "report.charts.rank_up": {"vi": "tăng {n} bậc", "en": "up {n}"},
    "report.charts.rank_down": {"vi": "giảm {n} bậc", "en": "down {n}"},
    "report.charts.rank_same": {"vi": "giữ nguyên", "en": "unchanged"},
    "report.charts.rank_change_label": {
        "vi": "Thứ hạng so với năm {year}",
        "en": "Rank compared with {year}",
    },
    "report.charts.rank_change_label_any": {
        "vi": "Thứ hạng so với năm trước",
        "en": "Rank compared with the previous year",
    },
    "report.charts.rank_move": {
        "vi": "{change} (hạng {before} → {after})",
        "en": "{change} (rank {before} → {after})",
    },
    "report.charts.scores_desc": {
        "vi": "Tổng điểm từng đơn vị theo thứ hạng: {list}.",
        "en": "Each agency's total, in rank order: {list}.",
    },
    "report.charts.changes_desc": {
        "vi": "{up} đơn vị tăng bậc, {down} đơn vị giảm bậc, {same} đơn vị giữ nguyên: {list}.",
        "en": "{up} agencies rose, {down} fell, {same} kept their rank: {list}.",
    },
    "report.charts.slope_title": {
        "vi": "Thứ hạng năm {before} và năm {after}",
        "en": "Ranks in {before} and {after}",
    },
    "report.charts.slope_caption": {
        "vi": "Mỗi đường nối thứ hạng năm trước (trái) với thứ hạng năm nay (phải); xanh lá: tăng bậc, đỏ: giảm bậc, xám: giữ nguyên.",
        "en": "Each line joins last year's rank (left) to this year's (right); green: rose, red: fell, grey: unchanged.",
    },
    "report.charts.this_year": {"vi": "năm nay", "en": "this year"},
    "report.charts.last_year": {"vi": "năm trước", "en": "last year"},
    "report.charts.new": {"vi": "mới", "en": "new"},
    "report.charts.distribution_title": {
        "vi": "Phân bố tổng điểm theo khối",
        "en": "Distribution of totals by block",
    },
    "report.charts.distribution_caption": {
        "vi": "Mỗi chấm là một đơn vị (tỷ lệ tổng điểm so với điểm tối đa của khối, màu theo xếp loại); hộp: từ tứ phân vị thứ nhất đến thứ ba, vạch đậm: trung vị, râu: thấp nhất đến cao nhất.",
        "en": "Each dot is an agency (total as a share of the block's maximum, coloured by tier); box: first to third quartile, thick line: median, whiskers: lowest to highest.",
    },
    "report.charts.distribution_row": {
        "vi": "{block}: {n} đơn vị, trung vị {median}",
        "en": "{block}: {n} agencies, median {median}",
    },
    "report.charts.lowest": {"vi": "Thấp nhất", "en": "Lowest"},
    "report.charts.q1": {"vi": "Tứ phân vị 1", "en": "First quartile"},
    "report.charts.median": {"vi": "Trung vị", "en": "Median"},
    "report.charts.q3": {"vi": "Tứ phân vị 3", "en": "Third quartile"},
    "report.charts.highest": {"vi": "Cao nhất", "en": "Highest"},
    "report.charts.mean": {"vi": "Trung bình", "en": "Mean"},
    "report.charts.block": {"vi": "Khối", "en": "Block"},
    "report.charts.count": {"vi": "Số đơn vị", "en": "Agencies"},
    "report.charts.block_mean": {"vi": "Trung bình khối", "en": "Block mean"},
    "report.charts.group": {"vi": "Nhóm tiêu chí", "en": "Criteria group"},
    "report.charts.heatmap_title": {
        "vi": "Điểm trung bình của khối theo nhóm tiêu chí",
        "en": "Block means by criteria group",
    },
    "report.charts.heatmap_agencies_title": {
        "vi": "Tỷ lệ điểm theo nhóm tiêu chí từng đơn vị",
        "en": "Each agency's share by criteria group",
    },
    "report.charts.heatmap_caption": {
        "vi": "Ô: điểm đạt được so với điểm tối đa của nhóm; màu càng đậm tỷ lệ càng cao; — : nhóm không áp dụng.",
        "en": "Cell: points as a share of the group's maximum; darker means higher; — : group does not apply.",
    },
    "report.charts.heatmap_desc": {
        "vi": "Tỷ lệ điểm theo nhóm tiêu chí. {list}.",
        "en": "Share of points by criteria group. {list}.",
    },
    "report.charts.key": {"vi": "Nhóm tiêu chí", "en": "Criteria groups"},
    "report.charts.stacked_title": {
        "vi": "Tổng điểm chia theo nhóm tiêu chí",
        "en": "Totals split by criteria group",
    },
    "report.charts.stacked_caption": {
        "vi": "Mỗi thanh là tổng điểm của một đơn vị, chia theo nhóm tiêu chí; cả chiều dài là điểm tối đa của khối ({max}).",
        "en": "Each bar is an agency's total, split by criteria group; the full length is the block's maximum ({max}).",
    },
    "report.charts.stacked_desc": {
        "vi": "Điểm từng nhóm tiêu chí của mỗi đơn vị. {list}.",
        "en": "Each agency's points by criteria group. {list}.",
    },
    "report.charts.strengths_title": {
        "vi": "Điểm mạnh, điểm yếu so với trung bình khối",
        "en": "Strengths and weaknesses against the block mean",
    },
    "report.charts.strengths_caption": {
        "vi": "Chênh lệch giữa tỷ lệ điểm của đơn vị và tỷ lệ trung bình của khối ở từng nhóm, tính bằng điểm phần trăm; sang phải (xanh lá): cao hơn trung bình, sang trái (đỏ): thấp hơn.",
        "en": "The agency's share in each group minus the block's mean share, in percentage points; right (green): above the mean, left (red): below.",
    },
    "report.charts.strength_value": {
        "vi": "{share} (TB khối {mean}; {diff})",
        "en": "{share} (block mean {mean}; {diff})",
    },
    "report.charts.points_pp": {"vi": "{value} điểm %", "en": "{value} pp"},
    "report.charts.above": {"vi": "cao hơn trung bình", "en": "above the mean"},
    "report.charts.below": {"vi": "thấp hơn trung bình", "en": "below the mean"},
    "report.charts.too_many": {
        "vi": "Khối có {n} đơn vị: biểu đồ theo từng đơn vị chỉ vẽ cho khối có không quá {max} đơn vị; số liệu ở bảng xếp hạng và mục “Điểm theo nhóm tiêu chí”.",
        "en": "The block has {n} agencies: charts with a row per agency are drawn for blocks of at most {max}; the figures are in the ranking and under “Points by criteria group”.",
    },
    "report.charts.narrow_note": {
        "vi": "Trên màn hình hẹp, bảng chỉ hiện đơn vị, tổng điểm, xếp loại và thứ hạng; điểm từng nhóm xem ở mục “Điểm theo nhóm tiêu chí”.",
        "en": "On a narrow screen the table shows agency, total, tier and rank only; the group points are under “Points by criteria group”.",
    },
}
