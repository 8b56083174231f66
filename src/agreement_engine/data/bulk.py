"""Reading a large data file (millions of rows) into a polars frame of text columns.

The fields are read by polars' own CSV reader, every column as text; the file is read a second
time, line by line and vectorised, to find the rows whose number of fields does not match the
header, which polars would otherwise pad or cut silently. Only for the few rows with a problem
is the line split again in Python, to find each field's character column for the caret.

A file that is not UTF-8 (Windows-1252, UTF-16, or lines ended by a lone CR) is first copied to a
temporary UTF-8 file, in chunks. XLSX files are read with openpyxl (at most about a million rows,
Excel's limit), cell by cell into text columns.

polars is imported inside the functions, so that importing this module stays cheap.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from agreement_engine.data.dialect import SPACES
from agreement_engine.data.report import MAX_ERRORS, Problems
from agreement_engine.data.table import (
    BOMS,
    HEADER_SEARCH,
    Cell,
    Row,
    check_columns,
    field_count_problem,
    find_header,
    make_row,
    split_lines,
    split_record,
    stray_value,
    undecodable,
)
from agreement_engine.data.xlsx import (
    Sheet,
    cell_text,
    check_header_width,
    column_letter,
    find_header_row,
    make_cell,
    open_sheet,
)
from agreement_engine.diagnostics import Diagnostic, EngineError, Location, error

if TYPE_CHECKING:
    import polars as pl

ROW = "_row"
"""The column holding each row's number in the file (the header counts as a row)."""

_CHUNK = 1 << 22
_HEAD = 1 << 18
_QUOTED = r'"[^"]*"'
_SEPARATOR_NAMES = {";": "';'", "\t": "tab", ",": "','"}

Locate = Callable[[Mapping[tuple[int, int], str]], dict[tuple[int, int], Cell]]
"""Cells for (row number, 0-based column) pairs, given the text each holds."""


@dataclass(frozen=True, slots=True)
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


def column_name(index: int) -> str:
    return f"c{index}"


@dataclass(frozen=True, slots=True)
class PlainLines:
    """The rows of a file without quotes, every line ended alike and none left empty at the end:
    what lets a count of bytes vouch for their fields (:meth:`CsvFile.whole_records`)."""

    size: int
    """The bytes after the header's line."""
    ending: int
    """The bytes that end each line: 1 (LF) or 2 (CRLF, which polars takes off)."""


class _Marks(NamedTuple):
    """Whether a file holds a double quote, and a carriage return, anywhere."""

    quote: bool = False
    carriage_return: bool = False

    def seen(self, chunk: bytes) -> _Marks:
        return _Marks(self.quote or b'"' in chunk, self.carriage_return or b"\r" in chunk)


@dataclass(frozen=True, slots=True)
class CsvFile:
    """A CSV file as polars reads it: a UTF-8 file (a copy, for other encodings), where its header
    is, and whether any field can be quoted.

    A copy lives as long as this object (or until :meth:`close`), so that the file can be read
    again, column by column, as often as needed.
    """

    path: str
    utf8_path: str
    encoding: str
    header: Row
    header_index: int
    """The header's 0-based line in the file; rows are numbered from the line after it."""
    separator: str
    quoted: bool
    """Whether the file holds a double quote anywhere; without one, every record is one line."""
    copy: tempfile.TemporaryDirectory[str] | None = None
    plain: PlainLines | None = None
    """The rows' lines, when a count of bytes can vouch for their fields (see
    :meth:`whole_records`)."""

    @property
    def width(self) -> int:
        return len(self.header.cells)

    @property
    def form(self) -> str:
        return f"CSV ({self.encoding}, separated by {_SEPARATOR_NAMES[self.separator]})"

    def fields(self, whole: bool = False) -> pl.LazyFrame:
        """Every field as text, as written (spaces kept), one column per header column, and each
        record's number in ``_row`` (right while records are lines).

        A record with fewer fields is padded with empty ones; one with more is cut to the
        header's width, or, when ``whole``, fails the read (a polars error).
        """
        import polars as pl

        return pl.scan_csv(
            self.utf8_path,
            has_header=False,
            skip_lines=self.header_index + 1,
            separator=self.separator,
            quote_char='"',
            schema={column_name(i): pl.String for i in range(self.width)},
            missing_columns="insert",
            # a first row with more fields must not set the width
            extra_columns="raise" if whole else "ignore",
            truncate_ragged_lines=not whole,
            empty_string_is_null=False,
            raise_if_empty=False,
            encoding="utf8",
            row_index_name=ROW,
            row_index_offset=self.header_index + 2,
        )

    def lines(self) -> pl.LazyFrame:
        """The lines after the header (``line``), each with its number in ``_row``."""
        import polars as pl

        numbered = pl.scan_lines(self.utf8_path).with_row_index(ROW, offset=1)
        return numbered.filter(pl.col(ROW) > self.header_index + 1)

    def whole_records(self, records: int, text_bytes: int) -> bool:
        """Whether each of the ``records`` rows read by ``fields(whole=True)``, whose fields hold
        ``text_bytes`` bytes in all, has exactly the header's fields.

        Such a read fails on a record with more fields but pads one with fewer. The file's size
        tells: the bytes that are not the fields' text are separators and line ends, and each
        record holds at most the header's separators, so their count is exactly that of full
        records only when no record is short. Unknown (False) unless :attr:`plain`.
        """
        plain = self.plain
        if plain is None:
            return False
        return plain.size == text_bytes + records * (self.width - 1 + plain.ending)

    def close(self) -> None:
        """Remove the UTF-8 copy, if one was made."""
        if self.copy is not None:
            self.copy.cleanup()


