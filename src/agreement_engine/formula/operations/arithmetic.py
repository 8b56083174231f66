"""What the arithmetic of the formula language means: ``+``, ``-``, ``*``, ``/``, ``-x``,
``min``, ``max``, ``abs`` and ``round``.

Quantities keep their units: ``+`` and ``-`` take two of the same unit, ``*`` and ``/`` multiply
and divide the units too. A date moves by days and a month by months (``+``, ``-``), and two
dates (or two months) subtracted give the days (or months) between them, as
:mod:`agreement_engine.formula.dates` counts them. Rounding is exact
(:func:`.rounding.round_exact`), and only where a formula says ``round``.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from agreement_engine.formula import ratios
from agreement_engine.formula.dates import (
    days_between,
    months_between,
    moved,
    moved_column,
    shifted,
)
from agreement_engine.formula.operations.entry import (
    PER_EPISODE,
    Operation,
    Signature,
    polars_module,
)
from agreement_engine.formula.problems import division_by_zero
from agreement_engine.formula.rounding import round_exact
from agreement_engine.formula.types import DAYS, MONTHS, Kind, Quantity, Type, is_ordered
from agreement_engine.months import YearMonth

if TYPE_CHECKING:  # polars is imported only when episodes are counted
    import polars as pl


# --- Types ----------------------------------------------------------------------------------------


def _plus_type(left: Type, right: Type) -> Type | None:
    if isinstance(left, Quantity) and isinstance(right, Quantity):
        return left if left == right else None
    if {left, right} == {Kind.DATE, DAYS}:
        return Kind.DATE
    return Kind.MONTH if {left, right} == {Kind.MONTH, MONTHS} else None


def _minus_type(left: Type, right: Type) -> Type | None:
    if isinstance(left, Quantity) and isinstance(right, Quantity):
        return left if left == right else None
    if left == Kind.DATE and right == DAYS:
        return Kind.DATE
    if left == Kind.MONTH and right == MONTHS:
        return Kind.MONTH
    if left == right == Kind.MONTH:
        return MONTHS
    return DAYS if left == right == Kind.DATE else None


def _times_type(left: Type, right: Type) -> Type | None:
    if isinstance(left, Quantity) and isinstance(right, Quantity):
        return left.times(right)
    return None


def _per_type(left: Type, right: Type) -> Type | None:
    if isinstance(left, Quantity) and isinstance(right, Quantity):
        return left.per(right)
    return None


def quantity_type(value: Type) -> Type | None:
    """A quantity's own type, whatever its unit; None for any other value."""
    return value if isinstance(value, Quantity) else None


def _pick_type(first: Type, *rest: Type) -> Type | None:
    return first if all(t == first for t in rest) and is_ordered(first) else None


# --- Exact values ---------------------------------------------------------------------------------


def _plus(a: Any, b: Any) -> Any:
    if isinstance(a, dt.date):
        return moved(a, b, 1)
    if isinstance(b, dt.date):
        return moved(b, a, 1)
    if isinstance(a, YearMonth):
        return shifted(a, b, 1)
    if isinstance(b, YearMonth):
        return shifted(b, a, 1)
    return a + b


def _minus(a: Any, b: Any) -> Any:
    if isinstance(a, dt.date):
        return days_between(b, a) if isinstance(b, dt.date) else moved(a, b, -1)
    if isinstance(b, dt.date):
        return moved(b, a, -1)
    if isinstance(a, YearMonth):
        return months_between(b, a) if isinstance(b, YearMonth) else shifted(a, b, -1)
    return a - b


def _divided(a: Fraction, b: Fraction) -> Fraction:
    if b == 0:
        raise division_by_zero()
    return a / b


# --- Polars expressions ---------------------------------------------------------------------------


def _plus_counted(args: Sequence[pl.Expr], dates: Sequence[bool]) -> pl.Expr:
    return _moved_counted(args, dates, 1) if any(dates) else args[0] + args[1]


def _minus_counted(args: Sequence[pl.Expr], dates: Sequence[bool]) -> pl.Expr:
    if all(dates):
        return (args[0] - args[1]).dt.total_days()
    return _moved_counted(args, dates, -1) if any(dates) else args[0] - args[1]


def _moved_counted(args: Sequence[pl.Expr], dates: Sequence[bool], sign: int) -> pl.Expr:
    """A date moved by days, whichever side the date is on."""
    date, days = (args[0], args[1]) if dates[0] else (args[1], args[0])
    return moved_column(date, days, sign)


# --- The operations -------------------------------------------------------------------------------


ARITHMETIC: dict[str, Operation] = {
    "+": Operation(_plus_type, _plus, _plus_counted, on_ratios=ratios.plus),
    "-": Operation(_minus_type, _minus, _minus_counted, on_ratios=ratios.minus),
    "*": Operation(
        _times_type, operator.mul, lambda args, dates: args[0] * args[1], on_ratios=ratios.times
    ),
    "/": Operation(
        _per_type,
        _divided,
        None,
        uncounted=(
            "division cannot be computed per episode",
            PER_EPISODE + "divide in the rules, on the monthly aggregates, like "
            "average_days: total_days / episodes",
        ),
        on_ratios=ratios.divided,
    ),
    "negate": Operation(
        quantity_type, operator.neg, lambda args, dates: -args[0], on_ratios=ratios.negated
    ),
    "min": Operation(
        _pick_type,
        lambda *values: min(values),
        lambda args, dates: polars_module().min_horizontal(*args),
        signature=Signature(2, None, "min(excess, 10 days)", "min(a, b, …)"),
        on_ratios=ratios.smallest,
    ),
    "max": Operation(
        _pick_type,
        lambda *values: max(values),
        lambda args, dates: polars_module().max_horizontal(*args),
        signature=Signature(2, None, "max(0 days, average_days - benchmark)", "max(a, b, …)"),
        on_ratios=ratios.largest,
    ),
    "abs": Operation(
        quantity_type,
        abs,
        lambda args, dates: args[0].abs(),
        signature=Signature(1, 1, "abs(difference)", "abs(value)"),
        on_ratios=ratios.absolute,
    ),
    "round": Operation(
        quantity_type,  # of the value; the decimals and the mode are written as they are
        round_exact,
        None,
        uncounted=(
            "'round' cannot be computed per episode",
            PER_EPISODE + "round in the rules, on the monthly aggregates",
        ),
        signature=Signature(
            3, 3, "round(gross_amount, 0, half_up)", "round(value, decimals, mode)"
        ),
        on_ratios=ratios.rounded,  # of the value's column, the decimals and the mode
    ),
}
"""The arithmetic, by operator or function name (``negate`` is ``-x``)."""
