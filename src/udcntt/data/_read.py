"""The public entry points: :func:`read_survey` and :func:`read_layout`."""

from __future__ import annotations

import gc
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from udcntt.data._columns import head_done
from udcntt.data._dataset import Dataset
from udcntt.data._delimited import open_delimited
from udcntt.data._limits import DEFAULT_LIMITS, Limits, check_size, read_bytes
from udcntt.data._plugins import (
    plugin_table,
    reader_for,
    reader_record,
    reader_suffixes,
    register_reader,
)
from udcntt.data._readers import load_yaml_document, read_json, read_yaml
from udcntt.data._registry import Registry
from udcntt.data._table import Table, fatal
from udcntt.data._text import match_key
from udcntt.data._validate import Builder
from udcntt.data._value_context import ValueContext, parse_locale
from udcntt.errors import (
    DataError,
    Diagnostic,
    ExtensionError,
    Message,
    Severity,
    SourceLocation,
    UsageError,
    did_you_mean,
    msg,
)
from udcntt.extend import ReaderSpec
from udcntt.model import IndicatorType, RuleSet, SurveyFormat, SurveyLayout

__all__ = ["SURVEY_SUFFIXES", "check_layout", "read_layout", "read_survey"]

#: File name endings the built-in readers read (plugins add more: ``register_reader``).
SURVEY_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".json", ".yaml", ".yml")
_UNSUPPORTED = {
    ".xls": msg("an old-format Excel workbook: open it in Excel and save as .xlsx"),
    ".xlsm": msg("a macro-enabled workbook: save it as a plain .xlsx (macros are never run)"),
    ".xlsb": msg("a binary workbook: save it as .xlsx"),
    ".ods": msg("an OpenDocument spreadsheet: save it as .xlsx or CSV"),
}
Policy = Literal["strict", "lenient"]


def read_survey(
    path: str | Path,
    rules: RuleSet,
    *,
    layout: SurveyLayout | None = None,
    registry: Registry | None = None,
    policy: Policy = "strict",
    locale: str | None = None,
    year: int | None = None,
    encoding: str | None = None,
    limits: Limits | None = None,
) -> Dataset:
    """Read a survey file into a :class:`~udcntt.data.Dataset` scored by ``rules``.

    The format follows the file name: ``.csv`` / ``.tsv`` / ``.txt`` (delimited text; the
    delimiter is sniffed among ``,`` ``;`` and tab), ``.xlsx``, ``.json``, ``.yaml`` /
    ``.yml``, and any suffix a plugin reader is registered or installed for
    (:func:`~udcntt.data.register_reader`, entry points ``udcntt.readers``). Tables are wide (one row per agency) or long (one row per value), as the
    layout says.

    Args:
        path: the survey file.
        rules: the rule set whose indicators the survey answers.
        layout: how the workbook is laid out; defaults to ``rules.survey`` when the rule
            set declares one, else to the layout of the template.
        registry: the agencies expected; rows are matched to it by id, name or alias, and
            unknown, duplicate and missing agencies are reported.
        policy: ``strict`` raises on any error; ``lenient`` returns the valid values and
            lists everything else in ``Dataset.diagnostics`` (invalid cells become missing).
        locale: how numbers are written (``vi-VN``); overrides the layout's and the rule
            set's locale.
        year: the survey year recorded in the dataset.
        encoding: the text encoding of a CSV file (``cp1258``); overrides the layout's.
        limits: safety limits (file size, cells, nesting); defaults to :class:`Limits`.

    Returns:
        The agencies with typed values, the validation report in ``diagnostics``, and the
        row accounting ``rows_read == rows_used + rows_rejected``.

    Raises:
        DataError: for a file that cannot be read at all (format, encoding, safety limits,
            no agency column), and, under the strict policy, for any error in the data;
            the error lists every diagnostic found.
        DataError: ``E-EXTENSION`` when the plugin reader of the suffix cannot be
            imported, collides with another, raises or returns something other than rows.
        UsageError: for an unknown policy or locale, or when reading .xlsx without the
            ``excel`` extra installed.
    """
    if policy not in ("strict", "lenient"):
        raise UsageError(
            msg("unknown policy {policy}", policy=repr(policy)),
            hint=msg("use 'strict' or 'lenient'"),
        )
    path = Path(path)
    limits = limits or DEFAULT_LIMITS
    if layout is None:
        declared = getattr(rules, "survey", None)
        layout = declared if isinstance(declared, SurveyLayout) else SurveyLayout()
    problems = check_layout(rules, layout)
    if problems:
        raise DataError.from_diagnostics(problems)
    tables, reader = _read_tables(path, layout, encoding, limits)
    meta: dict[str, str] = {}
    for table in tables:
        meta.update(table.meta)
    locale_name = locale or layout.locale or meta.get("locale") or rules.locale
    if not locale and not layout.locale and "locale" in meta:
        try:  # the file's own locale: a problem of the file, not of the command
            parse_locale(meta["locale"])
        except UsageError as exc:
            raise DataError(
                exc.diagnostics[0].message,
                code="E-DATA-FORMAT",
                location=SourceLocation(file=str(path), path="locale"),
                hint=exc.diagnostics[0].hint,
            ) from exc
    ctx = ValueContext.from_layout(layout, locale_name)
    long = layout.format is SurveyFormat.LONG
    if meta.get("format") == "long" and "format" not in layout.model_fields_set:
        long = True
        layout = layout.model_copy(update={"format": SurveyFormat.LONG})
    builder = Builder(rules, layout, ctx, registry, long=long, sheets_auto=layout.sheet is None)
    # Reading allocates many small acyclic objects (records, values, locations); pausing
    # the cyclic collector meanwhile saves a tenth of the time and changes nothing else.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for table in tables:
            builder.add_table(table)
        agencies = builder.finish()
    finally:
        if collecting:
            gc.enable()
    diags = builder.diags
    if year is None and "year" in meta:
        try:
            year = int(meta["year"])
        except ValueError:
            diags.append(
                Diagnostic(
                    code="E-DATA-FORMAT",
                    message=msg("'year' is not a whole number"),
                    location=SourceLocation(file=str(path), path="year"),
                    value=meta["year"],
                )
            )
    # The survey file's 'synthetic: true', or its registry's: the data are an example.
    synthetic = bool(registry is not None and registry.synthetic)
    if "synthetic" in meta:
        flag = meta["synthetic"].strip().lower()
        if flag in ("true", "false"):
            synthetic = synthetic or flag == "true"
        else:
            diags.append(
                Diagnostic(
                    code="E-DATA-FORMAT",
                    message=msg("'synthetic' is true or false"),
                    location=SourceLocation(file=str(path), path="synthetic"),
                    value=meta["synthetic"],
                )
            )
    if policy == "strict" and any(d.severity is Severity.ERROR for d in diags):
        raise DataError.from_diagnostics(diags)
    return Dataset(
        agencies=tuple(agencies),
        year=year,
        source=str(path),
        synthetic=synthetic,
        diagnostics=tuple(diags),
        rows_read=builder.rows_read,
        rows_used=builder.rows_read - builder.rows_rejected,
        rows_rejected=builder.rows_rejected,
        reader=reader,
    )


