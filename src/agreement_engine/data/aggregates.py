"""Monthly figures per municipality: the national indicator export, or our own aggregates file.

One row per municipality and month, with these columns (Swedish or English names, see
:mod:`.columns` for how names match):

============================  ===================  =========================================
Swedish                       English              value
============================  ===================  =========================================
Kommun                        municipality         the municipality's name
Månad                         month                ``2026-03`` (optional: see below)
Vårdtillfällen                episodes             care episodes discharge-ready ≥ 1 day,
                                                   a whole number ≥ 0
Totalt antal dagar            total_days           days discharge-ready in those episodes,
                                                   a number ≥ 0 (``52`` or ``52,5``)
Snitt                         average              optional: days per episode, checked only
============================  ===================  =========================================

The national export has no month column: it holds one month, which the caller gives
(``--month``). When a file has a month column and a month is given too, rows of other months
are left out (and reported).

``Snitt`` is never used for billing; it is checked against ``Totalt antal dagar`` /
``Vårdtillfällen``. A figure written with *d* decimals stands for any value that rounds to it,
so the two agree when they are at most half a unit of the last decimal apart (``4,3``: within
0,05, both ends included, as 4,35 rounds to 4,3 or 4,4 depending on the rounding rule). When
they disagree, a warning says so.

A number is written with at most :data:`.dialect.MAX_DIGITS` (30) digits; a longer one is an
error at its cell, as no count of episodes or days comes near it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from os import PathLike
from typing import TypeVar

from agreement_engine.data.columns import Column, Layout, known_names, resolve
from agreement_engine.data.csv_text import CsvText, open_csv_text
from agreement_engine.data.dialect import (
    MAX_DIGITS,
    SPACES,
    BadValue,
    TooManyDigits,
    check_digits,
    decimals_written,
    format_decimal,
    looks_misspelt,
    match_municipality,
    parse_decimal,
    parse_month,
    parse_whole_number,
)
from agreement_engine.data.files import is_xlsx
from agreement_engine.data.messages import bad_value, subject, underline, unknown_municipality
from agreement_engine.data.report import Exclusions, Problems, ReadReport
from agreement_engine.data.table import Cell, Row, Table, check_unnamed, unnamed_columns
from agreement_engine.data.xlsx import read_xlsx_table
from agreement_engine.diagnostics import Diagnostic, Location, error, warning
from agreement_engine.months import YearMonth

AGGREGATE_COLUMNS = (
    Column("municipality", ("Kommun", "municipality")),
    Column("month", ("Månad", "month"), required=False),
    Column("episodes", ("Vårdtillfällen", "episodes", "Antal vårdtillfällen")),
    Column("total_days", ("Totalt antal dagar", "total_days")),
    Column("average", ("Snitt", "average"), required=False),
)

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class MonthlyFigures:
    """One municipality's figures for one month, and the row they came from."""

    municipality: str
    month: YearMonth
    episodes: int
    total_days: Decimal
    average: Decimal | None
    location: Location


def read_aggregates(
    path: str | PathLike[str],
    *,
    month: YearMonth | None = None,
    municipalities: Sequence[str] | None = None,
    within: tuple[YearMonth, YearMonth] | None = None,
) -> tuple[list[MonthlyFigures], ReadReport, list[Diagnostic]]:
    """The monthly figures in a CSV or XLSX file, how the file was read, and any warnings.

    ``month`` is the month of a file without a month column (and filters a file with one);
    ``within`` (first, last) leaves out, and reports, the rows of months outside a range.
    ``municipalities`` are those asked for, spelt as the caller wants them back: rows naming
    one of them (see :func:`.dialect.match_municipality`) are used; a name so like one of them
    that it is probably misspelt is an error with a suggestion; any other name is another
    municipality, whose rows are left out and reported. With None, every row is used as written.

    Raises :class:`EngineError` with every error found (up to a cap) and the warnings.
    """
    name = str(path)
    problems = Problems(name)
    source = _open_table(name, known_names(AGGREGATE_COLUMNS), problems)
    layout = resolve(source.header, AGGREGATE_COLUMNS, problems)
    if layout is not None and not layout.has("month") and month is None:
        problems.add(_no_month(source.header))
        layout = None
    if layout is None:  # without the columns, the rows cannot be read
        if isinstance(source, CsvText):
            source.rows(problems)  # for the problems of the rows, reported too
        problems.raise_if_errors()
        raise AssertionError("a layout is missing only after an error")
    reader = _Reader(name, layout, unnamed_columns(source.header), month, municipalities, problems)
    reader.within = within
    if isinstance(source, CsvText):
        reader.read_csv(source)
    else:
        reader.read_rows(source.rows)
    figures = reader.figures
    present = _check_duplicates(figures, problems)
    if municipalities is not None and not problems.errors:
        _check_complete(present, month, municipalities, name, source.header, problems)
    problems.raise_if_errors()
    report = _report(source, layout, reader, month)
    return figures, report, problems.sorted_warnings()


