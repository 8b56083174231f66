"""A loaded YAML file's data and places as JSON, and back: the cache's form of a document (and
of the problems ``check`` found in a set).

:mod:`.cache` keeps, for each agreement file of a set that checked clean, what loading its YAML
found (:class:`.YamlDocument`): the data, and where each key and value was written. JSON has no
decimal numbers, so the data's ``Decimal`` values are written as their text and listed by key
path; the places are kept in columns, and each is made when first asked for. The places form a
tree (a key or index under its parent's place, the root first), so each is written as its
parent's number and its own key, not its whole key path; their spans, six numbers each, are
packed (:func:`_packed`). Decoding checks
the shape of everything it reads and raises :class:`ValueError` for anything else (a float, a
place without its spans): an entry that does not decode is not used.
The file's text is never stored: the text just read is the one the document keeps.
"""

from __future__ import annotations

import binascii
import sys
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from itertools import count
from operator import lt
from typing import Any

from agreement_engine.agreements.positions import Place, Span
from agreement_engine.agreements.yaml_document import KeyPath, YamlDocument, YamlValue
from agreement_engine.diagnostics import Diagnostic, Location, Severity


def encode_document(yaml: YamlDocument) -> dict[str, Any]:
    """The document's data and places as JSON values (the text is left out); ValueError if
    its places are not a tree rooted at the first, OverflowError if they lie past 2 GiB."""
    decimals: list[list[str | int]] = []
    places = yaml.places
    spans: list[int] = []
    for place in places.values():
        key = place.key or _NO_SPAN
        spans += [key.start, key.end, place.value.start, place.value.end]
        spans += [place.node.start, place.node.end]
    parents, keys = _tree(places)
    return {
        "data": _plain(yaml.data, [], decimals),
        "decimals": decimals,
        "parents": parents,
        "keys": keys,
        "spans": _packed(spans),
        "styles": [place.style for place in places.values()],
        "scalars": [place.scalar for place in places.values()],
    }


def decode_document(path: str, text: str, stored: Any) -> YamlDocument:
    """The document of ``text`` (as loaded), from what :func:`encode_document` gave for it."""
    if not isinstance(stored, dict):
        raise ValueError("malformed document")
    data = stored["data"]  # JSON as the cache reads it holds no float (see .cache._verified)
    for keypath in _list(stored["decimals"]):
        data = _with_decimal(data, _keypath(keypath))
    return YamlDocument.of(path, text, data, StoredPlaces(stored))


def _tree(places: Mapping[KeyPath, Place]) -> tuple[list[int], list[str | int]]:
    """Each place's parent (its number in ``places``; -1 for the root, which comes first) and
    its own key (``""`` for the root). The loader records a value's place before those of the
    values in it, so a parent always comes before its children."""
    number = {path: i for i, path in enumerate(places)}
    if next(iter(number), None) != ():
        raise ValueError("the root's place is not first")
    parents: list[int] = [-1]
    keys: list[str | int] = [""]
    for path, i in number.items():
        if i:
            parent = number.get(path[:-1])
            if parent is None:
                raise ValueError("a place without its parent's")
            parents.append(parent)
            keys.append(path[-1])
    return parents, keys


class StoredPlaces(Mapping[KeyPath, Place]):
    """The places of a stored document, by key path, each made when first asked for (a run
    asks for a few hundred of a set's thousands). The whole is checked when it is read."""

    def __init__(self, stored: dict[str, Any]) -> None:
        parents, keys = _list(stored["parents"]), _list(stored["keys"])
        self._spans = _unpacked(stored["spans"])
        self._styles = _list(stored["styles"])
        self._scalars = _list(stored["scalars"])
        size = len(parents)
        if not len(keys) == size == len(self._styles) == len(self._scalars) > 0:
            raise ValueError("malformed places")
        if len(self._spans) != 6 * size:
            raise ValueError("malformed places")
        # The types of everything at once (thousands of values: one pass each, in C).
        if not _types(parents) <= {int}:
            raise ValueError("malformed place")
        if not _types(self._styles) | _types(self._scalars) <= {str, type(None)}:
            raise ValueError("malformed place")
        if not _types(keys) <= {str, int}:
            raise ValueError("malformed key path")
        if not _a_tree(parents):
            raise ValueError("malformed places")
        self._parents, self._keys = parents, keys
        # Each place's number by its parent's and its key: a key path is found from the root.
        self._children = dict(zip(zip(parents, keys, strict=True), range(size), strict=True))
        if len(self._children) != size:
            raise ValueError("a place written twice")
        self._made: dict[KeyPath, Place] = {}

    def __getitem__(self, keypath: KeyPath) -> Place:
        place = self._made.get(keypath)
        if place is None:
            i = self._number(keypath)
            k0, k1, v0, v1, n0, n1 = self._spans[6 * i : 6 * i + 6]
            key = None if k0 < 0 else Span(k0, k1)
            scalar = self._scalars[i]
            place = Place(key, Span(v0, v1), Span(n0, n1), self._styles[i], scalar)
            self._made[keypath] = place
        return place

    def _number(self, keypath: KeyPath) -> int:
        """The number of the place at ``keypath``, found from the root down; KeyError if none."""
        i = 0
        for key in keypath:
            i = self._children[i, key]
        return i

    def __iter__(self) -> Iterator[KeyPath]:
        paths: list[KeyPath] = [()]
        for parent, key in zip(self._parents[1:], self._keys[1:], strict=True):
            paths.append((*paths[parent], key))
        return iter(paths)

    def __len__(self) -> int:
        return len(self._parents)


