"""The typed syntax tree of a formula.

Every node knows the span of formula text it came from, so any problem found later (by the type
checker, or while evaluating) can be shown with a caret under the exact spot. Spans are left out of
equality: two formulas that differ only in spacing or line breaks have equal trees.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TypeAlias

from agreement_engine.frozen import field, frozen
from agreement_engine.months import YearMonth


@frozen
class Span:
    """Character offsets [start, end) in the formula text."""

    start: int
    end: int

    @property
    def length(self) -> int:
        """How many characters a caret under the span marks: at least one.

        >>> Span(4, 12).length, Span(7, 7).length
        (8, 1)
        """
        return max(1, self.end - self.start)


NO_SPAN = Span(0, 0)


@frozen
class Number:
    """A decimal literal with an optional unit: ``12``, ``0.1 days``, ``9300 kr``, ``35 %``."""

    value: Decimal
    unit: str | None
    span: Span = field(default=NO_SPAN, compare=False)


@frozen
class DateLiteral:
    value: dt.date
    span: Span = field(default=NO_SPAN, compare=False)


@frozen
class MonthLiteral:
    value: YearMonth
    span: Span = field(default=NO_SPAN, compare=False)


@frozen
class TimeLiteral:
    value: dt.time
    span: Span = field(default=NO_SPAN, compare=False)


@frozen
class Text:
    value: str
    span: Span = field(default=NO_SPAN, compare=False)


@frozen
class Boolean:
    value: bool
    span: Span = field(default=NO_SPAN, compare=False)


@frozen
class Name:
    """A reference to a rule, an input, a parameter or a rounding mode."""

    name: str
    span: Span = field(default=NO_SPAN, compare=False)


@frozen
class Lookup:
    """A dated parameter looked up by year or month, ``national_day_cost[2023]``; or, in a
    monthly rule, a rule or aggregate at another month, ``average_days[month - 1 month]``."""

    name: str
    key: Expr
    span: Span = field(default=NO_SPAN, compare=False)
    name_span: Span = field(default=NO_SPAN, compare=False)


@frozen
class Call:
    """A call of one of the language's fixed functions: ``max(0 days, excess)``."""

    function: str
    args: tuple[Expr, ...]
    span: Span = field(default=NO_SPAN, compare=False)
    name_span: Span = field(default=NO_SPAN, compare=False)


@frozen
class Window:
    """A value taken over a window of months: ``mean(average_days over 3 months)`` is the mean
    of ``average_days`` in the month billed and the two before it; ``to`` ends the window at
    another month: ``sum(episodes over 12 months to month - 1 month)``."""

    function: str
    body: Expr
    size: Expr
    end: Expr | None
    span: Span = field(default=NO_SPAN, compare=False)
    name_span: Span = field(default=NO_SPAN, compare=False)


@frozen
class Unary:
    """``-x`` or ``not x``."""

    op: str
    operand: Expr
    span: Span = field(default=NO_SPAN, compare=False)


@frozen
class Binary:
    """Arithmetic (``+ - * /``), comparison (``= != < <= > >=``) or logic (``and or``)."""

    op: str
    left: Expr
    right: Expr
    span: Span = field(default=NO_SPAN, compare=False)
    op_span: Span = field(default=NO_SPAN, compare=False)


@frozen
class Conditional:
    """``if condition then a else b``."""

    condition: Expr
    then: Expr
    otherwise: Expr
    span: Span = field(default=NO_SPAN, compare=False)


LITERALS = (DateLiteral, MonthLiteral, TimeLiteral, Text, Boolean)
"""The nodes of values written as they are, each standing for itself (a number has a unit)."""

Expr: TypeAlias = (
    Number
    | DateLiteral
    | MonthLiteral
    | TimeLiteral
    | Text
    | Boolean
    | Name
    | Lookup
    | Call
    | Window
    | Unary
    | Binary
    | Conditional
)

ARITHMETIC = frozenset({"+", "-", "*", "/"})
COMPARISON = frozenset({"=", "!=", "<", "<=", ">", ">="})
LOGIC = frozenset({"and", "or"})


def children(node: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of a node, left to right."""
    match node:
        case Lookup(key=key):
            return (key,)
        case Call(args=args):
            return args
        case Window(body=body, size=size, end=end):
            return (body, size) if end is None else (body, size, end)
        case Unary(operand=operand):
            return (operand,)
        case Binary(left=left, right=right):
            return (left, right)
        case Conditional(condition=c, then=t, otherwise=o):
            return (c, t, o)
        case _:
            return ()


def walk(node: Expr) -> list[Expr]:
    """Every node of the tree, parents before children."""
    out = [node]
    for child in children(node):
        out.extend(walk(child))
    return out


def names_used(node: Expr) -> set[str]:
    """Names referred to as values (not functions, not parameters looked up)."""
    return {n.name for n in walk(node) if isinstance(n, Name)}


def parameters_used(node: Expr) -> set[str]:
    """Names looked up with ``[ ]``: dated figures, or values at another month."""
    return {n.name for n in walk(node) if isinstance(n, Lookup)}


def across_months(node: Expr, monthly: set[str] | frozenset[str]) -> bool:
    """Whether a formula reads values of other months: a window, or one of the ``monthly``
    names (rules and aggregates, not dated figures) looked up by month."""
    return any(
        isinstance(n, Window) or (isinstance(n, Lookup) and n.name in monthly) for n in walk(node)
    )
