"""Positions in YAML source text: spans, lines and columns, and each character of a scalar.

:mod:`.source` keeps, for every key and value it loads, the :class:`Place` it was written.
This module turns such spans into a :class:`~agreement_engine.diagnostics.Location`, and re-reads
a scalar's source text (plain, quoted with its escapes, folded or block) to find where each
character of its value was written, so that an error in a formula can point at one name in it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from agreement_engine.diagnostics import Location
from agreement_engine.frozen import frozen

_LINE_BREAKS = re.compile("[\n\x85\u2028\u2029]")


@frozen
class Span:
    """Characters ``start`` up to ``end`` (exclusive) of the document text."""

    start: int
    end: int


@frozen
class Place:
    """Where a key and its value were written; for scalars also how the value was written."""

    key: Span | None
    value: Span
    node: Span
    style: str | None = None
    scalar: str | None = None


@frozen
class Lines:
    """The document's lines, to turn a character index into line and column."""

    text: str
    starts: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> Lines:
        return cls(text, (0, *(m.end() for m in _LINE_BREAKS.finditer(text))))

    def line_of(self, index: int) -> int:
        """The 0-based line that holds character ``index``."""
        return bisect.bisect_right(self.starts, index) - 1

    def line_end(self, line: int) -> int:
        """The index just past the last character of ``line`` (its line break excluded)."""
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)
        return max(end, self.starts[line])

    def source_line(self, line: int) -> str:
        return self.text[self.starts[line] : self.line_end(line)]

    def location(self, path: str, span: Span) -> Location:
        """The location of ``span``, underlined on its first line only."""
        line = self.line_of(span.start)
        source = self.source_line(line)
        column = span.start - self.starts[line]
        visible = len(source.rstrip())
        end = min(span.end - self.starts[line], max(visible, column + 1))
        return Location(path, line + 1, column + 1, max(1, end - column), source)


def span_at(spans: list[Span], place: Place, offset: int) -> Span:
    """The source span of value character ``offset``; past the end, the point after the value."""
    if 0 <= offset < len(spans):
        return spans[offset]
    if offset < 0 and spans:
        return spans[0]
    if spans:
        return Span(spans[-1].end, spans[-1].end)
    start = place.node.start + (1 if place.style in ("'", '"') else 0)
    return Span(start, start)


# -- characters inside a scalar -------------------------------------------------------------------

_ESCAPES = {
    "0": "\0",
    "a": "\x07",
    "b": "\x08",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\x0b",
    "f": "\x0c",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_ESCAPE_CODES = {"x": 2, "u": 4, "U": 8}


def character_spans(text: str, place: Place) -> list[Span] | None:
    """The source span of each character of a scalar's value, or None if they cannot be matched."""
    value = place.scalar
    assert value is not None
    if place.style in ("|", ">"):
        return _block_spans(text, place.node, value, folded=place.style == ">")
    found = _FlowScanner(text, place.node, place.style).scan()
    if found is None or "".join(c for c, _ in found) != value:
        return None
    return [span for _, span in found]


@dataclass(slots=True)
class _FlowScanner:
    """Re-reads a plain or quoted scalar as the YAML scanner does, keeping each character's span."""

    text: str
    node: Span
    style: str | None
    out: list[tuple[str, Span]] = field(default_factory=list)

    def scan(self) -> list[tuple[str, Span]] | None:
        quotes = 1 if self.style in ("'", '"') else 0
        blank = " \t" if quotes else " "
        i, stop = self.node.start + quotes, self.node.end - quotes
        while i < stop:
            step = self._step(i, stop, blank)
            if step is None:
                return None
            i = step
        return self.out

    def _step(self, i: int, stop: int, blank: str) -> int | None:
        text, ch = self.text, self.text[i]
        if ch in blank:
            j = i
            while j < stop and text[j] in blank:
                j += 1
            if j < stop and text[j] == "\n":
                return self._fold(j, stop, blank, joins=True)
            self.out.extend((text[k], Span(k, k + 1)) for k in range(i, j))
            return j
        if ch == "\n":
            return self._fold(i, stop, blank, joins=True)
        if self.style == '"' and ch == "\\":
            return self._escape(i, stop, blank)
        if self.style == "'" and ch == "'" and text[i + 1 : i + 2] == "'":
            self.out.append(("'", Span(i + 1, i + 2)))
            return i + 2
        self.out.append((ch, Span(i, i + 1)))
        return i + 1

    def _fold(self, i: int, stop: int, blank: str, *, joins: bool) -> int:
        """A line break and the indentation after it: one space, or the blank lines kept."""
        at, i, breaks = i, i + 1, []
        while i < stop:
            while i < stop and self.text[i] in blank:
                i += 1
            if i < stop and self.text[i] == "\n":
                breaks.append(i)
                i += 1
            else:
                break
        if joins and not breaks:
            self.out.append((" ", Span(at, at + 1)))
        self.out.extend(("\n", Span(b, b + 1)) for b in breaks)
        return i

    def _escape(self, i: int, stop: int, blank: str) -> int | None:
        code = self.text[i + 1 : i + 2]
        if code == "\n":
            return self._fold(i + 1, stop, blank, joins=False)
        if code in _ESCAPES:
            meant = _ESCAPES[code]
            start = i + 1 if meant == code else i  # \" and \\ point at the character itself
            self.out.append((meant, Span(start, i + 2)))
            return i + 2
        size = _ESCAPE_CODES.get(code)
        if size is None:
            return None
        try:
            meant = chr(int(self.text[i + 2 : i + 2 + size], 16))
        except ValueError:
            return None
        self.out.append((meant, Span(i, i + 2 + size)))
        return i + 2 + size


def _block_spans(text: str, node: Span, value: str, *, folded: bool) -> list[Span] | None:
    """Match a block scalar's value against its lines, after the header and the indentation."""
    tokens = _block_tokens(text, node, value)
    spans: list[Span] = []
    position = 0
    for character in value:
        while True:
            if position >= len(tokens):
                return None
            token, span = tokens[position]
            position += 1
            if token == character or (folded and token == "\n" and character == " "):
                spans.append(span)
                break
            if token != "\n":
                return None
    return spans


def _block_tokens(text: str, node: Span, value: str) -> list[tuple[str, Span]]:
    """The content characters of a block scalar's lines, each line followed by its break."""
    first = text.find("\n", node.start, node.end)
    if first < 0:
        return []
    raw_lines = text[first + 1 : node.end].split("\n")
    indent = _block_indent(raw_lines, value)
    tokens: list[tuple[str, Span]] = []
    start = first + 1
    for raw in raw_lines:
        skip = min(indent, len(raw) - len(raw.lstrip(" ")))
        tokens.extend((raw[k], Span(start + k, start + k + 1)) for k in range(skip, len(raw)))
        tokens.append(("\n", Span(start + len(raw), start + len(raw) + 1)))
        start += len(raw) + 1
    return tokens


def _block_indent(raw_lines: list[str], value: str) -> int:
    """The block's indentation: what the first content line has that its value line lacks."""
    value_lines = value.split("\n")
    k = next((n for n, line in enumerate(value_lines) if line.strip()), None)
    if k is None or k >= len(raw_lines):
        return min((len(r) - len(r.lstrip(" ")) for r in raw_lines if r.strip()), default=0)

    def lead(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    return lead(raw_lines[k]) - lead(value_lines[k])
