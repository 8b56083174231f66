"""Reading a large data file (millions of rows) into a polars frame of text columns.

The fields of a CSV file (:mod:`.csv_file`) are read by polars' own CSV reader, every column as
text; the file is read a second time, line by line and vectorised, to find the rows whose number
of fields does not match the header, which polars would otherwise pad or cut silently. Only for
the few rows with a problem is the line split again in Python, to find each field's character
column for the caret. XLSX files are read with openpyxl (at most about a million rows,
Excel's limit), cell by cell into text columns.

polars is imported inside the functions, so that importing this module stays cheap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

from agreement_engine.data.csv_file import ROW, CsvFile, column_name, open_csv
from agreement_engine.data.csv_text import field_count_problem, make_row, split_record
from agreement_engine.data.dialect import SPACES
from agreement_engine.data.files import is_xlsx
from agreement_engine.data.reading import Reading
from agreement_engine.data.report import MAX_ERRORS, Problems
from agreement_engine.data.table import HEADER_SEARCH, Cell, Row, column_letter, stray_value
from agreement_engine.data.xlsx import (
    Sheet,
    cell_text,
    check_header_width,
    find_header_row,
    make_cell,
    open_sheet,
)
from agreement_engine.data.xlsx_formulas import unvalued_formulas
from agreement_engine.diagnostics import Diagnostic, EngineError, Location, error
from agreement_engine.frozen import frozen

if TYPE_CHECKING:
    import polars as pl

Locate = Callable[[Mapping[tuple[int, int], str]], dict[tuple[int, int], Cell]]
"""Cells for (row number, 0-based column) pairs, given the text each holds."""


@frozen
class TextFrame:
    """A data file as text columns ``c0``, ``c1``, … (one per header column) and ``_row``.

    The texts are stripped of surrounding spaces (:data:`.dialect.SPACES`), as cells are.

    Rows whose fields do not match the header have been reported and left out.
    """

    path: str
    form: str
    header: Row
    frame: pl.DataFrame
    locate: Locate
    notes: tuple[str, ...] = ()


@contextmanager
def open_text_frame(
    path: str, known: Collection[str], problems: Problems, reading: Reading
) -> Iterator[TextFrame]:
    """The file at ``path`` as a :class:`TextFrame`, CSV or XLSX by its extension; a CSV file's
    encoding as ``reading`` has it (see :func:`.open_csv`)."""
    if is_xlsx(path):
        yield _xlsx_frame(path, known, problems)
        return
    csv = open_csv(path, known, reading)
    try:
        yield _csv_frame(csv, problems)
    finally:
        csv.close()


# --- CSV ---------------------------------------------------------------------------------------


def _csv_frame(csv: CsvFile, problems: Problems) -> TextFrame:
    import polars as pl

    geometry = Geometry(csv)
    geometry.measure()
    try:
        frame = _read_fields(csv)
    except pl.exceptions.PolarsError as exc:
        raise EngineError([geometry.read_failure(exc)]) from None
    frame = geometry.number_rows(frame)
    frame = geometry.drop_bad_rows(frame, problems)
    return TextFrame(csv.path, csv.form, csv.header, frame, geometry.locate)


def _read_fields(csv: CsvFile) -> pl.DataFrame:
    """Every field as text without surrounding spaces, read by polars (streaming, so that the
    unstripped text is never held whole), and each row's number if records are lines."""
    import polars as pl

    return (
        csv.fields()
        .with_columns(pl.col(pl.String).str.strip_chars(SPACES), pl.col(ROW).cast(pl.UInt32))
        .collect(engine="streaming")
    )


