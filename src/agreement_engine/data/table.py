"""Reading a data file into rows of cells that know where they are.

Both kinds of data file are tables. A CSV file is decoded (UTF-8 with or without BOM, else
Windows-1252; UTF-16 with BOM too, as Excel's "Unicode text" writes), its separator sniffed from
the header line (``;``, tab or ``,``), and each field kept with its line and character column so
that a problem can be shown with a caret under it. An XLSX file is read by :mod:`.xlsx`.

A data file must be a regular file (:func:`check_data_file`): it is read more than once.

The header is the first non-empty row among the first ten that names known columns; rows above
it (a title, an export date) are skipped and their number reported.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from agreement_engine.data.dialect import SPACES, normalise_name
from agreement_engine.data.limits import too_many_columns
from agreement_engine.data.report import Problems
from agreement_engine.diagnostics import Diagnostic, EngineError, Location, Text, error

SEPARATORS = (";", "\t", ",")
HEADER_SEARCH = 10
_SEPARATOR_NAMES = {";": "';'", "\t": "tab", ",": "','"}
BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8 with BOM"),
    # UTF-32's little-endian mark begins with UTF-16's: it is looked for first.
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)
"""The byte-order marks a text file may begin with: the codec that reads it, and its name."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One field: its text without surrounding spaces, and where it is.

    ``ref`` is the spreadsheet cell (``B7``) for XLSX files, None for CSV. ``day`` is the date a
    spreadsheet date cell holds (so a month column may hold dates), None otherwise.
    """

    text: str
    location: Location
    ref: str | None = None
    day: date | None = None


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Table:
    """A file read as a header and rows; ``rows`` end at the last non-empty row."""

    path: str
    form: str
    header: Row
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Field:
    """A CSV field as written: its text (quotes removed) and where it starts (1-based)."""

    text: str
    line: int
    column: int
    length: int


def read_table(path: str, known: Collection[str], problems: Problems) -> Table:
    """The file as a table, CSV or XLSX by its extension; ``known`` are normalised column names.

    Rows whose fields do not match the header are reported to ``problems`` and left out.
    Problems that leave nothing to read (an empty or undecodable file, a single column) raise
    :class:`EngineError` at once.
    """
    source = open_table(path, known, problems)
    return source if isinstance(source, Table) else source.table(problems)


def open_table(path: str, known: Collection[str], problems: Problems) -> Table | CsvText:
    """An XLSX file read as a table, or a CSV file read as lines, so that its records can be
    read one by one (see :class:`CsvText`); problems as for :func:`read_table`."""
    if Path(path).suffix.casefold() in (".xlsx", ".xlsm"):
        from agreement_engine.data.xlsx import read_xlsx_table

        return read_xlsx_table(path, known, problems)
    return open_csv_text(path, known)


@dataclass(frozen=True, slots=True)
class CsvText:
    """A CSV file decoded into lines, with its header found: the records after it are read by
    :meth:`record`, or all at once by :meth:`table`.

    ``body`` is the index in ``lines`` of the first line after the header record. A line without
    a double quote is a record of its own, whose fields are ``line.split(separator)``: a reader
    may take such lines itself, as :meth:`record` would give the same fields.
    """

    path: str
    form: str
    separator: str
    lines: Sequence[str]
    header: Row
    body: int

    def record(self, start: int, problems: Problems) -> tuple[Row | None, int]:
        """The row of the record starting at ``lines[start]``, and the index of the next record.

        A record whose fields do not match the header, or whose quote is never closed, is
        reported to ``problems`` and gives None; after an unclosed quote the index is past the
        end of ``lines``.
        """
        lines = self.lines
        fields, index = split_record(lines, start, self.separator)
        if index > len(lines):
            problems.add(_unclosed_quote(self.path, lines, fields[-1]))
            return None, index
        row = make_row(self.path, lines, start + 1, fields)
        problem = field_count_problem(row, len(self.header.cells), self.separator)
        if problem is not None:
            problems.add(problem)
            return None, index
        return row, index

    def rows(self, problems: Problems) -> list[Row]:
        """The rows of every record after the header (blank ones too), reporting the bad ones."""
        rows: list[Row] = []
        index = self.body
        while index < len(self.lines):
            row, index = self.record(index, problems)
            if row is not None:
                rows.append(row)
        return rows

    def table(self, problems: Problems) -> Table:
        """The whole file as a table (see :func:`read_table`)."""
        rows = drop_trailing_blanks(self.rows(problems))
        return Table(self.path, self.form, self.header, tuple(rows))


def open_csv_text(path: str, known: Collection[str]) -> CsvText:
    """A CSV file decoded, split into lines, its header found and checked; see :class:`CsvText`.

    Raises :class:`EngineError` when the file cannot be read or decoded, is empty, or its header
    has a single column.
    """
    text, encoding = decode(_read_bytes(path), path)
    lines = split_lines(text)
    header_index, separator = find_header(path, lines, known)
    fields, index = split_record(lines, header_index, separator)
    header = make_row(path, lines, header_index + 1, fields)
    check_columns(header, separator)
    form = Text(
        "CSV ({encoding}, separated by {separator})",
        encoding=encoding,
        separator=_SEPARATOR_NAMES[separator],
    )
    return CsvText(path, form, separator, lines, header, index)


def _read_bytes(path: str) -> bytes:
    with open_data_file(path) as file:
        return file.read()


def open_data_file(path: str) -> BinaryIO:
    """The data file at ``path``, open to read its bytes, once :func:`check_data_file` has
    found it a regular file."""
    check_data_file(path)
    try:
        return open(path, "rb")
    except OSError as exc:
        raise EngineError([_cannot_read(path, exc.strerror)]) from None


def check_data_file(path: str) -> None:
    """Stop at once unless ``path`` is a regular file: one that exists, and no folder, pipe or
    device.

    A data file is read more than once (to tell what it holds, to find its header, to read its
    rows), but a pipe (``<(...)``, a FIFO) gives its bytes only once and a device such as
    ``/dev/zero`` may never end; a pipe is even waited on, maybe forever, when it is opened. So
    the path is looked at before it is opened.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise EngineError([_cannot_read(path, _missing(path, exc))]) from None
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        hint = "give the path of the data file in the folder"
        raise EngineError([_cannot_read(path, "it is a folder, not a file", hint)])
    kind = "pipe" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
    reason = f"it is a {kind}, not a regular file, so it cannot be read twice"
    hint = "save the data to a file first, and give the path of that file"
    raise EngineError([_cannot_read(path, reason, hint)])


