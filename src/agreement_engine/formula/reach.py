"""How far a formula reaches across months: the months a look-up or a window names.

A monthly rule may read values of other months (``average_days[month - 1 month]``,
``mean(average_days over 3 months)``). Which months must be known before anything runs: the
engine reads the data those months need, reports a window that needs months the data does not
have, and never follows a chain of months without end. So the month of a look-up, and the last
month of a window, are written as the month billed or a month written out, moved by a number of
months written out: ``month``, ``month - 1 month``, ``2023-12``, ``2023-12 + 3 months``.

>>> from agreement_engine.formula.parser import parse
>>> month_named(parse("month - 2 months")), month_named(parse("2023-12"))
(Reach(offset=-2, fixed=None), Reach(offset=0, fixed=YearMonth(year=2023, month=12)))
>>> month_named(parse("month_of(2024-01-05)")) is None
True
"""

from __future__ import annotations

from agreement_engine.formula import ast
from agreement_engine.formula.types import MONTHS, UNITS
from agreement_engine.frozen import frozen
from agreement_engine.months import YearMonth


@frozen
class Reach:
    """A month named by a formula: ``offset`` months from the month billed, or from ``fixed``,
    a month written out."""

    offset: int
    fixed: YearMonth | None = None

    def month(self, billed: YearMonth) -> YearMonth:
        """The month named, when ``billed`` is billed."""
        return (self.fixed or billed).plus(self.offset)

    def moved(self, months: int) -> Reach:
        return Reach(self.offset + months, self.fixed)


def month_named(expr: ast.Expr) -> Reach | None:
    """The month a formula names, if it is one the engine can know before anything runs: the
    month billed or a month written, moved by whole months written out. None otherwise."""
    match expr:
        case ast.Name(name="month"):
            return Reach(0)
        case ast.MonthLiteral(value=value):
            return Reach(0, value)
        case ast.Binary(op="+" | "-", left=left, right=right):
            base, by = (left, right) if month_named(left) is not None else (right, left)
            named, months = month_named(base), whole_months(by)
            if named is None or months is None or (expr.op == "-" and base is right):
                return None
            return named.moved(-months if expr.op == "-" else months)
    return None


def whole_months(expr: ast.Expr) -> int | None:
    """A whole number of months written out (``3 months``, ``-1 month``), else None."""
    match expr:
        case ast.Number(value=value, unit=unit) if unit is not None and UNITS[unit] == MONTHS:
            return int(value) if value == value.to_integral_value() else None
        case ast.Unary(op="-", operand=operand):
            found = whole_months(operand)
            return -found if found is not None else None
    return None


def window_months(window: ast.Window) -> tuple[Reach, Reach] | None:
    """The first and last month of a window, if its size and end are written as they must be."""
    size = whole_months(window.size)
    end = Reach(0) if window.end is None else month_named(window.end)
    if size is None or size < 1 or end is None:
        return None
    return end.moved(1 - size), end
