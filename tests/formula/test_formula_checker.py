"""The formula checker: the types of the real Halland formulas, and every mistake in plain words."""

from __future__ import annotations

import pytest

from agreement_engine.formula import FormulaProblem, Parameter, Scope, Span, check, parse
from agreement_engine.formula.types import DAYS, MONEY, NUMBER, PRICE_PER_DAY, Kind, Type

PARAMETERS = {
    "national_day_cost": Parameter(PRICE_PER_DAY, "year"),
    "national_average_days": Parameter(DAYS, "year"),
}

# The names a monthly rule of the Halland agreement may use.
HALLAND = Scope(
    values={
        "month": Kind.MONTH,
        "episodes": NUMBER,
        "total_days": DAYS,
        "benchmark": DAYS,
        "average_days": DAYS,
        "excess": DAYS,
        "day_cost": PRICE_PER_DAY,
        "gross_amount": MONEY,
    },
    parameters=PARAMETERS,
)

# The names of Halland's counting aggregates: count and sum look at one episode at a time.
AGGREGATES = Scope(
    values={},
    parameters=PARAMETERS,
    episode=Scope(
        values={"days_ready": DAYS, "ready_date": Kind.DATE, "discharge_date": Kind.DATE}
    ),
)

# The names of a per-episode rule of the statute.
EPISODE = Scope(
    values={
        "ready_date": Kind.DATE,
        "discharge_date": Kind.DATE,
        "notice_time": Kind.TIME,
        "care_type": Kind.TEXT,
        "sip_required": Kind.BOOLEAN,
        "sip_invitation_sent": Kind.BOOLEAN,
    }
)


def type_of(text: str, scope: Scope = HALLAND) -> Type | None:
    """The type of a formula that must check cleanly."""
    result, problems = check(parse(text), scope)
    assert problems == []
    return result


def problems_in(text: str, scope: Scope = HALLAND) -> list[FormulaProblem]:
    """The problems of a formula with mistakes, which therefore has no type."""
    result, problems = check(parse(text), scope)
    assert result is None
    return problems


HALLAND_FORMULAS: dict[str, tuple[str, Type]] = {
    "benchmark": (
        "if month >= 2024-01 then national_average_days[2023] - 0.1 days "
        "else national_average_days[2021]",
        DAYS,
    ),
    "average_days": ("if episodes = 0 then 0 days else total_days / episodes", DAYS),
    "excess": ("max(0 days, average_days - benchmark)", DAYS),
    "day_cost": ("national_day_cost[year_of(month)]", PRICE_PER_DAY),
    "day_cost by month": ("national_day_cost[month]", PRICE_PER_DAY),
    "gross_amount": ("excess * episodes * day_cost", MONEY),
    "the formula in full": ("(average_days - benchmark) * episodes * day_cost", MONEY),
    "discount": ("gross_amount * 35 %", MONEY),
    "no discount": ("0 kr", MONEY),
    "net_amount": ("round(gross_amount - 0 kr, 0, half_up)", MONEY),
    "a rate": ("total_days / total_days", NUMBER),
    "a price per day": ("gross_amount / total_days", PRICE_PER_DAY),
    "a comparison": ("excess > 0 days and episodes >= 1", Kind.BOOLEAN),
}


@pytest.mark.parametrize(("text", "expected"), HALLAND_FORMULAS.values(), ids=HALLAND_FORMULAS)
def test_the_halland_formulas_have_their_declared_types(text: str, expected: Type) -> None:
    """Units multiply through the real formulas, so the amount comes out in kronor."""
    assert type_of(text) == expected


def test_a_quantity_in_unusual_units_is_still_a_type() -> None:
    """Days times days is a legitimate intermediate value; only its description is unusual."""
    assert type_of("excess * excess") == DAYS.times(DAYS)


