"""Benchmark: reading hostile XLSX shapes that stay within every size limit.

Each workbook is written part by part with :mod:`zipfile` (Excel never makes them) and read
with the XLSX reader alone, then with ``udcntt.read_survey``; both times and the outcome
(rows read, or the refusal's code) are printed. The shapes:

* ``empty-cells``: 1,000,000 empty formatted cells (``<c r="B7" s="1"/>``) in ~330 KB;
* ``far-column``: 50,000 rows whose only cell is at column 4,000 (EWV);
* ``unused-strings``: a shared-strings table of 1,400,000 texts that no cell uses;
* ``merges``: 200,000 merged ranges after the data;
* ``survey``: not hostile, for comparison: 20,000 rows of an id (a shared string) and
  eight numbers.

Run it against another checkout to compare (the figures in the performance page come from
this script)::

    python benchmarks/bench_xlsx_hostile.py
    PYTHONPATH=/path/to/old/src python benchmarks/bench_xlsx_hostile.py

Usage: python benchmarks/bench_xlsx_hostile.py [--shape NAME] [--scale 1.0]
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
import zipfile
from pathlib import Path

import udcntt
from udcntt.data import Limits
from udcntt.data._xlsx import read_xlsx
from udcntt.errors import DataError

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
RULES = {
    "id": "bench",
    "title": "Hostile workbooks",
    "blocks": {"so": {"label": "Sở"}},
    "indicators": {"staff_total": {"label": "Tổng số cán bộ", "type": "count"}},
    "criteria": [{"id": "c1", "label": "C1", "max": "10", "points": "10"}],
    "tiers": {"levels": [{"id": "tot", "label": "Tốt", "min": "0"}]},
}
HEAD = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>staff_total</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c><c r="B2"><v>5</v></c></row>'
)


def _column(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _write(path: Path, rows: str, after: str = "", strings: int = 0, used: int = 0) -> Path:
    sheet = f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>{HEAD}{rows}</sheetData>'
    sheet += f"{after}</worksheet>"
    sst = (
        f'<?xml version="1.0"?><sst xmlns="{NS}">'
        + "".join(f"<si><t>{'a' if i < used else ''}{i}</t></si>" for i in range(strings))
        + "</sst>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types xmlns="{PKG}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/sharedStrings'
            '.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sharedStrings+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{PKG}/relationships"><Relationship '
            f'Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{NS}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", sst)
    return path


def build(shape: str, folder: Path, scale: float) -> Path:
    """Write the workbook of one shape."""
    path = folder / f"{shape}.xlsx"
    if shape == "empty-cells":
        rows, cols = int(10_000 * scale), 100
        letters = [_column(c) for c in range(3, 3 + cols)]
        body = "".join(
            f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="1"/>' for c in letters) + "</row>"
            for r in range(3, 3 + rows)
        )
        return _write(path, body)
    if shape == "far-column":
        body = "".join(
            f'<row r="{r}"><c r="EWV{r}"><v>1</v></c></row>'
            for r in range(3, 3 + int(50_000 * scale))
        )
        return _write(path, body)
    if shape == "unused-strings":
        return _write(path, "", strings=int(1_400_000 * scale))
    if shape == "merges":
        merges = "".join(
            f'<mergeCell ref="C{r}:D{r}"/>' for r in range(3, 3 + int(200_000 * scale))
        )
        return _write(path, "", after=f"<mergeCells>{merges}</mergeCells>")
    if shape == "survey":
        count = int(20_000 * scale)
        body = "".join(
            f'<row r="{r}"><c r="A{r}" t="s"><v>{r - 3}</v></c>'
            + "".join(f'<c r="{c}{r}"><v>{r % 97}</v></c>' for c in "BCDEFGHI")
            + "</row>"
            for r in range(3, 3 + count)
        )
        return _write(path, body, strings=count, used=count)
    raise SystemExit(f"unknown shape {shape!r}")


def main() -> None:
    """Build each shape, read it, print the time and the outcome."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", action="append")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    rules = udcntt.RuleSet.model_validate(RULES)
    shapes = args.shape or ["empty-cells", "far-column", "unused-strings", "merges", "survey"]
    with tempfile.TemporaryDirectory() as tmp:
        for shape in shapes:
            path = build(shape, Path(tmp), args.scale)
            start = time.perf_counter()
            with contextlib.suppress(DataError):
                read_xlsx(path, sheet=None, limits=Limits())
            reader = time.perf_counter() - start
            start = time.perf_counter()
            try:
                data = udcntt.read_survey(path, rules, policy="lenient")
                outcome = f"read {data.rows_read} rows"
            except DataError as exc:
                outcome = f"refused {exc.code}"
            elapsed = time.perf_counter() - start
            size = path.stat().st_size
            print(
                f"{shape:<15} {size / 1e3:>9,.0f} KB  reader {reader:>6.2f} s  "
                f"read_survey {elapsed:>6.2f} s  {outcome}"
            )


if __name__ == "__main__":
    main()