def _missing(path: str, exc: OSError) -> str | None:
    """Why a path that cannot be looked at cannot be read, in words."""
    if os.path.islink(path):
        return f"it is a link to {os.readlink(path)}, which does not exist"
    return "it does not exist" if isinstance(exc, FileNotFoundError) else exc.strerror


def _cannot_read(path: str, reason: str | None, hint: str | None = None) -> Diagnostic:
    return error(f"cannot read {path}: {reason}", hint=hint, code="data-file")


def check_text_start(path: str, start: bytes) -> None:
    """Stop at once when the first bytes of a file without a byte-order mark show that it is no
    text to read as UTF-8 or Windows-1252: an Excel workbook (a ZIP archive) under another name,
    or UTF-16 or UTF-32 text (a NUL byte beside each letter of the header), whose encoding
    cannot be told for sure without the mark."""
    if start.startswith(b"PK\x03\x04"):
        message = f"{path} looks like an Excel workbook, not a CSV text file"
        hint = "name the file with the extension .xlsx, so that it is read as a workbook"
        raise EngineError([error(message, hint=hint, code="data-file")])
    encoding = _unmarked_unicode(start)
    if encoding is not None:
        message = (
            f"{path} looks like {encoding} text without a byte-order mark (BOM), so its "
            "encoding cannot be told for sure"
        )
        raise EngineError([error(message, hint=_SAVE_AS_UTF8, code="data-encoding")])


def _unmarked_unicode(start: bytes) -> str | None:
    """UTF-16 or UTF-32, when the first four bytes are NUL where such text of ASCII letters has
    them (``K\\0o\\0`` is UTF-16, ``K\\0\\0\\0`` is UTF-32, each either way round)."""
    shape = "".join("0" if byte == 0 else "x" for byte in start[:4])
    return _UNMARKED_SHAPES.get(shape)


_UNMARKED_SHAPES = {"x0x0": "UTF-16", "0x0x": "UTF-16", "x000": "UTF-32", "000x": "UTF-32"}

_SAVE_AS_UTF8 = "save the file again as CSV with UTF-8 encoding (Excel: 'CSV UTF-8')"


