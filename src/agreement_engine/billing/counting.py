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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agreement_engine.agreements.documents import Counting, Formula
from agreement_engine.diagnostics import EngineError, error
from agreement_engine.formula import ast
from agreement_engine.formula.evaluator import MAX_DAY_OFFSET
from agreement_engine.formula.problems import FormulaError, FormulaProblem
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

    ``check`` refuses what cannot be counted in columns (see :func:`episode_problems`); should a
    formula still not translate, the EngineError raised says where, as ``check`` would.
    """
    columns = {name: prefix + name for name in order}
    translate = _Translator(types, columns)
    rules = []
    for name in order:
        formula = counting.rules[name].formula
        rules.append((name, _located(formula, translate).alias(columns[name])))
    month = _located(counting.month.formula, translate).alias(prefix + MONTH_COLUMN)
    aggregates = []
    for name, rule in counting.aggregates.items():
        expr = _located(rule.formula, translate.aggregate)
        aggregates.append((name, expr.alias(prefix + name)))
    return Compiled(month, tuple(rules), tuple(aggregates), prefix)


def _located(formula: Formula, translate: Callable[[ast.Expr], pl.Expr]) -> pl.Expr:
    """A formula translated, or an EngineError at the place in its file that cannot be."""
    assert formula.expr is not None
    try:
        return translate(formula.expr)
    except FormulaError as exc:
        problem = exc.problem
        location = formula.locate(problem.span.start, problem.span.end)
        raise EngineError(
            [error(problem.message, location, hint=problem.hint, code="formula")]
        ) from None


def episode_problems(expr: ast.Expr) -> list[FormulaProblem]:
    """What in a per-episode formula (a counting rule, the counting month, the arguments of an
    aggregate) cannot be counted in columns: ``check`` reports these, so that counting an
    extract never meets them."""
    found = (_uncountable(node) for node in ast.walk(expr))
    return [problem for problem in found if problem is not None]


def aggregate_problems(expr: ast.Expr) -> list[FormulaProblem]:
    """What in an aggregate formula cannot be counted: it must be one ``count`` or ``sum``,
    since the counts of a month are added up across the spellings of a municipality's name."""
    if not (isinstance(expr, ast.Call) and expr.function in ("count", "sum")):
        return [_not_an_aggregate(expr.span)]
    return [problem for arg in expr.args for problem in episode_problems(arg)]


def _not_an_aggregate(span: ast.Span) -> FormulaProblem:
    return FormulaProblem(
        "an aggregate must be one count(…) or sum(…) over the month's episodes",
        span,
        hint="compute with the aggregates in the rules, like average_days: total_days / episodes",
    )


# The functions polars computes per episode; round, count and sum are not among them.
_COLUMN_FUNCTIONS = frozenset({"max", "min", "abs", "days_between", "month_of", "year_of"})
_LARGEST = 2**63 - 1  # polars' whole numbers are 64 bits


def _uncountable(node: ast.Expr) -> FormulaProblem | None:
    """Why this node (not its children) cannot be counted per episode, if it cannot."""
    match node:
        case ast.Number(value=value, unit=unit):
            whole = value / 100 if unit == "%" else value
            if whole != whole.to_integral_value():
                return FormulaProblem(
                    "episode rules count whole days and episodes; this number is not whole",
                    node.span,
                    hint="write whole days, like 1 day; work with parts of days in the rules, "
                    "on the monthly aggregates",
                )
            if abs(whole) > _LARGEST:
                return FormulaProblem(
                    "this number is too large to count with per episode",
                    node.span,
                    hint=f"episode rules count with whole numbers up to {_LARGEST}",
                )
        case ast.Binary(op="/"):
            return FormulaProblem(
                "division cannot be computed per episode",
                node.op_span,
                hint="episode rules count whole days and episodes; divide in the rules, on "
                "the monthly aggregates, like average_days: total_days / episodes",
            )
        case ast.Lookup():
            return FormulaProblem(
                f"the dated figure '{node.name}' cannot be looked up per episode",
                node.span,
                hint="look figures up in the rules, on the monthly aggregates, like "
                f"{node.name}[year_of(month)]",
            )
        case ast.Call(function=name) if name not in _COLUMN_FUNCTIONS:
            return FormulaProblem(
                f"'{name}' cannot be computed per episode",
                node.name_span,
                hint="episode rules count whole days and episodes; "
                + (
                    "round in the rules, on the monthly aggregates"
                    if name == "round"
                    else "count and sum only in counting aggregates"
                ),
            )
    return None


MONTH_COLUMN = "_month"


class _Translator:
    def __init__(self, types: Mapping[str, Type], columns: Mapping[str, str]) -> None:
        self.types = types
        self.columns = columns

    def __call__(self, node: ast.Expr) -> pl.Expr:
        import polars as pl

        problem = _uncountable(node)
        if problem is not None:
            raise FormulaError(problem.message, problem.span, problem.hint)
        match node:
            case ast.Number(value=value, unit=unit):
                whole = int(value / 100 if unit == "%" else value)
                return pl.lit(whole, dtype=pl.Int64)  # sums of millions of rows stay exact
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
        raise AssertionError(f"{node} is refused by _uncountable")

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

        args = [self(a) for a in node.args]
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
        assert name == "year_of", f"{name} is refused by _uncountable"
        return args[0].dt.year() if self.is_date(node.args[0]) else args[0] // 12

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

        if not (isinstance(node, ast.Call) and node.function in ("count", "sum")):
            problem = _not_an_aggregate(node.span)
            raise FormulaError(problem.message, problem.span, problem.hint)
        if node.function == "count":
            return self.per_episode(node.args[0]).fill_null(False).cast(pl.Int64).sum()
        value = self.per_episode(node.args[0])
        if len(node.args) == 2:
            value = pl.when(self(node.args[1]).fill_null(False)).then(value).otherwise(0)
        return value.fill_null(0).sum()

    def per_episode(self, node: ast.Expr) -> pl.Expr:
        """An aggregate's argument, one value per episode. A constant (a formula that reads no
        column, like ``true``) is repeated for each: polars would give it once per group, so
        ``count(true)`` would count 1 whatever the number of episodes."""
        import polars as pl

        expr = self(node)
        if any(isinstance(n, ast.Name) for n in ast.walk(node)):
            return expr
        return pl.repeat(expr, pl.len())


def _arithmetic(
    op: str, left: pl.Expr, right: pl.Expr, left_date: bool, right_date: bool
) -> pl.Expr:
    import polars as pl

    if left_date and right_date:
        return (left - right).dt.total_days()
    if left_date or right_date:
        date, days = (left, right) if left_date else (right, left)
        # No two dates of the years 1–9999 are further apart than MAX_DAY_OFFSET days, and
        # polars' durations wrap around not far past that: a longer move (check refuses written
        # ones) is cut to one day more, which still lands past every real date, so comparing
        # the date moved with a real date comes out right.
        moved = pl.duration(days=days.clip(-MAX_DAY_OFFSET - 1, MAX_DAY_OFFSET + 1))
        return date - moved if op == "-" else date + moved
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    assert op == "*", f"{op} is refused by _uncountable"
    return left * right
