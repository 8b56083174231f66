"""Formula values, and the one place they become text.

A value is an exact quantity with its unit (:class:`Amount`), a date, a month, a time of day, true
or false, or a text. Every output shows values in one of a few ways, each defined once, here:

- :func:`format_value`, as people read them in explanations and messages: ``9300 kr``,
  ``3.333333… days (10/3 exactly)``;
- :func:`exact`, exact and without a unit, as the JSON invoice basis gives them: ``12``, ``3.5``,
  ``37/3``, ``true``, ``13:45``;
- :func:`written`, as a scenario test file writes them: ``10500 kr``, ``169/30 days``, and
  :func:`shown`, the same with the decimals of a fraction that never ends;
- :func:`column_text`, in a column of a table or a CSV file, with the decimal point the reader
  expects, cut to four decimals and marked when they never end: ``12,3333…``.

The columns of a run hold tens of thousands of values: :func:`exact_texts` and
:func:`column_texts` give the text of all of them at once, the same text value by value, with the
work done by builtins where it can be.

Nothing here rounds a value that is computed with: text is made from exact rationals by
whole-number arithmetic (a Decimal context would round past 28 digits).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from itertools import repeat
from math import gcd
from operator import attrgetter
from typing import Any, TypeAlias

from agreement_engine.formula.rounding import round_exact
from agreement_engine.formula.types import NUMBER, UNITS, Kind, Quantity, Type, unit_symbol
from agreement_engine.frozen import frozen
from agreement_engine.months import YearMonth


@frozen
class Amount:
    """An exact quantity with its unit.

    >>> from agreement_engine.formula.types import DAYS, MONEY
    >>> str(Amount(Fraction(9300), MONEY))
    '9300 kr'
    >>> str(Amount(Fraction(10, 3), DAYS))
    '3.333333… days (10/3 exactly)'
    """

    value: Fraction
    unit: Quantity

    def __str__(self) -> str:
        return format_value(self)


Value: TypeAlias = Amount | dt.date | YearMonth | dt.time | bool | str


def literal_amount(value: Decimal, unit: str | None) -> Amount:
    """A number as a formula writes it, exactly: ``35 %`` is 7/20.

    >>> literal_amount(Decimal("35"), "%")
    Amount(value=Fraction(7, 20), unit=Quantity(money=0, days=0, months=0))
    """
    exact_value = Fraction(value)
    if unit == "%":
        exact_value /= 100
    return Amount(exact_value, UNITS[unit] if unit else NUMBER)


_KINDS: dict[type, Kind] = {
    dt.date: Kind.DATE,
    YearMonth: Kind.MONTH,
    dt.time: Kind.TIME,
    bool: Kind.BOOLEAN,
    str: Kind.TEXT,
}


def type_of(value: Value) -> Type:
    """The type of a value: an amount's unit, or the kind of any other value.

    >>> type_of(YearMonth(2023, 11))
    <Kind.MONTH: 'a month'>
    """
    return value.unit if isinstance(value, Amount) else _KINDS[type(value)]


# --- Numbers --------------------------------------------------------------------------------------


def to_decimal(value: Fraction) -> Decimal | None:
    """The exact Decimal for a rational whose decimal expansion ends; None if it never ends.

    >>> to_decimal(Fraction(17, 4))
    Decimal('4.25')
    >>> to_decimal(Fraction(1, 3)) is None
    True
    """
    return decimal_of(value.numerator, value.denominator)


def decimal_of(numerator: int, denominator: int) -> Decimal | None:
    """:func:`to_decimal` of ``numerator / denominator`` (a positive denominator, in lowest
    terms or not), with as many decimals as the ratio needs and no more.

    >>> decimal_of(85, 20), decimal_of(-1200, 1), decimal_of(2, 6) is None
    (Decimal('4.25'), Decimal('-1200'), True)
    """
    if denominator == 1:
        return Decimal(numerator)  # as Decimal(f"{numerator}E-0"): exponent 0
    common = gcd(numerator, denominator)
    if common != 1:
        numerator, denominator = numerator // common, denominator // common
    decimals = decimal_places(denominator)
    if decimals is None:
        return None
    places, factor = decimals
    # Built from text, which is exact; scaleb would round to the context's 28 digits.
    return Decimal(f"{numerator * factor}E-{places}")


@lru_cache(maxsize=4096)
def decimal_places(denominator: int) -> tuple[int, int] | None:
    """How many decimals the fractions of a denominator end after, and the factor that makes
    such a fraction's numerator whole at that many decimals; None when they never end.

    >>> decimal_places(8), decimal_places(3)
    ((3, 125), None)
    """
    rest, twos, fives = denominator, 0, 0
    while rest % 2 == 0:
        rest //= 2
        twos += 1
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    if rest != 1:
        return None
    places = max(twos, fives)
    return places, 10**places // denominator


def plain(number: Decimal) -> str:
    """A decimal as plain digits, never in exponent form.

    >>> plain(Decimal("9.2E+5"))
    '920000'
    """
    return format(number, "f")


def exact_number(number: Fraction) -> str:
    """A number as exact text: '12', '3.5', or '37/3' when its decimals never end.

    >>> exact_number(Fraction(7, 2)), exact_number(Fraction(37, 3))
    ('3.5', '37/3')
    """
    return exact_ratio(number.numerator, number.denominator)


def exact_ratio(numerator: int, denominator: int, point: str = ".") -> str:
    """:func:`exact_number` of ``numerator / denominator`` in lowest terms, with a decimal
    ``point``.

    >>> exact_ratio(-7, 2, ","), exact_ratio(37, 3)
    ('-3,5', '37/3')
    """
    if denominator == 1:
        return str(numerator)
    decimals = decimal_places(denominator)
    if decimals is None:
        return f"{numerator}/{denominator}"
    return _pointed(numerator * decimals[1], decimals[0], point)


def approximately(value: Fraction, places: int = 4) -> str:
    """A number that may not terminate, to a number of places, marked '…' when cut.

    >>> approximately(Fraction(37, 3)), approximately(Fraction(-1, 8))
    ('12.3333…', '-0.125')
    """
    return approximate_ratio(value.numerator, value.denominator, places)


def approximate_ratio(numerator: int, denominator: int, places: int = 4, point: str = ".") -> str:
    """:func:`approximately` of ``numerator / denominator`` in lowest terms, with a decimal
    ``point``.

    >>> approximate_ratio(37, 3, point=","), approximate_ratio(-1, 3)
    ('12,3333…', '-0.3334…')
    """
    if denominator == 1:
        return str(numerator)
    decimals = decimal_places(denominator)
    if decimals is not None:
        return _pointed(numerator * decimals[1], decimals[0], point)
    return _pointed(numerator * 10**places // denominator, places, point) + "…"


def _pointed(whole: int, places: int, point: str = ".") -> str:
    """``whole`` × 10^-places as decimal text, by whole-number arithmetic (no Decimal, whose
    context would round past 28 digits); ``places`` > 0: (-5, 3) gives '-0.005'."""
    digits = str(abs(whole)).rjust(places + 1, "0")
    return f"{'-' if whole < 0 else ''}{digits[:-places]}{point}{digits[-places:]}"


# --- Values ---------------------------------------------------------------------------------------


def format_value(value: Value) -> str:
    """A value as people read it: '9300 kr', '4.25 days', '12.333… days (37/3 exactly)'.

    >>> format_value(dt.time(9, 5)), format_value(True), format_value("psykiatri")
    ('09:05', 'true', '"psykiatri"')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Amount):
        symbol = unit_symbol(value.unit)
        exact_value = to_decimal(value.value)
        if exact_value is None:
            cut = to_decimal(round_exact(value.value, 6, "half_even"))
            approx = plain(cut) if cut is not None else "?"
            fraction = f"{value.value.numerator}/{value.value.denominator}"
            return f"{approx}… {symbol} ({fraction} exactly)".replace("  ", " ")
        return f"{plain(exact_value)} {symbol}".rstrip()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def exact(value: Value) -> str:
    """A value as exact text: a terminating decimal, or a fraction ('37/3') when it never ends;
    other values as a formula writes them ('true', '13:45', '2026-03-05', '2026-03'), a text as
    it is.

    >>> from agreement_engine.formula.types import DAYS
    >>> exact(Amount(Fraction(37, 3), DAYS)), exact(dt.time(13, 45)), exact(False)
    ('37/3', '13:45', 'false')
    """
    if isinstance(value, Amount):
        return exact_number(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.time):
        return value.isoformat("seconds" if value.second else "minutes")
    return str(value)


