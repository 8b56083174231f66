"""One loaded YAML file as the engine keeps it: its text, its data, and where each value was
written.

The engine never shows a problem without saying where it is, so the loader
(:mod:`.source`) keeps, for every key and value, the span of source text it came from.
:meth:`YamlDocument.locate` turns a key path such as ``("validity", "until")`` into a
:class:`~agreement_engine.diagnostics.Location`; :meth:`YamlDocument.locate_in_scalar` goes
further and finds one character inside a string value, which is how an error in a formula points
at the exact name that is wrong.

The data is plain Python: mappings with ``str`` keys, lists, ``str``, ``int``, ``Decimal`` (never
``float``), ``bool`` (only for ``true``/``false``) and ``None``. Dates stay as the text written.
This module does not import PyYAML: a document rebuilt from the cache
(:mod:`.cache`) is the same document, without reading the YAML again.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TypeAlias

from agreement_engine.agreements.positions import Lines, Place, Span, character_spans, span_at
from agreement_engine.diagnostics import Location
from agreement_engine.frozen import field, frozen

YamlValue: TypeAlias = "dict[str, YamlValue] | list[YamlValue] | str | int | Decimal | bool | None"
KeyPath: TypeAlias = tuple[str | int, ...]


def normal_text(text: str) -> str:
    """A file's text as it is loaded: without a byte-order mark, every line ending ``\n``."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


@frozen
class YamlDocument:
    """One loaded YAML file: its text, its data, and where each value was written. Two are
    equal when they are the same file with the same text (its data is what the text says), so a
    document can be hashed, as the citations that keep it are (:class:`.parts.Citation`)."""

    path: str
    text: str
    data: YamlValue = field(compare=False)
    _places: Mapping[KeyPath, Place] = field(repr=False, compare=False)
    _lines: Lines = field(repr=False, compare=False)

    @classmethod
    def of(
        cls, path: str, text: str, data: YamlValue, places: Mapping[KeyPath, Place]
    ) -> YamlDocument:
        """The document of ``text`` (as loaded: :func:`normal_text`), its data and places."""
        return cls(path, text, data, places, Lines.of(text))

    @property
    def places(self) -> Mapping[KeyPath, Place]:
        """Where each key and value was written, by key path (the root's is ``()``)."""
        return self._places

    def locate(self, keypath: KeyPath, *, key: bool = False) -> Location:
        """Where the value at ``keypath`` was written (or its key, with ``key=True``).

        A path that does not exist falls back to its nearest existing ancestor, so a problem
        about a missing key can still point somewhere useful.
        """
        place = self._nearest(keypath)
        span = place.key if key and place.key is not None else place.value
        return self._lines.location(self.path, span)

    def locate_in_scalar(self, keypath: KeyPath, offset: int, length: int) -> Location:
        """Where character ``offset`` of the scalar at ``keypath`` was written.

        ``length`` characters from there are underlined (up to the end of that source line).
        Works for plain, quoted, block and multi-line scalars; falls back to :meth:`locate`
        when the value cannot be matched to its source text.
        """
        place = self._places.get(keypath)
        if place is None or place.scalar is None:
            return self.locate(keypath)
        spans = character_spans(self.text, place)
        if spans is None:
            return self.locate(keypath)
        first = span_at(spans, place, offset)
        last = span_at(spans, place, offset + max(length, 1) - 1)
        end = max(last.end, first.start + 1) if length > 0 else first.start + 1
        return self._lines.location(self.path, Span(first.start, end))

    def _nearest(self, keypath: KeyPath) -> Place:
        for size in range(len(keypath), -1, -1):
            place = self._places.get(keypath[:size])
            if place is not None:
                return place
        raise KeyError(keypath)  # the root is always recorded
