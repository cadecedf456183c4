"""The rule-file loader: strict YAML, located errors, hostile input, no foreign exceptions."""

from __future__ import annotations

import contextlib
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import udcntt
from udcntt.errors import RuleFileError, UdcnttError
from udcntt.loading import parse_yaml

MINIMAL = """udcntt: 1
id: t
title: T
blocks: {a: {label: A}}
indicators: {n: {label: N, type: count}}
criteria: [{id: c, label: C, max: 10, points: "min(n, 10)"}]
tiers: {levels: [{id: x, label: X}]}
"""


def _load(text: str | bytes, name: str = "t.yaml") -> udcntt.RuleSet:
    return udcntt.load_rules(name, text=text)


def test_minimal_rule_file_loads() -> None:
    """The smallest complete rule set loads and compiles."""
    rules = _load(MINIMAL)
    assert rules.id == "t"
    assert udcntt.compile_rules(rules).blocks["a"].max_total == 10


@pytest.mark.parametrize(
    ("scalar", "kept"),
    [
        ("no", "no"),
        ("on", "on"),
        ("010", "010"),
        ("00017", "00017"),
        ("3:1", "3:1"),
        ("2024-02-30", "2024-02-30"),
    ],
)
def test_yaml_11_implicit_types_never_change_text(scalar: str, kept: str) -> None:
    """Labels and codes stay exactly as written: no booleans, octals, sexagesimals or dates."""
    doc = parse_yaml(f"label: {scalar}\n")
    assert doc.data["label"] == kept


def test_category_ids_like_no_stay_ids() -> None:
    """A category called 'no' is the text 'no', not False."""
    text = MINIMAL.replace(
        "indicators: {n: {label: N, type: count}}",
        "indicators: {n: {label: N, type: count}, k: {label: K, type: category, categories: [yes_, no]}}",
    )
    rules = _load(text)
    assert rules.indicators["k"].categories == {"yes_": "yes_", "no": "no"}


def test_bom_is_tolerated_and_text_is_nfc() -> None:
    """A UTF-8 BOM is accepted; decomposed Vietnamese is normalised to NFC."""
    decomposed = "Ho\u0300a"  # "Hòa" written as o + combining grave
    text = "\ufeff" + MINIMAL.replace("title: T", f"title: {decomposed}")
    rules = _load(text.encode("utf-8"))
    assert rules.title == "Hòa"


def test_not_utf8_is_located() -> None:
    """Windows-1258 bytes are refused with the line of the first bad byte."""
    with pytest.raises(RuleFileError) as info:
        _load(MINIMAL.replace("title: T", "title: Tài chính").encode("cp1258"))
    assert info.value.code == "E-YAML-ENCODING"
    assert info.value.location is not None and info.value.location.line == 3


def _bounded(text: str | bytes) -> tuple[str, int]:
    tracemalloc.start()
    try:
        _load(text)
    except UdcnttError as exc:
        code = exc.code
    else:  # pragma: no cover - every case here must fail
        code = "no error"
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return code, peak


