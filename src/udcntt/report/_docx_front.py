"""The optional front matter of the Word report, as an official text (Nghị định
30/2020/NĐ-CP, Phụ lục I): the issuing body under its parent body and the number and
symbol on the left, the Quốc hiệu and Tiêu ngữ with the place and date on the right, the
kind of text and its subject, "Kính gửi", then, after the narrative, a "Kiến nghị" section,
"Nơi nhận" and the signature block.

A user asks for it with ``assessment_to_docx(..., front_matter=...)`` (a
:class:`FrontMatter`, a mapping of its fields, or ``True`` for blanks everywhere) or with
``udcntt score|report ... -o x.docx --docx-front-matter FILE``, a YAML file of the same
fields (:func:`load_front_matter`). Every field is optional: what is not given is printed
as a blank ("…") to fill in by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from udcntt.errors import SourceLocation, UsageError, msg
from udcntt.report._docx_grid import CELL_MARGIN, apply_grid, text_width
from udcntt.report._docx_style import BODY_PT, TABLE_STYLE
from udcntt.report._i18n import t

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

__all__ = ["FrontMatter", "front_header", "load_front_matter", "signature_block"]

_LISTS = ("recipients", "copies_to", "recommendations")
#: Text width of a portrait A4 page with 3 cm and 2 cm side margins (16 cm), in twips.
_TEXT_WIDTH = 9070


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """What the front matter of an official report says (every field optional).

    ``parent_body`` is the cơ quan chủ quản ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"), ``issuer`` the
    issuing body ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", also the document's author), ``number``
    the số and ký hiệu ("125/BC-STTTT"), ``place`` the địa danh, ``date`` the date of issue,
    ``recipients`` the "Kính gửi" list, ``copies_to`` the "Nơi nhận" list,
    ``signer_authority`` the signing authority ("KT. GIÁM ĐỐC"), ``signer_title`` and
    ``signer_name`` the signer, ``recommendations`` the paragraphs of "Kiến nghị".
    """

    parent_body: str | None = None
    issuer: str | None = None
    number: str | None = None
    place: str | None = None
    date: dt.date | None = None
    recipients: tuple[str, ...] = ()
    copies_to: tuple[str, ...] = ()
    signer_authority: str | None = None
    signer_title: str | None = None
    signer_name: str | None = None
    recommendations: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, file: str | None = None) -> FrontMatter:
        """A front matter from plain data (a parsed YAML file or keyword values).

        Raises:
            UsageError: ``E-FRONT-MATTER`` for an unknown key, a value of the wrong kind or
                a date that is not ``YYYY-MM-DD``.
        """
        known = [f.name for f in fields(cls)]
        where = SourceLocation(file=file) if file else None
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise _error(
                    msg("unknown front-matter key '{key}'", key=key),
                    where,
                    msg("the keys are: {keys}", keys=", ".join(known)),
                )
            if value is None:
                continue
            if key in _LISTS:
                items = [value] if isinstance(value, str) else value
                if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                    raise _error(
                        msg("front-matter key '{key}' must be a text or a list of texts", key=key),
                        where,
                        msg("put a text that holds ': ' in quotes: - \"Lưu: VT\""),
                    )
                values[key] = tuple(" ".join(i.split()) for i in items if i.strip())
            elif key == "date":
                values[key] = _date(value, where)
            elif isinstance(value, str):
                values[key] = " ".join(value.split()) or None
            else:
                raise _error(msg("front-matter key '{key}' must be a text", key=key), where, None)
        return cls(**values)

    def place_date(self, lang: str) -> str:
        """``Lâm Đồng, ngày 05 tháng 01 năm 2018`` (a day below 10 and the months 1 and 2
        with a leading zero, as the decree writes them), blanks where unknown."""
        blank = t(lang, "docx.blank")
        day = month = year = blank
        if self.date is not None:
            day = f"{self.date.day:02d}"
            month = f"{self.date.month:02d}" if self.date.month < 3 else str(self.date.month)
            year = str(self.date.year)
        return t(
            lang, "docx.place_date", place=self.place or blank, day=day, month=month, year=year
        )

    def number_text(self, lang: str) -> str:
        """The số and ký hiệu, or the blank form ``…/BC-…``."""
        return self.number or t(lang, "docx.number_blank")


def _error(message: str, where: SourceLocation | None, hint: str | None) -> UsageError:
    return UsageError(message, code="E-FRONT-MATTER", location=where, hint=hint)


def _date(value: Any, where: SourceLocation | None) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _error(
            msg("front-matter date '{value}' is not a date", value=value),
            where,
            msg("write the date as YYYY-MM-DD, e.g. 2018-01-15"),
        ) from None


def load_front_matter(path: str | Path) -> FrontMatter:
    """Read a front-matter YAML file (the fields of :class:`FrontMatter`).

    Raises:
        UsageError: ``E-IO`` when the file cannot be read; ``E-FRONT-MATTER`` when it is not
            a mapping of the known keys.
        RuleFileError: ``E-YAML-*`` when it is not well-formed (strict) YAML.
    """
    from udcntt.loading import parse_yaml

    target = Path(path)
    try:
        raw = target.read_bytes()
    except OSError as exc:
        raise UsageError(
            msg("cannot read '{path}': {reason}", path=target, reason=exc.strerror or exc),
            code="E-IO",
        ) from exc
    document = parse_yaml(raw, file=str(target))
    if not isinstance(document.data, dict):
        raise _error(
            msg("the front-matter file must be a mapping of keys to texts"),
            SourceLocation(file=str(target)),
            None,
        )
    return FrontMatter.from_mapping(document.data, file=str(target))


def _borderless(table: Any) -> None:
    from docx.oxml.ns import qn

    tblpr = table._tbl.tblPr
    borders = tblpr.makeelement(qn("w:tblBorders"), {})
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(borders.makeelement(qn(f"w:{side}"), {qn("w:val"): "nil"}))
    tblpr.append(borders)


def _line(cell: Any, text: str, *, bold: bool = False, italic: bool = False, style: str = "Normal",
          after: float = 0, rule: bool = False) -> None:  # fmt: skip
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = cell.paragraphs[-1] if not cell.paragraphs[-1].text else cell.add_paragraph()
    paragraph.style = style
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(after)
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if rule:
        # The short rule under the issuer and the motto: a bottom border on a narrow
        # paragraph would span the cell, so the text itself is underlined as Word forms do.
        rpr = run._r.get_or_add_rPr()
        rpr.append(rpr.makeelement(qn("w:u"), {qn("w:val"): "single"}))


def front_header(doc: DocumentObject, front: FrontMatter, title: str, lang: str) -> None:
    """The header block, the kind of text, its subject and "Kính gửi" (see the module)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from udcntt._words import heading

    blank = t(lang, "docx.blank")
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _borderless(table)
    left, right = table.rows[0].cells
    _line(left, (front.parent_body or blank).upper())
    _line(left, (front.issuer or blank).upper(), bold=True, rule=True, after=6)
    _line(left, t(lang, "docx.number", number=front.number_text(lang)))
    _line(right, t(lang, "docx.nation"), bold=True)
    _line(right, t(lang, "docx.motto"), bold=True, rule=True, after=6)
    _line(right, front.place_date(lang), italic=True)
    right_width = (
        max(
            text_width(t(lang, "docx.nation"), BODY_PT, bold=True),
            text_width(front.place_date(lang), BODY_PT),
        )
        + 2 * CELL_MARGIN
        + 120
    )
    apply_grid(table, (_TEXT_WIDTH - right_width, right_width))
    kind = doc.add_paragraph(heading(t(lang, "docx.kind"), lang), style="Title")
    kind.paragraph_format.space_before = Pt(12)
    doc.add_paragraph(title, style="Title")
    if front.recipients:
        text = t(lang, "docx.to", recipients=front.recipients[0])
        to = doc.add_paragraph(text)
        to.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for more in front.recipients[1:]:
            doc.add_paragraph(more).alignment = WD_ALIGN_PARAGRAPH.CENTER


