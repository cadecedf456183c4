"""The example plugin package ``examples/plugin-example``, installed the way a user would.

The package is built and installed by pip (offline, no build isolation) into a temporary
folder; that folder on ``sys.path`` is what an installed distribution looks like to
:mod:`importlib.metadata`, so udcntt finds its entry point like any other plugin's.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

import udcntt
from udcntt.cli import main
from udcntt.extend import discover, discover_kinds, discover_writers

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "plugin-example"
RULES = EXAMPLE / "rules" / "vi-du-plugin.yaml"
SURVEY = EXAMPLE / "survey.csv"
DIST = "udcntt-plugin-example"
MODULE = "udcntt_plugin_example"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package installed by pip into a fresh folder (built from a copy of its source)."""
    pytest.importorskip("wheel", reason="building the example needs wheel (dev extras)")
    work = tmp_path_factory.mktemp("plugin")
    source = work / "src"
    shutil.copytree(EXAMPLE, source)  # pip's in-tree build leaves build/ and egg-info behind
    target = work / "site"
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation"),
            *("--no-index", "--quiet", "--target", str(target), str(source)),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return target


def _forget() -> None:
    for name in [m for m in sys.modules if m == MODULE or m.startswith(f"{MODULE}.")]:
        del sys.modules[name]
    importlib.invalidate_caches()
    discover(refresh=True)
    discover_kinds(refresh=True)
    discover_writers(refresh=True)


@pytest.fixture
def plugin(installed: Path) -> Iterator[Path]:
    """The installed package on ``sys.path`` for one test, then gone from path and registry."""
    sys.path.insert(0, str(installed))
    _forget()
    try:
        yield installed
    finally:
        sys.path.remove(str(installed))
        _forget()


def test_installed_as_a_distribution_with_its_entry_point(plugin: Path) -> None:
    infos = list(plugin.glob("udcntt_plugin_example-*.dist-info"))
    assert [p.name for p in infos] == ["udcntt_plugin_example-0.1.0.dist-info"]
    rows = {info.name: info for info in discover()}
    assert rows["diem_theo_ty_le"].distribution == DIST
    assert rows["diem_theo_ty_le"].status == "available"
    writers = {info.name: info for info in discover_writers()}
    assert (writers[".txt"].distribution, writers[".txt"].status) == (DIST, "available")
    kinds = {(info.name, info.kind): info for info in discover_kinds()}
    rule_type = kinds[("theo_moc", "rule_type")]
    assert (rule_type.distribution, rule_type.version, rule_type.status) == (
        DIST,
        "0.1.0",
        "available",
    )
    assert MODULE not in sys.modules  # listed from metadata, imported only when called


def test_check_runs_the_embedded_tests(plugin: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "check", str(RULES)]) == 0
    assert "ok (2 embedded tests passed)" in capsys.readouterr().err
    assert MODULE in sys.modules  # the rule file called the function


