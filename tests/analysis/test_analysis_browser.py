"""The analysis HTML rendered in headless Chromium: charts and tables seen, console clean.

Chromium is Debian's package (``.ci/run`` installs it); the approach is the report's
(tests/report/test_report_browser.py): ``--dump-dom`` for what the page holds, a console
check, a screenshot under tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.analysis.conftest import ANALYSIS_2018

from browser import chromium_or_skip, console_lines, dom, run
from udcntt.analysis import analyse, load_analysis, write_analysis
from udcntt.data import Dataset
from udcntt.model import RuleSet

pytestmark = pytest.mark.browser


def test_analysis_page_in_chromium(
    rules_2018: RuleSet, survey_2018: Dataset, tmp_path: Path, artifacts: Path
) -> None:
    """Interval charts, Sobol bars and heatmaps render with their tables; nothing fetched."""
    spec, _ = load_analysis(ANALYSIS_2018, rules_2018)
    result = analyse(rules_2018, survey_2018, analysis=spec, draws=200)
    page = artifacts / "analysis-lam-dong-2018.html"
    write_analysis(result, page, lang="vi")
    parsed, log = dom(chromium_or_skip(), tmp_path, page, "--window-size=1280,2000")
    assert console_lines(log) == []
    charts = [a for t, a in parsed.tags if t == "svg"]
    assert len(charts) == 5  # two blocks of intervals, Sobol bars, two heatmaps
    assert all(a.get("role") == "img" and a.get("aria-labelledby") for a in charts)
    whiskers = [a for t, a in parsed.tags if t == "line" and a.get("stroke") == "#1565c0"]
    assert len(whiskers) == 44
    assert sum(1 for t, _ in parsed.tags if t == "table") == 3
    text = " ".join(parsed.text)
    assert "Độ vững của thứ hạng" in text
    assert "không phân biệt được" in text
    shot = artifacts / "analysis-lam-dong-2018.png"
    shot.unlink(missing_ok=True)
    done = run(
        chromium_or_skip(),
        tmp_path,
        page.as_uri(),
        f"--screenshot={shot}",
        "--window-size=1280,2400",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 30_000
