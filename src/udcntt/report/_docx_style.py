"""The Word report's typography, page furniture and package: styles with one font size per
role, the proofing language, "Trang X/Y" page numbers, clean document properties and
reproducible bytes.

- **Styles.** Body text is ``Normal`` (13 pt), headings are ``Heading 1`` / ``Heading 2``
  (13 pt bold, kept with the next paragraph), the document title is ``Title`` (14 pt bold,
  centred) and every table cell is ``Table Text`` (11 pt, no spacing). No run sets a size of
  its own. Theme fonts and colours of the template are removed, so LibreOffice and Word show
  Times New Roman in black everywhere.
- **Language.** ``w:lang`` of the defaults, of every style and of the settings is vi-VN
  (en-US for ``lang="en"``), so spelling is checked in the document's language.
- **Package.** python-docx's template carries a 2013 creation date, "Microsoft Macintosh
  Word", a thumbnail, custom XML and revision ids; they are removed or replaced. Created
  and modified dates come from ``SOURCE_DATE_EPOCH`` or else from the report's year, and the
  zip entries carry the same date, so two runs give the same bytes.
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from udcntt._words import check_lang
from udcntt.report._i18n import t

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

__all__ = [
    "BODY_PT",
    "FONT",
    "HEADING_PT",
    "TABLE_PT",
    "TABLE_STYLE",
    "TITLE_PT",
    "clean_package",
    "fixed_time",
    "language_tag",
    "page_number_footer",
    "reproducible_zip",
    "setup_styles",
]

FONT = "Times New Roman"
BODY_PT = 13
HEADING_PT = 13
TITLE_PT = 14
TABLE_PT = 11
TABLE_STYLE = "Table Text"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
#: Relationship types of template parts a generated report does not need.
_DROP_PART_TYPES = ("/thumbnail", "/customXml", "/stylesWithEffects")
_APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>udcntt</Application>{company}</Properties>'
)


def language_tag(lang: str) -> str:
    """The BCP 47 tag of ``lang`` Word writes in ``w:lang``: ``vi-VN``, ``en-US``.

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    return check_lang(lang).replace("_", "-")


def _q(name: str) -> str:
    return f"{{{_W}}}{name}"


def _child(parent: Any, name: str) -> Any:
    """The ``w:name`` child of ``parent``, created (appended) when missing."""
    found = parent.find(_q(name))
    if found is None:
        found = parent.makeelement(_q(name), {})
        parent.append(found)
    return found


