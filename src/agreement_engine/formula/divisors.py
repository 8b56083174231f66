"""Where a formula may divide by zero when it runs.

Checking types cannot know values, but a division whose divisor turns out 0 leaves a line not
computed ("division by zero") long after the file was written. :func:`unguarded_divisions`
finds each division whose divisor can be 0 and that nothing guards, so that ``check`` can warn.

What is taken to be never 0 (:func:`never_zero`), kept simple so that it is sound:

- a number written that is not 0 (``12``, ``0.5 days``), or its negation;
- a dated figure looked up (``national_day_cost[year_of(month)]``): figures are prices and
  averages, which the files give as positive;
- a name the caller says is never 0 (a rule whose formula is never 0);
- a product of factors that are never 0; ``max(…)`` with an argument that is a positive number
  written or a dated figure.

Anything else can be 0: a count or a sum of episodes, an input, a rule computed from them.

A division is guarded where the condition that leads to it rules its divisor out being 0:

- the ``else`` of ``if X = 0 then … else …``, the ``then`` of ``if X != 0``, ``if X > 0``,
  ``if X >= 1``, ``if X < 0`` (any comparison of X with a number written that excludes 0),
  and the other branch of each comparison's opposite;
- through ``and`` (in the ``then`` branch, each part holds), ``or`` (in the ``else`` branch,
  each part fails) and ``not``;
- the right side of ``X != 0 and …`` and of ``X = 0 or …``, which is computed only when the
  left side does not decide.

X is compared as written, up to spacing and parentheses (syntax trees are compared).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from agreement_engine.formula import ast

NeverZero = Callable[[str], bool]
"""Whether a name (a rule) is never 0."""


def unguarded_divisions(expr: ast.Expr, named: NeverZero) -> list[ast.Binary]:
    """The divisions in ``expr`` whose divisor can be 0 where they are computed, in order."""
    found: list[ast.Binary] = []
    _visit(expr, frozenset(), named, found)
    return found


def never_zero(expr: ast.Expr, named: NeverZero) -> bool:
    """Whether ``expr`` is never 0 (see the module's description)."""
    match expr:
        case ast.Number(value=value):
            return value != 0
        case ast.Lookup():
            return True
        case ast.Name(name=name):
            return named(name)
        case ast.Unary(op="-", operand=operand):
            return never_zero(operand, named)
        case ast.Binary(op="*", left=left, right=right):
            return never_zero(left, named) and never_zero(right, named)
        case ast.Call(function="max", args=args):
            return any(_positive(arg) for arg in args)
    return False


def _positive(expr: ast.Expr) -> bool:
    return isinstance(expr, ast.Lookup) or (isinstance(expr, ast.Number) and expr.value > 0)


def _visit(
    expr: ast.Expr, safe: frozenset[ast.Expr], named: NeverZero, found: list[ast.Binary]
) -> None:
    match expr:
        case ast.Conditional(condition=condition, then=then, otherwise=otherwise):
            _visit(condition, safe, named, found)
            _visit(then, safe | nonzero_when(condition, True), named, found)
            _visit(otherwise, safe | nonzero_when(condition, False), named, found)
            return
        case ast.Binary(op="and" | "or", left=left, right=right):
            _visit(left, safe, named, found)
            _visit(right, safe | nonzero_when(left, expr.op == "and"), named, found)
            return
        case ast.Binary(op="/", right=divisor) if divisor not in safe:
            if not never_zero(divisor, named):
                found.append(expr)
    for child in ast.children(expr):
        _visit(child, safe, named, found)


def nonzero_when(condition: ast.Expr, holds: bool) -> frozenset[ast.Expr]:
    """The expressions that cannot be 0 when ``condition`` is ``holds`` (true or false)."""
    match condition:
        case ast.Unary(op="not", operand=operand):
            return nonzero_when(operand, not holds)
        case ast.Binary(op="and", left=left, right=right) if holds:
            return nonzero_when(left, True) | nonzero_when(right, True)
        case ast.Binary(op="or", left=left, right=right) if not holds:
            return nonzero_when(left, False) | nonzero_when(right, False)
        case ast.Binary(op=op, left=left, right=right) if op in ast.COMPARISON:
            number = _number(right)
            if number is not None and _excludes_zero(op, number, holds):
                return frozenset({left})
            number = _number(left)
            if number is not None and _excludes_zero(_FLIPPED[op], number, holds):
                return frozenset({right})
    return frozenset()


_FLIPPED = {"=": "=", "!=": "!=", "<": ">", ">": "<", "<=": ">=", ">=": "<="}
_OPPOSITE = {"=": "!=", "!=": "=", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}


def _excludes_zero(op: str, number: Decimal, holds: bool) -> bool:
    """Whether ``X op number`` being ``holds`` rules out X = 0."""
    if not holds:
        op = _OPPOSITE[op]
    zero_passes = {
        "=": number == 0,
        "!=": number != 0,
        "<": number > 0,
        "<=": number >= 0,
        ">": number < 0,
        ">=": number <= 0,
    }
    return not zero_passes[op]


def _number(expr: ast.Expr) -> Decimal | None:
    """The value of a number written (``0``, ``1 day``, ``-2``), else None."""
    match expr:
        case ast.Number(value=value, unit=unit):
            return value / 100 if unit == "%" else value
        case ast.Unary(op="-", operand=ast.Number() as number):
            found = _number(number)
            return -found if found is not None else None
    return None