def _open_table(path: str, known: Collection[str], problems: Problems) -> Table | CsvText:
    """An XLSX file read as a table, or a CSV file read as lines, so that its records can be
    read one by one (see :class:`.CsvText`). Problems that leave nothing to read (an empty or
    undecodable file, a single column) raise :class:`EngineError` at once."""
    if is_xlsx(path):
        return read_xlsx_table(path, known, problems)
    return open_csv_text(path, known)


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


class _Reader:
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
        self.municipalities, self.problems = municipalities, problems
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
        self._other_month = f"month other than {month}"
        self.within: tuple[YearMonth, YearMonth] | None = None
        """The months to use (first, last), when a range is asked for; rows of others are left
        out."""
        self._counts: dict[str, int] = {}
        self._totals: dict[str, _Ratio] = {}
        self._averages: dict[str, _Average] = {}

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
            self.exclusions.add("empty row", number)
        self.rows_read += len(self._blank)
        self._blank.clear()

    def _quick(self, number: int, line: str, fields: list[str]) -> bool:
        """Read a plain CSV line the quick way, if it is used or excluded without a word: True
        when done; False, having done nothing, when it needs the careful way.

        Fields are looked up as written: the parse functions ignore surrounding spaces. (One
        function, as it runs for every row: each call costs.)
        """
        if self.unnamed and any(fields[i].strip(SPACES) for i in self.unnamed):
            return False
        municipality = self._asked.get(fields[self._at_municipality])
        if municipality is None:
            return self._quick_other(number, line, fields)
        at_month, at_episodes, at_total, at_average = self._at
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
        episodes = self._counts.get(fields[at_episodes])
        if episodes is None:
            episodes = _learn(self._counts, fields[at_episodes], _read_count)
        total = self._totals.get(fields[at_total])
        if total is None:
            total = _learn(self._totals, fields[at_total], _read_ratio)
        if not episodes or total is None:  # with 0 episodes, days and Snitt are checked
            return False
        days, days_numerator, days_denominator = total
        if days < episodes:  # a warning
            return False
        average = None
        if at_average >= 0 and fields[at_average]:
            written = self._averages.get(fields[at_average])
            if written is None:
                written = _learn(self._averages, fields[at_average], _read_average)
            if written is None:
                return False
            average, numerator, denominator, rounding = written
            # Within the rounding of the average: the test of _within_rounding.
            difference = days_numerator * denominator - numerator * days_denominator * episodes
            if rounding * abs(difference) > days_denominator * denominator * episodes:
                return False  # a warning
        if self._blank:
            self._count_blank()
        self.rows_read += 1
        location = Location(self.path, number, 1, len(line), line)  # never empty: it has a name
        self.figures.append(MonthlyFigures(municipality, when, episodes, days, average, location))
        return True

    def _quick_other(self, number: int, line: str, fields: list[str]) -> bool:
        """The quick way for a municipality name not yet known to be one asked for."""
        written = fields[self._at_municipality]
        if written in self._others:
            return self._quick_exclude("municipality not asked for", number, written.strip(SPACES))
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
        elif self.municipalities is None:
            self._asked[written] = " ".join(name.split())
        elif (found := match_municipality(name, self.municipalities)) is not None:
            self._asked[written] = found
        elif looks_misspelt(name, self.municipalities):
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
            self.problems.add(_days_without_episodes(self._cell(row, "total_days"), self.layout))
            return None
        if total < episodes:
            cell = self._cell(row, "total_days")
            self.problems.add(_fewer_days_than_episodes(cell, episodes, self.layout))
        figure = MonthlyFigures(municipality, when, episodes, total, average, row.location)
        if average is not None:
            disagreement = _average_disagreement(figure, self._cell(row, "average"), self.layout)
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
            self.problems.add(_too_many_digits(cell, self.layout.titles[field], long.digits))
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
            raise _Excluded(f"month other than {self.month}", str(written))
        if written is not None and self._outside(written):
            raise _Excluded(self._outside_reason(), str(written))
        return written

    def _outside(self, month: YearMonth) -> bool:
        return self.within is not None and not self.within[0] <= month <= self.within[1]

    def _outside_reason(self) -> str:
        assert self.within is not None
        first, last = self.within
        return f"month outside {first} – {last}"

    def _municipality(self, row: Row) -> str | None:
        cell = self._cell(row, "municipality")
        if not cell.text:
            self.problems.add(bad_value(cell, self.layout.titles["municipality"], "a name"))
            return None
        if self.municipalities is None:
            return " ".join(cell.text.split())
        found = match_municipality(cell.text, self.municipalities)
        if found is None and not looks_misspelt(cell.text, self.municipalities):
            raise _Excluded("municipality not asked for", cell.text)
        if found is None:
            self.problems.add(unknown_municipality(cell, self.municipalities))
        return found