MISTAKES: dict[str, tuple[str, Scope, list[FormulaProblem]]] = {
    "unknown name, close to a known one": (
        "max(0 days, average_days - benchmrk)",
        HALLAND,
        [FormulaProblem("unknown name 'benchmrk'", Span(27, 35), "did you mean 'benchmark'?")],
    ),
    "unknown name, close to nothing": (
        "xyz * day_cost",
        HALLAND,
        [
            FormulaProblem(
                "unknown name 'xyz'",
                Span(0, 3),
                "names you can use here: average_days, benchmark, day_cost, episodes, excess, "
                "gross_amount, month, total_days",
            )
        ],
    ),
    "parameter used without a year": (
        "excess * episodes * national_day_cost",
        HALLAND,
        [
            FormulaProblem(
                "'national_day_cost' is a dated figure: say which year or month to use",
                Span(20, 37),
                "look it up like national_day_cost[year_of(month)] or national_day_cost[2023]",
            )
        ],
    ),
    "function used without a call": (
        "excess * max",
        HALLAND,
        [
            FormulaProblem(
                "'max' is a function and needs arguments",
                Span(9, 12),
                "call it like max(0 days, average_days - benchmark)",
            )
        ],
    ),
    "rounding mode used as a value": (
        "half_up",
        HALLAND,
        [
            FormulaProblem(
                "'half_up' is a rounding mode; it can only be the last argument of round",
                Span(0, 7),
                "write round(value, 0, half_up)",
            )
        ],
    ),
    "unknown function, close to a known one": (
        "maxx(0 days, excess)",
        HALLAND,
        [FormulaProblem("unknown function 'maxx'", Span(0, 4), "did you mean 'max'?")],
    ),
    "unknown function, close to nothing": (
        "average(total_days)",
        HALLAND,
        [
            FormulaProblem(
                "unknown function 'average'",
                Span(0, 7),
                "the functions are: abs, count, days_between, max, min, month_of, months_between, "
                "round, sum, sum_per_day, year_of",
            )
        ],
    ),
    "max with one argument": (
        "max(excess)",
        HALLAND,
        [
            FormulaProblem(
                "'max' takes 2 or more arguments, not 1: max(a, b, …)",
                Span(0, 11),
                "for example max(0 days, average_days - benchmark)",
            )
        ],
    ),
    "round without a mode": (
        "round(gross_amount, 0)",
        HALLAND,
        [
            FormulaProblem(
                "'round' takes 3 arguments, not 2: round(value, decimals, mode)",
                Span(0, 22),
                "for example round(gross_amount, 0, half_up)",
            )
        ],
    ),
    "year_of with two arguments": (
        "year_of(month, month)",
        HALLAND,
        [
            FormulaProblem(
                "'year_of' takes 1 argument, not 2: year_of(month or date)",
                Span(0, 21),
                "for example year_of(month)",
            )
        ],
    ),
    "year_of without arguments": (
        "year_of()",
        HALLAND,
        [
            FormulaProblem(
                "'year_of' takes 1 argument, not 0: year_of(month or date)",
                Span(0, 9),
                "for example year_of(month)",
            )
        ],
    ),
    "year_of of a number": (
        "year_of(2023)",
        HALLAND,
        [FormulaProblem("'year_of' needs a month or a date, not a number", Span(8, 12))],
    ),
    "round to half a decimal": (
        "round(gross_amount, 0.5, half_up)",
        HALLAND,
        [
            FormulaProblem(
                "the second argument of 'round' must be a whole number of decimals (0 to 12)",
                Span(20, 23),
                "for example round(amount, 0, half_up) rounds to whole kronor",
            )
        ],
    ),
    "round to decimals with a unit": (
        "round(gross_amount, 2 kr, half_up)",
        HALLAND,
        [
            FormulaProblem(
                "the second argument of 'round' must be a whole number of decimals (0 to 12)",
                Span(20, 24),
                "for example round(amount, 0, half_up) rounds to whole kronor",
            )
        ],
    ),
    "round to more than 12 decimals": (
        "round(gross_amount, 13, half_up)",
        HALLAND,
        [
            FormulaProblem(
                "the second argument of 'round' must be a whole number of decimals (0 to 12)",
                Span(20, 22),
                "for example round(amount, 0, half_up) rounds to whole kronor",
            )
        ],
    ),
    "misspelt rounding mode": (
        "round(gross_amount, 0, half_upp)",
        HALLAND,
        [
            FormulaProblem(
                "'half_upp' is not a rounding mode", Span(23, 31), "did you mean 'half_up'?"
            )
        ],
    ),
    "unknown rounding mode": (
        "round(gross_amount, 0, bankers)",
        HALLAND,
        [
            FormulaProblem(
                "'bankers' is not a rounding mode",
                Span(23, 30),
                "the modes are: half_up, half_even, half_down, up, down, ceiling, floor",
            )
        ],
    ),
    "rounding mode written with a hyphen": (
        "round(gross_amount, 0, half-up)",
        HALLAND,
        [
            FormulaProblem(
                "'half-up' is not a rounding mode", Span(23, 30), "did you mean 'half_up'?"
            )
        ],
    ),
    "rounding mode that is not a name": (
        "round(gross_amount, 0, 1)",
        HALLAND,
        [
            FormulaProblem(
                "'1' is not a rounding mode",
                Span(23, 24),
                "the modes are: half_up, half_even, half_down, up, down, ceiling, floor",
            )
        ],
    ),
    "money plus days": (
        "gross_amount + excess",
        HALLAND,
        [FormulaProblem("cannot add days to money (kr)", Span(0, 21))],
    ),
    "days minus a bare number": (
        "national_average_days[2023] - 0.1",
        HALLAND,
        [
            FormulaProblem(
                "cannot subtract a number from days",
                Span(0, 33),
                "write the unit after the number, like 0.1 days",
            )
        ],
    ),
    "days compared with a bare number": (
        "average_days > 0.1",
        HALLAND,
        [
            FormulaProblem(
                "cannot compare days with a number",
                Span(0, 18),
                "write the unit after the number, like 0.1 days",
            )
        ],
    ),
    "max of a bare number and days": (
        "max(0, average_days - benchmark)",
        HALLAND,
        [
            FormulaProblem(
                "'max' needs values of one type, but gets a number and days",
                Span(4, 5),
                "write the unit after the number, like 0 days",
            )
        ],
    ),
    "if-branches of different units": (
        "if episodes > 0 then gross_amount else total_days",
        HALLAND,
        [
            FormulaProblem(
                "both branches of 'if' must give the same type, but 'then' gives money (kr) "
                "and 'else' gives days",
                Span(0, 49),
            )
        ],
    ),
    "if-branch with a bare number": (
        "if episodes = 0 then 0 else total_days / episodes",
        HALLAND,
        [
            FormulaProblem(
                "both branches of 'if' must give the same type, but 'then' gives a number "
                "and 'else' gives days",
                Span(0, 49),
                "write the unit after the number, like 0 days",
            )
        ],
    ),
    "condition that is a number": (
        "if episodes then total_days / episodes else 0 days",
        HALLAND,
        [
            FormulaProblem(
                "the condition after 'if' must be true or false, not a number",
                Span(3, 11),
            )
        ],
    ),
    "count in a monthly rule": (
        "count(excess > 0 days)",
        HALLAND,
        [
            FormulaProblem(
                "'count' adds up episodes and can only be used in counting aggregates",
                Span(0, 5),
                "monthly rules use the aggregates by name, like episodes or total_days",
            )
        ],
    ),
    "sum in a monthly rule": (
        "sum(total_days) / episodes",
        HALLAND,
        [
            FormulaProblem(
                "'sum' adds up episodes and can only be used in counting aggregates",
                Span(0, 3),
                "monthly rules use the aggregates by name, like episodes or total_days",
            )
        ],
    ),
    "count of days instead of a condition": (
        "count(days_ready)",
        AGGREGATES,
        [FormulaProblem("the condition of 'count' must be true or false, not days", Span(6, 16))],
    ),
    "sum of a condition": (
        "sum(days_ready >= 1 day)",
        AGGREGATES,
        [FormulaProblem("'sum' adds numbers, not true or false", Span(4, 23))],
    ),
    "sum of dates": (
        "sum(discharge_date)",
        AGGREGATES,
        [FormulaProblem("'sum' adds numbers, not a date", Span(4, 18))],
    ),
    "monthly name inside an aggregate": (
        "count(episodes >= 1)",
        AGGREGATES,
        [
            FormulaProblem(
                "unknown name 'episodes'",
                Span(6, 14),
                "names you can use here: days_ready, discharge_date, ready_date",
            )
        ],
    ),
    "bare number in an aggregate's condition": (
        "sum(days_ready, days_ready >= 1)",
        AGGREGATES,
        [
            FormulaProblem(
                "cannot compare days with a number",
                Span(16, 31),
                "write the unit after the number, like 1 days",
            )
        ],
    ),
    "lookup of a rule": (
        "excess[2023] * episodes * day_cost",
        HALLAND,
        [
            FormulaProblem(
                "'excess' is not a dated figure, so it cannot be looked up with [ ]",
                Span(0, 6),
                "write just excess",
            )
        ],
    ),
    "lookup of an unknown figure, close to a known one": (
        "national_day_cst[2023]",
        HALLAND,
        [
            FormulaProblem(
                "unknown dated figure 'national_day_cst'",
                Span(0, 16),
                "did you mean 'national_day_cost'?",
            )
        ],
    ),
    "lookup of an unknown figure, close to nothing": (
        "xyz[2023]",
        HALLAND,
        [FormulaProblem("unknown dated figure 'xyz'", Span(0, 3))],
    ),
    "a date plus a bare number": (
        "ready_date + 3",
        EPISODE,
        [FormulaProblem("cannot add a number to a date", Span(0, 14))],
    ),
    "a date plus a date": (
        "ready_date + discharge_date",
        EPISODE,
        [FormulaProblem("cannot add a date to a date", Span(0, 27))],
    ),
    "a number minus a date": (
        "3 days - ready_date",
        EPISODE,
        [FormulaProblem("cannot subtract a date from days", Span(0, 19))],
    ),
    "ordering texts": (
        'care_type < "x"',
        EPISODE,
        [FormulaProblem("'<' cannot order a text", Span(10, 11))],
    ),
    "not of a date": (
        "not ready_date",
        EPISODE,
        [FormulaProblem("'not' needs true or false, not a date", Span(4, 14))],
    ),
    "and of a time": (
        "sip_required and notice_time",
        EPISODE,
        [FormulaProblem("'and' needs true or false, not a time of day", Span(17, 28))],
    ),
    "negating a date": (
        "-ready_date",
        EPISODE,
        [FormulaProblem("cannot negate a date", Span(0, 11))],
    ),
    "abs of a month": (
        "abs(month)",
        HALLAND,
        [FormulaProblem("'abs' needs a number, not a month", Span(4, 9))],
    ),
    "abs of a date": (
        "abs(ready_date)",
        EPISODE,
        [FormulaProblem("'abs' needs a number, not a date", Span(4, 14))],
    ),
    "a date moved past the last day of the calendar": (
        "9999-12-31 + 1 day",
        HALLAND,
        [
            FormulaProblem(
                "the date falls outside the years 1–9999",
                Span(0, 18),
                "dates run from 0001-01-01 to 9999-12-31",
            )
        ],
    ),
    "a date moved before the first day of the calendar": (
        "0001-01-01 - 1 day",
        HALLAND,
        [
            FormulaProblem(
                "the date falls outside the years 1–9999",
                Span(0, 18),
                "dates run from 0001-01-01 to 9999-12-31",
            )
        ],
    ),
    "days in front of a date moved past the calendar": (
        "1 day + 9999-12-31",
        HALLAND,
        [
            FormulaProblem(
                "the date falls outside the years 1–9999",
                Span(0, 18),
                "dates run from 0001-01-01 to 9999-12-31",
            )
        ],
    ),
    "a date moved by more days than the calendar has": (
        "count(ready_date + 1000000000000 days > discharge_date)",
        AGGREGATES,
        [
            FormulaProblem(
                "a date moved by 1000000000000 days falls outside the years 1–9999",
                Span(19, 37),
                "a date can be moved by at most 3652058 days",
            )
        ],
    ),
    "a date moved back by a product of more days than the calendar has": (
        "ready_date - 100000 days * 100",
        EPISODE,
        [
            FormulaProblem(
                "a date moved by 10000000 days falls outside the years 1–9999",
                Span(13, 30),
                "a date can be moved by at most 3652058 days",
            )
        ],
    ),
    "a date moved by more days than fit in 64 bits": (
        "ready_date + 10000000000000000000 days",
        EPISODE,
        [
            FormulaProblem(
                "a date moved by 10000000000000000000 days falls outside the years 1–9999",
                Span(13, 38),
                "a date can be moved by at most 3652058 days",
            )
        ],
    ),
    "a date moved by half a day": (
        "ready_date + 0.5 days",
        EPISODE,
        [FormulaProblem("a date can only be moved by whole days", Span(0, 21))],
    ),
}


