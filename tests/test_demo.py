"""``udcntt demo``: the founding article reproduced from the packaged example."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from sync_demo import FILES, TARGET  # noqa: E402


@pytest.mark.parametrize("name", sorted(FILES))
def test_packaged_demo_files_match_the_originals(name: str) -> None:
    """The package's copies are byte-identical to rules/ and examples/ (run scripts/sync_demo.py)."""
    assert (TARGET / name).read_bytes() == FILES[name].read_bytes()


def test_demo_runs_and_writes_reports(tmp_path: Path) -> None:
    """The demo prints the ranking and writes the reports of every installed format."""
    out = tmp_path / "demo"
    proc = subprocess.run(
        [sys.executable, "-m", "udcntt", "demo", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Sở Tài chính" in proc.stdout and "Tốt" in proc.stdout
    written = sorted(p.suffix for p in out.iterdir())
    assert ".json" in written and ".csv" in written
