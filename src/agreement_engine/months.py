"""Calendar months, the unit every agreement bills in.

A :class:`YearMonth` is a month of a year, written ``2026-03``. It is exact (two integers, no
day, no time zone), ordered by time, and knows its first and last day so that date-based rules
(validity from/until, episodes counted by discharge date) can be checked against it.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

_WRITTEN = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_OPTION = re.compile(r"[0-9]{4}-[0-9]{2}")
_FIRST_YEAR = 1
_LAST_YEAR = 9999
# Days in each month of a common year (index 1 is January); February of a leap year has 29.
_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True, slots=True, order=True)
class YearMonth:
    """A calendar month: ``YearMonth(2026, 3)`` is March 2026, written ``2026-03``.

    Ordering follows time (year first, then month). Years run from 1 to 9999, as for
    :class:`datetime.date`.

    >>> march = YearMonth(2026, 3)
    >>> str(march), march.first_day, march.last_day
    ('2026-03', datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    >>> YearMonth(2024, 2).last_day  # a leap year
    datetime.date(2024, 2, 29)
    >>> str(march.plus(10)), str(march.previous()), march.months_until(YearMonth(2027, 1))
    ('2027-01', '2026-02', 10)
    >>> YearMonth(2025, 13)
    Traceback (most recent call last):
        ...
    ValueError: month must be 1 to 12, not 13
    """

    year: int
    month: int

    def __post_init__(self) -> None:
        if not _FIRST_YEAR <= self.year <= _LAST_YEAR:
            raise ValueError(f"year must be {_FIRST_YEAR} to {_LAST_YEAR}, not {self.year}")
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1 to 12, not {self.month}")

    @classmethod
    def parse(cls, text: str) -> YearMonth:
        """The month written ``YYYY-MM`` (``2026-03``); a one-digit month (``2026-3``) is accepted.

        Raises ValueError with a message fit to show a person.

        >>> YearMonth.parse("2026-3")
        YearMonth(year=2026, month=3)
        >>> YearMonth.parse("March 2026")
        Traceback (most recent call last):
            ...
        ValueError: 'March 2026' is not a month; write it as YYYY-MM, e.g. 2026-03
        """
        match = _WRITTEN.fullmatch(text)
        if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < _FIRST_YEAR:
            raise ValueError(f"'{text}' is not a month; write it as YYYY-MM, e.g. 2026-03")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def parse_option(cls, text: str) -> YearMonth:
        """The month a command-line option gives, written exactly ``YYYY-MM`` (``2026-03``), as
        the README and ``--help`` show it: unlike a data file's cell, typed by hand in a
        spreadsheet, ``2026-3`` is refused, so that a script's typo is not taken for a month.

        Raises ValueError with a message fit to show a person.

        >>> YearMonth.parse_option("2026-03")
        YearMonth(year=2026, month=3)
        >>> YearMonth.parse_option("2026-3")
        Traceback (most recent call last):
            ...
        ValueError: '2026-3' is not a month; write it as YYYY-MM, e.g. 2026-03
        """
        if _OPTION.fullmatch(text) is None:
            raise ValueError(f"'{text}' is not a month; write it as YYYY-MM, e.g. 2026-03")
        return cls.parse(text)

    @classmethod
    def of(cls, day: date) -> YearMonth:
        """The month a date falls in."""
        return cls(day.year, day.month)

    @classmethod
    def range(cls, first: YearMonth, last: YearMonth) -> tuple[YearMonth, ...]:
        """Every month from ``first`` to ``last``, both included; empty when ``last < first``.

        >>> [str(m) for m in YearMonth.range(YearMonth(2025, 11), YearMonth(2026, 2))]
        ['2025-11', '2025-12', '2026-01', '2026-02']
        >>> YearMonth.range(YearMonth(2026, 2), YearMonth(2025, 11))
        ()
        """
        count = first.months_until(last) + 1
        return tuple(first.plus(n) for n in range(max(0, count)))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        days = 29 if self.month == 2 and calendar.isleap(self.year) else _DAYS[self.month]
        return date(self.year, self.month, days)

    def plus(self, months: int) -> YearMonth:
        """The month ``months`` later (earlier when negative)."""
        year, index = divmod(self._ordinal + months, 12)
        return YearMonth(year, index + 1)

    def next(self) -> YearMonth:
        return self.plus(1)

    def previous(self) -> YearMonth:
        return self.plus(-1)

    def months_until(self, other: YearMonth) -> int:
        """Months from this month to ``other``: 0 for the same, negative for an earlier one."""
        return other._ordinal - self._ordinal

    def contains(self, day: date) -> bool:
        """Whether a date falls in this month."""
        return (day.year, day.month) == (self.year, self.month)

    @property
    def _ordinal(self) -> int:
        return self.year * 12 + self.month - 1


def describe_runs(months: Iterable[YearMonth]) -> str:
    """Months as compact runs of consecutive months: ``2024-11 – 2025-09, 2026-03``.

    >>> months = [YearMonth(2025, 1), YearMonth(2024, 12), YearMonth(2025, 3)]
    >>> describe_runs(months)
    '2024-12 – 2025-01, 2025-03'
    """
    runs: list[list[YearMonth]] = []
    for month in sorted(set(months)):
        if runs and runs[-1][-1].next() == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]} – {r[-1]}" for r in runs)
