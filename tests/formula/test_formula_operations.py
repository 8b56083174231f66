"""One table of operations, three back-ends: for any formula the table's type rules allow, the
checker gives it the table's type, and the line evaluator, the evaluator over columns and (where
it can be counted per episode) polars give the same values, line for line."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agreement_engine.billing.counting import _Translator, episode_problems
from agreement_engine.formula import (
    Amount,
    FormulaError,
    Scope,
    Span,
    Value,
    ast,
    check,
    evaluate,
    parse,
)
from agreement_engine.formula.batch import Column, Unbatchable, batched
from agreement_engine.formula.evaluator import Compiled
from agreement_engine.formula.operations import FUNCTIONS, OPERATIONS
from agreement_engine.formula.problems import Undefined
from agreement_engine.formula.ratios import Ratios, fractions, in_lowest_terms, of_fractions
from agreement_engine.formula.rounding import ROUNDING_MODES, round_ratio, round_ratios
from agreement_engine.formula.types import DAYS, MONEY, MONTHS, NUMBER, Kind, Type
from agreement_engine.months import YearMonth

# The names a generated formula may use, with their types, and the literals of each type.
NAMES: dict[str, Type] = {
    "n1": NUMBER,
    "n2": NUMBER,
    "d1": DAYS,
    "d2": DAYS,
    "k": MONEY,
    "a": Kind.DATE,
    "b": Kind.DATE,
    "m": Kind.MONTH,
    "gap": MONTHS,
    "flag": Kind.BOOLEAN,
    "noon": Kind.TIME,
    "care": Kind.TEXT,
}
LITERALS: dict[Type, list[str]] = {
    NUMBER: ["0", "2", "7"],
    DAYS: ["0 days", "3 days", "1 day"],
    MONEY: ["0 kr", "100 kr"],
    Kind.DATE: ["2024-02-29", "2023-12-31"],
    Kind.MONTH: ["2024-02", "2023-11"],
    MONTHS: ["0 months", "1 month", "3 months"],
    Kind.BOOLEAN: ["true", "false"],
    Kind.TIME: ["12:00"],
    Kind.TEXT: ['"somatisk"'],
}
TYPES = list(LITERALS)
WORKED_OUT = {
    "division by zero",
    "a date can only be moved by whole days",
    "a month can only be moved by whole months",
}
"""What the checker refuses in a formula that fits the type rules: a division by a written zero,
a date moved by a written part of a day, a month by a written part of a month."""
TEMPLATES = {
    "negate": "(-{})",
    "not": "(not {})",
    "if": "(if {} then {} else {})",
}


def _arities(name: str) -> Iterable[int]:
    if name in TEMPLATES:
        return [TEMPLATES[name].count("{}")]
    signature = FUNCTIONS[name].signature if name in FUNCTIONS else None
    if signature is None:
        return [2]  # a binary operator
    return range(signature.min_args, (signature.max_args or 3) + 1)


def _productions() -> dict[Type, list[tuple[str, tuple[Type, ...]]]]:
    """For each type, every operation of the table and argument types its type rule gives that
    type for (round, sum_per_day and the aggregates aside: their arguments are not all values)."""
    found: dict[Type, list[tuple[str, tuple[Type, ...]]]] = {t: [] for t in TYPES}
    for name, operation in OPERATIONS.items():
        if name in ("round", "count", "sum", "sum_per_day"):
            continue
        for arity in _arities(name):
            for types in itertools.product(TYPES, repeat=arity):
                result = operation.typed(*types)
                if result in found:
                    found[result].append((name, types))
    return found


PRODUCTIONS = _productions()


def _written(name: str, args: list[str]) -> str:
    if name in TEMPLATES:
        return TEMPLATES[name].format(*args)
    if name in FUNCTIONS:
        return f"{name}({', '.join(args)})"
    return f"({args[0]} {name} {args[1]})"


@st.composite
def formulas(draw: st.DrawFn, t: Type, depth: int = 3) -> str:
    """A formula of type ``t`` built from the table's operations, as the type rules allow."""
    leaves = [*LITERALS[t], *(n for n, nt in NAMES.items() if nt == t)]
    if depth == 0 or not PRODUCTIONS[t] or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(leaves))
    if t in (NUMBER, DAYS, MONEY) and draw(st.integers(0, 9)) == 0:
        inner = draw(formulas(t, depth - 1))
        return f"round({inner}, {draw(st.integers(0, 2))}, half_up)"
    name, types = draw(st.sampled_from(PRODUCTIONS[t]))
    return _written(name, [draw(formulas(arg, depth - 1)) for arg in types])


