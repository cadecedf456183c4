"""run_properties: example counts, seeds, the time budget as an upper bound, reports; and
`udcntt check --properties`. No test here measures wall-clock time: a fake clock stands in
for a loaded machine."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
from pathlib import Path

import pytest

import udcntt
from udcntt.cli import main
from udcntt.testing import PropertyOutcome, _runner, run_properties

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "fixtures" / "valid" / "small.yaml"
FAULTY = ROOT / "tests" / "fixtures" / "faulty"
UNDIRECTED = "staff_total: {label: Tổng số CBCCVC, type: count, range: [1, 10000]}"


def clean_rules(tmp_path: Path) -> Path:
    """The small valid rule file (which passes every property), copied to ``tmp_path``."""
    path = tmp_path / "clean.yaml"
    path.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def directed_rules() -> udcntt.RuleSet:
    """small.yaml with staff_total, a denominator, declared 'higher is better' (its old fault)."""
    text = SMALL.read_text(encoding="utf-8")
    assert UNDIRECTED in text
    directed = UNDIRECTED.replace("type: count, ", "type: count, direction: higher, ")
    return udcntt.load_rules("directed.yaml", text=text.replace(UNDIRECTED, directed))


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The command line in-process, with its own streams, from the repository root."""
    out, err = io.StringIO(), io.StringIO()
    argv = [str(a) for a in args]
    with contextlib.chdir(ROOT):
        code = main(argv, stdout=out, stderr=err)
    return subprocess.CompletedProcess(["udcntt", *argv], code, out.getvalue(), err.getvalue())


def test_a_clean_rule_set_passes(tmp_path: Path) -> None:
    outcome = run_properties(clean_rules(tmp_path), max_examples=20, seed=7)
    assert isinstance(outcome, PropertyOutcome)
    assert outcome.ok, "\n".join(d.format() for d in outcome.diagnostics)
    assert outcome.verdict == "passed" and outcome.complete
    assert outcome.errors == []
    assert outcome.seed == 7 and outcome.rules_id == "small_example"
    assert {r.status for r in outcome.reports} <= {"passed", "skipped"}
    # The example count is the contract: every property that runs checks exactly 20.
    assert {r.examples for r in outcome.reports if r.status == "passed"} == {20}
    text = outcome.summary()
    assert text.startswith("properties of 'small_example' (seed 7")
    assert "monotone" in text and "examples" in text


def test_a_denominator_declared_higher_is_better_is_caught() -> None:
    """staff_total 'direction: higher' divides may_tinh: more staff, fewer points."""
    outcome = run_properties(directed_rules(), seed=7, invariants=["monotone"])
    v = outcome.violations[0]
    assert (v.criterion, v.indicator) == ("may_tinh", "staff_total")


def test_accepts_a_loaded_or_compiled_rule_set(tmp_path: Path) -> None:
    rules = udcntt.load_rules(clean_rules(tmp_path))
    for given in (rules, udcntt.compile_rules(rules), str(clean_rules(tmp_path))):
        outcome = run_properties(
            given, max_seconds=0, max_examples=5, seed=1, invariants=["permutation"]
        )
        assert outcome.ok
        assert [r.name for r in outcome.reports] == ["permutation"]
        assert outcome.reports[0].examples <= 5


def test_same_seed_same_findings() -> None:
    """A printed seed reproduces the run: same counterexample, same messages."""
    path = FAULTY / "band-drops.yaml"
    first = run_properties(path, seed=99, invariants=["monotone"])
    second = run_properties(path, seed=99, invariants=["monotone"])
    assert [d.message for d in first.diagnostics] == [d.message for d in second.diagnostics]
    assert first.violations[0].counterexample == second.violations[0].counterexample


def test_a_seed_is_chosen_and_printed_when_not_given() -> None:
    outcome = run_properties(FAULTY / "leaf-over-max.yaml", invariants=["bounds"])
    assert isinstance(outcome.seed, int)
    assert f"[seed {outcome.seed}]" in outcome.diagnostics[0].message


class SlowClock:
    """A fake clock that advances ``step`` seconds each time it is read (a loaded machine)."""

    def __init__(self, step: float) -> None:
        self.now = 1000.0
        self.step = step
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        self.now += self.step
        return self.now


