"""Helpers shared by the survey-data tests: a small rule set and a file writer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"

RULES: dict[str, Any] = {
    "id": "demo",
    "title": "Bộ chỉ số thử nghiệm",
    "blocks": {
        "so_nganh": {"label": "Khối sở, ban, ngành"},
        "huyen": {"label": "Khối UBND huyện"},
    },
    "indicators": {
        "staff_total": {"label": "Tổng số cán bộ", "type": "count", "unit": "người"},
        "staff_pc": {
            "label": "Số cán bộ có máy tính",
            "type": "count",
            "aliases": ["CB có máy tính"],
        },
        "pc_ratio": {"label": "Tỷ lệ máy tính", "type": "ratio"},
        "bandwidth": {
            "label": "Băng thông",
            "type": "number",
            "unit": "Mbps",
            "range": ["0", "10000"],
        },
        "portal": {"label": "Có cổng thông tin", "type": "bool", "evidence": "required"},
        "leader": {
            "label": "Lãnh đạo phụ trách",
            "type": "category",
            "categories": {"chu_tich": "Chủ tịch", "pho_chu_tich": "Phó Chủ tịch"},
        },
        "plan_date": {
            "label": "Ngày ban hành kế hoạch",
            "type": "date",
            "not_applicable": True,
        },
        "online_services": {
            "label": "Dịch vụ công trực tuyến",
            "type": "count",
            "blocks": ["huyen"],
            "not_applicable": True,
        },
    },
    "relations": ["staff_pc <= staff_total"],
    "criteria": [{"id": "c1", "label": "Hạ tầng", "max": "10", "points": "10 * pc_ratio"}],
    "tiers": {"levels": [{"id": "tot", "label": "Tốt", "min": "0"}]},
}


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` and return the path."""
    path.write_bytes(text.encode(encoding))
    return path


SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<workbook xmlns="{SHEET_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships"><sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="{target}"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def xml_row(number: int, cells: list[tuple[str, object]], extra: str = "") -> str:
    """A ``<row>`` of inline-string and number cells: ``[("A", "text"), ("B", 12)]``."""
    out = []
    for col, value in cells:
        ref = f"{col}{number}"
        if isinstance(value, str):
            out.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        else:
            out.append(f'<c r="{ref}"><v>{value}</v></c>')
    return f'<row r="{number}">{"".join(out)}{extra}</row>'


def hand_xlsx(
    path: Path,
    rows: str,
    *,
    after: str = "",
    shared: list[str] | None = None,
    sheet_name: str = "Data",
    target: str = "worksheets/sheet1.xml",
    compression: int = 8,
) -> Path:
    """A workbook written part by part with :mod:`zipfile`, for shapes Excel never makes.

    ``rows`` is the XML inside ``<sheetData>``; ``after`` follows it (merges, links).
    """
    import zipfile

    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{SHEET_NS}">'
        f"<sheetData>{rows}</sheetData>{after}</worksheet>"
    )
    items = "".join(f"<si><t>{s}</t></si>" for s in shared or [])
    strings = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{SHEET_NS}">{items}</sst>'
    with zipfile.ZipFile(path, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK.replace("{name}", sheet_name))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.replace("{target}", target))
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", strings)
    return path
