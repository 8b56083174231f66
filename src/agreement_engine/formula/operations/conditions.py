"""What the conditions of the formula language mean: the comparisons (``=``, ``!=``, ``<``,
``<=``, ``>``, ``>=``), ``and``, ``or``, ``not`` and ``if … then … else …``.

Any two values of one type can be compared for equality; only ordered ones (quantities of one
unit, dates, months, times of day) for order. In counting, a blank in the data (a null) leaves a
condition unmet.
"""

from __future__ import annotations

import operator

from agreement_engine.formula import ratios
from agreement_engine.formula.operations.entry import Operation, polars_module
from agreement_engine.formula.types import Kind, Type, is_ordered

# --- Types ----------------------------------------------------------------------------------------


def _equality_type(left: Type, right: Type) -> Type | None:
    return Kind.BOOLEAN if left == right else None


def _order_type(left: Type, right: Type) -> Type | None:
    return Kind.BOOLEAN if left == right and is_ordered(left) else None


def _logic_type(*types: Type) -> Type | None:
    return Kind.BOOLEAN if all(t == Kind.BOOLEAN for t in types) else None


def _if_type(condition: Type, then: Type, otherwise: Type) -> Type | None:
    return then if condition == Kind.BOOLEAN and then == otherwise else None


# --- The operations -------------------------------------------------------------------------------


CONDITIONS: dict[str, Operation] = {
    "=": Operation(
        _equality_type, operator.eq, lambda args, dates: args[0].eq(args[1]), on_ratios=ratios.equal
    ),
    "!=": Operation(
        _equality_type,
        operator.ne,
        lambda args, dates: args[0].ne(args[1]),
        on_ratios=ratios.unequal,
    ),
    "<": Operation(
        _order_type, operator.lt, lambda args, dates: args[0].lt(args[1]), on_ratios=ratios.less
    ),
    "<=": Operation(
        _order_type, operator.le, lambda args, dates: args[0].le(args[1]), on_ratios=ratios.at_most
    ),
    ">": Operation(
        _order_type, operator.gt, lambda args, dates: args[0].gt(args[1]), on_ratios=ratios.greater
    ),
    ">=": Operation(
        _order_type, operator.ge, lambda args, dates: args[0].ge(args[1]), on_ratios=ratios.at_least
    ),
    "and": Operation(
        _logic_type,
        lambda a, b: bool(a) and bool(b),
        lambda args, dates: args[0].fill_null(False) & args[1].fill_null(False),
    ),
    "or": Operation(
        _logic_type,
        lambda a, b: bool(a) or bool(b),
        lambda args, dates: args[0].fill_null(False) | args[1].fill_null(False),
    ),
    "not": Operation(_logic_type, operator.not_, lambda args, dates: ~args[0]),
    "if": Operation(
        _if_type,
        lambda condition, then, otherwise: then if condition else otherwise,
        lambda args, dates: (
            polars_module().when(args[0].fill_null(False)).then(args[1]).otherwise(args[2])
        ),
    ),
}
"""The conditions, by operator name (``if`` is ``if … then … else …``)."""
