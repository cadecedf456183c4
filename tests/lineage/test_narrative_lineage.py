"""The narrative across a reorganisation reads like an official report: per block one
sentence says how last year's ranks were made comparable (with the block's own counts),
the rank changes follow without repeating it, only the exceptions are marked, and long
lists are capped."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from tests.lineage.conftest import DemoRun

import udcntt
from udcntt.evaluation import AgencyResult
from udcntt.report import narrative, narrative_paragraphs
from udcntt.report._narrative_lineage import LabelPlan, change_items

DERIVED_VI = "là thứ hạng suy ra theo trung bình các đơn vị tiền thân"
DERIVED_EN = "are derived ranks (mean of predecessors), not the published ones"


@pytest.fixture(scope="module")
def demo_2025(demo_2025_run: DemoRun) -> udcntt.Assessment:
    """The results the demo wrote (the run is shared with test_example_2025)."""
    assert demo_2025_run.code == 0, demo_2025_run.err
    return udcntt.load_assessment(demo_2025_run.folder / "ket-qua-2025-gia-lap.json")


def _block_paragraphs(a: udcntt.Assessment, lang: str) -> dict[str, str]:
    paragraphs = narrative_paragraphs(a, lang=lang)
    labels = [a.block_labels[b] for b in a.blocks()]
    return {label: next(p for p in paragraphs if p.startswith(label)) for label in labels}


@pytest.mark.parametrize(("lang", "phrase"), [("vi", DERIVED_VI), ("en", DERIVED_EN)])
def test_each_block_says_once_how_last_year_was_made_comparable(
    demo_2025: udcntt.Assessment, lang: str, phrase: str
) -> None:
    text = narrative(demo_2025, lang=lang)
    # No per-name derived note, no province-wide counts repeated per block.
    assert "(so với giá trị năm trước suy ra" not in text
    assert "against a derived last-year value" not in text
    assert "132" not in text
    for block in demo_2025.blocks():
        label = demo_2025.block_labels[block]
        paragraph = _block_paragraphs(demo_2025, lang)[label]
        derived = sum(
            1 for r in demo_2025.ranking(block) if r.ranked and r.comparability == "derived:mean"
        )
        assert paragraph.count(phrase) == 1, label
        agencies = "cơ quan" if lang == "vi" else "agencies"
        assert f"{derived} {agencies}" in paragraph
    # The intro says once that last year was carried into this year's units, and synthetic.
    intro = narrative_paragraphs(demo_2025, lang=lang)[0]
    assert ("GIẢ LẬP" if lang == "vi" else "SYNTHETIC") in intro


def test_the_commune_block_counts_its_own_labels_and_marks_the_renamed(
    demo_2025: udcntt.Assessment,
) -> None:
    communes = [r for r in demo_2025.results if r.block == "xa_phuong"]
    paragraph = _block_paragraphs(demo_2025, "vi")[demo_2025.block_labels["xa_phuong"]]
    derived = sum(1 for r in communes if r.ranked and r.comparability == "derived:mean")
    renamed = [r for r in communes if r.comparability == "renamed"]
    assert (
        f"Thứ hạng năm 2024 của {derived} cơ quan {DERIVED_VI} (không phải thứ hạng đã công "
        f"bố); {len(renamed)} cơ quan đổi tên mang thứ hạng năm 2024 của đơn vị trước khi đổi "
        "tên; 1 cơ quan mới chưa có thứ hạng năm 2024 (Đặc khu Phú Quý)." in paragraph
    )
    for r in renamed:
        if r.rank_change:
            assert f"{r.name} (đổi tên) " in paragraph  # an exception: always named, marked
    # Long lists are capped: at most 10 prevailing names per list, the rest counted.
    assert re.search(r"và \d+ cơ quan khác tăng từ \d+ đến \d+ bậc\.", paragraph)
    assert re.search(r"\d+ cơ quan khác giảm từ \d+ đến \d+ bậc\.", paragraph)
    rises = paragraph.split("tăng bậc so với năm 2024 là: ")[1].split(". ")[0]
    named = [r for r in communes if r.name + " " in rises or r.name + "," in rises]
    assert len([r for r in named if r.comparability != "renamed"]) <= 10


def _result(i: int, change: int, label: str) -> AgencyResult:
    zero = Decimal(0)
    return AgencyResult(
        f"u{i}", f"Unit {i}", "b", True, {}, {}, {}, zero, zero, zero, zero, "t", "T",
        rank=i, previous_rank=i + change, rank_change=change, comparability=label,
    )  # fmt: skip


def test_change_lists_are_capped_and_exceptions_always_named() -> None:
    results = [_result(i, i % 7 + 1, "derived:mean") for i in range(30)]
    results.append(_result(99, 1, "renamed"))
    plan = LabelPlan(True, "derived:mean", {"derived:mean": 30, "renamed": 1})
    items = change_items(results, 1, plan, "vi", names=", ".join, cap=10)
    text = "; ".join(items)
    named = [r for r in results if re.search(rf"{r.name}\b", text)]
    assert len([r for r in named if r.comparability == "derived:mean"]) <= 10
    assert "Unit 99 (đổi tên) tăng 1 bậc" in text
    rest = items[-1]
    shown = len(named) - 1
    assert rest == f"{30 - shown} cơ quan khác tăng từ 1 đến {_smallest_named(results, text)} bậc"
    # Under the cap nothing is counted: every change is named.
    few = change_items(results[:5], 1, plan, "vi", names=", ".join, cap=10)
    assert all("khác" not in item for item in few)


def _smallest_named(results: list[AgencyResult], text: str) -> int:
    # The rest's span reaches the largest change not named.
    unnamed = [r for r in results if not re.search(rf"{r.name}\b", text)]
    return max(r.rank_change or 0 for r in unnamed)
