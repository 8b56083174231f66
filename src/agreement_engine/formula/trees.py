"""A formula's syntax tree as plain data (lists, text, whole numbers), and back.

The cache of checked agreement sets (:mod:`agreement_engine.agreements.cache`) keeps each
formula's tree in this form, in JSON, so that a run whose agreements come from the cache never
parses a formula (and never imports lark). Every node keeps its spans, so a problem found later
points where it did. Decoding checks the shape of what it reads and raises :class:`ValueError`
for anything else: an entry that does not decode is not used.

>>> from agreement_engine.formula.parser import parse
>>> tree = parse("max(0 days, average_days - benchmark)")
>>> to_data(tree)[:2]
['call', 'max']
>>> from_data(to_data(tree)) == tree
True
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from agreement_engine.formula import ast
from agreement_engine.months import YearMonth


def to_data(node: ast.Expr) -> list[Any]:
    """The tree as nested lists: the node's kind, its fields, its spans as [start, end]."""
    match node:
        case ast.Number(value, unit, span):
            return ["number", str(value), unit, _span(span)]
        case ast.DateLiteral(value, span):
            return ["date", value.isoformat(), _span(span)]
        case ast.MonthLiteral(value, span):
            return ["month", [value.year, value.month], _span(span)]
        case ast.TimeLiteral(value, span):
            return ["time", value.isoformat(), _span(span)]
        case ast.Text(value, span):
            return ["text", value, _span(span)]
        case ast.Boolean(value, span):
            return ["boolean", value, _span(span)]
        case ast.Name(name, span):
            return ["name", name, _span(span)]
        case ast.Lookup(name, key, span, name_span):
            return ["lookup", name, to_data(key), _span(span), _span(name_span)]
        case ast.Call(function, args, span, name_span):
            inner = [to_data(a) for a in args]
            return ["call", function, inner, _span(span), _span(name_span)]
        case ast.Window(function, body, size, end, span, name_span):
            last = None if end is None else to_data(end)
            spans = [_span(span), _span(name_span)]
            return ["window", function, to_data(body), to_data(size), last, *spans]
        case ast.Unary(op, operand, span):
            return ["unary", op, to_data(operand), _span(span)]
        case ast.Binary(op, left, right, span, op_span):
            return ["binary", op, to_data(left), to_data(right), _span(span), _span(op_span)]
        case ast.Conditional(condition, then, otherwise, span):
            parts = [to_data(condition), to_data(then), to_data(otherwise)]
            return ["if", *parts, _span(span)]
    raise TypeError(f"not a formula node: {node!r}")  # pragma: no cover


def from_data(data: Any) -> ast.Expr:
    """The tree :func:`to_data` gave; :class:`ValueError` when ``data`` is not one."""
    if not isinstance(data, list) or not data or not isinstance(data[0], str):
        raise ValueError("not a formula node")
    build = _NODES.get(data[0])
    if build is None:
        raise ValueError(f"unknown formula node {data[0]!r}")
    try:
        node: ast.Expr = build(*data[1:])
    except (TypeError, InvalidOperation) as exc:  # wrong arity or a field of the wrong kind
        raise ValueError(f"malformed formula node {data[0]!r}") from exc
    return node


def _span(span: ast.Span) -> list[int]:
    return [span.start, span.end]


def _to_span(data: Any) -> ast.Span:
    if not (isinstance(data, list) and len(data) == 2 and all(type(n) is int for n in data)):
        raise ValueError("malformed span")
    return ast.Span(data[0], data[1])


def _text(data: Any) -> str:
    if not isinstance(data, str):
        raise ValueError("expected text")
    return data


def _number(value: Any, unit: Any, span: Any) -> ast.Number:
    number = Decimal(_text(value))
    if not number.is_finite():
        raise ValueError("malformed number")
    return ast.Number(number, None if unit is None else _text(unit), _to_span(span))


def _month(value: Any, span: Any) -> ast.MonthLiteral:
    if not (isinstance(value, list) and len(value) == 2 and all(type(n) is int for n in value)):
        raise ValueError("malformed month")
    return ast.MonthLiteral(YearMonth(value[0], value[1]), _to_span(span))


def _boolean(value: Any, span: Any) -> ast.Boolean:
    if not isinstance(value, bool):
        raise ValueError("malformed boolean")
    return ast.Boolean(value, _to_span(span))


def _call(function: Any, args: Any, span: Any, name_span: Any) -> ast.Call:
    if not isinstance(args, list):
        raise ValueError("malformed call")
    inner = tuple(from_data(a) for a in args)
    return ast.Call(_text(function), inner, _to_span(span), _to_span(name_span))


def _window(function: Any, body: Any, size: Any, end: Any, span: Any, name_span: Any) -> ast.Window:
    last = None if end is None else from_data(end)
    return ast.Window(
        _text(function),
        from_data(body),
        from_data(size),
        last,
        _to_span(span),
        _to_span(name_span),
    )


_NODES: dict[str, Any] = {
    "number": _number,
    "date": lambda v, s: ast.DateLiteral(dt.date.fromisoformat(_text(v)), _to_span(s)),
    "month": _month,
    "time": lambda v, s: ast.TimeLiteral(dt.time.fromisoformat(_text(v)), _to_span(s)),
    "text": lambda v, s: ast.Text(_text(v), _to_span(s)),
    "boolean": _boolean,
    "name": lambda n, s: ast.Name(_text(n), _to_span(s)),
    "lookup": lambda n, k, s, ns: ast.Lookup(_text(n), from_data(k), _to_span(s), _to_span(ns)),
    "call": _call,
    "window": _window,
    "unary": lambda op, x, s: ast.Unary(_text(op), from_data(x), _to_span(s)),
    "binary": lambda op, a, b, s, os: ast.Binary(
        _text(op), from_data(a), from_data(b), _to_span(s), _to_span(os)
    ),
    "if": lambda c, t, o, s: ast.Conditional(from_data(c), from_data(t), from_data(o), _to_span(s)),
}
