"""The ``theo_moc`` rule type: points for a share along a curve of thresholds (mốc).

The rule-type form of :func:`udcntt_plugin_example.diem_theo_ty_le`, for criteria sets that
write the curve in the rule file rather than in code::

    theo_moc:
      ty_le: vb_dien_tu / vb_tong     # the share (an expression)
      diem: 20                        # the points of a share of 1
      moc:                            # optional; default: the package's MOC
        - {ty_le: 0.3, phan: 0}
        - {ty_le: 0.5, phan: 0.5}
        - {ty_le: 0.8, phan: 0.9}
        - {ty_le: 1, phan: 1}

Between two thresholds the fraction of ``diem`` runs linearly; below the first it is the
first's, above the last the last's. udcntt validates the fragment against :class:`TheoMoc`
(unknown keys and wrong types are located errors), :meth:`TheoMocRule.check` refuses a
curve whose shares do not rise or whose fractions fall or leave [0, 1] (``E-RULE-TYPE``),
and the declared ``monotone`` lets ``udcntt check --properties`` check that a larger
share never earns fewer points.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from udcntt.extend import Picker, RuleType
from udcntt.model import Dec, Expr, StrictModel

__all__ = ["Moc", "TheoMoc", "TheoMocRule", "theo_moc"]


class Moc(StrictModel):
    """One threshold: a share ``ty_le`` earns the fraction ``phan`` of the points."""

    ty_le: Dec
    phan: Dec


class TheoMoc(StrictModel):
    """``theo_moc:`` the share, the points of a share of 1, and the thresholds."""

    ty_le: Expr
    diem: Dec
    moc: tuple[Moc, ...] | None = None


def _curve(spec: TheoMoc) -> tuple[tuple[Decimal, Decimal], ...]:
    from udcntt_plugin_example import MOC

    if spec.moc is None:
        return MOC
    return tuple((m.ty_le, m.phan) for m in spec.moc)


def _fraction(curve: tuple[tuple[Decimal, Decimal], ...], share: Decimal) -> Decimal:
    x0, y0 = curve[0]
    if share <= x0:
        return y0
    for x1, y1 in curve[1:]:
        if share <= x1:
            return y0 + (y1 - y0) * (share - x0) / (x1 - x0)
        x0, y0 = x1, y1
    return y0


class TheoMocRule(RuleType):
    """Points for a share along a curve of thresholds."""

    def points(self, spec: Any, values: Mapping[str, Any]) -> Decimal:
        diem: Decimal = spec.diem
        return diem * _fraction(_curve(spec), values["ty_le"])

    def max_points(self, spec: Any) -> Decimal | None:
        diem: Decimal = spec.diem
        return diem * max(phan for _, phan in _curve(spec))

    def check(self, spec: Any) -> Iterable[tuple[tuple[str | int, ...], str]]:
        if spec.diem < 0:
            yield ("diem",), "'diem' must not be negative"
        if spec.moc is None:
            return
        if len(spec.moc) < 2:
            yield ("moc",), "a curve needs at least two thresholds"
        for i, m in enumerate(spec.moc):
            if not 0 <= m.phan <= 1:
                yield ("moc", i, "phan"), f"threshold {i + 1}: 'phan' must be from 0 to 1"
            if i and m.ty_le <= spec.moc[i - 1].ty_le:
                yield ("moc", i, "ty_le"), f"threshold {i + 1}: 'ty_le' must rise"
            if i and m.phan < spec.moc[i - 1].phan:
                yield ("moc", i, "phan"), f"threshold {i + 1}: 'phan' must not fall"

    def example(self, pick: Picker, top: int) -> Any:
        return {"ty_le": pick.number_input("ratio"), "diem": top}


#: The declaration, published as the entry point ``theo_moc`` of ``udcntt.rule_types``.
theo_moc = TheoMocRule(
    name="theo_moc",
    schema=TheoMoc,
    doc="Points for a share along a curve of thresholds (default 0.3 -> 0, 0.5 -> 50%, "
    "0.8 -> 90%, 1 -> 100%), linear between.",
    doc_vi="Điểm theo tỷ lệ dọc một đường cong các mốc (mặc định 0,3 -> 0, 0,5 -> 50%, "
    "0,8 -> 90%, 1 -> 100%), nội suy tuyến tính giữa các mốc.",
    expressions={"ty_le": "number"},
    monotone=("ty_le",),
)