@pytest.mark.parametrize(("text", "scope", "expected"), MISTAKES.values(), ids=MISTAKES)
def test_each_mistake_has_its_message_span_and_hint(
    text: str, scope: Scope, expected: list[FormulaProblem]
) -> None:
    """Policy staff fix formulas from these words and carets alone, so they are API."""
    assert problems_in(text, scope) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("abs(-3 kr)", MONEY), ("abs(average_days - benchmark)", DAYS), ("abs(-2)", NUMBER)],
)
def test_abs_gives_the_unit_of_its_argument(text: str, expected: Type) -> None:
    """abs is documented for any amount; it keeps kronor kronor and days days."""
    assert type_of(text) == expected


@pytest.mark.parametrize(
    "text",
    ["ready_date + 3652058 days", "ready_date - 3652058 days", "9999-12-31 - 3652058 days"],
)
def test_a_date_may_be_moved_by_as_many_days_as_the_calendar_has(text: str) -> None:
    """From 0001-01-01 to 9999-12-31 is 3 652 058 days: a move that long can still be a date."""
    assert type_of(text, EPISODE) == Kind.DATE


def test_count_and_sum_check_against_the_episode_scope() -> None:
    """Aggregates see one episode's names, giving a count and a sum of days."""
    assert type_of("count(days_ready >= 1 day)", AGGREGATES) == NUMBER
    assert type_of("sum(days_ready, days_ready >= 1 day)", AGGREGATES) == DAYS
    assert type_of("sum(days_ready)", AGGREGATES) == DAYS