def written(value: Value) -> str:
    """A value written as a test file writes it, exactly: ``10500 kr``, ``169/30 days``.

    >>> from agreement_engine.formula.types import DAYS
    >>> written(Amount(Fraction(169, 30), DAYS))
    '169/30 days'
    """
    if isinstance(value, Amount):
        return f"{exact(value)} {unit_symbol(value.unit)}".rstrip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def shown(value: Value) -> str:
    """A value written exactly, with its decimals when it is a fraction that never ends.

    >>> from agreement_engine.formula.types import DAYS
    >>> shown(Amount(Fraction(169, 30), DAYS))
    '169/30 days (≈ 5.633333… days)'
    """
    text = written(value)
    if isinstance(value, Amount) and "/" in exact(value):
        approx = f"{approximately(value.value, 6)} {unit_symbol(value.unit)}".rstrip()
        return f"{text} (≈ {approx})"
    return text


def column_text(value: Value | Decimal | None, point: str) -> str:
    """A value in a column (the amount billed, a Decimal, as it is), with a decimal ``point``:
    exact when its decimals end, else cut to four and marked '…'; nothing for no value.

    >>> from agreement_engine.formula.types import DAYS
    >>> column_text(Amount(Fraction(37, 3), DAYS), ","), column_text(Decimal("10.50"), ",")
    ('12,3333…', '10,50')
    """
    if isinstance(value, Amount):
        return approximately(value.value).replace(".", point)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain(value).replace(".", point)
    return exact(value)  # no number: a truth value, a date, a time or a text, as it is


