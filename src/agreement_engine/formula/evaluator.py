"""Evaluating a checked formula, exactly, one environment at a time.

Numbers are exact rationals (:class:`fractions.Fraction`) from the literal onwards, division
included; there is no float and no Decimal context anywhere, so nothing is rounded unless a formula
says ``round``. Callers turn results into Decimal only at the edge (see :func:`.values.to_decimal`).

A formula is compiled into nested closures (:func:`compiled`), so evaluating it again skips the
dispatch on node types: a loaded agreement holds its formulas compiled (:class:`.Program`), and
the rules of a run are evaluated for every municipality and month. What each operation means is
read from :mod:`.operations`; here is only how a formula's nodes are put together, and where a
value that cannot be computed is reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import Any, Protocol, TypeAlias

from agreement_engine.diagnostics import Text
from agreement_engine.formula import ast, per_day
from agreement_engine.formula.operations import Operation, operation_of
from agreement_engine.formula.problems import FormulaError, Undefined
from agreement_engine.formula.reach import whole_months
from agreement_engine.formula.types import DAYS, NUMBER, Quantity, Type
from agreement_engine.formula.unparse import unparse
from agreement_engine.formula.values import Amount, Value, literal_amount, type_of
from agreement_engine.months import YearMonth


class Environment(Protocol):
    """Where a formula's names get their values."""

    def value(self, name: str, span: ast.Span) -> Value:
        """The value of a rule, an input or an aggregate."""

    def lookup(self, name: str, key: Value, span: ast.Span) -> Value:
        """A dated figure (raises MissingFigure when it has no value); or, for a rule or an
        aggregate, its value at the month ``key``."""

    def episodes(self) -> Iterable[Environment]:
        """One environment per episode of the month, for count and sum."""

    def across(
        self, months: Sequence[YearMonth], body: Compiled, text: str, span: ast.Span
    ) -> list[Value]:
        """``body``'s value in each of these months of the same line (a window): ``text`` is
        the body as written, for the environment to say what it read at each month."""


Compiled: TypeAlias = Callable[[Environment], Value]


def evaluate(expr: ast.Expr, env: Environment) -> Value:
    """The value of a (checked) formula in an environment, compiled for this once: a formula
    evaluated again and again is compiled once and kept (a loaded formula's :class:`.Program`)."""
    return compiled(expr)(env)


def compiled(expr: ast.Expr) -> Compiled:
    """A formula turned into nested closures. Any formula that parses compiles; one that does
    not check fails only when evaluated."""
    return _COMPILERS[type(expr)](expr)


def _number(node: ast.Expr) -> Compiled:
    assert isinstance(node, ast.Number)
    amount = literal_amount(node.value, node.unit)
    return lambda env: amount


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


def _conditional(node: ast.Expr) -> Compiled:
    """Only the branch taken is evaluated."""
    assert isinstance(node, ast.Conditional)
    condition, then, otherwise = (
        compiled(node.condition),
        compiled(node.then),
        compiled(node.otherwise),
    )
    return lambda env: then(env) if condition(env) else otherwise(env)


def _operation(node: ast.Expr) -> Compiled:
    """A unary or binary operator, or a call of one of the language's functions."""
    operation = operation_of(node)
    if operation is None:
        return _unchecked(node)
    if isinstance(node, ast.Binary) and node.op in ast.LOGIC:
        return _logic(node.op == "and", compiled(node.left), compiled(node.right))
    if isinstance(node, ast.Call) and node.function in ("count", "sum"):
        return _aggregate(node, operation)
    if isinstance(node, ast.Call) and node.function == "round":
        return _round(node, operation)
    if isinstance(node, ast.Call) and node.function == per_day.FUNCTION:
        return _per_day(node, operation)
    return _applied(node, operation, [compiled(child) for child in ast.children(node)])


def _window(node: ast.Expr) -> Compiled:
    """``mean(value over N months [to month])``: the body's value in each month of the window,
    the last month first worked out, then the function of those values (:data:`.WINDOWS`)."""
    assert isinstance(node, ast.Window)
    operation = operation_of(node)
    size = whole_months(node.size)
    if operation is None or size is None or size < 1:
        return _unchecked(node)
    end = compiled(node.end) if node.end is not None else None
    body, text, span = compiled(node.body), unparse(node.body), node.span
    exact, typed = operation.exact, operation.typed

    def over(env: Environment) -> Value:
        last = end(env) if end is not None else env.value("month", span)
        assert isinstance(last, YearMonth)
        try:
            months = [last.plus(k) for k in range(1 - size, 1)]
        except ValueError:
            outside = Text("the window reaches outside the years 1–9999")
            raise FormulaError(outside, span) from None
        values = env.across(months, body, text, span)
        bare = [v.value if isinstance(v, Amount) else v for v in values]
        result = exact(bare)
        if isinstance(result, Fraction):
            return Amount(result, _unit(typed(type_of(values[0]))))
        found: Value = result
        return found

    return over


def _unchecked(node: ast.Expr) -> Compiled:
    """What a formula the checker refuses compiles to: it must not be evaluated."""

    def refuse(env: Environment) -> Value:
        raise AssertionError(f"a formula with a problem was evaluated: {node}")

    return refuse


