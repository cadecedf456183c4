"""Analysis files: shape, numbers and names checked at load, every error located."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.analysis.conftest import ANALYSIS_2018, RULES_2018

from udcntt.analysis import analyse, load_analysis
from udcntt.analysis._draws import Problem
from udcntt.errors import RuleFileError, UsageError
from udcntt.model import RuleSet

HEAD = "udcntt_analysis: 1\nextends: ../../rules/lam-dong-2018.yaml\n"


def _load(text: str, rules: RuleSet) -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        load_analysis(ANALYSIS_2018.parent / "bad.yaml", rules, text=HEAD + text)
    return info.value


def test_shipped_analysis_file_loads(rules_2018: RuleSet) -> None:
    """The example's analysis file names its rule file and declares eleven inputs."""
    spec, rules = load_analysis(ANALYSIS_2018)
    assert spec.extends is not None and spec.extends.resolve() == RULES_2018.resolve()
    assert rules.id == "lam_dong_2018"
    assert len(spec.factors) == 11
    dirichlet = next(f for f in spec.factors if f.kind == "weights_dirichlet")
    assert dirichlet.dims == 6  # the six subgroups of group III (3.6 for huyện only)
    assert spec.seed == 2018 and spec.draws == 2000


@pytest.mark.parametrize(
    ("text", "code", "line", "column", "hint"),
    [
        (
            "uncertainty:\n  points:\n    - {criterion: ha_tang_ky_thuatt, uniform: 10}\n",
            "E-ANALYSIS-NAME",
            5,
            7,
            "ha_tang_ky_thuat",
        ),
        (
            "uncertainty:\n  points:\n    - {criterion: ha_tang_ky_thuat, uniform: -5}\n",
            "E-ANALYSIS-SPREAD",
            5,
            46,
            "percentage",
        ),
        (
            "uncertainty:\n  points:\n    - {criterion: ha_tang_ky_thuat, uniform: .nan}\n",
            "E-ANALYSIS-SPREAD",
            5,
            46,
            None,
        ),
        (
            "uncertainty:\n  noise:\n    - {indicator: staff_total, uniform: .inf}\n",
            "E-ANALYSIS-SPREAD",
            5,
            41,
            None,
        ),
        (
            "uncertainty:\n  points:\n    - {group: ung_dung_cntt, dirichlet: 0}\n",
            "E-ANALYSIS-SPREAD",
            5,
            41,
            None,
        ),
        (
            "uncertainty:\n  points:\n    - group: nguon_nhan_luc\n      alternatives:\n"
            "        - {can_bo_chuyen_trach: 20, trinh_do_chuyen_trach: 20}\n",
            "E-ANALYSIS-BUDGET",
            5,
            7,
            "add up",
        ),
        ("uncertainty:\n  tiers:\n    - {tier: kha, uniform: 30}\n", "E-ANALYSIS-TIER", 5, 7, None),
        (
            "uncertainty:\n  normalisation:\n    - {criterion: may_tinh_cbcc, methods: [min_max]}\n",
            "E-ANALYSIS-VALUE",
            5,
            7,
            "normalise",
        ),
        (
            "uncertainty:\n  normalisation:\n    - {criterion: bang_thong, methods: [z_score]}\n",
            "E-ANALYSIS-VALUE",
            5,
            41,
            "to_best",
        ),
        (
            "uncertainty:\n  noise:\n    - {indicator: has_lan, uniform: 5}\n",
            "E-ANALYSIS-VALUE",
            5,
            7,
            None,
        ),
        ("uncertanty: {}\n", "E-ANALYSIS-SCHEMA", 3, 1, "uncertainty"),
        ("draws: many\n", "E-ANALYSIS-SCHEMA", 3, 8, None),
    ],
)
def test_bad_input_is_located(
    rules_2018: RuleSet, text: str, code: str, line: int, column: int, hint: str | None
) -> None:
    """Each bad entry gives its code at file:line:col of the analysis file, with a hint."""
    d = _load(text, rules_2018).first
    assert d.code == code
    assert d.location is not None and d.location.file is not None
    assert Path(d.location.file).name == "bad.yaml"
    assert (d.location.line, d.location.column) == (line, column), d.format("en")
    if hint is not None:
        assert d.hint is not None and hint in d.hint


def test_every_problem_is_reported_at_once(rules_2018: RuleSet) -> None:
    """Three bad entries give three diagnostics in one error."""
    err = _load(
        "uncertainty:\n  points:\n    - {criterion: nope, uniform: 10}\n"
        "  tiers:\n    - {tier: gioi, uniform: 1}\n  exclude:\n    - {criterion: bang_thong, probability: 2}\n",
        rules_2018,
    )
    found = sorted((d.location.line if d.location else 0, d.code) for d in err.diagnostics)
    assert found == [(5, "E-ANALYSIS-NAME"), (7, "E-ANALYSIS-NAME"), (9, "E-ANALYSIS-SPREAD")]


def test_memory_cap_is_checked_before_any_draw(
    rules_2018: RuleSet, survey_2018: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Too many draws for the cap: E-ANALYSIS-MEMORY at the 'draws' line, no draw run."""
    calls = []
    original = Problem.run

    def counting(self: Problem, *args: object, **kwargs: object) -> object:
        calls.append(args)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Problem, "run", counting)
    spec, _ = load_analysis(
        ANALYSIS_2018.parent / "big.yaml", rules_2018, text=HEAD + "draws: 900000\nmemory_mb: 16\n"
    )
    with pytest.raises(UsageError) as info:
        analyse(rules_2018, survey_2018, analysis=spec)  # type: ignore[arg-type]
    d = info.value.first
    assert d.code == "E-ANALYSIS-MEMORY"
    assert d.location is not None and (d.location.line, d.location.column) == (3, 8)
    # Half of 16 MiB over 44 agencies × 4 bytes: at most 47,662 draws.
    assert d.hint is not None and "at most 47662 draws" in d.hint
    assert calls == []


def test_extends_must_exist(tmp_path: Path) -> None:
    """A missing rule file in 'extends' is located at the 'extends' line."""
    path = tmp_path / "a.yaml"
    path.write_text("udcntt_analysis: 1\nextends: khong-co.yaml\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_analysis(path)
    d = info.value.first
    assert d.code == "E-ANALYSIS-EXTENDS"
    assert d.location is not None and d.location.line == 2


def test_messages_have_vietnamese(rules_2018: RuleSet) -> None:
    """Diagnostics render in Vietnamese with the quoted name kept."""
    err = _load("uncertainty:\n  points:\n    - {criterion: nope, uniform: 10}\n", rules_2018)
    assert "bộ tiêu chí không có tiêu chí 'nope'" in err.format("vi")
