"""The types of formula values, with units.

A quantity's unit is a triple of exponents over the three base units the agreements use, kronor,
days and months: money is kr¹, days is day¹, a count or a rate is a plain number (no unit), a price
per day is kr¹·day⁻¹, a span of months (``3 months``, by which a month is moved) is month¹. Units
multiply and divide with the values, so ``excess * episodes * day_cost`` is days × number × kr/day
= kr, and adding kronor to days, or days to months, is caught before anything runs.
"""

from __future__ import annotations

from enum import Enum
from typing import TypeAlias

from agreement_engine.frozen import frozen


@frozen
class Quantity:
    """A number with a unit: kr**money × day**days × month**months."""

    money: int = 0
    days: int = 0
    months: int = 0

    def times(self, other: Quantity) -> Quantity:
        """The unit of a product: days × kr/day is kr.

        >>> DAYS.times(PRICE_PER_DAY) == MONEY
        True
        """
        return Quantity(
            self.money + other.money, self.days + other.days, self.months + other.months
        )

    def per(self, other: Quantity) -> Quantity:
        """The unit of a quotient: days / a number is days, days / days a number.

        >>> DAYS.per(NUMBER) == DAYS, DAYS.per(DAYS) == NUMBER
        (True, True)
        """
        return Quantity(
            self.money - other.money, self.days - other.days, self.months - other.months
        )

    def __str__(self) -> str:
        return describe(self)


class Kind(Enum):
    """Values that are not quantities."""

    DATE = "a date"
    MONTH = "a month"
    TIME = "a time of day"
    BOOLEAN = "true or false"
    TEXT = "a text"


Type: TypeAlias = Quantity | Kind

MONEY = Quantity(money=1)
DAYS = Quantity(days=1)
NUMBER = Quantity()
PRICE_PER_DAY = Quantity(money=1, days=-1)
MONTHS = Quantity(months=1)

# The units a literal or a declaration may name, and the type each stands for.
UNITS: dict[str, Quantity] = {
    "kr": MONEY,
    "days": DAYS,
    "day": DAYS,
    "kr/day": PRICE_PER_DAY,
    "months": MONTHS,
    "month": MONTHS,
    "number": NUMBER,
    "%": NUMBER,
}

# The types a rule may declare with `unit:` in an agreement file: `month` is a month (2024-03),
# `months` a number of months (3 months).
DECLARABLE: dict[str, Type] = {
    **UNITS,
    "date": Kind.DATE,
    "month": Kind.MONTH,
    "time": Kind.TIME,
    "boolean": Kind.BOOLEAN,
    "text": Kind.TEXT,
}

_NAMED = {
    MONEY: "money (kr)",
    DAYS: "days",
    NUMBER: "a number",
    PRICE_PER_DAY: "money per day (kr/day)",
    MONTHS: "a number of months",
}


def describe(t: Type) -> str:
    """The type in words, for messages: 'money (kr)', 'days', 'a date'.

    >>> describe(MONEY), describe(Kind.DATE), describe(MONEY.times(MONEY))
    ('money (kr)', 'a date', 'a quantity in kr^2')
    """
    if isinstance(t, Kind):
        return t.value
    if t in _NAMED:
        return _NAMED[t]
    parts = []
    for symbol, exponent in (("kr", t.money), ("day", t.days), ("month", t.months)):
        if exponent == 1:
            parts.append(symbol)
        elif exponent:
            parts.append(f"{symbol}^{exponent}")
    return "a quantity in " + "·".join(parts)


def unit_symbol(t: Quantity) -> str:
    """The unit as written after a number: 'kr', 'days', 'kr/day', 'months', '' for plain
    numbers.

    >>> [unit_symbol(t) for t in (MONEY, DAYS, PRICE_PER_DAY, MONTHS, NUMBER)]
    ['kr', 'days', 'kr/day', 'months', '']
    """
    symbols = {MONEY: "kr", DAYS: "days", PRICE_PER_DAY: "kr/day", MONTHS: "months", NUMBER: ""}
    return symbols.get(t, describe(t))


def is_ordered(t: Type) -> bool:
    """Whether values of this type can be compared with < and >.

    >>> is_ordered(DAYS), is_ordered(Kind.MONTH), is_ordered(Kind.TEXT)
    (True, True, False)
    """
    return isinstance(t, Quantity) or t in (Kind.DATE, Kind.MONTH, Kind.TIME)
