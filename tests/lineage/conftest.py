"""The merged Lâm Đồng 2025 demo, run once for the lineage tests that read what it wrote."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from udcntt.cli import main


@dataclass(frozen=True)
class DemoRun:
    """``udcntt demo --example lam-dong-2025``: its folder, exit code and two streams."""

    folder: Path
    code: int
    out: str
    err: str


@pytest.fixture(scope="session")
def demo_2025_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """The demo run in-process once per session into its own folder (read, never written,
    by the tests that use it)."""
    folder = tmp_path_factory.mktemp("demo-2025")
    out, err = io.StringIO(), io.StringIO()
    code = main(["demo", "--example", "lam-dong-2025", "-o", str(folder)], stdout=out, stderr=err)
    return DemoRun(folder, code, out.getvalue(), err.getvalue())
