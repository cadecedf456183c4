"""Reading one typed-in value the way the survey readers read a cell.

A web form, a chat bot or any other front end that takes one answer at a time must read it
exactly as a survey file would be read: the same locale rules (``1.537`` is 1537 under
``vi-VN``), the same spellings of yes/no and "not applicable", the same range checks and the
same diagnostics. :func:`parse_value` is that entry point; it wraps the reader's own cell
parser, so the two can never drift apart.
"""

from __future__ import annotations

from udcntt.data._dataset import ValueOrMarker
from udcntt.data._locale import parse_cell
from udcntt.data._table import Cell
from udcntt.data._value_context import ValueContext
from udcntt.errors import Diagnostic, SourceLocation
from udcntt.model import Indicator

__all__ = ["parse_value"]

_CONTEXTS: dict[str, ValueContext] = {}


def parse_value(
    indicator_id: str,
    indicator: Indicator,
    text: str | None,
    *,
    locale: str = "vi-VN",
    agency: str | None = None,
    location: SourceLocation | None = None,
) -> tuple[ValueOrMarker | None, Diagnostic | None]:
    """Read ``text`` as a value of ``indicator``, as a survey cell holding it is read.

    >>> from udcntt.model import Indicator
    >>> parse_value("staff", Indicator(label="Cán bộ", type="count"), "1.537")
    (Decimal('1537'), None)

    Args:
        indicator_id: the indicator's id (named in the diagnostic).
        indicator: its declaration (type, range, categories, N/A allowed).
        text: what was typed; ``None`` or blank is :data:`~udcntt.data.MISSING`.
        locale: how numbers are written (``vi-VN`` by default).
        agency: the agency named in the diagnostic.
        location: where the value was typed (a form field), for the diagnostic.

    Returns:
        ``(value, None)`` with a typed value, :data:`~udcntt.data.NA` or
        :data:`~udcntt.data.MISSING`; or ``(None, diagnostic)`` when the text cannot be
        read (``E-DATA-NUMBER``, ``E-DATA-RANGE``, ``E-DATA-NA`` ...).

    Raises:
        UsageError: for an unknown locale.
    """
    ctx = _CONTEXTS.get(locale)
    if ctx is None:
        ctx = _CONTEXTS[locale] = ValueContext(locale_name=locale)
    cell = Cell(value=text, location=location or SourceLocation(path=indicator_id))
    return parse_cell(indicator_id, indicator, cell, ctx, agency=agency)
