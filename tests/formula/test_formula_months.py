"""Formulas across months and days: month arithmetic, values of other months, windows over
months, and dated figures summed day by day; each checked before anything runs, and exact."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agreement_engine.formula import (
    Amount,
    FormulaProblem,
    Parameter,
    Scope,
    Span,
    Value,
    ast,
    check,
    evaluate,
    parse,
    unparse,
)
from agreement_engine.formula.evaluator import Compiled
from agreement_engine.formula.per_day import summed, summed_column
from agreement_engine.formula.reach import Reach, month_named, window_months
from agreement_engine.formula.types import DAYS, MONEY, MONTHS, NUMBER, PRICE_PER_DAY, Kind
from agreement_engine.months import YearMonth

MONTHLY = Scope(
    values={"month": Kind.MONTH, "average_days": DAYS, "episodes": NUMBER},
    parameters={"national_day_cost": Parameter(PRICE_PER_DAY, "year")},
    across_months=True,
)
EPISODE = Scope(
    values={"ready_date": Kind.DATE, "discharge_date": Kind.DATE},
    parameters={"national_day_cost": Parameter(PRICE_PER_DAY, "year")},
)
AVERAGES = {YearMonth(2023, 11): 9, YearMonth(2023, 12): 6, YearMonth(2024, 1): 3}


class Months:
    """A municipality's months: each month's average days, and the reads of other months."""

    def __init__(self, month: YearMonth) -> None:
        self.month = month

    def value(self, name: str, span: Span) -> Value:
        if name == "month":
            return self.month
        return Amount(Fraction(AVERAGES[self.month]), DAYS)

    def lookup(self, name: str, key: Value, span: Span) -> Value:
        assert isinstance(key, YearMonth)
        return Months(key).value(name, span)

    def episodes(self) -> list[Months]:
        return []

    def across(
        self, months: Sequence[YearMonth], body: Compiled, text: str, span: Span
    ) -> list[Value]:
        return [body(Months(m)) for m in months]


JANUARY = YearMonth(2024, 1)


def value_of(text: str) -> Value:
    """A formula's value in January 2024 (it must check cleanly)."""
    expr = parse(text)
    assert check(expr, MONTHLY)[1] == []
    return evaluate(expr, Months(JANUARY))


def messages(text: str, scope: Scope = MONTHLY) -> list[str]:
    """What the checker says of a formula, message by message."""
    return [p.message for p in check(parse(text), scope)[1]]


# -- month arithmetic -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("month - 1 month", YearMonth(2023, 12)),
        ("month + 13 months", YearMonth(2025, 2)),
        ("2024-01 - 2023-10", Amount(Fraction(3), MONTHS)),
        ("months_between(2023-11, month)", Amount(Fraction(2), MONTHS)),
    ],
)
def test_a_month_is_moved_by_whole_months_and_months_between_are_counted(
    text: str, expected: Value
) -> None:
    """month − 1 month is the month before; two months apart are a number of months apart."""
    assert value_of(text) == expected


def test_a_month_is_not_moved_by_a_bare_number_and_the_hint_says_to_write_months() -> None:
    """'month - 1' is the first thing written; the unit is what is missing."""
    (problem,) = check(parse("month - 1"), MONTHLY)[1]
    assert problem.hint == "a month is moved by months: write 1 month, like month - 1 month"


def test_a_month_moved_by_part_of_a_month_is_refused_where_it_is_written() -> None:
    """There is no half a month to bill."""
    assert messages("month - 0.5 months") == ["a month can only be moved by whole months"]


# -- values of other months and windows -----------------------------------------------------------


def test_a_rule_is_read_at_another_month_and_over_a_window_exactly() -> None:
    """The mean of 9, 6 and 3 days is 6 days, exactly; the month before has 6 days."""
    assert value_of("average_days[month - 1 month]") == Amount(Fraction(6), DAYS)
    assert value_of("mean(average_days over 3 months)") == Amount(Fraction(6), DAYS)
    assert value_of("sum(average_days over 2 months to month - 1 month)") == Amount(
        Fraction(15), DAYS
    )
    assert value_of("max(average_days over 3 months)") == Amount(Fraction(9), DAYS)


def test_a_window_and_a_look_up_by_month_read_back_as_written() -> None:
    """parse(unparse(tree)) == tree, for the new forms too."""
    for text in [
        "mean(average_days over 3 months)",
        "sum(average_days - 1 day over 12 months to month - 1 month)",
        "average_days[2023-12 + 1 month]",
    ]:
        tree = parse(text)
        assert unparse(tree) == text
        assert parse(unparse(tree)) == tree
    assert isinstance(parse("mean(x over 3 months)"), ast.Window)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("month", Reach(0)),
        ("month - 2 months", Reach(-2)),
        ("2023-12 + 1 month", Reach(1, YearMonth(2023, 12))),
        ("month_of(2024-01-05)", None),
        ("month - episodes * 1 month", None),
    ],
)
def test_the_months_a_formula_names_are_known_before_anything_runs(
    text: str, expected: Reach | None
) -> None:
    """A look-up or a window names the month billed or a month written, moved by months
    written: so the engine knows which months of data it needs."""
    assert month_named(parse(text)) == expected


