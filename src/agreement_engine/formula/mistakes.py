"""What does not fit in an operation, in plain words.

The checker works out an operation's type by its rule in :mod:`.operations`; when the rule says
the arguments do not fit, the functions here say why, at the place to change, with a hint where
one helps: ``cannot add days to money (kr)``, ``write the unit after the number, like 0 kr``.
"""

from __future__ import annotations

from collections.abc import Sequence

from agreement_engine.formula import ast
from agreement_engine.formula.operations import signature
from agreement_engine.formula.problems import FormulaProblem
from agreement_engine.formula.types import NUMBER, Kind, Quantity, Type, describe, unit_symbol


def unary(node: ast.Unary, operand: Type) -> FormulaProblem:
    """Why ``not x`` or ``-x`` does not fit."""
    if node.op == "not":
        return FormulaProblem(
            f"'not' needs true or false, not {describe(operand)}", node.operand.span
        )
    return FormulaProblem(f"cannot negate {describe(operand)}", node.span)


def logic(node: ast.Binary, left: Type, right: Type) -> FormulaProblem:
    """Why ``a and b`` or ``a or b`` does not fit: a side that is not true or false."""
    side, t = (node.left, left) if left != Kind.BOOLEAN else (node.right, right)
    return FormulaProblem(f"'{node.op}' needs true or false, not {describe(t)}", side.span)


def comparison(node: ast.Binary, left: Type, right: Type) -> FormulaProblem:
    """Why a comparison does not fit: two types, or a type that has no order."""
    if left != right:
        return FormulaProblem(
            f"cannot compare {describe(left)} with {describe(right)}",
            node.span,
            unit_hint(node.left, node.right, left, right),
        )
    return FormulaProblem(f"'{node.op}' cannot order {describe(left)}", node.op_span)


_VERBS = {
    "+": ("add", "to"),
    "-": ("subtract", "from"),
    "*": ("multiply", "by"),
    "/": ("divide", "by"),
}


def arithmetic(node: ast.Binary, left: Type, right: Type) -> FormulaProblem:
    """Why ``+ - * /`` does not fit."""
    verb, joiner = _VERBS[node.op]
    first, second = (right, left) if node.op in "+-" else (left, right)
    return FormulaProblem(
        f"cannot {verb} {describe(first)} {joiner} {describe(second)}",
        node.span,
        unit_hint(node.left, node.right, left, right),
    )


def branches(node: ast.Conditional, then: Type, otherwise: Type) -> FormulaProblem:
    """Why the branches of ``if`` do not fit together."""
    return FormulaProblem(
        f"both branches of 'if' must give the same type, but 'then' gives "
        f"{describe(then)} and 'else' gives {describe(otherwise)}",
        node.span,
        unit_hint(node.then, node.otherwise, then, otherwise),
    )


def call(node: ast.Call, types: Sequence[Type]) -> FormulaProblem:
    """Why a function's arguments (other than round's and the aggregates') do not fit."""
    name = node.function
    if name in ("min", "max"):
        return _picked(node, types)
    if name == "abs":
        return FormulaProblem(f"'abs' needs a number, not {describe(types[0])}", node.args[0].span)
    for arg, t, allowed in zip(node.args, types, signature(name).parameters, strict=True):
        if t not in allowed:
            wanted = " or ".join(describe(a) for a in allowed)
            return FormulaProblem(f"'{name}' needs {wanted}, not {describe(t)}", arg.span)
    raise AssertionError(f"the arguments of '{name}' fit")


def _picked(node: ast.Call, types: Sequence[Type]) -> FormulaProblem:
    """Why ``min`` or ``max`` does not fit: values of two types, or of a type with no order."""
    name, first = node.function, types[0]
    for arg, t in zip(node.args[1:], types[1:], strict=True):
        if t != first:
            return FormulaProblem(
                f"'{name}' needs values of one type, but gets {describe(first)} and {describe(t)}",
                arg.span if t == NUMBER or first != NUMBER else node.args[0].span,
                unit_hint(node.args[0], arg, first, t),
            )
    return FormulaProblem(f"'{name}' cannot compare {describe(first)}", node.span)


def aggregate(node: ast.Call, types: Sequence[Type]) -> FormulaProblem:
    """Why ``count`` or ``sum`` does not fit: a condition that is not true or false, or a sum
    of what is not a number."""
    condition = node.args[-1] if node.function == "count" or len(node.args) == 2 else None
    if condition is not None and types[-1] != Kind.BOOLEAN:
        return FormulaProblem(
            f"the condition of '{node.function}' must be true or false, not {describe(types[-1])}",
            condition.span,
        )
    return FormulaProblem(f"'sum' adds numbers, not {describe(types[0])}", node.args[0].span)


def unit_hint(left: ast.Expr, right: ast.Expr, lt: Type, rt: Type) -> str | None:
    """When one side is a bare number beside a unit, suggest writing the unit."""
    for node, t, other in ((left, lt, rt), (right, rt, lt)):
        bare = isinstance(node, ast.Number) and node.unit is None and t == NUMBER
        if bare and isinstance(other, Quantity) and other != NUMBER:
            assert isinstance(node, ast.Number)
            return f"write the unit after the number, like {node.value} {unit_symbol(other)}"
        if bare and other == Kind.MONTH:
            assert isinstance(node, ast.Number)
            unit = "month" if node.value == 1 else "months"
            return f"a month is moved by months: write {node.value} {unit}, like month - 1 month"
    return None
