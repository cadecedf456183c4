"""Reading the value of one indicator from its cells: parsing, appraisal, evidence.

A value may come with a self-assessed figure (the plain column or ``__tu_danh_gia``), an
appraised figure (``__tham_dinh``) and an evidence reference (``__minh_chung``). The
appraised figure, when present, is the one scored; every difference is listed as
``W-DATA-APPRAISED``. A value that claims something (yes, a non-zero number, a category, a
date) whose indicator requires evidence and has none is an error (``E-DATA-EVIDENCE``)
and is not used: councils do not score unsupported figures.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from udcntt.data._agencies import Draft
from udcntt.data._columns import Column, header_text
from udcntt.data._dataset import MISSING, CellInfo, Marker, ValueOrMarker
from udcntt.data._locale import Scale, parse_cell
from udcntt.data._relations import shown_value as _shown
from udcntt.data._table import Cell, is_blank
from udcntt.data._value_context import ValueContext
from udcntt.errors import Diagnostic, Severity, msg
from udcntt.model import ColumnRole, EvidencePolicy, RuleSet

__all__ = ["ValueReader"]


class ValueReader:
    """Reads indicator values into agencies; reports into ``diags`` (a mixin of the builder)."""

    rules: RuleSet
    ctx: ValueContext
    diags: list[Diagnostic]

    def _add(self, diag: Diagnostic, *, once: bool = False) -> None:
        raise NotImplementedError  # pragma: no cover - the builder's

    def group_value(
        self,
        agency: Draft,
        ind_id: str,
        group: dict[ColumnRole, Column],
        cell_of: Callable[[Column], Cell | None],
    ) -> None:
        """Read the value of ``ind_id`` from its columns ``group`` of one wide row."""
        if len(group) == 1 and ColumnRole.VALUE in group:
            # The common case, kept cheap: one plain column per indicator.
            col = group[ColumnRole.VALUE]
            cell = cell_of(col)
            if cell is not None:
                self._plain_value(agency, ind_id, cell, col.scale)
            return
        cells = {role: cell_of(col) for role, col in group.items()}
        scale = group[ColumnRole.VALUE].scale if ColumnRole.VALUE in group else None
        appraised = group.get(ColumnRole.APPRAISED)
        self._value(agency, ind_id, cells, scale, appraised.scale if appraised else None)

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


def _claims(value: ValueOrMarker | None) -> bool:
    """Whether a value claims something that evidence must back (not no, zero or a marker)."""
    if value is None or isinstance(value, Marker) or value is False:
        return False
    return not (isinstance(value, Decimal) and value == 0)
