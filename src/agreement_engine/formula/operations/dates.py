"""What the functions of dates and months mean: ``year_of``, ``month_of``, ``months_between``,
``days_between`` and ``sum_per_day``.

The calendar arithmetic itself, exact and over polars columns, is in
:mod:`agreement_engine.formula.dates`; a figure summed day by day in :mod:`.per_day`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agreement_engine.formula import per_day
from agreement_engine.formula.dates import (
    days_between,
    month_of,
    month_of_column,
    months_between,
    year_of,
)
from agreement_engine.formula.operations.entry import Counted, Operation, Signature
from agreement_engine.formula.types import DAYS, MONTHS, NUMBER, Kind, Quantity, Type


def _per_day_type(figure: Type, start: Type, end: Type) -> Type | None:
    """``sum_per_day(figure, from, to)``: the figure's unit (the checker gives it) times days."""
    fits = isinstance(figure, Quantity) and start == end == Kind.DATE
    return figure.times(DAYS) if isinstance(figure, Quantity) and fits else None


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


DATES: dict[str, Operation] = {
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
}
"""The functions of dates and months, by name."""
