"""One municipality's figures for one month, and what they must agree on.

Each episode counted was discharge-ready one day or more, so the total days are at least the
episodes, and no days are counted without an episode. ``Snitt`` (the average) is never billed;
it is checked against total days / episodes: a figure written with *d* decimals stands for any
value that rounds to it, so the two agree when they are at most half a unit of the last decimal
apart (``4,3``: within 0,05, both ends included). Every check is exact, in whole numbers or
fractions. Here are the figures and the messages, at the cell, when they do not agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from agreement_engine.data.columns import Layout
from agreement_engine.data.dialect import MAX_DIGITS, decimals_written, format_decimal
from agreement_engine.data.messages import subject, underline
from agreement_engine.data.table import Cell
from agreement_engine.diagnostics import Diagnostic, Location, error, warning
from agreement_engine.months import YearMonth

CsvLine = tuple[str, int, str]
"""Where a CSV line is: the file's path, the line's number (1-based) and its text."""


class MonthlyFigures(NamedTuple):
    """One municipality's figures for one month, and the row they came from.

    A named tuple, not a frozen class, and the row's :class:`Location` built only when asked
    for: a national file gives one of these per row, and building a frozen one and its Location
    took a third of the time a plain line was read in (1.1 of 3.5 us; the tuple takes 0.3).
    ``source`` is the row's Location, or, for a line of a CSV file read the quick way, the
    :data:`CsvLine` it is made from (the same Location, not yet built); figures are equal when
    their fields are, so compare two figures' :attr:`location`, not ``source``, to know whether
    they come from the same row.
    """

    municipality: str
    month: YearMonth
    episodes: int
    total_days: Decimal
    average: Decimal | None
    source: Location | CsvLine

    @property
    def location(self) -> Location:
        """Where the figures were read: the whole row (its line, underlined)."""
        source = self.source
        if isinstance(source, Location):
            return source
        path, number, line = source
        return Location(path, number, 1, max(1, len(line)), line)


class FiguresRead(list[MonthlyFigures]):
    """The figures of a file in the order read, and the same figures by month, then
    municipality (``by_month``), as billing looks them up: the reader keeps them so as it reads
    (a file's municipality and month are unique), sparing billing a pass that hashes a month
    per row (:meth:`.AggregateData.of`)."""

    def __init__(
        self,
        figures: list[MonthlyFigures],
        by_month: Mapping[YearMonth, Mapping[str, MonthlyFigures]],
        day_ratios: Mapping[Decimal, tuple[int, int]],
    ) -> None:
        super().__init__(figures)
        self.by_month = {month: names for month, names in by_month.items() if names}
        """Months whose rows were all left out have no figures, and no entry."""
        self.day_ratios = day_ratios
        """The exact ratios of total days the reader worked out, by value (not every one)."""


def too_many_digits(cell: Cell, title: str, digits: int) -> Diagnostic:
    return error(
        f"{subject(cell, title)} has {digits} digits, more than the {MAX_DIGITS} "
        "a number in this file may have",
        underline(cell),
        hint=f"no count of episodes or days, nor their average, has more than {MAX_DIGITS} "
        "digits; check the row against the source",
        code="data-value",
    )


def days_without_episodes(cell: Cell, layout: Layout) -> Diagnostic:
    total, episodes = layout.titles["total_days"], layout.titles["episodes"]
    return error(
        f"{subject(cell, total)} is {cell.text}, but '{episodes}' is 0",
        underline(cell),
        hint="days can only be counted in episodes; check the row against the source",
        code="data-inconsistent",
    )


def fewer_days_than_episodes(cell: Cell, episodes: int, layout: Layout) -> Diagnostic:
    """Each episode counted was discharge-ready 1 day or more: the days cannot be fewer. A
    warning, as the average disagreeing is: the figures are billed as given, and the run says
    that they cannot both be right."""
    total, counted = layout.titles["total_days"], layout.titles["episodes"]
    return warning(
        f"{subject(cell, total)} is {cell.text}, fewer than the {episodes} '{counted}': each of "
        "those episodes was discharge-ready 1 day or more, so together at least as many days",
        underline(cell),
        hint="check the row against the source: are the two columns swapped?",
        code="data-inconsistent",
    )


def average_disagreement(figure: MonthlyFigures, cell: Cell, layout: Layout) -> Diagnostic | None:
    """A warning when the written average is further from total / episodes than its rounding
    allows (half a unit of its last decimal, boundary included)."""
    assert figure.average is not None
    decimals = decimals_written(figure.average)
    if figure.episodes != 0 and _within_rounding(figure, decimals):
        return None
    mark = "," if "," in cell.text else "."
    allowed = Fraction(1, 2 * 10**decimals)
    average_title = subject(cell, layout.titles["average"])
    total_title, episodes_title = layout.titles["total_days"], layout.titles["episodes"]
    if figure.episodes == 0:
        if figure.average == 0:
            return None
        message = f"{average_title} is {cell.text}, but '{episodes_title}' is 0"
    else:
        quotient = Fraction(figure.total_days) / figure.episodes
        if abs(quotient - Fraction(figure.average)) <= allowed:
            return None
        total = format_decimal(figure.total_days, mark)
        shown = _show_quotient(quotient, decimals + 2, mark)
        message = (
            f"{average_title} is {cell.text}, but '{total_title}' / '{episodes_title}' is "
            f"{total} / {figure.episodes} {shown}, more than the rounding of {cell.text} allows "
            f"(±{_plain(5, decimals + 1, mark)})"
        )
    return warning(
        message,
        underline(cell),
        hint=f"the engine uses '{total_title}' and '{episodes_title}', not "
        f"'{layout.titles['average']}'; check the row against the source",
        code="data-average",
    )


def _within_rounding(figure: MonthlyFigures, decimals: int) -> bool:
    """Whether |total / episodes − average| <= 1 / (2·10^decimals), in whole numbers (the same
    exact test as with fractions, which would be built for every row)."""
    assert figure.average is not None
    total, total_scale = figure.total_days.as_integer_ratio()
    average, average_scale = figure.average.as_integer_ratio()
    difference = total * average_scale - average * total_scale * figure.episodes
    scale = total_scale * average_scale * figure.episodes
    within: bool = 2 * 10**decimals * abs(difference) <= abs(scale)
    return within


def _show_quotient(quotient: Fraction, decimals: int, mark: str) -> str:
    """``= 5`` when exact within ``decimals`` places, else ``≈ 4,333`` rounded to them (half to
    even). Worked in whole numbers: a decimal context would round, or refuse, past its digits."""
    scaled = quotient * 10**decimals
    whole = round(scaled)
    if whole != scaled:
        return f"≈ {_plain(whole, decimals, mark)}"
    while decimals and whole % 10 == 0:  # no trailing zeros: '= 4,35', not '= 4,350'
        whole //= 10
        decimals -= 1
    return f"= {_plain(whole, decimals, mark)}"


def _plain(whole: int, places: int, mark: str) -> str:
    """``whole`` × 10^-``places`` written plainly with the decimal ``mark``: (5, 2) is '0,05'.
    Exact for any number of digits (a Decimal built from its digits rounds nothing)."""
    sign, digits, _ = Decimal(whole).as_tuple()
    return format_decimal(Decimal((sign, digits, -places)), mark)
