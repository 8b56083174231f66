"""Evaluating a checked formula, exactly.

Numbers are exact rationals (:class:`fractions.Fraction`) from the literal onwards, division
included; there is no float and no Decimal context anywhere, so nothing is rounded unless a formula
says ``round``. Callers turn results into Decimal only at the edge (see :func:`to_decimal`).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any, Protocol, TypeAlias

from agreement_engine.formula import ast
from agreement_engine.formula.functions import round_exact
from agreement_engine.formula.problems import FormulaError
from agreement_engine.formula.types import DAYS, NUMBER, UNITS, Quantity, unit_symbol
from agreement_engine.months import YearMonth


@dataclass(frozen=True, slots=True)
class Amount:
    """An exact quantity with its unit."""

    value: Fraction
    unit: Quantity

    def __str__(self) -> str:
        return format_value(self)


Value: TypeAlias = Amount | dt.date | YearMonth | dt.time | bool | str


class Environment(Protocol):
    """Where a formula's names get their values."""

    def value(self, name: str, span: ast.Span) -> Value:
        """The value of a rule, an input or an aggregate."""

    def lookup(self, name: str, key: Value, span: ast.Span) -> Value:
        """A dated figure; raises MissingFigure when it has no value."""

    def episodes(self) -> Iterable[Environment]:
        """One environment per episode of the month, for count and sum."""


def evaluate(expr: ast.Expr, env: Environment) -> Value:
    """The value of a (checked) formula in an environment."""
    return compiled(expr)(env)


Compiled: TypeAlias = Callable[[Environment], Value]

# Compiled formulas by node identity (equality ignores spans, which errors must keep). Each entry
# holds its node, so the id cannot be reused while the entry lives.
_COMPILED: dict[int, tuple[ast.Expr, Compiled]] = {}
_COMPILED_LIMIT = 65536


def compiled(expr: ast.Expr) -> Compiled:
    """A formula turned once into nested closures, so evaluating it again skips the dispatch on
    node types: the rules of a run are evaluated for every municipality and month."""
    entry = _COMPILED.get(id(expr))
    if entry is not None and entry[0] is expr:
        return entry[1]
    function = _COMPILERS[type(expr)](expr)
    if len(_COMPILED) >= _COMPILED_LIMIT:
        _COMPILED.clear()
    _COMPILED[id(expr)] = (expr, function)
    return function


def _number(node: ast.Expr) -> Compiled:
    assert isinstance(node, ast.Number)
    amount = literal_amount(node.value, node.unit)
    return lambda env: amount


@lru_cache(maxsize=4096)
def literal_amount(value: Decimal, unit: str | None) -> Amount:
    """A literal's exact value, made once (literals recur in every line of a run)."""
    exact = Fraction(value)
    if unit == "%":
        exact /= 100
    return Amount(exact, UNITS[unit] if unit else NUMBER)


def _literal(node: ast.Expr) -> Compiled:
    assert isinstance(node, ast.LITERALS)
    value: Value = node.value
    return lambda env: value


def _name(node: ast.Expr) -> Compiled:
    assert isinstance(node, ast.Name)
    name, span = node.name, node.span
    return lambda env: env.value(name, span)


def _lookup(node: ast.Expr) -> Compiled:
    assert isinstance(node, ast.Lookup)
    name, key, span = node.name, compiled(node.key), node.span
    return lambda env: env.lookup(name, key(env), span)


def _unary(node: ast.Expr) -> Compiled:
    assert isinstance(node, ast.Unary)
    operand = compiled(node.operand)
    if node.op == "not":
        return lambda env: not operand(env)

    def negate(env: Environment) -> Value:
        value = operand(env)
        assert isinstance(value, Amount)
        return Amount(-value.value, value.unit)

    return negate


def _conditional(node: ast.Expr) -> Compiled:
    assert isinstance(node, ast.Conditional)
    condition, then, otherwise = (
        compiled(node.condition),
        compiled(node.then),
        compiled(node.otherwise),
    )
    return lambda env: then(env) if condition(env) else otherwise(env)


