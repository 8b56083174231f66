"""Counting episodes at national scale: an agreement's counting rules as polars expressions.

An episode-level extract can hold ten million rows, far too many to evaluate rule by rule in
Python. The counting rules of an agreement (which month an episode counts in, its days, the
aggregates) are translated once into polars expressions, and polars computes them in columns.
Everything at this level is whole: dates, whole days and counts, so the result is exact; money
is computed afterwards, on the monthly aggregates, by the exact evaluator.

Months are represented as whole numbers (year × 12 + month − 1) inside the frame. A fact that is
unknown in the data (a blank in a yes/no column) makes a condition that depends on it unmet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from agreement_engine.documents import Counting
from agreement_engine.formula import ast
from agreement_engine.formula.problems import FormulaError
from agreement_engine.formula.types import Kind, Type

if TYPE_CHECKING:  # polars is imported only when episode data is read
    import polars as pl


@dataclass(frozen=True, slots=True)
class Compiled:
    """A counting section as polars expressions: the per-episode rules, each a column added in
    order; the month each episode counts in (column ``prefix + MONTH_COLUMN``); and the
    aggregates, counts and sums per month (each named ``prefix`` + its name)."""

    month: pl.Expr
    rules: tuple[tuple[str, pl.Expr], ...]
    aggregates: tuple[tuple[str, pl.Expr], ...]
    prefix: str = ""


def compile_counting(
    counting: Counting, order: tuple[str, ...], types: Mapping[str, Type], prefix: str = ""
) -> Compiled:
    """Translate an agreement's counting rules (already type-checked) to polars.

    ``order`` is the order of the per-episode rules; ``types`` the type of every episode-level
    name (the inputs and those rules). The columns made are named with ``prefix``, so that the
    counting of several agreements can be computed side by side over the same rows.
    """
    columns = {name: prefix + name for name in order}
    translate = _Translator(types, columns)
    rules = []
    for name in order:
        expr = counting.rules[name].formula.expr
        assert expr is not None
        rules.append((name, translate(expr).alias(columns[name])))
    month = counting.month.formula.expr
    assert month is not None
    aggregates = []
    for name, rule in counting.aggregates.items():
        expr = rule.formula.expr
        assert expr is not None
        aggregates.append((name, translate.aggregate(expr).alias(prefix + name)))
    return Compiled(
        translate(month).alias(prefix + MONTH_COLUMN), tuple(rules), tuple(aggregates), prefix
    )


MONTH_COLUMN = "_month"


class _Translator:
    def __init__(self, types: Mapping[str, Type], columns: Mapping[str, str]) -> None:
        self.types = types
        self.columns = columns

    def __call__(self, node: ast.Expr) -> pl.Expr:
        import polars as pl

        match node:
            case ast.Number(value=value, unit=unit):
                return pl.lit(_whole(value / 100 if unit == "%" else value, node))
            case ast.DateLiteral(value=value):
                return pl.lit(value, dtype=pl.Date)
            case ast.MonthLiteral(value=value):
                return pl.lit(value.year * 12 + value.month - 1, dtype=pl.Int32)
            case ast.TimeLiteral(value=value):
                return pl.lit(value, dtype=pl.Time)
            case ast.Text(value=value):
                return pl.lit(value)
            case ast.Boolean(value=value):
                return pl.lit(value)
            case ast.Name(name=name):
                return pl.col(self.columns.get(name, name))
            case ast.Unary(op="not", operand=operand):
                return ~self(operand)
            case ast.Unary(operand=operand):
                return -self(operand)
            case ast.Conditional(condition=c, then=t, otherwise=o):
                return pl.when(self(c).fill_null(False)).then(self(t)).otherwise(self(o))
            case ast.Binary():
                return self._binary(node)
            case ast.Call():
                return self._call(node)
        # Lookups: dated figures belong to monthly rules, not to episodes.
        raise FormulaError("this cannot be computed per episode", node.span)

    def _binary(self, node: ast.Binary) -> pl.Expr:
        left, right = self(node.left), self(node.right)
        op = node.op
        if op == "and":
            return left.fill_null(False) & right.fill_null(False)
        if op == "or":
            return left.fill_null(False) | right.fill_null(False)
        comparisons = {
            "=": left.eq,
            "!=": left.ne,
            "<": left.lt,
            "<=": left.le,
            ">": left.gt,
            ">=": left.ge,
        }
        if op in comparisons:
            return comparisons[op](right)
        return _arithmetic(op, left, right, self.is_date(node.left), self.is_date(node.right))

    def _call(self, node: ast.Call) -> pl.Expr:
        import polars as pl

        args = [self(a) for a in node.args if not _is_mode(node, a)]
        name = node.function
        if name == "max":
            return pl.max_horizontal(*args)
        if name == "min":
            return pl.min_horizontal(*args)
        if name == "abs":
            return args[0].abs()
        if name == "days_between":
            return (args[1] - args[0]).dt.total_days()
        if name == "month_of":
            return (args[0].dt.year().cast(pl.Int32) * 12 + args[0].dt.month().cast(pl.Int32)) - 1
        if name == "year_of":
            return args[0].dt.year() if self.is_date(node.args[0]) else args[0] // 12
        raise FormulaError(f"'{name}' cannot be computed per episode", node.span)

    def is_date(self, node: ast.Expr) -> bool:
        """Whether an (already type-checked) episode-level expression gives a date."""
        match node:
            case ast.DateLiteral():
                return True
            case ast.Name(name=name):
                return self.types.get(name) == Kind.DATE
            case ast.Binary(op="+", left=left, right=right):
                return self.is_date(left) or self.is_date(right)
            case ast.Binary(op="-", left=left, right=right):
                return self.is_date(left) and not self.is_date(right)
            case ast.Conditional(then=then):
                return self.is_date(then)
            case ast.Call(function="max" | "min", args=args):
                return self.is_date(args[0])
        return False

    def aggregate(self, node: ast.Expr) -> pl.Expr:
        """An aggregate formula (count or sum over the month's episodes) as a group expression."""
        import polars as pl

        assert isinstance(node, ast.Call) and node.function in ("count", "sum")
        if node.function == "count":
            return self(node.args[0]).fill_null(False).cast(pl.Int64).sum()
        value = self(node.args[0])
        if len(node.args) == 2:
            value = pl.when(self(node.args[1]).fill_null(False)).then(value).otherwise(0)
        return value.fill_null(0).sum()


def _arithmetic(
    op: str, left: pl.Expr, right: pl.Expr, left_date: bool, right_date: bool
) -> pl.Expr:
    import polars as pl

    if left_date and right_date:
        return (left - right).dt.total_days()
    if left_date:
        days = pl.duration(days=right)
        return left + days if op == "+" else left - days
    if right_date:
        return right + pl.duration(days=left)
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    raise FormulaError("division cannot be computed per episode", ast.NO_SPAN)


def _is_mode(call: ast.Call, arg: ast.Expr) -> bool:
    return call.function == "round" and arg is call.args[-1]


def _whole(value: Decimal, node: ast.Expr) -> int:
    if value != value.to_integral_value():
        raise FormulaError(
            "episode rules count whole days and episodes; this number is not whole", node.span
        )
    return int(value)
