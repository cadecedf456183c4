"""From raw tables to agencies: header plans, agency matching, typed values, the report.

Row accounting: every non-blank row after the header is *read*; it is then either *used*
(it contributed to an agency of the dataset) or *rejected* (it carries a row-level error:
unknown, duplicate or unnamed agency, unknown block, ragged row, unknown indicator or a
repeated value in a long table). ``rows_read == rows_used + rows_rejected`` always holds,
and each rejected row has a diagnostic with its location. Cells of used rows that cannot be
read are listed one by one and become :data:`~udcntt.data.MISSING` (lenient policy).

Evidence and appraisal: a value may come with a self-assessed figure (the plain column or
``__tu_danh_gia``), an appraised figure (``__tham_dinh``) and an evidence reference
(``__minh_chung``). The appraised figure, when present, is the one scored; every difference
is listed as ``W-DATA-APPRAISED``. A value that claims something (yes, a non-zero number, a
category, a date) whose indicator requires evidence and has none is an error
(``E-DATA-EVIDENCE``) and is not used: councils do not score unsupported figures.
"""

from __future__ import annotations

from decimal import Decimal

from udcntt.data._agencies import AgencyBook, Draft, Rejected
from udcntt.data._columns import Column, HeaderResolver, header_text
from udcntt.data._dataset import MISSING, AgencyRecord, CellInfo, Marker, ValueOrMarker
from udcntt.data._locale import Scale, parse_cell, suggest_locale
from udcntt.data._registry import Registry
from udcntt.data._relations import check_relations
from udcntt.data._relations import shown_value as _shown
from udcntt.data._table import Cell, Row, Table, column_letter, fatal, is_blank
from udcntt.data._value_context import ValueContext
from udcntt.errors import Diagnostic, Severity, SourceLocation, did_you_mean, msg
from udcntt.model import ColumnRole, EvidencePolicy, RuleSet, SurveyLayout

__all__ = ["Builder"]

_ROLE_KINDS = {
    "value": ColumnRole.VALUE,
    "self_assessed": ColumnRole.VALUE,
    "appraised": ColumnRole.APPRAISED,
    "evidence": ColumnRole.EVIDENCE,
}


