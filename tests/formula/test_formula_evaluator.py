"""The formula evaluator: exact arithmetic, rounding only where asked, and readable values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
    localcontext,
)
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreement_engine.formula import (
    ROUNDING_MODES,
    Amount,
    FormulaError,
    FormulaProblem,
    Span,
    Value,
    evaluate,
    format_value,
    parse,
    to_decimal,
)
from agreement_engine.formula.evaluator import Compiled
from agreement_engine.formula.types import DAYS, MONEY, NUMBER, PRICE_PER_DAY, Quantity
from agreement_engine.months import YearMonth


class Figures:
    """A month's figures: values by name, dated figures by (name, key), and its episodes."""

    def __init__(
        self,
        values: Mapping[str, Value],
        dated: Mapping[tuple[str, object], Value] | None = None,
        episodes: Iterable[Figures] = (),
    ) -> None:
        self._values = dict(values)
        self._dated = dict(dated or {})
        self._episodes = list(episodes)

    def value(self, name: str, span: Span) -> Value:
        return self._values[name]

    def lookup(self, name: str, key: Value, span: Span) -> Value:
        year_or_month = int(key.value) if isinstance(key, Amount) else key
        return self._dated[(name, year_or_month)]

    def episodes(self) -> Iterable[Figures]:
        return self._episodes

    def across(
        self, months: Sequence[YearMonth], body: Compiled, text: str, span: Span
    ) -> list[Value]:
        raise AssertionError("these formulas read no other month")


def run(text: str, **values: Value) -> Value:
    """Evaluate a formula with the given names."""
    return evaluate(parse(text), Figures(values))


def days(value: Fraction | int | str) -> Amount:
    return Amount(Fraction(value), DAYS)


def kr(value: Fraction | int | str) -> Amount:
    return Amount(Fraction(value), MONEY)


def number(value: Fraction | int | str) -> Amount:
    return Amount(Fraction(value), NUMBER)


def test_an_average_is_an_exact_fraction() -> None:
    """Ten days over three episodes is exactly 10/3 days, not a rounded decimal."""
    average = run("total_days / episodes", total_days=days(10), episodes=number(3))
    assert average == Amount(Fraction(10, 3), DAYS)


def test_an_amount_of_exactly_half_a_krona_is_rounded_by_the_declared_mode() -> None:
    """Exactness decides whole kronor: a tie must be seen as a tie, then rounded as declared."""
    # 37 days over 3 episodes: the average is 37/3 days. With benchmark 11.5 days and a day cost
    # of 9301 kr/day the true amount is (37/3 - 11.5) * 3 * 9301 = 2.5 * 9301 = 23252.5 kr.
    # With Decimal's default 28 digits the average becomes 12.33333333333333333333333333, so
    # (average - 11.5) * 3 = 2.49999999999999999999999999 and the amount
    # 23252.49999999999999999999991 kr, which half_up rounds *down* to 23252 kr: one krona lost.
    month = Figures(
        {"total_days": days(37), "episodes": number(3), "benchmark": days("11.5")},
        dated={("national_day_cost", 2023): Amount(Fraction(9301), PRICE_PER_DAY)},
    )
    average = evaluate(parse("total_days / episodes"), month)
    assert average == days(Fraction(37, 3))
    amount = Figures(
        {
            "average_days": average,
            "benchmark": days("11.5"),
            "episodes": number(3),
            "day_cost": evaluate(parse("national_day_cost[2023]"), month),
        }
    )
    gross = evaluate(parse("(average_days - benchmark) * episodes * day_cost"), amount)
    assert gross == kr(Fraction(46505, 2))
    assert run("round(gross, 0, half_up)", gross=gross) == kr(23253)
    assert run("round(gross, 0, half_even)", gross=gross) == kr(23252)

    with localcontext() as context:
        context.prec = 28
        decimal_average = Decimal(37) / Decimal(3)
        decimal_gross = (decimal_average - Decimal("11.5")) * 3 * 9301
    assert decimal_gross < Decimal("23252.5")
    assert decimal_gross.quantize(Decimal(1), ROUND_HALF_UP) == 23252


ROUNDING_TABLE = [
    # value, decimals, half_up, half_even, half_down, up, down, ceiling, floor
    ("2.5", 0, "3", "2", "2", "3", "2", "3", "2"),
    ("-2.5", 0, "-3", "-2", "-2", "-3", "-2", "-2", "-3"),
    ("2.4", 0, "2", "2", "2", "3", "2", "3", "2"),
    ("2.6", 0, "3", "3", "3", "3", "2", "3", "2"),
    ("-2.6", 0, "-3", "-3", "-3", "-3", "-2", "-2", "-3"),
    ("0.125", 2, "0.13", "0.12", "0.12", "0.13", "0.12", "0.13", "0.12"),
]


