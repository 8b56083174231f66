"""Counting episodes at national scale: an agreement's counting rules as polars expressions.

An episode-level extract can hold ten million rows, far too many to evaluate rule by rule in
Python. The counting rules of an agreement (which month an episode counts in, its days, the
aggregates) are translated once into polars expressions, and polars computes them in columns.
Everything at this level is whole: dates, whole days and counts, so the result is exact; money
is computed afterwards, on the monthly aggregates, by the exact evaluator. The polars expression
of each operation, and why one cannot be counted, come from :mod:`.formula.operations`, where
the evaluators read its exact meaning.

Months are represented as whole numbers (year × 12 + month − 1) inside the frame. A fact that is
unknown in the data (a blank in a yes/no column) makes a condition that depends on it unmet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from agreement_engine.agreements.documents import Counting, Formula, ParameterSeries
from agreement_engine.diagnostics import EngineError, error
from agreement_engine.formula import ast
from agreement_engine.formula.operations import FUNCTIONS, OPERATIONS, WINDOWS, operation_of
from agreement_engine.formula.per_day import FUNCTION, overlap, periods, summed_column
from agreement_engine.formula.problems import FormulaError, FormulaProblem
from agreement_engine.formula.types import Kind, Type
from agreement_engine.frozen import frozen

if TYPE_CHECKING:  # polars is imported only when episode data is read
    import polars as pl


@frozen
class Compiled:
    """A counting section as polars expressions: the per-episode rules, each a column added in
    order; the month each episode counts in (column ``prefix + MONTH_COLUMN``); and the
    aggregates, counts and sums per month (each named ``prefix`` + its name). Each dated figure
    summed day by day (``sum_per_day``) adds, for each year or month of the figure, the days
    the month's episodes have in it (named :func:`per_day_name`), so that a line knows which
    figures its aggregates rest on."""

    month: pl.Expr
    rules: tuple[tuple[str, pl.Expr], ...]
    aggregates: tuple[tuple[str, pl.Expr], ...]
    prefix: str = ""


PER_DAY = "per day"
"""How the days counted in a figure's year or month are named (no formula can name them)."""


def per_day_name(occurrence: int, parameter: str, key: str) -> str:
    """The name of the days a month's episodes have in one year (or month) of a figure summed
    day by day: ``per day 0 national_day_cost 2024``."""
    return f"{PER_DAY} {occurrence} {parameter} {key}"


def per_day_key(name: str) -> tuple[str, str] | None:
    """The (parameter, key) a name of :func:`per_day_name` stands for; None for another name."""
    if not name.startswith(PER_DAY + " "):
        return None
    _, _, _, parameter, key = name.split(" ", 4)
    return parameter, key


def compile_counting(
    counting: Counting,
    order: tuple[str, ...],
    types: Mapping[str, Type],
    prefix: str = "",
    parameters: Mapping[str, ParameterSeries] | None = None,
) -> Compiled:
    """Translate an agreement's counting rules (already type-checked) to polars.

    ``order`` is the order of the per-episode rules; ``types`` the type of every episode-level
    name (the inputs and those rules). The columns made are named with ``prefix``, so that the
    counting of several agreements can be computed side by side over the same rows.
    ``parameters`` are the dated figures, for those summed day by day.

    ``check`` refuses what cannot be counted in columns (see :func:`episode_problems`); should a
    formula still not translate, the EngineError raised says where, as ``check`` would.
    """
    columns = {name: prefix + name for name in order}
    translate = _Translator(types, columns, parameters or {})
    rules = []
    for name in order:
        formula = counting.rules[name].formula
        rules.append((name, _located(formula, translate).alias(columns[name])))
    month = _located(counting.month.formula, translate).alias(prefix + MONTH_COLUMN)
    aggregates = []
    for name, rule in counting.aggregates.items():
        expr = _located(rule.formula, translate.aggregate)
        aggregates.append((name, expr.alias(prefix + name)))
    for occurrence, (series, start, end) in enumerate(translate.per_day):
        for key, first, after in periods(list(series.figures), series.period):
            name = per_day_name(occurrence, series.name, key)
            days = overlap(start, end, first, after).sum()
            aggregates.append((name, days.alias(prefix + name)))
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
        case ast.Window():
            message, hint = _refused_window()
            return FormulaProblem(message, node.name_span, hint=hint)
        case ast.Lookup():
            return FormulaProblem(
                f"the dated figure '{node.name}' cannot be looked up per episode",
                node.span,
                hint="look figures up in the rules, on the monthly aggregates, like "
                f"{node.name}[year_of(month)]",
            )
        case ast.Binary(op=op):
            refused = OPERATIONS[op].uncounted
            if refused is not None:
                return FormulaProblem(refused[0], node.op_span, hint=refused[1])
        case ast.Call(function=name):
            refused = _refused(name)
            if refused is not None:
                return FormulaProblem(refused[0], node.name_span, hint=refused[1])
    return None


