"""Keyed words of the robustness analysis (narrative, HTML section, XLSX sheets), in
Vietnamese and English.

Part of the catalogue of keyed words; see :mod:`udcntt._words` for how it is used.
"""

from __future__ import annotations

__all__ = ["ANALYSIS_WORDS"]

ANALYSIS_WORDS: dict[str, dict[str, str]] = {
    "analysis.decimal_mark": {"vi": ",", "en": "."},
    # What an uncertain input is, as the narrative names it ({target}: a criterion's label).
    "analysis.factor.exclude": {
        "vi": "việc bỏ tiêu chí “{target}”",
        "en": "leaving out “{target}”",
    },
    "analysis.factor.points_uniform": {
        "vi": "điểm của “{target}”",
        "en": "the points of “{target}”",
    },
    "analysis.factor.points_alternatives": {
        "vi": "phương án điểm của “{target}”",
        "en": "the points chosen for “{target}”",
    },
    "analysis.factor.weights_dirichlet": {
        "vi": "trọng số các tiêu chí con của “{target}”",
        "en": "the weights within “{target}”",
    },
    "analysis.factor.weights_alternatives": {
        "vi": "phương án trọng số của “{target}”",
        "en": "the weights chosen for “{target}”",
    },
    "analysis.factor.normalisation": {
        "vi": "cách chuẩn hóa “{target}”",
        "en": "the normalisation of “{target}”",
    },
    "analysis.factor.aggregation": {
        "vi": "cách tổng hợp “{target}”",
        "en": "the aggregation of “{target}”",
    },
    "analysis.factor.tier_uniform": {
        "vi": "ngưỡng xếp loại “{target}”",
        "en": "the threshold of tier “{target}”",
    },
    "analysis.factor.tier_alternatives": {
        "vi": "ngưỡng xếp loại “{target}”",
        "en": "the threshold of tier “{target}”",
    },
    "analysis.factor.imputation": {
        "vi": "cách ước tính số liệu thiếu của “{target}”",
        "en": "the imputation of “{target}”",
    },
    "analysis.factor.noise": {
        "vi": "sai số tự đánh giá của “{target}”",
        "en": "the self-reporting noise of “{target}”",
    },
    "analysis.say.overlap": {
        "vi": "Trong {block}, hạng {first} đến {last} không phân biệt được: khoảng tin cậy 5–95 % chồng lấn.",
        "en": "In {block}, ranks {first} to {last} cannot be told apart: their 5–95 % intervals overlap.",
    },
    "analysis.say.overlaps": {
        "vi": "Trong {block}, không phân biệt được các hạng trong mỗi nhóm {groups}: khoảng tin cậy 5–95 % chồng lấn.",
        "en": "In {block}, the ranks within each of {groups} cannot be told apart: their 5–95 % intervals overlap.",
    },
    "analysis.say.stable": {
        "vi": "Trong {block}, mọi thứ hạng đều ổn định: khoảng tin cậy 5–95 % của mỗi đơn vị chỉ gồm một hạng.",
        "en": "In {block}, every rank is stable: each agency's 5–95 % interval holds one rank.",
    },
    "analysis.say.tier": {
        "vi": "{agency}: xếp loại {tier} với xác suất {p} %.",
        "en": "{agency}: tier {tier} with probability {p} %.",
    },
    "analysis.say.change": {
        "vi": "{agency}: thay đổi {change} bậc giữ đúng chiều trong {p} % số lần rút.",
        "en": "{agency}: the published change of {change} places keeps its sign in {p} % of the draws.",
    },
    "analysis.say.sobol": {
        "vi": "Yếu tố ảnh hưởng nhiều nhất đến thứ hạng là {factor} (chỉ số Sobol toàn phần {total}).",
        "en": "The input that moves the ranks most is {factor} (total Sobol index {total}).",
    },
    "analysis.say.shift": {
        "vi": "Trung bình qua {draws} lần rút, mỗi đơn vị lệch {shift} bậc so với thứ hạng công bố.",
        "en": "Over {draws} draws, an agency's rank differs from the published one by {shift} places on average.",
    },
    "analysis.say.none": {
        "vi": "Không khai báo yếu tố bất định nào: thứ hạng công bố là thứ hạng duy nhất.",
        "en": "No uncertainty is declared: the published ranking is the only one.",
    },
    "analysis.say.negative_with_group": {
        "vi": "Trong {block}, tiêu chí {criteria} tương quan âm với nhóm của mình: nên xem lại chiều của chỉ tiêu hoặc vị trí của tiêu chí.",
        "en": "In {block}, criteria {criteria} are negatively correlated with their group: check the indicator's direction or where the criterion sits.",
    },
    "analysis.say.dominates_total": {
        "vi": "Trong {block}, tiêu chí {criteria} chi phối tổng điểm: trọng số hiệu dụng lớn hơn hai lần trọng số danh nghĩa.",
        "en": "In {block}, criteria {criteria} dominate the total: their effective weight is over twice the nominal one.",
    },
    "analysis.html.title": {"vi": "Độ vững của thứ hạng", "en": "Robustness of the ranks"},
    "analysis.html.intervals": {
        "vi": "Khoảng thứ hạng 5–95 % — {block}",
        "en": "5–95 % rank intervals — {block}",
    },
    "analysis.html.intervals_desc": {
        "vi": "Mỗi dòng là một đơn vị: chấm là hạng công bố, vạch là khoảng 5–95 % qua {draws} lần rút.",
        "en": "One row per agency: the dot is the published rank, the whisker the 5–95 % interval over {draws} draws.",
    },
    "analysis.html.agency": {"vi": "Đơn vị", "en": "Agency"},
    "analysis.html.rank": {"vi": "Hạng", "en": "Rank"},
    "analysis.html.median": {"vi": "Trung vị", "en": "Median"},
    "analysis.html.interval": {"vi": "Khoảng 5–95 %", "en": "5–95 % interval"},
    "analysis.html.tier_p": {"vi": "Xác suất giữ mức", "en": "Probability of its tier"},
    "analysis.html.sign_p": {
        "vi": "Xác suất đúng chiều thay đổi",
        "en": "Probability the change keeps its sign",
    },
    "analysis.html.sobol": {
        "vi": "Chỉ số Sobol của độ lệch thứ hạng",
        "en": "Sobol indices of the rank shift",
    },
    "analysis.html.sobol_desc": {
        "vi": "Thanh đậm: chỉ số bậc một; thanh nhạt: chỉ số toàn phần; vạch: khoảng tin cậy 95 %.",
        "en": "Dark bar: first-order index; light bar: total-order index; whisker: 95 % confidence interval.",
    },
    "analysis.html.factor": {"vi": "Yếu tố", "en": "Input"},
    "analysis.html.first": {"vi": "Bậc một", "en": "First order"},
    "analysis.html.total": {"vi": "Toàn phần", "en": "Total order"},
    "analysis.html.heatmap": {
        "vi": "Tương quan Pearson giữa các nhóm và tổng điểm — {block}",
        "en": "Pearson correlations of the groups and the total — {block}",
    },
    "analysis.html.heatmap_desc": {
        "vi": "Ô càng đậm, tương quan càng mạnh; giá trị ghi trong ô.",
        "en": "The darker the cell, the stronger the correlation; values are written in the cells.",
    },
    "analysis.html.flags": {"vi": "Cảnh báo", "en": "Flags"},
    "analysis.html.negative_with_group": {
        "vi": "tương quan âm với nhóm",
        "en": "negatively correlated with its group",
    },
    "analysis.html.dominates_total": {"vi": "chi phối tổng điểm", "en": "dominates the total"},
    "analysis.html.receipt": {
        "vi": "Hạt giống {seed}, {draws} lần rút; dấu vân tay bộ tiêu chí {rules}.",
        "en": "Seed {seed}, {draws} draws; rule-set fingerprint {rules}.",
    },
    "analysis.col.block": {"vi": "Khối", "en": "Block"},
    "analysis.col.agency_id": {"vi": "Mã đơn vị", "en": "Agency id"},
    "analysis.col.agency": {"vi": "Đơn vị", "en": "Agency"},
    "analysis.col.rank": {"vi": "Hạng", "en": "Rank"},
    "analysis.col.median": {"vi": "Trung vị", "en": "Median"},
    "analysis.col.p5": {"vi": "Hạng P5", "en": "Rank P5"},
    "analysis.col.p95": {"vi": "Hạng P95", "en": "Rank P95"},
    "analysis.col.tier": {"vi": "Mức", "en": "Tier"},
    "analysis.col.tier_p": {"vi": "Xác suất giữ mức", "en": "Probability of tier"},
    "analysis.col.change": {"vi": "Thay đổi", "en": "Change"},
    "analysis.col.sign_p": {"vi": "Xác suất đúng chiều", "en": "Probability of sign"},
    "analysis.col.input": {"vi": "Yếu tố", "en": "Input"},
    "analysis.col.first": {"vi": "Bậc một", "en": "First order"},
    "analysis.col.first_conf": {"vi": "± (95 %)", "en": "± (95 %)"},
    "analysis.col.total": {"vi": "Toàn phần", "en": "Total order"},
    "analysis.col.total_conf": {"vi": "± (95 %)", "en": "± (95 %)"},
    "analysis.col.scenario": {"vi": "Kịch bản", "en": "Scenario"},
    "analysis.col.choice": {"vi": "Lựa chọn", "en": "Choice"},
    "analysis.col.mean_shift": {"vi": "Độ lệch hạng trung bình", "en": "Mean rank shift"},
    "analysis.col.max_shift": {"vi": "Độ lệch lớn nhất", "en": "Largest shift"},
    "analysis.col.tier_changes": {"vi": "Số đơn vị đổi mức", "en": "Agencies changing tier"},
    "analysis.col.criterion": {"vi": "Tiêu chí", "en": "Criterion"},
    "analysis.col.group": {"vi": "Nhóm", "en": "Group"},
    "analysis.col.pearson_group": {"vi": "Pearson với nhóm", "en": "Pearson with group"},
    "analysis.col.pearson_total": {"vi": "Pearson với tổng", "en": "Pearson with total"},
    "analysis.col.spearman_total": {"vi": "Spearman với tổng", "en": "Spearman with total"},
    "analysis.col.nominal_weight": {"vi": "Trọng số danh nghĩa", "en": "Nominal weight"},
    "analysis.col.effective_weight": {"vi": "Trọng số hiệu dụng", "en": "Effective weight"},
    "analysis.col.ratio": {"vi": "Tỷ số", "en": "Ratio"},
    "analysis.sheet.ranks": {"vi": "Khoảng hạng", "en": "Rank intervals"},
    "analysis.sheet.sobol": {"vi": "Sobol", "en": "Sobol"},
    "analysis.sheet.oat": {"vi": "Từng yếu tố", "en": "One at a time"},
    "analysis.sheet.coherence": {"vi": "Nhất quán", "en": "Coherence"},
    "analysis.sheet.findings": {"vi": "Nhận định", "en": "Findings"},
}
