"""Composed YAML nodes turned into plain data, with the place where each was written.

The loader (:mod:`.source`) composes a file's text into PyYAML's nodes; :class:`Builder` walks
them, turning each into a plain value and recording its :class:`~.positions.Place` by key path,
and collects every problem on the way: tags, merge keys, keys that are not scalars, duplicate
keys, aliases that refer to themselves, and more values or deeper nesting than a file may hold
(:data:`MAX_NODES`, :data:`MAX_DEPTH`).

The data is plain Python: mappings with ``str`` keys, lists, ``str``, ``int``, ``Decimal`` (never
``float``), ``bool`` (only for ``true``/``false``) and ``None``. Dates stay as the text written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from agreement_engine.agreements.positions import Lines, Place, Span
from agreement_engine.agreements.yaml_document import KeyPath, YamlValue
from agreement_engine.diagnostics import Diagnostic, error

_STANDARD = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset({"str", "int", "float", "bool", "null", "timestamp", "value"})
_MERGE_TAG = _STANDARD + "merge"
MAX_NODES = 100_000
"""The most values a file may hold (a value repeated by an alias counts each time)."""
MAX_DEPTH = 100
"""The most levels a file may nest. Agreement files nest a handful; far deeper nesting would
exhaust the reader's stack (libyaml's composer even crashes the process, past some ten thousand
levels)."""
TOO_DEEP = f"the file is nested too deeply to read (more than {MAX_DEPTH} levels)"
TOO_DEEP_HINT = "write the values out instead of nesting them so deeply"
_DECIMAL_INT = re.compile(r"[-+]?[0-9][0-9_]*")
_HEX_INT = re.compile(r"[-+]?0x[0-9a-fA-F_]+")
_BINARY_INT = re.compile(r"[-+]?0b[01_]+")
_BLOCK_HEADER = re.compile(r"[|>](?:[1-9][-+]?|[-+][1-9]?)?")


@dataclass(slots=True)
class Builder:
    """Turns composed YAML nodes into plain data, recording places and collecting problems."""

    path: str
    lines: Lines
    places: dict[KeyPath, Place] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    count: int = 0
    too_deep: bool = False

    def value(
        self, node: Node, keypath: KeyPath, key: Node | None, ancestors: frozenset[int]
    ) -> YamlValue:
        self.count += 1
        if self.count > MAX_NODES:
            self._too_large(node, keypath)
            return None
        if len(keypath) > MAX_DEPTH:  # aliases can nest deeper than the text does
            self._nested_too_deeply(node)
            return None
        self.places[keypath] = _place(self.lines.text, node, key)
        if not self._tag_allowed(node):
            return None
        if isinstance(node, ScalarNode):
            return _scalar_value(node)
        if id(node) in ancestors:
            self._problem(node, "a value refers to itself through an alias ('*')", None)
            return None
        inner = ancestors | {id(node)}
        if isinstance(node, SequenceNode):
            return [
                self.value(item, (*keypath, i), None, inner) for i, item in enumerate(node.value)
            ]
        assert isinstance(node, MappingNode)
        return self._mapping(node, keypath, inner)

    def _mapping(
        self, node: MappingNode, keypath: KeyPath, ancestors: frozenset[int]
    ) -> dict[str, YamlValue]:
        result: dict[str, YamlValue] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            name = self._key(key_node)
            if name is None:
                continue
            if name in first_line:
                self._duplicate(key_node, name, first_line[name])
                continue
            first_line[name] = self.lines.line_of(key_node.start_mark.index) + 1
            result[name] = self.value(value_node, (*keypath, name), key_node, ancestors)
        return result

    def _key(self, node: Node) -> str | None:
        if node.tag == _MERGE_TAG:
            self._problem(node, "merge keys ('<<') are not allowed", "write the keys out in full")
            return None
        if not isinstance(node, ScalarNode):
            hint = "write a key as a single word, name or number, followed by ':'"
            self._problem(node, "a key must be a single word, name or number", hint)
            return None
        return node.value if self._tag_allowed(node) else None

    def _tag_allowed(self, node: Node) -> bool:
        tag = node.tag
        short = tag.removeprefix(_STANDARD)
        if isinstance(node, ScalarNode) and short in _SCALAR_TAGS:
            return True
        if (isinstance(node, SequenceNode) and short == "seq") or (
            isinstance(node, MappingNode) and short == "map"
        ):
            return True
        shown = "!!" + short if tag.startswith(_STANDARD) else tag
        hint = "remove the tag: agreement files use plain YAML values only"
        self._problem(node, f"the tag '{shown}' is not allowed", hint, code="yaml-tag")
        return False

    def _duplicate(self, node: Node, name: str, first_line: int) -> None:
        message = f"duplicate key '{name}' (first given on line {first_line})"
        self._problem(node, message, "remove one of them, or rename it", code="duplicate-key")

    def _too_large(self, node: Node, keypath: KeyPath) -> None:
        """The error for the value past the limit, shown at the key of the file that holds it
        (where aliases repeat, a value's own place is that of its first writing)."""
        if self.count != MAX_NODES + 1:
            return
        hint = "write the values out instead of repeating them with aliases ('*')"
        message = (
            f"the file holds more than {MAX_NODES} values, the most a file may hold "
            "(a value repeated by an alias ('*') counts each time)"
        )
        place = self.places.get(keypath[:1])
        if place is None or place.key is None:
            self._problem(node, message, hint)
            return
        where = self.lines.location(self.path, place.key)
        self.problems.append(error(message, where, hint=hint, code="yaml"))

    def _nested_too_deeply(self, node: Node) -> None:
        if not self.too_deep:
            self.too_deep = True
            self._problem(node, TOO_DEEP, TOO_DEEP_HINT)

    def _problem(self, node: Node, message: str, hint: str | None, code: str = "yaml") -> None:
        span = _place(self.lines.text, node, None).value
        self.problems.append(
            error(message, self.lines.location(self.path, span), hint=hint, code=code)
        )


def _place(text: str, node: Node, key: Node | None) -> Place:
    whole = Span(node.start_mark.index, node.end_mark.index)
    key_span = None if key is None else Span(key.start_mark.index, key.end_mark.index)
    if isinstance(node, ScalarNode):
        underline = _scalar_underline(text, node, whole)
        return Place(key_span, underline, whole, node.style, node.value)
    assert isinstance(node, MappingNode | SequenceNode)
    return Place(key_span, _collection_underline(node, whole), whole)


def _scalar_underline(text: str, node: ScalarNode, whole: Span) -> Span:
    if node.style in ("|", ">"):
        header = _BLOCK_HEADER.match(text, whole.start)
        return Span(whole.start, header.end() if header else whole.start + 1)
    return whole


def _collection_underline(node: MappingNode | SequenceNode, whole: Span) -> Span:
    if node.start_mark.line == node.end_mark.line or node.flow_style:
        return whole
    if isinstance(node, MappingNode) and node.value:
        first_key = node.value[0][0]
        return Span(whole.start, first_key.end_mark.index)
    return Span(whole.start, whole.start + 1)


def _scalar_value(node: ScalarNode) -> YamlValue:
    """The plain value of a scalar: never a float, and booleans only for true/false."""
    tag = node.tag.removeprefix(_STANDARD)
    text: str = node.value
    if tag == "null":
        return None
    if tag == "bool":
        return text.lower() == "true" if text.lower() in ("true", "false") else text
    if tag == "int":
        return _integer(text)
    if tag == "float":
        return _decimal(text)
    return text


def _integer(text: str) -> int | str:
    digits = text.replace("_", "")
    if _DECIMAL_INT.fullmatch(text):
        return int(digits, 10)
    if _HEX_INT.fullmatch(text):
        return int(digits, 16)
    if _BINARY_INT.fullmatch(text):
        return int(digits, 2)
    return text  # sexagesimal (12:30) and other YAML 1.1 oddities stay as written


def _decimal(text: str) -> Decimal | str:
    try:
        number = Decimal(text.replace("_", ""))
    except InvalidOperation:
        return text
    return number if number.is_finite() else text
