"""Write an assessment in the format its file name asks for.

``.json`` and ``.csv`` need nothing beyond udcntt; ``.md`` neither; ``.xlsx`` needs
openpyxl (``udcntt[excel]``), ``.docx`` python-docx (``udcntt[docx]``), ``.html`` jinja2
(``udcntt[html]``). Text formats are written as UTF-8 with ``\\n`` line ends on every
platform, so the same assessment gives byte-identical files.

Every file udcntt writes (reports, templates, schemas) goes through :func:`atomic_output`:
it is written to a temporary file in the target's folder and renamed over the target only
when complete, so an interrupted or failed write never leaves a truncated file, and an
existing file stays as it was.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from udcntt._writers import WriterSpec, lookup_writer, register_writer, run_writer, writer_suffixes
from udcntt.errors import UsageError, msg
from udcntt.evaluation import Assessment
from udcntt.report._csv import check_csv_style
from udcntt.report._format import check_lang

__all__ = [
    "REPORT_FORMATS",
    "atomic_output",
    "available_formats",
    "check_output_folder",
    "render_report",
    "write_atomic",
    "write_report",
]

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


def _json(assessment: Assessment, lang: str, traces: bool = False) -> Iterable[bytes]:
    from udcntt.report._json import json_chunks

    return json_chunks(assessment, traces=traces)


def _csv(assessment: Assessment, lang: str, style: str = "excel") -> bytes:
    from udcntt.report._csv import assessment_to_csv

    return assessment_to_csv(assessment, style=style).encode("utf-8")


def _chunks(
    spec: WriterSpec,
    assessment: Assessment,
    lang: str,
    target: object,
    csv_style: str,
    traces: bool = False,
) -> Iterable[bytes]:
    """The writer's output; the built-in CSV writer in ``csv_style``, the built-in JSON
    writer streamed agency by agency, with traces when ``traces``."""
    if spec.builtin and spec.suffix == ".csv":
        return [_csv(assessment, lang, csv_style)]
    if spec.impl is _json:
        return _json(assessment, lang, traces)
    return run_writer(spec, assessment, lang, target)


def _md(assessment: Assessment, lang: str) -> bytes:
    from udcntt.report._markdown import assessment_to_markdown

    return assessment_to_markdown(assessment, lang=lang).encode("utf-8")


def _xlsx(assessment: Assessment, lang: str) -> Iterable[bytes]:
    from udcntt.report._xlsx import xlsx_chunks

    return xlsx_chunks(assessment, lang=lang)


def _docx(assessment: Assessment, lang: str) -> bytes:
    from udcntt.report._docx import assessment_to_docx

    return assessment_to_docx(assessment, lang=lang)


def _html(assessment: Assessment, lang: str) -> Iterable[bytes]:
    from udcntt.report._html import html_bytes

    return html_bytes(assessment, lang=lang)


for _suffix, _impl, _doc, _binary in (
    (".json", _json, "Results and receipt, traces with --traces (JSON)", False),
    (".csv", _csv, "One row per agency (CSV)", False),
    (".md", _md, "Published report (Markdown)", False),
    (".xlsx", _xlsx, "Published report (Excel workbook)", True),
    (".docx", _docx, "Published report (Word document)", True),
    (".html", _html, "Published report (HTML page)", False),
):
    register_writer(
        WriterSpec(
            suffix=_suffix,
            impl=_impl,
            doc=_doc,
            binary=_binary,
            builtin=True,
            distribution="udcntt",
            module=__name__,
            needs=REPORT_FORMATS[_suffix],
        )
    )


def render_report(
    assessment: Assessment,
    fmt: str,
    *,
    lang: str = "vi",
    csv_style: str = "excel",
    traces: bool = False,
) -> bytes:
    """The bytes of the report in format ``fmt`` (an extension such as ``".xlsx"``);
    ``csv_style`` is the style of ``.csv`` (``excel``, ``vi`` or ``plain``, see
    :func:`~udcntt.report.assessment_to_csv`); ``traces`` adds each agency's trace to
    ``.json``.

    Plugin writers (``udcntt.writers`` entry points, or :func:`udcntt.extend.register_writer`)
    are used for their suffixes like the built-in ones.

    Raises:
        UsageError: ``E-USAGE`` for an unknown format, language or CSV style, or when the
            format's optional dependency is not installed.
        ExtensionError: ``E-EXTENSION`` when the format's plugin cannot be loaded;
            ``E-WRITER-EXTENSION`` when a plugin writer fails or returns something other
            than bytes.
    """
    check_lang(lang)
    check_csv_style(csv_style)
    return b"".join(_chunks(_writer(fmt), assessment, lang, fmt, csv_style, traces))


def _writer(fmt: str) -> WriterSpec:
    spec = lookup_writer(fmt)
    if spec is None:
        raise UsageError(
            msg("unknown report format '{format}'", format=fmt),
            code="E-USAGE",
            hint=msg(
                "name the output file with one of: {formats}",
                formats=", ".join(writer_suffixes()),
            ),
        )
    return spec


def _io_error(target: Path, exc: OSError) -> UsageError:
    return UsageError(
        msg("cannot write '{path}': {reason}", path=target, reason=exc.strerror or exc),
        code="E-IO",
        hint=msg("check that the folder exists and is writable"),
    )


def check_output_folder(path: str | Path) -> None:
    """Check, before any work, that ``path`` can be created: its folder exists.

    Raises:
        UsageError: ``E-IO`` when the folder is missing or is not a folder, or when
            ``path`` itself is a folder.
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(
            msg(
                "cannot write '{path}': the folder '{folder}' does not exist",
                path=target,
                folder=folder,
            ),
            code="E-IO",
            hint=msg("create the folder first, or choose another output path"),
        )
    if target.is_dir():
        raise UsageError(
            msg("cannot write '{path}': it is a folder", path=target),
            code="E-IO",
            hint=msg("name a file, with an extension that gives its format"),
        )