def _a_tree(parents: list[int]) -> bool:
    """Whether the root comes first and each parent before its children, so that every key
    path is finite (compared in C: the parents of the places after the root with their
    numbers)."""
    later = parents[1:]
    return parents[0] == -1 and min(later, default=0) >= 0 and all(map(lt, later, count(1)))


def _packed(numbers: list[int]) -> str:
    """Whole numbers as their 32-bit little-endian bytes, in base64 (:func:`_unpacked`).

    A document's spans are six numbers for each of its places, 105 000 for an agreement of
    2 906 parties: written as JSON numbers, reading them made an object of each (most are past
    the small numbers Python keeps made), the most of reading an entry. Packed, they are one
    text, decoded in C into one array. OverflowError for a number past 32 bits (a text of 2 GiB).
    """
    packed = array("i", numbers)
    if sys.byteorder == "big":
        packed.byteswap()
    return binascii.b2a_base64(packed.tobytes(), newline=False).decode("ascii")


def _unpacked(text: Any) -> array[int]:
    """The numbers :func:`_packed` gave; ValueError for a text that is not such numbers."""
    if not isinstance(text, str):
        raise ValueError("malformed spans")
    numbers = array("i")
    numbers.frombytes(binascii.a2b_base64(text, strict_mode=True))  # ValueError: not whole
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers


_NO_SPAN = Span(-1, -1)
"""Written for a place without a key (no span starts before the text)."""


def encode_problems(problems: Sequence[Diagnostic]) -> list[list[Any]]:
    """Problems as JSON values, each with all it says (its place with the line shown)."""
    return [
        [
            d.severity.value,
            str(d.message),
            _location(d.location),
            d.hint,
            d.code,
            [*d.notes],
            [*d.path],
        ]
        for d in problems
    ]


def decode_problems(stored: Any) -> tuple[Diagnostic, ...]:
    """The problems :func:`encode_problems` gave."""
    found = []
    for item in _list(stored):
        severity, message, where, hint, code, notes, path = _list(item)
        texts = [message, code, *_list(notes), *_list(path)]
        if not all(isinstance(t, str) for t in texts) or not isinstance(hint, str | None):
            raise ValueError("malformed problem")
        location = None if where is None else _read_location(where)
        found.append(
            Diagnostic(Severity(severity), message, location, hint, code, (*notes,), (*path,))
        )
    return tuple(found)


def _location(where: Location | None) -> list[Any] | None:
    if where is None:
        return None
    return [where.path, where.line, where.column, where.length, where.source_line]


def _read_location(stored: Any) -> Location:
    path, line, column, length, source = _list(stored)
    if not (isinstance(path, str) and isinstance(source, str | None)):
        raise ValueError("malformed location")
    if not all(type(n) is int for n in (line, column, length)):
        raise ValueError("malformed location")
    return Location(path, line, column, length, source)


# -- writing --------------------------------------------------------------------------------------


def _plain(value: YamlValue, path: list[str | int], decimals: list[list[str | int]]) -> Any:
    if isinstance(value, Decimal):
        decimals.append(list(path))
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v, [*path, k], decimals) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, [*path, i], decimals) for i, v in enumerate(value)]
    return value


# -- reading --------------------------------------------------------------------------------------


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return value


def _types(values: Iterable[Any]) -> set[type]:
    return set(map(type, values))


def _keypath(value: Any) -> KeyPath:
    path = tuple(_list(value))
    if not all(isinstance(k, str) or type(k) is int for k in path):
        raise ValueError("malformed key path")
    return path


def _with_decimal(data: Any, path: KeyPath) -> Any:
    """``data`` with the text at ``path`` read as the ``Decimal`` it was."""
    if not path:
        return _decimal(data)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if isinstance(parent, dict) == isinstance(last, int):  # a list by index, a mapping by key
        raise ValueError("malformed key path")
    parent[last] = _decimal(parent[last])
    return data


def _decimal(text: Any) -> Decimal:
    if not isinstance(text, str):
        raise ValueError("malformed number")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError("malformed number") from None
    if not number.is_finite():
        raise ValueError("malformed number")
    return number
