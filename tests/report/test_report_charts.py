"""The HTML report's charts: the ones readers expect, accessible, legible, fitting a phone.

Checked on the page text (the rendered checks are in test_report_browser.py): which charts
there are, their names and descriptions, labelled thresholds, the contrast of every colour
(computed here from the palette, WCAG's formula), positions that fit any width, and the
data builders a DOCX or XLSX writer can draw the same figures from.
"""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest

import udcntt

pytest.importorskip("jinja2")

from udcntt.report import assessment_to_html
from udcntt.report._charts import (
    AXIS,
    DOWN,
    FLAT,
    GROUP_COLOURS,
    HEAT_COLOURS,
    HEAT_TEXT,
    INK,
    TIER_COLOURS,
    UP,
    score_chart,
)
from udcntt.report._charts_data import (
    agency_group_shares,
    block_group_means,
    distribution,
    group_columns,
    group_split,
    quartiles,
    slope_rows,
    strengths,
)
from udcntt.report._charts_groups import heat_colour
from udcntt.report._charts_rank import rank_change_chart
from udcntt.report._tables import block_views

WHITE = "#ffffff"
HEADER = ("#0d47a1", "#1565c0")  # the report header's gradient


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


class _Svg(HTMLParser):
    """The charts of a page: each svg.chart's attributes, child elements and texts."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: list[dict[str, object]] = []
        self._in: dict[str, object] | None = None
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "svg" and a.get("class", "").startswith("chart "):
            self._in = {"attrs": a, "elements": [], "title": "", "desc": "", "texts": []}
            self.charts.append(self._in)
        elif self._in is not None:
            elements = self._in["elements"]
            assert isinstance(elements, list)
            elements.append((tag, a))
        self._tag = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is None:
            return
        if self._tag in ("title", "desc"):
            self._in[self._tag] = str(self._in[self._tag]) + data
        elif self._tag == "text":
            texts = self._in["texts"]
            assert isinstance(texts, list)
            texts.append(data)


def _charts(html: str) -> list[dict[str, object]]:
    parser = _Svg()
    parser.feed(html)
    return parser.charts


def _kind(chart: dict[str, object]) -> str:
    attrs = chart["attrs"]
    assert isinstance(attrs, dict)
    return str(attrs["class"]).split()[1]


@pytest.fixture(scope="module")
def lam_dong_html(lam_dong: udcntt.Assessment) -> str:
    return assessment_to_html(lam_dong)


def test_the_charts_readers_expect(lam_dong_html: str) -> None:
    """Slope and rank-change charts where ranks moved, the distribution of totals, the
    heatmaps (block means and per agency), the split by group, and each agency's strengths."""
    kinds = [_kind(c) for c in _charts(lam_dong_html)]
    assert kinds.count("scores") == 3
    assert kinds.count("distribution") == 1
    assert kinds.count("heatmap") == 1 + 3
    assert kinds.count("split") == 3
    assert kinds.count("strengths") == 43
    # The cơ quan khác block kept every rank: no slope or change chart, a line says so.
    assert kinds.count("slope") == 2
    assert kinds.count("changes") == 2
    assert "Thứ hạng của các cơ quan trong khối không thay đổi." in lam_dong_html


def test_every_chart_is_a_described_image(lam_dong_html: str) -> None:
    """role="img" with a <title> and a <desc> that states the chart's numbers as text."""
    charts = _charts(lam_dong_html)
    for chart in charts:
        attrs = chart["attrs"]
        assert isinstance(attrs, dict)
        assert attrs["role"] == "img"
        assert str(chart["title"]).strip()
        assert len(str(chart["desc"])) > 20
    scores = next(c for c in charts if _kind(c) == "scores")
    assert "Sở Tài chính 90,40 (90,4%, Tốt)" in str(scores["desc"])
    slope = next(c for c in charts if _kind(c) == "slope")
    assert "Sở Công Thương: 9 → 5" in str(slope["desc"])
    heat = next(c for c in charts if _kind(c) == "heatmap")
    assert "Khối các cơ quan, đơn vị khác:" in str(heat["desc"])
    # Each block's agency heatmap starts with the block's mean.
    per_agency = [c for c in charts if _kind(c) == "heatmap"][1:]
    assert all(
        str(c["desc"]).startswith("Tỷ lệ điểm theo nhóm tiêu chí. Trung bình khối:")
        for c in per_agency
    )
    # Block-level figures carry their data as a table too.
    assert lam_dong_html.count('<table class="chart-data">') == 2


def test_threshold_lines_are_labelled(lam_dong_html: str) -> None:
    """Each tier threshold is written beside its line, and in the caption."""
    for chart in _charts(lam_dong_html):
        if _kind(chart) in ("scores", "distribution"):
            texts = chart["texts"]
            assert isinstance(texts, list)
            assert "Tốt ≥ 80%" in texts
            assert "Khá ≥ 65%" in texts
    assert "Ngưỡng xếp loại: Tốt ≥ 80%, Khá ≥ 65%" in lam_dong_html


