"""A dated figure summed day by day: ``sum_per_day(national_day_cost, liability_start,
discharge_date)``.

Each day from the first date (included) to the second (not included) takes the figure of its
own year (or month, for a figure kept by month): an episode that spans a new year is priced
day by day at each year's amount, without a date written in any rule. No days (the second date
on or before the first) sum to 0.

Defined once here, exactly (:func:`summed`, for the line evaluator) and over a column of an
episode extract in polars (:func:`summed_column`, for counting), where a figure's days in each
year or month are the overlap of the episode's dates with that year or month.

>>> import datetime as dt
>>> price = {"2024": Fraction(11000), "2025": Fraction(11500)}
>>> summed(lambda month: price[str(month.year)], dt.date(2024, 12, 29), dt.date(2025, 1, 2))
Fraction(44500, 1)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

from agreement_engine.months import YearMonth

if TYPE_CHECKING:  # polars is imported only when episodes are counted
    import polars as pl

FUNCTION = "sum_per_day"
MARGIN_YEARS = 10
"""How far before the first and after the last year a figure is kept for, the days of
episodes are still told apart year by year (for a figure kept by month: a tenth of that, in
years); days further out are told only as before or after."""


def segments(start: dt.date, end: dt.date) -> Iterator[tuple[YearMonth, int]]:
    """The days from ``start`` (included) to ``end`` (not included), month by month."""
    day = start
    while day < end:
        month = YearMonth.of(day)
        stop = min(end, month.last_day + dt.timedelta(days=1))
        yield month, (stop - day).days
        day = stop


def summed(figure: Callable[[YearMonth], Fraction], start: dt.date, end: dt.date) -> Fraction:
    """The sum over the days from ``start`` to ``end`` of ``figure`` of each day's month (a
    figure kept by year gives the same value for every month of the year)."""
    return sum((days * figure(month) for month, days in segments(start, end)), Fraction(0))


def bounds(key: str, period: str) -> tuple[dt.date, dt.date]:
    """The first day of a figure's year or month, and the day after its last."""
    if period == "year":
        return dt.date(int(key), 1, 1), dt.date(int(key) + 1, 1, 1)
    month = YearMonth.parse(key)
    return month.first_day, month.last_day + dt.timedelta(days=1)


def periods(keys: list[str], period: str) -> list[tuple[str, dt.date, dt.date]]:
    """Every year (or month) from :data:`MARGIN_YEARS` before a figure's first key to as many
    after its last, as (key, first day, day after the last), in order; and the days before and
    after them as the keys ``before`` and ``after``: every day falls in exactly one."""
    if period == "year":
        years = sorted(int(key) for key in keys) or [2000]
        span = [str(y) for y in range(years[0] - MARGIN_YEARS, years[-1] + MARGIN_YEARS + 1)]
    else:
        months = sorted(YearMonth.parse(key) for key in keys) or [YearMonth(2000, 1)]
        margin = max(1, MARGIN_YEARS // 10) * 12
        span = [str(m) for m in YearMonth.range(months[0].plus(-margin), months[-1].plus(margin))]
    found = [(key, *bounds(key, period)) for key in span]
    return [("before", dt.date.min, found[0][1]), *found, ("after", found[-1][2], dt.date.max)]


def overlap(start: pl.Expr, end: pl.Expr, first: dt.date, after: dt.date) -> pl.Expr:
    """The days of [start, end) that fall in [first, after), never below 0 (0 when unknown)."""
    import polars as pl

    lower = pl.max_horizontal(start, pl.lit(first, dtype=pl.Date))
    upper = pl.min_horizontal(end, pl.lit(after, dtype=pl.Date))
    return (upper - lower).dt.total_days().clip(lower_bound=0).fill_null(0)


def summed_column(start: pl.Expr, end: pl.Expr, values: Mapping[str, int], period: str) -> pl.Expr:
    """:func:`summed` over columns: each key's days times its value (whole kronor), added up.
    Keys without a whole value add nothing here: the counting records every key an episode's
    days reach (:func:`periods`), and a line whose days reach a figure that is missing or not
    whole is not computed."""
    import polars as pl

    total = pl.lit(0, dtype=pl.Int64)
    for key, value in values.items():
        first, after = bounds(key, period)
        total = total + overlap(start, end, first, after) * pl.lit(value, dtype=pl.Int64)
    return total
