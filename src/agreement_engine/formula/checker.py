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
from collections.abc import Callable

from agreement_engine.formula import ast, mistakes, per_day
from agreement_engine.formula.checking_months import MonthChecks, NoNames, is_constant
from agreement_engine.formula.dates import MAX_DAY_OFFSET
from agreement_engine.formula.evaluator import evaluate
from agreement_engine.formula.operations import (
    FUNCTIONS,
    OPERATIONS,
    WINDOWS,
    Operation,
    operation_of,
    signature,
)
from agreement_engine.formula.problems import FormulaError, FormulaProblem
from agreement_engine.formula.rounding import ROUNDING_MODES
from agreement_engine.formula.scope import Scope
from agreement_engine.formula.types import NUMBER, UNITS, Kind, Type, describe
from agreement_engine.formula.unparse import unparse
from agreement_engine.formula.values import Amount, format_value


def check(expr: ast.Expr, scope: Scope) -> tuple[Type | None, list[FormulaProblem]]:
    """The type of the formula, and every problem found in it."""
    checker = _Checker(scope)
    return checker.type_of(expr), checker.problems


class _Checker(MonthChecks):
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
        if not is_constant(offset):
            return Kind.DATE
        try:
            days = evaluate(offset, NoNames())
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
            if is_constant(node):
                evaluate(node, NoNames())  # says what is wrong with the date, if anything
        except FormulaError as exc:
            self.problems.append(exc.problem)
            return None
        return Kind.DATE
