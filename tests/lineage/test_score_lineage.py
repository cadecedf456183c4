"""``udcntt score --lineage``: rank changes across a reorganisation, labelled in every format."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from udcntt.cli import main

ROOT = Path(__file__).resolve().parents[2]
RULES = str(ROOT / "rules" / "dti-922-province.yaml")
INDICES = (
    "nhan_thuc_so",
    "the_che_so",
    "ha_tang_so",
    "nhan_luc_so",
    "an_toan_thong_tin_mang",
    "hoat_dong_chinh_quyen_so",
    "hoat_dong_kinh_te_so",
    "hoat_dong_xa_hoi_so",
)
LINEAGE = """\
title: Synthetic regrouping
synthetic: true
units:
  - {id: a, name: Tỉnh A, block: tinh}
  - {id: b, name: Tỉnh B, block: tinh}
  - {id: c, name: Tỉnh C, block: tinh}
  - {id: d, name: Tỉnh D, block: tinh}
  - {id: e, name: Tỉnh E, block: tinh}
events:
  - {date: 2025-07-01, kind: merge, from: [a, b], to: {id: ab, name: Tỉnh AB}, basis: Nghị quyết 202/2025/QH15}
  - {date: 2025-07-01, kind: rename, from: c, to: {id: c2, name: Tỉnh C mới}, basis: Nghị quyết 202/2025/QH15}
