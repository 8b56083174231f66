"""What every operator and function of the formula language means, defined once.

The checker (:mod:`.checker`), the line evaluator (:mod:`.evaluator`), the evaluator over
columns (:mod:`.batch`) and the counting of episode extracts in polars
(:mod:`agreement_engine.billing.counting`) read an operation's meaning from its entry in
:data:`OPERATIONS`, so they cannot drift apart. An entry gives its type rule (the result's type
from the arguments' types, None when they do not fit; the evaluators take a quantity's unit from
it too), its exact value on the arguments' bare values (raising :class:`.Undefined` where there
is none), its exact value on columns of quantities held as integers (:mod:`.ratios`; None for an
operation that takes no quantities) and its polars expression (None where it cannot be computed
per episode, ``uncounted`` saying why):

>>> from agreement_engine.formula.types import DAYS, NUMBER
>>> divide = OPERATIONS["/"]
>>> divide.typed(DAYS, NUMBER) == DAYS, divide.exact(Fraction(37), Fraction(3))
(True, Fraction(37, 3))
>>> divide.counted is None
True

``and``, ``or`` and ``if`` are evaluated lazily: an argument is read only when those before it
leave the result open. That gives what ``exact`` gives, and a guarded division such as
``if episodes = 0 then 0 days else total_days / episodes`` never divides by zero.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from fractions import Fraction
from types import ModuleType
from typing import TYPE_CHECKING, Any

from agreement_engine.formula import ast, per_day, ratios
from agreement_engine.formula.dates import (
    days_between,
    month_of,
    month_of_column,
    months_between,
    moved,
    moved_column,
    shifted,
    year_of,
)
from agreement_engine.formula.problems import division_by_zero
from agreement_engine.formula.rounding import round_exact
from agreement_engine.formula.types import (
    DAYS,
    MONTHS,
    NUMBER,
    Kind,
    Quantity,
    Type,
    is_ordered,
)
from agreement_engine.frozen import frozen
from agreement_engine.months import YearMonth

if TYPE_CHECKING:  # polars is imported only when episodes are counted
    import polars as pl

Counted = Callable[[Sequence["pl.Expr"], Sequence[bool]], "pl.Expr"]
"""A polars expression from the arguments' expressions and whether each is a date."""


@frozen
class Signature:
    """How a function is called: how many arguments, of which types, and an example."""

    min_args: int
    max_args: int | None
    example: str
    text: str
    parameters: tuple[tuple[Type, ...], ...] = ()
    """The types each argument may have, where they are fixed (``year_of``: a month or a date)."""
    aggregate: bool = False
    """Whether it adds up a month's episodes (``count``, ``sum``)."""

    def arity_ok(self, n: int) -> bool:
        return n >= self.min_args and (self.max_args is None or n <= self.max_args)

    @property
    def arity_words(self) -> str:
        if self.max_args is None:
            return f"{self.min_args} or more arguments"
        if self.min_args == self.max_args:
            return f"{self.min_args} argument{'s' if self.min_args != 1 else ''}"
        return f"{self.min_args} or {self.max_args} arguments"


@frozen
class Operation:
    """One operator or function: its type, its exact value (on one line's values, and on
    columns of quantities) and its polars expression."""

    typed: Callable[..., Type | None]
    exact: Callable[..., Any]
    counted: Counted | None
    uncounted: tuple[str, str] | None = None
    """Why it cannot be computed per episode, if it cannot: a message and a hint."""
    signature: Signature | None = None
    """For a function: how it is called."""
    on_ratios: Callable[..., Any] | None = None
    """Its exact value on columns of quantities (:class:`.ratios.Ratios`), the lines' values
    where ``exact`` gives one line's; None when it takes no quantities."""


_PER_EPISODE = "episode rules count whole days and episodes; "


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


def _equality_type(left: Type, right: Type) -> Type | None:
    return Kind.BOOLEAN if left == right else None


def _order_type(left: Type, right: Type) -> Type | None:
    return Kind.BOOLEAN if left == right and is_ordered(left) else None


def _logic_type(*types: Type) -> Type | None:
    return Kind.BOOLEAN if all(t == Kind.BOOLEAN for t in types) else None


def _quantity_type(value: Type) -> Type | None:
    return value if isinstance(value, Quantity) else None


def _if_type(condition: Type, then: Type, otherwise: Type) -> Type | None:
    return then if condition == Kind.BOOLEAN and then == otherwise else None


def _pick_type(first: Type, *rest: Type) -> Type | None:
    return first if all(t == first for t in rest) and is_ordered(first) else None


def _one_ordered_type(value: Type) -> Type | None:
    return value if is_ordered(value) else None


def _per_day_type(figure: Type, start: Type, end: Type) -> Type | None:
    """``sum_per_day(figure, from, to)``: the figure's unit (the checker gives it) times days."""
    fits = isinstance(figure, Quantity) and start == end == Kind.DATE
    return figure.times(DAYS) if isinstance(figure, Quantity) and fits else None