def test_colours_have_three_to_one_contrast() -> None:
    """Every colour of the palette is at least 3:1 against its background, text 4.5:1."""
    for colour in (*TIER_COLOURS, UP, DOWN, FLAT, AXIS, *GROUP_COLOURS):
        assert contrast(colour, WHITE) >= 3, colour
    # White text on a tier badge; the header pills are white on the blue header.
    for colour in TIER_COLOURS:
        assert contrast(WHITE, colour) >= 4.5, colour
    for colour in HEADER:
        assert contrast(WHITE, colour) >= 3
    # Text written in a heatmap cell, and the ink on the page.
    for fill, ink in zip(HEAT_COLOURS, HEAT_TEXT, strict=True):
        assert contrast(fill, ink) >= 4.5, fill
    assert contrast(INK, WHITE) >= 4.5


def test_the_page_uses_only_the_palette(lam_dong_html: str) -> None:
    """Every coloured mark drawn on the page's white meets 3:1; the old amber is gone."""
    assert "#f9a825" not in lam_dong_html.lower()
    heat = set(HEAT_COLOURS)
    for chart in _charts(lam_dong_html):
        elements = chart["elements"]
        assert isinstance(elements, list)
        for tag, attrs in elements:
            fill = attrs.get("fill", "")
            if tag in ("rect", "circle", "text") and fill.startswith("#") and fill != WHITE:
                if tag == "rect" and fill in heat:
                    continue  # a heatmap cell: its text carries the value (checked above)
                if tag == "text" and _kind(chart) == "heatmap":
                    continue  # text on a heatmap cell, checked against the cell's colour
                assert contrast(fill, WHITE) >= 3, (_kind(chart), tag, fill)
            stroke = attrs.get("stroke", "")
            if tag == "line" and stroke.startswith("#"):
                assert contrast(stroke, WHITE) >= 3, (_kind(chart), stroke)
    # The tier colours reach the CSS from the palette: badges, pills and legend agree.
    for index, colour in enumerate(TIER_COLOURS):
        assert f"--t{index}: {colour};" in lam_dong_html
    pill = re.search(r"\.pill \{[^}]*\}", lam_dong_html)
    assert pill is not None
    assert "background: #fff;" in pill.group(0)


def test_charts_fit_any_width(lam_dong_html: str) -> None:
    """No chart has a fixed pixel width: horizontal positions are percentages within the
    chart, so nothing is drawn off to the right of a phone (rises included)."""
    assert "min-width: 560px" not in lam_dong_html
    for chart in _charts(lam_dong_html):
        attrs = chart["attrs"]
        assert isinstance(attrs, dict)
        assert attrs["width"] == "100%"
        assert "viewBox" not in attrs and "viewbox" not in attrs
        elements = chart["elements"]
        assert isinstance(elements, list)
        for tag, a in elements:
            if tag not in ("rect", "line", "text", "circle"):
                continue
            keys = {"rect": ("x", "width"), "line": ("x1", "x2"), "text": ("x",), "circle": ("cx",)}
            values = {k: a.get(k, "0") for k in keys[tag]}
            for key, value in values.items():
                assert value == "0" or value.endswith("%"), (_kind(chart), tag, key, value)
            if tag == "rect":
                right = float(values["x"].rstrip("%")) + float(values["width"].rstrip("%"))
                assert right <= 100.0001, (_kind(chart), values)


def test_rank_change_beside_the_badge_is_labelled(lam_dong_html: str) -> None:
    """The agency details say what the number beside the tier badge is."""
    assert "Thứ hạng so với năm 2016: tăng 4 bậc (+4)" in lam_dong_html
    assert "Thứ hạng so với năm 2016: giữ nguyên (0)" in lam_dong_html
    assert re.search(r'<span class="muted">[+−]?\d+</span></summary>', lam_dong_html) is None


def test_first_year_has_no_slope_chart(first_year: udcntt.Assessment) -> None:
    """Without a previous year: no slope or change chart, the other charts are there."""
    kinds = [_kind(c) for c in _charts(assessment_to_html(first_year))]
    assert "slope" not in kinds
    assert "changes" not in kinds
    assert {"scores", "distribution", "heatmap", "split", "strengths"} <= set(kinds)


def test_english_charts(small: udcntt.Assessment) -> None:
    """The chart words follow the report's language; survey text stays as written."""
    html = assessment_to_html(small, lang="en")
    assert "Distribution of totals by block" in html
    assert "Strengths and weaknesses against the block mean" in html
    assert "Rank compared with 2016: up 2 (+2)" in html
    assert "Rank compared with 2016: down 2 (−2)" in html
    assert "Tốt ≥ 80%" in html  # tier labels are the province's own


def test_charts_are_deterministic(small_factory: object) -> None:
    """Two scorings of the same survey draw byte-identical charts."""
    assert callable(small_factory)
    assert assessment_to_html(small_factory()) == assessment_to_html(small_factory())


def test_fixed_width_for_images(small: udcntt.Assessment) -> None:
    """A writer that needs an image of a known size asks for one."""
    view = block_views(small)[0]
    svg = rank_change_chart(view.results, lang="vi", label="x", width=640)
    assert svg is not None
    assert 'width="640"' in svg
    bars = score_chart(view.results, {}, [], places=2, lang="vi", label="x", width=800)
    assert 'width="800"' in bars