def decode(data: bytes, path: str) -> tuple[str, str]:
    """The text of a file and the name of its encoding: UTF-8 (strictly), else Windows-1252.

    A file whose text up to its first byte that is not UTF-8 holds UTF-8 letters (Swedish ones,
    say) is taken for UTF-8 with a stray byte, reported there: read as Windows-1252, its letters
    would be garbled into other columns' names.
    """
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), name
            except UnicodeDecodeError as exc:
                offset = exc.start + len(data) - len(exc.object)  # utf-8-sig drops the BOM
                if codec == "utf-8-sig":
                    raise EngineError([stray_byte(path, data, offset)]) from None
                raise EngineError([undecodable(path, data, offset, name)]) from None
    check_text_start(path, data[:4])
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        if not data[: exc.start].isascii():
            raise EngineError([stray_byte(path, data, exc.start)]) from None
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise EngineError([undecodable(path, data, exc.start, "UTF-8 or Windows-1252")]) from None


def undecodable(
    path: str, data: bytes, offset: int, expected: str, line_base: int = 0
) -> Diagnostic:
    """The error for a byte that no accepted encoding can read, at its line and column.

    ``data`` may be a window of a larger file: ``offset`` is within it and ``line_base`` counts
    the lines before it.
    """
    return error(
        f"the file is not {expected} text: byte 0x{data[offset]:02X} cannot be read",
        _byte_location(path, data, offset, line_base, "cp1252"),
        hint=_SAVE_AS_UTF8,
        code="data-encoding",
    )


def stray_byte(path: str, data: bytes, offset: int, line_base: int = 0) -> Diagnostic:
    """The error for a byte that is not UTF-8 in a file that is evidently UTF-8 (by its BOM, or
    by the letters before the byte): most likely a character pasted in from a file saved in
    another encoding. The row is shown as UTF-8; ``data``, ``offset`` and ``line_base`` are as
    for :func:`undecodable`.
    """
    return error(
        f"byte 0x{data[offset]:02X} on this row cannot be read as UTF-8, the encoding of the "
        "text before it",
        _byte_location(path, data, offset, line_base, "utf-8-sig"),
        hint="retype the character at the caret, which was written in another encoding than "
        "the rest of the file, and save the file as UTF-8",
        code="data-encoding",
    )