def _count_type(condition: Type) -> Type | None:
    return NUMBER if condition == Kind.BOOLEAN else None


def _sum_type(value: Type, *condition: Type) -> Type | None:
    fits = isinstance(value, Quantity) and all(c == Kind.BOOLEAN for c in condition)
    return value if fits else None


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


def _sum_counted(args: Sequence[pl.Expr], dates: Sequence[bool]) -> pl.Expr:
    value = args[0]
    if len(args) == 2:
        value = _polars().when(args[1].fill_null(False)).then(value).otherwise(0)
    return value.fill_null(0).sum()


def _polars() -> ModuleType:
    """polars, imported only when episodes are counted. A blank in the data (a null) leaves a
    condition unmet: ``fill_null(False)``."""
    import polars

    return polars


# --- The operations -------------------------------------------------------------------------------


def _taking(
    parameters: tuple[tuple[Type, ...], ...],
    result: Type,
    exact: Callable[..., Any],
    counted: Counted,
    example: str,
    text: str,
) -> Operation:
    """A function whose arguments have fixed types, and its result one type."""

    def typed(*types: Type) -> Type | None:
        fits = all(t in allowed for t, allowed in zip(types, parameters, strict=True))
        return result if fits else None

    arity = len(parameters)
    return Operation(
        typed, exact, counted, signature=Signature(arity, arity, example, text, parameters)
    )


OPERATIONS: dict[str, Operation] = {
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
            _PER_EPISODE + "divide in the rules, on the monthly aggregates, like "
            "average_days: total_days / episodes",
        ),
        on_ratios=ratios.divided,
    ),
    "=": Operation(
        _equality_type, operator.eq, lambda args, dates: args[0].eq(args[1]), on_ratios=ratios.equal
    ),
    "!=": Operation(
        _equality_type,
        operator.ne,
        lambda args, dates: args[0].ne(args[1]),
        on_ratios=ratios.unequal,
    ),
    "<": Operation(
        _order_type, operator.lt, lambda args, dates: args[0].lt(args[1]), on_ratios=ratios.less
    ),
    "<=": Operation(
        _order_type, operator.le, lambda args, dates: args[0].le(args[1]), on_ratios=ratios.at_most
    ),
    ">": Operation(
        _order_type, operator.gt, lambda args, dates: args[0].gt(args[1]), on_ratios=ratios.greater
    ),
    ">=": Operation(
        _order_type, operator.ge, lambda args, dates: args[0].ge(args[1]), on_ratios=ratios.at_least
    ),
    "and": Operation(
        _logic_type,
        lambda a, b: bool(a) and bool(b),
        lambda args, dates: args[0].fill_null(False) & args[1].fill_null(False),
    ),
    "or": Operation(
        _logic_type,
        lambda a, b: bool(a) or bool(b),
        lambda args, dates: args[0].fill_null(False) | args[1].fill_null(False),
    ),
    "not": Operation(_logic_type, operator.not_, lambda args, dates: ~args[0]),
    "negate": Operation(
        _quantity_type, operator.neg, lambda args, dates: -args[0], on_ratios=ratios.negated
    ),
    "if": Operation(
        _if_type,
        lambda condition, then, otherwise: then if condition else otherwise,
        lambda args, dates: (
            _polars().when(args[0].fill_null(False)).then(args[1]).otherwise(args[2])
        ),
    ),
    "min": Operation(
        _pick_type,
        lambda *values: min(values),
        lambda args, dates: _polars().min_horizontal(*args),
        signature=Signature(2, None, "min(excess, 10 days)", "min(a, b, …)"),
        on_ratios=ratios.smallest,
    ),
    "max": Operation(
        _pick_type,
        lambda *values: max(values),
        lambda args, dates: _polars().max_horizontal(*args),
        signature=Signature(2, None, "max(0 days, average_days - benchmark)", "max(a, b, …)"),
        on_ratios=ratios.largest,
    ),
    "abs": Operation(
        _quantity_type,
        abs,
        lambda args, dates: args[0].abs(),
        signature=Signature(1, 1, "abs(difference)", "abs(value)"),
        on_ratios=ratios.absolute,
    ),
    "round": Operation(
        _quantity_type,  # of the value; the decimals and the mode are written as they are
        round_exact,
        None,
        uncounted=(
            "'round' cannot be computed per episode",
            _PER_EPISODE + "round in the rules, on the monthly aggregates",
        ),
        signature=Signature(
            3, 3, "round(gross_amount, 0, half_up)", "round(value, decimals, mode)"
        ),
        on_ratios=ratios.rounded,  # of the value's column, the decimals and the mode
    ),
    "year_of": _taking(
        ((Kind.MONTH, Kind.DATE),),
        NUMBER,
        year_of,
        lambda args, dates: args[0].dt.year() if dates[0] else args[0] // 12,
        "year_of(month)",
        "year_of(month or date)",
    ),
    "month_of": _taking(
        ((Kind.DATE,),),
        Kind.MONTH,
        month_of,
        lambda args, dates: month_of_column(args[0]),
        "month_of(discharge_date)",
        "month_of(date)",
    ),
    "months_between": _taking(
        ((Kind.MONTH,), (Kind.MONTH,)),
        MONTHS,
        months_between,
        lambda args, dates: args[1] - args[0],
        "months_between(2024-01, month)",
        "months_between(from, to)",
    ),
    "days_between": _taking(
        ((Kind.DATE,), (Kind.DATE,)),
        DAYS,
        days_between,
        lambda args, dates: (args[1] - args[0]).dt.total_days(),
        "days_between(ready_date, discharge_date)",
        "days_between(from, to)",
    ),
    per_day.FUNCTION: Operation(
        _per_day_type,
        per_day.summed,  # of a figure by month, and the two dates
        None,  # its columns need the figure's values: see .per_day.summed_column
        signature=Signature(
            3,
            3,
            "sum_per_day(national_day_cost, liability_start, discharge_date)",
            "sum_per_day(figure, from, to)",
        ),
    ),
    "count": Operation(
        _count_type,
        lambda conditions: Fraction(sum(1 for c in conditions if c)),  # of a month's episodes
        lambda args, dates: args[0].fill_null(False).cast(_polars().Int64).sum(),
        uncounted=(
            "'count' cannot be computed per episode",
            _PER_EPISODE + "count and sum only in counting aggregates",
        ),
        signature=Signature(1, 1, "count(days_ready >= 1 day)", "count(condition)", aggregate=True),
    ),
    "sum": Operation(
        _sum_type,
        lambda values: sum(values, Fraction(0)),  # of the episodes whose condition holds
        _sum_counted,
        uncounted=(
            "'sum' cannot be computed per episode",
            _PER_EPISODE + "count and sum only in counting aggregates",
        ),
        signature=Signature(
            1,
            2,
            "sum(days_ready, days_ready >= 1 day)",
            "sum(value, condition)",
            aggregate=True,
        ),
    ),
}
"""Every operation, by its operator or function name (``negate`` is ``-x``, ``if`` is
``if … then … else …``)."""