HOSTILE = {
    "alias-bomb": (
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
        "E-YAML-ALIAS",
    ),
    "deep-nesting": ("a: " + "[" * 10_000 + "]" * 10_000 + "\n", "E-YAML-DEPTH"),
    "deep-mappings": ("".join("  " * i + f"k{i}:\n" for i in range(200)), "E-YAML-DEPTH"),
    "huge-file": ("title: " + "x" * 3_000_000 + "\n", "E-YAML-SIZE"),
    "5mb-expression": (
        MINIMAL.replace('"min(n, 10)"', '"' + "n + " * 1_250_000 + 'n"'),
        "E-YAML-SIZE",
    ),
    "long-expression": (
        MINIMAL.replace('"min(n, 10)"', '"' + "n + " * 20_000 + 'n"'),
        "E-EXPR-LIMIT",
    ),
    "nested-expression": (
        MINIMAL.replace('"min(n, 10)"', '"' + "(" * 10_000 + "n" + ")" * 10_000 + '"'),
        "E-EXPR-LIMIT",
    ),
    "power-bomb": (MINIMAL.replace('"min(n, 10)"', '"9 ** 9 ** 9 ** 9"'), "E-EXPR-POWER"),
    "string-bomb": (MINIMAL.replace('"min(n, 10)"', "\"'a' * 100000000\""), "E-EXPR-TYPE"),
    "sandbox-escape": (
        MINIMAL.replace('"min(n, 10)"', '"().__class__.__bases__[0].__subclasses__()"'),
        "E-EXPR-FORBIDDEN",
    ),
    "import": (
        MINIMAL.replace('"min(n, 10)"', "\"__import__('os').system('id')\""),
        "E-EXPR-FORBIDDEN",
    ),
    "python-tag": ("!!python/object/apply:os.system ['id']\n", "E-YAML-TAG"),
    "control-char-in-id": (MINIMAL.replace("id: t\n", 'id: "t\\x07"\n'), "E-YAML-CHAR"),
    "bidi-in-label": (MINIMAL.replace("title: T", 'title: "T\\u202e"'), "E-YAML-CHAR"),
    "nul-byte": (MINIMAL.replace("title: T", "title: T\x00"), "E-YAML-CHAR"),
    "many-documents": (MINIMAL + "---\n" + MINIMAL, "E-YAML-MULTIDOC"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_rule_files_fail_fast_in_bounded_memory(case: str) -> None:
    """Each hostile file gives its located error within 100 MB (its time is measured in
    benchmarks/fail_fast.py, never asserted here)."""
    text, code = HOSTILE[case]
    got, peak = _bounded(text)
    assert got == code, f"{case}: {got}"
    assert peak < 100 * 2**20, f"{case}: {peak / 2**20:.0f} MB"


def test_errors_name_file_line_and_criterion() -> None:
    """An expression error is printed as file:line:col: error[code] with the criterion."""
    with pytest.raises(RuleFileError) as info:
        _load(MINIMAL.replace('"min(n, 10)"', '"min(m, 10)"'), "rules/x.yaml")
    text = str(info.value)
    assert text.startswith("rules/x.yaml:6:")
    assert "error[E-EXPR-NAME]" in text and "criterion 'c'" in text
    assert "hint:" in text and "n" in text.split("hint:")[1]


def test_extends_resolves_relative_and_detects_cycles(tmp_path: Path) -> None:
    """A file extends a base next to it; two files extending each other are a cycle."""
    (tmp_path / "base.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    child = tmp_path / "sub" / "child.yaml"
    child.write_text(
        "udcntt: 1\nid: child\nextends: ../base.yaml\nmodify: {c: {max: 20, points: 'min(n, 20)'}}\n",
        encoding="utf-8",
    )
    rules = udcntt.load_rules(child)
    assert rules.id == "child" and rules.criterion("c").max == 20
    assert [
        f.path.endswith(name)
        for f, name in zip(rules.source.files, ("child.yaml", "base.yaml"), strict=True)
    ]
    (tmp_path / "a.yaml").write_text("udcntt: 1\nid: a\nextends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("udcntt: 1\nid: b\nextends: a.yaml\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        udcntt.load_rules(tmp_path / "a.yaml")
    assert info.value.code == "E-EXTENDS-CYCLE"


def test_error_in_base_file_points_into_the_base(tmp_path: Path) -> None:
    """A problem inherited from the base rule file is located in the base file."""
    (tmp_path / "base.yaml").write_text(
        MINIMAL.replace('"min(n, 10)"', '"min(q, 10)"'), encoding="utf-8"
    )
    (tmp_path / "child.yaml").write_text(
        "udcntt: 1\nid: child\nextends: base.yaml\n", encoding="utf-8"
    )
    report = udcntt.check_rules(tmp_path / "child.yaml")
    diag = next(d for d in report.diagnostics if d.code == "E-EXPR-NAME")
    assert diag.location is not None and diag.location.file is not None
    assert diag.location.file.endswith("base.yaml") and diag.location.line == 6


def test_check_collects_every_problem() -> None:
    """Check mode reports all problems of a file at once, not only the first."""
    text = MINIMAL.replace('"min(n, 10)"', '"min(q, 10)"').replace(
        "title: T\n", "title: T\nbogus: 1\n"
    )
    report = udcntt.check_rules("x.yaml", text=text)
    codes = {d.code for d in report.diagnostics}
    assert "E-SCHEMA-UNKNOWN-KEY" in codes


@given(st.text(max_size=400))
def test_arbitrary_text_raises_only_udcntt_errors(text: str) -> None:
    """Whatever text arrives, the loader answers with a rule set or an UdcnttError."""
    with contextlib.suppress(UdcnttError):
        _load(text)


_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=20), st.floats(allow_nan=True)
)
_yaml_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
_keys = st.sampled_from(
    [
        "udcntt",
        "id",
        "title",
        "blocks",
        "indicators",
        "derived",
        "criteria",
        "tiers",
        "tests",
        "extends",
        "scale",
        "rounding",
        "relations",
    ]
)


@given(st.dictionaries(_keys, _yaml_values, max_size=8))
def test_arbitrary_yaml_raises_only_udcntt_errors(data: dict[str, object]) -> None:
    """Structurally random rule files give UdcnttErrors, never a foreign exception."""
    text = yaml.safe_dump(data, allow_unicode=True)
    with contextlib.suppress(UdcnttError):
        _load(text)


@given(st.text(max_size=200))
def test_arbitrary_expression_text_raises_only_udcntt_errors(expr: str) -> None:
    """Any expression text inside a valid rule file gives a result or an UdcnttError."""
    text = MINIMAL.replace(
        '"min(n, 10)"',
        yaml.safe_dump(expr, allow_unicode=True, width=10_000).strip().removesuffix("...").strip(),
    )
    with contextlib.suppress(UdcnttError):
        _load(text)