class Builder:
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
        """Read one table's rows into agencies."""
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
        columns = self._plan(table)
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
        width = int(table.meta["width"]) if "width" in table.meta else None
        cols: dict[str, Column] = {c.kind: c for c in columns if c.kind != "indicator"}
        groups: dict[str, dict[ColumnRole, Column]] = {}
        for col in columns:
            if col.kind == "indicator" and col.indicator is not None:
                role = ColumnRole.VALUE if col.role is ColumnRole.SELF_ASSESSED else col.role
                groups.setdefault(col.indicator, {})[role] = col
        for row in table.rows:
            self.rows_read += 1
            try:
                if row.error is not None:
                    raise Rejected(row.error)
                if width is not None and row.width is not None and row.width != width:
                    raise Rejected(
                        Diagnostic(
                            code="E-DATA-ROW",
                            message=msg(
                                "the row has {fields} fields, the header has {header}",
                                fields=row.width,
                                header=width,
                            ),
                            location=row.location,
                            hint=msg(
                                "a field was added or lost (a delimiter in an unquoted value?)"
                            ),
                        )
                    )
                if self.long:
                    self._long_row(table, cols, row)
                else:
                    self._wide_row(table, cols, groups, row)
            except Rejected as rejected:
                self._reject(rejected.diag)

    def _plan(self, table: Table) -> list[Column]:
        used: set[int] = set()
        width = int(table.meta["width"]) if "width" in table.meta else None
        for row in table.rows:
            if width is None or row.width is None or row.width == width:
                used.update(row.cells)  # ragged rows are reported as such, not here
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
                    self._add(
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
                self._add(
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
                    self._add(
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
        return kept

    # -- agencies --------------------------------------------------------------------

    def _wide_row(
        self,
        table: Table,
        cols: dict[str, Column],
        groups: dict[str, dict[ColumnRole, Column]],
        row: Row,
    ) -> None:
        agency = self.book.open(self.book.identify(table, row, cols), row, reuse=False)
        row_cells = row.cells
        for ind_id, group in groups.items():
            if len(group) == 1 and ColumnRole.VALUE in group:
                # The common case, kept cheap: one plain column per indicator.
                col = group[ColumnRole.VALUE]
                cell = row_cells.get(col.index)
                if cell is not None:
                    self._plain_value(agency, ind_id, cell, col.scale)
                continue
            cells = {role: row_cells.get(col.index) for role, col in group.items()}
            scale = group[ColumnRole.VALUE].scale if ColumnRole.VALUE in group else None
            appraised = group.get(ColumnRole.APPRAISED)
            self._value(agency, ind_id, cells, scale, appraised.scale if appraised else None)

    def _long_row(self, table: Table, cols: dict[str, Column], row: Row) -> None:
        agency = self.book.open(self.book.identify(table, row, cols), row, reuse=True)
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

    # -- values ----------------------------------------------------------------------

    def _plain_value(self, agency: Draft, ind_id: str, cell: Cell, scale: Scale) -> None:
        ind = self.rules.indicators[ind_id]
        if (ind.blocks is not None and agency.block not in ind.blocks) or (
            ind.evidence is EvidencePolicy.REQUIRED
        ):
            self._value(agency, ind_id, {ColumnRole.VALUE: cell}, scale, None)
            return
        value, diag = parse_cell(ind_id, ind, cell, self.ctx, scale=scale, agency=agency.id)
        agency.cells[ind_id] = CellInfo(
            location=cell.location, raw=cell.raw_text, self_assessed=value
        )
        if diag is not None:
            self.diags.append(diag)
        elif value is not None and value is not MISSING:
            agency.values[ind_id] = value

    def _value(
        self,
        agency: Draft,
        ind_id: str,
        cells: dict[ColumnRole, Cell | None],
        scale: Scale,
        appraised_scale: Scale,
    ) -> None:
        if all(is_blank(c) for c in cells.values()):
            return
        ind = self.rules.indicators[ind_id]
        value_cell = cells.get(ColumnRole.VALUE)
        appr_cell = cells.get(ColumnRole.APPRAISED)
        ev_cell = cells.get(ColumnRole.EVIDENCE)
        first = next(
            c for c in (value_cell, appr_cell, ev_cell) if c is not None and not is_blank(c)
        )
        if ind.blocks is not None and agency.block not in ind.blocks:
            self._add(
                Diagnostic(
                    code="W-DATA-SUSPICIOUS",
                    severity=Severity.WARNING,
                    location=first.location,
                    agency=agency.id,
                    indicator=ind_id,
                    value=first.raw_text,
                    message=msg(
                        "the indicator does not apply to block '{block}'; the value is not used",
                        block=agency.block,
                    ),
                )
            )
            return
        errors: list[Diagnostic] = []
        own, diag = (
            parse_cell(ind_id, ind, value_cell, self.ctx, scale=scale, agency=agency.id)
            if not is_blank(value_cell)
            else (MISSING, None)
        )
        if diag:
            errors.append(diag)
        appr: ValueOrMarker | None = None
        if not is_blank(appr_cell):
            appr, diag = parse_cell(
                ind_id, ind, appr_cell, self.ctx, scale=appraised_scale, agency=agency.id
            )
            if diag:
                errors.append(diag)
        evidence = header_text(ev_cell) or None
        used_cell = appr_cell if appr is not None and appr is not MISSING else value_cell
        info = CellInfo(
            location=(used_cell or first).location,
            raw=(used_cell or first).raw_text,
            self_assessed=own,
            appraised=appr,
            evidence=evidence,
        )
        agency.cells[ind_id] = info
        if errors:
            self.diags.extend(errors)
            return
        final = appr if appr is not None and appr is not MISSING else own
        if appr is not None and appr is not MISSING and appr != own:
            self._add(
                Diagnostic(
                    code="W-DATA-APPRAISED",
                    severity=Severity.WARNING,
                    location=appr_cell.location if appr_cell else None,
                    agency=agency.id,
                    indicator=ind_id,
                    value=_shown(appr),
                    message=msg(
                        "the appraised value {appraised} replaces the self-assessed {own}",
                        appraised=_shown(appr),
                        own=_shown(own),
                    ),
                )
            )
        if ind.evidence is EvidencePolicy.REQUIRED and _claims(final) and not evidence:
            self._add(
                Diagnostic(
                    code="E-DATA-EVIDENCE",
                    location=info.location,
                    agency=agency.id,
                    indicator=ind_id,
                    value=info.raw,
                    message=msg(
                        "the value needs evidence (minh chứng) and has none; it is not used"
                    ),
                    hint=msg(
                        "fill the evidence column ('{indicator}__minh_chung')", indicator=ind_id
                    ),
                )
            )
            return
        if final is not None and final is not MISSING:
            agency.values[ind_id] = final

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
        return [
            AgencyRecord(
                id=a.id,
                name=a.name,
                block=a.block,
                values=a.values,
                ranked=a.ranked,
                aliases=a.aliases,
                parent=a.parent,
                cells=a.cells,
                location=a.location,
            )
            for a in self.agencies.values()
        ]


def _claims(value: ValueOrMarker | None) -> bool:
    """Whether a value claims something that evidence must back (not no, zero or a marker)."""
    if value is None or isinstance(value, Marker) or value is False:
        return False
    return not (isinstance(value, Decimal) and value == 0)