@pytest.mark.parametrize(
    ("key", "span", "by"),
    [
        ("2023-11-01", Span(18, 28), "a date"),
        ('"2023"', Span(18, 24), "a text"),
        ("total_days", Span(18, 28), "days"),
    ],
)
def test_a_yearly_figure_looked_up_by_anything_but_a_year_or_month_is_a_mistake(
    key: str, span: Span, by: str
) -> None:
    """A figure keyed by year cannot be found by a date; the hint shows the usual lookup."""
    _, problems = check(parse(f"national_day_cost[{key}]"), HALLAND)
    assert problems == [
        FormulaProblem(
            f"'national_day_cost' is looked up by a year, like 2023, or a month, not by {by}",
            span,
            "write national_day_cost[year_of(month)]",
        )
    ]


def test_a_monthly_figure_looked_up_by_a_year_is_a_mistake() -> None:
    """A figure keyed by month has no value for a whole year; the hint shows the month lookup."""
    scope = Scope(values={"month": Kind.MONTH}, parameters={"bed_rate": Parameter(NUMBER, "month")})
    assert type_of("bed_rate[month]", scope) == NUMBER
    _, problems = check(parse("bed_rate[2023]"), scope)
    assert problems == [
        FormulaProblem(
            "'bed_rate' is looked up by a month, not by a number",
            Span(9, 13),
            "write bed_rate[month]",
        )
    ]