def _binary(node: ast.Expr) -> Compiled:
    assert isinstance(node, ast.Binary)
    left, right = compiled(node.left), compiled(node.right)
    if node.op == "and":
        return lambda env: bool(left(env)) and bool(right(env))
    if node.op == "or":
        return lambda env: bool(left(env)) or bool(right(env))
    if node.op in ast.COMPARISON:
        compare = COMPARISONS[node.op]

        def comparison(env: Environment) -> Value:
            a = left(env)
            b = right(env)
            return compare(
                a.value if isinstance(a, Amount) else a, b.value if isinstance(b, Amount) else b
            )

        return comparison
    return _arithmetic(node, left, right)


COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _arithmetic(node: ast.Binary, left: Compiled, right: Compiled) -> Compiled:
    """Arithmetic on amounts, with dates (moved by days, or subtracted) handled aside."""
    op = node.op
    if op == "/":
        return _division(node, left, right)
    combine = _COMBINE[op]

    def arithmetic(env: Environment) -> Value:
        a = left(env)
        b = right(env)
        if isinstance(a, Amount) and isinstance(b, Amount):
            return combine(a, b)
        return _date_arithmetic(node, a, b)

    return arithmetic


_COMBINE: dict[str, Callable[[Amount, Amount], Amount]] = {
    "+": lambda a, b: Amount(a.value + b.value, a.unit),
    "-": lambda a, b: Amount(a.value - b.value, a.unit),
    "*": lambda a, b: Amount(a.value * b.value, a.unit.times(b.unit)),
}


def _division(node: ast.Binary, left: Compiled, right: Compiled) -> Compiled:
    span = node.right.span

    def divide(env: Environment) -> Value:
        a = left(env)
        b = right(env)
        if not (isinstance(a, Amount) and isinstance(b, Amount)):
            return _date_arithmetic(node, a, b)
        if b.value == 0:
            raise FormulaError(
                "division by zero",
                span,
                hint="guard the division, like: if episodes = 0 then 0 days else "
                "total_days / episodes",
            )
        return Amount(a.value / b.value, a.unit.per(b.unit))

    return divide


# The most days a date of the years 1–9999 can be moved by and still be such a date.
MAX_DAY_OFFSET = (dt.date.max - dt.date.min).days
OUTSIDE_CALENDAR = "the date falls outside the years 1–9999"


def _date_arithmetic(node: ast.Binary, left: Value, right: Value) -> Value:
    if isinstance(left, dt.date) and isinstance(right, dt.date):
        return Amount(Fraction((left - right).days), DAYS)
    date, days = (left, right) if isinstance(left, dt.date) else (right, left)
    assert isinstance(date, dt.date) and isinstance(days, Amount)
    if days.value.denominator != 1:
        raise FormulaError("a date can only be moved by whole days", node.span)
    step = int(days.value) if node.op == "+" else -int(days.value)
    try:
        return date + dt.timedelta(days=step)
    except OverflowError:  # past 9999-12-31 or before 0001-01-01: Python has no such date
        raise FormulaError(
            OUTSIDE_CALENDAR, node.span, hint="dates run from 0001-01-01 to 9999-12-31"
        ) from None


def _call(node: ast.Expr) -> Compiled:
    assert isinstance(node, ast.Call)
    name = node.function
    args = [compiled(a) for a in node.args]
    if name == "count":
        condition = args[0]
        return lambda env: Amount(Fraction(sum(1 for e in env.episodes() if condition(e))), NUMBER)
    if name == "sum":
        return _sum(args)
    if name == "round":
        return _round(node, args[0])
    if name in ("min", "max"):
        return _pick(min if name == "min" else max, args)
    return lambda env: _plain_call(name, [a(env) for a in args])


def _sum(args: list[Compiled]) -> Compiled:
    value_of = args[0]
    condition = args[1] if len(args) == 2 else None

    def total_of(env: Environment) -> Value:
        total = Fraction(0)
        unit: Quantity | None = None
        for episode in env.episodes():
            if condition is not None and not condition(episode):
                continue
            value = value_of(episode)
            assert isinstance(value, Amount)
            total += value.value
            unit = value.unit
        # With no episodes the unit is unknown here; callers stamp the checked type on the result.
        return Amount(total, unit if unit is not None else NUMBER)

    return total_of


