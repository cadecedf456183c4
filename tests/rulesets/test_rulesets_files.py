"""Every shipped rule file loads, passes `udcntt check` and its embedded tests, and says
where it comes from and what in it is reconstructed."""

from __future__ import annotations

from pathlib import Path

import pytest

import udcntt

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
RULE_FILES = sorted([*RULES.glob("*.yaml"), *RULES.glob("base/*.yaml")])
SHIPPED = {
    "lam-dong-2017.yaml",
    "lam-dong-2018.yaml",
    "dti-922-province.yaml",
    "dti-454-lam-dong.yaml",
    "vietnam-ict-index.yaml",
    "dti-lam-dong-base.yaml",
}


def _id(path: Path) -> str:
    return str(path.relative_to(RULES))


def test_the_expected_rule_files_are_shipped() -> None:
    """The rule sets of the issue, and the base that dti-454 extends."""
    assert {p.name for p in RULE_FILES} >= SHIPPED


@pytest.mark.parametrize("path", RULE_FILES, ids=_id)
def test_rule_file_loads(path: Path) -> None:
    """load_rules accepts the file (strict YAML, closed schema, names, budgets, tiers)."""
    rules = udcntt.load_rules(path)
    assert rules.id == path.stem.replace("-", "_")
    udcntt.compile_rules(rules)


@pytest.mark.parametrize("path", RULE_FILES, ids=_id)
def test_rule_file_passes_check_and_its_embedded_tests(path: Path) -> None:
    """`udcntt check`: no error, no unused name, at least two embedded tests, all passing."""
    report = udcntt.check_rules(path)
    assert report.ok, "\n".join(d.format() for d in report.diagnostics)
    assert not [d for d in report.diagnostics if d.code == "W-UNUSED"]
    assert report.tests_run >= 2
    assert report.tests_failed == 0


@pytest.mark.parametrize("path", RULE_FILES, ids=_id)
def test_embedded_tests_pass_through_the_api(path: Path) -> None:
    """run_rule_tests gives the same verdict as check."""
    ran, failures = udcntt.run_rule_tests(udcntt.load_rules(path))
    assert ran >= 2
    assert not failures, "\n".join(d.format() for d in failures)


@pytest.mark.parametrize("path", RULE_FILES, ids=_id)
def test_metadata_states_legal_basis_sources_and_reconstruction(path: Path) -> None:
    """Each file names its legal basis and sources and says what is reconstructed."""
    rules = udcntt.load_rules(path)
    assert rules.legal_basis
    assert rules.sources
    assert rules.reconstructed
    assert len(rules.reconstructed) > 80
    assert rules.version


@pytest.mark.parametrize(
    "name", ["lam-dong-2017.yaml", "lam-dong-2018.yaml", "dti-lam-dong-base.yaml"]
)
def test_reconstructed_points_are_flagged_on_every_leaf(name: str) -> None:
    """Where the points were not published, every scored leaf says `reconstructed: true`."""
    path = next(p for p in RULE_FILES if p.name == name)
    rules = udcntt.load_rules(path)
    leaves = [c for c in rules.all_criteria() if not c.is_group and not c.unscored]
    assert leaves
    assert all(c.reconstructed for c in leaves), [c.id for c in leaves if not c.reconstructed]