def _read_tables(
    path: Path, layout: SurveyLayout, encoding: str | None, limits: Limits
) -> tuple[list[Table], dict[str, str] | None]:
    """The file's tables, and the receipt entry of the plugin reader that read them."""
    suffix = path.suffix.lower()
    loc = SourceLocation(file=str(path))
    if suffix in _UNSUPPORTED:
        raise fatal(
            "E-DATA-FORMAT",
            msg("'{file}' is {kind}", file=path.name, kind=_UNSUPPORTED[suffix]),
            loc,
        )
    try:
        spec = reader_for(suffix)
    except ExtensionError as exc:
        raise fatal("E-EXTENSION", exc.diagnostics[0].message, loc) from exc
    if spec is None:
        raise fatal(
            "E-DATA-FORMAT",
            msg("unknown survey format '{format}'", format=suffix or path.name),
            loc,
            msg("use one of {formats}", formats=", ".join(reader_suffixes())),
        )
    if spec.builtin:
        tables: list[Table] = spec.impl(path, layout, encoding, limits)
        return tables, None
    return [plugin_table(spec, path, read_bytes(path, limits), limits)], reader_record(spec)


def _read_xlsx(
    path: Path, layout: SurveyLayout, encoding: str | None, limits: Limits
) -> list[Table]:
    from udcntt.data._xlsx import read_xlsx

    check_size(path, limits)
    return read_xlsx(path, sheet=layout.sheet, limits=limits)


def _read_json(
    path: Path, layout: SurveyLayout, encoding: str | None, limits: Limits
) -> list[Table]:
    return [read_json(path, read_bytes(path, limits), limits=limits)]


def _read_yaml(
    path: Path, layout: SurveyLayout, encoding: str | None, limits: Limits
) -> list[Table]:
    return [read_yaml(path, read_bytes(path, limits), limits=limits)]


def _read_text(
    path: Path, layout: SurveyLayout, encoding: str | None, limits: Limits
) -> list[Table]:
    # Streamed: the first rows as cells, the rest read column by column (_columnar).
    delimiter = layout.delimiter or ("\t" if path.suffix.lower() == ".tsv" else None)
    table = open_delimited(
        path,
        read_bytes(path, limits),
        encoding=encoding or layout.encoding,
        delimiter=delimiter,
        limits=limits,
        head_done=partial(head_done, layout.header_row),
    )
    return [table]


