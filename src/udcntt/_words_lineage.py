"""Keyed words of comparability labels and baselines (merged into ``udcntt._words.WORDS``)."""

from __future__ import annotations

__all__ = ["LINEAGE_WORDS"]

#: Keyed words of comparability labels and baselines (merged into ``udcntt._words.WORDS``).
LINEAGE_WORDS: dict[str, dict[str, str]] = {
    "lineage.label.comparable": {"vi": "so sánh được", "en": "comparable"},
    "lineage.label.renamed": {"vi": "đổi tên", "en": "renamed"},
    "lineage.label.derived": {"vi": "suy ra ({method})", "en": "derived ({method})"},
    "lineage.label.new": {"vi": "đơn vị mới", "en": "new unit"},
    "lineage.label.not_comparable": {"vi": "không so sánh được", "en": "not comparable"},
    "lineage.method.carry": {"vi": "giữ nguyên", "en": "carried"},
    "lineage.method.mean": {"vi": "trung bình các đơn vị tiền thân", "en": "mean of predecessors"},
    "lineage.method.weighted": {"vi": "bình quân gia quyền", "en": "weighted mean"},
    "lineage.method.sum": {"vi": "tổng", "en": "sum"},
    "lineage.method.best": {"vi": "cao nhất", "en": "best"},
    "lineage.method.worst": {"vi": "thấp nhất", "en": "worst"},
    "lineage.note.derived": {
        "vi": " (so với giá trị năm trước suy ra: {method})",
        "en": " (against a derived last-year value: {method})",
    },
    "lineage.note.not_comparable": {
        "vi": " (không so sánh được với năm trước)",
        "en": " (not comparable with last year)",
    },
    "lineage.note.renamed": {"vi": " (đổi tên)", "en": " (renamed)"},
    "lineage.note.comparable": {"vi": " (so sánh trực tiếp)", "en": " (directly comparable)"},
    "lineage.carried_once": {
        "vi": "Thứ hạng {year} được quy đổi theo cơ cấu đơn vị hiện nay; cách quy đổi của từng khối được nêu dưới đây.",
        "en": "The {year} ranks are taken in this year's structure of units; each block below says how.",
    },
    "lineage.block.comparable.one": {
        "vi": "thứ hạng {year} của {agencies} được so sánh trực tiếp (cùng đơn vị, cùng bộ tiêu chí)",
        "en": "{agencies} is compared directly with its own rank in {year} (same unit, same criteria)",
    },
    "lineage.block.comparable.many": {
        "vi": "thứ hạng {year} của {agencies} được so sánh trực tiếp (cùng đơn vị, cùng bộ tiêu chí)",
        "en": "{agencies} are compared directly with their own ranks in {year} (same units, same criteria)",
    },
    "lineage.block.renamed.one": {
        "vi": "{agencies} đổi tên mang thứ hạng {year} của đơn vị trước khi đổi tên",
        "en": "{agencies} renamed carries the former unit's rank in {year}",
    },
    "lineage.block.renamed.many": {
        "vi": "{agencies} đổi tên mang thứ hạng {year} của đơn vị trước khi đổi tên",
        "en": "{agencies} renamed carry the former units' ranks in {year}",
    },
    "lineage.block.derived.one": {
        "vi": "thứ hạng {year} của {agencies} là thứ hạng suy ra theo {method} (không phải thứ hạng đã công bố)",
        "en": "the {year} rank of {agencies} is a derived rank ({method}), not a published one",
    },
    "lineage.block.derived.many": {
        "vi": "thứ hạng {year} của {agencies} là thứ hạng suy ra theo {method} (không phải thứ hạng đã công bố)",
        "en": "the {year} ranks of {agencies} are derived ranks ({method}), not the published ones",
    },
    "lineage.block.not_comparable.one": {
        "vi": "thứ hạng {year} của {agencies} không so sánh được với năm nay (bộ tiêu chí hoặc đơn vị đã thay đổi), thay đổi thứ hạng chỉ để tham khảo",
        "en": "the {year} rank of {agencies} is not comparable with this year's (the criteria set or the unit changed); its rank change is for reference only",
    },
    "lineage.block.not_comparable.many": {
        "vi": "thứ hạng {year} của {agencies} không so sánh được với năm nay (bộ tiêu chí hoặc đơn vị đã thay đổi), thay đổi thứ hạng chỉ để tham khảo",
        "en": "the {year} ranks of {agencies} are not comparable with this year's (the criteria set or the units changed); their rank changes are for reference only",
    },
    "lineage.block.new.one": {
        "vi": "{agencies} mới chưa có thứ hạng {year}{listed}",
        "en": "{agencies} is new and has no rank in {year}{listed}",
    },
    "lineage.block.new.many": {
        "vi": "{agencies} mới chưa có thứ hạng {year}{listed}",
        "en": "{agencies} are new and have no rank in {year}{listed}",
    },
    "narrative.span": {"vi": "từ {low} đến {high} {unit}", "en": "{low} to {high} {unit}"},
    "narrative.span_same": {"vi": "{size} {unit}", "en": "{size} {unit}"},
    "narrative.rise_rest.one": {"vi": "{agencies} tăng {span}", "en": "{agencies} (up {span})"},
    "narrative.rise_rest.many": {"vi": "{agencies} tăng {span}", "en": "{agencies} (up {span})"},
    "narrative.rise_rest_other.one": {
        "vi": "{n} {noun} khác tăng {span}",
        "en": "{n} other {noun} (up {span})",
    },
    "narrative.rise_rest_other.many": {
        "vi": "{n} {noun} khác tăng {span}",
        "en": "{n} other {noun} (up {span})",
    },
    "narrative.fall_rest.one": {"vi": "{agencies} giảm {span}", "en": "{agencies} (down {span})"},
    "narrative.fall_rest.many": {"vi": "{agencies} giảm {span}", "en": "{agencies} (down {span})"},
    "narrative.fall_rest_other.one": {
        "vi": "{n} {noun} khác giảm {span}",
        "en": "{n} other {noun} (down {span})",
    },
    "narrative.fall_rest_other.many": {
        "vi": "{n} {noun} khác giảm {span}",
        "en": "{n} other {noun} (down {span})",
    },
    "lineage.heading": {"vi": "So sánh với năm trước", "en": "Comparability"},
    "views.title": {"vi": "Hai cách xếp hạng", "en": "Two rankings"},
    "views.intro": {
        "vi": "Cùng số liệu năm {year} được xếp hạng theo cơ cấu đơn vị cũ ({old} đơn vị) và theo cơ cấu đơn vị mới ({new} đơn vị, sắp xếp đến ngày {at}). Mỗi đơn vị mới kèm các đơn vị tiền thân với thứ hạng và điểm của chúng trong cơ cấu cũ; giá trị của đơn vị mới được suy ra theo phương pháp ghi ở cột “Cách tính”.",
        "en": "The same {year} figures ranked in the old structure of units ({old} units) and in the new one ({new} units, as of {at}). Each new unit is shown with its predecessors and their ranks and scores in the old structure; the new unit's value is derived by the method in the column “How”.",
    },
    "views.new_rank": {"vi": "Hạng (cơ cấu mới)", "en": "Rank (new)"},
    "views.new_unit": {"vi": "Đơn vị (cơ cấu mới)", "en": "Unit (new structure)"},
    "views.new_total": {"vi": "Tổng điểm (mới)", "en": "Total (new)"},
    "views.tier": {"vi": "Xếp loại (mới)", "en": "Tier (new)"},
    "views.how": {"vi": "Cách tính", "en": "How"},
    "views.old_rank": {"vi": "Hạng (cơ cấu cũ)", "en": "Rank (old)"},
    "views.old_unit": {"vi": "Đơn vị tiền thân (cơ cấu cũ)", "en": "Predecessor (old structure)"},
    "views.old_total": {"vi": "Tổng điểm (cũ)", "en": "Total (old)"},
    "lineage.carried": {
        "vi": "Thứ hạng năm trước được quy đổi theo cơ cấu đơn vị hiện nay ({listed}).",
        "en": "Last year's ranks are taken in this year's structure of units ({listed}).",
    },
    "lineage.synthetic": {
        "vi": "Số liệu năm trước là số liệu GIẢ LẬP, không phải kết quả chính thức.",
        "en": "Last year's figures are SYNTHETIC, not official results.",
    },
    "lineage.rescored": {
        "vi": "Kết quả năm trước được chấm lại theo bộ tiêu chí năm nay qua bảng ánh xạ ({n} tiêu chí so sánh được).",
        "en": "Last year's survey was scored again under this year's rules through a crosswalk ({n} criteria compared).",
    },
    "lineage.not_compared": {
        "vi": "Không so sánh được với năm trước (không có nguồn trong bảng ánh xạ): {criteria}.",
        "en": "Not compared with last year (no source in the crosswalk): {criteria}.",
    },
    "lineage.counts": {
        "vi": "Tính so sánh của thứ hạng: {listed}",
        "en": "Comparability of ranks: {listed}",
    },
}