def test_every_independent_mistake_is_reported() -> None:
    """Fixing a file goes faster when one run shows every misspelt name at once."""
    assert problems_in("benchmrk + exces") == [
        FormulaProblem("unknown name 'benchmrk'", Span(0, 8), "did you mean 'benchmark'?"),
        FormulaProblem("unknown name 'exces'", Span(11, 16), "did you mean 'excess'?"),
    ]


def test_one_mistake_gives_one_message() -> None:
    """An unknown name must not also be reported as a unit mistake in the sum around it."""
    assert problems_in("(benchmrk + 1 kr) * episodes") == [
        FormulaProblem("unknown name 'benchmrk'", Span(1, 9), "did you mean 'benchmark'?"),
    ]


def test_a_name_whose_own_formula_failed_reports_nothing_more() -> None:
    """A broken rule is reported once, at its own formula, not again wherever it is used."""
    scope = Scope(values={**HALLAND.values, "benchmark": None}, parameters=PARAMETERS)
    assert check(parse("max(0 days, average_days - benchmark)"), scope) == (None, [])


def test_a_mistake_in_a_lookup_key_still_gives_the_figure_its_unit() -> None:
    """A wrong year must not also be reported as a unit mistake in the product around it."""
    result, problems = check(parse("excess * episodes * national_day_cost[year_of(2023)]"), HALLAND)
    assert problems == [
        FormulaProblem("'year_of' needs a month or a date, not a number", Span(46, 50)),
    ]
    assert result == MONEY


