"""Keyed words of the CLI, ``udcntt explain`` and the narrative, in Vietnamese and English.

Part of the catalogue of keyed words; see :mod:`udcntt._words` for how it is used. A key
ending ``.one`` / ``.many`` is chosen by a count (:func:`udcntt._words.word_n`). An empty
rendering means the language says nothing there.
"""

from __future__ import annotations

__all__ = ["TEXT_WORDS"]

TEXT_WORDS: dict[str, dict[str, str]] = {
    "cli.ok": {"vi": "đạt", "en": "ok"},
    "cli.check_ok": {
        "vi": "{path}: đạt ({tests} kiểm thử nhúng đều đạt)",
        "en": "{path}: ok ({tests} embedded tests passed)",
    },
    "cli.check_fail": {
        "vi": "{path}: {errors} lỗi, {warnings} cảnh báo",
        "en": "{path}: {errors} error(s), {warnings} warning(s)",
    },
    "cli.wrote": {"vi": "đã ghi {path}", "en": "wrote {path}"},
    "cli.scored": {
        "vi": "đã chấm điểm {n} đơn vị trong {blocks} khối theo '{rules}'",
        "en": "scored {n} agencies in {blocks} blocks with '{rules}'",
    },
    "cli.internal": {
        "vi": "lỗi nội bộ: {error}. Đây là lỗi của udcntt; vui lòng báo lại kèm lệnh đã chạy.",
        "en": "internal error: {error}. This is a bug in udcntt; please report it with the command you ran.",
    },
    "cli.errors": {"vi": "{n} lỗi", "en": "{n} errors"},
    "cli.rows": {
        "vi": "số dòng đã đọc: {read}, số đơn vị được chấm điểm: {scored}, số dòng bị loại: {rejected}",
        "en": "rows read: {read}, agencies scored: {scored}, rows rejected: {rejected}",
    },
    "cli.rows_skipped": {
        "vi": "số đơn vị bỏ qua (--lenient): {skipped}",
        "en": "agencies skipped (--lenient): {skipped}",
    },
    "cli.block": {"vi": "Khối", "en": "Block"},
    "cli.rank": {"vi": "Hạng", "en": "Rank"},
    "cli.agency": {"vi": "Đơn vị", "en": "Agency"},
    "cli.total": {"vi": "Tổng điểm", "en": "Total"},
    "cli.tier": {"vi": "Xếp loại", "en": "Tier"},
    "cli.change": {"vi": "Tăng/giảm", "en": "Change"},
    "explain.agency": {"vi": "Đơn vị", "en": "Agency"},
    "explain.block": {"vi": "Khối", "en": "Block"},
    "explain.total": {"vi": "Tổng điểm", "en": "Total"},
    "explain.tier": {"vi": "Xếp loại", "en": "Tier"},
    "explain.rank": {"vi": "Thứ hạng", "en": "Rank"},
    "explain.change": {"vi": "tăng/giảm bậc", "en": "rank change"},
    "explain.na": {"vi": "không áp dụng", "en": "not applicable"},
    "explain.unscored": {"vi": "không tính điểm", "en": "not scored"},
    "explain.inputs": {"vi": "số liệu", "en": "inputs"},
    "explain.lost": {"vi": "Điểm bị mất nhiều nhất", "en": "Most points lost"},
    "explain.next": {
        "vi": "Cần thêm để lên mức xếp loại trên",
        "en": "Points needed for the next tier",
    },
    "explain.best": {"vi": "đã ở mức cao nhất", "en": "already in the best tier"},
    "explain.notes": {"vi": "Ghi chú", "en": "Notes"},
    "narrative.agencies.one": {"vi": "{n} cơ quan", "en": "{n} agency"},
    "narrative.agencies.many": {"vi": "{n} cơ quan", "en": "{n} agencies"},
    "narrative.agency_noun.one": {"vi": "cơ quan", "en": "agency"},
    "narrative.agency_noun.many": {"vi": "cơ quan", "en": "agencies"},
    "narrative.place.one": {"vi": "bậc", "en": "place"},
    "narrative.place.many": {"vi": "bậc", "en": "places"},
    "narrative.year": {"vi": "năm {year}", "en": "{year}"},
    "narrative.previous_year": {"vi": "năm trước", "en": "the previous year"},
    "narrative.rise.one": {"vi": "{names} tăng {size} {unit}", "en": "{names} (up {size} {unit})"},
    "narrative.rise.many": {
        "vi": "các cơ quan tăng {size} {unit} gồm có {names}",
        "en": "up {size} {unit}: {names}",
    },
    "narrative.fall.one": {
        "vi": "{names} giảm {size} {unit}",
        "en": "{names} (down {size} {unit})",
    },
    "narrative.fall.many": {
        "vi": "các cơ quan giảm {size} {unit} có {names}",
        "en": "down {size} {unit}: {names}",
    },
    "narrative.not_ranked": {"vi": " (không xếp hạng)", "en": " (not ranked)"},
    "narrative.best_tier.one": {
        "vi": "có {agencies} thuộc nhóm đạt mức {tier} là {names}",
        "en": "{agencies} rated {tier}: {names}",
    },
    "narrative.best_tier.many": {
        "vi": "có {agencies} thuộc nhóm đạt mức {tier} gồm: {names}",
        "en": "{agencies} rated {tier}: {names}",
    },
    "narrative.best_tier_none": {
        "vi": "không có cơ quan nào đạt mức {tier}",
        "en": "no agency rated {tier}",
    },
    "narrative.tier_names.one": {"vi": " là {names}", "en": " ({names})"},
    "narrative.tier_names.many": {"vi": " gồm: {names}", "en": " ({names})"},
    "narrative.other_tier": {
        "vi": "nhóm đạt mức {tier} có {agencies}{listed}",
        "en": "{tier}: {agencies}{listed}",
    },
    "narrative.tiers": {"vi": "{block} {parts}.", "en": "{block}: {parts}."},
    "narrative.average": {
        "vi": "Điểm bình quân của khối đạt {mean}{out_of} điểm",
        "en": "The block's average score is {mean}{out_of} points",
    },
    "narrative.average_up": {
        "vi": ", tăng {diff} điểm so với {year}",
        "en": ", up {diff} on {year}",
    },
    "narrative.average_down": {
        "vi": ", giảm {diff} điểm so với {year}",
        "en": ", down {diff} on {year}",
    },
    "narrative.average_same": {"vi": ", không đổi so với {year}", "en": ", unchanged on {year}"},
    "narrative.spread": {
        "vi": "; chênh lệch giữa cơ quan xếp hạng đầu ({top} điểm) và cơ quan xếp hạng cuối ({bottom} điểm) là {gap} điểm",
        "en": "; {gap} points separate the first ({top}) and the last ({bottom})",
    },
    "narrative.rises": {
        "vi": "Một số cơ quan có sự cải thiện chỉ số UDCNTT tăng bậc so với {year} là: {items}.",
        "en": "Rose since {year}: {items}.",
    },
    "narrative.falls": {
        "vi": "Các cơ quan giảm bậc về mức độ UDCNTT là: {items}.",
        "en": "Fell: {items}.",
    },
    "narrative.falls_after_rises": {
        "vi": "Bên cạnh đó, các cơ quan giảm bậc về mức độ UDCNTT là: {items}.",
        "en": "Fell: {items}.",
    },
    "narrative.ranks_unchanged": {
        "vi": "Thứ hạng của các cơ quan trong khối không thay đổi so với {year}.",
        "en": "No agency of the block changed rank since {year}.",
    },
    "narrative.no_rises": {"vi": "Không có cơ quan nào tăng bậc so với {year}.", "en": ""},
    "narrative.no_previous_rank": {
        "vi": "Chưa có thứ hạng {year} để so sánh: {names}.",
        "en": "No rank in {year} to compare with: {names}.",
    },
    "narrative.unit": {"vi": " {unit}", "en": ""},
    "narrative.quote": {"vi": "{label}", "en": "“{label}”"},
    "narrative.is": {"vi": " là ", "en": ": "},
    "narrative.share_tail": {"vi": " (chiếm {share})", "en": " ({share})"},
    "narrative.together": {
        "vi": "cộng lại {total}{unit} (chiếm {share})",
        "en": "together {total}{unit} ({share})",
    },
    "narrative.of_which": {"vi": ", trong đó ", "en": ", of which "},
    "narrative.survey": {"vi": "Qua khảo sát, {text}", "en": "Survey totals: {text}"},
    "narrative.yes_count": {
        "vi": "{total}/{reporting} {noun} {label}{share}",
        "en": "{label}: {total} of {reporting} {noun}{share}",
    },
    "narrative.yes_in_block": {"vi": "{fraction} cơ quan {block}", "en": "{fraction} in {block}"},
    "narrative.yes_blocks": {"vi": ", gồm ", "en": ": "},
    "narrative.all_yes": {
        "vi": "Tất cả {n} cơ quan được khảo sát đều {listed}.",
        "en": "All {n} agencies surveyed answered yes to {listed}.",
    },
    "narrative.other_totals": {
        "vi": "Các chỉ tiêu khác (tổng toàn tỉnh): ",
        "en": "Other totals: ",
    },
    "narrative.intro": {
        "vi": "Báo cáo này trình bày kết quả đánh giá, xếp hạng mức độ ứng dụng công nghệ "
        "thông tin (UDCNTT)",
        "en": "This report presents the results of the assessment and ranking of IT "
        "application (UDCNTT)",
    },
    "narrative.intro_year": {"vi": " năm {year}", "en": " for {year}"},
    "narrative.intro_title": {"vi": " theo {title}.", "en": " under “{title}”."},
    "narrative.block_count": {"vi": "{block} có {agencies}", "en": "{block} ({agencies})"},
    "narrative.one_block": {
        "vi": " Đối tượng đánh giá là {agencies} thuộc {block}.",
        "en": " The agencies assessed fall into 1 block: {block} ({agencies}).",
    },
    "narrative.blocks": {
        "vi": " Đối tượng đánh giá chia làm {n} khối gồm: {blocks}.",
        "en": " The agencies assessed fall into {n} blocks: {blocks}.",
    },
    "narrative.blocks_separator": {"vi": "; ", "en": ", "},
    "words.and": {"vi": " và ", "en": " and "},
    "chart.up": {"vi": "tăng", "en": "up"},
    "chart.down": {"vi": "giảm", "en": "down"},
    "diagnostic.agency": {"vi": "đơn vị", "en": "agency"},
    "diagnostic.criterion": {"vi": "tiêu chí", "en": "criterion"},
    "diagnostic.indicator": {"vi": "chỉ tiêu", "en": "indicator"},
    "diagnostic.value": {"vi": "giá trị", "en": "value"},
    "diagnostic.note": {"vi": "ghi chú", "en": "note"},
    "diagnostic.hint": {"vi": "gợi ý", "en": "hint"},
    "diagnostic.at": {"vi": "tại", "en": "at"},
}
