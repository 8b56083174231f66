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
from collections.abc import Callable, Sequence
from fractions import Fraction
from itertools import repeat
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
    if isinstance(denominator, int) and math.gcd(denominator, *numerators) == denominator:
        return Ratios(_scaled_down(numerators, denominator), 1)  # every value whole: one gcd
    below = denominators(column)
    common = list(map(math.gcd, numerators, below))
    if common == below:  # every value whole (a gross amount of halves times an even price)
        return Ratios(list(map(operator.floordiv, numerators, below)), 1)
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


def _one_value(column: Ratios) -> tuple[int, int] | None:
    """The value every line of a column has (numerator, denominator), when it is over one
    denominator with every numerator alike (a literal, a rule of the month alone); else None.
    Finding out costs one count in C; an operation with such a column then need not spread the
    value over every line's denominator."""
    numerators, denominator = column
    if not isinstance(denominator, int) or not numerators:
        return None
    if numerators.count(numerators[0]) == len(numerators):
        return numerators[0], denominator
    return None


def _shifted(column: Ratios, numerator: int, denominator: int) -> Ratios:
    """A column with one denominator per line plus one value (``numerator / denominator``):
    ``x/p + c/q = (x·q + c·p) / (p·q)`` line by line, in one pass without spreading ``c/q``."""
    x, p = column
    assert isinstance(p, list)
    c, q = numerator, denominator
    if q == 1:
        return column if c == 0 else Ratios([i + c * d for i, d in zip(x, p, strict=True)], p)
    return Ratios([i * q + c * d for i, d in zip(x, p, strict=True)], [d * q for d in p])


# --- The operations ---------------------------------------------------------------------------


def plus(a: Ratios, b: Ratios) -> Ratios:
    if isinstance(a.denominator, list) and (one := _one_value(b)) is not None:
        return _shifted(a, *one)
    if isinstance(b.denominator, list) and (one := _one_value(a)) is not None:
        return _shifted(b, *one)
    x, y, denominator = _aligned(a, b)
    return Ratios(list(map(operator.add, x, y)), denominator)


def minus(a: Ratios, b: Ratios) -> Ratios:
    if isinstance(a.denominator, list) and (one := _one_value(b)) is not None:
        numerator, denominator = one
        return _shifted(a, -numerator, denominator)
    x, y, common = _aligned(a, b)
    return Ratios(list(map(operator.sub, x, y)), common)


def times(a: Ratios, b: Ratios) -> Ratios:
    (x, p), (y, q) = a, b
    if (one := _one_value(b)) is not None:
        numerators = _scaled(x, one[0])  # by one value: a pass without pairing the lines
    elif (one := _one_value(a)) is not None:
        numerators = _scaled(y, one[0])
    else:
        numerators = list(map(operator.mul, x, y))
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
    if isinstance(p, int) and isinstance(q, int):  # x/p ÷ y/q as x·q / (p·|y|)
        if not y or min(y) > 0:  # every divisor positive (a count of episodes): no sign to move
            return Ratios(_scaled(x, q), _scaled(y, p))
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
    return _compared(a, b, operator.eq)


def unequal(a: Ratios, b: Ratios) -> list[bool]:
    return _compared(a, b, operator.ne)


def less(a: Ratios, b: Ratios) -> list[bool]:
    return _compared(a, b, operator.lt)


def at_most(a: Ratios, b: Ratios) -> list[bool]:
    return _compared(a, b, operator.le)


def greater(a: Ratios, b: Ratios) -> list[bool]:
    return _compared(a, b, operator.gt)


def at_least(a: Ratios, b: Ratios) -> list[bool]:
    return _compared(a, b, operator.ge)


def _compared(a: Ratios, b: Ratios, relation: Callable[[int, int], bool]) -> list[bool]:
    """A comparison line by line: over the same positive denominators, as their numerators;
    against zero, as the numerators' signs whatever the denominators."""
    if _is_zero(b):
        return list(map(relation, a.numerators, repeat(0)))
    if _is_zero(a):
        return list(map(relation, repeat(0), b.numerators))
    x, y, _ = _aligned(a, b)
    return list(map(relation, x, y))


def smallest(first: Ratios, *rest: Ratios) -> Ratios:
    """``min(a, b, …)`` line by line."""
    for other in rest:
        if _is_zero(first) or _is_zero(other):  # min(0, v): v where below zero, else 0
            y, denominator = other if _is_zero(first) else first
            first = Ratios([j if j < 0 else 0 for j in y], denominator)
            continue
        x, y, denominator = _aligned(first, other)
        first = Ratios([i if i <= j else j for i, j in zip(x, y, strict=True)], denominator)
    return first


def largest(first: Ratios, *rest: Ratios) -> Ratios:
    """``max(a, b, …)`` line by line."""
    for other in rest:
        if _is_zero(first) or _is_zero(other):  # max(0, v): v where above zero, else 0
            y, denominator = other if _is_zero(first) else first
            first = Ratios([j if j > 0 else 0 for j in y], denominator)
            continue
        x, y, denominator = _aligned(first, other)
        first = Ratios([i if i >= j else j for i, j in zip(x, y, strict=True)], denominator)
    return first


def _is_zero(column: Ratios) -> bool:
    """Whether every line of a column is zero (``0 days``, ``0 kr``)."""
    return _one_value(column) == (0, column.denominator)


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
    return Ratios(_scaled_down(numerators, common), denominator // common)


def _scaled_down(numerators: list[int], factor: int) -> list[int]:
    """Numerators divided by a factor they all have."""
    return numerators if factor == 1 else [n // factor for n in numerators]


def _products(p: Denominator, q: Denominator) -> list[int]:
    """The denominators of a product, line by line (one of them per line)."""
    if isinstance(p, int):
        assert isinstance(q, list)
        return q if p == 1 else [p * d for d in q]
    if isinstance(q, int):
        return p if q == 1 else [q * d for d in p]
    return [c * d for c, d in zip(p, q, strict=True)]
