"""Write an assessment in the format its file name asks for.

``.json`` and ``.csv`` need nothing beyond udcntt; ``.md`` neither; ``.xlsx`` needs
openpyxl (``udcntt[excel]``), ``.docx`` python-docx (``udcntt[docx]``), ``.html`` jinja2
(``udcntt[html]``). Text formats are written as UTF-8 with ``\\n`` line ends on every
platform, so the same assessment gives byte-identical files.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

from udcntt.errors import UsageError
from udcntt.evaluation import Assessment
from udcntt.report._format import check_lang

__all__ = ["REPORT_FORMATS", "available_formats", "render_report", "write_report"]

#: Every extension :func:`write_report` knows, with the module it needs (``None``: none).
REPORT_FORMATS: dict[str, str | None] = {
    ".json": None,
    ".csv": None,
    ".md": None,
    ".xlsx": "openpyxl",
    ".docx": "docx",
    ".html": "jinja2",
}


def available_formats() -> list[str]:
    """The extensions whose optional dependencies are installed, in a fixed order."""
    return [
        ext
        for ext, module in REPORT_FORMATS.items()
        if module is None or importlib.util.find_spec(module) is not None
    ]


def _json(assessment: Assessment, lang: str) -> bytes:
    from udcntt.report._json import assessment_to_json

    return assessment_to_json(assessment).encode("utf-8")


def _csv(assessment: Assessment, lang: str) -> bytes:
    from udcntt.report._csv import assessment_to_csv

    return assessment_to_csv(assessment).encode("utf-8")


def _md(assessment: Assessment, lang: str) -> bytes:
    from udcntt.report._markdown import assessment_to_markdown

    return assessment_to_markdown(assessment, lang=lang).encode("utf-8")


def _xlsx(assessment: Assessment, lang: str) -> bytes:
    from udcntt.report._xlsx import assessment_to_xlsx

    return assessment_to_xlsx(assessment, lang=lang)


def _docx(assessment: Assessment, lang: str) -> bytes:
    from udcntt.report._docx import assessment_to_docx

    return assessment_to_docx(assessment, lang=lang)


def _html(assessment: Assessment, lang: str) -> bytes:
    from udcntt.report._html import assessment_to_html

    return assessment_to_html(assessment, lang=lang).encode("utf-8")


_WRITERS: dict[str, Callable[[Assessment, str], bytes]] = {
    ".json": _json,
    ".csv": _csv,
    ".md": _md,
    ".xlsx": _xlsx,
    ".docx": _docx,
    ".html": _html,
}


def render_report(assessment: Assessment, fmt: str, *, lang: str = "vi") -> bytes:
    """The bytes of the report in format ``fmt`` (an extension such as ``".xlsx"``).

    Raises:
        UsageError: ``E-USAGE`` for an unknown format or language, or when the format's
            optional dependency is not installed.
    """
    check_lang(lang)
    ext = fmt.lower() if fmt.startswith(".") else f".{fmt.lower()}"
    writer = _WRITERS.get(ext)
    if writer is None:
        raise UsageError(
            f"unknown report format {fmt!r}",
            code="E-USAGE",
            hint=f"name the output file with one of: {', '.join(REPORT_FORMATS)}",
        )
    return writer(assessment, lang)


def write_report(assessment: Assessment, path: Path, *, lang: str = "vi") -> None:
    """Write ``assessment`` to ``path`` in the format its extension names.

    ``.json`` (with traces and receipt), ``.csv``, ``.md``, ``.xlsx``, ``.docx``, ``.html``.

    Raises:
        UsageError: ``E-USAGE`` for an unknown extension or language, or a missing optional
            dependency; ``E-IO`` when the file cannot be written.
    """
    target = Path(path)
    if not target.suffix:
        raise UsageError(
            f"cannot tell the report format of {str(target)!r}: the name has no extension",
            code="E-USAGE",
            hint=f"use one of: {', '.join(REPORT_FORMATS)}",
        )
    data = render_report(assessment, target.suffix, lang=lang)
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise UsageError(
            f"cannot write {str(target)!r}: {exc.strerror or exc}",
            code="E-IO",
            hint="check that the folder exists and is writable",
        ) from exc
