"""write_report chooses the format by extension; unknown ones and missing extras are clear."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest

import udcntt
from udcntt.errors import UsageError
from udcntt.report import (
    REPORT_FORMATS,
    available_formats,
    load_assessment,
    render_report,
    write_report,
)


def test_available_formats_lists_everything_installed() -> None:
    """With all extras installed every format is available, in a fixed order."""
    assert available_formats() == [".json", ".csv", ".md", ".xlsx", ".docx", ".html"]
    assert list(REPORT_FORMATS) == available_formats()


def test_available_formats_without_extras(monkeypatch: pytest.MonkeyPatch) -> None:
    """A format whose dependency is missing is not offered."""
    real = importlib.util.find_spec

    def find_spec(name: str, *args: object) -> object:
        return None if name in {"openpyxl", "docx"} else real(name)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    assert available_formats() == [".json", ".csv", ".md", ".html"]


@pytest.mark.parametrize("ext", [".json", ".csv", ".md", ".xlsx", ".docx", ".html"])
def test_write_each_format(small: udcntt.Assessment, tmp_path: Path, ext: str) -> None:
    """Each extension gives its format, and the file reads back as that format."""
    path = tmp_path / f"ket-qua-2017{ext.upper() if ext == '.md' else ext}"
    write_report(small, path, lang="vi")
    data = path.read_bytes()
    assert data
    if ext == ".json":
        assert load_assessment(path).by_id("stc").total == small.by_id("stc").total
        assert json.loads(data)["schema"] == "udcntt-assessment"
    elif ext == ".csv":
        assert data.decode("utf-8").startswith("agency_id,name,block,total")
    elif ext == ".md":
        assert data.decode("utf-8").startswith("# Kết quả")
    elif ext == ".xlsx":
        import openpyxl

        assert "Kiểm tra dữ liệu" in openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    elif ext == ".docx":
        import docx

        assert docx.Document(io.BytesIO(data)).paragraphs[0].text == "PHỤ LỤC"
    else:
        assert data.decode("utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("name", ["ket-qua.pdf", "ket-qua.xls", "ket-qua"])
def test_unknown_extension(small: udcntt.Assessment, tmp_path: Path, name: str) -> None:
    """An extension udcntt does not write is a usage error naming the ones it does."""
    with pytest.raises(UsageError) as info:
        write_report(small, tmp_path / name)
    assert info.value.code == "E-USAGE"
    assert ".xlsx" in (info.value.hint or "")
    assert not (tmp_path / name).exists()


def test_unknown_language(small: udcntt.Assessment, tmp_path: Path) -> None:
    """lang must be 'vi' or 'en'."""
    with pytest.raises(UsageError):
        write_report(small, tmp_path / "a.md", lang="fr")


def test_unwritable_path(small: udcntt.Assessment, tmp_path: Path) -> None:
    """A folder that does not exist gives E-IO, not a traceback."""
    with pytest.raises(UsageError) as info:
        write_report(small, tmp_path / "missing" / "a.md")
    assert info.value.code == "E-IO"


@pytest.mark.parametrize(
    ("ext", "module", "extra"),
    [(".xlsx", "openpyxl", "excel"), (".docx", "docx", "docx"), (".html", "jinja2", "html")],
)
def test_missing_dependency_hint(
    small: udcntt.Assessment, monkeypatch: pytest.MonkeyPatch, ext: str, module: str, extra: str
) -> None:
    """Without the optional dependency the error says which extra to install."""
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(UsageError) as info:
        render_report(small, ext)
    assert info.value.code == "E-USAGE"
    assert f"udcntt[{extra}]" in (info.value.hint or "")