class Geometry:
    """Which line each record of a CSV file starts on, and which records have the wrong number
    of fields; found from the file's lines, vectorised."""

    def __init__(self, csv: CsvFile) -> None:
        import polars as pl

        self.path, self.utf8_path = csv.path, csv.utf8_path
        self.separator, self.width, self.header_index = csv.separator, csv.width, csv.header_index
        numbered = pl.scan_lines(csv.utf8_path).with_row_index("i")
        self.lines = numbered.filter(pl.col("i") > csv.header_index)
        self.spans: dict[int, int] = {}  # first line index -> last, for multi-line records
        self.suspects: list[int] = []  # single-line records that may have too few or many fields
        self.starts: pl.Series | None = None  # where records start, when some span lines
        self.first_odd = 0  # the first line with an odd number of quotes

    @property
    def plain(self) -> bool:
        """After :meth:`measure`: whether every record is one line, with the header's number of
        fields as far as the vectorised check can tell."""
        return not self.suspects and self.starts is None

    def measure(self) -> None:
        """Find the lines with an odd number of quotes (multi-line records) and the suspects."""
        import polars as pl

        odd = pl.col("line").str.count_matches('"', literal=True) % 2 == 1
        wrong = self._wrong_field_count()
        found = (
            self.lines.select("i", odd=odd, wrong=wrong)
            .filter(pl.col("odd") | pl.col("wrong"))
            .collect(engine="streaming")
        )
        self.suspects = found.filter(pl.col("wrong"))["i"].to_list()
        if found["odd"].any():
            self.starts = self._record_starts()
            inside = {i for first, last in self.spans.items() for i in range(first, last + 1)}
            self.suspects = [i for i in self.suspects if i not in inside]

    def number_rows(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The frame with each record's row number: polars numbered lines, which differ only
        when records span lines."""
        import polars as pl

        if self.starts is None:
            return frame
        if self.starts.len() != frame.height:
            raise EngineError([self._unpaired_quote()])
        return frame.with_columns((self.starts + 1).cast(pl.UInt32).alias(ROW))

    def _wrong_field_count(self) -> pl.Expr:
        """True for a line (as a whole record) with fewer fields than the header, or more that
        are not empty; may also be true for a few that pass the exact check (``"";""``)."""
        import polars as pl

        sep = self.separator
        # A quote opens a quoted field only where the field begins, as polars reads it: one
        # inside a field (Var"berg) is a character, and the separators after it count.
        quoted = f'(^|{re.escape(sep)})"(?:[^"]|"")*"'
        plain = pl.col("line").str.replace_all(quoted, "${1}x")
        fields = plain.str.count_matches(sep, literal=True) + 1
        kept = plain.str.strip_chars_end(sep + SPACES).str.count_matches(sep, literal=True) + 1
        blank = pl.col("line").str.strip_chars(sep + SPACES) == ""
        return ((fields < self.width) & ~blank) | (kept > self.width)

    def _record_starts(self) -> pl.Series:
        """The 0-based line index each record starts on, when quoted fields hold line breaks: a
        record starts on a line where the quotes since the header pair up."""
        import polars as pl

        quotes = pl.col("line").str.count_matches('"', literal=True).cast(pl.Int64)
        table = self.lines.select(pl.col("i"), q=quotes).collect()
        before = table["q"].cum_sum() - table["q"]
        starts = table.filter((before % 2) == 0)["i"]
        self.first_odd = int(table.filter(pl.col("q") % 2 == 1)["i"][0])
        after_last = self.header_index + 1 + table.height
        ends = starts.shift(-1).fill_null(after_last) - 1
        for first, last in zip(starts.to_list(), ends.to_list(), strict=True):
            if last > first:
                self.spans[first] = last
        return starts

    def read_failure(self, exc: Exception) -> Diagnostic:
        """The error when polars cannot read the file: an unpaired quote, if there is one."""
        if self.starts is not None:
            return self._unpaired_quote()
        message = str(exc).splitlines()[0]
        return error(f"cannot read {self.path} as CSV: {message}", code="data-file")

    def _unpaired_quote(self) -> Diagnostic:
        first_odd = self.first_odd
        text = self._texts([first_odd])[first_odd]
        return error(
            "a double quote in this line is not paired, so the rows cannot be told apart",
            Location(self.path, first_odd + 1, text.find('"') + 1, 1, text),
            hint='put a value that holds quotes in double quotes, each quote written twice ("")',
            code="data-quote",
        )

    def drop_bad_rows(self, frame: pl.DataFrame, problems: Problems) -> pl.DataFrame:
        """Report the records whose number of fields does not match the header; leave them out.

        Every multi-line record is checked; of the single-line suspects, the first ones are
        checked exactly and reported, the rest counted.
        """
        import polars as pl

        examined = sorted([*self.spans, *self.suspects[:MAX_ERRORS]])
        if not examined:
            return frame
        texts = self._texts(self._record_lines(examined))
        bad = []
        for first in examined:
            problem = field_count_problem(self._row(first, texts), self.width, self.separator)
            if problem is not None:
                problems.add(problem)
                bad.append(first + 1)
        unexamined = self.suspects[MAX_ERRORS:]
        problems.add_unshown(len(unexamined))
        numbers = pl.Series([*bad, *(i + 1 for i in unexamined)], dtype=pl.UInt32)
        return frame.filter(~pl.col(ROW).is_in(numbers.implode()))

    def _record_lines(self, firsts: list[int]) -> list[int]:
        return [i for f in firsts for i in range(f, self.spans.get(f, f) + 1)]

    def _texts(self, indexes: list[int]) -> dict[int, str]:
        """The text of some lines, by 0-based index."""
        import polars as pl

        wanted = pl.Series(indexes, dtype=pl.UInt32).implode()
        found = (
            pl.scan_lines(self.utf8_path)
            .with_row_index("i")
            .filter(pl.col("i").is_in(wanted))
            .collect()
        )
        return dict(zip(found["i"].to_list(), found["line"].to_list(), strict=True))

    def _row(self, first: int, texts: Mapping[int, str]) -> Row:
        """The record starting at line index ``first``, split in Python."""
        last = self.spans.get(first, first)
        lines = [texts[i] for i in range(first, last + 1)]
        fields, _ = split_record(lines, 0, self.separator)
        return _shift(make_row(self.path, lines, 1, fields), first)

    def locate(self, requests: Mapping[tuple[int, int], str]) -> dict[tuple[int, int], Cell]:
        firsts = sorted({number - 1 for number, _ in requests})
        texts = self._texts(self._record_lines(firsts))
        rows = {first + 1: self._row(first, texts) for first in firsts}
        return {
            (number, column): _with_text(rows[number].cell(column), text)
            for (number, column), text in requests.items()
        }


def _shift(row: Row, first: int) -> Row:
    """A row split from a window of lines, moved to where the window starts in the file."""

    def moved(loc: Location) -> Location:
        return Location(loc.path, loc.line + first, loc.column, loc.length, loc.source_line)

    cells = tuple(Cell(c.text, moved(c.location), c.ref, c.day) for c in row.cells)
    return Row(row.number + first, cells, moved(row.location))


def _with_text(cell: Cell, text: str) -> Cell:
    return Cell(text, cell.location, cell.ref, cell.day)


# --- XLSX --------------------------------------------------------------------------------------


def _xlsx_frame(path: str, known: Collection[str], problems: Problems) -> TextFrame:
    import polars as pl

    with open_sheet(path) as sheet:
        header, rows = _xlsx_header(path, sheet, known)
        for problem in unvalued_formulas(path, header, known):
            problems.add(problem)
        width = len(header.cells)
        columns: list[list[str]] = [[] for _ in range(width)]
        numbers: list[int] = []
        for number, values in rows:
            texts = [cell_text(v)[0] for v in values]
            for index in range(width, len(texts)):
                if texts[index]:
                    problems.add(
                        stray_value(make_cell(path, number, index + 1, values[index]), index)
                    )
            texts.extend([""] * (width - len(texts)))
            for column, text in zip(columns, texts, strict=False):
                column.append(text)
            numbers.append(number)
        form, notes = sheet.form, sheet.notes
    data = {column_name(i): pl.Series(c, dtype=pl.String) for i, c in enumerate(columns)}
    frame = pl.DataFrame({**data, ROW: pl.Series(numbers, dtype=pl.UInt32)})
    return TextFrame(path, form, header, frame, _xlsx_locate(path), notes)


def _xlsx_header(
    path: str, sheet: Sheet, known: Collection[str]
) -> tuple[Row, Iterator[tuple[int, tuple[object, ...]]]]:
    """The header row, found among the first rows, and the rows after it."""
    numbered = enumerate(sheet.rows, start=1)
    first: list[tuple[Cell, ...]] = []
    seen = 0
    for number, values in numbered:
        cells = tuple(make_cell(path, number, c, v) for c, v in enumerate(values, start=1))
        first.append(cells)
        seen += any(c.text for c in cells)
        if seen == HEADER_SEARCH:
            break
    index = find_header_row(path, first, known, sheet)
    named = [i for i, c in enumerate(first[index]) if c.text]
    header_cells = first[index][: named[-1] + 1] if named else ()
    header = Row(index + 1, header_cells, Location(path, index + 1, 1))
    check_header_width(header)
    buffered: list[tuple[int, tuple[object, ...]]] = [
        (n, tuple(c.text or None for c in cells))  # the text stands for the value again
        for n, cells in enumerate(first[index + 1 :], start=index + 2)
    ]
    return header, _chain(buffered, numbered)


def _chain(
    buffered: list[tuple[int, tuple[object, ...]]],
    rest: Iterator[tuple[int, tuple[object, ...]]],
) -> Iterator[tuple[int, tuple[object, ...]]]:
    yield from buffered
    yield from rest


def _xlsx_locate(path: str) -> Locate:
    def locate(requests: Mapping[tuple[int, int], str]) -> dict[tuple[int, int], Cell]:
        return {
            (row, column): Cell(
                text, Location(path, row, column + 1), f"{column_letter(column + 1)}{row}"
            )
            for (row, column), text in requests.items()
        }

    return locate


__all__ = [
    "ROW",
    "CsvFile",
    "Geometry",
    "TextFrame",
    "column_name",
    "open_csv",
    "open_text_frame",
]
