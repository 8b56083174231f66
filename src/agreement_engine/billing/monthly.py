"""What billing asks of the data: a municipality's monthly figures under a rule set, one line
at a time or the lines of a month at once, and where they come from (:class:`Origin`)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Protocol

from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.ruleset import RuleSet, Typed
from agreement_engine.formula import Amount, ratios
from agreement_engine.formula.ratios import Ratios, of_fractions
from agreement_engine.formula.types import Quantity
from agreement_engine.frozen import field, frozen
from agreement_engine.months import YearMonth


class MonthlyData(Protocol):
    """Monthly figures per municipality, under a rule set's counting rules."""

    def aggregates(
        self, ruleset: RuleSet, typed: Typed, municipality: str, month: YearMonth
    ) -> dict[str, Amount] | str:
        """The aggregates the rule set needs, or a sentence saying why they cannot be had."""

    def month_columns(
        self, ruleset: RuleSet, typed: Typed, municipalities: Sequence[str], month: YearMonth
    ) -> MonthColumns:
        """The aggregates of these municipalities' month, as :meth:`aggregates` gives each, as
        columns, with the figures :meth:`counted_figures` gives for each (:func:`gathered` makes
        them so, for data that has no quicker way)."""

    def counted_figures(
        self, ruleset: RuleSet, municipality: str, month: YearMonth
    ) -> tuple[FigureUse, ...]:
        """The dated figures the counting looked up, day by day, for the month's episodes
        (``sum_per_day``): the aggregates rest on them. None for given aggregates."""

    def caveats(self, ruleset: RuleSet) -> tuple[str, ...]:
        """Why every line the rule set bills from this data is provisional (a value the data
        does not give), if it is."""


@frozen
class Origin:
    """Where a line's aggregates come from, for ``explain``: ``place`` in words ('row 7 of
    aggregates.csv', 'the episodes in extract.csv'), and whether the engine counted them there
    by the governing document's counting rules (else they are given, as read)."""

    place: str
    counted: bool


@frozen
class MonthColumns:
    """The aggregates of some municipalities' month (each by its place among them, a row):
    ``found``, the rows that have them, and their columns as integers (over those rows, in
    order), each with its unit; ``missing``, why each other row has none; ``counted``, the
    figures the counting of a found row looked up, if it looked any up. When the rows'
    aggregates are not alike (not the same names, or units), ``lines`` holds each row's as they
    are, and there are no columns."""

    names: tuple[str, ...]
    columns: dict[str, Ratios]
    units: dict[str, Quantity]
    found: list[int]
    missing: dict[int, str] = field(default_factory=dict)
    lines: dict[int, dict[str, Amount]] | None = None
    counted: dict[int, tuple[FigureUse, ...]] = field(default_factory=dict)

    def line(self, at: int) -> dict[str, Amount]:
        """The aggregates of the found row ``found[at]``, each as an :class:`.Amount`."""
        if self.lines is not None:
            return dict(self.lines[self.found[at]])
        found = {}
        for name in self.names:
            numerators, denominator = self.columns[name]
            below = denominator if isinstance(denominator, int) else denominator[at]
            found[name] = Amount(Fraction(numerators[at], below), self.units[name])
        return found

    def taken(self, found: list[int]) -> MonthColumns:
        """The columns of some of the rows found, by their places among them."""
        if len(found) == len(self.found):
            return self
        rows = [self.found[at] for at in found]
        lines = None if self.lines is None else {row: self.lines[row] for row in rows}
        columns = {name: ratios.taken(column, found) for name, column in self.columns.items()}
        counted = {row: self.counted[row] for row in rows if row in self.counted}
        return MonthColumns(self.names, columns, self.units, rows, {}, lines, counted)


def gathered(
    data: MonthlyData,
    ruleset: RuleSet,
    typed: Typed,
    municipalities: Sequence[str],
    month: YearMonth,
) -> MonthColumns:
    """:meth:`MonthlyData.month_columns` made line by line from :meth:`MonthlyData.aggregates`."""
    found: list[int] = []
    missing: dict[int, str] = {}
    lines: dict[int, dict[str, Amount]] = {}
    counted: dict[int, tuple[FigureUse, ...]] = {}
    for row, municipality in enumerate(municipalities):
        aggregates = data.aggregates(ruleset, typed, municipality, month)
        if isinstance(aggregates, str):
            missing[row] = aggregates
            continue
        found.append(row)
        lines[row] = aggregates
        used = data.counted_figures(ruleset, municipality, month)
        if used:
            counted[row] = used
    return of_lines(found, missing, lines, counted)


def of_lines(
    found: list[int],
    missing: dict[int, str],
    lines: dict[int, dict[str, Amount]],
    counted: dict[int, tuple[FigureUse, ...]],
) -> MonthColumns:
    """Columns of the aggregates of the rows found, when they are alike (the same names, in
    the same order, and units); else the rows' aggregates as they are."""
    if not found:
        return MonthColumns((), {}, {}, found, missing, counted=counted)
    first = lines[found[0]]
    names = tuple(first)
    units = {name: amount.unit for name, amount in first.items()}
    alike = all(
        tuple(lines[row]) == names
        and all(amount.unit == units[name] for name, amount in lines[row].items())
        for row in found
    )
    if not alike:
        return MonthColumns(names, {}, units, found, missing, lines, counted)
    columns = {name: of_fractions([lines[row][name].value for row in found]) for name in names}
    return MonthColumns(names, columns, units, found, missing, None, counted)
