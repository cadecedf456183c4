"""The data-entry template of a rule set (``udcntt template RULES -o survey.xlsx``).

The XLSX template has a ``README`` sheet (the three states of a value, how to write
numbers, yes/no and dates, and a table of every indicator) and one sheet per block listing
only the indicators that apply to it. Each block sheet has:

* row 1: the headers :func:`read_survey` reads: ``id``, ``name``, ``block``, then each
  indicator's id, ``<id>__tham_dinh`` for the appraised value (``appraisal=True``) and
  ``<id>__minh_chung`` for the evidence when the indicator asks for evidence;
* row 2: the Vietnamese labels (skipped when reading), with the type, unit, range and
  allowed values in a comment on each header;
* from row 3: one row per agency (prefilled from a registry when one is given), with
  Excel data validation lists for yes/no, category and block columns.

A CSV template (by file name) has the same two header rows for all blocks in one table.
The template reads back with no layout: an untouched template gives every value missing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from udcntt.data._columns import AGENCY_LABELS, ROLE_SUFFIXES, label_for
from udcntt.data._registry import Registry
from udcntt.data._xlsx import require_openpyxl
from udcntt.errors import DataError, UsageError, msg
from udcntt.model import ColumnRole, EvidencePolicy, Indicator, IndicatorType, RuleSet

__all__ = ["template_columns", "write_template"]

_MIN_ROWS = 200
_README_ROWS = (
    ("Mẫu nhập số liệu khảo sát — survey data-entry template", ""),
    ("", ""),
    ("Ba trạng thái của một ô / three states of a cell", ""),
    ("Có giá trị / a value", "a number, Có/Không, a date or one of the allowed values"),
    (
        "N/A, KAD, Không áp dụng",
        "not applicable: the criterion does not apply to the "
        "agency (only where the indicator allows it); it is removed from the maximum",
    ),
    ("để trống, - / empty", "missing: no answer; scored by the indicator's missing policy"),
    ("", ""),
    (
        "Cách viết số / numbers",
        "decimal comma, thousands dot: 1.537 is 1537, 12,5 is 12.5; 1,537 is refused as ambiguous",
    ),
    ("Tỷ lệ / ratios", "75% or 0,75"),
    ("Có/Không / yes-no", "Có or Không (also x, C/K, 1/0)"),
    ("Ngày / dates", "dd/mm/yyyy, e.g. 25/03/2024"),
    ("Công thức / formulas", "not read: paste values only"),
    (
        "Thẩm định / appraisal",
        "columns <id>__tham_dinh hold the council's figure, which "
        "replaces the agency's own; <id>__minh_chung holds the evidence reference",
    ),
    ("", ""),
)
_INDICATOR_HEADERS = (
    "id",
    "Chỉ tiêu / label",
    "type",
    "unit",
    "range",
    "allowed values",
    "N/A allowed",
    "evidence",
    "blocks",
)


def _applies(ind: Indicator, block: str | None) -> bool:
    return block is None or ind.blocks is None or block in ind.blocks


def template_columns(
    rules: RuleSet, block: str | None = None, *, appraisal: bool = False
) -> list[tuple[str, str, str | None]]:
    """The template's columns for a block (all indicators when ``None``).

    Returns ``(header, label, indicator id or None)`` triples.
    """
    cols: list[tuple[str, str, str | None]] = [
        (kind, label, None) for kind, label in AGENCY_LABELS.items()
    ]
    for ind_id, ind in rules.indicators.items():
        if not _applies(ind, block):
            continue
        cols.append((ind_id, label_for(rules, ind_id), ind_id))
        if appraisal:
            role = ColumnRole.APPRAISED
            cols.append((ind_id + ROLE_SUFFIXES[role], label_for(rules, ind_id, role), ind_id))
        if ind.evidence is not EvidencePolicy.NONE:
            role = ColumnRole.EVIDENCE
            cols.append((ind_id + ROLE_SUFFIXES[role], label_for(rules, ind_id, role), ind_id))
    return cols


def _describe(ind: Indicator) -> dict[str, str]:
    lo, hi = ind.bounds
    rng = (
        ""
        if lo is None and hi is None
        else f"[{'' if lo is None else lo}, {'' if hi is None else hi}]"
    )
    allowed = {
        IndicatorType.BOOL: "Có / Không",
        IndicatorType.DATE: "dd/mm/yyyy",
        IndicatorType.RATIO: "75% or 0,75",
        IndicatorType.COUNT: "whole number ≥ 0",
    }.get(ind.type, "")
    if ind.categories:
        allowed = "; ".join(ind.categories.values())
    return {
        "type": ind.type.value,
        "unit": ind.unit or "",
        "range": rng,
        "allowed": allowed,
        "na": "yes" if ind.not_applicable else "no",
        "evidence": ind.evidence.value,
        "blocks": ", ".join(ind.blocks) if ind.blocks else "all",
    }


def _safe(text: str) -> str:
    # A text cell starting with = + - @ would be run as a formula by spreadsheet programs.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write_template(
    rules: RuleSet,
    path: str | Path,
    *,
    blocks: Iterable[str] | None = None,
    registry: Registry | None = None,
    appraisal: bool = False,
) -> Path:
    """Write the survey's data-entry template as ``.xlsx`` or ``.csv`` (by file name).

    Args:
        rules: the rule set.
        path: where to write; ``.xlsx`` or ``.csv``.
        blocks: the blocks to include (all when ``None``).
        registry: prefill one row per agency (id, name, block).
        appraisal: add ``__tham_dinh`` columns for the appraisal council's figures.

    Returns:
        The path written.

    Raises:
        UsageError: for an unknown block, an unsupported file type, or ``.xlsx`` without
            the ``excel`` extra.
        DataError: ``E-IO`` when the file cannot be written.
    """
    path = Path(path)
    chosen = list(rules.blocks) if blocks is None else list(blocks)
    unknown = [b for b in chosen if b not in rules.blocks]
    if unknown:
        raise UsageError(
            msg("unknown block '{block}'", block=unknown[0]),
            hint=msg("blocks: {blocks}", blocks=", ".join(rules.blocks)),
        )
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            _write_xlsx(rules, path, chosen, registry, appraisal)
        elif suffix == ".csv":
            _write_csv(rules, path, chosen, registry, appraisal)
        else:
            raise UsageError(
                msg("cannot write a template as '{suffix}'", suffix=suffix),
                hint=msg("use .xlsx or .csv"),
            )
    except OSError as exc:
        raise DataError(
            msg("cannot write the template: {reason}", reason=exc), code="E-IO"
        ) from exc
    return path


def _agencies(registry: Registry | None, block: str | None) -> list[list[str]]:
    if registry is None:
        return []
    return [[a.id, a.name, a.block] for a in registry if block is None or a.block == block]


def _write_csv(
    rules: RuleSet, path: Path, blocks: list[str], registry: Registry | None, appraisal: bool
) -> None:
    cols = [
        c
        for c in template_columns(rules, None, appraisal=appraisal)
        if c[2] is None or _applies_any(rules.indicators[c[2]], blocks)
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c[0] for c in cols])
    writer.writerow([_safe(c[1]) for c in cols])
    for row in _agencies(registry, None):
        if row[2] in blocks:
            writer.writerow([_safe(v) for v in row] + [""] * (len(cols) - 3))
    path.write_text(out.getvalue(), encoding="utf-8-sig", newline="")


def _applies_any(ind: Indicator, blocks: list[str]) -> bool:
    return ind.blocks is None or any(b in ind.blocks for b in blocks)


def _write_xlsx(
    rules: RuleSet, path: Path, blocks: list[str], registry: Registry | None, appraisal: bool
) -> None:
    openpyxl = require_openpyxl()
    # The excel extra is optional: import its parts only when writing a workbook.
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    readme = wb.active
    readme.title = "README"
    _readme(readme, rules, Font)
    lists = wb.create_sheet("_lists")
    lists.sheet_state = "hidden"
    list_refs: dict[str, str] = {}
    for ind_id, ind in rules.indicators.items():
        if ind.type is not IndicatorType.CATEGORY or not ind.categories:
            continue
        letter = get_column_letter(len(list_refs) + 1)
        items = [*ind.categories.values(), *(["N/A"] if ind.not_applicable else [])]
        for r, item in enumerate(items, start=1):
            _put(lists.cell(row=r, column=len(list_refs) + 1), item)
        list_refs[ind_id] = f"'_lists'!${letter}$1:${letter}${len(items)}"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    titles: set[str] = set()
    for block in blocks:
        title = block[:31]
        while title in titles:
            title = title[:28] + f"_{len(titles)}"
        titles.add(title)
        ws = wb.create_sheet(title)
        cols = template_columns(rules, block, appraisal=appraisal)
        rows = _agencies(registry, block)
        last = 2 + max(len(rows), _MIN_ROWS)
        for c, (header, label, col_ind) in enumerate(cols, start=1):
            head = ws.cell(row=1, column=c)
            _put(head, header)
            head.font = bold
            head.fill = fill
            _put(ws.cell(row=2, column=c), label)
            ws.column_dimensions[get_column_letter(c)].width = max(12, min(40, len(label) + 2))
            if col_ind is None:
                if header == "block":
                    _validation(
                        ws,
                        DataValidation,
                        f'"{block}"',
                        column=c,
                        last=last,
                        letter=get_column_letter,
                    )
                continue
            ind = rules.indicators[col_ind]
            info = _describe(ind)
            note = "\n".join(f"{k}: {v}" for k, v in info.items() if v)
            if ind.description:
                note = ind.description + "\n" + note
            head.comment = Comment(note[:2000], "udcntt")
            if header != col_ind and not header.endswith(ROLE_SUFFIXES[ColumnRole.APPRAISED]):
                continue
            if ind.type is IndicatorType.BOOL:
                spelled = '"Có,Không' + (',N/A"' if ind.not_applicable else '"')
                _validation(
                    ws, DataValidation, spelled, column=c, last=last, letter=get_column_letter
                )
            elif col_ind in list_refs:
                _validation(
                    ws,
                    DataValidation,
                    list_refs[col_ind],
                    column=c,
                    last=last,
                    letter=get_column_letter,
                )
        for r, values in enumerate(rows, start=3):
            for c, value in enumerate(values, start=1):
                _put(ws.cell(row=r, column=c), value)
        ws.freeze_panes = "D3"
    wb.move_sheet(lists, offset=len(wb.sheetnames) - 1 - wb.index(lists))
    wb.save(path)


def _validation(
    ws: Any, dv_class: Any, formula: str, *, column: int, last: int, letter: Any
) -> None:
    dv = dv_class(
        type="list", formula1=formula, allow_blank=True, errorStyle="warning", showErrorMessage=True
    )
    col = letter(column)
    dv.add(f"{col}3:{col}{last}")
    ws.add_data_validation(dv)


def _put(cell: Any, value: str) -> None:
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # openpyxl would otherwise write the text as a formula


def _readme(ws: Any, rules: RuleSet, font: Any) -> None:
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 90
    _put(
        ws.cell(row=1, column=1),
        f"{rules.title} ({rules.id}" + (f", {rules.version}" if rules.version else "") + ")",
    )
    ws.cell(row=1, column=1).font = font(bold=True, size=14)
    for r, (a, b) in enumerate(_README_ROWS, start=2):
        _put(ws.cell(row=r, column=1), a)
        _put(ws.cell(row=r, column=2), b)
    start = len(_README_ROWS) + 3
    for c, text in enumerate(_INDICATOR_HEADERS, start=1):
        _put(ws.cell(row=start, column=c), text)
        ws.cell(row=start, column=c).font = font(bold=True)
    for r, (ind_id, ind) in enumerate(rules.indicators.items(), start=start + 1):
        info = _describe(ind)
        row = [
            ind_id,
            ind.label,
            info["type"],
            info["unit"],
            info["range"],
            info["allowed"],
            info["na"],
            info["evidence"],
            info["blocks"],
        ]
        for c, text in enumerate(row, start=1):
            _put(ws.cell(row=r, column=c), text)