def _mode_for(target: Path) -> int:
    """The permissions the file gets: the existing file's, else what the umask allows."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """A temporary path in ``path``'s folder, renamed to ``path`` when the block succeeds.

    The temporary name keeps the extension (writers choose their format by it). On any
    exception the temporary file is removed and ``path`` is left as it was.

    Raises:
        UsageError: ``E-IO`` when the temporary file cannot be created or renamed.
    """
    target = Path(path)
    try:
        fd, name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}"
        )
    except OSError as exc:
        raise _io_error(target, exc) from exc
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _io_error(target, exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` (bytes, or chunks of bytes) to ``path`` atomically.

    Raises:
        UsageError: ``E-IO`` when the file cannot be written.
    """
    chunks = [data] if isinstance(data, bytes) else data
    with atomic_output(path) as tmp, open(tmp, "wb") as handle:
        for chunk in chunks:
            handle.write(chunk)


def write_report(
    assessment: Assessment,
    path: Path,
    *,
    lang: str = "vi",
    csv_style: str = "excel",
    traces: bool = False,
) -> None:
    """Write ``assessment`` to ``path`` in the format its extension names (``.csv`` in
    ``csv_style``: ``excel`` with a byte-order mark by default, ``vi`` or ``plain``).

    ``.json`` (results and receipt, written agency by agency; each agency's trace too when
    ``traces``), ``.csv``, ``.md``, ``.xlsx``, ``.docx``, ``.html`` (above
    :data:`~udcntt.report._html_pages.HTML_PAGE_AGENCIES` agencies, a summary page and the
    pages of each block next to it, ``NAME-<block>.html``, ``NAME-<block>-2.html``, … of at
    most that many agencies each, in rank order),
    and any suffix a plugin writer is registered or installed for. The file is written to a
    temporary file next to it and renamed into place: a writer that fails half-way leaves
    no partial file and the previous file, if any, unchanged.

    Raises:
        UsageError: ``E-USAGE`` for an unknown extension, language or CSV style, or a
            missing optional dependency; ``E-IO`` when the file cannot be written.
        ExtensionError: ``E-EXTENSION`` when the suffix's plugin cannot be loaded;
            ``E-WRITER-EXTENSION`` when a plugin writer raises or returns something other
            than bytes or an iterable of bytes (the message names plugin and file).
    """
    target = Path(path)
    if not target.suffix:
        raise UsageError(
            msg(
                "cannot tell the report format of '{path}': the name has no extension", path=target
            ),
            code="E-USAGE",
            hint=msg("use one of: {formats}", formats=", ".join(REPORT_FORMATS)),
        )
    check_output_folder(target)
    check_lang(lang)
    check_csv_style(csv_style)
    spec = _writer(target.suffix)
    if spec.impl is _html:
        from udcntt.report._html_pages import pages_needed, write_html_pages

        if pages_needed(assessment):
            write_html_pages(assessment, target, lang=lang)
            return
    write_atomic(target, _chunks(spec, assessment, lang, target, csv_style, traces))
