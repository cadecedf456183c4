"""write_report chooses the format by extension; unknown ones and missing extras are clear."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import replace
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
        # Excel style by default: a byte-order mark first.
        assert data.decode("utf-8").startswith("\ufeffagency_id,name,block,total")
    elif ext == ".md":
        assert data.decode("utf-8").startswith("# Kết quả")
    elif ext == ".xlsx":
        import openpyxl

        assert "Kiểm tra dữ liệu" in openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    elif ext == ".docx":
        import docx

        # The narrative comes first, the annex after it.
        assert "PHỤ LỤC" in [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
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


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.name)


@pytest.mark.parametrize("ext", [".json", ".xlsx"])
def test_a_write_that_fails_half_way_leaves_the_old_file(
    small: udcntt.Assessment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ext: str
) -> None:
    """A writer that fails after some bytes leaves the previous file byte-identical, no temp."""
    from udcntt import _writers

    path = tmp_path / f"ket-qua{ext}"
    write_report(small, path)
    before = path.read_bytes()

    def broken(assessment: udcntt.Assessment, lang: str) -> Iterator[bytes]:
        yield before[: len(before) // 2]
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(
        _writers.WRITERS.table, ext, replace(_writers.WRITERS.table[ext], impl=broken)
    )
    with pytest.raises(UsageError) as info:
        write_report(small, path)
    assert info.value.code == "E-IO"
    assert path.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_a_failing_render_leaves_no_file(
    small: udcntt.Assessment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception inside a writer propagates, and no output or temporary file appears."""
    from udcntt import _writers

    def broken(assessment: udcntt.Assessment, lang: str) -> Iterator[bytes]:
        yield b"<!DOCTYPE html>"
        raise RuntimeError("template bug")

    monkeypatch.setitem(
        _writers.WRITERS.table, ".html", replace(_writers.WRITERS.table[".html"], impl=broken)
    )
    with pytest.raises(RuntimeError):
        write_report(small, tmp_path / "a.html")
    assert list(tmp_path.iterdir()) == []


def test_written_file_has_ordinary_permissions(small: udcntt.Assessment, tmp_path: Path) -> None:
    """The renamed file is readable by others as a normally created one (not 0600)."""
    path = tmp_path / "a.csv"
    write_report(small, path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_while_writing_leaves_the_old_file(tmp_path: Path) -> None:
    """A process killed in the middle of writing JSON leaves the existing file intact."""
    path = tmp_path / "ket-qua.json"
    path.write_bytes(b'{"old": true}\n')
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from conftest import small_assessment
        from dataclasses import replace
        from udcntt import _writers
        from udcntt.report import write_report

        def dying(assessment, lang):
            yield b'{{"schema": "udcntt-assessment", '
            os.kill(os.getpid(), signal.SIGKILL)

        _writers.WRITERS.table[".json"] = replace(_writers.WRITERS.table[".json"], impl=dying)
        write_report(small_assessment(), {str(path)!r})
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, timeout=120, check=False
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert path.read_bytes() == b'{"old": true}\n'
    # The killed process could not clean up; its partial file is a hidden temporary one.
    assert all(name.startswith(".ket-qua.") for name in _leftovers(tmp_path))
