"""Report writers as extensions: registration, entry points, collisions and the boundary.

Entry-point tests build installed distributions as ``*.dist-info`` folders on ``sys.path``
(what an installer leaves behind), which :mod:`importlib.metadata` finds like any other.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import udcntt
from plugin_site import Site, plugin_site
from udcntt.cli import main
from udcntt.errors import ExtensionError
from udcntt.extend import (
    WriterSpec,
    discover_writers,
    register_writer,
    unregister_writer,
    writer,
)

RULES = """\
udcntt: 1
id: writer_demo
title: Writer demo
blocks:
  so: {label: So}
indicators:
  done: {label: Done, type: count, range: [0, 1000]}
criteria:
  - {id: share, label: Share, max: 10, points: "min(done, 10)"}
tiers:
  levels:
    - {id: dat, label: Dat}
"""

PLUGIN_CODE = """
from udcntt.extend import writer

@writer(suffix=".tsv", doc="Totals as tab-separated text", binary=False)
def tsv(assessment, lang):
    for agency in assessment.results:
        yield f"{agency.agency_id}\\t{agency.total}\\t{lang}\\n".encode("utf-8")
"""


def _inputs(tmp_path: Path) -> tuple[Path, Path]:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    survey = tmp_path / "survey.csv"
    survey.write_text("agency_id,name,block,done\ns1,One,so,3\n", encoding="utf-8")
    return rules, survey


@pytest.fixture
def assessment(tmp_path: Path) -> Any:
    rules_path, survey = _inputs(tmp_path)
    rules = udcntt.load_rules(rules_path)
    return udcntt.evaluate(rules, udcntt.read_survey(survey, rules))


def _spec(impl: Callable[[Any, str], Any], binary: bool = True) -> WriterSpec:
    return writer(
        suffix=".demo", doc="demo", binary=binary, distribution="udcntt-demo", version="0.3"
    )(impl)


@pytest.fixture
def demo() -> Iterator[Callable[[WriterSpec], WriterSpec]]:
    made: list[str] = []

    def add(spec: WriterSpec) -> WriterSpec:
        made.append(spec.suffix)
        return register_writer(spec)

    yield add
    for suffix in made:
        unregister_writer(suffix)


def test_builtin_writers_are_registered_like_plugins() -> None:
    rows = {i.name: i for i in discover_writers() if i.kind == "writer"}
    for suffix in (".json", ".csv", ".md", ".xlsx", ".docx", ".html"):
        assert rows[suffix].distribution == "udcntt (built-in)"
        assert rows[suffix].status == "loaded"


def test_registered_writer_used_from_api_and_cli(
    demo: Callable[[WriterSpec], WriterSpec], assessment: Any, tmp_path: Path
) -> None:
    seen: list[str] = []

    def impl(a: Any, lang: str) -> list[bytes]:
        seen.append(lang)
        return [b"agencies=", str(len(a.results)).encode()]

    demo(_spec(impl))
    out = tmp_path / "report.DEMO"
    udcntt.write_report(assessment, out, lang="en")
    assert out.read_bytes() == b"agencies=1"
    assert seen == ["en"]
    rules, survey = _inputs(tmp_path)
    cli_out = tmp_path / "cli.demo"
    assert main(["score", str(rules), str(survey), "-o", str(cli_out)]) == 0
    assert cli_out.read_bytes() == b"agencies=1"
    assert seen == ["en", "vi"]


@pytest.mark.parametrize(
    ("result", "needle"),
    [
        ("text", "returned str, not bytes"),
        (None, "returned None, not bytes"),
        (7, "returned int, not bytes"),
        ([b"ok", "text"], "yielded str, not bytes"),
    ],
)
def test_writer_returning_non_bytes_is_named(
    demo: Callable[[WriterSpec], WriterSpec],
    assessment: Any,
    tmp_path: Path,
    result: object,
    needle: str,
) -> None:
    demo(_spec(lambda a, lang: result))
    out = tmp_path / "r.demo"
    with pytest.raises(ExtensionError) as info:
        udcntt.write_report(assessment, out)
    assert info.value.code == "E-WRITER-EXTENSION"
    text = str(info.value)
    assert needle in text and "udcntt-demo 0.3" in text and str(out) in text
    assert list(tmp_path.glob("*.demo*")) == [] and list(tmp_path.glob(".r*")) == []


def test_writer_raising_half_way_leaves_previous_file(
    demo: Callable[[WriterSpec], WriterSpec], assessment: Any, tmp_path: Path
) -> None:
    def impl(a: Any, lang: str) -> Iterator[bytes]:
        yield b"first half, "
        raise RuntimeError("disk quota of the portal")

    demo(_spec(impl))
    out = tmp_path / "r.demo"
    out.write_bytes(b"previous report")
    with pytest.raises(ExtensionError) as info:
        udcntt.write_report(assessment, out)
    assert info.value.code == "E-WRITER-EXTENSION"
    assert "RuntimeError: disk quota of the portal" in str(info.value)
    assert out.read_bytes() == b"previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["r.demo", "rules.yaml", "survey.csv"]
    )


def test_writer_raising_at_once_is_exit_code_and_message_in_cli(
    demo: Callable[[WriterSpec], WriterSpec], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def impl(a: Any, lang: str) -> bytes:
        raise ValueError("no template")

    demo(_spec(impl))
    rules, survey = _inputs(tmp_path)
    out = tmp_path / "cli.demo"
    code = main(["--lang", "en", "score", str(rules), str(survey), "-o", str(out)])
    assert code != 0
    err = capsys.readouterr().err
    assert "E-WRITER-EXTENSION" in err and "ValueError: no template" in err
    assert "udcntt-demo 0.3" in err
    assert not out.exists()


def test_text_writer_must_give_utf8(
    demo: Callable[[WriterSpec], WriterSpec], assessment: Any, tmp_path: Path
) -> None:
    demo(_spec(lambda a, lang: "café".encode("latin-1"), binary=False))
    with pytest.raises(ExtensionError, match="not UTF-8"):
        udcntt.write_report(assessment, tmp_path / "r.demo")


def test_plugin_cannot_shadow_a_builtin_suffix() -> None:
    spec = writer(suffix="xlsx", doc="my excel", distribution="udcntt-xl", version="1")(
        lambda a, lang: b""
    )
    with pytest.raises(ExtensionError) as info:
        register_writer(spec)
    text = str(info.value)
    assert info.value.code == "E-EXTENSION"
    assert "built-in .xlsx writer" in text and "udcntt-xl 1" in text
    with pytest.raises(ExtensionError):
        unregister_writer(".xlsx")


def test_two_registrations_of_one_suffix(demo: Callable[[WriterSpec], WriterSpec]) -> None:
    demo(_spec(lambda a, lang: b""))
    other = writer(suffix=".demo", doc="x", distribution="udcntt-other", version="2")(
        lambda a, lang: b""
    )
    with pytest.raises(ExtensionError) as info:
        register_writer(other)
    assert "udcntt-demo 0.3" in str(info.value) and "udcntt-other 2" in str(info.value)


def test_bad_declarations() -> None:
    with pytest.raises(ExtensionError, match="not a valid file suffix"):
        writer(suffix=".t/x", doc="x")
    with pytest.raises(ExtensionError, match=r"udcntt\.extend\.writer"):
        register_writer(lambda a, lang: b"")  # type: ignore[arg-type]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with plugin_site(tmp_path, "udcntt.writers", discover_writers) as made:
        yield made


def test_entry_point_found_lazily_and_used_from_cli(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site.install("udcntt-tsv", "1.4.0", {"tsv": "tsv_plugin:tsv"}, {"tsv_plugin": PLUGIN_CODE})
    assert main(["--format", "json", "check", "--list-extensions"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)["extensions"]}
    assert rows[".tsv"]["kind"] == "writer"
    assert rows[".tsv"]["status"] == "available"
    assert rows[".tsv"]["distribution"] == "udcntt-tsv"
    assert "tsv_plugin" not in sys.modules  # listed from metadata, not imported
    rules, survey = _inputs(tmp_path)
    out = tmp_path / "totals.tsv"
    assert main(["score", str(rules), str(survey), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == "s1\t3.00\tvi\n"
    assert main(["check", "--list-extensions"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "udcntt-tsv" in x)
    assert ".tsv" in line and "writer" in line and "1.4.0" in line
    assert line.rstrip().endswith("loaded")


def test_entry_point_that_fails_to_import(site: Site, assessment: Any, tmp_path: Path) -> None:
    site.install(
        "udcntt-broken", "0.1", {"pdf": "broken_writer:pdf"}, {"broken_writer": "import nothere\n"}
    )
    with pytest.raises(ExtensionError) as info:
        udcntt.write_report(assessment, tmp_path / "r.pdf")
    text = str(info.value)
    assert info.value.code == "E-EXTENSION"
    assert "udcntt-broken 0.1" in text and "ModuleNotFoundError" in text
    assert not (tmp_path / "r.pdf").exists()


def test_entry_point_that_is_not_a_writer(site: Site, assessment: Any, tmp_path: Path) -> None:
    site.install("udcntt-odd", "0.1", {"pdf": "odd_writer:pdf"}, {"odd_writer": "pdf = 3\n"})
    with pytest.raises(ExtensionError, match=r"not a writer declared for '\.pdf'"):
        udcntt.write_report(assessment, tmp_path / "r.pdf")


def test_two_plugins_one_suffix(site: Site, assessment: Any, tmp_path: Path) -> None:
    code = PLUGIN_CODE
    site.install("udcntt-tsv-a", "1", {"tsv": "tsv_a:tsv"}, {"tsv_a": code})
    site.install("udcntt-tsv-b", "2", {"tsv": "tsv_b:tsv"}, {"tsv_b": code})
    with pytest.raises(ExtensionError) as info:
        udcntt.write_report(assessment, tmp_path / "r.tsv")
    text = str(info.value)
    assert "udcntt-tsv-a" in text and "udcntt-tsv-b" in text
    assert "tsv_a" not in sys.modules and "tsv_b" not in sys.modules


def test_entry_point_cannot_shadow_a_builtin(site: Site, assessment: Any, tmp_path: Path) -> None:
    site.install("udcntt-xl", "1", {"xlsx": "xl_writer:xlsx"}, {"xl_writer": "xlsx = None\n"})
    rows = {(i.name, i.distribution): i for i in discover_writers()}
    broken = rows[(".xlsx", "?")]
    assert "built-in .xlsx writer" in broken.status and "udcntt-xl" in broken.status
    out = tmp_path / "r.md"
    udcntt.write_report(assessment, out)  # built-ins unaffected
    assert out.stat().st_size > 0
    assert "xl_writer" not in sys.modules