# The built-in readers, registered through the same path as plugins.
for _suffixes, _impl, _format, _doc in (
    ((".csv", ".tsv", ".txt"), _read_text, "delimited", "Delimited text (CSV, TSV, Unicode text)."),
    ((".xlsx",), _read_xlsx, "xlsx", "Excel workbooks (needs the excel extra)."),
    ((".json",), _read_json, "json", "JSON records."),
    ((".yaml", ".yml"), _read_yaml, "yaml", "YAML records."),
):
    register_reader(
        ReaderSpec(
            suffixes=_suffixes,
            impl=_impl,
            doc=_doc,
            format=_format,
            distribution="udcntt",
            module=__name__,
            builtin=True,
        )
    )


def check_layout(rules: RuleSet, layout: SurveyLayout) -> list[Diagnostic]:
    """Problems of a layout against a rule set (``E-DATA-MAPPING``), empty when it fits."""
    out: list[Diagnostic] = []

    def bad(message: str, path: str, hint: str | None = None) -> None:
        out.append(
            Diagnostic(
                code="E-DATA-MAPPING",
                message=message,
                hint=hint,
                location=SourceLocation(path=f"survey.{path}"),
            )
        )

    for header, spec in layout.columns.items():
        ind = rules.indicators.get(spec.indicator)
        if ind is None:
            bad(
                msg(
                    "column '{header}' maps to unknown indicator '{indicator}'",
                    header=header,
                    indicator=spec.indicator,
                ),
                f"columns.{header}",
                did_you_mean(spec.indicator, rules.indicators),
            )
            continue
        if spec.unit and ind.unit and match_key(spec.unit) != match_key(ind.unit):
            bad(
                msg(
                    "column '{header}' is in '{unit}' but indicator '{indicator}' is in '{indicator_unit}'",
                    header=header,
                    unit=spec.unit,
                    indicator=spec.indicator,
                    indicator_unit=ind.unit,
                ),
                f"columns.{header}.unit",
                msg("declare a numeric 'scale' to convert, and the indicator's unit"),
            )
        numeric = (IndicatorType.COUNT, IndicatorType.NUMBER, IndicatorType.RATIO)
        if spec.scale is not None and ind.type not in numeric:
            bad(
                msg(
                    "column '{header}' has a scale but '{indicator}' is not a number",
                    header=header,
                    indicator=spec.indicator,
                ),
                f"columns.{header}.scale",
            )
    for sheet, block in layout.sheet_blocks.items():
        if block not in rules.blocks:
            bad(
                msg("sheet '{sheet}' maps to unknown block '{block}'", sheet=sheet, block=block),
                f"sheet_blocks.{sheet}",
                did_you_mean(block, rules.blocks),
            )
    if layout.locale is not None:
        try:
            parse_locale(layout.locale)
        except UsageError as exc:
            bad(
                msg("unknown locale '{locale}'", locale=layout.locale),
                "locale",
                exc.diagnostics[0].hint if exc.diagnostics else None,
            )
    return out


def read_layout(path: str | Path, *, limits: Limits | None = None) -> SurveyLayout:
    """Read a survey layout from a YAML file (the mapping itself, or under ``survey:``).

    Raises:
        DataError: ``E-DATA-MAPPING`` for a malformed layout (every problem listed, with
            line and column), or a YAML error.
    """
    path = Path(path)
    data = read_bytes(path, limits or DEFAULT_LIMITS)
    doc, locate, _machine = load_yaml_document(path, data)
    root: tuple[str | int, ...] = ()
    if isinstance(doc, dict) and set(doc) == {"survey"}:
        doc, root = doc["survey"], ("survey",)
    try:
        return SurveyLayout.model_validate(doc)
    except ValidationError as exc:
        diags = []
        for err in exc.errors():
            where: tuple[str | int, ...] = (*root, *err["loc"])
            loc = locate(where)
            diags.append(
                Diagnostic(
                    code="E-DATA-MAPPING",
                    message=_pydantic_message(err),
                    location=replace(loc, path=".".join(str(p) for p in where) or None),
                )
            )
        raise DataError.from_diagnostics(diags) from exc


def _pydantic_message(err: Any) -> str:
    if err.get("type") == "extra_forbidden":
        return msg("unknown key '{key}'", key=err["loc"][-1])
    if err.get("type") == "missing":
        return msg("missing key '{key}'", key=err["loc"][-1])
    raised = (err.get("ctx") or {}).get("error")
    if isinstance(raised, ValueError) and raised.args and isinstance(raised.args[0], Message):
        return raised.args[0]  # the model's own, translatable message
    return str(err.get("msg", "invalid value")).removeprefix("Value error, ")
