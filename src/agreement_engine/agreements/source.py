"""Reading agreement files: safe YAML to plain data, remembering where every value was written.

The engine never shows a problem without saying where it is, so the loader keeps, for every key
and value, the span of source text it came from, in the :class:`.YamlDocument` it returns
(:mod:`.yaml_document`; the file's text is read by :mod:`.files`).

The data is plain Python: mappings with ``str`` keys, lists, ``str``, ``int``, ``Decimal`` (never
``float``), ``bool`` (only for ``true``/``false``) and ``None``. Dates stay as the text written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import yaml
from yaml.events import CollectionEndEvent, CollectionStartEvent, Event
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.tokens import ScalarToken, Token

from agreement_engine.agreements.files import MAX_FILE_BYTES, decode_utf8, read_text
from agreement_engine.agreements.positions import Lines, Place, Span
from agreement_engine.agreements.yaml_document import (
    KeyPath,
    YamlDocument,
    YamlValue,
    normal_text,
)
from agreement_engine.diagnostics import Diagnostic, EngineError, Location, error

__all__ = [
    "MAX_FILE_BYTES",
    "KeyPath",
    "YamlDocument",
    "YamlValue",
    "decode_utf8",
    "load_yaml",
    "read_text",
    "read_yaml",
]

_STANDARD = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset({"str", "int", "float", "bool", "null", "timestamp", "value"})
_MERGE_TAG = _STANDARD + "merge"
_MAX_NODES = 100_000
# Agreement files nest a handful of levels; far deeper nesting would exhaust the reader's stack
# (libyaml's composer even crashes the process, past some ten thousand levels).
_MAX_DEPTH = 100
_TOO_DEEP = f"the file is nested too deeply to read (more than {_MAX_DEPTH} levels)"
_TOO_DEEP_HINT = "write the values out instead of nesting them so deeply"
_DECIMAL_INT = re.compile(r"[-+]?[0-9][0-9_]*")
_HEX_INT = re.compile(r"[-+]?0x[0-9a-fA-F_]+")
_BINARY_INT = re.compile(r"[-+]?0b[01_]+")
_BLOCK_HEADER = re.compile(r"[|>](?:[1-9][-+]?|[-+][1-9]?)?")


# -- loading --------------------------------------------------------------------------------------


def read_yaml(path: str | os.PathLike[str]) -> YamlDocument:
    """Read and load a UTF-8 YAML file (a byte-order mark is allowed)."""
    name = os.fspath(path)
    return load_yaml(name, read_text(name))


def load_yaml(path: str, text: str) -> YamlDocument:
    """Load one YAML document from ``text``; ``path`` is only used to name the file in problems.

    Raises :class:`EngineError` for malformed YAML, duplicate keys, tags, an empty file and
    nesting deeper than the reader can follow.
    """
    lines = Lines.of(normal_text(text))
    try:
        return _load(path, lines)
    except RecursionError:  # a last resort: the depth is checked before and while building
        deep = error(_TOO_DEEP, Location(path, 1, 1), hint=_TOO_DEEP_HINT, code="yaml")
        raise EngineError([deep]) from None


def _too_deep(text: str) -> int | None:
    """Where the nesting first goes past :data:`_MAX_DEPTH` levels, or None if it never does.

    Read from the parser's events, which come without recursion, so that no depth of nesting can
    exhaust the stack before the problem is found. libyaml (from 0.2.5) refuses nesting deeper
    than its own limit before it yields the event that passes ours, so a file libyaml refuses is
    read again by the pure-Python parser: the place reported is the same with either. Malformed
    YAML gives None: composing it then reports the mistake in the usual words.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return _depth_passed(yaml.parse(text, Loader=fast))
        except yaml.YAMLError:
            pass
    try:
        return _depth_passed(yaml.parse(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return None


def _depth_passed(events: Iterator[Event]) -> int | None:
    """The index where the events first nest past :data:`_MAX_DEPTH`, or None."""
    depth = 0
    for event in events:
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > _MAX_DEPTH:
                return event.start_mark.index if event.start_mark is not None else 0
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    return None


def _compose(text: str) -> Node | None:
    """The node tree, by libyaml when it is there (ten times faster), else by pure Python.

    Both give the same marks; libyaml writes a plain scalar's style as '' where Python writes
    None, so that is evened out. Syntax errors are always worded by the pure-Python parser, so
    messages do not depend on how PyYAML was built.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is None:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=fast)
    except yaml.YAMLError:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    _even_styles(root)
    return root


def _even_styles(node: Node | None) -> None:
    """Write libyaml's '' plain style as None, visiting each node once.

    An alias makes the same node appear in several places, and one that refers to itself makes
    a cycle; the builder reports that, but only if this walk ends first.
    """
    stack = [node] if node is not None else []
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ScalarNode):
            if current.style == "":
                current.style = None
        elif isinstance(current, MappingNode):
            for key, value in current.value:
                stack += [key, value]
        elif isinstance(current, SequenceNode):
            stack += current.value


def _load(path: str, lines: Lines) -> YamlDocument:
    deep_at = _too_deep(lines.text)
    if deep_at is not None:
        where = lines.location(path, Span(deep_at, deep_at + 1))
        raise EngineError([error(_TOO_DEEP, where, hint=_TOO_DEEP_HINT, code="yaml")])
    try:
        root = _compose(lines.text)
    except yaml.MarkedYAMLError as exc:
        raise EngineError([_syntax_problem(path, lines, exc)]) from None
    except yaml.reader.ReaderError as exc:
        raise EngineError([_reader_problem(path, lines, exc)]) from None
    if root is None or (isinstance(root, ScalarNode) and root.style is None and not root.value):
        hint = "an agreement file starts with 'format: agreement-engine/1'"
        where = lines.location(path, Span(0, 1))
        raise EngineError([error("the file is empty", where, hint=hint, code="empty-file")])
    builder = _Builder(path, lines)
    data = builder.value(root, (), None, frozenset())
    if builder.problems:
        raise EngineError(builder.problems)
    return YamlDocument(path, lines.text, data, builder.places, lines)


@dataclass(slots=True)
class _Builder:
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
        if self.count > _MAX_NODES:
            self._too_large(node, keypath)
            return None
        if len(keypath) > _MAX_DEPTH:  # aliases can nest deeper than the text does
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
        if self.count != _MAX_NODES + 1:
            return
        hint = "write the values out instead of repeating them with aliases ('*')"
        message = (
            f"the file holds more than {_MAX_NODES} values, the most a file may hold "
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
            self._problem(node, _TOO_DEEP, _TOO_DEEP_HINT)

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


# -- syntax errors --------------------------------------------------------------------------------

_INDENT_HINT = "keys at the same level must start in the same column; indent with spaces"
_EXPLANATIONS: tuple[tuple[str, str, str | None], ...] = (
    (
        "found character '\\t'",
        "a tab is used where only spaces are allowed",
        "indent with spaces, not tabs (most editors can be set to insert spaces)",
    ),
    (
        "tab character",
        "a tab is used where only spaces are allowed",
        "indent with spaces, not tabs (most editors can be set to insert spaces)",
    ),
    (
        "mapping values are not allowed here",
        "mapping values are not allowed here",
        "a value that contains ': ' (a formula, a quote) must be put in double quotes, "
        'e.g. quote: "Avgift: 100 kr"; otherwise check the indentation of this line',
    ),
    (
        "could not find expected ':'",
        "a key is not followed by ':'",
        "each line of a mapping is written 'key: value'; check this line and the one before it "
        "for a missing ':' or a quote that is not closed",
    ),
    ("expected <block end>", "this line is not indented like the lines around it", _INDENT_HINT),
    (
        "did not find expected key",
        "this line is not indented like the lines around it",
        _INDENT_HINT,
    ),
    (
        "did not find expected '-' indicator",
        "this line is not indented like the items of the list above it",
        _INDENT_HINT,
    ),
    (
        "found another document",
        "the file holds more than one YAML document",
        "an agreement file is one document: remove the '---' line, or split the file in two",
    ),
    (
        "found undefined alias",
        "an alias ('*') refers to an anchor ('&') that is not defined",
        "write the value out in full",
    ),
    (
        "found unknown escape character",
        "a double-quoted value contains an unknown escape ('\\')",
        "write a backslash as \\\\, or put the value in single quotes instead",
    ),
    (
        "expected ',' or '}'",
        "a '{' is not closed by a matching '}'",
        "values inside { } that contain ',' or ': ' must be put in quotes",
    ),
    (
        "expected ',' or ']'",
        "a '[' is not closed by a matching ']'",
        "values inside [ ] that contain ',' or ': ' must be put in quotes",
    ),
    (
        "that cannot start any token",
        "a value starts with a character that YAML reserves",
        "put the value in double quotes",
    ),
)


def _syntax_problem(path: str, lines: Lines, exc: yaml.MarkedYAMLError) -> Diagnostic:
    problem = exc.problem or exc.context or "the text cannot be read"
    mark = exc.problem_mark or exc.context_mark
    hint: str | None = None
    for clue, explanation, clue_hint in _EXPLANATIONS:
        if clue in problem:
            problem, hint = explanation, clue_hint
            break
    if "unexpected end of stream" in problem and "quoted scalar" in (exc.context or ""):
        problem = "a quoted value is not closed"
        hint = "add the closing quote; a quote mark inside the value is written twice ('') in"
        hint += ' single quotes, or as \\" in double quotes'
    if _points_at_opening(exc):
        mark = exc.context_mark or mark
    runaway = _runaway_quote(lines.text, exc)
    if runaway is not None:
        mark, ends = runaway.start_mark, runaway.end_mark.line + 1
        problem = (
            f"the quoted value that starts here is not closed on its line (it runs to line {ends})"
        )
        hint = "add the closing quote where the value ends"
    index = min(mark.index, len(lines.text)) if mark is not None else 0
    where = lines.location(path, Span(index, index + 1))
    return error(f"the YAML is malformed: {problem}", where, hint=hint, code="yaml-syntax")


def _runaway_quote(text: str, exc: yaml.MarkedYAMLError) -> ScalarToken | None:
    """A quoted value over several lines that ends just where the text stops making sense: its
    closing quote is most likely missing, and the problem is best shown where it opens."""
    problem = exc.problem_mark
    if problem is None:
        return None
    last: Token | None = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= problem.index:
                break
            last = token
    except yaml.YAMLError:
        pass
    quoted = isinstance(last, ScalarToken) and last.style in ('"', "'")
    if quoted and last is not None and last.start_mark.line != last.end_mark.line:
        assert isinstance(last, ScalarToken)
        return last
    return None


def _points_at_opening(exc: yaml.MarkedYAMLError) -> bool:
    """Whether the problem is best shown where an unclosed quote or bracket was opened."""
    problem, context = exc.problem or "", exc.context or ""
    unclosed_quote = "unexpected end of stream" in problem and "quoted scalar" in context
    return unclosed_quote or "expected ',' or" in problem


def _reader_problem(path: str, lines: Lines, exc: yaml.reader.ReaderError) -> Diagnostic:
    character = exc.character if isinstance(exc.character, str) else chr(exc.character)
    message = f"the file contains a control character (#x{ord(character):04x}) that is not allowed"
    hint = "remove it; it often comes with text copied from a PDF or a word processor"
    where = lines.location(path, Span(exc.position, exc.position + 1))
    return error(message, where, hint=hint, code="yaml-syntax")
