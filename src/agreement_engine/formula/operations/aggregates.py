"""What the functions that add up a month's episodes mean: ``count`` and ``sum``.

They are written in a document's counting rules, where polars computes them over an extract's
episodes (:mod:`agreement_engine.billing.counting`); the line evaluator computes them exactly
over the episodes it is given. Neither has a value for one episode alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from agreement_engine.formula.operations.entry import (
    PER_EPISODE,
    Operation,
    Signature,
    polars_module,
)
from agreement_engine.formula.types import NUMBER, Kind, Quantity, Type

if TYPE_CHECKING:  # polars is imported only when episodes are counted
    import polars as pl


def _count_type(condition: Type) -> Type | None:
    return NUMBER if condition == Kind.BOOLEAN else None


def _sum_type(value: Type, *condition: Type) -> Type | None:
    fits = isinstance(value, Quantity) and all(c == Kind.BOOLEAN for c in condition)
    return value if fits else None


def _sum_counted(args: Sequence[pl.Expr], dates: Sequence[bool]) -> pl.Expr:
    value = args[0]
    if len(args) == 2:
        value = polars_module().when(args[1].fill_null(False)).then(value).otherwise(0)
    return value.fill_null(0).sum()


AGGREGATES: dict[str, Operation] = {
    "count": Operation(
        _count_type,
        lambda conditions: Fraction(sum(1 for c in conditions if c)),  # of a month's episodes
        lambda args, dates: args[0].fill_null(False).cast(polars_module().Int64).sum(),
        uncounted=(
            "'count' cannot be computed per episode",
            PER_EPISODE + "count and sum only in counting aggregates",
        ),
        signature=Signature(1, 1, "count(days_ready >= 1 day)", "count(condition)", aggregate=True),
    ),
    "sum": Operation(
        _sum_type,
        lambda values: sum(values, Fraction(0)),  # of the episodes whose condition holds
        _sum_counted,
        uncounted=(
            "'sum' cannot be computed per episode",
            PER_EPISODE + "count and sum only in counting aggregates",
        ),
        signature=Signature(
            1,
            2,
            "sum(days_ready, days_ready >= 1 day)",
            "sum(value, condition)",
            aggregate=True,
        ),
    ),
}
"""The functions over a month's episodes, by name."""
