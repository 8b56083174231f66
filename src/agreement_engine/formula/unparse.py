"""Syntax tree back to formula text, in one canonical spelling.

``parse(unparse(tree)) == tree`` for every tree: parentheses are written exactly where precedence
needs them. Reviewers see formulas in this spelling when comparing agreement versions.
"""

from __future__ import annotations

from agreement_engine.formula import ast

_PRECEDENCE = {"or": 1, "and": 2, "not": 3, "compare": 4, "+": 5, "-": 5, "*": 6, "/": 6}
_ATOM = 8
_UNARY = 7


def unparse(node: ast.Expr) -> str:
    """The canonical text of a formula."""
    return _text(node)


def _precedence(node: ast.Expr) -> int:
    match node:
        case ast.Conditional():
            return 0
        case ast.Binary(op=op):
            return _PRECEDENCE["compare"] if op in ast.COMPARISON else _PRECEDENCE[op]
        case ast.Unary(op="not"):
            return _PRECEDENCE["not"]
        case ast.Unary():
            return _UNARY
        case _:
            return _ATOM


def _wrap(node: ast.Expr, minimum: int) -> str:
    text = _text(node)
    return f"({text})" if _precedence(node) < minimum else text


def _text(node: ast.Expr) -> str:
    match node:
        case ast.Number(value=value, unit=unit):
            number = format(value, "f")
            return f"{number} {unit}" if unit else number
        case ast.DateLiteral(value=value):
            return value.isoformat()
        case ast.MonthLiteral(value=value):
            return str(value)
        case ast.TimeLiteral(value=value):
            return value.strftime("%H:%M")
        case ast.Text(value=value):
            return f'"{value}"'
        case ast.Boolean(value=value):
            return "true" if value else "false"
        case ast.Name(name=name):
            return name
        case ast.Lookup(name=name, key=key):
            return f"{name}[{_text(key)}]"
        case ast.Call(function=function, args=args):
            return f"{function}({', '.join(_text(a) for a in args)})"
        case ast.Window(function=function, body=body, size=size, end=end):
            until = "" if end is None else f" to {_text(end)}"
            return f"{function}({_text(body)} over {_text(size)}{until})"
        case ast.Unary(op="not", operand=operand):
            return f"not {_wrap(operand, _PRECEDENCE['not'])}"
        case ast.Unary(operand=operand):
            return f"-{_wrap(operand, _UNARY)}"
        case ast.Binary():
            return _binary(node)
        case ast.Conditional(condition=c, then=t, otherwise=o):
            return f"if {_text(c)} then {_text(t)} else {_text(o)}"
    raise AssertionError(f"unknown node {node!r}")


def _binary(node: ast.Binary) -> str:
    level = _precedence(node)
    if node.op in ast.COMPARISON:
        # Comparisons do not chain: both sides must bind tighter.
        left, right = _wrap(node.left, level + 1), _wrap(node.right, level + 1)
    else:
        left, right = _wrap(node.left, level), _wrap(node.right, level + 1)
    return f"{left} {node.op} {right}"
