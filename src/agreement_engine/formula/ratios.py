"""Exact quantities of many lines at once, as integers: the arithmetic of the columns.

A month's rules are evaluated for every municipality at once (:mod:`.batch`). A column of
quantities is held as :class:`Ratios`: whole numerators over a denominator common to the column
(``2`` for half days, ``1`` for whole kronor), or, once a division by another column makes the
lines differ, one denominator per line. Denominators are positive; a ratio need not be in lowest
terms (``6/4`` is ``3/2``), which changes nothing about its value, so nothing is reduced unless it
keeps the numbers small for free. Every operation is exact integer arithmetic; nothing is
rounded unless a formula says ``round``, and then as :func:`.rounding.round_ratio` rounds, the
same function the line evaluator's :func:`.rounding.round_exact` rounds by.

Each function here is the column form of one operation, and the table of operations
(:data:`.operations.OPERATIONS`) names it beside the operation's exact value on one line, so the
two are defined side by side and tested against each other
(``tests/formula/test_formula_operations.py``).

>>> half, third = Ratios([1, 1], 2), Ratios([1, 2], 3)
>>> fractions(plus(half, third))
[Fraction(5, 6), Fraction(7, 6)]
>>> fractions(divided(third, Ratios([2, 5], 1)))
[Fraction(1, 6), Fraction(2, 15)]
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple, TypeAlias

from agreement_engine.formula.problems import division_by_zero
from agreement_engine.formula.rounding import round_ratios

Denominator: TypeAlias = int | list[int]
"""One positive denominator for the whole column, or one per line."""


class Ratios(NamedTuple):
    """The exact quantities of a column: ``numerators[i] / denominator`` (or ``/
    denominator[i]``) on line ``i``."""

    numerators: list[int]
    denominator: Denominator


def constant(value: Fraction, count: int) -> Ratios:
    """The same value on ``count`` lines."""
    return Ratios([value.numerator] * count, value.denominator)


def of_fractions(values: Sequence[Fraction]) -> Ratios:
    """A column of fractions as integers; over their common denominator when they share one."""
    numerators = [value.numerator for value in values]
    denominators = [value.denominator for value in values]
    if not denominators or denominators.count(denominators[0]) == len(denominators):
        return Ratios(numerators, denominators[0] if denominators else 1)
    return Ratios(numerators, denominators)


def fractions(column: Ratios) -> list[Fraction]:
    """The column's values as fractions, in lowest terms."""
    numerators, denominator = column
    if isinstance(denominator, int):
        return [Fraction(numerator, denominator) for numerator in numerators]
    return list(map(Fraction, numerators, denominator))


def denominators(column: Ratios) -> list[int]:
    """The denominator of each line."""
    numerators, denominator = column
    return denominator if isinstance(denominator, list) else [denominator] * len(numerators)


def in_lowest_terms(column: Ratios) -> Ratios:
    """The same values, each in lowest terms: over a denominator of 1 when every one is whole,
    else one denominator per line.

    >>> in_lowest_terms(Ratios([6, 4, 3], 2))
    Ratios(numerators=[3, 2, 3], denominator=[1, 1, 2])
    """
    numerators, denominator = column
    if denominator == 1:
        return column
    below = denominators(column)
    common = list(map(math.gcd, numerators, below))
    if common.count(1) < len(common):
        numerators = list(map(operator.floordiv, numerators, common))
        below = list(map(operator.floordiv, below, common))
    return Ratios(numerators, 1 if below.count(1) == len(below) else below)


def taken(column: Ratios, rows: Sequence[int]) -> Ratios:
    """The values of some lines, by their place in the column, in the order given."""
    numerators, denominator = column
    picked = [numerators[row] for row in rows]
    if isinstance(denominator, int):
        return Ratios(picked, denominator)
    return Ratios(picked, [denominator[row] for row in rows])


