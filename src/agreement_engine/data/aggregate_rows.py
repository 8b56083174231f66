"""Reading the rows of an aggregates table into monthly figures, row by row.

A row is used, or excluded (empty, another municipality, another month: then its figures are
not checked), or has errors; its figures are checked as :mod:`.monthly_figures` says. A plain CSV
line is first read the quick way, with the values of fields seen before remembered: a national
file repeats few texts, and each is parsed once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TypeVar

from agreement_engine.data.columns import Layout
from agreement_engine.data.csv_text import CsvText
from agreement_engine.data.dialect import (
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
from agreement_engine.diagnostics import Location, Text
from agreement_engine.months import YearMonth

_T = TypeVar("_T")


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
    quick way (:meth:`_quick`), with the values of fields seen before remembered; any line
    that would give a problem, a warning or an empty row is read the careful way instead,
    which alone builds the cells that messages point at.
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
        # For the quick way: the values of the fields seen so far, by their text as written.
        index = layout.index
        self._at = tuple(index.get(f, -1) for f in ("month", "episodes", "total_days", "average"))
        self._at_municipality = index["municipality"]
        self._asked: dict[str, str] = {}  # the names of municipalities asked for
        self._others: set[str] = set()  # the names of other municipalities
        self._unclear: set[str] = set()  # names left to the careful way: empty or misspelt
        self._months: dict[str, YearMonth] = {}
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
        index = csv.body
        while index < len(lines):
            line = lines[index]
            if '"' not in line:
                fields = line.split(separator)
                if len(fields) == columns and self._quick(index + 1, line, fields):
                    index += 1
                    continue
            row, index = csv.record(index, self.problems)
            if row is not None:
                self._take(row)

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

    def _quick(self, number: int, line: str, fields: list[str]) -> bool:
        """Read a plain CSV line the quick way, if it is used or excluded without a word: True
        when done; False, having done nothing, when it needs the careful way.

        Fields are looked up as written: the parse functions ignore surrounding spaces.
        """
        if self.unnamed and any(fields[i].strip(SPACES) for i in self.unnamed):
            return False
        municipality = self._asked.get(fields[self._at_municipality])
        if municipality is None:
            return self._quick_other(number, line, fields)
        at_month = self._at[0]
        when = self.month
        if at_month >= 0:
            when = self._months.get(fields[at_month])
            if when is None:
                when = _learn(self._months, fields[at_month], parse_month)
                if when is None:
                    return False
            if self.month is not None and when != self.month:
                return self._quick_exclude(self._other_month, number, str(when))
            if self._outside(when):
                return self._quick_exclude(self._outside_reason(), number, str(when))
        assert when is not None
        figures = self._quick_figures(fields)
        if figures is None:
            return False
        episodes, days, average = figures
        if self._blank:
            self._count_blank()
        self.rows_read += 1
        location = Location(self.path, number, 1, len(line), line)  # never empty: it has a name
        self.figures.append(MonthlyFigures(municipality, when, episodes, days, average, location))
        return True

    def _quick_figures(self, fields: list[str]) -> tuple[int, Decimal, Decimal | None] | None:
        """The episodes, days and average of a plain CSV line, the quick way; None when they
        need the careful way: a value that is not understood, or figures that are not what
        they must be (see :mod:`.monthly_figures`), which the careful way says."""
        _, at_episodes, at_total, at_average = self._at
        episodes = self._counts.get(fields[at_episodes])
        if episodes is None:
            episodes = _learn(self._counts, fields[at_episodes], _read_count)
        total = self._totals.get(fields[at_total])
        if total is None:
            total = _learn(self._totals, fields[at_total], _read_ratio)
        if not episodes or total is None:  # with 0 episodes, days and Snitt are checked
            return None
        days, days_numerator, days_denominator = total
        if days < episodes:  # a warning
            return None
        if at_average < 0 or not fields[at_average]:
            return episodes, days, None
        written = self._averages.get(fields[at_average])
        if written is None:
            written = _learn(self._averages, fields[at_average], _read_average)
        if written is None:
            return None
        average, numerator, denominator, rounding = written
        # Within the rounding of the average: the test of monthly_figures._within_rounding.
        difference = days_numerator * denominator - numerator * days_denominator * episodes
        if rounding * abs(difference) > days_denominator * denominator * episodes:
            return None  # a warning
        return episodes, days, average

    def _quick_other(self, number: int, line: str, fields: list[str]) -> bool:
        """The quick way for a municipality name not yet known to be one asked for."""
        written = fields[self._at_municipality]
        if written in self._others:
            return self._quick_exclude(
                Text("municipality not asked for"), number, written.strip(SPACES)
            )
        if written in self._unclear or not self._learn_name(written):
            return False
        return self._quick(number, line, fields)

    def _quick_exclude(self, reason: str, number: int, detail: str) -> bool:
        self._count_row()
        self.exclusions.add(reason, number, detail)
        return True

    def _learn_name(self, written: str) -> bool:
        """Remember what a municipality name stands for; False when it is empty or misspelt."""
        name = written.strip(SPACES)
        if not name:
            self._unclear.add(written)
        elif self._index is None:
            self._asked[written] = " ".join(name.split())
        elif (found := self._index.match(name)) is not None:
            self._asked[written] = found
        elif self._index.looks_misspelt(name):
            self._unclear.add(written)
        else:
            self._others.add(written)
        return written not in self._unclear

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
        if written is not None and self.month is not None and written != self.month:
            raise _Excluded(Text("month other than {month}", month=self.month), str(written))
        if written is not None and self._outside(written):
            raise _Excluded(self._outside_reason(), str(written))
        return written

    def _outside(self, month: YearMonth) -> bool:
        return self.within is not None and not self.within[0] <= month <= self.within[1]

    def _outside_reason(self) -> str:
        assert self.within is not None
        first, last = self.within
        return Text("month outside {first} – {last}", first=first, last=last)

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
