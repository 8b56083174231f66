"""What the functions over a window of months mean: ``mean``, ``sum``, ``min`` and ``max`` of
a value over the months of a window (``mean(average_days over 3 months)``), and how far a window
or a look-up by month may reach.

The evaluators work out the value in each month of the window and give the function the list of
those values; a window is never empty. Neither a window nor a look-up at another month can be
computed per episode.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from agreement_engine.formula.operations.arithmetic import quantity_type
from agreement_engine.formula.operations.entry import Operation, Signature
from agreement_engine.formula.types import Type, is_ordered

_ACROSS_MONTHS = (
    "a window over months cannot be computed per episode",
    "windows and look-ups at other months belong in the monthly rules, like "
    "rolling_mean: mean(average_days over 3 months)",
)
MAX_WINDOW = 120
"""The most months a window may span, and a look-up by month reach back or forward."""


def _one_ordered_type(value: Type) -> Type | None:
    return value if is_ordered(value) else None


def _window(typed: Callable[..., Type | None], exact: Callable[..., Any], text: str) -> Operation:
    """A function over the values of a window of months (exact on the list of bare values)."""
    example = f"{text}(average_days over 3 months)"
    signature = Signature(1, 1, example, f"{text}(value over N months [to month])")
    return Operation(typed, exact, None, uncounted=_ACROSS_MONTHS, signature=signature)


WINDOWS: dict[str, Operation] = {
    "mean": _window(quantity_type, lambda values: sum(values, Fraction(0)) / len(values), "mean"),
    "sum": _window(quantity_type, lambda values: sum(values, Fraction(0)), "sum"),
    "min": _window(_one_ordered_type, min, "min"),
    "max": _window(_one_ordered_type, max, "max"),
}
"""The functions of a window over months, by name: ``mean(average_days over 3 months)`` is
the mean of the values in the months of the window (a window is never empty)."""
