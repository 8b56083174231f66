"""Evaluating a checked formula for many lines at once, exactly as :mod:`.evaluator` does one.

A month's invoice basis evaluates the same rules for every municipality: only the aggregates
differ. Here a formula is turned once into functions over columns (one value per line), so each
operation runs over the whole column in one loop. Quantities are exact integers
(:class:`.ratios.Ratios`: numerators over a denominator common to the column, or one per line
once a division makes them differ), so no rational is built for each line's each step; dates,
months, times, truth values and texts are plain lists of values. Units are not carried: the
checker has given each rule its type, and the caller gives the results their units. What each
operation means is read from :mod:`.operations`, as the evaluator reads it: its value on columns
of quantities, or its value on each line's values for the others.

Only what cannot fail is evaluated here. A formula that looks up a dated figure (or a value at
another month), takes a window over months, counts or sums episodes, or does arithmetic on dates,
and a column on which an operation has no value (a division by zero), raise :class:`Unbatchable`:
the caller then evaluates those lines one by one, which records the figures each line looked up and
reports each failure on its own line. Branches are evaluated only for the lines that take them, as
``if … then … else`` evaluates only one branch, so a guarded division such as ``if episodes = 0 then
0 days else total_days / episodes`` never divides by zero.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from fractions import Fraction
from itertools import compress
from typing import Any, TypeAlias

from agreement_engine.formula import ast, per_day, ratios
from agreement_engine.formula.operations import Operation, operation_of
from agreement_engine.formula.problems import Undefined
from agreement_engine.formula.ratios import Ratios
from agreement_engine.formula.values import literal_amount

Column: TypeAlias = Ratios | list[Any]
"""The values of a name on each line: :class:`.ratios.Ratios` for a quantity, else a list."""
Rows: TypeAlias = Sequence[int]
"""The lines a function evaluates, by their place in the columns."""
Batched: TypeAlias = Callable[[Mapping[str, Column], Rows], Column]
"""A formula over columns: given every name's column and the lines to evaluate, the formula's
value on each of those lines, in their order."""


class Unbatchable(Exception):
    """These lines must be evaluated one by one (see the module)."""


class Repeated(list[Any]):
    """A column whose lines all have one value, not a quantity (a literal, the month): an
    operation on such columns alone is worked out once, for every line."""


def batched(expr: ast.Expr) -> Batched:
    """A formula turned into functions over columns. Any formula that parses compiles; what
    cannot be evaluated over columns is refused when evaluated."""
    return _COMPILERS[type(expr)](expr)


def _number(node: ast.Expr) -> Batched:
    assert isinstance(node, ast.Number)
    value = literal_amount(node.value, node.unit).value
    return lambda columns, rows: ratios.constant(value, len(rows))


def _literal(node: ast.Expr) -> Batched:
    assert isinstance(node, ast.LITERALS)
    value: object = node.value
    return lambda columns, rows: Repeated([value] * len(rows))


def _name(node: ast.Expr) -> Batched:
    assert isinstance(node, ast.Name)
    name = node.name

    def column(columns: Mapping[str, Column], rows: Rows) -> Column:
        values = columns[name]
        if isinstance(rows, range) and len(rows) == _length(values):
            return values
        if isinstance(values, Ratios):
            return ratios.taken(values, rows)
        if isinstance(values, Repeated):
            return Repeated(values[:1] * len(rows))
        return [values[row] for row in rows]

    return column


def _length(column: Column) -> int:
    return len(column.numerators) if isinstance(column, Ratios) else len(column)


def _unbatchable(node: ast.Expr) -> Batched:
    def refuse(columns: Mapping[str, Column], rows: Rows) -> Column:
        raise Unbatchable

    return refuse


def _conditional(node: ast.Expr) -> Batched:
    assert isinstance(node, ast.Conditional)
    condition = batched(node.condition)
    then, otherwise = batched(node.then), batched(node.otherwise)

    def choose(columns: Mapping[str, Column], rows: Rows) -> Column:
        found = condition(columns, rows)
        if isinstance(found, Repeated) and found:  # the same branch for every line
            return then(columns, rows) if found[0] else otherwise(columns, rows)
        if all(found):  # one branch for every line (a condition on the month): as it is
            return then(columns, rows)
        if not any(found):
            return otherwise(columns, rows)
        taken = list(map(bool, found))
        chosen = list(compress(rows, taken))
        rest = [row for row, take in zip(rows, taken, strict=True) if not take]
        return _merged(taken, then(columns, chosen), otherwise(columns, rest))

    return choose


def _merged(taken: list[bool], chosen: Column, rest: Column) -> Column:
    """The values of the lines that took a branch and of those that did not, back in order
    (both branches have the type the checker gave the condition's result)."""
    if isinstance(chosen, Ratios):
        assert isinstance(rest, Ratios)
        return ratios.merged(taken, chosen, rest)
    assert not isinstance(rest, Ratios)
    first: Iterator[Any] = iter(chosen)
    second: Iterator[Any] = iter(rest)
    return [next(first) if take else next(second) for take in taken]


def _fractions(column: Column) -> list[Any]:
    return ratios.fractions(column) if isinstance(column, Ratios) else column


def _operation(node: ast.Expr) -> Batched:
    """An operator, or a call of one of the language's functions, over columns."""
    operation = operation_of(node)
    if operation is None or (
        isinstance(node, ast.Call) and node.function in ("count", "sum", per_day.FUNCTION)
    ):
        return _unbatchable(node)  # episodes are counted elsewhere; figures looked up by lines
    if isinstance(node, ast.Binary) and node.op in ast.LOGIC:
        return _logical(node.op == "and", batched(node.left), batched(node.right))
    if isinstance(node, ast.Call) and node.function == "round":
        return _round(node, operation)
    args = [batched(child) for child in ast.children(node)]
    arithmetic = _on_quantities(node)

    def applied(columns: Mapping[str, Column], rows: Rows) -> Column:
        return _applied(operation, arithmetic, [arg(columns, rows) for arg in args])

    return applied


def _on_quantities(node: ast.Expr) -> bool:
    """Whether a node is arithmetic: ``+ - * /`` or a negation."""
    match node:
        case ast.Binary(op=op):
            return op in ast.ARITHMETIC
        case ast.Unary(op=op):
            return op == "-"
    return False


def _applied(operation: Operation, arithmetic: bool, values: list[Column]) -> Column:
    """An operation on its arguments' columns: on columns of quantities, its integer form;
    arithmetic with a date or a month is left to the line, which checks the calendar; any other
    operation takes each line's values (a comparison of dates, the year of a month), its
    quantities made integers."""
    form = operation.on_ratios
    if form is not None and all(isinstance(value, Ratios) for value in values):
        try:
            found: Column = form(*values)
        except Undefined:
            raise Unbatchable from None
        return found
    if arithmetic:
        raise Unbatchable
    if all(isinstance(value, Repeated) for value in values) and values[0]:
        return _once(operation.exact, values)
    results = _mapped(operation.exact, *map(_fractions, values))
    if results and type(results[0]) is Fraction:
        return ratios.of_fractions(results)
    return results


def _once(exact: Callable[..., Any], values: list[Column]) -> Column:
    """An operation on columns that each repeat one value, worked out once."""
    count = _length(values[0])
    (found,) = _mapped(exact, *([value[0]] for value in values if isinstance(value, Repeated)))
    if type(found) is Fraction:
        return ratios.constant(found, count)
    return Repeated([found] * count)


def _mapped(exact: Callable[..., Any], *columns: list[Any]) -> list[Any]:
    """An operation's exact value on each line; where it has none, the lines are left to be
    evaluated one by one, each reporting its own failure."""
    try:
        return list(map(exact, *columns))
    except Undefined:
        raise Unbatchable from None


def _logical(both: bool, left: Batched, right: Batched) -> Batched:
    """``and`` / ``or``: the right side only for the lines it decides, as the line evaluator
    reads it only then."""

    def logical(columns: Mapping[str, Column], rows: Rows) -> Column:
        first = [bool(v) for v in _values(left(columns, rows))]
        undecided = [row for row, v in zip(rows, first, strict=True) if v is both]
        second = iter(_values(right(columns, undecided)))
        return [bool(next(second)) if v is both else v for v in first]

    return logical


def _values(column: Column) -> list[Any]:
    """A column of truth values (never quantities: the checker sees to that)."""
    assert not isinstance(column, Ratios)
    return column


def _round(node: ast.Call, operation: Operation) -> Batched:
    """``round(value, decimals, mode)``: the decimals and the mode are written as they are."""
    value, decimals, mode = node.args
    assert isinstance(decimals, ast.Number) and isinstance(mode, ast.Name)
    value_of, places, mode_name = batched(value), int(decimals.value), mode.name
    form = operation.on_ratios
    assert form is not None

    def rounded(columns: Mapping[str, Column], rows: Rows) -> Column:
        found = value_of(columns, rows)
        if not isinstance(found, Ratios):
            raise Unbatchable
        result: Ratios = form(found, places, mode_name)
        return result

    return rounded


_COMPILERS: dict[type, Callable[[ast.Expr], Batched]] = {
    ast.Number: _number,
    **dict.fromkeys(ast.LITERALS, _literal),
    ast.Name: _name,
    ast.Lookup: _unbatchable,
    ast.Unary: _operation,
    ast.Conditional: _conditional,
    ast.Binary: _operation,
    ast.Call: _operation,
    ast.Window: _unbatchable,
}
