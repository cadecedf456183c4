"""Plugins found through entry points: discovery, ``requires:``, broken and colliding plugins.

Each test builds installed distributions as ``*.dist-info`` folders on ``sys.path`` (what
an installer leaves behind), which :mod:`importlib.metadata` finds like any other.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

import udcntt
from plugin_site import Site, plugin_site
from udcntt.cli import main
from udcntt.extend import discover

PLUGIN_CODE = """
from decimal import Decimal
from udcntt.extend import function

@function(args=("number", "number"), result="number", doc="done / total x 10")
def plugin_share(done, total):
    return done / total * 10
"""

RULES = """\
udcntt: 1
id: plugin_demo
title: Plugin demo
{requires}blocks:
  so: {{label: So}}
indicators:
  done: {{label: Done, type: count, range: [0, 1000]}}
  total: {{label: Total, type: count, range: [1, 1000]}}
criteria:
  - {{id: share, label: Share, max: 10, points: "{call}"}}
tiers:
  levels:
    - {{id: dat, label: Dat}}
"""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with plugin_site(tmp_path, "udcntt.functions", discover) as made:
        yield made


def _rules(tmp_path: Path, call: str = "plugin_share(done, total)", requires: str = "") -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES.format(call=call, requires=requires), encoding="utf-8")
    return path


def _survey(tmp_path: Path) -> Path:
    path = tmp_path / "survey.csv"
    path.write_text("agency_id,name,block,done,total\ns1,One,so,3,4\n", encoding="utf-8")
    return path


def test_entry_point_found_lazily_and_used_from_cli(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site.install(
        "udcntt-share",
        "1.2.0",
        {"plugin_share": "share_plugin:plugin_share"},
        {"share_plugin": PLUGIN_CODE},
    )
    assert main(["--format", "json", "check", "--list-extensions"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)["extensions"]}
    assert rows["plugin_share"]["status"] == "available"
    assert rows["plugin_share"]["distribution"] == "udcntt-share"
    assert "share_plugin" not in sys.modules  # listed from metadata, not imported
    rules_path = _rules(tmp_path, requires='requires: {udcntt-share: ">=1.2,<2"}\n')
    out = tmp_path / "out.json"
    assert main(["score", str(rules_path), str(_survey(tmp_path)), "-o", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["receipt"]["extensions"][0]["distribution"] == "udcntt-share"
    assert result["receipt"]["extensions"][0]["version"] == "1.2.0"
    assert main(["check", "--list-extensions"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "plugin_share" in x)
    assert "udcntt-share" in line and "1.2.0" in line and "share_plugin" in line
    assert line.rstrip().endswith("loaded")


@pytest.mark.parametrize(
    ("requires", "needle"),
    [
        ('requires: {udcntt-share: ">=2"}', "udcntt-share 1.2.0 is installed"),
        ('requires: {udcntt-absent: ">=1"}', "udcntt-absent is not installed"),
        ('requires: {udcntt-share: "about two"}', "is not a version requirement"),
    ],
)
def test_requires_absent_or_wrong_version_is_located(
    site: Site, tmp_path: Path, requires: str, needle: str
) -> None:
    site.install(
        "udcntt-share",
        "1.2.0",
        {"plugin_share": "share_plugin:plugin_share"},
        {"share_plugin": PLUGIN_CODE},
    )
    with pytest.raises(udcntt.RuleFileError) as info:
        udcntt.load_rules(_rules(tmp_path, requires=requires + "\n"))
    first = info.value.first
    assert first.code == "E-REQUIRES"
    assert needle in first.message
    assert first.location is not None and first.location.line == 4


def test_requires_satisfied_through_api(site: Site, tmp_path: Path) -> None:
    site.install(
        "udcntt-share",
        "1.2.0",
        {"plugin_share": "share_plugin:plugin_share"},
        {"share_plugin": PLUGIN_CODE},
    )
    rules = udcntt.load_rules(_rules(tmp_path, requires='requires: {udcntt-share: "~=1.2"}\n'))
    assessment = udcntt.evaluate(rules, udcntt.read_survey(_survey(tmp_path), rules))
    assert assessment.results[0].total == Decimal("7.5")


def test_entry_point_that_fails_to_import(site: Site, tmp_path: Path) -> None:
    site.install(
        "udcntt-broken",
        "0.1",
        {"plugin_share": "broken_plugin:plugin_share"},
        {"broken_plugin": "import no_such_module_anywhere\n"},
    )
    with pytest.raises(udcntt.RuleFileError) as info:
        udcntt.compile_rules(udcntt.load_rules(_rules(tmp_path)))
    first = info.value.first
    assert first.code == "E-EXTENSION"
    assert "udcntt-broken 0.1" in first.message and "cannot be imported" in first.message
    assert "no_such_module_anywhere" in first.message
    assert first.location is not None and first.location.line == 10


def test_entry_point_that_is_not_a_declaration(site: Site, tmp_path: Path) -> None:
    site.install(
        "udcntt-odd",
        "0.1",
        {"plugin_share": "odd_plugin:plugin_share"},
        {"odd_plugin": "def plugin_share(a, b):\n    return a\n"},
    )
    with pytest.raises(udcntt.RuleFileError) as info:
        udcntt.compile_rules(udcntt.load_rules(_rules(tmp_path)))
    assert info.value.code == "E-EXTENSION"
    assert "is not a function declared as 'plugin_share'" in info.value.first.message


def test_two_plugins_registering_one_name(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site.install(
        "udcntt-first",
        "1.0",
        {"plugin_share": "first_plugin:plugin_share"},
        {"first_plugin": PLUGIN_CODE},
    )
    site.install(
        "udcntt-second",
        "2.0",
        {"plugin_share": "second_plugin:plugin_share"},
        {"second_plugin": PLUGIN_CODE},
    )
    discover(refresh=True)
    with pytest.raises(udcntt.RuleFileError) as info:
        udcntt.compile_rules(udcntt.load_rules(_rules(tmp_path)))
    message = info.value.first.message
    assert info.value.code == "E-EXTENSION"
    assert "udcntt-first" in message and "udcntt-second" in message
    assert "first_plugin" not in sys.modules and "second_plugin" not in sys.modules


def test_plugin_cannot_shadow_a_builtin(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site.install(
        "udcntt-shadow",
        "1.0",
        {"ratio": "shadow_plugin:ratio"},
        {"shadow_plugin": "raise RuntimeError('must not be imported')\n"},
    )
    rules = udcntt.load_rules(_rules(tmp_path, call="ratio(done, total, 0) * 10"))
    assessment = udcntt.evaluate(rules, udcntt.read_survey(_survey(tmp_path), rules))
    assert assessment.results[0].total == Decimal("7.5")
    assert main(["check", "--list-extensions"]) == 0
    out = capsys.readouterr().out
    assert "function 'ratio' is declared by both ratio() of built-in and udcntt-shadow" in out
