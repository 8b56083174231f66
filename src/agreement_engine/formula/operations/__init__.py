"""What every operator and function of the formula language means, defined once, in one table.

The checker (:mod:`.checker`), the line evaluator (:mod:`.evaluator`), the evaluator over
columns (:mod:`.batch`) and the counting of episode extracts in polars
(:mod:`agreement_engine.billing.counting`) read an operation's meaning from its entry in
:data:`OPERATIONS`, so they cannot drift apart. An entry gives its type rule (the result's type
from the arguments' types, None when they do not fit; the evaluators take a quantity's unit from
it too), its exact value on the arguments' bare values (raising :class:`.Undefined` where there
is none), its exact value on columns of quantities held as integers (:mod:`.ratios`; None for an
operation that takes no quantities) and its polars expression (None where it cannot be computed
per episode, ``uncounted`` saying why):

>>> from fractions import Fraction
>>> from agreement_engine.formula.types import DAYS, NUMBER
>>> divide = OPERATIONS["/"]
>>> divide.typed(DAYS, NUMBER) == DAYS, divide.exact(Fraction(37), Fraction(3))
(True, Fraction(37, 3))
>>> divide.counted is None
True

``and``, ``or`` and ``if`` are evaluated lazily: an argument is read only when those before it
leave the result open. That gives what ``exact`` gives, and a guarded division such as
``if episodes = 0 then 0 days else total_days / episodes`` never divides by zero.

The entries are written by concept, in the modules of this package: :mod:`.arithmetic`
(``+ - * /``, ``-x``, ``min``, ``max``, ``abs``, ``round``), :mod:`.conditions` (the comparisons,
``and``, ``or``, ``not``, ``if``), :mod:`.dates` (the functions of dates and months),
:mod:`.aggregates` (``count`` and ``sum`` over a month's episodes) and :mod:`.windows` (functions
over a window of months); what an entry holds is in :mod:`.entry`. Of the formula package, they
import what the meanings are made of (the types, the syntax tree, ``ratios``, ``dates``,
``per_day``, ``rounding``, ``problems``), never the checker or the evaluators, which read them.
"""

from __future__ import annotations

from agreement_engine.formula import ast, per_day
from agreement_engine.formula.operations.aggregates import AGGREGATES
from agreement_engine.formula.operations.arithmetic import ARITHMETIC
from agreement_engine.formula.operations.conditions import CONDITIONS
from agreement_engine.formula.operations.dates import DATES
from agreement_engine.formula.operations.entry import Counted, Operation, Signature
from agreement_engine.formula.operations.windows import MAX_WINDOW, WINDOWS

__all__ = [
    "FUNCTIONS",
    "MAX_WINDOW",
    "OPERATIONS",
    "WINDOWS",
    "Counted",
    "Operation",
    "Signature",
    "operation_of",
    "signature",
]

OPERATIONS: dict[str, Operation] = {**ARITHMETIC, **CONDITIONS, **DATES, **AGGREGATES}
"""Every operation, by its operator or function name (``negate`` is ``-x``, ``if`` is
``if … then … else …``)."""

FUNCTIONS: dict[str, Operation] = {
    name: operation for name, operation in OPERATIONS.items() if operation.signature is not None
}
"""The functions a formula may call: nothing outside this table can be called (the language has
no access to Python)."""


def signature(function: str) -> Signature:
    """How a function of the language is called."""
    found = FUNCTIONS[function].signature
    assert found is not None
    return found


def operation_of(node: ast.Expr) -> Operation | None:
    """The operation a node applies to its children. None for a literal, a name or a lookup;
    and for a call the operation cannot be applied to: of a function that does not exist, with
    the wrong number of arguments, a ``round`` whose decimals and mode are not written as a
    number and a name, or a ``sum_per_day`` whose figure is not written as a name (the checker
    says what is wrong with those)."""
    match node:
        case ast.Window(function=name):
            return WINDOWS.get(name)
        case ast.Binary(op=op):
            return OPERATIONS[op]
        case ast.Unary(op=op):
            return OPERATIONS["not" if op == "not" else "negate"]
        case ast.Conditional():
            return OPERATIONS["if"]
        case ast.Call(function=name, args=args):
            function = FUNCTIONS.get(name)
            if function is None or function.signature is None:
                return None
            if not function.signature.arity_ok(len(args)):
                return None
            if name == "round" and not (
                isinstance(args[1], ast.Number) and isinstance(args[2], ast.Name)
            ):
                return None
            if name == per_day.FUNCTION and not isinstance(args[0], ast.Name):
                return None
            return function
    return None
