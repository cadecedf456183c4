"""The test command of the README and the docs' home pages is the one ``.ci/run`` runs, and
it runs the suite in parallel the way the tests are kept apart for (tests/conftest.py)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = re.compile(
    r"^pip install (?:-q )?-e '\.\[dev\]' && (python -m pytest [^|\n]*?)(?: \|\||$)", re.M
)


def _pytest_command(text: str) -> list[str]:
    found = COMMAND.findall(text)
    assert len(found) == 1, found
    return shlex.split(found[0])


def test_readme_docs_and_ci_run_the_same_test_command() -> None:
    ci = _pytest_command((ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    for page in ("README.md", "docs/index.md", "docs/index.en.md"):
        assert _pytest_command((ROOT / page).read_text(encoding="utf-8")) == ci, page


def test_the_command_runs_a_module_per_worker_with_coverage() -> None:
    """Two workers, each module's tests in one of them (they share its files and fixtures),
    branch coverage combined from both."""
    argv = _pytest_command((ROOT / "README.md").read_text(encoding="utf-8"))
    assert argv[:3] == ["python", "-m", "pytest"]
    assert argv[argv.index("-n") + 1] == "2"
    assert argv[argv.index("--dist") + 1] == "loadfile"
    assert "--cov" in argv
