"""Every table-writing format reads the whole assessment a fixed number of times per table.

The helpers that scan every result (score places, comparison keys, labels) must be worked
out once per table and passed to the row builders, not called once per row: a report of N
agencies then costs O(N), not O(N²). The count of such scans is the same at 12 and 48
agencies.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from test_report_html import _survey

import udcntt
from udcntt.report import assessment_to_docx, assessment_to_markdown, assessment_to_xlsx

SCANS = ("score_places", "comparison_keys", "has_labels")


def _count_scans(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    from udcntt.report import _docx_tables, _markdown, _tables

    calls = {"n": 0}
    modules = [_markdown, _docx_tables, _tables]
    try:
        from udcntt.report import _xlsx

        modules.append(_xlsx)
    except ImportError:  # pragma: no cover - openpyxl is in the dev install
        pass
    for module in modules:
        for name in SCANS:
            if not hasattr(module, name):
                continue
            original = getattr(module, name)

            def wrapper(*args: object, _f: Callable[..., object] = original) -> object:
                calls["n"] += 1
                return _f(*args)

            monkeypatch.setattr(module, name, wrapper)
    return calls


@pytest.mark.parametrize(
    "write",
    [assessment_to_markdown, assessment_to_docx, assessment_to_xlsx],
    ids=["markdown", "docx", "xlsx"],
)
def test_table_work_does_not_grow_per_row(
    monkeypatch: pytest.MonkeyPatch, write: Callable[[udcntt.Assessment], object]
) -> None:
    calls = _count_scans(monkeypatch)
    work = []
    for n in (12, 48):
        assessment = _survey(n)
        calls["n"] = 0
        write(assessment)
        work.append(calls["n"])
    assert work[0] == work[1], work
