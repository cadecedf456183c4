"""Writing an analysis: JSON, an XLSX workbook (openpyxl) or an HTML page, by extension.

Files are written atomically (:func:`udcntt.report.write_atomic`); text from the survey is
neutralised in spreadsheet cells (a leading ``= + - @`` cannot become a formula).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from udcntt._words import check_lang, word
from udcntt.analysis._analyse import analysis_to_json
from udcntt.analysis._html import analysis_to_html
from udcntt.analysis._narrative import narrative
from udcntt.errors import UsageError, msg
from udcntt.report import neutralise, write_atomic

if TYPE_CHECKING:
    from udcntt.analysis._analyse import AnalysisResult

__all__ = ["ANALYSIS_FORMATS", "analysis_to_xlsx", "write_analysis"]

#: The suffixes :func:`write_analysis` knows.
ANALYSIS_FORMATS = (".json", ".xlsx", ".html")

_COLUMNS = {
    "ranks": (
        "block",
        "agency_id",
        "agency",
        "rank",
        "median",
        "p5",
        "p95",
        "tier",
        "tier_p",
        "change",
        "sign_p",
    ),
    "sobol": ("input", "first", "first_conf", "total", "total_conf"),
    "oat": ("scenario", "input", "choice", "mean_shift", "max_shift", "tier_changes"),
    "coherence": (
        "block",
        "criterion",
        "group",
        "pearson_group",
        "pearson_total",
        "spearman_total",
        "nominal_weight",
        "effective_weight",
        "ratio",
    ),
}
_SHEETS = ("ranks", "sobol", "oat", "coherence", "findings")


def _cell(v: Any) -> Any:
    return neutralise(v) if isinstance(v, str) else v


def analysis_to_xlsx(result: AnalysisResult, lang: str = "vi") -> bytes:
    """The analysis as an XLSX workbook: intervals, Sobol, one-at-a-time, coherence, findings.

    Raises:
        UsageError: when openpyxl (the ``excel`` extra) is not installed.
    """
    try:
        from openpyxl import Workbook
    except ImportError as exc:  # pragma: no cover - openpyxl is in the analysis extra
        raise UsageError(
            msg("writing .xlsx needs openpyxl"), hint=msg("pip install 'udcntt[excel]'")
        ) from exc
    check_lang(lang)
    h: dict[str, tuple[str, ...]] = {
        part: tuple(word(f"analysis.col.{c}", lang) for c in cols)
        for part, cols in _COLUMNS.items()
    }
    h["sheets"] = tuple(word(f"analysis.sheet.{s}", lang) for s in _SHEETS)
    names = {r.agency_id: r.name for r in result.assessment.results}
    book = Workbook()
    ws = book.active
    if ws is None:  # pragma: no cover - a new workbook always has a sheet
        ws = book.create_sheet()
    ws.title = h["sheets"][0]
    ws.append(h["ranks"])
    for i in result.intervals:
        ws.append(
            [
                _cell(i.block),
                _cell(i.agency),
                _cell(names.get(i.agency, i.agency)),
                i.rank,
                i.median_rank,
                i.low,
                i.high,
                _cell(i.tier),
                i.tier_probability.get(i.tier),
                i.rank_change,
                i.same_sign,
            ]
        )
    ws = book.create_sheet(h["sheets"][1])
    ws.append(h["sobol"])
    for s in result.sobol:
        ws.append([_cell(s.name), s.first, s.first_conf, s.total, s.total_conf])
    ws = book.create_sheet(h["sheets"][2])
    ws.append(h["oat"])
    for o in result.one_at_a_time:
        ws.append(
            [
                _cell(o.scenario),
                _cell(o.factor),
                _cell(o.choice),
                o.mean_shift,
                o.max_shift,
                o.tier_changes,
            ]
        )
    ws = book.create_sheet(h["sheets"][3])
    ws.append(h["coherence"])
    for c in result.coherence:
        for e in c.criteria:
            ws.append(
                [
                    _cell(c.block),
                    _cell(e["id"]),
                    _cell(e["group"]),
                    e["pearson_group"],
                    e["pearson_total"],
                    e["spearman_total"],
                    e["nominal_weight"],
                    e["effective_weight"],
                    e["ratio"],
                ]
            )
    ws = book.create_sheet(h["sheets"][4])
    for sentence in narrative(result, lang):
        ws.append([_cell(sentence)])
    for sheet in book.worksheets:
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_analysis(result: AnalysisResult, path: str | Path, *, lang: str = "vi") -> None:
    """Write ``result`` to ``path`` in the format its extension names.

    Raises:
        UsageError: for an unknown extension (``E-USAGE``) or a file that cannot be
            written (``E-IO``).
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".json":
        data = analysis_to_json(result).encode("utf-8")
    elif suffix == ".html":
        data = analysis_to_html(result, lang).encode("utf-8")
    elif suffix == ".xlsx":
        data = analysis_to_xlsx(result, lang)
    else:
        raise UsageError(
            msg("unknown output format '{suffix}'", suffix=suffix or target.name),
            hint=msg("use one of: {formats}", formats=", ".join(ANALYSIS_FORMATS)),
        )
    write_atomic(target, data)