baseline: {total: mean, levels: {2: mean}}
"""


def _survey(path: Path, units: list[tuple[str, str]], seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as f:
        # Written the Vietnamese way: ';' between fields, a decimal comma (locale vi-VN).
        w = csv.writer(f, delimiter=";")
        w.writerow(["agency_id", "name", "block", "do_thi_thong_minh", *INDICES])
        for uid, name in units:
            values = (f"{rng.randint(4000, 9500) / 10000:.4f}".replace(".", ",") for _ in INDICES)
            w.writerow([uid, name, "tinh", "", *values])


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    old = tmp_path / "2024.csv"
    new = tmp_path / "2025.csv"
    _survey(old, [(u, f"Tỉnh {u.upper()}") for u in "abcde"], 1)
    _survey(
        new,
        [
            ("ab", "Tỉnh AB"),
            ("c2", "Tỉnh C mới"),
            ("d", "Tỉnh D"),
            ("e", "Tỉnh E"),
            ("f", "Tỉnh F"),
        ],
        2,
    )
    lineage = tmp_path / "lineage.yaml"
    lineage.write_text(
        LINEAGE.replace(
            "events:",
            "events:\n  - {date: 2025-07-01, kind: create, to: {id: f, name: Tỉnh F, block: tinh}, basis: Quyết định 1}",
        ),
        encoding="utf-8",
    )
    return {"old": old, "new": new, "lineage": lineage, "dir": tmp_path}


def test_every_rank_change_has_a_label_in_every_format(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = files["dir"]
    outputs = [str(out / f"r.{ext}") for ext in ("json", "csv", "md", "html", "xlsx", "docx")]
    args = [
        "score",
        RULES,
        str(files["new"]),
        "--year",
        "2025",
        "--previous",
        str(files["old"]),
        "--lineage",
        str(files["lineage"]),
    ]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert (
        "Tính so sánh của thứ hạng: so sánh được: 2, suy ra (trung bình các đơn vị tiền thân): 1, "
        "đơn vị mới: 1, đổi tên: 1" in text
    )
    assert "GIẢ LẬP" in text
    assert main([*args, *(x for o in outputs for x in ("-o", o))]) == 0
    capsys.readouterr()
    data = json.loads((out / "r.json").read_text(encoding="utf-8"))
    labels = {r["agency_id"]: r["comparability"] for r in data["results"]}
    assert labels == {
        "ab": "derived:mean",
        "c2": "renamed",
        "d": "comparable",
        "e": "comparable",
        "f": "new",
    }
    assert data["comparison"]["label_counts"] == {
        "comparable": 2,
        "derived:mean": 1,
        "new": 1,
        "renamed": 1,
    }
    assert data["comparison"]["previous_synthetic"] is True
    assert data["comparison"]["baseline"]["units"]["ab"]["from"] == [
        {"id": "a", "share": "1"},
        {"id": "b", "share": "1"},
    ]
    with (out / "r.csv").open(encoding="utf-8-sig") as f:  # CSV has a BOM by default
        rows = {r["agency_id"]: r for r in csv.DictReader(f)}
    assert rows["ab"]["comparability"] == "derived:mean" and rows["f"]["comparability"] == "new"
    md = (out / "r.md").read_text(encoding="utf-8")
    assert "So sánh với năm trước" in md and "suy ra (trung bình các đơn vị tiền thân)" in md
    html = (out / "r.html").read_text(encoding="utf-8")
    assert "đơn vị mới" in html and "đổi tên" in html
    from docx import Document
    from openpyxl import load_workbook

    doc = Document(str(out / "r.docx"))
    assert any("suy ra" in cell.text for t in doc.tables for row in t.rows for cell in row.cells)
    book = load_workbook(out / "r.xlsx")
    assert any("suy ra" in str(c.value) for ws in book for row in ws.iter_rows() for c in row)
    # The narrative qualifies a derived rank change.
    derived = next(r for r in data["results"] if r["agency_id"] == "ab")
    if derived["rank_change"]:
        assert "(so với giá trị năm trước suy ra: trung bình các đơn vị tiền thân)" in md
    # The JSON reads back with its labels.
    assert main(["report", str(out / "r.json"), "-o", str(out / "again.csv")]) == 0
    with (out / "again.csv").open(encoding="utf-8-sig") as f:
        assert {r["agency_id"]: r["comparability"] for r in csv.DictReader(f)} == labels


def test_narrative_never_writes_a_bare_rank_change_for_a_derived_unit(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    import udcntt
    from udcntt.evaluation import comparability_note, compare_with_lineage
    from udcntt.lineage import load_lineage
    from udcntt.report import narrative

    rules = udcntt.load_rules(RULES)
    old = udcntt.evaluate(rules, udcntt.read_survey(files["old"], rules, year=2024))
    new = udcntt.evaluate(rules, udcntt.read_survey(files["new"], rules, year=2025))
    both = compare_with_lineage(new, old, load_lineage(files["lineage"]))
    derived = [
        r for r in both.results if r.rank_change and (r.comparability or "").startswith("derived")
    ]
    assert derived
    for lang in ("vi", "en"):
        text = narrative(both, lang=lang)
        for r in derived:
            assert r.name + comparability_note(r.comparability, lang) in text
        for word in ("tăng", "giảm"):
            assert all(f"{r.name} {word}" not in text for r in derived)


def test_a_block_of_comparable_units_marks_its_derived_and_renamed_exceptions(
    files: dict[str, Path],
) -> None:
    import udcntt
    from udcntt.evaluation import compare_with_lineage
    from udcntt.lineage import load_lineage
    from udcntt.report import narrative

    rules = udcntt.load_rules(RULES)
    old = udcntt.evaluate(rules, udcntt.read_survey(files["old"], rules, year=2024))
    new = udcntt.evaluate(rules, udcntt.read_survey(files["new"], rules, year=2025))
    both = compare_with_lineage(new, old, load_lineage(files["lineage"]))
    text = narrative(both, lang="vi")
    assert (
        "Thứ hạng năm 2024 của 2 cơ quan được so sánh trực tiếp (cùng đơn vị, cùng bộ tiêu chí); "
        "1 cơ quan đổi tên mang thứ hạng năm 2024 của đơn vị trước khi đổi tên; "
        "thứ hạng năm 2024 của 1 cơ quan là thứ hạng suy ra theo trung bình các đơn vị tiền thân "
        "(không phải thứ hạng đã công bố); 1 cơ quan mới chưa có thứ hạng năm 2024 (Tỉnh F)."
        in text
    )
    assert "Chưa có thứ hạng năm 2024 để so sánh" not in text  # the new unit is named once
    marks = {
        "ab": " (so với giá trị năm trước suy ra: trung bình các đơn vị tiền thân)",
        "c2": " (đổi tên)",
    }
    for r in both.results:
        if r.rank_change:
            # Only the exceptions to the block's prevailing label (comparable) are marked.
            assert f"{r.name}{marks.get(r.agency_id, '')} " in text
            if r.agency_id not in marks:
                assert f"{r.name} (" not in text
    en = narrative(both, lang="en")
    assert "2 agencies are compared directly with their own ranks in 2024" in en
    assert "Tỉnh C mới (renamed)" in en or not both.by_id("c2").rank_change


def test_a_previous_survey_the_lineage_does_not_cover_is_an_error(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    stray = files["dir"] / "stray.csv"
    _survey(stray, [("a", "Tỉnh A"), ("zz", "Tỉnh ZZ")], 3)
    code = main(
        [
            "--lang",
            "en",
            "score",
            RULES,
            str(files["new"]),
            "--year",
            "2025",
            "--previous",
            str(stray),
            "--lineage",
            str(files["lineage"]),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "E-LINEAGE-UNCOVERED" in err and "'zz'" in err and "previous year's results" in err
    assert "stray.csv:row 3: error[E-LINEAGE-UNCOVERED]" in err  # at last year's row


def test_lineage_without_previous_or_view_is_a_usage_error(files: dict[str, Path]) -> None:
    assert main(["score", RULES, str(files["new"]), "--lineage", str(files["lineage"])]) == 2


def test_two_views_of_one_year(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """The 2024 survey (old units) ranked in the old structure and in the new one."""
    out = files["dir"]
    assert (
        main(
            [
                "--lang",
                "en",
                "score",
                RULES,
                str(files["old"]),
                "--year",
                "2024",
                "--lineage",
                str(files["lineage"]),
                "--view",
                "both",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "the same year in the new structure of units" in text
    assert "← " in text and "derived (mean of predecessors)" in text
    assert (
        main(
            [
                "score",
                RULES,
                str(files["old"]),
                "--year",
                "2024",
                "--lineage",
                str(files["lineage"]),
                "--view",
                "both",
                "-o",
                str(out / "v.json"),
            ]
        )
        == 0
    )
    # v.json: the year as scored with both rankings ("views"); v-new.json: the new view.
    old = json.loads((out / "v.json").read_text(encoding="utf-8"))
    new = json.loads((out / "v-new.json").read_text(encoding="utf-8"))
    assert not (out / "v-old.json").exists()
    views = old["views"]
    assert [r["agency_id"] for r in views["new"]] == [
        r["agency_id"] for r in sorted(new["results"], key=lambda r: r["rank"])
    ]
    assert sorted(r["agency_id"] for r in views["old"]) == ["a", "b", "c", "d", "e"]
    assert views["links"]["ab"] == [{"id": "a", "share": "1"}, {"id": "b", "share": "1"}]
    assert views["links"]["c2"] == [{"id": "c", "share": "1"}]
    assert views["at"] == "2025-07-01"
    assert sorted(r["agency_id"] for r in old["results"]) == ["a", "b", "c", "d", "e"]
    assert sorted(r["agency_id"] for r in new["results"]) == ["ab", "c2", "d", "e"]
    shares = {r["agency_id"]: float(r["share"]) for r in old["results"]}
    ab = next(r for r in new["results"] if r["agency_id"] == "ab")
    assert abs(float(ab["share"]) - (shares["a"] + shares["b"]) / 2) < 0.00006
    assert sorted(r["rank"] for r in new["results"]) == [1, 2, 3, 4]


def _both(files: dict[str, Path], out: Path, *lang: str) -> int:
    return main(
        [
            *lang,
            "score",
            RULES,
            str(files["old"]),
            "--year",
            "2024",
            "--lineage",
            str(files["lineage"]),
            "--view",
            "both",
            "-o",
            str(out),
        ]
    )


def _html_rows(page: str) -> list[list[str]]:
    """The text of each row of the side-by-side tables of an HTML page."""
    from html.parser import HTMLParser

    section = page.split('<section id="hai-cach-xep-hang">', 1)[1].split("</section>", 1)[0]

    class Rows(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag: str) -> None:
            if tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append("".join(self.cell).strip())
                self.cell = None

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    parser = Rows()
    parser.feed(section)
    return parser.rows


def test_both_views_side_by_side_in_html_xlsx_and_markdown(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """One report shows both rankings, each new unit beside its predecessors (the lineage)."""
    out = files["dir"]
    for ext in ("html", "xlsx", "md"):
        assert _both(files, out / f"v.{ext}") == 0
        assert (out / f"v-new.{ext}").is_file() and not (out / f"v-old.{ext}").exists()
    capsys.readouterr()
    data_out = out / "v.json"
    assert _both(files, data_out) == 0
    views = json.loads(data_out.read_text(encoding="utf-8"))["views"]
    old = {r["agency_id"]: r for r in views["old"]}
    new = {r["agency_id"]: r for r in views["new"]}

    page = (out / "v.html").read_text(encoding="utf-8")
    assert 'href="#hai-cach-xep-hang"' in page
    rows = _html_rows(page)
    assert rows[0][:2] == ["Hạng (cơ cấu mới)", "Đơn vị (cơ cấu mới)"]
    # The merged unit spans two lines, one per predecessor, with their old ranks and totals.
    ab = next(i for i, row in enumerate(rows) if len(row) == 8 and row[1] == "Tỉnh AB")
    assert rows[ab][0] == str(new["ab"]["rank"])
    assert rows[ab][4] == "suy ra (trung bình các đơn vị tiền thân)"
    assert rows[ab][5:7] == [str(old["a"]["rank"]), "Tỉnh A (a)"]
    assert rows[ab + 1][:2] == [str(old["b"]["rank"]), "Tỉnh B (b)"]
    assert 'rowspan="2"' in page
    renamed = next(row for row in rows if len(row) == 8 and row[1] == "Tỉnh C mới")
    assert renamed[4] == "đổi tên" and renamed[6] == "Tỉnh C (c)"

    from openpyxl import load_workbook

    book = load_workbook(out / "v.xlsx")
    assert "Hai cách xếp hạng" in book.sheetnames
    sheet = book["Hai cách xếp hạng"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    line = next(i for i, row in enumerate(values) if row[1] == "Tỉnh AB")
    assert values[line][0] == new["ab"]["rank"] and values[line][6] == "Tỉnh A (a)"
    assert values[line + 1][1] in (None, "") and values[line + 1][6] == "Tỉnh B (b)"

    md = (out / "v.md").read_text(encoding="utf-8")
    assert "## Hai cách xếp hạng" in md
    assert "| Tỉnh A (a) |" in md and "| Tỉnh B (b) |" in md
    assert "| Tỉnh C mới | " in md

    # English words, and a format without a side-by-side table keeps the year as scored.
    assert _both(files, out / "en.md", "--lang", "en") == 0
    assert "## Two rankings" in (out / "en.md").read_text(encoding="utf-8")
    assert _both(files, out / "v.csv") == 0
    assert (out / "v.csv").is_file() and (out / "v-new.csv").is_file()


@pytest.mark.browser
def test_both_views_section_in_chromium(files: dict[str, Path], tmp_path: Path) -> None:
    """The side-by-side section as a reader's browser renders it: the merged unit's cells
    span its predecessors' lines, the console is clean; screenshot saved."""
    from browser import chromium_or_skip, console_lines, run

    chromium = chromium_or_skip()
    page = files["dir"] / "v.html"
    assert _both(files, page) == 0
    artifacts = ROOT / "tests" / "artifacts"
    artifacts.mkdir(exist_ok=True)
    shot = artifacts / "report-two-views.png"
    shot.unlink(missing_ok=True)
    done = run(chromium, tmp_path, page.as_uri(), "--dump-dom", "--window-size=1280,3000")
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_lines(done.stderr) == []
    rows = _html_rows(done.stdout)
    units = [row for row in rows[1:] if len(row) == 8]  # rows[0]: the headings
    assert sorted(row[1] for row in units) == ["Tỉnh AB", "Tỉnh C mới", "Tỉnh D", "Tỉnh E"]
    assert [row[0] for row in units] == ["1", "2", "3", "4"]
    ab = next(i for i, row in enumerate(rows) if len(row) == 8 and row[1] == "Tỉnh AB")
    assert len(rows[ab + 1]) == 3  # the second predecessor's line: rank, name, total
    run(chromium, tmp_path, page.as_uri(), f"--screenshot={shot}", "--window-size=1280,3000")
    assert shot.is_file() and shot.stat().st_size > 20_000
