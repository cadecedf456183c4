"""The merged Lâm Đồng 2025 example: one command, a label on every rank change."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from tests.lineage.conftest import DemoRun

from udcntt.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "lam-dong-2025"


def test_the_example_scores_in_one_command_with_a_label_on_every_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.json"
    code = main(
        [
            "score",
            str(ROOT / "rules" / "commune-2025.yaml"),
            str(EXAMPLE / "survey-2025.csv"),
            "--registry",
            str(EXAMPLE / "agencies.yaml"),
            "--year",
            "2025",
            "--previous",
            str(EXAMPLE / "survey-2024.csv"),
            "--lineage",
            str(EXAMPLE / "lineage.yaml"),
            "-o",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    data = json.loads(out.read_text(encoding="utf-8"))
    results = data["results"]
    assert 130 <= len(results) <= 140
    communes = [r for r in results if r["block"] == "xa_phuong"]
    assert 115 <= len(communes) <= 125
    assert all(r["comparability"] is not None for r in results)
    counts = data["comparison"]["label_counts"]
    assert sum(counts.values()) == len(results)
    assert set(counts) == {"derived:mean", "renamed", "new"}
    assert data["comparison"]["previous_synthetic"] is True
    # Every ranked unit with a label other than "new" has a rank change.
    for r in results:
        if r["rank"] is not None and r["comparability"] != "new":
            assert r["rank_change"] is not None, r["agency_id"]
    # Surveyed but not ranked: two agencies and the special zone.
    assert {r["agency_id"] for r in results if not r["ranked"]} == {
        "cong_an_tinh",
        "bo_chi_huy_quan_su",
        "dac_khu_phu_quy",
    }


def test_the_lineage_covers_the_registry_of_2025(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "lineage",
            str(EXAMPLE / "lineage.yaml"),
            "--at",
            "2025-07-01",
            "--registry",
            str(EXAMPLE / "agencies.yaml"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "GIẢ LẬP" in out and "136 đơn vị tồn tại vào ngày 2025-07-01" in out


def test_demo_example_2025_writes_synthetic_reports(demo_2025_run: DemoRun) -> None:
    """The demo's run is shared with test_narrative_lineage (which reads its results)."""
    assert demo_2025_run.code == 0, demo_2025_run.err
    folder, text = demo_2025_run.folder, demo_2025_run.out
    assert "Tính so sánh của thứ hạng: suy ra (trung bình các đơn vị tiền thân): 132" in text
    assert "GIẢ LẬP" in text
    written = sorted(p.name for p in folder.iterdir())
    assert written and all(name.startswith("ket-qua-2025-gia-lap.") for name in written)
    md = (folder / "ket-qua-2025-gia-lap.md").read_text(encoding="utf-8")
    assert "GIẢ LẬP" in md and "So sánh với năm trước" in md
    with (folder / "ket-qua-2025-gia-lap.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert all(row["comparability"] for row in rows)


def test_the_example_data_is_what_the_script_writes(tmp_path: Path) -> None:
    """make_data.py is deterministic: the committed files are its output."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_data", EXAMPLE / "make_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.HERE = tmp_path
    module.main()
    for name in ("lineage.yaml", "agencies.yaml", "survey-2024.csv", "survey-2025.csv"):
        assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes(), name
