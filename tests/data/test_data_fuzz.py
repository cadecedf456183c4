"""Property tests: arbitrary bytes and text fed to the readers give only udcntt errors."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from udcntt.data import read_registry, read_survey
from udcntt.errors import UdcnttError
from udcntt.model import RuleSet

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

CSV_ALPHABET = st.sampled_from(
    list('id,name,block;staff_total\t"\n\r x0123456789.%-ĐđÐờòaCó/KAD\x00\ufeff\x1b\u202e\u043e')
)
JSON_TEXT = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(["so_nganh", "staff_total", "1.537", "12,5", "75%", "N/A", "Có"])
    | st.sampled_from(["S\u202eA", "\ud800", "H\u043e\u0302\u0300", "\x1b[2J"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "name",
                    "block",
                    "values",
                    "agencies",
                    "staff_total",
                    "pc_ratio",
                    "year",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


def attempt(path: Path, rules: RuleSet) -> None:
    """Read ``path`` under both policies; only udcntt's own errors may escape."""
    for policy in ("strict", "lenient"):
        with contextlib.suppress(UdcnttError):
            read_survey(path, rules, policy=policy)  # type: ignore[arg-type]


@SETTINGS
@given(data=st.binary(max_size=400))
@pytest.mark.parametrize("suffix", [".csv", ".json", ".yaml", ".xlsx"])
def test_random_bytes(rules: RuleSet, tmp_path: Path, suffix: str, data: bytes) -> None:
    """Random bytes in any supported format raise only UdcnttError."""
    path = tmp_path / f"s{suffix}"
    path.write_bytes(data)
    attempt(path, rules)


@SETTINGS
@given(text=st.text(CSV_ALPHABET, max_size=300))
def test_random_csv_text(rules: RuleSet, tmp_path: Path, text: str) -> None:
    """CSV-like random text raises only UdcnttError."""
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    attempt(path, rules)


@SETTINGS
@given(doc=JSON_TEXT)
def test_random_json_documents(rules: RuleSet, tmp_path: Path, doc: object) -> None:
    """Random JSON documents raise only UdcnttError."""
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc, allow_nan=True), encoding="utf-8")
    attempt(path, rules)
    reg = tmp_path / "r.json"
    reg.write_text(json.dumps(doc, allow_nan=True), encoding="utf-8")
    with contextlib.suppress(UdcnttError):
        read_registry(reg)


@SETTINGS
@given(text=st.text(max_size=200))
def test_random_text_registry(tmp_path: Path, text: str) -> None:
    """Random text as a YAML or CSV registry raises only UdcnttError."""
    for suffix in (".yaml", ".csv"):
        path = tmp_path / f"r{suffix}"
        path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        with contextlib.suppress(UdcnttError):
            read_registry(path)