@pytest.mark.parametrize(
    ("value", "decimals", "mode", "expected"),
    [
        pytest.param(row[0], row[1], mode, result, id=f"{row[0]}-{mode}")
        for row in ROUNDING_TABLE
        for mode, result in zip(ROUNDING_MODES, row[2:], strict=True)
    ],
)
def test_each_rounding_mode_rounds_ties_and_signs_as_documented(
    value: str, decimals: int, mode: str, expected: str
) -> None:
    """Agreements name their rounding; each mode must do what its name says, sign included."""
    result = run(f"round(x, {decimals}, {mode})", x=kr(value))
    assert result == kr(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("round(-2.5, 0, half_up)", number(-3)),
        ("round(-2.5 kr, 0, half_even)", kr(-2)),
    ],
)
def test_rounding_works_on_negated_literals(text: str, expected: Amount) -> None:
    """A minus sign in the formula text rounds the same as a negative value from the data."""
    assert run(text) == expected


@pytest.mark.parametrize("unit", [MONEY, DAYS, NUMBER, PRICE_PER_DAY], ids=str)
def test_round_never_changes_units(unit: Quantity) -> None:
    """Rounding an amount in kronor must still give kronor, and days must stay days."""
    result = run("round(x, 1, half_up)", x=Amount(Fraction(37, 3), unit))
    assert result == Amount(Fraction(123, 10), unit)


def test_dividing_by_zero_points_at_the_divisor() -> None:
    """A month without episodes must say which division failed and how to guard it."""
    with pytest.raises(FormulaError) as raised:
        run("total_days / episodes", total_days=days(0), episodes=number(0))
    assert raised.value.problem == FormulaProblem(
        "division by zero",
        Span(13, 21),
        "guard the division, like: if episodes = 0 then 0 days else total_days / episodes",
    )


def test_the_guarded_average_of_a_month_without_episodes_is_zero_days() -> None:
    """The Halland average rule avoids the division when there are no episodes."""
    text = "if episodes = 0 then 0 days else total_days / episodes"
    assert run(text, total_days=days(0), episodes=number(0)) == days(0)


def test_a_percent_literal_is_its_value_over_a_hundred() -> None:
    """'35 %' in a discount means 0.35, so the discount is 35 hundredths of the amount."""
    assert run("35 %") == number(Fraction(7, 20))
    assert run("gross_amount * 35 %", gross_amount=kr(9300)) == kr(3255)


def test_literals_with_units_evaluate_to_amounts_in_those_units() -> None:
    """A literal's unit is its value's unit, so '0.1 days' is a tenth of a day."""
    assert run("0.1 days") == days(Fraction(1, 10))
    assert run("1 day") == days(1)
    assert run("9300 kr") == kr(9300)
    assert run("12000 kr/day") == Amount(Fraction(12000), PRICE_PER_DAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("discharge_date - ready_date", days(5)),
        ("ready_date - discharge_date", days(-5)),
        ("days_between(ready_date, discharge_date)", days(5)),
        ("ready_date + 3 days", dt.date(2023, 11, 2)),
        ("3 days + ready_date", dt.date(2023, 11, 2)),
        ("discharge_date - 1 day", dt.date(2023, 11, 3)),
        ("month_of(ready_date)", YearMonth(2023, 10)),
        ("year_of(discharge_date)", number(2023)),
    ],
)
def test_dates_differ_by_days_and_move_by_days(text: str, expected: Value) -> None:
    """Discharge-ready days are counted as the difference of two dates, across a month's end."""
    dates = {"ready_date": dt.date(2023, 10, 30), "discharge_date": dt.date(2023, 11, 4)}
    assert run(text, **dates) == expected


def test_a_date_moved_by_part_of_a_day_is_refused() -> None:
    """There is no date half a day after another; the evaluator says so instead of truncating."""
    with pytest.raises(FormulaError) as raised:
        run("ready_date + 0.5 days", ready_date=dt.date(2023, 10, 30))
    assert raised.value.problem == FormulaProblem(
        "a date can only be moved by whole days", Span(0, 21)
    )


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("ready_date + 1 day", {"ready_date": dt.date(9999, 12, 31)}),
        ("ready_date - 1 day", {"ready_date": dt.date(1, 1, 1)}),
        (
            "ready_date + days_ready",
            {"ready_date": dt.date(2023, 3, 1), "days_ready": days(8000 * 366)},
        ),
        (
            "ready_date - days_ready",
            {"ready_date": dt.date(2023, 3, 1), "days_ready": days(10**12)},
        ),
    ],
)
def test_a_date_moved_off_the_calendar_is_refused_in_plain_words(
    text: str, values: dict[str, Value]
) -> None:
    """Python has no date before the year 1 or after 9999: a located error, not a crash."""
    with pytest.raises(FormulaError) as raised:
        run(text, **values)
    assert raised.value.problem == FormulaProblem(
        "the date falls outside the years 1–9999",
        Span(0, len(text)),
        "dates run from 0001-01-01 to 9999-12-31",
    )


