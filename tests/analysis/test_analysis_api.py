"""The public face of udcntt.analysis, and the core working without the analysis extra."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.analysis.conftest import ROOT, RULES_2018, SURVEY_2018

import udcntt.analysis


def test_all_is_sorted_complete_and_documented() -> None:
    """``__all__`` is sorted, every name exists and has a docstring."""
    names = udcntt.analysis.__all__
    assert names == sorted(names)
    for name in names:
        value = getattr(udcntt.analysis, name)
        if not isinstance(value, str):
            assert (value.__doc__ or "").strip(), name


def test_core_and_cli_work_without_the_extra() -> None:
    """With NumPy, SciPy and SALib unavailable, scoring works and ``analyse`` says which
    extra to install (exit 2), never a traceback."""
    script = textwrap.dedent(
        f"""
        import sys
        for name in ("numpy", "scipy", "SALib"):
            sys.modules[name] = None  # import fails, as if not installed
        from udcntt.cli import main
        assert main(["score", {str(RULES_2018)!r}, {str(SURVEY_2018)!r}]) == 0
        code = main(["--lang", "en", "analyse", {str(RULES_2018)!r}, {str(SURVEY_2018)!r}])
        print("EXIT", code)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert "EXIT 2" in done.stdout, done.stderr[-2000:]
    assert "pip install 'udcntt[analysis]'" in done.stderr
    assert "Traceback" not in done.stderr
