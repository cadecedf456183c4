"""The declarative mapping of a province's survey workbook onto a rule set's indicators.

A :class:`SurveyLayout` says where the data is (sheet, header row, first data row), which
column holds what (agency id, name, block, each indicator's value, self-assessed value,
appraised value and evidence), how the cells are written (locale, percent or other scale,
text encoding of CSV files) and how "not applicable" and "missing" are spelled.

It lives under ``survey:`` in a rule file or in a separate YAML file::

    format: wide                 # wide (one row per agency) or long (one row per value)
    sheet: "Số liệu 2024"        # XLSX only; default: every visible data sheet
    header_row: 3                # default: found among the first rows
    first_data_row: 5            # default: the row after the header (and its label row)
    locale: vi-VN
    encoding: cp1258             # CSV / text only; default UTF-8 (BOM ok) or UTF-16 with BOM
    delimiter: ";"               # CSV only; default: sniffed among , ; and tab
    id_column: "Mã ĐV"
    name_column: "Tên cơ quan, đơn vị"
    block_column: "Khối"
    columns:
      "Tổng số CBCCVC": staff_total
      "Tỷ lệ máy tính (%)": {indicator: pc_ratio, scale: percent}
      "Minh chứng 1.2": {indicator: pc_ratio, role: evidence}
      "Thẩm định 1.2": {indicator: pc_ratio, role: appraised}
    ignore_columns: ["Ghi chú"]
    not_applicable: ["N/A", "KAD", "Không áp dụng"]
    missing: ["", "-"]
    sheet_blocks: {"Khối Sở": so_nganh, "Khối huyện": huyen}

Every header text is matched ignoring case, surrounding and repeated whitespace, Unicode
normal form and look-alike characters (``Ð``/``Đ``, tone-mark placement ``Hòa``/``Hoà``).
"""

from __future__ import annotations

import codecs
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from udcntt.errors import msg
from udcntt.model._base import Dec, Id, Int, StrictModel

__all__ = [
    "DEFAULT_FALSE",
    "DEFAULT_MISSING",
    "DEFAULT_NOT_APPLICABLE",
    "DEFAULT_TRUE",
    "ColumnRole",
    "ColumnSpec",
    "SurveyFormat",
    "SurveyLayout",
]

#: Spellings of "not applicable" (không áp dụng) recognised unless a layout declares its own.
DEFAULT_NOT_APPLICABLE: tuple[str, ...] = (
    "N/A",
    "NA",
    "n.a.",
    "KAD",
    "K.A.D",
    "KAD.",
    "Không áp dụng",
    "Khong ap dung",
)
#: Spellings of "missing" (no answer). Empty cells are always missing.
DEFAULT_MISSING: tuple[str, ...] = ("", "-", "–", "—", "?", "…", "...")
#: Spellings of yes for ``bool`` indicators (compared ignoring case and look-alikes).
DEFAULT_TRUE: tuple[str, ...] = ("Có", "Co", "C", "x", "✓", "✔", "Yes", "Y", "True", "Đúng", "1")
#: Spellings of no for ``bool`` indicators.
DEFAULT_FALSE: tuple[str, ...] = ("Không", "Khong", "K", "Ko", "No", "N", "False", "Sai", "0")


class SurveyFormat(StrEnum):
    """How a survey table is laid out."""

    WIDE = "wide"  #: one row per agency, one column per indicator
    LONG = "long"  #: one row per (agency, indicator) value


class ColumnRole(StrEnum):
    """What a column holds about its indicator."""

    VALUE = "value"  #: the agency's figure (the self-assessed value when appraisal exists)
    SELF_ASSESSED = "self_assessed"  #: tự đánh giá (same as VALUE; give one or the other)
    APPRAISED = "appraised"  #: thẩm định: replaces the self-assessed figure when present
    EVIDENCE = "evidence"  #: minh chứng: a document reference (text)


