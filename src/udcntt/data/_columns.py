"""Finding the header row and saying what each column holds.

Wide tables
    A header is an indicator's id, its Vietnamese label or one of its declared aliases, an
    agency column (id, name, block: English or Vietnamese names such as ``Mã đơn vị``,
    ``Tên đơn vị``, ``Khối``), a column to ignore (``STT``, ``Ghi chú``, or declared), or a
    header declared in the layout's ``columns``. Paired columns carry the appraisal of an
    indicator: ``<header>__tu_danh_gia`` (self-assessed, the same as the plain column),
    ``<header>__tham_dinh`` (appraised), ``<header>__minh_chung`` (evidence), or the same
    with the Vietnamese words in parentheses: ``Tổng số máy tính (thẩm định)``. English
    suffixes ``__self_assessed``, ``__appraised`` and ``__evidence`` work too.

Long tables
    Columns for the agency (id and/or name), the indicator (``indicator``/``chỉ tiêu``),
    the value (``value``/``giá trị``, or ``self_assessed``/``tự đánh giá``), the appraised
    value (``appraised``/``thẩm định``) and the evidence (``evidence``/``minh chứng``).

Every header is compared by :func:`~udcntt.data._text.match_key` (case, spacing, Unicode
form, look-alike characters and tone placement do not matter). When the header row is not
declared, it is the first of the first 20 rows that has an agency column and an indicator
(or, in long tables, an indicator column). A row right under the header whose cells are the
columns' Vietnamese labels (as the template writes them) is skipped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from udcntt.data._locale import Scale
from udcntt.data._table import Cell, Row, Table
from udcntt.data._text import clean_text, match_key
from udcntt.model import ColumnRole, RuleSet, SurveyFormat, SurveyLayout

__all__ = [
    "AGENCY_LABELS",
    "ROLE_LABELS",
    "ROLE_SUFFIXES",
    "Column",
    "ColumnKind",
    "HeaderResolver",
    "head_done",
    "header_text",
    "label_for",
]

ColumnKind = Literal[
    "id",
    "name",
    "block",
    "indicator",
    "ignore",
    "ind_column",
    "value",
    "self_assessed",
    "appraised",
    "evidence",
]

#: The Vietnamese label of each agency column, as the template writes it.
AGENCY_LABELS: dict[str, str] = {"id": "Mã đơn vị", "name": "Tên đơn vị", "block": "Khối"}
#: Suffixes of paired columns, as the template writes them.
ROLE_SUFFIXES: dict[ColumnRole, str] = {
    ColumnRole.SELF_ASSESSED: "__tu_danh_gia",
    ColumnRole.APPRAISED: "__tham_dinh",
    ColumnRole.EVIDENCE: "__minh_chung",
}
#: The Vietnamese words for paired columns in labels: ``<label> (thẩm định)``.
ROLE_LABELS: dict[ColumnRole, str] = {
    ColumnRole.SELF_ASSESSED: "tự đánh giá",
    ColumnRole.APPRAISED: "thẩm định",
    ColumnRole.EVIDENCE: "minh chứng",
}

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "agency",
        "agency_id",
        "mã",
        "ma",
        "mã đơn vị",
        "ma_don_vi",
        "mã cơ quan",
        "mã ĐV",
    ),
    "name": (
        "name",
        "tên",
        "tên đơn vị",
        "ten_don_vi",
        "đơn vị",
        "cơ quan",
        "tên cơ quan",
        "cơ quan, đơn vị",
        "tên cơ quan, đơn vị",
        "agency_name",
    ),
    "block": ("block", "khối", "khoi"),
    "ignore": ("stt", "tt", "số tt", "số thứ tự", "ghi chú", "ghi_chu", "note", "notes"),
    "ind_column": ("indicator", "indicator_id", "chỉ tiêu", "chi_tieu", "mã chỉ tiêu"),
    "value": ("value", "giá trị", "gia_tri", "số liệu"),
    "self_assessed": ("self_assessed", "tự đánh giá", "tu_danh_gia"),
    "appraised": ("appraised", "thẩm định", "tham_dinh", "giá trị thẩm định"),
    "evidence": ("evidence", "minh chứng", "minh_chung"),
}
_SUFFIX_ROLES: dict[str, ColumnRole] = {
    "tu_danh_gia": ColumnRole.SELF_ASSESSED,
    "self_assessed": ColumnRole.SELF_ASSESSED,
    "self": ColumnRole.SELF_ASSESSED,
    "value": ColumnRole.VALUE,
    "gia_tri": ColumnRole.VALUE,
    "tham_dinh": ColumnRole.APPRAISED,
    "appraised": ColumnRole.APPRAISED,
    "minh_chung": ColumnRole.EVIDENCE,
    "evidence": ColumnRole.EVIDENCE,
}
_PAREN_ROLES = {match_key(text): role for role, text in ROLE_LABELS.items()}
_PAREN = re.compile(r"^(.*\S)\s*\(([^()]*)\)$")
_SCAN_ROWS = 20


@dataclass(frozen=True, slots=True)
class Column:
    """What one column holds."""

    index: int
    kind: ColumnKind
    header: str
    indicator: str | None = None
    role: ColumnRole = ColumnRole.VALUE
    scale: Scale = None


def header_text(cell: Cell | None, *, clean: bool = True) -> str:
    """A header cell as clean text (numbers as written).

    With ``clean=False`` the text keeps look-alike characters (only NFC and surrounding
    whitespace are normalised), so that matching can report them.
    """
    if cell is None or cell.value is None:
        return ""
    value = cell.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if clean:
        return clean_text(str(value))
    return unicodedata.normalize("NFC", str(value)).strip()


def label_for(rules: RuleSet, indicator: str, role: ColumnRole = ColumnRole.VALUE) -> str:
    """The label row text of an indicator column, as the template writes it."""
    label = rules.indicators[indicator].label
    if role in ROLE_LABELS:
        return f"{label} ({ROLE_LABELS[role]})"
    return label


class HeaderResolver:
    """Resolves header texts to columns for one rule set and layout."""

    def __init__(self, rules: RuleSet, layout: SurveyLayout) -> None:
        self.rules = rules
        self.layout = layout
        self.long = layout.format is SurveyFormat.LONG
        self.roles: dict[str, ColumnKind] = {}
        declared: dict[str, str | None] = {
            "id": layout.id_column,
            "name": layout.name_column,
            "block": layout.block_column,
            "ind_column": layout.indicator_column,
            "value": layout.value_column,
            "self_assessed": layout.self_assessed_column,
            "appraised": layout.appraised_column,
            "evidence": layout.evidence_column,
        }
        kinds: list[ColumnKind] = ["id", "name", "block", "ignore"]
        if self.long:
            kinds += ["ind_column", "value", "self_assessed", "appraised", "evidence"]
        for kind in kinds:
            names = _SYNONYMS[kind] if declared.get(kind) is None else (str(declared[kind]),)
            for name in names:
                self.roles.setdefault(match_key(name), kind)
        for name in layout.ignore_columns:
            self.roles[match_key(name)] = "ignore"
        self.explicit = {match_key(k): spec for k, spec in layout.columns.items()}
        self.indicators: dict[str, set[str]] = {}
        for ind_id, ind in rules.indicators.items():
            for text in (ind_id, ind.label, *ind.aliases):
                self.indicators.setdefault(match_key(text), set()).add(ind_id)

    def indicator(self, text: str) -> tuple[str | None, list[str]]:
        """The indicator a text names, and all candidates when it names several."""
        found = sorted(self.indicators.get(match_key(text), ()))
        return (found[0] if len(found) == 1 else None), found

    def resolve(self, index: int, text: str) -> Column | None:
        """The column a header names, or ``None`` when it names nothing known."""
        key = match_key(text)
        spec = self.explicit.get(key)
        if spec is not None:
            return Column(index, "indicator", text, spec.indicator, spec.role, spec.scale)
        kind = self.roles.get(key)
        if kind is not None:
            return Column(index, kind, text)
        if self.long:
            return None
        ind, _ = self.indicator(text)
        if ind is not None:
            return Column(index, "indicator", text, ind, ColumnRole.VALUE)
        base, role = _split_role(text)
        if role is not None:
            spec = self.explicit.get(match_key(base))
            if spec is not None:
                return Column(index, "indicator", text, spec.indicator, role, spec.scale)
            ind, _ = self.indicator(base)
            if ind is not None:
                return Column(index, "indicator", text, ind, role)
        return None

    def _looks_like_header(self, row: Row) -> bool:
        kinds = set()
        for index, cell in row.cells.items():
            col = self.resolve(index, header_text(cell))
            if col is not None:
                kinds.add(col.kind)
        if self.long:
            return "ind_column" in kinds and bool(kinds & {"id", "name"})
        return "indicator" in kinds and bool(kinds & {"id", "name"})

    def split_header(self, table: Table) -> bool:
        """Move the header row (declared or found) out of ``table.rows``.

        Returns ``False`` when no header row was declared and none was found; the first
        row is then taken as the header. A streamed table keeps its records after the first
        rows for reading only when a header row was taken.
        """
        rows = table.rows
        if table.structured or not rows:
            return True
        wanted = self.layout.header_row
        position: int | None = None
        if wanted is not None:
            position = next((i for i, r in enumerate(rows) if r.number >= wanted), None)
            if position is not None and rows[position].number != wanted:
                position = None
        else:
            for i, row in enumerate(rows[:_SCAN_ROWS]):
                if self._looks_like_header(row):
                    position = i
                    break
        found = position is not None
        if position is None:
            position = 0 if wanted is None else len(rows)
        if position >= len(rows):
            table.headers = []
            table.header_row = wanted or 1
            table.rows = []
            table.stream_after = None
            return False
        header = rows[position]
        width = max(header.cells, default=-1) + 1
        table.headers = [header.cells.get(i) for i in range(width)]
        table.header_row = header.number
        first = self.layout.first_data_row
        data = [r for r in rows[position + 1 :] if first is None or r.number >= first]
        if (
            first is None
            and data
            and data[0].number == header.number + 1
            and self._is_label_row(table, data[0])
        ):
            table.label_row = data[0].number
            data = data[1:]
        table.rows = data
        if header.width is not None:
            table.meta["width"] = str(header.width)
        return found

    def _is_label_row(self, table: Table, row: Row) -> bool:
        matched = 0
        for index, cell in row.cells.items():
            head = table.headers[index] if index < len(table.headers) else None
            col = self.resolve(index, header_text(head)) if head is not None else None
            if col is None:
                return False
            text = match_key(header_text(cell))
            if text not in self._label_keys(col):
                return False
            matched += 1
        return matched > 0

    def _label_keys(self, col: Column) -> set[str]:
        if col.kind in AGENCY_LABELS:
            synonyms = (match_key(s) for s in _SYNONYMS[col.kind])
            return {match_key(AGENCY_LABELS[col.kind]), *synonyms}
        if col.kind == "ignore":
            return {match_key(col.header)}
        if col.kind != "indicator" or col.indicator is None:
            return set()
        ind = self.rules.indicators[col.indicator]
        keys = {match_key(col.indicator)}
        for text in (ind.label, *ind.aliases):
            if col.role in ROLE_LABELS:
                keys.add(match_key(f"{text} ({ROLE_LABELS[col.role]})"))
            else:
                keys.add(match_key(text))
                if ind.unit:
                    keys.add(match_key(f"{text} ({ind.unit})"))
        return keys


def head_done(header_row: int | None, rows: list[Row]) -> bool:
    """Whether the first non-blank rows ``rows`` hold the header and the row under it.

    A streamed table keeps these rows as cells (:meth:`HeaderResolver.split_header` looks
    for the header among them, declared at ``header_row`` or not); the other records are
    read as raw text.
    """
    if header_row is None:
        return len(rows) > _SCAN_ROWS
    return len(rows) >= 2 and rows[-2].number >= header_row


def _split_role(text: str) -> tuple[str, ColumnRole | None]:
    if "__" in text:
        base, suffix = text.rsplit("__", 1)
        role = _SUFFIX_ROLES.get(match_key(suffix))
        if role is not None and base.strip():
            return base.strip(), role
    match = _PAREN.match(text)
    if match:
        role = _PAREN_ROLES.get(match_key(match.group(2)))
        if role is not None:
            return match.group(1), role
    return text, None