def _set_run_props(rpr: Any, lang_tag: str, size: float | None, bold: bool | None) -> None:
    """Times New Roman on every script, the language, and optionally size and weight."""
    fonts = rpr.find(_q("rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(_q("rFonts"), {})
        rpr.insert(0, fonts)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(_q(attr), None)
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(_q(attr), FONT)
    for name in ("color", "sz", "szCs", "b", "bCs", "i", "iCs", "caps", "spacing", "kern"):
        for old in rpr.findall(_q(name)):
            rpr.remove(old)
    if bold:
        rpr.append(rpr.makeelement(_q("b"), {}))
        rpr.append(rpr.makeelement(_q("bCs"), {}))
    if size is not None:
        half = str(round(size * 2))
        rpr.append(rpr.makeelement(_q("sz"), {_q("val"): half}))
        rpr.append(rpr.makeelement(_q("szCs"), {_q("val"): half}))
    lang = rpr.find(_q("lang"))
    if lang is None:
        lang = rpr.makeelement(_q("lang"), {})
        rpr.append(lang)
    lang.attrib.clear()
    lang.set(_q("val"), lang_tag)
    lang.set(_q("eastAsia"), lang_tag)
    lang.set(_q("bidi"), lang_tag)


def _paragraph_style(
    doc: DocumentObject,
    name: str,
    *,
    lang_tag: str,
    size: float,
    bold: bool = False,
    before: float = 0,
    after: float = 6,
    keep_next: bool = False,
    center: bool = False,
) -> Any:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    styles = doc.styles
    if name in [s.name for s in styles]:
        style = styles[name]
    else:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.quick_style = True
    _set_run_props(style.element.get_or_add_rPr(), lang_tag, size, bold)
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.keep_with_next = keep_next
    fmt.line_spacing = 1.0
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else None
    # The template's Title has a bottom border; headings have outline levels (kept).
    ppr = style.element.get_or_add_pPr()
    for border in ppr.findall(_q("pBdr")):
        ppr.remove(border)
    return style


def setup_styles(doc: DocumentObject, lang: str) -> None:
    """Fonts, sizes, spacing and language of every style the report uses (see module)."""
    tag = language_tag(lang)
    styles_el = doc.styles.element
    defaults = styles_el.find(_q("docDefaults"))
    if defaults is not None:
        rpr_default = _child(_child(defaults, "rPrDefault"), "rPr")
        _set_run_props(rpr_default, tag, BODY_PT, None)
    # Every other w:lang of the styles part speaks the document's language too.
    for lang_el in styles_el.iter(_q("lang")):
        lang_el.attrib.clear()
        lang_el.set(_q("val"), tag)
        lang_el.set(_q("eastAsia"), tag)
        lang_el.set(_q("bidi"), tag)
    for fonts in styles_el.iter(_q("rFonts")):
        for attr in _THEME_ATTRS:
            fonts.attrib.pop(_q(attr), None)
    # The template's theme colours (blue headings, grey quotes): an official text is black.
    # Its revision ids go too.
    for stale in [*styles_el.iter(_q("color")), *styles_el.iter(_q("rsid"))]:
        stale.getparent().remove(stale)
    for el in styles_el.iter():
        for attr in ("themeColor", "themeShade", "themeTint"):
            el.attrib.pop(_q(attr), None)
    _paragraph_style(doc, "Normal", lang_tag=tag, size=BODY_PT, after=6)
    _paragraph_style(
        doc, "Title", lang_tag=tag, size=TITLE_PT, bold=True, after=0, keep_next=True, center=True
    )
    _paragraph_style(
        doc, "Heading 1", lang_tag=tag, size=HEADING_PT, bold=True, before=12, keep_next=True
    )
    _paragraph_style(
        doc, "Heading 2", lang_tag=tag, size=HEADING_PT, bold=True, before=6, keep_next=True
    )
    _paragraph_style(doc, TABLE_STYLE, lang_tag=tag, size=TABLE_PT, after=0)


def _field(paragraph: Any, instruction: str, shown: str) -> None:
    """A complex field (``PAGE``, ``NUMPAGES``) with ``shown`` as its cached result."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None)):
        run = paragraph.add_run()
        if kind == "instr":
            el = run._r.makeelement(_q("instrText"), {})
            el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            el.text = f" {text} "
        else:
            el = run._r.makeelement(_q("fldChar"), {_q("fldCharType"): kind})
        run._r.append(el)
    paragraph.add_run(shown)
    end = paragraph.add_run()
    end._r.append(end._r.makeelement(_q("fldChar"), {_q("fldCharType"): "end"}))


def page_number_footer(section: Any, lang: str) -> None:
    """ "Trang X/Y" (``Page X of Y``) centred in ``section``'s footer, which the following
    sections inherit."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.text = ""
    paragraph.style = TABLE_STYLE
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(t(lang, "docx.page_before"))
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(t(lang, "docx.page_between"))
    _field(paragraph, "NUMPAGES", "1")


def fixed_time(year: int | None) -> datetime:
    """The report's created/modified time: ``SOURCE_DATE_EPOCH`` when set (reproducible
    builds), else 1 January of the report's year (as the workbook), else 1 January 1980
    (the zip epoch)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return max(datetime.fromtimestamp(int(epoch), tz=UTC), datetime(1980, 1, 1, tzinfo=UTC))
    if year is not None and 1980 <= year <= 9999:
        return datetime(year, 1, 1, tzinfo=UTC)
    return datetime(1980, 1, 1, tzinfo=UTC)


def clean_package(
    doc: DocumentObject,
    *,
    title: str,
    subject: str,
    author: str,
    keywords: str,
    lang: str,
    when: datetime,
) -> None:
    """Document properties of the report, none of the template's; template-only parts
    dropped; settings without revision ids or a claim that spelling was checked."""
    props = doc.core_properties
    props.title = title
    props.subject = subject
    props.author = author
    props.last_modified_by = author
    props.keywords = keywords
    props.comments = ""
    props.category = ""
    props.revision = 1
    props.language = language_tag(lang)
    naive = when.astimezone(UTC).replace(tzinfo=None)
    props.created = naive
    props.modified = naive
    package = doc.part.package
    for owner in (package, doc.part):
        for rid, rel in list(owner.rels.items()):
            if rel.reltype.endswith(_DROP_PART_TYPES):
                owner.rels.pop(rid)
    company = f"<Company>{escape(author)}</Company>" if author != "udcntt" else ""
    app_xml = _APP_XML.format(company=company).encode("utf-8")
    for part in package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = app_xml
    for el in doc.element.iter():
        for attr in [a for a in el.attrib if a.startswith(_q("rsid"))]:
            del el.attrib[attr]
    settings = doc.settings.element
    for name in ("proofState", "rsids", "attachedTemplate"):
        for old in settings.findall(_q(name)):
            settings.remove(old)
    for old in settings.findall("{http://schemas.microsoft.com/office/word/2010/wordml}docId"):
        settings.remove(old)
    for el in settings.findall(_q("themeFontLang")):
        el.attrib.clear()
        el.set(_q("val"), language_tag(lang))
    for el in settings.findall(_q("decimalSymbol")):
        el.set(_q("val"), t(lang, "docx.decimal_symbol"))
    for el in settings.findall(_q("listSeparator")):
        el.set(_q("val"), t(lang, "docx.list_separator"))


def reproducible_zip(data: bytes, when: datetime) -> bytes:
    """``data`` (a zip) rewritten with every entry dated ``when``, in the same order."""
    stamp = when.astimezone(UTC).timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info))
    return out.getvalue()
