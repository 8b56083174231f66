"""Reading the first sheet of an Excel workbook (``.xlsx``) as text cells.

openpyxl reads the workbook in read-only mode with cached formula results (``data_only``).
Every cell becomes the text it would be in a CSV file, so that one set of rules reads both:

- whole numbers stay exact (``12``); a number with decimals, which Excel stores as a binary
  float, becomes the shortest decimal that is that float (``Decimal(repr(x))``): a typed ``4,3``
  is stored as 4.2999999999999998 and reads back as ``4.3``, what was typed;
- a date becomes ``2026-03-15`` (and remembers the date, so a month column may hold the first of
  the month, as Excel makes of a typed ``2026-03``); a date and time ``2026-03-15 08:30``; a time
  of day ``13:45`` (``13:45:30`` with seconds), rounded to the second;
- TRUE/FALSE become ``true``/``false``; text is kept as written, without surrounding spaces.

Problems are located by row and column number, and messages name the cell (``cell B7``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from agreement_engine.data.dialect import SPACES, normalise_name
from agreement_engine.data.files import check_data_file
from agreement_engine.data.limits import bounded_rows, check_workbook
from agreement_engine.data.report import Problems
from agreement_engine.data.table import (
    HEADER_SEARCH,
    Cell,
    Row,
    Table,
    column_letter,
    drop_trailing_blanks,
    stray_value,
)
from agreement_engine.data.xlsx_formulas import unvalued_formulas
from agreement_engine.diagnostics import Diagnostic, EngineError, Location, Text, error
from agreement_engine.frozen import frozen

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook


@frozen
class Sheet:
    """The first sheet of a workbook: its name, the other sheets' names, and its rows."""

    name: str
    others: tuple[str, ...]
    rows: Iterator[tuple[object, ...]]
    filled_other: Callable[[], str | None] = lambda: None
    """The name of the first other sheet with a value, looked for only when asked: for the
    first sheet found empty."""

    @property
    def form(self) -> str:
        return Text("XLSX (sheet '{sheet}')", sheet=self.name)

    @property
    def notes(self) -> tuple[str, ...]:
        if not self.others:
            return ()
        names = ", ".join(f"'{n}'" for n in self.others)
        return (Text("only the first sheet was read; not read: {names}", names=names),)