def test_quartiles() -> None:
    """Five-number summary with linear interpolation; an empty list is refused."""
    assert quartiles([Decimal(5)]) == (Decimal(5),) * 5
    low, q1, median, q3, high = quartiles([Decimal(v) for v in (10, 40, 20, 30)])
    assert (low, q1, median, q3, high) == (
        Decimal(10),
        Decimal("17.5"),
        Decimal(25),
        Decimal("32.5"),
        Decimal(40),
    )
    with pytest.raises(ValueError, match="no values"):
        quartiles([])


def test_data_builders_agree_with_the_results(lam_dong: udcntt.Assessment) -> None:
    """The chart data come from the published points: group splits add up to the groups'
    points, means are means, strengths average to zero over a block."""
    views = block_views(lam_dong)
    columns = group_columns(views)
    assert [c.id for c in columns][:5] == [
        "ha_tang",
        "nhan_luc",
        "ung_dung_quan_ly",
        "trang_ttdt",
        "dich_vu_cong",
    ]
    assert len(columns) == 6
    means = dict(block_group_means(views, columns))
    # The cơ quan khác block has no online services group.
    assert means["Khối các cơ quan, đơn vị khác"][4] is None
    for view in views:
        dist = distribution(view, lam_dong)
        assert dist is not None
        assert dist.lowest <= dist.q1 <= dist.median <= dist.q3 <= dist.highest
        assert len(dist.shares) == len(view.results)
        for row, result in zip(group_split(view), view.results, strict=True):
            groups = sum(
                (result.criteria[g.id].points or Decimal(0) for g in view.groups), Decimal(0)
            )
            assert sum((p or Decimal(0) for p in row.parts), Decimal(0)) == groups
        shares = agency_group_shares(view)
        mean_row = means[view.label]
        for index, group in enumerate(view.groups):
            column = [c.id for c in columns].index(group.id)
            values = [s[index] for _, s in shares if s[index] is not None]
            expected = sum(values, Decimal(0)) / len(values)
            assert mean_row[column] == expected
        by_agency = strengths(view)
        for index in range(len(view.groups)):
            diffs = [items[index].difference for items in by_agency.values()]
            known = [d for d in diffs if d is not None]
            assert abs(sum(known, Decimal(0))) < Decimal("1e-20")
        rows = slope_rows(view, lam_dong)
        assert [r.rank for r in rows] == [r.rank for r in view.results]


def test_heat_colour_by_fifths() -> None:
    """Shares map to five steps, light to dark, with the text colour for each."""
    assert heat_colour(Decimal(0)) == (HEAT_COLOURS[0], HEAT_TEXT[0])
    assert heat_colour(Decimal("0.79")) == (HEAT_COLOURS[3], HEAT_TEXT[3])
    assert heat_colour(Decimal(1)) == (HEAT_COLOURS[4], HEAT_TEXT[4])


def test_large_blocks_have_no_chart_per_agency(
    small: udcntt.Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above CHART_ROWS agencies a block gets a line instead of metre-long charts; the
    distribution, block means and each agency's strengths are still drawn."""
    from udcntt.report import _charts_context

    monkeypatch.setattr(_charts_context, "CHART_ROWS", 3)
    html = assessment_to_html(small)
    kinds = [_kind(c) for c in _charts(html)]
    # Khối sở has 4 agencies (over the limit), khối huyện 3.
    assert kinds.count("scores") == 1
    assert kinds.count("split") == 1
    assert kinds.count("heatmap") == 1 + 1
    assert kinds.count("distribution") == 1
    assert kinds.count("strengths") == 7
    assert "Khối có 4 đơn vị: biểu đồ theo từng đơn vị chỉ vẽ cho khối có không quá 3" in html


def test_crowded_dots_stay_in_their_band() -> None:
    """Many agencies with the same share overlap inside their band, not across the next."""
    from udcntt.report._charts_data import Distribution
    from udcntt.report._charts_spread import distribution_chart

    same = Decimal("0.5")
    dist = Distribution("b", "B", ((same, 0),) * 200, same, same, same, same, same, same)
    svg = distribution_chart([dist], [], lang="vi", label="x")
    heights = {float(y) for y in re.findall(r'<circle [^>]*cy="([\d.]+)"', svg)}
    assert len(re.findall("<circle ", svg)) == 200
    assert max(heights) - min(heights) <= 28


def test_a_rule_set_without_groups_draws_no_group_charts(small: udcntt.Assessment) -> None:
    """Without criteria groups (a flat tree) there is nothing to split or map: the page has
    the other charts and no empty heatmap."""
    from dataclasses import replace

    html = assessment_to_html(replace(small, criteria_tree={}))
    kinds = [_kind(c) for c in _charts(html)]
    assert "heatmap" not in kinds
    assert "split" not in kinds
    assert {"scores", "distribution", "slope", "changes"} <= set(kinds)