def merged(taken: Sequence[bool], chosen: Ratios, rest: Ratios) -> Ratios:
    """The values of the lines that took a branch (``chosen``, in order) and of those that did
    not (``rest``), back in the order of ``taken``."""
    (x, p), (y, q) = chosen, rest
    if isinstance(p, int) and isinstance(q, int):
        common = p if p == q else math.lcm(p, q)
        ones, others = iter(_scaled(x, common // p)), iter(_scaled(y, common // q))
        return Ratios([next(ones) if take else next(others) for take in taken], common)
    ones, others = iter(x), iter(y)
    numerators = [next(ones) if take else next(others) for take in taken]
    ones, others = iter(denominators(chosen)), iter(denominators(rest))
    return Ratios(numerators, [next(ones) if take else next(others) for take in taken])


# --- Putting two columns over the same denominators -----------------------------------------


def _aligned(a: Ratios, b: Ratios) -> tuple[list[int], list[int], Denominator]:
    """The numerators of two columns of the same lines over the same denominators, and those
    denominators: their least common multiple when each column has one, else line by line."""
    (x, p), (y, q) = a, b
    if isinstance(p, int) and isinstance(q, int):
        if p == q:
            return x, y, p
        common = math.lcm(p, q)
        return _scaled(x, common // p), _scaled(y, common // q), common
    if p is q:
        return x, y, p
    if isinstance(q, int):
        assert isinstance(p, list)
        if q == 1:
            return x, [j * d for j, d in zip(y, p, strict=True)], p
        return _scaled(x, q), [j * d for j, d in zip(y, p, strict=True)], [d * q for d in p]
    if isinstance(p, int):
        if p == 1:
            return [i * d for i, d in zip(x, q, strict=True)], y, q
        return [i * d for i, d in zip(x, q, strict=True)], _scaled(y, p), [d * p for d in q]
    return (
        [i * d for i, d in zip(x, q, strict=True)],
        [j * d for j, d in zip(y, p, strict=True)],
        [c * d for c, d in zip(p, q, strict=True)],
    )


def _scaled(numerators: list[int], factor: int) -> list[int]:
    return numerators if factor == 1 else [n * factor for n in numerators]


# --- The operations ---------------------------------------------------------------------------


def plus(a: Ratios, b: Ratios) -> Ratios:
    x, y, denominator = _aligned(a, b)
    return Ratios([i + j for i, j in zip(x, y, strict=True)], denominator)


def minus(a: Ratios, b: Ratios) -> Ratios:
    x, y, denominator = _aligned(a, b)
    return Ratios([i - j for i, j in zip(x, y, strict=True)], denominator)


def times(a: Ratios, b: Ratios) -> Ratios:
    (x, p), (y, q) = a, b
    numerators = [i * j for i, j in zip(x, y, strict=True)]
    if isinstance(p, int) and isinstance(q, int):
        return _lowest(numerators, p * q)
    return Ratios(numerators, _products(p, q))


def divided(a: Ratios, b: Ratios) -> Ratios:
    """Exact division; :class:`.Undefined` when some line divides by zero (as the line
    evaluator's division raises it)."""
    (x, p), (y, q) = a, b
    if 0 in y:
        raise division_by_zero()
    if isinstance(q, int) and y and y.count(y[0]) == len(y):  # by one value: p/q ÷ c/q'
        c = y[0]
        numerators = _scaled(x, q if c > 0 else -q)
        if isinstance(p, int):
            return _lowest(numerators, p * abs(c))
        return Ratios(numerators, [d * abs(c) for d in p])
    if isinstance(p, int) and isinstance(q, int):  # x/p ÷ y/q as x·q / (p·|y|), one pass each
        numerators = [i * q if j > 0 else -i * q for i, j in zip(x, y, strict=True)]
        return Ratios(numerators, [p * j if j > 0 else -p * j for j in y])
    signs = [1 if j > 0 else -1 for j in y]
    numerators = [i * d * s for i, d, s in zip(x, denominators(b), signs, strict=True)]
    return Ratios(numerators, [d * abs(j) for d, j in zip(denominators(a), y, strict=True)])


def negated(a: Ratios) -> Ratios:
    return Ratios([-i for i in a.numerators], a.denominator)


def absolute(a: Ratios) -> Ratios:
    return Ratios([abs(i) for i in a.numerators], a.denominator)


def equal(a: Ratios, b: Ratios) -> list[bool]:
    x, y, _ = _aligned(a, b)
    return [i == j for i, j in zip(x, y, strict=True)]


def unequal(a: Ratios, b: Ratios) -> list[bool]:
    x, y, _ = _aligned(a, b)
    return [i != j for i, j in zip(x, y, strict=True)]


def less(a: Ratios, b: Ratios) -> list[bool]:
    x, y, _ = _aligned(a, b)  # over the same positive denominators: as their numerators
    return [i < j for i, j in zip(x, y, strict=True)]


def at_most(a: Ratios, b: Ratios) -> list[bool]:
    x, y, _ = _aligned(a, b)
    return [i <= j for i, j in zip(x, y, strict=True)]


def greater(a: Ratios, b: Ratios) -> list[bool]:
    x, y, _ = _aligned(a, b)
    return [i > j for i, j in zip(x, y, strict=True)]


def at_least(a: Ratios, b: Ratios) -> list[bool]:
    x, y, _ = _aligned(a, b)
    return [i >= j for i, j in zip(x, y, strict=True)]


def smallest(first: Ratios, *rest: Ratios) -> Ratios:
    """``min(a, b, …)`` line by line."""
    for other in rest:
        x, y, denominator = _aligned(first, other)
        first = Ratios([i if i <= j else j for i, j in zip(x, y, strict=True)], denominator)
    return first


def largest(first: Ratios, *rest: Ratios) -> Ratios:
    """``max(a, b, …)`` line by line."""
    for other in rest:
        x, y, denominator = _aligned(first, other)
        first = Ratios([i if i >= j else j for i, j in zip(x, y, strict=True)], denominator)
    return first


def rounded(a: Ratios, decimals: int, mode: str) -> Ratios:
    """``round(a, decimals, mode)`` line by line, as :func:`.rounding.round_ratio` rounds
    (:func:`.rounding.round_ratios`, its column form)."""
    numerators, denominator = a
    unit = 10**decimals if decimals >= 0 else 1
    if isinstance(denominator, int) and decimals >= 0 and unit % denominator == 0:
        return Ratios(_scaled(numerators, unit // denominator), unit)  # nothing to round
    wholes = round_ratios(numerators, denominators(a), decimals, mode)
    return Ratios(wholes if decimals >= 0 else _scaled(wholes, 10**-decimals), unit)


def _lowest(numerators: list[int], denominator: int) -> Ratios:
    """Over a common denominator made as small as the numerators allow (one gcd over the
    column, which keeps products of percentages and halves from growing)."""
    common = math.gcd(denominator, *numerators)
    if common == 1:
        return Ratios(numerators, denominator)
    return Ratios([n // common for n in numerators], denominator // common)


def _products(p: Denominator, q: Denominator) -> list[int]:
    """The denominators of a product, line by line (one of them per line)."""
    if isinstance(p, int):
        assert isinstance(q, list)
        return q if p == 1 else [p * d for d in q]
    if isinstance(q, int):
        return p if q == 1 else [q * d for d in p]
    return [c * d for c, d in zip(p, q, strict=True)]