@contextmanager
def open_sheet(path: str) -> Iterator[Sheet]:
    """The first sheet of the workbook at ``path``, open while the context lasts."""
    from openpyxl import load_workbook

    check_data_file(path)
    check_workbook(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl's own, for parts it cannot make sense of: any kind
        raise EngineError([_unreadable(path, exc)]) from None
    try:
        if not book.worksheets:
            raise EngineError([_unreadable(path, ValueError("it has no sheet"))])
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # do not trust the stored dimensions: they may cut rows short
        cells = sheet.iter_rows(min_row=1, min_col=1, values_only=True)
        rows = bounded_rows(path, guarded(path, cells))
        others = tuple(str(s.title) for s in book.worksheets[1:])
        yield Sheet(str(sheet.title), others, rows, lambda: _first_filled(book, path))
    finally:
        book.close()


def guarded(path: str, rows: Iterator[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    """openpyxl's rows, read as they are needed; what it raises on XML it cannot make sense of
    (of any kind: it checks little) is said as a workbook that cannot be read."""
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:
            raise EngineError([_unreadable(path, exc)]) from None
        yield values


def _first_filled(book: Workbook, path: str) -> str | None:
    """The name of the first sheet after the first with a value in a cell, if any."""
    for sheet in book.worksheets[1:]:
        sheet.reset_dimensions()
        where = f"sheet '{sheet.title}' of {path}"
        for values in bounded_rows(where, guarded(path, sheet.iter_rows(values_only=True))):
            if any(cell_text(v)[0] for v in values):
                return str(sheet.title)
    return None


def _unreadable(path: str, exc: Exception) -> Diagnostic:
    return error(
        f"cannot read {path} as an Excel workbook ({exc})",
        hint="save it from Excel as 'Excel Workbook (.xlsx)', or as CSV",
        code="data-file",
    )


def cell_text(value: object) -> tuple[str, date | None]:
    """The text a cell value stands for, and the date when it is a date cell (see module doc)."""
    if value is None:
        return "", None
    if isinstance(value, bool):
        return ("true" if value else "false"), None
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, float):
        return f"{Decimal(repr(value)):f}", None
    if isinstance(value, datetime):
        return _datetime_text(_to_second(value))
    if isinstance(value, date):
        return value.isoformat(), value
    if isinstance(value, time):
        moment = _to_second(datetime.combine(date(2000, 1, 1), value))
        return _time_text(moment.time()), None
    return str(value).strip(SPACES), None


def _to_second(moment: datetime) -> datetime:
    """Round to the nearest second: Excel stores times as fractions of a day."""
    whole = moment.replace(microsecond=0)
    return whole + timedelta(seconds=1) if moment.microsecond >= 500_000 else whole


def _datetime_text(moment: datetime) -> tuple[str, date | None]:
    if moment.time() == time(0):
        return moment.date().isoformat(), moment.date()
    return f"{moment.date().isoformat()} {_time_text(moment.time())}", None


def _time_text(moment: time) -> str:
    return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")


def make_cell(path: str, row: int, column: int, value: object) -> Cell:
    text, day = cell_text(value)
    return Cell(text, Location(path, row, column), f"{column_letter(column)}{row}", day)


def read_xlsx_table(path: str, known: Collection[str], problems: Problems) -> Table:
    """The first sheet as a table; cells right of the header's last column must be empty."""
    with open_sheet(path) as sheet:
        rows = [_row(path, number, values) for number, values in enumerate(sheet.rows, start=1)]
        header = rows[find_header_row(path, [r.cells for r in rows], known, sheet)]
        form, notes = sheet.form, sheet.notes
    width = _width(header)
    header = Row(header.number, header.cells[:width], header.location)
    check_header_width(header)
    for problem in unvalued_formulas(path, header, known):
        problems.add(problem)
    data: list[Row] = []
    for row in rows[header.number :]:
        for index, cell in enumerate(row.cells[width:], start=width):
            if cell.text:
                problems.add(stray_value(cell, index))
        data.append(Row(row.number, row.cells[:width], row.location))
    return Table(path, form, header, tuple(drop_trailing_blanks(data)), notes)


def _row(path: str, number: int, values: tuple[object, ...]) -> Row:
    cells = tuple(make_cell(path, number, col, v) for col, v in enumerate(values, start=1))
    return Row(number, cells, Location(path, number, 1))


def find_header_row(
    path: str, rows: list[tuple[Cell, ...]], known: Collection[str], sheet: Sheet
) -> int:
    """The index of the header: the row naming the most known columns among the first non-empty
    rows of ``sheet``; failing that, the first non-empty row."""
    candidates = [i for i, cells in enumerate(rows) if any(c.text for c in cells)][:HEADER_SEARCH]
    if not candidates:
        raise EngineError([_empty_sheet(path, sheet)])
    scores = [sum(normalise_name(c.text) in known for c in rows[i]) for i in candidates]
    return candidates[scores.index(max(scores))]


def _empty_sheet(path: str, sheet: Sheet) -> Diagnostic:
    """The error for a workbook whose first sheet is empty; when another sheet has rows, the
    hint names it, as only the first sheet is read."""
    filled = sheet.filled_other() if sheet.others else None
    hint = None
    if filled is not None:
        hint = (
            f"only the first sheet, '{sheet.name}', is read, but sheet '{filled}' has rows: "
            "move that sheet first (drag its tab to the far left), or delete the sheets "
            "before it"
        )
    message = f"{path} is empty: its first sheet has no rows"
    return error(message, hint=hint, code="data-empty")


def _width(header: Row) -> int:
    named = [i for i, c in enumerate(header.cells) if c.text]
    return named[-1] + 1 if named else 0


def check_header_width(header: Row) -> None:
    """Stop at once when the header has a single column: the columns were not split."""
    if len(header.cells) > 1:
        return
    raise EngineError(
        [
            error(
                f"found only one column in the header row (row {header.number})",
                header.location,
                hint="put each column in a spreadsheet column of its own "
                "(Excel: Data › Text to Columns)",
                code="data-separator",
            )
        ]
    )