DATE_ARITHMETIC: dict[str, tuple[str, Type]] = {
    "date minus date": ("discharge_date - ready_date", DAYS),
    "date plus days": ("ready_date + 3 days", Kind.DATE),
    "days plus date": ("3 days + ready_date", Kind.DATE),
    "date minus days": ("discharge_date - 1 day", Kind.DATE),
    "date plus a conditional number of days": (
        "ready_date + (if notice_time > 12:00 then 4 days else 3 days)",
        Kind.DATE,
    ),
    "days between": ("days_between(ready_date, discharge_date)", DAYS),
    "month of a date": ("month_of(discharge_date)", Kind.MONTH),
    "year of a date": ("year_of(discharge_date)", NUMBER),
    "dates compared": ("discharge_date > ready_date", Kind.BOOLEAN),
    "texts compared": ('care_type = "psykiatri"', Kind.BOOLEAN),
    "the statute's preconditions": (
        "not sip_required or sip_invitation_sent",
        Kind.BOOLEAN,
    ),
}


@pytest.mark.parametrize(("text", "expected"), DATE_ARITHMETIC.values(), ids=DATE_ARITHMETIC)
def test_dates_and_days_combine_into_their_types(text: str, expected: Type) -> None:
    """Per-episode rules count days between dates and move dates by days."""
    assert type_of(text, EPISODE) == expected


def test_dividing_by_a_written_zero_is_an_error_at_the_zero() -> None:
    """1 kr / 0 can never be computed: check says so, rather than every line failing later."""
    _, problems = check(parse("1 kr / 0"), Scope({}, {}))
    assert [(p.message, p.span.start, p.span.end) for p in problems] == [("division by zero", 7, 8)]
