"""A CSV file's text split into records and fields that know where they are.

The file is decoded whole (:mod:`.encoding`), its separator sniffed from the header line (``;``,
tab or ``,``), and each field kept with its line and character column, so that a problem can be
shown with a caret under it. A field in double quotes may hold the separator, quotes and line
breaks. The aggregates reader reads a file this way; the extract reader (:mod:`.csv_file`) finds
the header the same way and leaves the rows to polars.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from itertools import islice

from agreement_engine.data.dialect import SPACES, normalise_name
from agreement_engine.data.encoding import decode
from agreement_engine.data.files import open_data_file
from agreement_engine.data.limits import too_many_columns
from agreement_engine.data.report import Problems
from agreement_engine.data.table import HEADER_SEARCH, Cell, Row, Table, drop_trailing_blanks
from agreement_engine.diagnostics import Diagnostic, EngineError, Location, Text, error
from agreement_engine.frozen import frozen

SEPARATORS = (";", "\t", ",")
SEPARATOR_NAMES = {";": "';'", "\t": Text("tab"), ",": "','"}
"""Each separator as messages name it."""


@frozen
class Field:
    """A CSV field as written: its text (quotes removed) and where it starts (1-based)."""

    text: str
    line: int
    column: int
    length: int


@frozen
class CsvText:
    """A CSV file decoded into lines, with its header found: the records after it are read by
    :meth:`record`, or all at once by :meth:`table`.

    ``body`` is the index in ``lines`` of the first line after the header record. A line without
    a double quote is a record of its own, whose fields are ``line.split(separator)``: a reader
    may take such lines itself, as :meth:`record` would give the same fields. ``quoted``: whether
    the file holds a double quote anywhere (found in one scan of its text); without one, every
    line is such a line, and none needs looking at for quotes.
    """

    path: str
    form: str
    separator: str
    lines: Sequence[str]
    header: Row
    body: int
    quoted: bool = True

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
        separator=SEPARATOR_NAMES[separator],
    )
    return CsvText(path, form, separator, lines, header, index, '"' in text)


def _read_bytes(path: str) -> bytes:
    with open_data_file(path) as file:
        return file.read()


def split_lines(text: str) -> list[str]:
    """The lines of a text, ended by CRLF, LF or a lone CR; no empty last line for a final end."""
    lines = _crlf_lines(text) if "\r" in text else text.split("\n")
    if lines is None:  # as re.split(r"\r\n|\n|\r", text), only quicker
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _crlf_lines(text: str) -> list[str] | None:
    """The lines of a text whose every line ends with CRLF, as a Windows program writes it;
    None when a lone CR or LF ends some line. Split at once, without first making a copy of the
    text with LF alone (2 906 x 50 months: 21 -> 16 ms), and known to be so when there are as
    many CRs and LFs as CRLFs split at."""
    lines = text.split("\r\n")
    ends = len(lines) - 1
    return lines if text.count("\r") == ends == text.count("\n") else None


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
    candidates = list(islice((i for i, line in enumerate(lines) if line.strip()), HEADER_SEARCH))
    if not candidates:
        raise EngineError([error(f"{path} is empty: it has no header line", code="data-empty")])
    best, best_score = (candidates[0], widest_separator(lines[candidates[0]])), 0
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


def widest_separator(line: str) -> str:
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
            f"this row seems to be separated by {SEPARATOR_NAMES[others[0]]}, but the header by "
            f"{SEPARATOR_NAMES[separator]}; use the same separator throughout"
        )
    if too_many:
        return f"put a value that contains {SEPARATOR_NAMES[separator]} in double quotes"
    name = SEPARATOR_NAMES[separator]
    return f"every row needs a value (perhaps empty) for each column; is a {name} missing?"
