"""The HTML page, checked as text: self-contained, escaped, responsive, printable."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import udcntt

pytest.importorskip("jinja2")

from udcntt.report import assessment_to_html

INJECTED = '=HYPERLINK("http://x","y")'


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    return parser


def test_self_contained(lam_dong: udcntt.Assessment) -> None:
    """No external scripts, styles, images or fonts: nothing is fetched from anywhere."""
    html = assessment_to_html(lam_dong)
    parsed = _parse(html)
    for tag, attrs in parsed.tags:
        assert tag not in {"link", "img", "iframe", "object", "embed"}, tag
        assert "src" not in attrs, (tag, attrs)
        href = attrs.get("href")
        assert href is None or href.startswith("#"), href
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(?!#)", html)
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html


def test_page_structure(lam_dong: udcntt.Assessment) -> None:
    """Viewport meta, print CSS, three ranking tables, score and change charts, profiles."""
    html = assessment_to_html(lam_dong)
    parsed = _parse(html)
    tags = parsed.tags
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in tags
    assert "@media print" in html
    assert "@media (max-width: 640px)" in html
    classes = [attrs.get("class") or "" for _, attrs in tags]
    assert classes.count("ranking") == 3
    assert classes.count("profile") == 3
    charts = [a for t, a in tags if t == "svg" and (a.get("class") or "").startswith("chart ")]
    assert len(charts) >= 3 + 1  # scores per block; changes where ranks moved
    assert sum(1 for c in classes if c == "mini") > 43 * 4
    assert classes.count("agency") == 43
    text = "".join(parsed.text)
    assert "Sở Công Thương" in text
    assert "+4" in text
    assert "Số cán bộ chuyên trách CNTT" in text
    assert "93,0% (120/129)" in text


def test_survey_text_is_escaped(small: udcntt.Assessment) -> None:
    """A hostile name is text in the tables, the charts' labels and tooltips, the narrative."""
    html = assessment_to_html(small)
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)" in html
    assert INJECTED not in html
    parsed = _parse(html)
    assert "".join(parsed.text).count(INJECTED) >= 5
    assert not any(t == "a" and (a.get("href") or "").startswith("http") for t, a in parsed.tags)


def test_script_tags_in_names_stay_text(first_year: udcntt.Assessment) -> None:
    """'<script>' in a name never becomes an element."""
    from dataclasses import replace

    hostile = replace(
        first_year,
        results=tuple(
            replace(r, name="<script>alert(1)</script> & <b>x</b>") if i == 0 else r
            for i, r in enumerate(first_year.results)
        ),
    )
    html = assessment_to_html(hostile)
    assert [t for t, _ in _parse(html).tags].count("script") == 1  # the page's own
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;" in html


def test_english_page(small: udcntt.Assessment) -> None:
    """lang='en' sets the document language and the frame's words."""
    html = assessment_to_html(small, lang="en")
    assert '<html lang="en">' in html
    assert "Assessment and ranking of IT application, 2017" in html
    assert "Good (Tốt)" in html


def test_first_year_has_no_change_section(first_year: udcntt.Assessment) -> None:
    """Without a previous year there is no rank-change chart or column."""
    html = assessment_to_html(first_year)
    assert 'id="tang-giam"' not in html
    assert "Tăng/giảm bậc" not in html


def test_reloaded_assessment_renders(reloaded: udcntt.Assessment, small: udcntt.Assessment) -> None:
    """A JSON-reloaded assessment renders the same page as the assessment it came from."""
    html = assessment_to_html(reloaded)
    assert 'id="so-lieu"' in html
    assert html.count('class="ranking"') == 2
    assert html == assessment_to_html(small)


