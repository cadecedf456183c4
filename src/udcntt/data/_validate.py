"""From raw tables to agencies: header plans, agency matching, typed values, the report.

Row accounting: every non-blank row after the header is *read*; it is then either *used*
(it contributed to an agency of the dataset) or *rejected* (it carries a row-level error:
unknown, duplicate or unnamed agency, unknown block, ragged row, unknown indicator or a
repeated value in a long table). ``rows_read == rows_used + rows_rejected`` always holds,
and each rejected row has a diagnostic with its location. Cells of used rows that cannot be
read are listed one by one and become :data:`~udcntt.data.MISSING` (lenient policy).

Values are read by :class:`~udcntt.data._cell_values.ValueReader` (appraisal, evidence);
a wide delimited file is read column by column (:mod:`udcntt.data._columnar`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain

from udcntt.data._agencies import AgencyBook, Rejected
from udcntt.data._cell_values import ValueReader
from udcntt.data._columnar import ragged_row, read_columns
from udcntt.data._columns import Column, HeaderResolver, header_text
from udcntt.data._dataset import AgencyRecord, CellInfo, make_record
from udcntt.data._locale import suggest_locale
from udcntt.data._registry import Registry
from udcntt.data._relations import check_relations
from udcntt.data._table import Cell, Row, Table, column_letter, fatal
from udcntt.data._value_context import ValueContext
from udcntt.errors import DataError, Diagnostic, Severity, SourceLocation, did_you_mean, msg
from udcntt.model import ColumnRole, RuleSet, SurveyLayout

__all__ = ["Builder"]

_ROLE_KINDS = {
    "value": ColumnRole.VALUE,
    "self_assessed": ColumnRole.VALUE,
    "appraised": ColumnRole.APPRAISED,
    "evidence": ColumnRole.EVIDENCE,
}


class Builder(ValueReader):
    """Accumulates the agencies of one survey file, table by table."""

    def __init__(
        self,
        rules: RuleSet,
        layout: SurveyLayout,
        ctx: ValueContext,
        registry: Registry | None,
        *,
        long: bool,
        sheets_auto: bool,
    ) -> None:
        self.rules = rules
        self.layout = layout
        self.ctx = ctx
        self.registry = registry
        self.long = long
        self.sheets_auto = sheets_auto
        self.resolver = HeaderResolver(rules, layout)
        self.diags: list[Diagnostic] = []
        self._warned: set[tuple[str, str | None, str]] = set()
        self.rows_read = self.rows_rejected = 0
        self._columns_seen: set[str] = set()
        self.book = AgencyBook(rules, layout, registry, self._add)
        self.agencies = self.book.agencies

    # -- reporting -------------------------------------------------------------------

    def _add(self, diag: Diagnostic, *, once: bool = False) -> None:
        if once:
            key = (diag.code, diag.agency, diag.message)
            if key in self._warned:
                return
            self._warned.add(key)
        self.diags.append(diag)

    def _reject(self, diag: Diagnostic) -> None:
        self.rows_rejected += 1
        self.diags.append(diag)

    # -- tables ----------------------------------------------------------------------

    def add_table(self, table: Table) -> None:
        """Read one table's rows into agencies.

        Raises:
            DataError: for a table without an agency column (or, long, without an
                indicator and a value column); for a streamed delimited file, the error the
                whole-file reader gives first, if it gives one.
        """
        if table.source is None:
            self._add_table(table)
            return
        try:
            self._add_table(table)
        except DataError:
            table.source.recheck()  # a file-level error of the file comes first, as before
            raise

    def _add_table(self, table: Table) -> None:
        if table.meta.get("skipped") == "hidden":
            self._add(
                Diagnostic(
                    code="W-DATA-SUSPICIOUS",
                    severity=Severity.WARNING,
                    message=msg("sheet '{sheet}' is hidden and was not read", sheet=table.sheet),
                    location=SourceLocation(file=table.file, sheet=table.sheet),
                    hint=msg("unhide it, or name it in the layout (sheet: ...) to read it"),
                )
            )
            return
        if not table.rows:
            return
        found = self.resolver.split_header(table)
        if not found and table.sheet is not None and self.sheets_auto:
            self._add(
                Diagnostic(
                    code="W-DATA-SUSPICIOUS",
                    severity=Severity.WARNING,
                    message=msg(
                        "sheet '{sheet}' was not read: no row of its first rows has an agency column and an indicator column",
                        sheet=table.sheet,
                    ),
                    location=SourceLocation(file=table.file, sheet=table.sheet),
                    hint=msg("name the sheet in the layout (sheet: ...) and its header_row"),
                )
            )
            return
        width = int(table.meta["width"]) if "width" in table.meta else None
        used = self._used(table.rows, width)
        start = len(self.diags)
        columns, planned = self._plan(table, used)
        self.diags.extend(planned)
        kinds = {c.kind for c in columns}
        head_loc = SourceLocation(file=table.file, sheet=table.sheet, row=table.header_row)
        if not kinds & {"id", "name"}:
            raise fatal(
                "E-DATA-HEADER",
                msg("no agency id or name column in the header row"),
                head_loc,
                msg(
                    "name a column 'id' / 'Mã đơn vị' or 'name' / 'Tên đơn vị', or declare id_column / name_column and header_row in the layout"
                ),
            )
        if self.long and (
            "ind_column" not in kinds or not kinds & {"value", "self_assessed", "appraised"}
        ):
            raise fatal(
                "E-DATA-HEADER",
                msg("a long table needs an indicator column and a value column"),
                head_loc,
                msg("name them 'indicator' / 'Chỉ tiêu' and 'value' / 'Giá trị'"),
            )
        cols: dict[str, Column] = {c.kind: c for c in columns if c.kind != "indicator"}
        groups: dict[str, dict[ColumnRole, Column]] = {}
        for col in columns:
            if col.kind == "indicator" and col.indicator is not None:
                role = ColumnRole.VALUE if col.role is ColumnRole.SELF_ASSESSED else col.role
                groups.setdefault(col.indicator, {})[role] = col
        if table.source is None or width is None:
            self._rows(table, table.rows, cols, groups, width)
            return
        # A streamed delimited file: the first rows (cells), then the records (raw text).
        source, head, first = table.source, table.rows, self.layout.first_data_row
        more = source.records(table.stream_after) if table.stream_after is not None else ()
        records = (
            [r for r in chunk if first is None or r[0] >= first]
            for chunk in chain([[(r.number, r.fields or []) for r in head]], more)
        )
        if self.long:
            rows = (source.row(record) for chunk in records for record in chunk)
            seen = used.copy()
            self._rows(table, _noting(rows, width, seen), cols, groups, width)
        else:
            seen = used | read_columns(self, table, cols, groups, width, records)
        if seen != used:  # columns without a header hold values further down
            self.diags[start : start + len(planned)] = self._plan(table, seen)[1]

    def _rows(
        self,
        table: Table,
        rows: Iterable[Row],
        cols: dict[str, Column],
        groups: dict[str, dict[ColumnRole, Column]],
        width: int | None,
    ) -> None:
        for row in rows:
            self.rows_read += 1
            try:
                if row.error is not None:
                    raise Rejected(row.error)
                if width is not None and row.width is not None and row.width != width:
                    raise Rejected(ragged_row(row, width))
                if self.long:
                    self._long_row(table, cols, row)
                else:
                    self._wide_row(table, cols, groups, row)
            except Rejected as rejected:
                self._reject(rejected.diag)

    @staticmethod
    def _used(rows: Iterable[Row], width: int | None) -> set[int]:
        """The columns holding a value in a row of the header's width (ragged rows are
        reported as such, not here)."""
        used: set[int] = set()
        for row in rows:
            if width is None or row.width is None or row.width == width:
                used.update(row.cells)
        return used

    def _plan(self, table: Table, used: set[int]) -> tuple[list[Column], list[Diagnostic]]:
        """The columns read, and the header's diagnostics (columns without a header that
        hold values, unknown and repeated columns)."""
        out: list[Diagnostic] = []
        columns: list[Column] = []
        for index in sorted(used | set(range(len(table.headers)))):
            head = table.headers[index] if index < len(table.headers) else None
            text = header_text(head)
            loc = (
                head.location
                if head is not None
                else SourceLocation(
                    file=table.file,
                    sheet=table.sheet,
                    row=table.header_row,
                    cell_column=column_letter(index + 1),
                )
            )
            if not text:
                if index in used:
                    out.append(
                        Diagnostic(
                            code="E-DATA-HEADER",
                            location=loc,
                            message=msg(
                                "column {column} has values but no header; they are not read",
                                column=column_letter(index + 1),
                            ),
                        )
                    )
                continue
            col = self.resolver.resolve(index, text)
            if col is None:
                ignore = self.layout.unknown_columns == "ignore"
                candidates = [
                    *self.rules.indicators,
                    *(i.label for i in self.rules.indicators.values()),
                ]
                out.append(
                    Diagnostic(
                        code="W-DATA-HEADER-IGNORED" if ignore else "E-DATA-HEADER",
                        value=text,
                        location=loc,
                        severity=Severity.WARNING if ignore else Severity.ERROR,
                        message=msg("unknown column; its values are not read"),
                        hint=did_you_mean(text, candidates)
                        or msg(
                            "name it by an indicator id, label or alias, or map it in the layout"
                        ),
                    )
                )
                continue
            columns.append(col)
        groups: dict[tuple[str, str | None, ColumnRole], list[Column]] = {}
        for col in columns:
            if col.kind == "ignore":
                continue
            role = ColumnRole.VALUE if col.role is ColumnRole.SELF_ASSESSED else col.role
            kind = "value" if col.kind == "self_assessed" else col.kind
            groups.setdefault((kind, col.indicator, role), []).append(col)
        dropped: set[int] = set()
        for (_kind, indicator, _role), cols in groups.items():
            if len(cols) > 1:
                letters = ", ".join(column_letter(c.index + 1) for c in cols)
                for col in cols:
                    dropped.add(col.index)
                    head = table.headers[col.index]
                    out.append(
                        Diagnostic(
                            code="E-DATA-HEADER",
                            indicator=indicator,
                            value=col.header,
                            location=head.location if head else None,
                            message=msg(
                                "columns {letters} hold the same thing; none of them is read",
                                letters=letters,
                            ),
                            hint=msg("delete or rename the extra column"),
                        )
                    )
        kept = [c for c in columns if c.index not in dropped]
        self._columns_seen.update(c.indicator for c in kept if c.indicator)
        return kept, out

    # -- agencies --------------------------------------------------------------------

    def _wide_row(
        self,
        table: Table,
        cols: dict[str, Column],
        groups: dict[str, dict[ColumnRole, Column]],
        row: Row,
    ) -> None:
        agency = self.book.open(self.book.identify(table, row, cols), row.location, reuse=False)
        get = row.cells.get
        for ind_id, group in groups.items():
            self.group_value(agency, ind_id, group, lambda col: get(col.index))

    def _long_row(self, table: Table, cols: dict[str, Column], row: Row) -> None:
        agency = self.book.open(self.book.identify(table, row, cols), row.location, reuse=True)
        ind_cell = row.cells.get(cols["ind_column"].index)
        ind_text = header_text(ind_cell)
        ind_id, candidates = self.resolver.indicator(ind_text) if ind_text else (None, [])
        if ind_id is None:
            raise Rejected(
                Diagnostic(
                    code="E-DATA-ROW",
                    location=ind_cell.location if ind_cell else row.location,
                    agency=agency.id,
                    value=ind_text or None,
                    message=msg("no indicator named")
                    if not ind_text
                    else (
                        msg("names several indicators: {names}", names=", ".join(candidates))
                        if candidates
                        else msg("unknown indicator")
                    ),
                    hint=did_you_mean(ind_text, self.rules.indicators) if ind_text else None,
                )
            )
        if ind_id in agency.cells:
            agency.values.pop(ind_id, None)
            raise Rejected(
                Diagnostic(
                    code="E-DATA-ROW",
                    location=row.location,
                    agency=agency.id,
                    indicator=ind_id,
                    message=msg(
                        "a second value for the same agency and indicator; neither is used"
                    ),
                    hint=msg("keep one row per agency and indicator"),
                )
            )
        self._columns_seen.add(ind_id)
        cells: dict[ColumnRole, Cell | None] = {}
        for kind, role in _ROLE_KINDS.items():
            if kind in cols:
                cells[role] = row.cells.get(cols[kind].index)
        self._value(agency, ind_id, cells, None, None)
        agency.cells.setdefault(ind_id, CellInfo(location=row.location))

    # -- the end ---------------------------------------------------------------------

    def finish(self) -> list[AgencyRecord]:
        """Check relations and registry coverage; return the agencies in input order."""
        self.diags.extend(check_relations(self.rules, self.agencies.values()))
        self.diags[:] = suggest_locale(self.diags, self.ctx, long=self.long)
        self.diags.extend(self.book.missing())
        if not self.long and self.agencies:
            blocks = {a.block for a in self.agencies.values()}
            absent = [
                ind_id
                for ind_id, ind in self.rules.indicators.items()
                if ind_id not in self._columns_seen
                and (ind.blocks is None or bool(blocks & set(ind.blocks)))
            ]
            if absent:
                first = next(iter(self.agencies.values())).location
                self._add(
                    Diagnostic(
                        code="W-DATA-SUSPICIOUS",
                        severity=Severity.WARNING,
                        location=SourceLocation(file=first.file),
                        indicator=absent[0] if len(absent) == 1 else None,
                        message=msg(
                            "no column for {count} indicator(s); their values are missing for every agency",
                            count=len(absent),
                        ),
                        notes=tuple(f"{i}: {self.rules.indicators[i].label}" for i in absent[:50]),
                    )
                )
        out = []
        drafts = self.agencies
        for key in list(drafts):  # each draft let go as its record is made
            a = drafts.pop(key)
            out.append(
                make_record(
                    a.id,
                    a.name,
                    a.block,
                    a.values,
                    a.ranked,
                    a.aliases,
                    a.parent,
                    a.cells,
                    a.location,
                )
            )
        return out


def _noting(rows: Iterable[Row], width: int, used: set[int]) -> Iterator[Row]:
    """``rows``, noting in ``used`` the columns that hold a value in rows of ``width``."""
    for row in rows:
        if row.width is None or row.width == width:
            used.update(row.cells)
        yield row