def open_csv(path: str, known: Collection[str]) -> CsvFile:
    """The CSV file at ``path``, its header found among its first rows by the ``known`` names.

    Raises :class:`EngineError` when the file cannot be read or decoded, or has no header.
    """
    utf8_path, encoding, copy, marks = _utf8_file(path)
    try:
        head = _head_lines(utf8_path)
        header_index, separator = find_header(path, head, known)
        fields, _ = split_record(head, header_index, separator)
        header = make_row(path, head, header_index + 1, fields)
        check_columns(header, separator)
        plain = None if marks.quote else _plain_lines(utf8_path, header_index, marks)
    except BaseException:
        if copy is not None:
            copy.cleanup()
        raise
    return CsvFile(
        path, utf8_path, encoding, header, header_index, separator, marks.quote, copy, plain
    )


@contextmanager
def open_text_frame(path: str, known: Collection[str], problems: Problems) -> Iterator[TextFrame]:
    """The file at ``path`` as a :class:`TextFrame`, CSV or XLSX by its extension."""
    if is_xlsx(path):
        yield _xlsx_frame(path, known, problems)
        return
    csv = open_csv(path, known)
    try:
        yield _csv_frame(csv, problems)
    finally:
        csv.close()


def is_xlsx(path: str) -> bool:
    """Whether a data file is read as a workbook (else as CSV), by its extension."""
    return Path(path).suffix.casefold() in (".xlsx", ".xlsm")


# --- CSV ---------------------------------------------------------------------------------------


def _utf8_file(path: str) -> tuple[str, str, tempfile.TemporaryDirectory[str] | None, _Marks]:
    """A UTF-8 file polars can read with the same lines as ``path``, the original encoding's name,
    the temporary directory of the copy if one was made, and what the UTF-8 file holds."""
    codec, name, marks = _encoding(path)
    if codec == "utf-8" and not _lone_carriage_returns(path):
        return path, name, None, marks
    folder = tempfile.TemporaryDirectory(prefix="agreement-engine-")
    copy = str(Path(folder.name) / "utf8.csv")
    quoted = False
    try:
        with (
            open(path, encoding=codec, newline=None) as source,
            open(copy, "w", encoding="utf-8", newline="\n") as target,
        ):
            while chunk := source.read(_CHUNK):
                quoted = quoted or '"' in chunk
                target.write(chunk)
    except BaseException:
        folder.cleanup()
        raise
    return copy, name, folder, _Marks(quote=quoted)  # lines end in LF alone in the copy