def test_diagnostics_are_listed(small: udcntt.Assessment) -> None:
    """The validation section lists diagnostics (escaped), in HTML and Markdown."""
    from dataclasses import replace

    from udcntt.report import assessment_to_markdown

    warning = udcntt.Diagnostic(
        code="W-DATA-SUSPICIOUS",
        message="unusual <value>",
        severity=udcntt.Severity.WARNING,
        agency="inj",
    )
    noisy = replace(small, diagnostics=(warning,))
    html = assessment_to_html(noisy)
    assert "W-DATA-SUSPICIOUS" in html
    assert "unusual &lt;value&gt;" in html
    assert "Không có lỗi hay cảnh báo nào." not in html
    md = assessment_to_markdown(noisy)
    assert "- `warning[W-DATA-SUSPICIOUS]` unusual \\<value\\>" in md


def test_print_keeps_headings_with_their_content(lam_dong: udcntt.Assessment) -> None:
    """A4 print CSS: headings and figure captions never end a page, figures and table
    heads are not split, and pages are numbered."""
    html = assessment_to_html(lam_dong)
    css = html[html.index("@media print") :]
    assert "size: A4" in css
    assert "h1, h2, h3, figcaption, summary, .narrow-note { break-after: avoid;" in css
    assert "figure.chart-box, tr, thead" in css
    assert "counter(page)" in css


def test_phone_layout_hides_only_detail_columns(lam_dong: udcntt.Assessment) -> None:
    """Under 640 px the ranking table keeps agency, total, tier, rank and the change: every
    other column (STT, groups, last year's figures) is marked as detail, in head and body."""
    html = assessment_to_html(lam_dong)
    assert "table.ranking .detail { display: none; }" in html
    table = html[html.index('<table class="ranking">') : html.index("</table>")]
    heads = re.findall(r"<th scope=\"col\"( class=\"detail\")?>([^<]*)</th>", table)
    kept = [text for detail, text in heads if not detail]
    assert kept == ["Đơn vị", "Tổng điểm", "Xếp loại", "Thứ hạng", "Tăng/giảm bậc"]
    first_row = table[table.index("<tbody>") : table.index("</tr>", table.index("<tbody>"))]
    cells = re.findall(r'<td class="([^"]*)"', first_row)
    assert len(cells) == len(heads)
    assert [("detail" in c) for c in cells] == [bool(d) for d, _ in heads]


def _survey(n: int) -> udcntt.Assessment:
    """``n`` agencies in the small rule set's two blocks, scored against a previous year."""
    rules = udcntt.load_rules(Path(__file__).parents[1] / "fixtures" / "valid" / "small.yaml")

    def record(i: int, shift: int) -> dict[str, object]:
        block = "so" if i % 2 else "huyen"
        values: dict[str, object] = {
            "staff_total": 50,
            "staff_pc": (i * 7 + shift) % 51,
            "meetings": (i + shift) % 5,
            "head": ("chu_tich", "pho", "khac")[(i + shift) % 3],
            "has_portal": (i + shift) % 2 == 0,
            "bandwidth": (i * 13 + shift) % 101,
        }
        if block == "huyen":
            values["dvc_l4"] = (i + shift) % 11
        return {"id": f"a{i}", "name": f"Đơn vị {i}", "block": block, "values": values}

    previous = udcntt.evaluate(
        rules, udcntt.Dataset.from_records([record(i, 3) for i in range(n)], year=2016)
    )
    data = udcntt.Dataset.from_records([record(i, 0) for i in range(n)], year=2017)
    return udcntt.evaluate(rules, data, previous=previous)


def test_page_work_is_linear_in_the_agencies(monkeypatch: pytest.MonkeyPatch) -> None:
    """The helpers that read every result (score places, comparison keys, labels) run a fixed
    number of times per page, not once per row: the page is linear in the agencies."""
    from udcntt.report import _charts_context, _html, _tables

    calls = {"n": 0}

    def counted(module: object, name: str) -> None:
        original = getattr(module, name)

        def wrapper(*args: object, **kwargs: object) -> object:
            calls["n"] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    for module in (_html, _charts_context, _tables):
        for name in ("score_places", "comparison_keys", "has_labels"):
            if hasattr(module, name):
                counted(module, name)
    work = []
    for n in (12, 48):
        assessment = _survey(n)
        calls["n"] = 0
        assessment_to_html(assessment)
        work.append(calls["n"])
    assert work[0] == work[1], work