def _byte_location(path: str, data: bytes, offset: int, line_base: int, codec: str) -> Location:
    """Where the byte at ``offset`` is, its line shown as ``codec`` reads it (a character that
    cannot be read shown as one)."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line_end = data.find(b"\n", offset)
    raw = data[line_start : line_end if line_end >= 0 else len(data)].rstrip(b"\r")
    text = raw.decode(codec, errors="replace")
    column = len(data[line_start:offset].decode(codec, errors="replace")) + 1
    line = line_base + data.count(b"\n", 0, offset) + 1
    return Location(path, line, column, 1, text)


def split_lines(text: str) -> list[str]:
    """The lines of a text, ended by CRLF, LF or a lone CR; no empty last line for a final end."""
    if "\r" in text:  # as re.split(r"\r\n|\n|\r", text), only quicker
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def split_record(lines: Sequence[str], start: int, separator: str) -> tuple[list[Field], int]:
    """The fields of the record starting at ``lines[start]``, and the index of the next line.

    A field in double quotes may hold the separator, ``""`` for a quote, and line breaks (then the
    record goes on over the following lines). Text after a closing quote is kept, as Excel does.
    When a quote is never closed, the index returned is ``len(lines) + 1``.
    """
    fields: list[Field] = []
    index, pos = start, 0
    while True:
        first_line, first_col = index, pos
        line = lines[index]
        if line.startswith('"', pos):
            text, index, pos = _quoted(lines, index, pos + 1)
            line = lines[index] if index < len(lines) else ""
        else:
            text = ""
        end = line.find(separator, pos)
        stop = len(line) if end < 0 else end
        text += line[pos:stop]
        length = (stop if index == first_line else len(lines[first_line])) - first_col
        fields.append(Field(text, first_line + 1, first_col + 1, length))
        if end < 0 or index >= len(lines):
            return fields, index + 1
        pos = end + 1


def _quoted(lines: Sequence[str], index: int, pos: int) -> tuple[str, int, int]:
    """The text of a quoted field from just after its opening quote; where its closing quote ends.

    When the quote is never closed, the returned index is ``len(lines)``.
    """
    parts: list[str] = []
    while index < len(lines):
        line = lines[index]
        quote = line.find('"', pos)
        if quote < 0:
            parts.append(line[pos:] + "\n")
            index, pos = index + 1, 0
        elif line.startswith('"', quote + 1):
            parts.append(line[pos : quote + 1])
            pos = quote + 2
        else:
            parts.append(line[pos:quote])
            return "".join(parts), index, quote + 1
    return "".join(parts), index, 0


def _unclosed_quote(path: str, lines: Sequence[str], last: Field) -> Diagnostic:
    return error(
        "a value in double quotes is not closed: the quote runs to the end of the file",
        Location(path, last.line, last.column, 1, lines[last.line - 1]),
        hint='close the quote, or write a quote inside a value as two quotes ("")',
        code="data-quote",
    )


def make_row(path: str, lines: Sequence[str], number: int, fields: Sequence[Field]) -> Row:
    cells = tuple(
        Cell(f.text.strip(SPACES), Location(path, f.line, f.column, f.length, lines[f.line - 1]))
        for f in fields
    )
    source = lines[number - 1]
    return Row(number, cells, Location(path, number, 1, max(1, len(source)), source))


def find_header(path: str, lines: Sequence[str], known: Collection[str]) -> tuple[int, str]:
    """The index of the header line and the separator: the line and separator naming the most
    known columns among the first non-empty lines; failing that, the first non-empty line."""
    candidates = [i for i, line in enumerate(lines) if line.strip()][:HEADER_SEARCH]
    if not candidates:
        raise EngineError([error(f"{path} is empty: it has no header line", code="data-empty")])
    best, best_score = (candidates[0], sniff(lines[candidates[0]])), 0
    for index in candidates:
        for separator in SEPARATORS:
            names = header_names(lines[index], separator)
            score = sum(normalise_name(n) in known for n in names)
            if score > best_score:
                best, best_score = (index, separator), score
    return best


def header_names(line: str, separator: str) -> list[str]:
    fields, _ = split_record([line], 0, separator)
    return [f.text.strip(SPACES) for f in fields]


def sniff(line: str) -> str:
    """The separator that splits a header line into the most fields (``;`` first on ties)."""
    return max(SEPARATORS, key=lambda s: len(header_names(line, s)))


def check_columns(header: Row, separator: str) -> None:
    """Stop at once when the header has a single column (the separator must be wrong) or more
    than :data:`.limits.MAX_COLUMNS`."""
    too_many = too_many_columns(len(header.cells))
    if too_many is not None:
        where = Location(header.location.path, header.location.line, 1)  # not the whole line
        raise EngineError([error(too_many, where, code="data-limit")])
    if len(header.cells) > 1:
        return
    raise EngineError(
        [
            error(
                "found only one column in the header line; columns must be separated by "
                "';', ',' or a tab",
                header.location,
                hint="save the spreadsheet as CSV with ';' between the columns, "
                "or read the .xlsx file itself",
                code="data-separator",
            )
        ]
    )


def field_count_problem(row: Row, columns: int, separator: str) -> Diagnostic | None:
    """The error for a row with fewer fields than the header has columns, or more non-empty ones.

    Empty rows, and empty fields after the last column (trailing separators), are no problem.
    """
    count = len(row.cells)
    extra = row.cells[columns:]
    if count == columns or row.blank or (extra and all(not c.text for c in extra)):
        return None
    loc = row.location
    line = loc.source_line or ""
    if extra:
        first = extra[0].location
        length = len(first.source_line or "") - first.column + 1
        where = Location(loc.path, first.line, first.column, length, first.source_line)
    else:
        where = Location(loc.path, loc.line, len(line) + 1, 1, line)
    return error(
        f"this row has {count} {'field' if count == 1 else 'fields'}, "
        f"but the header has {columns} columns",
        where,
        hint=_field_count_hint(line, count > columns, separator),
        code="data-fields",
    )


def _field_count_hint(line: str, too_many: bool, separator: str) -> str:
    if too_many and separator == ",":
        return (
            "the columns are separated by ',' and decimals seem to be written with a comma too "
            "(12,5); save the file with ';' as separator, or put such numbers in double quotes"
        )
    others = [s for s in SEPARATORS if s != separator and s in line]
    if not too_many and others:
        return (
            f"this row seems to be separated by {_SEPARATOR_NAMES[others[0]]}, but the header by "
            f"{_SEPARATOR_NAMES[separator]}; use the same separator throughout"
        )
    if too_many:
        return f"put a value that contains {_SEPARATOR_NAMES[separator]} in double quotes"
    name = _SEPARATOR_NAMES[separator]
    return f"every row needs a value (perhaps empty) for each column; is a {name} missing?"


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