_ACROSS_MONTHS = (
    "a window over months cannot be computed per episode",
    "windows and look-ups at other months belong in the monthly rules, like "
    "rolling_mean: mean(average_days over 3 months)",
)
MAX_WINDOW = 120
"""The most months a window may span, and a look-up by month reach back or forward."""


def _window(typed: Callable[..., Type | None], exact: Callable[..., Any], text: str) -> Operation:
    """A function over the values of a window of months (exact on the list of bare values)."""
    example = f"{text}(average_days over 3 months)"
    signature = Signature(1, 1, example, f"{text}(value over N months [to month])")
    return Operation(typed, exact, None, uncounted=_ACROSS_MONTHS, signature=signature)


WINDOWS: dict[str, Operation] = {
    "mean": _window(_quantity_type, lambda values: sum(values, Fraction(0)) / len(values), "mean"),
    "sum": _window(_quantity_type, lambda values: sum(values, Fraction(0)), "sum"),
    "min": _window(_one_ordered_type, min, "min"),
    "max": _window(_one_ordered_type, max, "max"),
}
"""The functions of a window over months, by name: ``mean(average_days over 3 months)`` is
the mean of the values in the months of the window (a window is never empty)."""

FUNCTIONS: dict[str, Operation] = {
    name: operation for name, operation in OPERATIONS.items() if operation.signature is not None
}
"""The functions a formula may call: nothing outside this table can be called (the language has
no access to Python)."""


def signature(function: str) -> Signature:
    """How a function of the language is called."""
    found = FUNCTIONS[function].signature
    assert found is not None
    return found


def operation_of(node: ast.Expr) -> Operation | None:
    """The operation a node applies to its children. None for a literal, a name or a lookup;
    and for a call the operation cannot be applied to: of a function that does not exist, with
    the wrong number of arguments, a ``round`` whose decimals and mode are not written as a
    number and a name, or a ``sum_per_day`` whose figure is not written as a name (the checker
    says what is wrong with those)."""
    match node:
        case ast.Window(function=name):
            return WINDOWS.get(name)
        case ast.Binary(op=op):
            return OPERATIONS[op]
        case ast.Unary(op=op):
            return OPERATIONS["not" if op == "not" else "negate"]
        case ast.Conditional():
            return OPERATIONS["if"]
        case ast.Call(function=name, args=args):
            function = FUNCTIONS.get(name)
            if function is None or function.signature is None:
                return None
            if not function.signature.arity_ok(len(args)):
                return None
            if name == "round" and not (
                isinstance(args[1], ast.Number) and isinstance(args[2], ast.Name)
            ):
                return None
            if name == per_day.FUNCTION and not isinstance(args[0], ast.Name):
                return None
            return function
    return None