@st.composite
def lines(draw: st.DrawFn) -> list[dict[str, Value]]:
    """A few lines' values: whole numbers (as episodes count), dates near a year's end."""
    found: list[dict[str, Value]] = []
    for _ in range(draw(st.integers(1, 5))):
        dates = st.dates(dt.date(2023, 11, 25), dt.date(2024, 3, 5))
        month = draw(st.sampled_from([YearMonth(2023, 11), YearMonth(2024, 2)]))
        found.append(
            {
                "n1": Amount(Fraction(draw(st.integers(-3, 9))), NUMBER),
                "n2": Amount(Fraction(draw(st.integers(0, 4))), NUMBER),
                "d1": Amount(Fraction(draw(st.integers(-5, 40))), DAYS),
                "d2": Amount(Fraction(draw(st.integers(0, 3))), DAYS),
                "k": Amount(Fraction(draw(st.integers(-500, 500))), MONEY),
                "a": draw(dates),
                "b": draw(dates),
                "m": month,
                "gap": Amount(Fraction(draw(st.integers(-13, 13))), MONTHS),
                "flag": draw(st.booleans()),
                "noon": draw(st.sampled_from([dt.time(11, 59), dt.time(12, 0)])),
                "care": draw(st.sampled_from(["somatisk", "psykiatri"])),
            }
        )
    return found


class Line:
    """One line's names, for the line evaluator."""

    def __init__(self, values: dict[str, Value]) -> None:
        self.values = values

    def value(self, name: str, span: Span) -> Value:
        return self.values[name]

    def lookup(self, name: str, key: Value, span: Span) -> Value:
        raise AssertionError("no figures here")

    def episodes(self) -> list[Line]:
        return []

    def across(
        self, months: Sequence[YearMonth], body: Compiled, text: str, span: Span
    ) -> list[Value]:
        raise AssertionError("no windows here")


def bare(value: Value) -> Any:
    return value.value if isinstance(value, Amount) else value


def counted(value: Any) -> Any:
    """A bare value as polars holds it: a whole number for a quantity, months as numbers."""
    if isinstance(value, Fraction):
        assert value.denominator == 1
        return value.numerator
    if isinstance(value, YearMonth):
        return value.year * 12 + value.month - 1
    return value


def frame(found: list[dict[str, Value]]) -> pl.DataFrame:
    return pl.DataFrame(
        {name: [counted(bare(line[name])) for line in found] for name in NAMES},
        schema_overrides={"m": pl.Int32},
    )


def polars_values(expr: Any, found: list[dict[str, Value]]) -> list[Any]:
    """The formula's values as polars computes them, one per line."""
    computed = frame(found).select(_Translator(NAMES, {})(expr).alias("value"))["value"]
    values = computed.to_list()
    return values * len(found) if len(values) == 1 else values  # a constant, given once


@pytest.mark.parametrize("t", TYPES, ids=str)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_back_end_gives_what_the_table_defines(t: Type, data: st.DataObject) -> None:
    """The checker, the line evaluator, the columns and polars read one table; a formula they
    disagree on would bill differently depending on which of them computed it."""
    text = data.draw(formulas(t), label="formula")
    found = data.draw(lines(), label="lines")
    expr = parse(text)
    result, problems = check(expr, Scope(NAMES))
    if problems:  # what the checker works out from written numbers, refused before billing
        assert {p.message for p in problems} <= WORKED_OUT
        return
    assert result == t
    try:
        expected = [bare(evaluate(expr, Line(line))) for line in found]
    except FormulaError:  # a line divides by zero: the columns leave it to the line
        with pytest.raises(Unbatchable):
            batched(expr)(columns(found), range(len(found)))
        return
    try:
        got = values_of(batched(expr)(columns(found), range(len(found))))
    except Unbatchable:  # arithmetic on dates and months is left to the line (the calendar)
        assert moves_dates(expr)
    else:
        assert got == expected
        assert [type(v) for v in got] == [type(v) for v in expected]
    if not episode_problems(expr):
        assert polars_values(expr, found) == [counted(v) for v in expected]


