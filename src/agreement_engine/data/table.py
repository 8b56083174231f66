"""A data file read as rows of cells that know where they are: what the CSV and the XLSX
readers both give, and what every message points at.

A cell keeps its text (without surrounding spaces) and its place: line and character column in a
CSV file, so that a problem can be shown with a caret under it; row, column and name (``B7``) in
a workbook. The header is the first non-empty row among the first :data:`HEADER_SEARCH` that
names known columns; rows above it (a title, an export date) are skipped and their number
reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from agreement_engine.data.report import Problems
from agreement_engine.diagnostics import Diagnostic, Location, error
from agreement_engine.frozen import frozen

HEADER_SEARCH = 10
"""The first non-empty rows among which the header is looked for."""


@frozen
class Cell:
    """One field: its text without surrounding spaces, and where it is.

    ``ref`` is the spreadsheet cell (``B7``) for XLSX files, None for CSV. ``day`` is the date a
    spreadsheet date cell holds (so a month column may hold dates), None otherwise.
    """

    text: str
    location: Location
    ref: str | None = None
    day: date | None = None


@frozen
class Row:
    """A row of the file: its number (1-based, the header counts), cells, and the whole row."""

    number: int
    cells: tuple[Cell, ...]
    location: Location

    @property
    def blank(self) -> bool:
        return all(not c.text for c in self.cells)

    def cell(self, index: int) -> Cell:
        """The cell in column ``index`` (0-based); an empty one past the end of a short row."""
        if index < len(self.cells):
            return self.cells[index]
        loc = self.location
        end = len(loc.source_line) + 1 if loc.source_line is not None else index + 1
        return Cell("", Location(loc.path, loc.line, end, 1, loc.source_line))


@frozen
class Table:
    """A file read as a header and rows; ``rows`` end at the last non-empty row."""

    path: str
    form: str
    header: Row
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()


def column_letter(column: int) -> str:
    """The spreadsheet name of a 1-based column number: 1 is A, 27 is AA."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def drop_trailing_blanks(rows: list[Row]) -> list[Row]:
    end = len(rows)
    while end and rows[end - 1].blank:
        end -= 1
    return rows[:end]


def stray_value(cell: Cell, index: int) -> Diagnostic:
    """The error for a value in a column that has no name in the header (0-based ``index``)."""
    where = f"cell {cell.ref}" if cell.ref else f"field {index + 1}"
    return error(
        f"{where} has a value, '{cell.text}', but its column has no name in the header",
        cell.location,
        hint="name the column in the header, or remove the value",
        code="data-fields",
    )


def unnamed_columns(header: Row) -> tuple[int, ...]:
    """The positions (0-based) of the header's empty cells: values under them would be ignored."""
    return tuple(i for i, c in enumerate(header.cells) if not c.text)


def check_unnamed(row: Row, unnamed: Sequence[int], problems: Problems) -> None:
    """Report each value of ``row`` in a column of ``unnamed`` (see :func:`unnamed_columns`)
    instead of ignoring it."""
    for index in unnamed:
        cell = row.cell(index)
        if cell.text:
            problems.add(stray_value(cell, index))
