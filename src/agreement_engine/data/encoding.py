"""What encoding a data file's text is in, and the errors for bytes that cannot be read.

UTF-8 with or without BOM, else Windows-1252; UTF-16 and UTF-32 with a BOM too (as Excel's
"Unicode text" writes). A file without a BOM is UTF-8 when it decodes as such, or when the text
before its first undecodable byte holds letters beyond ASCII read as UTF-8 (then that byte is an
error, most likely a character pasted in from another file); else Windows-1252. A small file is
decoded whole (:func:`decode`); a large extract is read through in chunks
(:func:`find_encoding`), its text never held whole.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

from agreement_engine.data.files import open_data_file
from agreement_engine.diagnostics import Diagnostic, EngineError, Location, Text, error
from agreement_engine.frozen import field, frozen

CHUNK = 1 << 22
"""The bytes read at a time from a large file."""

BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", Text("UTF-8 with BOM")),
    # UTF-32's little-endian mark begins with UTF-16's: it is looked for first.
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)
"""The byte-order marks a text file may begin with: the codec that reads it, and its name."""


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


class Marks(NamedTuple):
    """Whether a file holds a double quote, and a carriage return, anywhere."""

    quote: bool = False
    carriage_return: bool = False

    def seen(self, chunk: bytes) -> Marks:
        return Marks(self.quote or b'"' in chunk, self.carriage_return or b"\r" in chunk)


@frozen
class Encoding:
    """How to read a file's text: the codec, the encoding's name for people, and what the file
    holds (known only for a file read in place; else nothing)."""

    codec: str
    name: str
    marks: Marks = field(default_factory=Marks)


def find_encoding(path: str) -> Encoding:
    """How to read a file's text, found by reading the whole file through, in chunks: its
    byte-order mark, or else whether it decodes as UTF-8 (see the module). Raises
    :class:`EngineError` for the first byte no accepted encoding can read."""
    with open_data_file(path) as file:
        start = file.read(4)
    for bom, codec, name in BOMS:
        if start.startswith(bom):
            if codec == "utf-8-sig":
                _, marks = _check_stream(path, "utf-8")
                return Encoding("utf-8", name, marks)
            _check_stream(path, codec)  # a mark of UTF-16 or 32 on text that is not
            return Encoding(codec, name)
    check_text_start(path, start)
    decodes, marks = _check_stream(path, "utf-8", probe=True)
    if decodes:
        return Encoding("utf-8", "UTF-8", marks)
    _check_stream(path, "cp1252")
    return Encoding("cp1252", "Windows-1252")


def _check_stream(path: str, codec: str, probe: bool = False) -> tuple[bool, Marks]:
    """Whether the whole file decodes strictly, and what it holds; when it does not decode,
    raise the error for the first byte that cannot be read, unless ``probe``: then give False,
    but for a byte after UTF-8 letters (see :func:`_evidently_utf8`), which is still an error.

    Chunks of plain ASCII (most of a large extract) need no decoding: they are valid in both
    encodings, provided no character is left half-read from the chunk before.
    """
    decoder = codecs.getincrementaldecoder(codec)("strict")
    read = 0
    marks = Marks()
    letters = False  # whether a character beyond ASCII has been decoded
    with open(path, "rb") as file:
        while True:
            chunk = file.read(CHUNK)
            marks = marks.seen(chunk)
            try:
                ascii_is_text = codec in ("utf-8", "cp1252")  # not so in UTF-16 or 32
                if not (ascii_is_text and chunk.isascii() and not decoder.getstate()[0]):
                    text = decoder.decode(chunk, final=not chunk)
                    letters = letters or not text.isascii()
            except UnicodeDecodeError as exc:
                if probe and not _evidently_utf8(codec, letters, exc):
                    return False, marks
                lines = _count_lines(path, read)
                raise EngineError([_undecodable_in(path, exc, lines, codec)]) from None
            if not chunk:
                return True, marks
            read += len(chunk)


def _evidently_utf8(codec: str, letters: bool, exc: UnicodeDecodeError) -> bool:
    """Whether UTF-8 text held a character beyond ASCII before its first undecodable byte:
    then the file is UTF-8 with a stray byte, not Windows-1252 text (whose letters fail as UTF-8
    at once), and reading it as Windows-1252 would garble its letters."""
    return codec == "utf-8" and (letters or not exc.object[: exc.start].isascii())


def _count_lines(path: str, end: int) -> int:
    """The line ends in the first ``end`` bytes of a file."""
    lines = 0
    with open(path, "rb") as file:
        while end > 0:
            chunk = file.read(min(CHUNK, end))
            if not chunk:
                break
            lines += chunk.count(b"\n")
            end -= len(chunk)
    return lines


def _undecodable_in(path: str, exc: UnicodeDecodeError, lines: int, codec: str) -> Diagnostic:
    """The error for a decoding failure in a chunk, after ``lines`` lines of earlier chunks: a
    stray byte in UTF-8 text, or a byte Windows-1252 cannot read either.

    The decoder's input (``exc.object``) is the chunk after at most a few bytes held over from
    the last one, which hold no line end.
    """
    data = exc.object
    start = data.rfind(b"\n", 0, exc.start) + 1
    base = lines + data.count(b"\n", 0, start)
    if codec == "utf-8":
        return stray_byte(path, data[start:], exc.start - start, base)
    expected = "UTF-8 or Windows-1252" if codec == "cp1252" else codec.upper()
    return undecodable(path, data[start:], exc.start - start, expected, base)