def moves_dates(expr: ast.Expr) -> bool:
    """Whether a formula adds days to a date or months to a month, or subtracts them."""
    calendar = {Kind.DATE, Kind.MONTH}
    return any(
        isinstance(node, ast.Binary)
        and node.op in ("+", "-")
        and calendar & {check(node.left, Scope(NAMES))[0], check(node.right, Scope(NAMES))[0]}
        for node in ast.walk(expr)
    )


def columns(found: list[dict[str, Value]]) -> dict[str, Column]:
    """Each name's values on the lines, quantities as integers (as billing gives them)."""
    return {name: column([bare(line[name]) for line in found]) for name in found[0]}


def column(values: list[Any]) -> Column:
    return of_fractions(values) if type(values[0]) is Fraction else values


def values_of(found: Column) -> list[Any]:
    """A column's values on each line, quantities as fractions."""
    return fractions(found) if isinstance(found, Ratios) else found


class Month:
    """A month of episodes, for the aggregates: each line is an episode."""

    def __init__(self, found: list[dict[str, Value]]) -> None:
        self.found = found

    def value(self, name: str, span: Span) -> Value:
        raise AssertionError("aggregates read only episodes")

    def lookup(self, name: str, key: Value, span: Span) -> Value:
        raise AssertionError("no figures here")

    def episodes(self) -> list[Line]:
        return [Line(line) for line in self.found]

    def across(
        self, months: Sequence[YearMonth], body: Compiled, text: str, span: Span
    ) -> list[Value]:
        raise AssertionError("aggregates read no other month")


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_months_count_and_sum_are_what_polars_counts(data: st.DataObject) -> None:
    """count and sum over a month's episodes, one by one and in columns, agree."""
    condition = data.draw(formulas(Kind.BOOLEAN, depth=2), label="condition")
    value = data.draw(formulas(data.draw(st.sampled_from([NUMBER, DAYS])), depth=2), label="value")
    found = data.draw(lines(), label="episodes")
    for text in (f"count({condition})", f"sum({value}, {condition})", f"sum({value})"):
        expr = parse(text)
        assert isinstance(expr, ast.Call)
        if any(episode_problems(arg) for arg in expr.args):
            continue
        try:
            expected = evaluate(expr, Month(found))
        except FormulaError:
            continue
        assert isinstance(expected, Amount)
        aggregate = _Translator(NAMES, {}).aggregate(expr).alias("value")
        episodes = frame(found).with_columns(municipality=pl.lit("Kungsbacka"))
        month = episodes.group_by("municipality").agg(aggregate)  # as the extract is counted
        assert month["value"].to_list() == [counted(expected.value)]


ON_RATIOS = sorted(n for n, op in OPERATIONS.items() if op.on_ratios is not None and n != "round")


@st.composite
def ratio_columns(draw: st.DrawFn, count: int) -> Ratios:
    """A column of ``count`` quantities as integers: over one denominator or one per line,
    negative, zero and not in lowest terms alike (as a column evaluated in steps holds them);
    now and then one value on every line, zero among them (a literal such as ``0 days``, which
    the operations take a shorter way with)."""
    numerators = draw(st.lists(st.integers(-60, 60), min_size=count, max_size=count))
    denominators = st.sampled_from([1, 2, 3, 4, 6, 7, 10, 20, 100])
    if draw(st.integers(0, 3)) == 0:
        return Ratios([draw(st.sampled_from([0, 0, 1, -3, 7]))] * count, draw(denominators))
    if draw(st.booleans()):
        return Ratios(numerators, draw(denominators))
    return Ratios(numerators, draw(st.lists(denominators, min_size=count, max_size=count)))


