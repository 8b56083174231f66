"""Reading the rows of an aggregates table into monthly figures, row by row.

A row is used, or excluded (empty, another municipality, another month: then its figures are
not checked), or has errors; its figures are checked as :mod:`.monthly_figures` says. Plain CSV
lines are first read the quick way, a run of them a column at a time (:mod:`.plain_lines`), with
what the texts of fields stand for remembered (:mod:`.plain_figures`): a national file repeats
few texts, and each is parsed once. The figures used are also kept by month, then municipality,
as billing looks them up, and a repeat of a municipality's month noted as it is met.
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
    parse_month,
)
from agreement_engine.data.messages import bad_value, unknown_municipality
from agreement_engine.data.monthly_figures import (
    MonthlyFigures,
    average_disagreement,
    days_without_episodes,
    fewer_days_than_episodes,
    too_many_digits,
)
from agreement_engine.data.plain_figures import (
    ByMonth,
    LeftOut,
    Repeat,
    Run,
    Values,
    figures_of,
    grouped,
    learned,
    looked_up,
    read_count,
    read_number,
    stretches,
)
from agreement_engine.data.plain_lines import PlainLines
from agreement_engine.data.report import Exclusions, Problems
from agreement_engine.data.table import Cell, Row, Table, check_unnamed
from agreement_engine.diagnostics import Text
from agreement_engine.months import YearMonth

_T = TypeVar("_T")

_FIELDS = ("municipality", "month", "episodes", "total_days", "average")
"""The fields the quick way reads, in the order it takes their columns."""


class _Excluded(Exception):
    """A row is left out, for a reason the report gives."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(reason)
        self.reason, self.detail = reason, detail


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
        self._names: dict[str, str | LeftOut | None] = {}
        self._months: dict[str, YearMonth | LeftOut | None] = {}
        if not layout.has("month") and month is not None:
            self._months[""] = month  # the month given, read from the empty field (_read_plain)
        self._other_month = Text("month other than {month}", month=month)
        self.within: tuple[YearMonth, YearMonth] | None = None
        """The months to use (first, last), when a range is asked for; rows of others are left
        out."""
        self._values = Values()
        self.by_month: ByMonth = {}
        """The figures used, by month, then municipality (the first of a repeat)."""
        self.repeats: list[Repeat] = []
        """Each municipality's month met again, in the order read."""
        self._groups: dict[str, dict[str, MonthlyFigures] | None] = {}  # by_month's, by text

    def day_ratios(self) -> dict[Decimal, tuple[int, int]]:
        """The exact ratios of the total days read the quick way, by value."""
        return {ratio[0]: ratio[1:] for ratio in self._values.totals.values() if ratio}

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
        lines, columns = csv.lines, len(csv.header.cells)
        plain = PlainLines(lines, csv.body, csv.separator, columns, self.unnamed, csv.quoted)
        # A column the file lacks is read as empty (its index is past the last column).
        wanted = [self.layout.index.get(name, columns) for name in _FIELDS]
        index = csv.body
        while index < len(lines):
            after = self._read_plain(plain, index, wanted, csv)
            index = after if after > index else self._read_record(csv, index)  # not plain

    def _read_record(self, csv: CsvText, index: int) -> int:
        """Read the record at ``lines[index]`` the careful way; the index of the next."""
        row, index = csv.record(index, self.problems)
        if row is not None:
            self._take(row)
        return index

    def _read_plain(self, plain: PlainLines, start: int, wanted: list[int], csv: CsvText) -> int:
        """Read the run of plain CSV lines from ``lines[start]`` on (:class:`.PlainLines`) the
        quick way, and the index of the line after it (``start`` when that line is not plain).
        A line is used or left out without a word, or else read the careful way (a record of
        that line alone).

        ``wanted`` are the columns of :data:`_FIELDS`. What a field's text stands for is learned
        once, when it is first met (:meth:`_learn_name`, :meth:`_learn_month`, and
        :mod:`.plain_figures`): a column's fields are looked up as written. When every line of
        a long stretch of the run is used, as in most files, its figures are kept a column at a
        time (:meth:`_keep_run`); the lines between such stretches line by line
        (:meth:`_read_lines`).
        """
        end, (name_texts, month_texts, episodes, totals, averages) = plain.run(start, wanted)
        names, distinct_names = looked_up(self._names, name_texts, self._learn_name)
        months, distinct_months = looked_up(self._months, month_texts, self._learn_month)
        groups = learned(self._groups, month_texts, distinct_months, self._group_of)
        figures = self._values.figures(episodes, totals, averages)
        run = Run(start, plain.lines[start:end], names, months, groups, figures)
        all_named = all(isinstance(self._names[name], str) for name in distinct_names) and all(
            isinstance(self._months[month], YearMonth) for month in distinct_months
        )
        for first, last, regular in stretches(run.irregular(all_named), len(run.lines)):
            if regular:
                self._keep_run(run.part(first, last))
            else:
                self._read_lines(run.part(first, last), csv)
        return end

    def _keep_run(self, run: Run) -> None:
        """Keep the figures of a run whose lines are all used, a column at a time."""
        if run.lines and self._blank:
            self._count_blank()
        self.rows_read += len(run.lines)
        kept = figures_of(self.path, run)
        self.figures.extend(kept)
        self.repeats.extend(grouped(run, kept))

    def _read_lines(self, run: Run, csv: CsvText) -> None:
        """Read a run line by line: each used, left out, or read the careful way."""
        path, used, blank = self.path, self.figures, self._blank
        rows = zip(run.lines, run.names, run.months, run.groups, run.figures, strict=True)
        for number, (line, name, when, group, figure) in enumerate(rows, run.start + 1):
            if isinstance(name, str) and isinstance(when, YearMonth) and figure is not None:
                if blank:
                    self._count_blank()
                self.rows_read += 1
                kept = MonthlyFigures(name, when, *figure, (path, number, line))
                used.append(kept)
                assert group is not None  # the month's, as its rows are used
                first = group.setdefault(name, kept)
                if first is not kept:
                    self.repeats.append((first, kept))
            elif not self._quick_exclude(name, when, number):
                self._read_record(csv, number - 1)

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
            self._group(figure)

    def _group(self, figure: MonthlyFigures) -> None:
        """Keep a figure read the careful way by month, noting a repeat."""
        group = self.by_month.setdefault(figure.month, {})
        first = group.setdefault(figure.municipality, figure)
        if first is not figure:
            self.repeats.append((first, figure))

    def _group_of(self, written: str) -> dict[str, MonthlyFigures] | None:
        """The figures of the month a text stands for (learned before), by municipality; None
        when its rows are not used."""
        when = self._months[written]
        return self.by_month.setdefault(when, {}) if isinstance(when, YearMonth) else None

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

    def _quick_exclude(
        self, name: str | LeftOut | None, when: YearMonth | LeftOut | None, number: int
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

    def _learn_name(self, written: str) -> str | LeftOut | None:
        """What a municipality name stands for: the name asked for; the reason to
        leave its rows out (another municipality); None when it is empty or misspelt, for the
        careful way to say."""
        name = written.strip(SPACES)
        fate: str | LeftOut | None
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
        return fate

    def _learn_month(self, written: str) -> YearMonth | LeftOut | None:
        """What a month as written stands for: the month, when its rows are used;
        the reason to leave them out; None when it is not a month, for the careful way to say."""
        try:
            month = parse_month(written)
        except BadValue:
            fate: YearMonth | LeftOut | None = None
        else:
            fate = self._month_fate(month)
        return fate

    def _month_fate(self, month: YearMonth) -> YearMonth | LeftOut:
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
        episodes = self._value(row, "episodes", read_count)
        total = self._value(row, "total_days", read_number)
        average = self._value(row, "average", read_number, optional=True)
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