@pytest.mark.parametrize("condition", ["true", "1 = 1", "not false"])
def test_a_count_of_a_condition_always_met_counts_every_episode(condition: str) -> None:
    """count(true) is the number of episodes, as the column counting gives it."""
    month = Figures({}, episodes=[Figures({"days_ready": days(n)}) for n in (0, 1, 4, 7)])
    assert evaluate(parse(f"count({condition})"), month) == number(4)
    assert evaluate(parse("sum(3 days, days_ready >= 1 day)"), month) == days(9)


def test_count_and_sum_go_over_the_months_episodes() -> None:
    """The Halland aggregates count episodes of at least one day and add up their days."""
    month = Figures({}, episodes=[Figures({"days_ready": days(n)}) for n in (0, 1, 4, 7)])
    assert evaluate(parse("count(days_ready >= 1 day)"), month) == number(3)
    assert evaluate(parse("sum(days_ready, days_ready >= 1 day)"), month) == days(12)


@pytest.mark.parametrize(
    ("fraction", "expected"),
    [
        (Fraction(9300), Decimal("9300")),
        (Fraction(17, 4), Decimal("4.25")),
        (Fraction(1, 8), Decimal("0.125")),
        (Fraction(-1, 20), Decimal("-0.05")),
        (Fraction(0), Decimal("0")),
        (Fraction(10**30 + 1, 2), Decimal("500000000000000000000000000000.5")),
        (Fraction(1, 2**70), Decimal(f"{5**70}E-70")),
    ],
    ids=str,
)
def test_to_decimal_is_exact_for_terminating_fractions(
    fraction: Fraction, expected: Decimal
) -> None:
    """Amounts leave the engine as Decimals; converting must not round, however many digits."""
    result = to_decimal(fraction)
    assert result == expected
    assert result is not None
    assert Fraction(result) == fraction


@pytest.mark.parametrize("fraction", [Fraction(1, 3), Fraction(37, 3), Fraction(1, 7)], ids=str)
def test_to_decimal_gives_none_when_the_expansion_never_ends(fraction: Fraction) -> None:
    """No Decimal equals a third; returning an approximation would hide the rounding."""
    assert to_decimal(fraction) is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (kr(9300), "9300 kr"),
        (days("4.25"), "4.25 days"),
        (days(Fraction(10, 3)), "3.333333… days (10/3 exactly)"),
        (number(12), "12"),
        (Amount(Fraction(12000), PRICE_PER_DAY), "12000 kr/day"),
        (YearMonth(2023, 11), "2023-11"),
        (dt.date(2023, 11, 4), "2023-11-04"),
        (dt.time(9, 5), "09:05"),
        (True, "true"),
        (False, "false"),
        ("psykiatri", '"psykiatri"'),
    ],
    ids=repr,
)
def test_format_value_shows_values_as_people_read_them(value: Value, text: str) -> None:
    """Invoice bases and explanations show these strings to policy staff."""
    assert format_value(value) == text


# Agreement with plain Decimal arithmetic ------------------------------------------------------

decimals = st.decimals(
    min_value=-(10**12), max_value=10**12, places=6, allow_nan=False, allow_infinity=False
)


def _exactly(operation: str, a: Decimal, b: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = 100
        return {"+": a + b, "-": a - b, "*": a * b}[operation]


@pytest.mark.parametrize("operation", ["+", "-", "*"])
@given(a=decimals, b=decimals)
def test_arithmetic_agrees_exactly_with_decimal_arithmetic(
    operation: str, a: Decimal, b: Decimal
) -> None:
    """Money sums and products must be exact, not merely close to the Decimal answer."""
    result = run(f"a {operation} b", a=number(Fraction(a)), b=number(Fraction(b)))
    assert isinstance(result, Amount)
    assert to_decimal(result.value) == _exactly(operation, a, b)


_DECIMAL_MODES = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "half_down": ROUND_HALF_DOWN,
    "up": ROUND_UP,
    "down": ROUND_DOWN,
    "ceiling": ROUND_CEILING,
    "floor": ROUND_FLOOR,
}


@pytest.mark.parametrize("mode", ROUNDING_MODES)
@given(x=decimals, places=st.integers(min_value=0, max_value=4))
def test_round_agrees_with_decimal_quantize(mode: str, x: Decimal, places: int) -> None:
    """Each rounding mode means what the same-named Decimal rounding means."""
    result = run(f"round(x, {places}, {mode})", x=kr(Fraction(x)))
    with localcontext() as context:
        context.prec = 100
        expected = x.quantize(Decimal(1).scaleb(-places), _DECIMAL_MODES[mode])
    assert result == kr(Fraction(expected))
