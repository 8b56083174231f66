"""Plain lines' figures read the quick way: from texts met before, checked in whole numbers.

The aggregates reader (:mod:`.aggregate_rows`) reads a plain CSV line's episodes, days and
average from what their texts stand for, each text parsed once for the whole file
(:func:`looked_up`), and takes the figures only when :func:`agreeing_figures` finds them as they
must be (:mod:`.monthly_figures`); any others are read again the careful way, which says what
is wrong where. The values are those the careful way reads (:func:`read_count`,
:func:`read_number`). A run of lines that are all used becomes :class:`.MonthlyFigures` and is
kept by month a column at a time (:func:`figures_of`, :func:`grouped`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from itertools import compress, count, repeat
from operator import is_, is_not
from typing import NamedTuple, TypeVar

from agreement_engine.data.dialect import (
    MAX_DIGITS,
    BadValue,
    check_digits,
    decimals_written,
    parse_decimal,
    parse_whole_number,
)
from agreement_engine.data.monthly_figures import MonthlyFigures
from agreement_engine.months import YearMonth

_T = TypeVar("_T")

Ratio = tuple[Decimal, int, int]
"""A number as :func:`.dialect.parse_decimal` reads it, and its exact ratio."""

Average = tuple[Decimal, int, int, int]
"""An average as read, its exact ratio, and twice the units of its last decimal (``4,3``: 20):
it stands for any value at most 1 / that from it."""

Figures = tuple[int, Decimal, "Decimal | None"]
"""Episodes, total days and the average (None when not written), as the careful way reads them."""

LeftOut = tuple[str, str]
"""Why a row is left out, and what it held (the month, or the municipality's name)."""

ByMonth = dict[YearMonth, dict[str, MonthlyFigures]]
"""Figures by month, then municipality."""

Repeat = tuple[MonthlyFigures, MonthlyFigures]
"""A municipality's month met again: the figures first read for it, and those of the repeat."""


class Run(NamedTuple):
    """A run of plain lines from ``lines[start]`` on, and what their fields stand for: each
    line's municipality and month (or why its row is left out, or None for the careful way to
    say what is wrong), the figures of its month by municipality, and its figures (None when
    they are for the careful way)."""

    start: int
    lines: Sequence[str]
    names: list[str | LeftOut | None]
    months: list[YearMonth | LeftOut | None]
    groups: list[dict[str, MonthlyFigures] | None]
    figures: list[Figures | None]

    def part(self, first: int, end: int) -> Run:
        """The lines from the run's ``first`` up to its ``end`` (offsets in the run)."""
        return Run(
            self.start + first,
            self.lines[first:end],
            self.names[first:end],
            self.months[first:end],
            self.groups[first:end],
            self.figures[first:end],
        )

    def irregular(self, all_named: bool) -> list[int]:
        """The offsets of the lines whose rows are not simply used: left out, or for the
        careful way. ``all_named``: every name a municipality's and every month a month."""
        if all_named:  # only figures can be missing: found in C
            return list(compress(count(), map(is_, self.figures, repeat(None))))
        rows = zip(self.names, self.months, self.figures, strict=True)
        return [
            at
            for at, (name, month, figures) in enumerate(rows)
            if not isinstance(name, str) or not isinstance(month, YearMonth) or figures is None
        ]


SHORTEST_KEPT = 16
"""The fewest lines kept a column at a time (:func:`stretches`): a shorter stretch between lines
that are not simply used is read line by line with them."""


def stretches(irregular: list[int], count: int) -> list[tuple[int, int, bool]]:
    """The lines ``0`` to ``count`` cut into stretches (first, end, regular): those of at least
    :data:`SHORTEST_KEPT` lines that are simply used (to keep a column at a time), and those
    between them, which hold the ``irregular`` lines (to read line by line)."""
    cuts: list[tuple[int, int, bool]] = []
    first = 0  # where the stretch to read line by line begins
    for at, end in zip([-1, *irregular], [*irregular, count], strict=True):
        if end - (at + 1) >= SHORTEST_KEPT:  # enough used lines between two irregular ones
            if first < at + 1:
                cuts.append((first, at + 1, False))
            cuts.append((at + 1, end, True))
            first = end
    if first < count:
        cuts.append((first, count, False))
    return cuts


class Values:
    """What the texts of episodes, days and averages met so far stand for (None: not
    understood)."""

    def __init__(self) -> None:
        self.counts: dict[str, int | None] = {}
        self.totals: dict[str, Ratio | None] = {}
        self.averages: dict[str, Average | None] = {}

    def figures(
        self, episodes: Sequence[str], totals: Sequence[str], averages: Sequence[str]
    ) -> list[Figures | None]:
        """The figures of lines from the texts of their columns (:func:`agreeing_figures`)."""
        return list(
            map(
                agreeing_figures,
                # Values are learned in any order: a set of their texts is quicker to make.
                learned(self.counts, episodes, set(episodes), parsed(read_count)),
                learned(self.totals, totals, set(totals), parsed(read_ratio)),
                averages,
                learned(self.averages, averages, set(averages), parsed(read_average)),
            )
        )


def read_count(text: str) -> int:
    """Episodes: a whole number of at most :data:`.dialect.MAX_DIGITS` digits."""
    check_digits(text)
    return parse_whole_number(text)


def read_number(text: str) -> Decimal:
    """Days, or days per episode: a number of at most :data:`.dialect.MAX_DIGITS` digits."""
    check_digits(text)
    return parse_decimal(text)


def read_ratio(text: str) -> Ratio:
    """Days as :func:`read_number` reads them, and their exact ratio."""
    if len(text) <= MAX_DIGITS and text.isdigit() and text.isascii():  # most days: whole
        whole = int(text)
        return Decimal(whole), whole, 1  # as parse_decimal reads it: Decimal('007') is 7
    value = read_number(text)
    numerator, denominator = value.as_integer_ratio()
    return value, numerator, denominator


def read_average(text: str) -> Average:
    """An average as :func:`read_number` reads it, its exact ratio, and its rounding."""
    value, numerator, denominator = read_ratio(text)
    return value, numerator, denominator, 2 * 10 ** decimals_written(value)


def parsed(parse: Callable[[str], _T]) -> Callable[[str], _T | None]:
    """``parse``, giving None for a text it refuses (for the careful way to say why)."""

    def parse_or_none(text: str) -> _T | None:
        try:
            return parse(text)
        except BadValue:
            return None

    return parse_or_none


def looked_up(
    known: dict[str, _T], texts: Sequence[str], learn: Callable[[str], _T]
) -> tuple[list[_T], dict[str, None]]:
    """What each of ``texts`` stands for, in their order, and the distinct texts: a text not in
    ``known`` is learned once (distinct texts first met first) and remembered there. A national
    file writes few distinct names, months and values, so most of a column is looked up, not
    read."""
    distinct = dict.fromkeys(texts)
    return learned(known, texts, distinct, learn), distinct


def learned(
    known: dict[str, _T], texts: Sequence[str], new: Iterable[str], learn: Callable[[str], _T]
) -> list[_T]:
    """What each of ``texts`` stands for, in their order, once those of ``new`` (any not in
    ``known``) are learned."""
    for text in new:
        if text not in known:
            known[text] = learn(text)
    return list(map(known.__getitem__, texts))


def agreeing_figures(
    episodes: int | None, total: Ratio | None, average_text: str, average: Average | None
) -> Figures | None:
    """The figures of a line from what its texts stand for (None for a text not understood);
    None when they need the careful way: a value that is not understood, or figures that are
    not what they must be (see :mod:`.monthly_figures`), which the careful way says."""
    if not episodes or total is None:  # with 0 episodes, days and Snitt are checked
        return None
    days, days_numerator, days_denominator = total
    if days_numerator < episodes * days_denominator:  # fewer days than episodes: a warning
        return None
    if not average_text:
        return episodes, days, None
    if average is None:
        return None
    value, numerator, denominator, rounding = average
    # Within the rounding of the average: the test of monthly_figures._within_rounding.
    difference = days_numerator * denominator - numerator * days_denominator * episodes
    if rounding * abs(difference) > days_denominator * denominator * episodes:
        return None  # a warning
    return episodes, days, value


def figures_of(path: str, run: Run) -> list[MonthlyFigures]:
    """The figures of a run whose lines are all used (every name a municipality's, every month
    a month, all figures there), built a column at a time: ``map`` runs in C, where a loop over
    the lines took as long again as the rest of reading them."""
    figures: list[Figures] = run.figures  # type: ignore[assignment]  # all there
    episodes, days, averages = zip(*figures, strict=True) if figures else ((), (), ())
    sources = zip(repeat(path), count(run.start + 1), run.lines)
    fields = zip(run.names, run.months, episodes, days, averages, sources, strict=True)
    # MonthlyFigures(*fields) for each line, as its generated __new__ does, without a call each.
    return list(map(tuple.__new__, repeat(MonthlyFigures), fields))


def grouped(run: Run, kept: list[MonthlyFigures]) -> list[Repeat]:
    """Set each of a run's figures into its month's group by municipality, unless figures are
    there already (the first read for that month): the repeats, with the first, in order."""
    firsts: list[MonthlyFigures] = list(map(dict.setdefault, run.groups, run.names, kept))  # type: ignore[arg-type]
    # A repeat's first figures are another line's, never equal to the repeat's (their lines
    # differ): so when the lists are equal, compared in C with each pair found identical at
    # once, as in a file without repeats, there is none to pick out pair by pair.
    if firsts == kept:
        return []
    return list(compress(zip(firsts, kept, strict=True), map(is_not, firsts, kept)))
