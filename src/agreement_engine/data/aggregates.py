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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from os import PathLike
from typing import TypeVar

from agreement_engine.data.columns import Column, Layout, known_names, resolve
from agreement_engine.data.dialect import (
    BadValue,
    decimals_written,
    format_decimal,
    looks_misspelt,
    match_municipality,
    parse_decimal,
    parse_month,
    parse_whole_number,
)
from agreement_engine.data.messages import bad_value, subject, underline, unknown_municipality
from agreement_engine.data.report import Exclusions, Problems, ReadReport
from agreement_engine.data.table import Cell, Row, Table, check_unnamed, read_table
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
) -> tuple[list[MonthlyFigures], ReadReport, list[Diagnostic]]:
    """The monthly figures in a CSV or XLSX file, how the file was read, and any warnings.

    ``month`` is the month of a file without a month column (and filters a file with one).
    ``municipalities`` are those asked for, spelt as the caller wants them back: rows naming
    one of them (see :func:`.dialect.match_municipality`) are used; a name so like one of them
    that it is probably misspelt is an error with a suggestion; any other name is another
    municipality, whose rows are left out and reported. With None, every row is used as written.

    Raises :class:`EngineError` with every error found (up to a cap) and the warnings.
    """
    name = str(path)
    problems = Problems(name)
    table = read_table(name, known_names(AGGREGATE_COLUMNS), problems)
    layout = resolve(table.header, AGGREGATE_COLUMNS, problems)
    if layout is not None and not layout.has("month") and month is None:
        problems.add(_no_month(table.header))
        layout = None
    if layout is None:  # without the columns, the rows cannot be read
        problems.raise_if_errors()
        raise AssertionError("a layout is missing only after an error")
    check_unnamed(table, problems)
    reader = _Reader(table, layout, month, municipalities, problems)
    figures = reader.read()
    _check_duplicates(figures, problems)
    if municipalities is not None and not problems.errors:
        _check_complete(figures, month, municipalities, table, problems)
    problems.raise_if_errors()
    report = _report(table, layout, len(figures), reader.exclusions, month)
    return figures, report, problems.sorted_warnings()


class _Excluded(Exception):
    """A row is left out, for a reason the report gives."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(reason)
        self.reason, self.detail = reason, detail


class _Reader:
    """Reads the rows of an aggregates table into figures, recording problems and exclusions.

    A row is used, or excluded (empty, another municipality, another month: then its figures
    are not checked), or has errors.
    """

    def __init__(
        self,
        table: Table,
        layout: Layout,
        month: YearMonth | None,
        municipalities: Sequence[str] | None,
        problems: Problems,
    ) -> None:
        self.table, self.layout, self.month = table, layout, month
        self.municipalities, self.problems = municipalities, problems
        self.exclusions = Exclusions()

    def read(self) -> list[MonthlyFigures]:
        figures = []
        for row in self.table.rows:
            try:
                figure = self._figure(row)
            except _Excluded as excluded:
                self.exclusions.add(excluded.reason, row.number, excluded.detail or None)
                continue
            if figure is not None:
                figures.append(figure)
        return figures

    def _figure(self, row: Row) -> MonthlyFigures | None:
        if row.blank:
            raise _Excluded("empty row", "")
        errors_before = len(self.problems.errors)
        municipality = self._municipality(row)
        when = self._month(row)
        episodes = self._value(row, "episodes", parse_whole_number)
        total = self._value(row, "total_days", parse_decimal)
        average = self._value(row, "average", parse_decimal, optional=True)
        if len(self.problems.errors) > errors_before:
            return None
        assert municipality is not None and when is not None
        assert episodes is not None and total is not None
        if episodes == 0 and total != 0:
            self.problems.add(_days_without_episodes(self._cell(row, "total_days"), self.layout))
            return None
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
        return written

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


def _no_month(header: Row) -> Diagnostic:
    return error(
        "the file has no month column ('Månad' or 'month'), and no month was given",
        header.location,
        hint="give the month the file is for: pass --month, e.g. --month 2026-03",
        code="data-no-month",
    )


def _days_without_episodes(cell: Cell, layout: Layout) -> Diagnostic:
    total, episodes = layout.titles["total_days"], layout.titles["episodes"]
    return error(
        f"{subject(cell, total)} is {cell.text}, but '{episodes}' is 0",
        underline(cell),
        hint="days can only be counted in episodes; check the row against the source",
        code="data-inconsistent",
    )


def _check_duplicates(figures: list[MonthlyFigures], problems: Problems) -> None:
    """Each municipality may have one row per month; name both rows of a repeat."""
    seen: dict[tuple[str, YearMonth], MonthlyFigures] = {}
    for figure in figures:
        key = (figure.municipality, figure.month)
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
            f"(±{format_decimal(Decimal(allowed.numerator) / allowed.denominator, mark)})"
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
    """``= 5`` when exact within ``decimals`` places, else ``≈ 4,333`` rounded to them."""
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(quotient.numerator) / quotient.denominator
        rounded = exact.quantize(Decimal(1).scaleb(-decimals))
    if Fraction(rounded) == quotient:
        return f"= {format_decimal(rounded.normalize(), mark)}"
    return f"≈ {format_decimal(rounded, mark)}"


def _check_complete(
    figures: list[MonthlyFigures],
    month: YearMonth | None,
    municipalities: Sequence[str],
    table: Table,
    problems: Problems,
) -> None:
    """Warn about each municipality asked for that has no row in a month the file covers."""
    months = {f.month for f in figures} | ({month} if month is not None else set())
    present = {(f.municipality, f.month) for f in figures}
    where = Location(table.path, table.header.number, 1)
    for when in sorted(months):
        for name in municipalities:
            if (name, when) not in present:
                problems.add(
                    warning(f"no figures for '{name}' in {when}", where, code="data-incomplete")
                )


def _report(
    table: Table, layout: Layout, used: int, exclusions: Exclusions, month: YearMonth | None
) -> ReadReport:
    month_given = not layout.has("month") and month is not None
    notes = (f"no month column: every row is for {month}, the month given",) if month_given else ()
    return ReadReport(
        path=table.path,
        form=table.form,
        header_row=table.header.number,
        rows_read=len(table.rows),
        rows_used=used,
        excluded=exclusions.freeze(),
        ignored_columns=layout.ignored,
        absent_columns=tuple(n for n in layout.absent if n != "Månad"),
        notes=(*notes, *table.notes),
    )