def _learn(seen: dict[str, _T], text: str, parse: Callable[[str], _T]) -> _T | None:
    """The value of ``text`` as ``parse`` reads it, remembered in ``seen``; None when it is bad."""
    try:
        value = seen[text] = parse(text)
    except BadValue:
        return None
    return value


def _no_month(header: Row) -> Diagnostic:
    return error(
        "the file has no month column ('Månad' or 'month'), and no month was given",
        header.location,
        hint="give the month the file is for: pass --month, e.g. --month 2026-03",
        code="data-no-month",
    )


def _too_many_digits(cell: Cell, title: str, digits: int) -> Diagnostic:
    return error(
        f"{subject(cell, title)} has {digits} digits, more than the {MAX_DIGITS} "
        "a number in this file may have",
        underline(cell),
        hint=f"no count of episodes or days, nor their average, has more than {MAX_DIGITS} "
        "digits; check the row against the source",
        code="data-value",
    )


def _days_without_episodes(cell: Cell, layout: Layout) -> Diagnostic:
    total, episodes = layout.titles["total_days"], layout.titles["episodes"]
    return error(
        f"{subject(cell, total)} is {cell.text}, but '{episodes}' is 0",
        underline(cell),
        hint="days can only be counted in episodes; check the row against the source",
        code="data-inconsistent",
    )


def _fewer_days_than_episodes(cell: Cell, episodes: int, layout: Layout) -> Diagnostic:
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


_Present = Collection[tuple[int, int, str]]
"""The months and municipalities that have figures, as (year, month, name): quick to hash."""


def _check_duplicates(figures: list[MonthlyFigures], problems: Problems) -> _Present:
    """Each municipality may have one row per month; name both rows of a repeat. Gives the
    months and municipalities present."""
    seen: dict[tuple[int, int, str], MonthlyFigures] = {}
    for figure in figures:
        key = (figure.month.year, figure.month.month, figure.municipality)
        first = seen.setdefault(key, figure)
        if first is not figure:
            problems.add(
                error(
                    f"'{figure.municipality}' {figure.month} appears on rows "
                    f"{first.location.line} and {figure.location.line}; "
                    "each municipality may have one row per month",
                    figure.location,
                    hint="remove one of the rows, or correct its municipality or month",
                    code="data-duplicate",
                )
            )
    return seen.keys()


def _average_disagreement(figure: MonthlyFigures, cell: Cell, layout: Layout) -> Diagnostic | None:
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


def _check_complete(
    present: _Present,
    month: YearMonth | None,
    municipalities: Sequence[str],
    path: str,
    header: Row,
    problems: Problems,
) -> None:
    """Warn about each municipality asked for that has no row in a month the file covers."""
    months = {(year, number) for year, number, _ in present}
    months |= {(month.year, month.month)} if month is not None else set()
    where = Location(path, header.number, 1)
    for year, number in sorted(months):
        when = YearMonth(year, number)
        for name in municipalities:
            if (year, number, name) not in present:
                problems.add(
                    warning(f"no figures for '{name}' in {when}", where, code="data-incomplete")
                )


def _report(
    source: Table | CsvText, layout: Layout, reader: _Reader, month: YearMonth | None
) -> ReadReport:
    month_given = not layout.has("month") and month is not None
    notes = (f"no month column: every row is for {month}, the month given",) if month_given else ()
    return ReadReport(
        path=source.path,
        form=source.form,
        header_row=source.header.number,
        rows_read=reader.rows_read,
        rows_used=len(reader.figures),
        excluded=reader.exclusions.freeze(),
        ignored_columns=layout.ignored,
        absent_columns=tuple(n for n in layout.absent if n != "Månad"),
        notes=(*notes, *(source.notes if isinstance(source, Table) else ())),
    )
