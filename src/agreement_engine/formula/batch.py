"""Evaluating a checked formula for many lines at once, exactly as :mod:`.evaluator` does one.

A month's invoice basis evaluates the same rules for every municipality: only the aggregates
differ. Here a formula is turned once into functions over columns (one value per line), so each
operation runs over the whole column in one loop, on the bare values: exact rationals
(:class:`fractions.Fraction`) for quantities, dates, months, times, truth values and texts.
Units are not carried: the checker has given each rule its type, and the caller gives the
results their units.

Only what cannot fail is evaluated here. A formula that looks up a dated figure, counts or sums
episodes, or does arithmetic on dates, and a column that would be divided by zero, raise
:class:`Unbatchable`: the caller then evaluates those lines one by one, which records the figures
each line looked up and reports each failure on its own line. Branches are evaluated only for the
lines that take them, as ``if … then … else`` evaluates only one branch, so a guarded division
such as ``if episodes = 0 then 0 days else total_days / episodes`` never divides by zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from fractions import Fraction
from functools import lru_cache
from typing import Any, TypeAlias

from agreement_engine.formula import ast
from agreement_engine.formula.evaluator import COMPARISONS, literal_amount
from agreement_engine.formula.functions import round_exact
from agreement_engine.months import YearMonth

Column: TypeAlias = list[Any]
"""One bare value per line (a :class:`Fraction` for a quantity)."""
Rows: TypeAlias = Sequence[int]
"""The lines a function evaluates, by their place in the columns."""
Batched: TypeAlias = Callable[[Mapping[str, Column], Rows], Column]
"""A formula over columns: given every name's column and the lines to evaluate, the formula's
value on each of those lines, in their order."""


class Unbatchable(Exception):
    """These lines must be evaluated one by one (see the module)."""


def batched(expr: ast.Expr) -> Batched:
    """A formula turned once into functions over columns."""
    return _compiled(expr)


@lru_cache(maxsize=4096)
def _compiled(expr: ast.Expr) -> Batched:
    # Keyed by the node's equality, which ignores spans: no span is needed here, as nothing
    # evaluated here fails (a failure is left to the line-by-line evaluator, with its span).
    return _COMPILERS[type(expr)](expr)


def _number(node: ast.Expr) -> Batched:
    assert isinstance(node, ast.Number)
    value = literal_amount(node.value, node.unit).value
    return lambda columns, rows: [value] * len(rows)


def _literal(node: ast.Expr) -> Batched:
    assert isinstance(node, ast.LITERALS)
    value: object = node.value
    return lambda columns, rows: [value] * len(rows)


def _name(node: ast.Expr) -> Batched:
    assert isinstance(node, ast.Name)
    name = node.name

    def column(columns: Mapping[str, Column], rows: Rows) -> Column:
        values = columns[name]
        if isinstance(rows, range) and len(rows) == len(values):
            return values
        return [values[row] for row in rows]

    return column


def _unbatchable(node: ast.Expr) -> Batched:
    def refuse(columns: Mapping[str, Column], rows: Rows) -> Column:
        raise Unbatchable

    return refuse


def _unary(node: ast.Expr) -> Batched:
    assert isinstance(node, ast.Unary)
    operand = _compiled(node.operand)
    if node.op == "not":
        return lambda columns, rows: [not v for v in operand(columns, rows)]

    def negate(columns: Mapping[str, Column], rows: Rows) -> Column:
        return [-v for v in _quantities(operand(columns, rows))]

    return negate


def _conditional(node: ast.Expr) -> Batched:
    assert isinstance(node, ast.Conditional)
    condition = _compiled(node.condition)
    then, otherwise = _compiled(node.then), _compiled(node.otherwise)

    def choose(columns: Mapping[str, Column], rows: Rows) -> Column:
        taken = condition(columns, rows)
        chosen = [row for row, take in zip(rows, taken, strict=True) if take]
        rest = [row for row, take in zip(rows, taken, strict=True) if not take]
        return _merged(taken, then(columns, chosen), otherwise(columns, rest))

    return choose


def _merged(taken: Column, chosen: Column, rest: Column) -> Column:
    """The values of the lines that took a branch and of those that did not, back in order."""
    first: Iterator[Any] = iter(chosen)
    second: Iterator[Any] = iter(rest)
    return [next(first) if take else next(second) for take in taken]


def _binary(node: ast.Expr) -> Batched:
    assert isinstance(node, ast.Binary)
    left, right = _compiled(node.left), _compiled(node.right)
    op = node.op
    if op in ("and", "or"):
        return _logical(op == "and", left, right)
    if op in ast.COMPARISON:
        compare = COMPARISONS[op]
        return lambda columns, rows: list(map(compare, left(columns, rows), right(columns, rows)))
    combine = _ARITHMETIC[op]

    def arithmetic(columns: Mapping[str, Column], rows: Rows) -> Column:
        a = _quantities(left(columns, rows))
        b = _quantities(right(columns, rows))
        if op == "/" and not all(b):
            raise Unbatchable  # division by zero: reported on its line
        return list(map(combine, a, b))

    return arithmetic


_ARITHMETIC: dict[str, Callable[[Fraction, Fraction], Fraction]] = {
    "+": Fraction.__add__,
    "-": Fraction.__sub__,
    "*": Fraction.__mul__,
    "/": Fraction.__truediv__,
}


def _quantities(values: Column) -> Column:
    """The values, when every one is a quantity; arithmetic on dates is left to the line."""
    if not all(type(v) is Fraction for v in values):
        raise Unbatchable
    return values


def _logical(both: bool, left: Batched, right: Batched) -> Batched:
    """``and`` / ``or``: the right side only for the lines it decides, as the line evaluator
    reads it only then."""

    def logical(columns: Mapping[str, Column], rows: Rows) -> Column:
        first = [bool(v) for v in left(columns, rows)]
        undecided = [row for row, v in zip(rows, first, strict=True) if v is both]
        second = iter(right(columns, undecided))
        return [bool(next(second)) if v is both else v for v in first]

    return logical


def _call(node: ast.Expr) -> Batched:
    assert isinstance(node, ast.Call)
    name = node.function
    if name in ("count", "sum"):
        return _unbatchable(node)
    if name == "round":
        value, decimals, mode = node.args
        assert isinstance(decimals, ast.Number) and isinstance(mode, ast.Name)
        return _round(_compiled(value), int(decimals.value), mode.name)
    args = [_compiled(a) for a in node.args]
    if name in ("min", "max"):
        return _pick(name == "max", args)
    function = _FUNCTIONS[name]

    def call(columns: Mapping[str, Column], rows: Rows) -> Column:
        return list(map(function, *(a(columns, rows) for a in args)))

    return call


def _round(value: Batched, decimals: int, mode: str) -> Batched:
    def rounded(columns: Mapping[str, Column], rows: Rows) -> Column:
        return [round_exact(v, decimals, mode) for v in _quantities(value(columns, rows))]

    return rounded


def _pick(largest: bool, args: list[Batched]) -> Batched:
    """max or min: of equal values the first, as the line evaluator (and Python) picks."""
    pick = max if largest else min

    def picked(columns: Mapping[str, Column], rows: Rows) -> Column:
        return [pick(values) for values in zip(*(a(columns, rows) for a in args), strict=True)]

    return picked


def _year_of(when: YearMonth | dt.date) -> Fraction:
    return Fraction(when.year)


def _month_of(date: dt.date) -> YearMonth:
    return YearMonth(date.year, date.month)


def _days_between(start: dt.date, end: dt.date) -> Fraction:
    return Fraction((end - start).days)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": abs,
    "year_of": _year_of,
    "month_of": _month_of,
    "days_between": _days_between,
}


_COMPILERS: dict[type, Callable[[ast.Expr], Batched]] = {
    ast.Number: _number,
    **dict.fromkeys(ast.LITERALS, _literal),
    ast.Name: _name,
    ast.Lookup: _unbatchable,
    ast.Unary: _unary,
    ast.Conditional: _conditional,
    ast.Binary: _binary,
    ast.Call: _call,
}