def test_score_lists_the_extension_in_the_receipt(plugin: Path, tmp_path: Path) -> None:
    out = tmp_path / "ket-qua.json"
    assert main(["score", str(RULES), str(SURVEY), "-o", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    function, rule_type = result["receipt"]["extensions"]
    assert function["function"] == "diem_theo_ty_le"
    assert rule_type["rule_type"] == "theo_moc"
    for ext in (function, rule_type):
        assert ext["distribution"] == DIST
        assert ext["version"] == "0.1.0"
        assert len(ext["registration_sha256"]) == 64


def test_scores_through_the_api(plugin: Path) -> None:
    rules = udcntt.load_rules(RULES)
    data = udcntt.read_survey(SURVEY, rules)
    totals = {r.agency_id: r.total for r in udcntt.evaluate(rules, data).results}
    # Sở Tư pháp: 78/120 = 0.65 -> 7 of 10; 1260/2100 = 0.6 -> (0.5 + 0.4/3) x 20 = 12.666...
    assert totals["so_tu_phap"] == Decimal("19.67")  # total shown to 2 places
    # Bảo Lộc: everything online and electronic -> full marks; Xây dựng: 0.25 -> 0, 0.9 -> 19
    assert totals["ubnd_bao_loc"] == 30
    assert totals["so_xay_dung"] == 19


def test_without_the_plugin_the_rule_file_stops_with_e_requires(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _forget()
    assert main(["--lang", "en", "check", str(RULES)]) == 1
    err = capsys.readouterr().err
    assert "E-REQUIRES" in err
    assert f"pip install '{DIST}>=0.1'" in err
    with pytest.raises(udcntt.RuleFileError) as caught:
        udcntt.load_rules(RULES)
    assert "E-REQUIRES" in {d.code for d in caught.value.diagnostics}
    assert ".txt" not in {info.name for info in discover_writers()}  # nor its writer


def test_curve_points_clamping_and_monotonicity(plugin: Path) -> None:
    module = importlib.import_module(MODULE)
    points = module.diem_theo_ty_le.impl
    expected = {"-1": "0", "0": "0", "0.3": "0", "0.4": "2.5", "0.5": "5", "0.65": "7"}
    expected |= {"0.8": "9", "0.9": "9.5", "1": "10", "1.5": "10"}
    for share, value in expected.items():
        assert points(Decimal(share), Decimal(10)) == Decimal(value), share
    grid = [points(Decimal(i) / 100, Decimal(10)) for i in range(-10, 121)]
    assert grid == sorted(grid)  # more of the share never earns fewer points
    spec = module.diem_theo_ty_le
    assert (spec.name, spec.signature, spec.pure) == (
        "diem_theo_ty_le",
        "diem_theo_ty_le(number, number)",
        True,
    )


def test_txt_writer_writes_the_summary(plugin: Path, tmp_path: Path) -> None:
    out = tmp_path / "tom-tat.txt"
    assert main(["score", str(RULES), str(SURVEY), "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == [
        "Ví dụ dùng plugin — điểm theo đường cong tỷ lệ",
        "Tóm tắt kết quả: 5 đơn vị",
    ]
    block = lines.index("Khối: Sở, ban, ngành")
    assert lines[block + 1 : block + 4] == [
        "  1. Sở Tài chính: 28/30 (Tốt)",  # 36/45 = 0.8 -> 9; 4428/4920 = 0.9 -> 19
        "  2. Sở Tư pháp: 19.67/30 (Khá)",
        "  3. Sở Xây dựng: 19/30 (Khá)",
    ]
    assert "  1. UBND thành phố Bảo Lộc: 30/30 (Tốt)" in lines
    english = tmp_path / "summary.txt"
    assert main(["--lang", "en", "score", str(RULES), str(SURVEY), "-o", str(english)]) == 0
    assert "Block: UBND huyện" in english.read_text(encoding="utf-8").splitlines()


def test_the_rule_type_is_explained(plugin: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--lang", "en", "explain", str(RULES), str(SURVEY), "--agency", "so_tu_phap"])
    out = capsys.readouterr().out
    assert code == 0, out
    # 1260 / 2100 = 0.6 → (0.5 + 0.4 × 0.1 / 0.3) × 20 = 12.67 (shown to 4 places)
    assert "theo_moc: ty_le = 0.6 → ≈12.6667" in out


def test_a_bad_curve_is_refused_where_it_is_written(plugin: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = RULES.read_text(encoding="utf-8").replace(
        "{ty_le: 0.8, phan: 0.9}", "{ty_le: 0.4, phan: 0.9}"
    )
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(udcntt.RuleFileError) as caught:
        udcntt.load_rules(bad)
    (diag,) = caught.value.diagnostics
    assert diag.code == "E-RULE-TYPE" and diag.criterion == "van_ban_dien_tu"
    assert diag.message == "threshold 3: 'ty_le' must rise"
    line = text.splitlines().index("        - {ty_le: 0.4, phan: 0.9}") + 1
    assert diag.location is not None and diag.location.line == line


def test_the_property_checks_cover_the_rule_type(
    plugin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It declares its points monotone in the share: the monotonicity property runs on it."""
    argv = ["--lang", "en", "--format", "json", "check", str(RULES), "--properties"]
    code = main([*argv, "--examples", "25", "--seed", "7"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report
    (entry,) = report["files"]
    checks = {c["name"]: c for c in entry["properties"]["properties"]}
    assert checks["monotone"]["status"] == "passed"
    assert checks["monotone"]["examples"] == 25