def test_a_window_spans_its_size_up_to_its_end() -> None:
    """Three months to the month before: from three months back to one back."""
    window = parse("mean(average_days over 3 months to month - 1 month)")
    assert isinstance(window, ast.Window)
    assert window_months(window) == (Reach(-3), Reach(-1))


WINDOW_MISTAKES = {
    "no size written": (
        "mean(average_days over episodes * 1 month)",
        "a window spans a whole number of months written out, from 1 to 120",
    ),
    "an empty window": (
        "mean(average_days over 0 months)",
        "a window spans a whole number of months written out, from 1 to 120",
    ),
    "too long a window": (
        "sum(average_days over 121 months)",
        "a window spans a whole number of months written out, from 1 to 120",
    ),
    "an end not written": (
        "mean(average_days over 3 months to month_of(2024-01-05))",
        "the month must be the month billed or a month written out, moved by a whole number "
        "of months written out",
    ),
    "a function with no window": ("mean(average_days)", "'mean' is taken over a window of months"),
    "a window of what has no mean": (
        "mean(month over 3 months)",
        "'mean' over months needs numbers, not a month",
    ),
    "an unknown window function": (
        "median(average_days over 3 months)",
        "'median' cannot be taken over months",
    ),
    "a look-up by a number": (
        "average_days[3]",
        "'average_days' is looked up by a month, not by a number",
    ),
    "the month looked up": (
        "month[month - 1 month]",
        "'month' is the month billed; it has no value at another month",
    ),
    "too far back": (
        "average_days[month - 121 months]",
        "a rule may read at most 120 months away from the month billed",
    ),
}


@pytest.mark.parametrize(("text", "expected"), WINDOW_MISTAKES.values(), ids=WINDOW_MISTAKES)
def test_each_mistake_in_reading_other_months_has_its_message(text: str, expected: str) -> None:
    """Bounded windows only, and months the engine can know before anything runs."""
    assert messages(text) == [expected]


def test_episode_rules_cannot_read_other_months() -> None:
    """Windows belong in the monthly rules; an episode rule has no month of its own."""
    assert check(parse("mean(average_days over 3 months)"), EPISODE)[1] == [
        FormulaProblem(
            "a window over months can only be used in monthly rules",
            Span(0, 4),
            "count and sum the episodes of a month in the aggregates; take windows over the "
            "months in the rules, like rolling_mean: mean(average_days over 3 months)",
        )
    ]


# -- a dated figure summed day by day -------------------------------------------------------------


PRICES = {2023: 10500, 2024: 11000, 2025: 11500}


def test_each_day_of_a_stay_across_the_new_year_takes_its_own_years_amount() -> None:
    """9 days of 2024 at 11 000 kr and 4 of 2025 at 11 500 kr: 145 000 kr, exactly."""

    def price(month: YearMonth) -> Fraction:
        return Fraction(PRICES[month.year])

    assert summed(price, dt.date(2024, 12, 23), dt.date(2025, 1, 5)) == Fraction(145000)
    assert summed(price, dt.date(2025, 1, 5), dt.date(2024, 12, 23)) == Fraction(0)


def test_sum_per_day_is_money_from_a_price_per_day_and_two_dates() -> None:
    """The figure is named, not looked up: its unit times days is the result's."""
    text = "sum_per_day(national_day_cost, ready_date, discharge_date)"
    assert check(parse(text), EPISODE) == (MONEY, [])
    assert [p.message for p in check(parse("sum_per_day(3, ready_date, 2024-01)"), EPISODE)[1]]


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(dt.date(2022, 6, 1), dt.date(2026, 6, 1)),
    length=st.integers(-5, 800),
)
def test_polars_sums_a_figure_day_by_day_as_the_exact_sum_does(start: dt.date, length: int) -> None:
    """Counting an extract in columns must give, episode by episode, what the exact sum gives;
    days in years without a figure add nothing (the line is not computed: see billing)."""
    end = start + dt.timedelta(days=length)
    values = {str(year): price for year, price in PRICES.items()}
    frame = pl.DataFrame({"a": [start], "b": [end]})
    column = summed_column(pl.col("a"), pl.col("b"), values, "year")
    got = frame.select(column.alias("x"))["x"][0]

    def price(month: YearMonth) -> Fraction:
        return Fraction(PRICES.get(month.year, 0))

    assert got == summed(price, start, end)