def signature_block(doc: DocumentObject, front: FrontMatter, lang: str) -> None:
    """The "Nơi nhận" list on the left, the signing authority, title and name on the
    right, kept on one page."""
    from docx.oxml.ns import qn

    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _borderless(table)
    left, right = table.rows[0].cells
    copies = front.copies_to or (t(lang, "docx.copies_default"),)
    first = left.paragraphs[0]
    first.style = TABLE_STYLE
    heading_run = first.add_run(t(lang, "docx.copies"))
    heading_run.bold = True
    heading_run.italic = True
    for index, item in enumerate(copies):
        end = "." if index == len(copies) - 1 else ";"
        left.add_paragraph(f"- {item.rstrip(';.')}{end}", style=TABLE_STYLE)
    if front.signer_authority:
        _line(right, front.signer_authority.upper(), bold=True)
    _line(right, (front.signer_title or t(lang, "docx.blank")).upper(), bold=True)
    _line(right, t(lang, "docx.signer_name_blank"), italic=True, after=48)
    _line(right, front.signer_name or t(lang, "docx.blank"), bold=True)
    trpr = table.rows[0]._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:cantSplit"), {qn("w:val"): "true"}))
    apply_grid(table, (_TEXT_WIDTH // 2, _TEXT_WIDTH - _TEXT_WIDTH // 2))