def _encoding(path: str) -> tuple[str, str, _Marks]:
    """The codec to read a file with, the encoding's name for people, and what the file holds
    (known only for files read in place; else nothing)."""
    try:
        with open(path, "rb") as file:
            start = file.read(4)
    except OSError as exc:
        raise EngineError(
            [error(f"cannot read {path}: {exc.strerror}", code="data-file")]
        ) from None
    for bom, codec, name in BOMS:
        if start.startswith(bom):
            if codec == "utf-8-sig":
                _, marks = _check_stream(path, "utf-8", name)
                return "utf-8", name, marks
            return codec, name, _Marks()
    decodes, marks = _check_stream(path, "utf-8", None)
    if decodes:
        return "utf-8", "UTF-8", marks
    _check_stream(path, "cp1252", "UTF-8 or Windows-1252")
    return "cp1252", "Windows-1252", _Marks()


def _check_stream(path: str, codec: str, expected: str | None) -> tuple[bool, _Marks]:
    """Whether the whole file decodes strictly, and what it holds; when it does not decode and
    ``expected`` is given, raise the error for the first byte that cannot be read.

    Chunks of plain ASCII (most of a large extract) need no decoding: they are valid in both
    encodings, provided no character is left half-read from the chunk before.
    """
    decoder = codecs.getincrementaldecoder(codec)("strict")
    read = 0
    marks = _Marks()
    with open(path, "rb") as file:
        while True:
            chunk = file.read(_CHUNK)
            marks = marks.seen(chunk)
            try:
                if not (chunk.isascii() and not decoder.getstate()[0]):
                    decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                if expected is None:
                    return False, marks
                lines = _count_lines(path, read)
                raise EngineError([_undecodable_in(path, exc, lines, expected)]) from None
            if not chunk:
                return True, marks
            read += len(chunk)


def _count_lines(path: str, end: int) -> int:
    """The line ends in the first ``end`` bytes of a file."""
    lines = 0
    with open(path, "rb") as file:
        while end > 0:
            chunk = file.read(min(_CHUNK, end))
            if not chunk:
                break
            lines += chunk.count(b"\n")
            end -= len(chunk)
    return lines


def _undecodable_in(path: str, exc: UnicodeDecodeError, lines: int, expected: str) -> Diagnostic:
    """The error for a decoding failure in a chunk, after ``lines`` lines of earlier chunks.

    The decoder's input (``exc.object``) is the chunk after at most a few bytes held over from
    the last one, which hold no line end.
    """
    data = exc.object
    start = data.rfind(b"\n", 0, exc.start) + 1
    base = lines + data.count(b"\n", 0, start)
    return undecodable(path, data[start:], exc.start - start, expected, base)


def _plain_lines(utf8_path: str, header_index: int, marks: _Marks) -> PlainLines | None:
    """The rows' lines of a file without quotes, unless a line of the head ends in a lone CR,
    or LF and CRLF both end lines (by the header's line and any CR), or the file does not end
    in one line end."""
    with open(utf8_path, "rb") as file:
        head = file.read(_HEAD)
        size = file.seek(0, os.SEEK_END)
        file.seek(max(0, size - 3))
        tail = file.read()
    start = 0
    for _ in range(header_index + 1):
        start = head.find(b"\n", start) + 1
        if not start:
            return None
    before = head[:start]
    if before.count(b"\r") != before.count(b"\r\n"):
        return None
    crlf = before.endswith(b"\r\n")
    if not crlf and marks.carriage_return:
        return None
    if not tail.endswith(b"\n") or tail.endswith((b"\n\n", b"\n\r\n")):
        return None
    return PlainLines(size - start, 2 if crlf else 1)


def _lone_carriage_returns(path: str) -> bool:
    """Whether lines end in a lone CR (old Mac files), which polars does not split on."""
    with open(path, "rb") as file:
        head = file.read(_HEAD)
    return b"\r" in head and b"\n" not in head


def _head_lines(utf8_path: str) -> list[str]:
    """The complete lines at the start of a UTF-8 file (enough to find the header)."""
    with open(utf8_path, "rb") as file:
        head = file.read(_HEAD)
    end = head.rfind(b"\n")
    text = head[: end + 1] if end >= 0 else head
    return split_lines(text.decode("utf-8-sig", errors="replace"))


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
        plain = pl.col("line").str.replace_all(_QUOTED, "x")  # "a""b" is two quoted parts
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
    index = find_header_row(path, first, known)
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
    "is_xlsx",
    "open_csv",
    "open_text_frame",
]