def _logic(both: bool, left: Compiled, right: Compiled) -> Compiled:
    """``and`` / ``or``: the right side only when the left does not decide."""
    if both:
        return lambda env: bool(left(env)) and bool(right(env))
    return lambda env: bool(left(env)) or bool(right(env))


def _applied(node: ast.Expr, operation: Operation, args: list[Compiled]) -> Compiled:
    """An operation applied to its arguments' values: the exact value of the bare values and,
    for a quantity, the unit its type rule gives."""
    exact, typed = operation.exact, operation.typed
    if len(args) == 2:  # the operators, most of a formula: without building a list each time
        left, right = args

        def applied_to_two(env: Environment) -> Value:
            a, b = left(env), right(env)
            bare = (
                a.value if isinstance(a, Amount) else a,
                b.value if isinstance(b, Amount) else b,
            )
            return _result(node, exact, typed, (a, b), bare)

        return applied_to_two

    def applied(env: Environment) -> Value:
        values = tuple(arg(env) for arg in args)
        bare = tuple(v.value if isinstance(v, Amount) else v for v in values)
        return _result(node, exact, typed, values, bare)

    return applied


def _result(
    node: ast.Expr,
    exact: Callable[..., Any],
    typed: Callable[..., Type | None],
    values: tuple[Value, ...],
    bare: tuple[Any, ...],
) -> Value:
    try:
        result = exact(*bare)
    except Undefined as undefined:
        raise _located(undefined, node) from None
    if isinstance(result, Fraction):
        return Amount(result, _unit(typed(*map(type_of, values))))
    value: Value = result
    return value


def _unit(t: Type | None) -> Quantity:
    assert isinstance(t, Quantity), "the checker gives every quantity a unit"
    return t


def _located(undefined: Undefined, node: ast.Expr) -> FormulaError:
    """A value that cannot be computed, at its place: the argument it blames, or the node."""
    children = ast.children(node)
    span = node.span if undefined.blame is None else children[undefined.blame].span
    return FormulaError(undefined.message, span, hint=undefined.hint)


def _round(node: ast.Call, operation: Operation) -> Compiled:
    """``round(value, decimals, mode)``: the decimals and the mode are written as they are."""
    value, decimals, mode = node.args
    assert isinstance(decimals, ast.Number) and isinstance(mode, ast.Name)
    value_of, places, mode_name = compiled(value), int(decimals.value), mode.name
    exact, typed = operation.exact, operation.typed

    def rounded(env: Environment) -> Value:
        amount = value_of(env)
        assert isinstance(amount, Amount)
        return Amount(exact(amount.value, places, mode_name), _unit(typed(amount.unit)))

    return rounded


def _per_day(node: ast.Call, operation: Operation) -> Compiled:
    """``sum_per_day(figure, from, to)``: the figure looked up for each month the days fall
    in (by its year, for a figure kept by year), each month's value times its days, added."""
    figure, start, end = node.args
    assert isinstance(figure, ast.Name)
    name, span, exact = figure.name, node.span, operation.exact
    start_of, end_of = compiled(start), compiled(end)

    def summed(env: Environment) -> Value:
        first, after = start_of(env), end_of(env)
        assert isinstance(first, dt.date) and isinstance(after, dt.date)
        units: list[Quantity] = []

        def value_in(month: YearMonth) -> Fraction:
            found = env.lookup(name, month, span)
            assert isinstance(found, Amount)
            units.append(found.unit)
            return found.value

        total = exact(value_in, first, after)
        if not units:  # no days: the figure's unit, from its first month (its value unused)
            value_in(YearMonth.of(first))
        return Amount(total, units[0].times(DAYS))

    return summed


def _aggregate(node: ast.Call, operation: Operation) -> Compiled:
    """``count(condition)`` and ``sum(value, condition)`` over the month's episodes: a value
    only of the episodes whose condition holds."""
    exact = operation.exact
    args = [compiled(a) for a in node.args]
    if node.function == "count":
        condition = args[0]
        return lambda env: Amount(exact([condition(e) for e in env.episodes()]), NUMBER)
    value_of = args[0]
    condition_of = args[1] if len(args) == 2 else None

    def total_of(env: Environment) -> Value:
        values = []
        for episode in env.episodes():
            if condition_of is None or condition_of(episode):
                value = value_of(episode)
                assert isinstance(value, Amount)
                values.append(value)
        # With no episodes the unit is unknown here; callers stamp the checked type on the result.
        unit = values[-1].unit if values else NUMBER
        return Amount(exact([value.value for value in values]), unit)

    return total_of


_COMPILERS: dict[type, Callable[[ast.Expr], Compiled]] = {
    ast.Number: _number,
    **dict.fromkeys(ast.LITERALS, _literal),
    ast.Name: _name,
    ast.Lookup: _lookup,
    ast.Unary: _operation,
    ast.Conditional: _conditional,
    ast.Binary: _operation,
    ast.Call: _operation,
    ast.Window: _window,
}
