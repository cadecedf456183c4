"""Every invalid rule file under tests/fixtures/invalid fails with its expected code and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import udcntt

FIXTURES = sorted((Path(__file__).parent.parent / "fixtures" / "invalid").glob("*.yaml"))
_HEADER = re.compile(r"^# expect: (?P<code>[EW]-[A-Z0-9-]+) line (?P<line>\d+)")


def _expectation(path: Path) -> tuple[str, int]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = _HEADER.match(first)
    assert match, f"{path.name}: first line must be '# expect: CODE line N'"
    return match["code"], int(match["line"])


def test_there_are_at_least_forty_invalid_fixtures() -> None:
    """The issue asks for at least 40 invalid rule files."""
    assert len(FIXTURES) >= 40


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_invalid_fixture_gives_expected_code_and_line(path: Path) -> None:
    """The located diagnostic names the file, the line and the stable code."""
    code, line = _expectation(path)
    report = udcntt.check_rules(path)
    assert not report.ok
    found = [(d.code, d.location.line if d.location else None) for d in report.diagnostics]
    assert (code, line) in found, f"expected {code} at line {line}, got {found}"
    diag = next(d for d in report.diagnostics if d.code == code)
    assert diag.location is not None and diag.location.file and path.name in diag.location.file


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_invalid_fixture_raises_one_aggregate_error_through_the_api(path: Path) -> None:
    """``load_rules`` raises a single RuleFileError carrying every diagnostic."""
    code, _ = _expectation(path)

    def load_and_test() -> None:
        rules = udcntt.load_rules(path)
        # Embedded tests only run in check mode; here a failing test is raised too.
        _, failures = udcntt.run_rule_tests(rules)
        if failures:
            raise udcntt.RuleFileError.from_diagnostics(failures)

    with pytest.raises(udcntt.RuleFileError) as info:
        load_and_test()
    assert code in {d.code for d in info.value.diagnostics}
    text = str(info.value)
    assert f"[{code}]" in text and path.name in text