def arity(name: str) -> int:
    signature = OPERATIONS[name].signature
    return 1 if name in ("negate", "abs") else 3 if signature and signature.max_args is None else 2


@pytest.mark.parametrize("name", ON_RATIOS)
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_an_operations_integer_form_gives_its_exact_value_on_every_line(
    name: str, data: st.DataObject
) -> None:
    """The columns compute with integers over common denominators, the line evaluator with
    fractions: one table entry holds both, and they agree on every line, zero divisors
    included (both refuse them)."""
    operation = OPERATIONS[name]
    assert operation.on_ratios is not None
    count = data.draw(st.integers(1, 6), label="lines")
    args = [data.draw(ratio_columns(count), label=f"argument {i}") for i in range(arity(name))]
    try:
        expected = [operation.exact(*line) for line in zip(*map(fractions, args), strict=True)]
    except Undefined:
        with pytest.raises(Undefined):
            operation.on_ratios(*args)
        return
    got = operation.on_ratios(*args)
    assert (fractions(got) if isinstance(got, Ratios) else got) == expected


@settings(max_examples=200, deadline=None)
@given(
    column=st.integers(1, 6).flatmap(ratio_columns),
    decimals=st.integers(-2, 3),
    mode=st.sampled_from(ROUNDING_MODES),
)
def test_rounding_a_column_of_integers_rounds_each_line_as_the_line_evaluator_does(
    column: Ratios, decimals: int, mode: str
) -> None:
    """Every mode, to tens and to thousandths, ties and negative values alike."""
    rounding = OPERATIONS["round"]
    assert rounding.on_ratios is not None
    expected = [rounding.exact(value, decimals, mode) for value in fractions(column)]
    assert fractions(rounding.on_ratios(column, decimals, mode)) == expected


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(st.tuples(st.integers(-(10**12), 10**12), st.integers(1, 10**6)), max_size=8),
    decimals=st.integers(-3, 3),
    mode=st.sampled_from(ROUNDING_MODES),
)
def test_rounding_a_column_in_one_loop_rounds_each_line_as_round_ratio_does(
    lines: list[tuple[int, int]], decimals: int, mode: str
) -> None:
    """The column form is written apart from the line form: they give the same whole numbers
    on large numerators, negative ones, and ties (denominators of 2, 4, 10 come up often)."""
    numerators = [numerator for numerator, _ in lines]
    denominators = [denominator for _, denominator in lines]
    expected = [round_ratio(n, d, decimals, mode) for n, d in lines]
    assert round_ratios(numerators, denominators, decimals, mode) == expected
    halves = [2 * n + 1 for n in numerators]  # every one a tie when rounded to whole numbers
    ties = [round_ratio(n, 2, 0, mode) for n in halves]
    assert round_ratios(halves, [2] * len(halves), 0, mode) == ties


@settings(max_examples=200, deadline=None)
@given(column=st.integers(1, 6).flatmap(ratio_columns), whole=st.booleans())
def test_a_column_in_lowest_terms_holds_each_lines_fraction_as_fraction_writes_it(
    column: Ratios, whole: bool
) -> None:
    """The lines' values are written from their lowest terms (``42/11``), so each line's
    numerator and denominator are those of its Fraction, over 1 when every line is whole:
    columns of whole values over a denominator of their own (reduced by one gcd) included."""
    if whole:  # every value whole, over one denominator or one per line
        numerators, denominator = column
        below = denominator if isinstance(denominator, list) else [denominator] * len(numerators)
        column = Ratios([n * d for n, d in zip(numerators, below, strict=True)], denominator)
    numerators, denominator = in_lowest_terms(column)
    expected = fractions(column)
    if all(value.denominator == 1 for value in expected):
        assert denominator == 1
    below = denominator if isinstance(denominator, list) else [denominator] * len(numerators)
    assert [(value.numerator, value.denominator) for value in expected] == list(
        zip(numerators, below, strict=True)
    )
