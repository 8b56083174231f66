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
    return _EVALUATORS[type(expr)](expr, env)


def _number(node: ast.Expr, env: Environment) -> Value:
    assert isinstance(node, ast.Number)
    return _literal_amount(node.value, node.unit)


@lru_cache(maxsize=4096)
def _literal_amount(value: Decimal, unit: str | None) -> Amount:
    """A literal's exact value, made once (literals recur in every line of a run)."""
    exact = Fraction(value)
    if unit == "%":
        exact /= 100
    return Amount(exact, UNITS[unit] if unit else NUMBER)


def _literal(node: ast.Expr, env: Environment) -> Value:
    assert isinstance(
        node, ast.DateLiteral | ast.MonthLiteral | ast.TimeLiteral | ast.Text | ast.Boolean
    )
    return node.value


def _name(node: ast.Expr, env: Environment) -> Value:
    assert isinstance(node, ast.Name)
    return env.value(node.name, node.span)


def _lookup(node: ast.Expr, env: Environment) -> Value:
    assert isinstance(node, ast.Lookup)
    return env.lookup(node.name, evaluate(node.key, env), node.span)


def _unary(node: ast.Expr, env: Environment) -> Value:
    assert isinstance(node, ast.Unary)
    operand = evaluate(node.operand, env)
    if node.op == "not":
        return not operand
    assert isinstance(operand, Amount)
    return Amount(-operand.value, operand.unit)


def _conditional(node: ast.Expr, env: Environment) -> Value:
    assert isinstance(node, ast.Conditional)
    chosen = node.then if evaluate(node.condition, env) else node.otherwise
    return evaluate(chosen, env)


def _binary(node: ast.Expr, env: Environment) -> Value:
    assert isinstance(node, ast.Binary)
    if node.op == "and":
        return bool(evaluate(node.left, env)) and bool(evaluate(node.right, env))
    if node.op == "or":
        return bool(evaluate(node.left, env)) or bool(evaluate(node.right, env))
    left = evaluate(node.left, env)
    right = evaluate(node.right, env)
    if node.op in ast.COMPARISON:
        return _compare(node.op, left, right)
    return _arithmetic(node, left, right)


def _compare(op: str, left: Value, right: Value) -> bool:
    a = left.value if isinstance(left, Amount) else left
    b = right.value if isinstance(right, Amount) else right
    return _COMPARISONS[op](a, b)


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _arithmetic(node: ast.Binary, left: Value, right: Value) -> Value:
    if isinstance(left, dt.date) or isinstance(right, dt.date):
        return _date_arithmetic(node, left, right)
    assert isinstance(left, Amount) and isinstance(right, Amount)
    if node.op == "+":
        return Amount(left.value + right.value, left.unit)
    if node.op == "-":
        return Amount(left.value - right.value, left.unit)
    if node.op == "*":
        return Amount(left.value * right.value, left.unit.times(right.unit))
    if right.value == 0:
        raise FormulaError(
            "division by zero",
            node.right.span,
            hint="guard the division, like: if episodes = 0 then 0 days else total_days / episodes",
        )
    return Amount(left.value / right.value, left.unit.per(right.unit))


def _date_arithmetic(node: ast.Binary, left: Value, right: Value) -> Value:
    if isinstance(left, dt.date) and isinstance(right, dt.date):
        return Amount(Fraction((left - right).days), DAYS)
    date, days = (left, right) if isinstance(left, dt.date) else (right, left)
    assert isinstance(date, dt.date) and isinstance(days, Amount)
    if days.value.denominator != 1:
        raise FormulaError("a date can only be moved by whole days", node.span)
    step = int(days.value) if node.op == "+" else -int(days.value)
    return date + dt.timedelta(days=step)


def _call(node: ast.Expr, env: Environment) -> Value:
    assert isinstance(node, ast.Call)
    name = node.function
    if name == "count":
        return Amount(Fraction(sum(1 for e in env.episodes() if evaluate(node.args[0], e))), NUMBER)
    if name == "sum":
        return _sum(node, env)
    if name == "round":
        value, decimals, mode = node.args
        amount = evaluate(value, env)
        assert isinstance(amount, Amount)
        assert isinstance(decimals, ast.Number) and isinstance(mode, ast.Name)
        return Amount(round_exact(amount.value, int(decimals.value), mode.name), amount.unit)
    args = [evaluate(a, env) for a in node.args]
    return _plain_call(name, args)


def _sum(node: ast.Call, env: Environment) -> Value:
    total = Fraction(0)
    unit: Quantity | None = None
    for episode in env.episodes():
        if len(node.args) == 2 and not evaluate(node.args[1], episode):
            continue
        value = evaluate(node.args[0], episode)
        assert isinstance(value, Amount)
        total += value.value
        unit = value.unit
    # With no episodes the unit is unknown here; callers stamp the checked type on the result.
    return Amount(total, unit if unit is not None else NUMBER)


def _plain_call(name: str, args: list[Value]) -> Value:
    if name in ("min", "max"):
        pick = min if name == "min" else max
        if isinstance(args[0], Amount):
            amounts = [a for a in args if isinstance(a, Amount)]
            return pick(amounts, key=lambda a: a.value)
        return pick(args, key=lambda a: a)  # type: ignore[arg-type,return-value]
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
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return None
    places = max(twos, fives)
    scaled = value * 10**places
    assert scaled.denominator == 1
    # Built from text, which is exact; scaleb would round to the context's 28 digits.
    return Decimal(f"{scaled.numerator}E-{places}")


_EVALUATORS: dict[type, Callable[[ast.Expr, Environment], Value]] = {
    ast.Number: _number,
    ast.DateLiteral: _literal,
    ast.MonthLiteral: _literal,
    ast.TimeLiteral: _literal,
    ast.Text: _literal,
    ast.Boolean: _literal,
    ast.Name: _name,
    ast.Lookup: _lookup,
    ast.Unary: _unary,
    ast.Conditional: _conditional,
    ast.Binary: _binary,
    ast.Call: _call,
}
