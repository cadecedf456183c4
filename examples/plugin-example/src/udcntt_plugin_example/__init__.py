"""An example udcntt plugin: one expression function, a scoring curve by share.

Many criteria sets score a share (procedures online, documents sent electronically, staff
trained) not in proportion but along a curve with thresholds: nothing below a floor, then
steps that reward the first gains more than the last. ``diem_theo_ty_le(ty_le, toi_da)``
gives the points for a share ``ty_le`` (0 to 1) out of ``toi_da`` points by linear
interpolation between the points of :data:`MOC` (the thresholds):

====================  ====================
share                 fraction of the max
====================  ====================
below 0.3             0
0.3                   0
0.5                   0.5
0.8                   0.9
1 and above           1
====================  ====================

The arithmetic is exact (``Decimal``); a share below 0 counts as 0, above 1 as 1.

The package also provides a report writer for ``.txt`` files, in :mod:`.tom_tat`.
"""

from __future__ import annotations

from decimal import Decimal

from udcntt.extend import function

__all__ = ["MOC", "diem_theo_ty_le", "phan_diem"]

#: The curve's points: (share, fraction of the maximum), shares ascending.
MOC: tuple[tuple[Decimal, Decimal], ...] = (
    (Decimal("0.3"), Decimal(0)),
    (Decimal("0.5"), Decimal("0.5")),
    (Decimal("0.8"), Decimal("0.9")),
    (Decimal(1), Decimal(1)),
)


def phan_diem(ty_le: Decimal) -> Decimal:
    """The fraction of the maximum earned by a share, along :data:`MOC`.

    Args:
        ty_le: The share, normally from 0 to 1.

    Returns:
        A fraction from 0 to 1.
    """
    x0, y0 = MOC[0]
    if ty_le <= x0:
        return y0
    for x1, y1 in MOC[1:]:
        if ty_le <= x1:
            return y0 + (y1 - y0) * (ty_le - x0) / (x1 - x0)
        x0, y0 = x1, y1
    return y0


@function(
    args=("number", "number"),
    result="number",
    doc="Points for a share (0-1) out of a maximum along the curve 0.3 -> 0, 0.5 -> 50%, "
    "0.8 -> 90%, 1 -> 100%, linear between.",
    doc_vi="Điểm theo tỷ lệ (0-1) trên điểm tối đa, theo đường cong 0,3 -> 0, 0,5 -> 50%, "
    "0,8 -> 90%, 1 -> 100%, nội suy tuyến tính giữa các mốc.",
    examples=[
        ("diem_theo_ty_le(0.65, 10)", "7"),
        ("diem_theo_ty_le(0.2, 10)", "0"),
        ("diem_theo_ty_le(1, 10)", "10"),
    ],
    cost=20,
)
def diem_theo_ty_le(ty_le: Decimal, toi_da: Decimal) -> Decimal:
    """Points for the share ``ty_le`` out of ``toi_da`` along the curve :data:`MOC`.

    Args:
        ty_le: The share, normally from 0 to 1 (clamped to that range).
        toi_da: The maximum points.

    Returns:
        ``toi_da`` times the curve's fraction at ``ty_le``.
    """
    return toi_da * phan_diem(ty_le)
