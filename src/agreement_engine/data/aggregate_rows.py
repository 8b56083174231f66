"""Reading the rows of an aggregates table into monthly figures, row by row.

A row is used, or excluded (empty, another municipality, another month: then its figures are
not checked), or has errors; its figures are checked as :mod:`.monthly_figures` says. A plain CSV
line is first read the quick way, with the values of fields seen before remembered: a national
file repeats few texts, and each is parsed once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from operator import itemgetter
from typing import TypeVar

from agreement_engine.data.columns import Layout
from agreement_engine.data.csv_text import CsvText
from agreement_engine.data.dialect import (
    MAX_DIGITS,
    SPACES,
    BadValue,
    Municipalities,
    TooManyDigits,
    check_digits,
    decimals_written,
    parse_decimal,
    parse_month,
    parse_whole_number,
)
from agreement_engine.data.messages import bad_value, unknown_municipality
from agreement_engine.data.monthly_figures import (
    MonthlyFigures,
    average_disagreement,
    days_without_episodes,
    fewer_days_than_episodes,
    too_many_digits,
)
from agreement_engine.data.report import Exclusions, Problems
from agreement_engine.data.table import Cell, Row, Table, check_unnamed
from agreement_engine.diagnostics import Text
from agreement_engine.months import YearMonth

_T = TypeVar("_T")

_FIELDS = ("municipality", "month", "episodes", "total_days", "average")
"""The fields the quick way reads, in the order it picks them from a line."""

_Pick = Callable[[list[str]], tuple[str, ...]]

_LeftOut = tuple[str, str]
"""Why a row is left out, and what it held (the month, or the municipality's name)."""


class _Excluded(Exception):
    """A row is left out, for a reason the report gives."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(reason)
        self.reason, self.detail = reason, detail


_Ratio = tuple[Decimal, int, int]
"""A number as :func:`.dialect.parse_decimal` reads it, and its exact ratio."""


_Average = tuple[Decimal, int, int, int]
"""An average as read, its exact ratio, and twice the units of its last decimal (``4,3``: 20):
it stands for any value at most 1 / that from it."""


def _read_count(text: str) -> int:
    """Episodes: a whole number of at most :data:`.dialect.MAX_DIGITS` digits."""
    check_digits(text)
    return parse_whole_number(text)


def _read_number(text: str) -> Decimal:
    """Days, or days per episode: a number of at most :data:`.dialect.MAX_DIGITS` digits."""
    check_digits(text)
    return parse_decimal(text)


def _read_ratio(text: str) -> _Ratio:
    if len(text) <= MAX_DIGITS and text.isdigit() and text.isascii():  # most days: whole
        whole = int(text)
        return Decimal(whole), whole, 1  # as parse_decimal reads it: Decimal('007') is 7
    value = _read_number(text)
    numerator, denominator = value.as_integer_ratio()
    return value, numerator, denominator


def _read_average(text: str) -> _Average:
    value, numerator, denominator = _read_ratio(text)
    return value, numerator, denominator, 2 * 10 ** decimals_written(value)


class AggregateReader:
    """Reads the rows of an aggregates table into figures, recording problems and exclusions.

    A row is used, or excluded (empty, another municipality, another month: then its figures
    are not checked), or has errors. Rows are taken in order; empty rows count only when a
    non-empty one follows (the table ends at its last non-empty row).

    A plain CSV line (no quotes, as many fields as the header has columns) is first read the
    quick way (:meth:`_read_plain`), with what the texts of fields seen before stand for
    remembered; any line that would give a problem, a warning or an empty row is read the
    careful way instead, which alone builds the cells that messages point at.
    """

    def __init__(
        self,
        path: str,
        layout: Layout,
        unnamed: tuple[int, ...],
        month: YearMonth | None,
        municipalities: Sequence[str] | None,
        problems: Problems,
    ) -> None:
        self.path, self.layout, self.unnamed, self.month = path, layout, unnamed, month
        self.problems = problems
        self._index = Municipalities.of(municipalities) if municipalities is not None else None
        self.exclusions = Exclusions()
        self.figures: list[MonthlyFigures] = []
        self.rows_read = 0
        self._blank: list[int] = []  # empty rows not yet followed by a non-empty one
        # For the quick way: what the texts of the fields met so far stand for, as written.
        self._names: dict[str, str | _LeftOut | None] = {}
        self._months: dict[str, YearMonth | _LeftOut | None] = {}
        if not layout.has("month") and month is not None:
            self._months[""] = month  # the month given, read from the empty field (_read_plain)
        self._other_month = Text("month other than {month}", month=month)
        self.within: tuple[YearMonth, YearMonth] | None = None
        """The months to use (first, last), when a range is asked for; rows of others are left
        out."""
        self._counts: dict[str, int] = {}
        self._totals: dict[str, _Ratio] = {}
        self._averages: dict[str, _Average] = {}

    def read(self, source: Table | CsvText) -> None:
        """Read every row of the table, or every record of the CSV file."""
        if isinstance(source, CsvText):
            self.read_csv(source)
        else:
            self.read_rows(source.rows)

    def read_rows(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self._take(row)

    def read_csv(self, csv: CsvText) -> None:
        lines, separator, columns = csv.lines, csv.separator, len(csv.header.cells)
        # A line is split with one more separator at its end, so that the field after the last
        # column is always there, and empty: a column the file lacks is read from it.
        pick = itemgetter(*(self.layout.index.get(name, columns) for name in _FIELDS))
        index = csv.body
        while index < len(lines):
            index = self._read_plain(lines, index, separator, pick, columns + 1)
            if index < len(lines):  # a line the quick way leaves: read as a record
                row, index = csv.record(index, self.problems)
                if row is not None:
                    self._take(row)

    def _read_plain(
        self, lines: Sequence[str], start: int, separator: str, pick: _Pick, width: int
    ) -> int:
        """Read plain CSV lines (no quotes, ``width`` fields) from ``lines[start]`` on the quick
        way, up to the first that needs the careful way: its index (``len(lines)`` when there is
        none). A line is used or left out without a word, or else left to the careful way.

        ``pick`` gives a line's fields of :data:`_FIELDS`. What a field's text stands for is
        learned once, when it is first met (:meth:`_learn_name`, :meth:`_learn_month`, the
        caches of :meth:`_quick_figures`): fields are looked up as written.
        """
        names, months, path, used = self._names, self._months, self.path, self.figures
        unnamed = self.unnamed
        for index in range(start, len(lines)):
            line = lines[index]
            fields = (line + separator).split(separator)
            if len(fields) != width or '"' in line or (unnamed and self._unnamed_filled(fields)):
                return index
            name_text, month_text, episodes_text, total_text, average_text = pick(fields)
            name = names[name_text] if name_text in names else self._learn_name(name_text)
            when = months[month_text] if month_text in months else self._learn_month(month_text)
            if isinstance(name, str) and isinstance(when, YearMonth):
                figures = self._quick_figures(episodes_text, total_text, average_text)
                if figures is None:
                    return index
                if self._blank:
                    self._count_blank()
                self.rows_read += 1
                used.append(MonthlyFigures(name, when, *figures, (path, index + 1, line)))
            elif not self._quick_exclude(name, when, index + 1):
                return index
        return len(lines)

    def _unnamed_filled(self, fields: list[str]) -> bool:
        """Whether a column without a name holds a value, which the careful way warns about."""
        return any(fields[i].strip(SPACES) for i in self.unnamed)

    def _take(self, row: Row) -> None:
        if row.blank:
            self._blank.append(row.number)
            return
        self._count_row()
        check_unnamed(row, self.unnamed, self.problems)
        try:
            figure = self._figure(row)
        except _Excluded as excluded:
            self.exclusions.add(excluded.reason, row.number, excluded.detail or None)
            return
        if figure is not None:
            self.figures.append(figure)

    def _count_row(self) -> None:
        """Count a non-empty row, and the empty rows before it."""
        if self._blank:
            self._count_blank()
        self.rows_read += 1

    def _count_blank(self) -> None:
        """Count the empty rows before a non-empty one: they are excluded."""
        for number in self._blank:
            self.exclusions.add(Text("empty row"), number)
        self.rows_read += len(self._blank)
        self._blank.clear()

    def _quick_figures(
        self, episodes_text: str, total_text: str, average_text: str
    ) -> tuple[int, Decimal, Decimal | None] | None:
        """The episodes, days and average of a plain CSV line, the quick way; None when they
        need the careful way: a value that is not understood, or figures that are not what
        they must be (see :mod:`.monthly_figures`), which the careful way says."""
        episodes = self._counts.get(episodes_text)
        if episodes is None:
            episodes = _learn(self._counts, episodes_text, _read_count)
        total = self._totals.get(total_text)
        if total is None:
            total = _learn(self._totals, total_text, _read_ratio)
        if not episodes or total is None:  # with 0 episodes, days and Snitt are checked
            return None
        days, days_numerator, days_denominator = total
        if days_numerator < episodes * days_denominator:  # fewer days than episodes: a warning
            return None
        if not average_text:
            return episodes, days, None
        written = self._averages.get(average_text)
        if written is None:
            written = _learn(self._averages, average_text, _read_average)
        if written is None:
            return None
        average, numerator, denominator, rounding = written
        # Within the rounding of the average: the test of monthly_figures._within_rounding.
        difference = days_numerator * denominator - numerator * days_denominator * episodes
        if rounding * abs(difference) > days_denominator * denominator * episodes:
            return None  # a warning
        return episodes, days, average

    def _quick_exclude(
        self, name: str | _LeftOut | None, when: YearMonth | _LeftOut | None, number: int
    ) -> bool:
        """Leave a row out for what its name stands for, or else its month (as the careful way,
        the name first): True; False, having done nothing, when that is for the careful way."""
        fate = when if isinstance(name, str) else name
        if not isinstance(fate, tuple):
            return False
        reason, detail = fate
        self._count_row()
        self.exclusions.add(reason, number, detail)
        return True

    def _learn_name(self, written: str) -> str | _LeftOut | None:
        """What a municipality name stands for, remembered: the name asked for; the reason to
        leave its rows out (another municipality); None when it is empty or misspelt, for the
        careful way to say."""
        name = written.strip(SPACES)
        fate: str | _LeftOut | None
        if not name:
            fate = None
        elif self._index is None:
            fate = " ".join(name.split())
        elif (found := self._index.match(name)) is not None:
            fate = found
        elif self._index.looks_misspelt(name):
            fate = None
        else:
            fate = (Text("municipality not asked for"), name)
        self._names[written] = fate
        return fate

    def _learn_month(self, written: str) -> YearMonth | _LeftOut | None:
        """What a month as written stands for, remembered: the month, when its rows are used;
        the reason to leave them out; None when it is not a month, for the careful way to say."""
        try:
            month = parse_month(written)
        except BadValue:
            fate: YearMonth | _LeftOut | None = None
        else:
            fate = self._month_fate(month)
        self._months[written] = fate
        return fate

    def _month_fate(self, month: YearMonth) -> YearMonth | _LeftOut:
        """The month, when its rows are used; else the reason to leave them out."""
        if self.month is not None and month != self.month:
            return self._other_month, str(month)
        if self.within is not None and not self.within[0] <= month <= self.within[1]:
            first, last = self.within
            return Text("month outside {first} – {last}", first=first, last=last), str(month)
        return month

    def _figure(self, row: Row) -> MonthlyFigures | None:
        errors_before = len(self.problems.errors)
        municipality = self._municipality(row)
        when = self._month(row)
        episodes = self._value(row, "episodes", _read_count)
        total = self._value(row, "total_days", _read_number)
        average = self._value(row, "average", _read_number, optional=True)
        if len(self.problems.errors) > errors_before:
            return None
        assert municipality is not None and when is not None
        assert episodes is not None and total is not None
        if episodes == 0 and total != 0:
            self.problems.add(days_without_episodes(self._cell(row, "total_days"), self.layout))
            return None
        if total < episodes:
            cell = self._cell(row, "total_days")
            self.problems.add(fewer_days_than_episodes(cell, episodes, self.layout))
        figure = MonthlyFigures(municipality, when, episodes, total, average, row.location)
        if average is not None:
            disagreement = average_disagreement(figure, self._cell(row, "average"), self.layout)
            if disagreement is not None:
                self.problems.add(disagreement)
        return figure

    def _cell(self, row: Row, field: str) -> Cell:
        return self.layout.cell(row, field)

    def _value(
        self, row: Row, field: str, parse: Callable[[str], _T], *, optional: bool = False
    ) -> _T | None:
        if not self.layout.has(field):
            return None
        cell = self._cell(row, field)
        if optional and not cell.text:
            return None
        try:
            return parse(cell.text)
        except TooManyDigits as long:
            self.problems.add(too_many_digits(cell, self.layout.titles[field], long.digits))
            return None
        except BadValue as bad:
            self.problems.add(bad_value(cell, self.layout.titles[field], bad.expected))
            return None

    def _month(self, row: Row) -> YearMonth | None:
        if not self.layout.has("month"):
            return self.month
        cell = self._cell(row, "month")
        if cell.day is not None and cell.day.day == 1:
            written: YearMonth | None = YearMonth.of(cell.day)
        else:
            written = self._value(row, "month", parse_month)
        if written is None:
            return None
        fate = self._month_fate(written)
        if not isinstance(fate, YearMonth):
            raise _Excluded(*fate)
        return fate

    def _municipality(self, row: Row) -> str | None:
        cell = self._cell(row, "municipality")
        if not cell.text:
            self.problems.add(bad_value(cell, self.layout.titles["municipality"], "a name"))
            return None
        if self._index is None:
            return " ".join(cell.text.split())
        found = self._index.match(cell.text)
        if found is None and not self._index.looks_misspelt(cell.text):
            raise _Excluded(Text("municipality not asked for"), cell.text)
        if found is None:
            self.problems.add(unknown_municipality(cell, self._index.names))
        return found


def _learn(seen: dict[str, _T], text: str, parse: Callable[[str], _T]) -> _T | None:
    """The value of ``text`` as ``parse`` reads it, remembered in ``seen``; None when it is bad."""
    try:
        value = seen[text] = parse(text)
    except BadValue:
        return None
    return value
