"""Reading agreement files: safe YAML to plain data, remembering where every value was written.

The engine never shows a problem without saying where it is, so the loader keeps, for every key
and value, the span of source text it came from, in the :class:`.YamlDocument` it returns
(:mod:`.yaml_document`; the file's text is read by :mod:`.files`).

This module owns the reading itself: nesting too deep for the reader is refused before anything
is built, the text is composed by libyaml when PyYAML has it (else by pure Python, with the same
marks), the nodes are built into plain data with their places (:mod:`.yaml_nodes`), and malformed
YAML is said in the reader's words (:mod:`.yaml_syntax`). ``YamlDocument``, ``KeyPath``,
``YamlValue``, ``read_text``, ``decode_utf8`` and ``MAX_FILE_BYTES`` are imported from here too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import yaml
from yaml.events import CollectionEndEvent, CollectionStartEvent, Event
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from agreement_engine.agreements.files import MAX_FILE_BYTES, decode_utf8, read_text
from agreement_engine.agreements.positions import Lines, Span
from agreement_engine.agreements.yaml_document import (
    KeyPath,
    YamlDocument,
    YamlValue,
    normal_text,
)
from agreement_engine.agreements.yaml_nodes import MAX_DEPTH, TOO_DEEP, TOO_DEEP_HINT, Builder
from agreement_engine.agreements.yaml_syntax import reader_problem, syntax_problem
from agreement_engine.diagnostics import EngineError, Location, error

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
        deep = error(TOO_DEEP, Location(path, 1, 1), hint=TOO_DEEP_HINT, code="yaml")
        raise EngineError([deep]) from None


def _too_deep(text: str) -> int | None:
    """Where the nesting first goes past :data:`MAX_DEPTH` levels, or None if it never does.

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
    """The index where the events first nest past :data:`MAX_DEPTH`, or None."""
    depth = 0
    for event in events:
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
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
        raise EngineError([error(TOO_DEEP, where, hint=TOO_DEEP_HINT, code="yaml")])
    try:
        root = _compose(lines.text)
    except yaml.MarkedYAMLError as exc:
        raise EngineError([syntax_problem(path, lines, exc)]) from None
    except yaml.reader.ReaderError as exc:
        raise EngineError([reader_problem(path, lines, exc)]) from None
    if root is None or (isinstance(root, ScalarNode) and root.style is None and not root.value):
        hint = "an agreement file starts with 'format: agreement-engine/1'"
        where = lines.location(path, Span(0, 1))
        raise EngineError([error("the file is empty", where, hint=hint, code="empty-file")])
    builder = Builder(path, lines)
    data = builder.value(root, (), None, frozenset())
    if builder.problems:
        raise EngineError(builder.problems)
    return YamlDocument(path, lines.text, data, builder.places, lines)