# --- Many values at once --------------------------------------------------------------------------

_NUMERATOR = attrgetter("value.numerator")
_DENOMINATOR = attrgetter("value.denominator")


def exact_texts(values: list[Any]) -> list[str]:
    """:func:`exact` of each value."""
    if all(map(isinstance, values, repeat(Amount))):
        return _amount_texts(values, exact_number)
    return list(map(exact, values))


def column_texts(values: list[Any], point: str) -> list[str]:
    """:func:`column_text` of each value."""
    if all(map(isinstance, values, repeat(Amount))):
        return _amount_texts(values, lambda number: approximately(number).replace(".", point))
    if all(map(isinstance, values, repeat(Decimal))):  # amounts billed
        return _decimal_texts(values, point)
    present = [value for value in values if value is not None]
    if len(present) < len(values):  # lines not computed: an empty cell for each None
        texts = iter(column_texts(present, point))
        return ["" if value is None else next(texts) for value in values]
    return [column_text(value, point) for value in values]


def _decimal_texts(decimals: list[Decimal], point: str) -> list[str]:
    """:func:`plain` of each decimal, with a decimal ``point``: by ``str``, twice as fast, unless
    some exponent makes it write 'E' (``1E+3``); whole kronor need no point put in."""
    texts = list(map(str, decimals))
    if "E" in "".join(texts):
        texts = list(map(plain, decimals))
    if point == "." or "." not in "".join(texts):
        return texts
    return list(map(str.replace, texts, repeat("."), repeat(point)))


def _amount_texts(amounts: list[Amount], fraction: Callable[[Fraction], str]) -> list[str]:
    """The text of each amount: whole numbers by builtins, other fractions by ``fraction``, once
    for each distinct one (the lines of a month share its benchmark)."""
    numerators = list(map(_NUMERATOR, amounts))
    denominators = list(map(_DENOMINATOR, amounts))
    texts = list(map(str, numerators))
    if denominators.count(1) < len(denominators):
        # Keyed by numerator and denominator: a Fraction's own hash is far slower to work out.
        made: dict[tuple[int, int], str] = {}
        for i, denominator in enumerate(denominators):
            if denominator != 1:
                key = (numerators[i], denominator)
                text = made.get(key)
                if text is None:
                    text = made[key] = fraction(amounts[i].value)
                texts[i] = text
    return texts


def ratio_texts(
    numerators: list[int],
    denominators: list[int],
    text: Callable[[int, int], str],
    wholes: bool = True,
) -> list[str]:
    """``text(numerator, denominator)`` of each ratio ``numerators[i] / denominators[i]`` in
    lowest terms (:func:`.ratios.in_lowest_terms`): a column of one value worked out once, and
    whole numbers as ``str`` writes them, by builtins (unless ``wholes`` is False: then by
    ``text`` too).

    >>> ratio_texts([7, 3, 3, 37], [1, 2, 2, 3], approximate_ratio)
    ['7', '1.5', '1.5', '12.3333…']
    """
    count = len(numerators)
    if count > 1 and numerators.count(numerators[0]) == count == denominators.count(
        denominators[0]
    ):  # looked for first: one text repeated, rather than ``str`` of each whole number
        return ratio_texts(numerators[:1], denominators[:1], text, wholes) * count
    if wholes and denominators.count(1) == count:
        return list(map(str, numerators))
    if not wholes:
        return list(map(text, numerators, denominators))
    return [str(n) if d == 1 else text(n, d) for n, d in zip(numerators, denominators, strict=True)]


def all_end(denominators: list[int], numerators: list[int]) -> bool:
    """Whether the decimals of every ratio ``numerators[i] / denominators[i]`` end (positive
    denominators; a ratio in lowest terms or not: 3/6 ends, as 1/2 does).

    >>> all_end([2, 6, 8], [1, 3, 1]), all_end([3], [1])
    (True, False)
    """
    ends = {d: decimal_places(d) is not None for d in set(denominators)}
    if all(ends.values()):
        return True
    return all(
        ends[d] or decimal_places(d // gcd(n, d)) is not None
        for n, d in zip(numerators, denominators, strict=True)
    )
