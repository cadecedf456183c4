"""The pytest plugin: `pytest rules/` runs the tests embedded in rule files and *.test.yaml."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import udcntt

# pytester's in-process runs drop the modules they imported when they end, and the next run
# imports them again: PyYAML's C extension (which cannot be imported twice) then holds the
# first import's event classes, and objects cached by the plugin module belong to classes
# that no longer exist. Import every udcntt module here, before any run, so each run uses
# the same modules (the whole suite does this by chance).
for _module in pkgutil.walk_packages(udcntt.__path__, "udcntt."):
    if not _module.name.endswith("__main__"):
        importlib.import_module(_module.name)

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
SMALL_TEXT = (ROOT / "tests" / "fixtures" / "valid" / "small.yaml").read_text(encoding="utf-8")

EXTRA_TESTS = """\
rules: ../rules/small.yaml
tests:
  - name: huyện chưa có gì
    block: huyen
    inputs: {staff_total: 10, staff_pc: 0, meetings: 0, head: khac, has_portal: false, dvc_l4: 0, bandwidth: 0}
    expect: {total: 0, tier: trung_binh, points: {hop: 0}}
  - name: huyện chưa có gì
    block: huyen
    inputs: {staff_total: 10, staff_pc: 0, meetings: 1, head: khac, has_portal: false, dvc_l4: 0, bandwidth: 0}
    expect: {points: {hop: 5}}
"""


@pytest.fixture
def province(pytester: pytest.Pytester) -> pytest.Pytester:
    """A province's repository: rules/ with a rule file and a .test.yaml next to it."""
    rules = pytester.mkdir("rules")
    (rules / "small.yaml").write_text(SMALL_TEXT, encoding="utf-8")
    tests = pytester.mkdir("rule-tests")
    (tests / "extra.test.yaml").write_text(EXTRA_TESTS, encoding="utf-8")
    return pytester


def test_pytest_rules_runs_the_embedded_tests(province: pytest.Pytester) -> None:
    result = province.runpytest("rules", "-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["*small.yaml::đơn vị đầy đủ PASSED*", "*small.yaml::sở không áp dụng DVC PASSED*"]
    )


def test_test_yaml_files_name_their_rule_file(province: pytest.Pytester) -> None:
    result = province.runpytest("rule-tests", "-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*extra.test.yaml::huyện chưa có gì PASSED*",
            "*extra.test.yaml::huyện chưa có gì (2) PASSED*",
        ]
    )


def test_bare_pytest_collects_under_the_current_folder(province: pytest.Pytester) -> None:
    result = province.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_a_failure_is_a_table_of_expected_and_actual_points(province: pytest.Pytester) -> None:
    path = province.path / "rules" / "small.yaml"
    path.write_text(
        SMALL_TEXT.replace("expect: {total: 55,", "expect: {total: 56,"), encoding="utf-8"
    )
    result = province.runpytest("rules", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test 'sở không áp dụng DVC' of *small.yaml:* failed*",
            "*agency 'test' (block so)*",
            "*criterion*expected*actual*diff*",
            "*bang_thong*20*20*0*ok*",
            "*total*56*55*-1*FAIL*",
            "*tier*kha*kha*ok*",
            "*total: expected 56, got 55*",
        ]
    )


def test_a_rule_file_that_does_not_load_is_one_failing_item(pytester: pytest.Pytester) -> None:
    broken = SMALL_TEXT.replace("staff_pc <= staff_total", "staff_pcs <= staff_total")
    pytester.mkdir("rules")
    (pytester.path / "rules" / "broken.yaml").write_text(broken, encoding="utf-8")
    result = pytester.runpytest("rules", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*load (broken.yaml)*",
            "*error[[]E-EXPR-NAME[]]*staff_pcs*",
            "FAILED rules/broken.yaml::load*",
        ]
    )


