"""A CSV file as polars reads it: its encoding, its header, and what a count of bytes can tell.

A file that is not UTF-8 (Windows-1252, UTF-16, or lines ended by a lone CR) is first copied to a
temporary UTF-8 file, in chunks, so that polars can read it; the copy lives as long as the
:class:`CsvFile`, or until the run's :class:`.Reading` closes. The whole file is read once on
opening, to check that it decodes and to note whether it holds a quote or a carriage return
anywhere (:func:`.find_encoding`); a caller that knows a file will be opened can have that
reading begun in a thread beforehand (:meth:`.Reading.read_ahead`).

polars is imported inside the functions, so that importing this module stays cheap.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from agreement_engine.data.csv_text import (
    SEPARATOR_NAMES,
    check_columns,
    find_header,
    make_row,
    split_record,
)
from agreement_engine.data.encoding import CHUNK, Marks
from agreement_engine.data.reading import Reading
from agreement_engine.data.table import Row
from agreement_engine.diagnostics import Text
from agreement_engine.frozen import frozen

if TYPE_CHECKING:
    import polars as pl

ROW = "_row"
"""The column holding each row's number in the file (the header counts as a row)."""

_HEAD = 1 << 18


def column_name(index: int) -> str:
    return f"c{index}"


@frozen
class PlainLines:
    """The rows of a file without quotes, every line ended alike and none left empty at the end:
    what lets a count of bytes vouch for their fields (:meth:`CsvFile.whole_records`)."""

    size: int
    """The bytes after the header's line."""
    ending: int
    """The bytes that end each line: 1 (LF) or 2 (CRLF, which polars takes off)."""
    ended: bool = True
    """Whether the last line has its line end too."""


@frozen
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
    marked_first_row: bool = False
    """Whether the first line after the header begins with a byte-order mark (U+FEFF), which
    polars' CSV reader drops there, and only there: its fields are then not the file's."""

    @property
    def width(self) -> int:
        return len(self.header.cells)

    @property
    def form(self) -> str:
        separator = SEPARATOR_NAMES[self.separator]
        return Text(
            "CSV ({encoding}, separated by {separator})",
            encoding=self.encoding,
            separator=separator,
        )

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
        line_ends = records if plain.ended else records - 1
        return plain.size == text_bytes + records * (self.width - 1) + line_ends * plain.ending

    def close(self) -> None:
        """Remove the UTF-8 copy, if one was made."""
        if self.copy is not None:
            self.copy.cleanup()


def open_csv(path: str, known: Collection[str], reading: Reading) -> CsvFile:
    """The CSV file at ``path``, its header found among its first rows by the ``known`` names;
    its encoding as ``reading`` has it, and a copy, if one is made, in a folder of ``reading``.

    Raises :class:`EngineError` when the file cannot be read or decoded, or has no header.
    """
    utf8_path, encoding, copy, marks = _utf8_file(path, reading)
    try:
        with open(utf8_path, "rb") as file:
            raw = file.read(_HEAD)
        head = _head_lines(raw)
        header_index, separator = find_header(path, head, known)
        fields, _ = split_record(head, header_index, separator)
        header = make_row(path, head, header_index + 1, fields)
        check_columns(header, separator)
        plain = (
            None
            if marks.quote
            else _plain_lines(utf8_path, raw, header_index, separator, len(header.cells), marks)
        )
        first_row = _line_offset(raw, header_index + 1)
        marked = first_row is not None and raw.startswith(b"\xef\xbb\xbf", first_row)
    except BaseException:
        if copy is not None:
            copy.cleanup()
        raise
    return CsvFile(
        path, utf8_path, encoding, header, header_index, separator, marks.quote, copy, plain, marked
    )


def _line_offset(head: bytes, index: int) -> int | None:
    """Where the 0-based line ``index`` (lines ended by LF) starts in the head; None when the
    head does not hold its start."""
    start = 0
    for _ in range(index):
        start = head.find(b"\n", start) + 1
        if not start:
            return None
    return start


def _utf8_file(
    path: str, reading: Reading
) -> tuple[str, str, tempfile.TemporaryDirectory[str] | None, Marks]:
    """A UTF-8 file polars can read with the same lines as ``path``, the original encoding's name,
    the temporary directory of the copy if one was made, and what the UTF-8 file holds."""
    found = reading.encoding(path)
    if found.codec == "utf-8" and not _lone_carriage_returns(path):
        return path, found.name, None, found.marks
    folder = reading.temporary_folder()
    copy = str(Path(folder.name) / "utf8.csv")
    quoted = False
    try:
        with (
            open(path, encoding=found.codec, newline=None) as source,
            open(copy, "w", encoding="utf-8", newline="\n") as target,
        ):
            while chunk := source.read(CHUNK):
                quoted = quoted or '"' in chunk
                target.write(chunk)
    except BaseException:
        folder.cleanup()
        raise
    return copy, found.name, folder, Marks(quote=quoted)  # lines end in LF alone in the copy


def _plain_lines(
    utf8_path: str, head: bytes, header_index: int, separator: str, width: int, marks: Marks
) -> PlainLines | None:
    """The rows' lines of a file without quotes, unless a line of the head ends in a lone CR,
    or LF and CRLF both end lines (by the header's line and any CR), or the file ends in a
    blank line or, without a line end, in a CR (which polars may take off) or in a separator
    past the header's columns (which polars does not count as a field). ``head`` is the file's
    first bytes, as read to find the header."""
    with open(utf8_path, "rb") as file:
        size = file.seek(0, os.SEEK_END)
        file.seek(max(0, size - _HEAD))
        tail = file.read()
    start = _line_offset(head, header_index + 1)
    if start is None:
        return None
    before = head[:start]
    if before.count(b"\r") != before.count(b"\r\n"):
        return None
    crlf = before.endswith(b"\r\n")
    if not crlf and marks.carriage_return:
        return None
    ended = tail.endswith(b"\n")
    if tail.endswith((b"\n\n", b"\n\r\n", b"\r")) or (size == start and not ended):
        return None
    if not ended and tail.endswith(sep := separator.encode()):
        last = tail.rpartition(b"\n")[2]
        if len(last) == len(tail) or last.count(sep) != width - 1:  # too long to see, or extra
            return None
    return PlainLines(size - start, 2 if crlf else 1, ended)


def _lone_carriage_returns(path: str) -> bool:
    """Whether lines end in a lone CR (old Mac files), which polars does not split on."""
    with open(path, "rb") as file:
        head = file.read(_HEAD)
    return b"\r" in head and b"\n" not in head


def _head_lines(head: bytes) -> list[str]:
    """The complete lines of the first bytes of a UTF-8 file (enough to find the header), as
    polars counts the lines it skips to the rows: each ended by LF, a CR before it being no part
    of the line. A lone CR ends no line for polars, so it ends none here either (else the rows
    would start a line late, and the first be lost); a file whose lines all end in lone CRs is
    read through a copy with LF line ends (:func:`_utf8_file`)."""
    end = head.rfind(b"\n")
    text = head[: end + 1] if end >= 0 else head
    lines = text.decode("utf-8-sig", errors="replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]
