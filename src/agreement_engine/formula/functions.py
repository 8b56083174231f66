"""The fixed set of functions a formula may call, and exact rounding.

Nothing outside this table can be called: the language has no access to Python.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from agreement_engine.formula.types import DAYS, NUMBER, Kind, Type

ROUNDING_MODES = ("half_up", "half_even", "half_down", "up", "down", "ceiling", "floor")


@dataclass(frozen=True, slots=True)
class Function:
    """A function's shape: how many arguments, of which types, and what it gives."""

    min_args: int
    max_args: int | None
    example: str
    signature: str
    parameters: tuple[tuple[Type, ...], ...] = ()
    result: Callable[[Sequence[Type]], Type] = lambda types: types[0]
    aggregate: bool = False

    def arity_ok(self, n: int) -> bool:
        return n >= self.min_args and (self.max_args is None or n <= self.max_args)

    @property
    def arity_words(self) -> str:
        if self.max_args is None:
            return f"{self.min_args} or more arguments"
        if self.min_args == self.max_args:
            return f"{self.min_args} argument{'s' if self.min_args != 1 else ''}"
        return f"{self.min_args} or {self.max_args} arguments"


FUNCTIONS: dict[str, Function] = {
    "min": Function(2, None, "min(excess, 10 days)", "min(a, b, …)"),
    "max": Function(2, None, "max(0 days, average_days - benchmark)", "max(a, b, …)"),
    "abs": Function(1, 1, "abs(difference)", "abs(value)"),
    "round": Function(3, 3, "round(gross_amount, 0, half_up)", "round(value, decimals, mode)"),
    "year_of": Function(
        1,
        1,
        "year_of(month)",
        "year_of(month or date)",
        parameters=((Kind.MONTH, Kind.DATE),),
        result=lambda types: NUMBER,
    ),
    "month_of": Function(
        1,
        1,
        "month_of(discharge_date)",
        "month_of(date)",
        parameters=((Kind.DATE,),),
        result=lambda t: Kind.MONTH,
    ),
    "days_between": Function(
        2,
        2,
        "days_between(ready_date, discharge_date)",
        "days_between(from, to)",
        parameters=((Kind.DATE,), (Kind.DATE,)),
        result=lambda types: DAYS,
    ),
    "count": Function(1, 1, "count(days_ready >= 1 day)", "count(condition)", aggregate=True),
    "sum": Function(
        1, 2, "sum(days_ready, days_ready >= 1 day)", "sum(value, condition)", aggregate=True
    ),
}


def round_exact(value: Fraction, decimals: int, mode: str) -> Fraction:
    """Round an exact value to a number of decimals by the named mode.

    ``half_up`` rounds ties away from zero (2.5 → 3, −2.5 → −3), ``half_down`` towards zero,
    ``half_even`` to the even neighbour; ``up`` away from zero, ``down`` towards zero, ``ceiling``
    and ``floor`` towards plus and minus infinity.
    """
    scale = Fraction(10) ** decimals
    scaled = value * scale
    floor = math.floor(scaled)
    remainder = scaled - floor
    if mode == "floor":
        whole = floor
    elif mode == "ceiling":
        whole = math.ceil(scaled)
    elif mode == "down":
        whole = math.trunc(scaled)
    elif mode == "up":
        whole = math.floor(scaled) if scaled < 0 else math.ceil(scaled)
    else:
        whole = _round_half(scaled, floor, remainder, mode)
    return Fraction(whole) / scale


def _round_half(scaled: Fraction, floor: int, remainder: Fraction, mode: str) -> int:
    half = Fraction(1, 2)
    if remainder != half:
        return floor + 1 if remainder > half else floor
    if mode == "half_even":
        return floor if floor % 2 == 0 else floor + 1
    away = scaled > 0
    if mode == "half_up":
        return floor + 1 if away else floor
    if mode == "half_down":
        return floor if away else floor + 1
    raise ValueError(f"unknown rounding mode {mode!r}")
