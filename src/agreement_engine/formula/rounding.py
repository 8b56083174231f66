"""Exact rounding, by the modes an agreement may name.

Nothing is rounded unless a formula says ``round``, with its mode written out: the same modes as
Python's Decimal rounding, on exact rationals.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

ROUNDING_MODES = ("half_up", "half_even", "half_down", "up", "down", "ceiling", "floor")


def round_exact(value: Fraction, decimals: int, mode: str) -> Fraction:
    """Round an exact value to a number of decimals by the named mode.

    ``half_up`` rounds ties away from zero (2.5 → 3, −2.5 → −3), ``half_down`` towards zero,
    ``half_even`` to the even neighbour; ``up`` away from zero, ``down`` towards zero, ``ceiling``
    and ``floor`` towards plus and minus infinity.

    >>> round_exact(Fraction(-5, 2), 0, "half_up"), round_exact(Fraction(5, 2), 0, "half_even")
    (Fraction(-3, 1), Fraction(2, 1))
    """
    whole = round_ratio(value.numerator, value.denominator, decimals, mode)
    if decimals >= 0:
        return Fraction(whole, 10**decimals)
    return Fraction(whole * 10**-decimals)


def round_ratio(numerator: int, denominator: int, decimals: int, mode: str) -> int:
    """:func:`round_exact` of ``numerator / denominator`` (a positive denominator, the ratio in
    lowest terms or not), as the whole number of units of its last decimal (10^-decimals): the
    evaluators of one line and of columns of integers both round by it.

    >>> round_ratio(-10, 4, 0, "half_up"), round_ratio(1234, 100, -1, "floor")
    (-3, 1)
    """
    # Whole-number arithmetic on numerator and denominator: the same exact result as Fraction
    # arithmetic, without building a Fraction at every step. The floor and how the remainder
    # stands to a half are those of the ratio, whatever terms it is written in.
    if decimals >= 0:
        numerator *= 10**decimals
    else:
        denominator *= 10**-decimals
    floor, remainder = divmod(numerator, denominator)
    if mode == "floor":
        return floor
    if mode == "ceiling":
        return floor + 1 if remainder else floor
    if mode == "down":
        return floor + 1 if remainder and numerator < 0 else floor
    if mode == "up":
        return floor + 1 if remainder and numerator >= 0 else floor
    return _round_half(numerator > 0, floor, 2 * remainder - denominator, mode)


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


def round_ratios(
    numerators: Sequence[int], denominators: Sequence[int], decimals: int, mode: str
) -> list[int]:
    """:func:`round_ratio` of each ``numerators[i] / denominators[i]``, over a column in one
    loop per mode (the column evaluator rounds every line of a month at once: a call of
    :func:`round_ratio` per line would cost more than the rounding itself). The rules are those
    of :func:`round_ratio`, written once more line for line; ``tests/formula`` holds the two to
    the same results.

    >>> round_ratios([-10, 5, 7], [4, 2, 2], 0, "half_even")
    [-2, 2, 4]
    """
    if decimals > 0:
        scale = 10**decimals
        numerators = [n * scale for n in numerators]
    elif decimals < 0:
        scale = 10**-decimals
        denominators = [d * scale for d in denominators]
    split = list(map(divmod, numerators, denominators))
    if mode == "floor":
        return [floor for floor, _ in split]
    if mode == "ceiling":
        return [floor + 1 if rest else floor for floor, rest in split]
    if mode in ("down", "up"):
        up = mode == "up"  # one past the floor when not whole, and (n >= 0) is as ``up`` asks
        return [
            floor + 1 if rest and (n >= 0) is up else floor
            for (floor, rest), n in zip(split, numerators, strict=True)
        ]
    return _halves(split, numerators, denominators, mode)


def _halves(
    split: list[tuple[int, int]], numerators: Sequence[int], denominators: Sequence[int], mode: str
) -> list[int]:
    """The half modes over a column, as :func:`_round_half` rounds one value: past the half
    (2 × remainder > denominator) up, below it down, at it by the mode."""
    lines = zip(split, numerators, denominators, strict=True)
    if mode == "half_up":  # at the half: away from zero
        return [f + 1 if 2 * r > d or (2 * r == d and n > 0) else f for (f, r), n, d in lines]
    if mode == "half_down":  # at the half: towards zero
        return [f + 1 if 2 * r > d or (2 * r == d and n <= 0) else f for (f, r), n, d in lines]
    if mode == "half_even":  # at the half: to the even neighbour
        return [f + 1 if 2 * r > d or (2 * r == d and f % 2) else f for (f, r), n, d in lines]
    raise ValueError(f"unknown rounding mode {mode!r}")
