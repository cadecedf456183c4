"""The function library of rule expressions: one :class:`FunctionSpec` per function.

:data:`BUILTIN_SPECS` are registered into the function registry
(:mod:`udcntt.expressions._registry`) through the same path as extensions; the registry's
``FUNCTIONS`` is what the checker (arities, argument kinds), the compiler (the run-time
helper's name), the reference interpreter (the implementation) and the documentation
generator (signature, one-line docs in English and Vietnamese, worked example) read.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from udcntt.errors import msg
from udcntt.expressions import _runtime as rt
from udcntt.expressions._types import ExprType, Value

__all__ = ["BUILTIN_SPECS", "ArgKind", "FunctionSpec", "StaticProblem"]


class ArgKind(StrEnum):
    """What a function accepts at one argument position.

    ``NUMBER``, ``BOOL``, ``CATEGORY`` and ``DATE`` take any expression of that type.
    ``TEXT`` takes a string literal naming a category value (checked against the categories
    of the function's ``CATEGORY`` argument). ``PLACES`` takes a literal integer from 0 to 20
    (decimal places); ``INTEGER`` a literal integer (parts of a date).
    """

    NUMBER = "number"
    BOOL = "bool"
    CATEGORY = "category"
    DATE = "date"
    TEXT = "text"
    PLACES = "places"
    INTEGER = "integer"

    @property
    def is_literal(self) -> bool:
        """Whether the argument must be written as a literal."""
        return self in (ArgKind.TEXT, ArgKind.PLACES, ArgKind.INTEGER)


#: A problem found by a function's static check: (code, message, hint, argument index).
StaticProblem = tuple[str, str, str | None, int]


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """One function of the expression language.

    Attributes:
        name: The name used in rule files.
        signature: The call as documented, e.g. ``"ratio(a, b, default)"``.
        doc: One line in English.
        doc_vi: One line in Vietnamese.
        head: Kinds of the fixed leading arguments.
        repeat: Kinds of a group that repeats after ``head`` (empty: no repetition).
        min_repeats: Fewest repetitions of ``repeat``.
        tail: Kinds of the fixed trailing arguments, after the repetitions.
        result_type: The type of the result.
        runtime: Name of the helper in :data:`RUNTIME` that generated code calls.
        impl: The function as applied to evaluated arguments (used by the reference
            interpreter and to run the documented example).
        example: A call using literals only, e.g. ``"ratio(3, 4, 0)"``.
        example_result: What ``example`` evaluates to, as text.
        static_check: Optional check of constant argument values at compile time; receives
            each argument's value when it is a constant (else ``None``).
        builtin: Whether udcntt itself defines the function.
        pure: Whether the result depends on the arguments only (extensions declare it).
        cost: The declared bound on one call's work, in units of one arithmetic operation.
        examples: Further ``(call, result)`` examples (extensions).
        distribution: The distribution that provides an extension.
        version: That distribution's version.
        module: The module defining the implementation.
        entry_point: The entry point it was loaded from (``module:attr``), if any.
    """

    name: str
    signature: str
    doc: str
    doc_vi: str
    head: tuple[ArgKind, ...]
    repeat: tuple[ArgKind, ...]
    min_repeats: int
    tail: tuple[ArgKind, ...]
    result_type: ExprType
    runtime: str
    impl: Callable[..., Value]
    example: str
    example_result: str
    static_check: Callable[[Sequence[Value | None]], StaticProblem | None] | None = None
    builtin: bool = False
    pure: bool = True
    cost: int = 1
    examples: tuple[tuple[str, str], ...] = ()
    distribution: str | None = None
    version: str | None = None
    module: str = ""
    entry_point: str | None = None

    def arg_kinds(self, count: int) -> tuple[ArgKind, ...] | None:
        """The kinds of ``count`` arguments, or ``None`` if ``count`` is a wrong arity."""
        fixed = len(self.head) + len(self.tail)
        if not self.repeat:
            return self.head + self.tail if count == fixed else None
        extra = count - fixed
        if extra < 0 or extra % len(self.repeat) or extra // len(self.repeat) < self.min_repeats:
            return None
        return self.head + self.repeat * (extra // len(self.repeat)) + self.tail

    @property
    def arity_text(self) -> str:
        """The accepted number of arguments, in words (``"3"``, ``"2 or more"``)."""
        fixed = len(self.head) + len(self.tail)
        if not self.repeat:
            return str(fixed)
        least = fixed + len(self.repeat) * self.min_repeats
        if len(self.repeat) == 1:
            return msg("{least} or more", least=least)
        return msg(
            "{least}, {next}, … ({step} more at a time)",
            least=least,
            next=least + len(self.repeat),
            step=len(self.repeat),
        )

    @property
    def arg_types(self) -> tuple[ArgKind, ...]:
        """The kinds of the shortest valid argument list (for documentation)."""
        return self.head + self.repeat * self.min_repeats + self.tail


def _check_bands(args: Sequence[Value | None]) -> StaticProblem | None:
    thresholds = args[1:-1:2]
    previous: Decimal | None = None
    for index, value in enumerate(thresholds):
        if isinstance(value, Decimal):
            if previous is not None and value >= previous:
                return (
                    "E-BANDS",
                    msg(
                        "bands thresholds must be strictly descending; {value} follows {previous}",
                        value=value,
                        previous=previous,
                    ),
                    msg("list the highest threshold first: bands(x, 4, 20, 3, 15, 0)"),
                    1 + 2 * index,
                )
            previous = value
        else:
            previous = None
    return None


def _check_clamp(args: Sequence[Value | None]) -> StaticProblem | None:
    lo, hi = args[1], args[2]
    if isinstance(lo, Decimal) and isinstance(hi, Decimal) and lo > hi:
        return (
            "E-EXPR-FUNC",
            msg("clamp bounds are reversed: {lo} > {hi}", lo=lo, hi=hi),
            msg("write clamp(x, lo, hi)"),
            1,
        )
    return None


def _check_date(args: Sequence[Value | None]) -> StaticProblem | None:
    year, month, day = (int(a) if isinstance(a, Decimal) else 0 for a in args)
    try:
        datetime.date(year, month, day)
    except (ValueError, OverflowError) as exc:
        return (
            "E-EXPR-FUNC",
            msg(
                "date({year}, {month}, {day}) is not a date: {exc}",
                year=year,
                month=month,
                day=day,
                exc=exc,
            ),
            msg("write date(year, month, day), e.g. date(2023, 12, 31)"),
            0,
        )
    return None


def _round_impl(helper: Callable[[Decimal, Decimal], Decimal]) -> Callable[..., Value]:
    def apply(x: Decimal, places: Decimal) -> Decimal:
        return helper(x, rt.places_quantum(int(places)))

    return apply


def _date_impl(year: Decimal, month: Decimal, day: Decimal) -> datetime.date:
    return rt.u_date(int(year), int(month), int(day))


N, B, C, D = ArgKind.NUMBER, ArgKind.BOOL, ArgKind.CATEGORY, ArgKind.DATE
_NUM = ExprType.NUMBER


def _spec(
    name: str,
    signature: str,
    doc: str,
    doc_vi: str,
    *,
    head: tuple[ArgKind, ...] = (),
    repeat: tuple[ArgKind, ...] = (),
    min_repeats: int = 0,
    tail: tuple[ArgKind, ...] = (),
    result: ExprType = _NUM,
    impl: Callable[..., Any],
    example: str,
    example_result: str,
    static_check: Callable[[Sequence[Value | None]], StaticProblem | None] | None = None,
) -> FunctionSpec:
    return FunctionSpec(
        name=name,
        signature=signature,
        doc=doc,
        doc_vi=doc_vi,
        head=head,
        repeat=repeat,
        min_repeats=min_repeats,
        tail=tail,
        result_type=result,
        runtime=f"_u_{name}",
        impl=impl,
        example=example,
        example_result=example_result,
        static_check=static_check,
        builtin=True,
        module=getattr(impl, "__module__", None) or __name__,
    )


#: The built-in functions, sorted by name.
BUILTIN_SPECS: tuple[FunctionSpec, ...] = (
    _spec(
        "abs",
        "abs(x)",
        "Absolute value of x.",
        "Giá trị tuyệt đối của x.",
        head=(N,),
        impl=rt.u_abs,
        example="abs(-2.5)",
        example_result="2.5",
    ),
    _spec(
        "bands",
        "bands(x, t1, p1, t2, p2, …, otherwise)",
        "Points of the first band whose threshold x reaches (x >= t_i gives p_i); "
        "thresholds strictly descending; otherwise when x reaches none.",
        "Điểm theo mức: x >= t_i thì được p_i (xét từ ngưỡng cao nhất); "
        "không đạt ngưỡng nào thì được otherwise.",
        head=(N,),
        repeat=(N, N),
        min_repeats=1,
        tail=(N,),
        impl=rt.u_bands,
        example="bands(3, 4, 20, 3, 15, 2, 10, 1, 5, 0)",
        example_result="15",
        static_check=_check_bands,
    ),
    _spec(
        "capped_ratio",
        "capped_ratio(a, b)",
        "a / b clipped to [0, 1]; 0 when b is 0.",
        "Tỷ lệ a / b, giới hạn trong [0, 1]; bằng 0 khi b bằng 0.",
        head=(N, N),
        impl=rt.u_capped_ratio,
        example="capped_ratio(12, 10)",
        example_result="1",
    ),
    _spec(
        "ceil",
        "ceil(x)",
        "Smallest integer not below x.",
        "Số nguyên nhỏ nhất không nhỏ hơn x (làm tròn lên).",
        head=(N,),
        impl=rt.u_ceil,
        example="ceil(2.1)",
        example_result="3",
    ),
    _spec(
        "clamp",
        "clamp(x, lo, hi)",
        "x limited to the range [lo, hi] (lo when x < lo, hi when x > hi).",
        "x giới hạn trong khoảng [lo, hi].",
        head=(N, N, N),
        impl=rt.u_clamp,
        example="clamp(12, 0, 10)",
        example_result="10",
        static_check=_check_clamp,
    ),
    _spec(
        "count_true",
        "count_true(c1, c2, …)",
        "How many of the conditions hold.",
        "Số điều kiện được đáp ứng.",
        repeat=(B,),
        min_repeats=1,
        impl=rt.u_count_true,
        example="count_true(True, False, True)",
        example_result="2",
    ),
    _spec(
        "date",
        "date(year, month, day)",
        "A fixed date (literal integers).",
        "Một ngày cố định (năm, tháng, ngày là số nguyên viết sẵn).",
        head=(ArgKind.INTEGER,) * 3,
        result=ExprType.DATE,
        impl=_date_impl,
        example="date(2023, 12, 31)",
        example_result="2023-12-31",
        static_check=_check_date,
    ),
    _spec(
        "days_between",
        "days_between(a, b)",
        "Days from date a to date b (b - a).",
        "Số ngày từ ngày a đến ngày b (b - a).",
        head=(D, D),
        impl=rt.u_days_between,
        example="days_between(date(2023, 1, 1), date(2023, 3, 1))",
        example_result="59",
    ),
    _spec(
        "floor",
        "floor(x)",
        "Largest integer not above x.",
        "Số nguyên lớn nhất không vượt quá x (làm tròn xuống).",
        head=(N,),
        impl=rt.u_floor,
        example="floor(2.9)",
        example_result="2",
    ),
    _spec(
        "max",
        "max(a, b, …)",
        "The largest of two or more numbers.",
        "Giá trị lớn nhất của hai số trở lên.",
        repeat=(N,),
        min_repeats=2,
        impl=rt.u_max,
        example="max(3, 7.5, 5)",
        example_result="7.5",
    ),
    _spec(
        "min",
        "min(a, b, …)",
        "The smallest of two or more numbers.",
        "Giá trị nhỏ nhất của hai số trở lên.",
        repeat=(N,),
        min_repeats=2,
        impl=rt.u_min,
        example="min(3, 7.5, 5)",
        example_result="3",
    ),
    _spec(
        "one_of",
        'one_of(c, "a", "b", …)',
        "Whether the category value c is one of the listed categories.",
        "Giá trị phân loại c có thuộc các giá trị đã liệt kê hay không.",
        head=(C,),
        repeat=(ArgKind.TEXT,),
        min_repeats=1,
        result=ExprType.BOOL,
        impl=rt.u_one_of,
        example='one_of(head, "chu_tich", "pho")',
        example_result='True (when head is "pho")',
    ),
    _spec(
        "per_item",
        "per_item(count, points_each, cap)",
        "count × points_each, at most cap.",
        "Mỗi mục được points_each điểm, tối đa cap điểm.",
        head=(N, N, N),
        impl=rt.u_per_item,
        example="per_item(7, 1, 5)",
        example_result="5",
    ),
    _spec(
        "ratio",
        "ratio(a, b, default)",
        "a / b, or default when b is 0.",
        "Tỷ lệ a / b; bằng default khi b bằng 0.",
        head=(N, N, N),
        impl=rt.u_ratio,
        example="ratio(3, 4, 0)",
        example_result="0.75",
    ),
    _spec(
        "round_down",
        "round_down(x, places)",
        "x rounded down (towards zero, as Excel's ROUNDDOWN and 'rounding: down') to places "
        "decimals (0–20): -2.678 → -2.67; floor() goes towards minus infinity.",
        "Làm tròn xuống x (về phía 0, như ROUNDDOWN của Excel và 'rounding: down') đến places "
        "chữ số thập phân (0–20): -2.678 → -2.67; floor() làm tròn về phía âm vô cùng.",
        head=(N, ArgKind.PLACES),
        impl=_round_impl(rt.u_round_down),
        example="round_down(2.678, 2)",
        example_result="2.67",
    ),
    _spec(
        "round_half_up",
        "round_half_up(x, places)",
        "x rounded half away from zero to places decimals (0–20).",
        "Làm tròn x đến places chữ số thập phân, 5 thì làm tròn lên (0–20).",
        head=(N, ArgKind.PLACES),
        impl=_round_impl(rt.u_round_half_up),
        example="round_half_up(2.675, 2)",
        example_result="2.68",
    ),
    _spec(
        "sqrt",
        "sqrt(x)",
        "Square root of x (x >= 0), to 34 significant digits.",
        "Căn bậc hai của x (x >= 0), chính xác đến 34 chữ số.",
        head=(N,),
        impl=rt.u_sqrt,
        example="sqrt(2.25)",
        example_result="1.5",
    ),
    _spec(
        "year",
        "year(d)",
        "The year of date d.",
        "Năm của ngày d.",
        head=(D,),
        impl=rt.u_year,
        example="year(date(2023, 3, 8))",
        example_result="2023",
    ),
)
