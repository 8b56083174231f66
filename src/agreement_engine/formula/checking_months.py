"""Checking what reads across months and days: a rule looked up at another month, a window
over months, a month moved by months, and a dated figure summed day by day.

The engine must know before anything runs which months a rule reads (:mod:`.reach`): so the
month of a look-up, and the end of a window, are the month billed or a month written, moved
by whole months written out, at most :data:`.MAX_WINDOW` months away; a window spans a whole
number of months written out. These checks are a part of the checker (:mod:`.checker`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from agreement_engine.formula import ast
from agreement_engine.formula.evaluator import Compiled, Environment, evaluate
from agreement_engine.formula.operations import MAX_WINDOW, WINDOWS, Operation
from agreement_engine.formula.problems import FormulaError, FormulaProblem
from agreement_engine.formula.reach import month_named, whole_months
from agreement_engine.formula.scope import Scope
from agreement_engine.formula.types import Kind, Type, describe
from agreement_engine.formula.values import Amount, Value
from agreement_engine.months import YearMonth


class MonthChecks:
    """The checker's rules for reading across months and days (mixed into it)."""

    scope: Scope
    problems: list[FormulaProblem]
    type_of: Callable[[ast.Expr], Type | None]

    def fail(self, message: str, span: ast.Span, hint: str | None = None) -> None:
        self.problems.append(FormulaProblem(message, span, hint))

    def _at_month(self, node: ast.Lookup, key: Type | None) -> Type | None:
        """A rule or aggregate looked up at another month: ``average_days[month - 1 month]``."""
        name = node.name
        if name == "month":
            self.fail(
                "'month' is the month billed; it has no value at another month",
                node.name_span,
                hint="write the month itself, like month - 1 month",
            )
            return None
        if key is None:
            return None
        if key != Kind.MONTH:
            self.fail(
                f"'{name}' is looked up by a month, not by {describe(key)}",
                node.key.span,
                hint=f"write {name}[month - 1 month]",
            )
            return None
        if not self._month_written(node.key):
            return None
        return self.scope.values[name]

    def _month_written(self, expr: ast.Expr) -> bool:
        """Whether the month of a look-up or of a window's end is written as it must be: the
        month billed or a month written, moved by whole months written out, at most
        :data:`MAX_WINDOW` months away (see :mod:`.reach`)."""
        reach = month_named(expr)
        if reach is None:
            self.fail(
                "the month must be the month billed or a month written out, moved by a whole "
                "number of months written out",
                expr.span,
                hint="like month - 1 month, or 2023-12; the engine must know before anything "
                "runs which months a rule reads",
            )
            return False
        if reach.fixed is None and abs(reach.offset) > MAX_WINDOW:
            self.fail(
                f"a rule may read at most {MAX_WINDOW} months away from the month billed",
                expr.span,
            )
            return False
        return True

    def _Window(self, node: ast.Expr) -> Type | None:
        assert isinstance(node, ast.Window)
        function = WINDOWS.get(node.function)
        if function is None:
            self.fail(
                f"'{node.function}' cannot be taken over months",
                node.name_span,
                hint="a window takes mean, sum, min or max, like mean(average_days over 3 months)",
            )
            return None
        if not self.scope.across_months:
            self.fail(
                "a window over months can only be used in monthly rules",
                node.name_span,
                hint="count and sum the episodes of a month in the aggregates; take windows over "
                "the months in the rules, like rolling_mean: mean(average_days over 3 months)",
            )
            return None
        body = self.type_of(node.body)
        size = whole_months(node.size)
        fits = True
        if size is None or not 1 <= size <= MAX_WINDOW:
            self.fail(
                f"a window spans a whole number of months written out, from 1 to {MAX_WINDOW}",
                node.size.span,
                hint=f"like {node.function}(average_days over 3 months)",
            )
            fits = False
        if node.end is not None:
            end = self.type_of(node.end)
            if end is not None and end != Kind.MONTH:
                self.fail(
                    f"a window ends at a month, not at {describe(end)}",
                    node.end.span,
                    hint=f"like {node.function}(average_days over 3 months to month - 1 month)",
                )
                fits = False
            elif end is not None:
                fits = self._month_written(node.end) and fits
        if body is None or not fits:
            return None
        result = function.typed(body)
        if result is None:
            wanted = "numbers" if node.function in ("mean", "sum") else "values with an order"
            self.fail(
                f"'{node.function}' over months needs {wanted}, not {describe(body)}",
                node.body.span,
            )
        return result

    def _per_day(self, node: ast.Call, function: Operation) -> Type | None:
        """``sum_per_day(figure, from, to)``: a dated figure, by name, and two dates."""
        figure, *dates = node.args
        parameter = self.scope.parameters.get(figure.name) if isinstance(figure, ast.Name) else None
        if parameter is None:
            self.fail(
                f"the first argument of '{node.function}' is a dated figure, by its name",
                figure.span,
                hint="like sum_per_day(national_day_cost, liability_start, discharge_date)",
            )
        types = [self.type_of(date) for date in dates]
        for date, t in zip(dates, types, strict=True):
            if t is not None and t != Kind.DATE:
                self.fail(
                    f"'{node.function}' counts the days between dates, not {describe(t)}", date.span
                )
                return None
        if parameter is None or None in types:
            return None
        return function.typed(parameter.unit, Kind.DATE, Kind.DATE)

    def _moved_month(self, node: ast.Binary, offset: ast.Expr) -> Type | None:
        """A month moved by months. When the months are written as a constant, the move is
        worked out here: parts of a month, or a written month moved off the calendar, are
        reported at their place rather than met while billing."""
        if not is_constant(offset):
            return Kind.MONTH
        try:
            months = evaluate(offset, NoNames())
            assert isinstance(months, Amount)
            if months.value.denominator != 1:
                self.fail("a month can only be moved by whole months", offset.span)
                return None
            if is_constant(node):
                evaluate(node, NoNames())  # says what is wrong with the month, if anything
        except FormulaError as exc:
            self.problems.append(exc.problem)
            return None
        return Kind.MONTH


def is_constant(node: ast.Expr) -> bool:
    """Whether a formula is the same whatever its names stand for: it uses none."""
    return not any(
        isinstance(n, ast.Name | ast.Lookup)
        or (isinstance(n, ast.Call) and n.function in ("count", "sum"))
        for n in ast.walk(node)
    )


class NoNames:
    """Where a constant is worked out: it reads no names, figures or episodes."""

    def value(self, name: str, span: ast.Span) -> Value:
        raise AssertionError(f"a constant uses no name, but {name!r} was read")

    def lookup(self, name: str, key: Value, span: ast.Span) -> Value:
        raise AssertionError(f"a constant looks up no figure, but {name!r} was looked up")

    def episodes(self) -> Iterable[Environment]:
        return ()

    def across(
        self, months: Sequence[YearMonth], body: Compiled, text: str, span: ast.Span
    ) -> list[Value]:
        raise AssertionError("a constant reads no other month")