def _refused_window() -> tuple[str, str]:
    """Why a window over months cannot be computed per episode."""
    found = WINDOWS["mean"].uncounted
    assert found is not None
    return found


def _refused(function: str) -> tuple[str, str] | None:
    """Why a function cannot be computed per episode, if it cannot (nor one that does not
    exist, which the checker reports)."""
    found = FUNCTIONS.get(function)
    if found is None:
        return (
            f"'{function}' cannot be computed per episode",
            "episode rules count whole days and episodes; count and sum only in counting "
            "aggregates",
        )
    return found.uncounted


MONTH_COLUMN = "_month"


class _Translator:
    def __init__(
        self,
        types: Mapping[str, Type],
        columns: Mapping[str, str],
        parameters: Mapping[str, ParameterSeries] | None = None,
    ) -> None:
        self.types = types
        self.columns = columns
        self.parameters = parameters or {}
        self.per_day: list[tuple[ParameterSeries, pl.Expr, pl.Expr]] = []
        """Each figure summed day by day, with the dates it is summed between."""

    def __call__(self, node: ast.Expr) -> pl.Expr:
        import polars as pl

        problem = _uncountable(node)
        if problem is not None:
            raise FormulaError(problem.message, problem.span, problem.hint)
        if isinstance(node, ast.Call) and node.function == FUNCTION:
            return self.summed(node)
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
        operation = operation_of(node)
        assert operation is not None and operation.counted is not None, f"{node} is refused"
        operands = ast.children(node)
        dates = [self.is_date(operand) for operand in operands]
        return operation.counted([self(operand) for operand in operands], dates)

    def summed(self, node: ast.Call) -> pl.Expr:
        """``sum_per_day(figure, from, to)`` over the episodes (:mod:`.formula.per_day`): the
        figure's whole values only; every year or month the days reach is recorded."""
        figure, start, end = node.args
        assert isinstance(figure, ast.Name)
        series = self.parameters[figure.name]
        values = {
            key: int(f.value)
            for key, f in series.figures.items()
            if f.value is not None and f.value == f.value.to_integral_value()
        }
        first, after = self(start), self(end)
        self.per_day.append((series, first, after))
        return summed_column(first, after, values, series.period)

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
        """An aggregate formula (count or sum over the month's episodes) as a group expression:
        its first argument one value per episode, then its condition."""
        operation = operation_of(node) if isinstance(node, ast.Call) else None
        signature = operation.signature if operation is not None else None
        if operation is None or signature is None or not signature.aggregate:
            problem = _not_an_aggregate(node.span)
            raise FormulaError(problem.message, problem.span, problem.hint)
        assert isinstance(node, ast.Call) and operation.counted is not None
        first, *rest = node.args
        args = [self.per_episode(first), *(self(arg) for arg in rest)]
        return operation.counted(args, [self.is_date(arg) for arg in node.args])

    def per_episode(self, node: ast.Expr) -> pl.Expr:
        """An aggregate's argument, one value per episode. A constant (a formula that reads no
        column, like ``true``) is repeated for each: polars would give it once per group, so
        ``count(true)`` would count 1 whatever the number of episodes."""
        import polars as pl

        expr = self(node)
        if any(isinstance(n, ast.Name) for n in ast.walk(node)):
            return expr
        return pl.repeat(expr, pl.len())
