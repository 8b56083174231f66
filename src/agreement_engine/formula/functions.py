"""The fixed set of functions a formula may call, and exact rounding.

Nothing outside this table can be called: the language has no access to Python.
"""

from __future__ import annotations

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
    # Whole-number arithmetic on numerator and denominator: the same exact result as Fraction
    # arithmetic, without building a Fraction at every step.
    numerator, denominator = value.numerator, value.denominator
    if decimals >= 0:
        numerator *= 10**decimals
    else:
        denominator *= 10**-decimals
    floor, remainder = divmod(numerator, denominator)
    if mode == "floor":
        whole = floor
    elif mode == "ceiling":
        whole = floor + 1 if remainder else floor
    elif mode == "down":
        whole = floor + 1 if remainder and numerator < 0 else floor
    elif mode == "up":
        whole = floor + 1 if remainder and numerator >= 0 else floor
    else:
        whole = _round_half(numerator > 0, floor, 2 * remainder - denominator, mode)
    if decimals >= 0:
        return Fraction(whole, 10**decimals)
    return Fraction(whole * 10**-decimals)


def _round_half(away: bool, floor: int, past_half: int, mode: str) -> int:
    """``past_half`` is above, at or below zero as the remainder is above, at or below a half."""
    if past_half != 0:
        return floor + 1 if past_half > 0 else floor
    if mode == "half_even":
        return floor if floor % 2 == 0 else floor + 1
    if mode == "half_up":
        return floor + 1 if away else floor
    if mode == "half_down":
        return floor if away else floor + 1
    raise ValueError(f"unknown rounding mode {mode!r}")
