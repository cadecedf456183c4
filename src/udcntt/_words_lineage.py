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
    "lineage.heading": {"vi": "So sánh với năm trước", "en": "Comparability"},
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