def _round(node: ast.Call, value_of: Compiled) -> Compiled:
    _, decimals, mode = node.args

    def rounded(env: Environment) -> Value:
        amount = value_of(env)
        assert isinstance(amount, Amount)
        assert isinstance(decimals, ast.Number) and isinstance(mode, ast.Name)
        return Amount(round_exact(amount.value, int(decimals.value), mode.name), amount.unit)

    return rounded


def _pick(pick: Callable[..., Any], args: list[Compiled]) -> Compiled:
    if len(args) == 2:  # the usual max(0 days, …): compared directly, as pick compares
        return _pick_two(pick is max, *args)

    def picked(env: Environment) -> Value:
        values = [a(env) for a in args]
        if isinstance(values[0], Amount):
            amounts = [a for a in values if isinstance(a, Amount)]
            result: Value = pick(amounts, key=_amount_value)
            return result
        result = pick(values)
        return result

    return picked


def _pick_two(largest: bool, first: Compiled, second: Compiled) -> Compiled:
    """max or min of two values: the second only when it is strictly larger (smaller), as the
    builtins choose among equals."""

    def picked(env: Environment) -> Value:
        a, b = first(env), second(env)
        x = a.value if isinstance(a, Amount) else a
        y = b.value if isinstance(b, Amount) else b
        return b if (y > x if largest else y < x) else a  # type: ignore[operator]

    return picked


def _amount_value(amount: Amount) -> Fraction:
    return amount.value


def _plain_call(name: str, args: list[Value]) -> Value:
    if name == "abs":
        value = args[0]
        assert isinstance(value, Amount)
        return Amount(abs(value.value), value.unit)
    if name == "year_of":
        when = args[0]
        assert isinstance(when, YearMonth | dt.date)
        return Amount(Fraction(when.year), NUMBER)
    if name == "month_of":
        date = args[0]
        assert isinstance(date, dt.date)
        return YearMonth(date.year, date.month)
    if name == "days_between":
        start, end = args
        assert isinstance(start, dt.date) and isinstance(end, dt.date)
        return Amount(Fraction((end - start).days), DAYS)
    raise AssertionError(f"no such function {name}")  # the checker rules this out


def format_value(value: Value) -> str:
    """A value as people read it: '9300 kr', '4.25 days', '12.333… days (37/3 exactly)'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Amount):
        symbol = unit_symbol(value.unit)
        exact = to_decimal(value.value)
        if exact is not None:
            number = _plain(exact)
        else:
            shown = to_decimal(round_exact(value.value, 6, "half_even"))
            approx = _plain(shown) if shown is not None else "?"
            fraction = f"{value.value.numerator}/{value.value.denominator}"
            return f"{approx}… {symbol} ({fraction} exactly)".replace("  ", " ")
        return f"{number} {symbol}".rstrip()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text


def to_decimal(value: Fraction) -> Decimal | None:
    """The exact Decimal for a rational whose decimal expansion ends; None if it never ends."""
    decimals = decimal_places(value.denominator)
    if decimals is None:
        return None
    places, factor = decimals
    # Built from text, which is exact; scaleb would round to the context's 28 digits.
    return Decimal(f"{value.numerator * factor}E-{places}")


@lru_cache(maxsize=4096)
def decimal_places(denominator: int) -> tuple[int, int] | None:
    """How many decimals the fractions of a denominator end after, and the factor that makes
    such a fraction's numerator whole at that many decimals; None when they never end."""
    rest, twos, fives = denominator, 0, 0
    while rest % 2 == 0:
        rest //= 2
        twos += 1
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    if rest != 1:
        return None
    places = max(twos, fives)
    return places, 10**places // denominator


_COMPILERS: dict[type, Callable[[ast.Expr], Compiled]] = {
    ast.Number: _number,
    **dict.fromkeys(ast.LITERALS, _literal),
    ast.Name: _name,
    ast.Lookup: _lookup,
    ast.Unary: _unary,
    ast.Conditional: _conditional,
    ast.Binary: _binary,
    ast.Call: _call,
}