def test_a_malformed_test_case_is_reported_where_it_is(pytester: pytest.Pytester) -> None:
    pytester.mkdir("rules")
    (pytester.path / "rules" / "small.yaml").write_text(SMALL_TEXT, encoding="utf-8")
    (pytester.path / "rules" / "bad.test.yaml").write_text(
        "rules: small.yaml\ntests:\n  - name: typo\n    blok: so\n", encoding="utf-8"
    )
    (pytester.path / "rules" / "nowhere.test.yaml").write_text(
        "rules: missing.yaml\ntests: []\n", encoding="utf-8"
    )
    result = pytester.runpytest("rules", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(["*bad.test.yaml:4:*E-TEST-SHAPE*test 'typo': blok:*"])
    result.stdout.fnmatch_lines(["FAILED rules/bad.test.yaml::typo*"])
    result.stdout.fnmatch_lines(["*E-TEST-SHAPE*rule file 'missing.yaml' not found*"])


def test_testpaths_and_fixtures_are_left_alone(pytester: pytest.Pytester) -> None:
    """The project's own `pytest` (testpaths = tests) never collects fixture rule files."""
    pytester.makeini("[pytest]\ntestpaths = tests\n")
    fixtures = pytester.mkdir("tests") / "fixtures"
    fixtures.mkdir()
    broken = SMALL_TEXT.replace("expect: {total: 55,", "expect: {total: 0,")
    (fixtures / "deliberately-wrong.yaml").write_text(broken, encoding="utf-8")
    (pytester.path / "tests" / "test_something.py").write_text(
        "def test_ok():\n    pass\n", encoding="utf-8"
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    pytester.runpytest("tests", "-p", "no:cacheprovider").assert_outcomes(passed=1)
    # Named explicitly, a fixture file is collected.
    named = pytester.runpytest("tests/fixtures/deliberately-wrong.yaml", "-p", "no:cacheprovider")
    named.assert_outcomes(passed=1, failed=1)
    # Opt-in for everything, or out of everything.
    always = pytester.runpytest("--udcntt-collect=always", "-p", "no:cacheprovider")
    always.assert_outcomes(passed=2, failed=1)
    never = pytester.runpytest("tests/fixtures", "--udcntt-collect=never", "-p", "no:cacheprovider")
    assert never.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_ini_option_turns_collection_on(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntestpaths = rules\nudcntt_collect = always\n")
    pytester.mkdir("rules")
    (pytester.path / "rules" / "small.yaml").write_text(SMALL_TEXT, encoding="utf-8")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_other_yaml_files_are_ignored(pytester: pytest.Pytester) -> None:
    pytester.mkdir("rules")
    (pytester.path / "rules" / "ci.yaml").write_text(
        "jobs: {}\ntests:\n  - run\n", encoding="utf-8"
    )
    result = pytester.runpytest("rules", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_a_rule_file_without_tests_is_not_skipped_silently(pytester: pytest.Pytester) -> None:
    """Without 'tests:' the file shows as one skipped item with the reason; with
    --udcntt-properties its properties run."""
    pytester.mkdir("rules")
    (pytester.path / "rules" / "no-tests.yaml").write_text(
        SMALL_TEXT.split("tests:")[0], encoding="utf-8"
    )
    result = pytester.runpytest("rules", "-rs", "-p", "no:cacheprovider")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*rule file without embedded tests*--udcntt-properties*"])
    checked = pytester.runpytest(
        "rules",
        "-v",
        "--udcntt-properties",
        "--udcntt-examples",
        "10",
        "--udcntt-seed",
        "1",
        "-p",
        "no:cacheprovider",
    )
    checked.assert_outcomes(passed=1)
    checked.stdout.fnmatch_lines(["*no-tests.yaml::properties PASSED*"])


def test_properties_on_request(province: pytest.Pytester) -> None:
    result = province.runpytest(
        "rules",
        "-v",
        "--udcntt-properties",
        "--udcntt-examples",
        "20",
        "--udcntt-seed",
        "1",
        "-p",
        "no:cacheprovider",
    )
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*small.yaml::properties PASSED*"])


def test_properties_failure_shows_the_counterexample(pytester: pytest.Pytester) -> None:
    faulty = (ROOT / "tests" / "fixtures" / "faulty" / "band-drops.yaml").read_text(
        encoding="utf-8"
    )
    faulty += "tests:\n  - {name: khởi động, block: so, inputs: {meetings: 0, has_plan: false}, expect: {total: 0}}\n"
    pytester.mkdir("rules")
    (pytester.path / "rules" / "band.yaml").write_text(faulty, encoding="utf-8")
    pytester.makeini("[pytest]\nudcntt_properties = true\nudcntt_examples = 50\n")
    result = pytester.runpytest("rules", "--udcntt-seed", "3", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*error[[]E-PROP-MONOTONE[]]*hop_bcd*[[]seed 3[]]*", "*properties of 'faulty_band_drops'*"]
    )


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


def test_the_plugin_imports_nothing_heavy() -> None:
    """Loading the plugin imports neither hypothesis nor the testing toolkit."""
    result = _python(
        "import sys, udcntt.testing.pytest_plugin\n"
        "assert 'hypothesis' not in sys.modules, 'hypothesis'\n"
        "assert 'udcntt.testing._runner' not in sys.modules\n"
        "print('ok')"
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_without_hypothesis_the_plugin_still_loads() -> None:
    """With hypothesis missing, the plugin loads and the toolkit says what to install."""
    result = _python(
        "import sys\n"
        "sys.modules['hypothesis'] = None\n"
        "import udcntt.testing.pytest_plugin\n"
        "try:\n"
        "    from udcntt.testing import run_properties\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    assert "pip install 'udcntt[testing]'" in result.stdout, result.stderr


def test_an_incomplete_property_run_fails_the_item(province: pytest.Pytester) -> None:
    """A time budget that cuts the run is not a pass: the item fails and says incomplete."""
    result = province.runpytest(
        "rules",
        "--udcntt-properties",
        "--udcntt-max-seconds",
        "0.000001",
        "--udcntt-seed",
        "1",
        "-p",
        "no:cacheprovider",
    )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["*W-PROP-INCOMPLETE*", "*properties of 'small_example'*incomplete*"]
    )
