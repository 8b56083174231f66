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

Here the file is opened, its columns found, and its rows checked together (one row per
municipality and month; every municipality asked for in every month); the rows are read by
:mod:`.aggregate_rows`, and what one row's figures must agree on is :mod:`.monthly_figures`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from os import PathLike

from agreement_engine.data.aggregate_rows import AggregateReader
from agreement_engine.data.columns import Column, Layout, known_names, resolve
from agreement_engine.data.csv_text import CsvText, open_csv_text
from agreement_engine.data.files import is_xlsx
from agreement_engine.data.monthly_figures import FiguresRead, MonthlyFigures
from agreement_engine.data.plain_figures import Repeat
from agreement_engine.data.report import Problems, ReadReport
from agreement_engine.data.table import Row, Table, unnamed_columns
from agreement_engine.diagnostics import Diagnostic, Location, Text, error, warning
from agreement_engine.months import YearMonth

AGGREGATE_COLUMNS = (
    Column("municipality", ("Kommun", "municipality")),
    Column("month", ("Månad", "month"), required=False),
    Column("episodes", ("Vårdtillfällen", "episodes", "Antal vårdtillfällen")),
    Column("total_days", ("Totalt antal dagar", "total_days")),
    Column("average", ("Snitt", "average"), required=False),
)


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
    layout = _layout(source, month, problems)
    unnamed = unnamed_columns(source.header)
    reader = AggregateReader(name, layout, unnamed, month, municipalities, problems)
    reader.within = within
    reader.read(source)
    _report_repeats(reader.repeats, problems)
    figures = FiguresRead(reader.figures, reader.by_month, reader.day_ratios())
    if municipalities is not None and not problems.errors:
        _check_complete(figures.by_month, month, municipalities, name, source.header, problems)
    problems.raise_if_errors()
    report = _report(source, layout, reader, month)
    return figures, report, problems.sorted_warnings()


def _layout(source: Table | CsvText, month: YearMonth | None, problems: Problems) -> Layout:
    """Where the columns are; without them, the rows cannot be read: then the file's errors are
    raised (a CSV file's rows read for theirs too)."""
    layout = resolve(source.header, AGGREGATE_COLUMNS, problems)
    if layout is not None and not layout.has("month") and month is None:
        problems.add(_no_month(source.header))
        layout = None
    if layout is None:
        if isinstance(source, CsvText):
            source.rows(problems)  # for the problems of the rows, reported too
        problems.raise_if_errors()
        raise AssertionError("a layout is missing only after an error")
    return layout


def _open_table(path: str, known: Collection[str], problems: Problems) -> Table | CsvText:
    """An XLSX file read as a table, or a CSV file read as lines, so that its records can be
    read one by one (see :class:`.CsvText`). Problems that leave nothing to read (an empty or
    undecodable file, a single column) raise :class:`EngineError` at once."""
    if is_xlsx(path):
        from agreement_engine.data.xlsx import read_xlsx_table  # for workbooks only

        return read_xlsx_table(path, known, problems)
    return open_csv_text(path, known)


def _no_month(header: Row) -> Diagnostic:
    return error(
        "the file has no month column ('Månad' or 'month'), and no month was given",
        header.location,
        hint="give the month the file is for: pass --month, e.g. --month 2026-03",
        code="data-no-month",
    )


def _report_repeats(repeats: list[Repeat], problems: Problems) -> None:
    """Each municipality may have one row per month: name both rows of each repeat (the row
    read first, and the repeat), as the reader met them."""
    for first, figure in repeats:
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


def _check_complete(
    present: Mapping[YearMonth, Mapping[str, object]],
    month: YearMonth | None,
    municipalities: Sequence[str],
    path: str,
    header: Row,
    problems: Problems,
) -> None:
    """Warn about each municipality asked for that has no row in a month the file covers."""
    months = set(present) | ({month} if month is not None else set())
    where = Location(path, header.number, 1)
    asked = frozenset(municipalities)
    for when in sorted(months):
        names = present.get(when, {})
        if names.keys() >= asked:  # all there, as in most months: none looked up one by one
            continue
        for name in municipalities:
            if name not in names:
                problems.add(
                    warning(f"no figures for '{name}' in {when}", where, code="data-incomplete")
                )


def _report(
    source: Table | CsvText, layout: Layout, reader: AggregateReader, month: YearMonth | None
) -> ReadReport:
    month_given = not layout.has("month") and month is not None
    notes = (
        (Text("no month column: every row is for {month}, the month given", month=month),)
        if month_given
        else ()
    )
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