class ColumnSpec(StrictModel):
    """What one column of a wide table holds.

    ``scale`` converts numbers as written to the indicator's unit: ``percent`` reads ``75``
    as 0.75 (cells written ``75%`` or formatted as percent in Excel are fractions already),
    a number multiplies (``1000`` when the column is in thousands). ``unit`` documents the
    column's unit; when the indicator declares one too, they must agree.
    """

    indicator: Id
    role: ColumnRole = ColumnRole.VALUE
    scale: Literal["percent"] | Dec | None = None
    unit: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        # ``"Header": indicator_id`` is shorthand for ``{indicator: indicator_id}``.
        if isinstance(value, str):
            return {"indicator": value}
        return value

    @field_validator("scale", mode="before")
    @classmethod
    def _scale(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().casefold() in ("percent", "%"):
            return "percent"
        return value

    @field_validator("scale")
    @classmethod
    def _positive(cls, value: Any) -> Any:
        if isinstance(value, Decimal) and value <= 0:
            raise ValueError(msg("a numeric scale must be positive"))
        return value


class SurveyLayout(StrictModel):
    """Where a province's workbook keeps its data, and how cells are written.

    Every field has a default that reads the template written by
    :func:`udcntt.data.write_template`, so a layout is only needed for a province's own
    workbook. Header names given here are matched like headers in the file (case, spacing,
    Unicode form and look-alike characters do not matter).
    """

    format: SurveyFormat = SurveyFormat.WIDE
    sheet: str | None = None
    header_row: Int | None = None
    first_data_row: Int | None = None
    locale: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    # Agency columns (both formats).
    id_column: str | None = None
    name_column: str | None = None
    block_column: str | None = None
    # Wide format: explicit header → indicator mapping; other headers are matched to the
    # indicators' ids, labels and aliases.
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)
    ignore_columns: tuple[str, ...] = ()
    unknown_columns: Literal["error", "ignore"] = "error"
    # Long format.
    indicator_column: str | None = None
    value_column: str | None = None
    self_assessed_column: str | None = None
    appraised_column: str | None = None
    evidence_column: str | None = None
    # Spellings.
    not_applicable: tuple[str, ...] = DEFAULT_NOT_APPLICABLE
    missing: tuple[str, ...] = DEFAULT_MISSING
    true_values: tuple[str, ...] = DEFAULT_TRUE
    false_values: tuple[str, ...] = DEFAULT_FALSE
    # XLSX: the block of every agency on a sheet, when there is no block column.
    sheet_blocks: dict[str, Id] = Field(default_factory=dict)

    @field_validator("header_row", "first_data_row")
    @classmethod
    def _row(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= 1_048_576:
            raise ValueError(msg("rows are numbered from 1 (as in Excel)"))
        return value

    @field_validator("delimiter")
    @classmethod
    def _delimiter(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value in ("tab", "\\t"):
            return "\t"
        if len(value) != 1 or value in '"\r\n' or value.isalnum():
            raise ValueError(msg("a delimiter is one character such as ',', ';' or 'tab'"))
        return value

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return codecs.lookup(value).name
        except LookupError as exc:
            raise ValueError(
                msg(
                    "unknown text encoding {encoding} (try 'utf-8', 'utf-16' or 'cp1258')",
                    encoding=repr(value),
                )
            ) from exc

    @field_validator("not_applicable", "missing", "true_values", "false_values", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @field_validator("ignore_columns", mode="before")
    @classmethod
    def _ignore_one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> SurveyLayout:
        if (
            self.header_row is not None
            and self.first_data_row is not None
            and self.first_data_row <= self.header_row
        ):
            raise ValueError(msg("'first_data_row' must come after 'header_row'"))
        if self.format is SurveyFormat.LONG and self.columns:
            raise ValueError(msg("'columns' maps wide tables; long tables use '*_column' keys"))
        yes = {v.strip().casefold() for v in self.true_values}
        no = {v.strip().casefold() for v in self.false_values}
        both = yes & no
        if both:
            raise ValueError(msg("{values} spelled both as yes and as no", values=sorted(both)))
        na = {v.strip().casefold() for v in self.not_applicable}
        missing = {v.strip().casefold() for v in self.missing}
        clash = na & missing
        if clash:
            raise ValueError(
                msg("{values} spelled both as not applicable and as missing", values=sorted(clash))
            )
        return self
