"""Evaluating a formula over columns gives, line for line, what evaluating each line gives; and
what cannot be evaluated over columns is refused, never guessed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agreement_engine.formula import Amount, FormulaError, Span, Value, evaluate, parse
from agreement_engine.formula.batch import Column, Unbatchable, batched
from agreement_engine.formula.evaluator import Compiled
from agreement_engine.formula.ratios import Ratios, fractions, of_fractions
from agreement_engine.formula.types import DAYS, MONEY, NUMBER, PRICE_PER_DAY, Quantity
from agreement_engine.months import YearMonth

UNITS: dict[str, Quantity] = {
    "episodes": NUMBER,
    "total_days": DAYS,
    "benchmark": DAYS,
    "day_cost": PRICE_PER_DAY,
    "gross": MONEY,
}

# Every kind of node the line rules of an agreement use, and then some.
FORMULAS = [
    "if episodes = 0 then 0 days else total_days / episodes",
    "max(0 days, total_days / max(episodes, 1) - benchmark)",
    "min(benchmark, 3 days, total_days)",
    "max(benchmark, total_days, benchmark)",
    "(total_days - benchmark * episodes) * day_cost",
    "round(total_days / 3 * day_cost, 0, half_up)",
    "round(gross * 35 %, 2, half_even)",
    "round(-gross / 7, 1, floor)",
    "abs(benchmark - total_days)",
    "-gross + 1.5 kr",
    "if month >= 2023-11 then gross * 35 % else 0 kr",
    "if episodes > 2 and total_days / episodes > benchmark then gross else 0 kr",
    "if episodes = 0 or total_days / episodes < benchmark then 0 kr else gross",
    "if not (episodes = 0) then gross else 1 kr",
    "year_of(month) * 1 kr",
    "if month_of(start) = month then 1 else 2",
    "days_between(start, 2024-12-31)",
    'if care = "somatisk" and noon < 12:00 then 1 kr else 2 kr',
    "if 2024-01-01 < start then true else false",
]


@st.composite
def lines(draw: st.DrawFn) -> list[dict[str, Value]]:
    """A few lines' values, with zero episodes and ties common enough to matter."""
    count = draw(st.integers(1, 6))
    found: list[dict[str, Value]] = []
    for _ in range(count):
        episodes = draw(st.integers(0, 4))
        found.append(
            {
                "episodes": Amount(Fraction(episodes), NUMBER),
                "total_days": Amount(Fraction(draw(st.integers(0, 40))), DAYS),
                "benchmark": Amount(Fraction(draw(st.sampled_from([0, 7, 35, 40])), 10), DAYS),
                "day_cost": Amount(Fraction(draw(st.sampled_from([9300, 9301]))), PRICE_PER_DAY),
                "gross": Amount(Fraction(draw(st.integers(-2000, 2000)), 4), MONEY),
                "month": draw(st.sampled_from([YearMonth(2023, 10), YearMonth(2023, 11)])),
                "start": draw(st.dates(dt.date(2023, 10, 1), dt.date(2024, 2, 1))),
                "care": draw(st.sampled_from(["somatisk", "psykiatri"])),
                "noon": draw(st.sampled_from([dt.time(11, 59), dt.time(12, 0)])),
            }
        )
    return found


class Line:
    """One line's names, for the line-by-line evaluator."""

    def __init__(self, values: dict[str, Value]) -> None:
        self.values = values

    def value(self, name: str, span: Span) -> Value:
        return self.values[name]

    def lookup(self, name: str, key: Value, span: Span) -> Value:
        raise AssertionError("no lookups here")

    def episodes(self) -> list[Line]:
        return []

    def across(
        self, months: Sequence[YearMonth], body: Compiled, text: str, span: Span
    ) -> list[Value]:
        raise AssertionError("no windows here")


def bare(value: Value) -> Any:
    return value.value if isinstance(value, Amount) else value


def columns_of(found: list[dict[str, Value]]) -> dict[str, Column]:
    """Each name's values on the lines, quantities as integers (as billing gives them)."""
    return {name: column([bare(line[name]) for line in found]) for name in found[0]}


def column(values: list[Any]) -> Column:
    return of_fractions(values) if type(values[0]) is Fraction else values


def values_of(found: Column) -> list[Any]:
    """A column's values on each line, quantities as fractions."""
    return fractions(found) if isinstance(found, Ratios) else found


@pytest.mark.parametrize("text", FORMULAS)
@settings(max_examples=40, deadline=None)
@given(found=lines())
def test_a_formula_over_columns_gives_each_line_what_the_line_evaluator_gives(
    text: str, found: list[dict[str, Value]]
) -> None:
    expr = parse(text)
    try:
        expected = [bare(evaluate(expr, Line(line))) for line in found]
    except FormulaError:  # a line divides by zero: the columns are refused, for the line to say
        with pytest.raises(Unbatchable):
            batched(expr)(columns_of(found), range(len(found)))
        return
    got = values_of(batched(expr)(columns_of(found), range(len(found))))
    assert got == expected
    assert [type(v) for v in got] == [type(v) for v in expected]


def test_only_the_lines_asked_for_are_evaluated_in_their_order() -> None:
    expr = parse("total_days / episodes")
    columns: dict[str, Column] = {
        "total_days": Ratios([1, 2, 3], 1),
        "episodes": Ratios([0, 4, 6], 1),
    }
    assert values_of(batched(expr)(columns, [2, 1])) == [Fraction(1, 2), Fraction(1, 2)]
    with pytest.raises(Unbatchable):  # the first line divides by zero
        batched(expr)(columns, range(3))


@pytest.mark.parametrize(
    "text",
    [
        "national_day_cost[year_of(month)]",  # a dated figure: the line records its use
        "start + 3 days",  # arithmetic on dates: the line checks the calendar
        "count(days_ready >= 1 day)",  # episodes are counted elsewhere
    ],
)
def test_what_the_columns_cannot_evaluate_is_refused(text: str) -> None:
    columns: dict[str, Column] = {
        "month": [YearMonth(2024, 1)],
        "start": [dt.date(2024, 1, 1)],
        "days_ready": Ratios([2], 1),
    }
    with pytest.raises(Unbatchable):
        batched(parse(text))(columns, range(1))
