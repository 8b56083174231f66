"""Dates and months in formulas: a date moved by whole days, a month by whole months, the
months between two months, and the month and year of a date.

Each exactly, on Python's dates and :class:`.YearMonth` (which run from the year 1 to 9999), and
as polars computes it over a column of an episode extract, where a month is a whole number
(year × 12 + month − 1), so that moving it is adding to that number.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING

from agreement_engine.diagnostics import Text
from agreement_engine.formula.problems import Undefined
from agreement_engine.months import YearMonth

if TYPE_CHECKING:  # polars is imported only when episodes are counted
    import polars as pl

MAX_DAY_OFFSET = (dt.date.max - dt.date.min).days
"""The most days a date of the years 1–9999 can be moved by and still be such a date."""
OUTSIDE_CALENDAR = Text("the date falls outside the years 1–9999")


def moved(date: dt.date, days: Fraction, sign: int) -> dt.date:
    """A date moved by whole days, forwards (``sign`` 1) or backwards (-1).

    >>> moved(dt.date(2023, 10, 30), Fraction(3), 1)
    datetime.date(2023, 11, 2)
    """
    if days.denominator != 1:
        raise Undefined(Text("a date can only be moved by whole days"))
    try:
        return date + dt.timedelta(days=sign * int(days))
    except OverflowError:  # past 9999-12-31 or before 0001-01-01: Python has no such date
        raise Undefined(OUTSIDE_CALENDAR, hint="dates run from 0001-01-01 to 9999-12-31") from None


def moved_column(date: pl.Expr, days: pl.Expr, sign: int) -> pl.Expr:
    """:func:`moved` over columns."""
    import polars as pl

    # No two dates of the years 1–9999 are further apart than MAX_DAY_OFFSET days, and polars'
    # durations wrap around not far past that: a longer move (check refuses written ones) is cut
    # to one day more, which still lands past every real date, so comparing the date moved with
    # a real date comes out right.
    offset = pl.duration(days=days.clip(-MAX_DAY_OFFSET - 1, MAX_DAY_OFFSET + 1))
    return date - offset if sign < 0 else date + offset


def shifted(month: YearMonth, months: Fraction, sign: int) -> YearMonth:
    """A month moved by whole months, forwards (``sign`` 1) or backwards (-1).

    >>> str(shifted(YearMonth(2024, 1), Fraction(1), -1))
    '2023-12'
    """
    if months.denominator != 1:
        raise Undefined(Text("a month can only be moved by whole months"))
    try:
        return month.plus(sign * int(months))
    except ValueError:  # before the year 1 or after 9999
        raise Undefined(
            Text("the month falls outside the years 1–9999"),
            hint="months run from 0001-01 to 9999-12",
        ) from None


def months_between(start: YearMonth, end: YearMonth) -> Fraction:
    """The months from one month to another: 0 for the same month, negative for an earlier one.

    >>> months_between(YearMonth(2023, 11), YearMonth(2024, 2))
    Fraction(3, 1)
    """
    return Fraction(start.months_until(end))


def year_of(when: YearMonth | dt.date) -> Fraction:
    return Fraction(when.year)


def month_of(date: dt.date) -> YearMonth:
    return YearMonth(date.year, date.month)


def month_of_column(date: pl.Expr) -> pl.Expr:
    """:func:`month_of` over a column: a whole number, year × 12 + month − 1."""
    import polars as pl

    return (date.dt.year().cast(pl.Int32) * 12 + date.dt.month().cast(pl.Int32)) - 1


def days_between(start: dt.date, end: dt.date) -> Fraction:
    """The days from one date to another, in calendar days.

    >>> days_between(dt.date(2023, 10, 30), dt.date(2023, 11, 4))
    Fraction(5, 1)
    """
    return Fraction((end - start).days)
