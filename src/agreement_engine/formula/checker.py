"""Checking a formula before anything runs: names, arguments, types and units.

The checker walks the tree once and reports every problem it can find without running anything:
unknown names (with a did-you-mean), functions called with the wrong number of arguments, and
values of the wrong type or unit. A sub-expression with a problem has no type, and no further
problems are reported about the expressions around it, so one mistake gives one message.

The type of each operation is its rule in :mod:`.operations`, the rule the evaluators give units
by; when the arguments do not fit, :mod:`.mistakes` says why.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from agreement_engine.formula import ast, mistakes, per_day
from agreement_engine.formula.dates import MAX_DAY_OFFSET
from agreement_engine.formula.evaluator import Compiled, Environment, evaluate
from agreement_engine.formula.operations import (
    FUNCTIONS,
    MAX_WINDOW,
    OPERATIONS,
    WINDOWS,
    Operation,
    operation_of,
    signature,
)
from agreement_engine.formula.problems import FormulaError, FormulaProblem
from agreement_engine.formula.reach import month_named, whole_months
from agreement_engine.formula.rounding import ROUNDING_MODES
from agreement_engine.formula.types import NUMBER, UNITS, Kind, Quantity, Type, describe
from agreement_engine.formula.unparse import unparse
from agreement_engine.formula.values import Amount, Value, format_value
from agreement_engine.months import YearMonth


@dataclass(frozen=True, slots=True)
class Parameter:
    """What the checker knows of a dated figure: its unit and whether keys are years or months."""

    unit: Quantity
    period: str  # "year" or "month"


@dataclass(frozen=True, slots=True)
class Scope:
    """The names a formula may use.

    ``episode`` is set where aggregates (``count``, ``sum``) are allowed: their arguments are
    checked against it, one episode at a time. ``across_months`` is set for monthly rules: they
    may read the values of other months (``average_days[month - 1 month]``, windows). A name
    whose type is None exists but could not be typed (its own formula has a problem, reported
    there): using it reports nothing more.
    """

    values: Mapping[str, Type | None]
    parameters: Mapping[str, Parameter] = field(default_factory=dict)
    episode: Scope | None = None
    across_months: bool = False


def check(expr: ast.Expr, scope: Scope) -> tuple[Type | None, list[FormulaProblem]]:
    """The type of the formula, and every problem found in it."""
    checker = _Checker(scope)
    return checker.type_of(expr), checker.problems


class _Checker:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.problems: list[FormulaProblem] = []

    def fail(self, message: str, span: ast.Span, hint: str | None = None) -> None:
        self.problems.append(FormulaProblem(message, span, hint))

    def type_of(self, node: ast.Expr) -> Type | None:
        method: Callable[[ast.Expr], Type | None] = getattr(self, f"_{type(node).__name__}")
        return method(node)

    # literals -------------------------------------------------------------------------------

    def _Number(self, node: ast.Expr) -> Type | None:
        assert isinstance(node, ast.Number)
        return UNITS[node.unit] if node.unit else NUMBER

    def _DateLiteral(self, node: ast.Expr) -> Type | None:
        return Kind.DATE

    def _MonthLiteral(self, node: ast.Expr) -> Type | None:
        return Kind.MONTH

    def _TimeLiteral(self, node: ast.Expr) -> Type | None:
        return Kind.TIME

    def _Text(self, node: ast.Expr) -> Type | None:
        return Kind.TEXT

    def _Boolean(self, node: ast.Expr) -> Type | None:
        return Kind.BOOLEAN

    # names ----------------------------------------------------------------------------------

    def _Name(self, node: ast.Expr) -> Type | None:
        assert isinstance(node, ast.Name)
        if node.name in self.scope.values:
            return self.scope.values[node.name]
        if node.name in self.scope.parameters:
            self.fail(
                f"'{node.name}' is a dated figure: say which year or month to use",
                node.span,
                hint=f"look it up like {node.name}[year_of(month)] or {node.name}[2023]",
            )
        elif node.name in FUNCTIONS:
            self.fail(
                f"'{node.name}' is a function and needs arguments",
                node.span,
                hint=f"call it like {signature(node.name).example}",
            )
        elif node.name in ROUNDING_MODES:
            self.fail(
                f"'{node.name}' is a rounding mode; it can only be the last argument of round",
                node.span,
                hint=f"write round(value, 0, {node.name})",
            )
        else:
            self.fail(f"unknown name '{node.name}'", node.span, hint=self._suggest(node.name))
        return None

    def _suggest(self, name: str) -> str | None:
        pool = [*self.scope.values, *self.scope.parameters]
        matches = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
        if matches:
            return f"did you mean '{matches[0]}'?"
        if pool:
            return "names you can use here: " + ", ".join(sorted(self.scope.values))
        return None

    def _Lookup(self, node: ast.Expr) -> Type | None:
        assert isinstance(node, ast.Lookup)
        key = self.type_of(node.key)
        parameter = self.scope.parameters.get(node.name)
        if parameter is None and node.name in self.scope.values and self.scope.across_months:
            return self._at_month(node, key)
        if parameter is None:
            if node.name in self.scope.values:
                message = f"'{node.name}' is not a dated figure, so it cannot be looked up with [ ]"
                self.fail(message, node.name_span, hint=f"write just {node.name}")
            else:
                matches = difflib.get_close_matches(node.name, list(self.scope.parameters), n=1)
                hint = f"did you mean '{matches[0]}'?" if matches else None
                self.fail(f"unknown dated figure '{node.name}'", node.name_span, hint=hint)
            return None
        if key is None:
            return parameter.unit
        allowed = (NUMBER, Kind.MONTH) if parameter.period == "year" else (Kind.MONTH,)
        if key not in allowed:
            by = "a year, like 2023, or a month" if parameter.period == "year" else "a month"
            self.fail(
                f"'{node.name}' is looked up by {by}, not by {describe(key)}",
                node.key.span,
                hint=f"write {node.name}[year_of(month)]"
                if parameter.period == "year"
                else f"write {node.name}[month]",
            )
        return parameter.unit

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

    # calls ----------------------------------------------------------------------------------

    def _Call(self, node: ast.Expr) -> Type | None:
        assert isinstance(node, ast.Call)
        function = FUNCTIONS.get(node.function)
        if function is None and node.function in WINDOWS:
            self.fail(
                f"'{node.function}' is taken over a window of months",
                node.name_span,
                hint=f"write {node.function}(average_days over 3 months)",
            )
            return None
        if function is None:
            matches = difflib.get_close_matches(node.function, list(FUNCTIONS), n=1)
            hint = (
                f"did you mean '{matches[0]}'?"
                if matches
                else "the functions are: " + ", ".join(sorted(FUNCTIONS))
            )
            self.fail(f"unknown function '{node.function}'", node.name_span, hint=hint)
            return None
        called = signature(node.function)
        if not called.arity_ok(len(node.args)):
            self.fail(
                f"'{node.function}' takes {called.arity_words}, not {len(node.args)}: "
                f"{called.text}",
                node.span,
                hint=f"for example {called.example}",
            )
            return None
        if called.aggregate:
            return self._aggregate(node, function)
        if node.function == "round":
            return self._round(node, function)
        if node.function == per_day.FUNCTION:
            return self._per_day(node, function)
        arg_types = [self.type_of(a) for a in node.args]
        if any(t is None for t in arg_types):
            return None
        types = [t for t in arg_types if t is not None]
        result = function.typed(*types)
        if result is None:
            self.problems.append(mistakes.call(node, types))
        return result

    def _round(self, node: ast.Call, function: Operation) -> Type | None:
        value, decimals, mode = node.args
        result = self.type_of(value)
        if result is not None and function.typed(result) is None:
            self.fail(f"'round' needs a number, not {describe(result)}", value.span)
            result = None
        if not (
            isinstance(decimals, ast.Number)
            and decimals.unit is None
            and decimals.value == decimals.value.to_integral_value()
            and 0 <= decimals.value <= 12
        ):
            self.fail(
                "the second argument of 'round' must be a whole number of decimals (0 to 12)",
                decimals.span,
                hint="for example round(amount, 0, half_up) rounds to whole kronor",
            )
            result = None
        if not (isinstance(mode, ast.Name) and mode.name in ROUNDING_MODES):
            written = unparse(mode).replace(" - ", "-")
            matches = difflib.get_close_matches(written.replace("-", "_"), ROUNDING_MODES, n=1)
            self.fail(
                f"'{written}' is not a rounding mode",
                mode.span,
                hint=f"did you mean '{matches[0]}'?"
                if matches
                else "the modes are: " + ", ".join(ROUNDING_MODES),
            )
            result = None
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

    def _aggregate(self, node: ast.Call, function: Operation) -> Type | None:
        episode = self.scope.episode
        if episode is None:
            self.fail(
                f"'{node.function}' adds up episodes and can only be used in counting aggregates",
                node.name_span,
                hint="monthly rules use the aggregates by name, like episodes or total_days",
            )
            return None
        inner = _Checker(episode)
        arg_types = [inner.type_of(a) for a in node.args]
        self.problems.extend(inner.problems)
        if any(t is None for t in arg_types):
            return None
        types = [t for t in arg_types if t is not None]
        result = function.typed(*types)
        if result is None:
            self.problems.append(mistakes.aggregate(node, types))
        return result

    # operators ------------------------------------------------------------------------------

    def _Unary(self, node: ast.Expr) -> Type | None:
        assert isinstance(node, ast.Unary)
        t = self.type_of(node.operand)
        if t is None:
            return None
        operation = operation_of(node)
        assert operation is not None
        result = operation.typed(t)
        if result is None:
            self.problems.append(mistakes.unary(node, t))
        return result

    def _Binary(self, node: ast.Expr) -> Type | None:
        assert isinstance(node, ast.Binary)
        left = self.type_of(node.left)
        right = self.type_of(node.right)
        if left is None or right is None:
            return None
        result = OPERATIONS[node.op].typed(left, right)
        if node.op in ast.LOGIC or node.op in ast.COMPARISON:
            if result is None:
                explain = mistakes.logic if node.op in ast.LOGIC else mistakes.comparison
                self.problems.append(explain(node, left, right))
            return result
        return self._arithmetic(node, left, right, result)

    def _Conditional(self, node: ast.Expr) -> Type | None:
        assert isinstance(node, ast.Conditional)
        condition = self.type_of(node.condition)
        then = self.type_of(node.then)
        otherwise = self.type_of(node.otherwise)
        if condition is not None and condition != Kind.BOOLEAN:
            self.fail(
                f"the condition after 'if' must be true or false, not {describe(condition)}",
                node.condition.span,
            )
            return None
        if then is None or otherwise is None:
            return None
        # A condition with a problem (reported at its place) is taken as true or false.
        result = OPERATIONS["if"].typed(Kind.BOOLEAN, then, otherwise)
        if result is None:
            self.problems.append(mistakes.branches(node, then, otherwise))
        return result

    def _arithmetic(
        self, node: ast.Binary, left: Type, right: Type, result: Type | None
    ) -> Type | None:
        if result is None:
            self.problems.append(mistakes.arithmetic(node, left, right))
        if result == Kind.DATE:
            return self._moved_date(node, offset=node.right if left == Kind.DATE else node.left)
        if result == Kind.MONTH:
            return self._moved_month(node, offset=node.right if left == Kind.MONTH else node.left)
        if node.op == "/" and isinstance(node.right, ast.Number) and node.right.value == 0:
            self.fail(
                "division by zero",
                node.right.span,
                hint="divide by a number that is not 0, or guard it, like: if episodes = 0 then "
                "0 days else total_days / episodes",
            )
            return None
        return result

    def _moved_date(self, node: ast.Binary, offset: ast.Expr) -> Type | None:
        """A date moved by days. When the days are written as a constant, the move is worked
        out here, so that a move no date survives, or a written date moved off the calendar, is
        reported at its place rather than met while billing (or wrapped around by polars)."""
        if not _is_constant(offset):
            return Kind.DATE
        try:
            days = evaluate(offset, _NoNames())
            assert isinstance(days, Amount)
            if abs(days.value) > MAX_DAY_OFFSET:
                self.fail(
                    f"a date moved by {format_value(days)} falls outside the years 1–9999",
                    offset.span,
                    hint=f"a date can be moved by at most {MAX_DAY_OFFSET} days",
                )
                return None
            if days.value.denominator != 1:
                self.fail("a date can only be moved by whole days", node.span)
                return None
            if _is_constant(node):
                evaluate(node, _NoNames())  # says what is wrong with the date, if anything
        except FormulaError as exc:
            self.problems.append(exc.problem)
            return None
        return Kind.DATE

    def _moved_month(self, node: ast.Binary, offset: ast.Expr) -> Type | None:
        """A month moved by months. When the months are written as a constant, the move is
        worked out here: parts of a month, or a written month moved off the calendar, are
        reported at their place rather than met while billing."""
        if not _is_constant(offset):
            return Kind.MONTH
        try:
            months = evaluate(offset, _NoNames())
            assert isinstance(months, Amount)
            if months.value.denominator != 1:
                self.fail("a month can only be moved by whole months", offset.span)
                return None
            if _is_constant(node):
                evaluate(node, _NoNames())  # says what is wrong with the month, if anything
        except FormulaError as exc:
            self.problems.append(exc.problem)
            return None
        return Kind.MONTH


def _is_constant(node: ast.Expr) -> bool:
    """Whether a formula is the same whatever its names stand for: it uses none."""
    return not any(
        isinstance(n, ast.Name | ast.Lookup)
        or (isinstance(n, ast.Call) and n.function in ("count", "sum"))
        for n in ast.walk(node)
    )


class _NoNames:
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