def test_a_spent_budget_says_incomplete_not_passed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A budget too small for the examples ends in 'incomplete' with what ran, never 'ok'."""
    monkeypatch.setattr(_runner, "_clock", SlowClock(0.01))
    outcome = run_properties(clean_rules(tmp_path), max_seconds=1, max_examples=50, seed=1)
    assert outcome.verdict == "incomplete" and not outcome.ok and not outcome.violations
    (warning,) = [d for d in outcome.diagnostics if d.code == "W-PROP-INCOMPLETE"]
    assert warning.severity is udcntt.Severity.WARNING
    assert (
        "time budget of 1 s" in warning.message and "examples of the unfinished" in warning.message
    )
    assert any(note.endswith("of 50 examples") for note in warning.notes)
    cut = [r for r in outcome.reports if r.status == "incomplete"]
    assert cut and all(r.examples < 50 for r in cut)
    assert any(r.examples > 0 for r in cut)  # the first property ran part of its examples


def test_scoring_alone_and_unknown_names() -> None:
    outcome = run_properties(
        FAULTY / "leaf-over-max.yaml",
        max_seconds=0,
        max_examples=30,
        seed=1,
        invariants=["scoring"],
    )
    assert outcome.ok  # the leaf over its max is 'bounds', not 'scoring'
    with pytest.raises(ValueError, match="unknown invariant 'speed'"):
        run_properties(SMALL, invariants=["speed"])


def test_no_direction_means_nothing_to_check_for_monotonicity() -> None:
    text = (FAULTY / "leaf-over-max.yaml").read_text(encoding="utf-8")
    text = text.replace("direction: higher, ", "").replace(", direction: higher}", "}")
    assert "direction" not in text
    rules = udcntt.load_rules("undirected.yaml", text=text)
    outcome = run_properties(rules, max_examples=10, seed=1, invariants=["monotone"])
    assert outcome.ok
    assert (
        outcome.reports[0].status == "skipped"
        and outcome.reports[0].note == "no indicator declares a direction"
    )
    assert not outcome.diagnostics  # nothing to warn about


def test_cli_exits_1_with_the_counterexample() -> None:
    result = cli(
        "--lang",
        "en",
        "check",
        "--properties",
        "--examples",
        "30",
        "--seed",
        "5",
        FAULTY / "band-drops.yaml",
    )
    assert result.returncode == 1, result.stderr
    output = result.stdout + result.stderr
    assert "error[E-PROP-MONOTONE]" in output
    assert "[seed 5]" in output and "then set meetings of a1 to 4" in output
    assert "reproduce with: udcntt check --properties --seed 5" in output
    assert "with the same number of examples: --examples 30" in output


def test_cli_exits_0_on_a_clean_file(tmp_path: Path) -> None:
    result = cli("--lang", "en", "check", "--properties", "--examples", "20", clean_rules(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_json_carries_the_property_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _check_json(capsys, "--examples", "5", "--seed", "5", FAULTY / "leaf-over-max.yaml")
    assert code == 1
    payload = json.loads(out)
    codes = [d["code"] for f in payload["files"] for d in f["diagnostics"]]
    assert "E-PROP-BOUNDS" in codes
    bounds = next(
        d for f in payload["files"] for d in f["diagnostics"] if d["code"] == "E-PROP-BOUNDS"
    )
    assert bounds["criterion"] == "chuyen_trach" and "it_staff: 11" in bounds["message"]
    assert payload["files"][0]["properties"]["verdict"] == "failed"


def _check_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    code = main(["--format", "json", "check", "--properties", *map(str, args)])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("name", ["band-drops.yaml", "missing-better.yaml"])
def test_same_seed_same_json_on_a_loaded_machine(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same seed and example count, identical JSON, whether the clock runs fast or slow (a
    budget that is not exceeded is no part of the verdict)."""
    args = ("--seed", "11", "--examples", "20", "--max-seconds", "100000", FAULTY / name)
    code, fast = _check_json(capsys, *args)
    slow_clock = SlowClock(0.5)
    monkeypatch.setattr(_runner, "_clock", slow_clock)
    slow_code, slow = _check_json(capsys, *args)
    assert slow_clock.reads > 50  # the slow clock really was read all along
    assert (code, fast) == (slow_code, slow)
    payload = json.loads(fast)
    (entry,) = payload["files"]
    assert entry["properties"]["verdict"] == "failed" and code == 1
    assert entry["properties"]["examples"] == 20


def test_an_exceeded_budget_is_reported_incomplete_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_runner, "_clock", SlowClock(0.5))
    code, out = _check_json(
        capsys, "--seed", "11", "--examples", "20", "--max-seconds", "10", clean_rules(tmp_path)
    )
    assert code == 1
    (entry,) = json.loads(out)["files"]
    assert entry["ok"] is False and entry["properties"]["verdict"] == "incomplete"
    codes = [d["code"] for d in entry["diagnostics"]]
    assert "W-PROP-INCOMPLETE" in codes and not any(c.startswith("E-") for c in codes)
    statuses = {p["status"] for p in entry["properties"]["properties"]}
    assert "incomplete" in statuses
    # Unlimited, the same seed passes: only the budget made it incomplete.
    monkeypatch.setattr(_runner, "_clock", SlowClock(0.5))
    code, out = _check_json(capsys, "--seed", "11", "--examples", "20", clean_rules(tmp_path))
    assert code == 0 and json.loads(out)["files"][0]["properties"]["verdict"] == "passed"


def test_examples_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        run_properties(clean_rules(tmp_path), max_examples=0)
