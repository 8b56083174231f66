"""Malformed YAML said in the words of someone editing an agreement file, at the right place.

PyYAML's messages speak of its parser ("expected <block end>"); each one known is put here in
the words of the file, with a hint, and shown where the mistake most likely is: where a quote or
a bracket left open was opened, not where the text stops making sense. A control character that
PyYAML's reader refuses is said here too.
"""

from __future__ import annotations

import yaml
from yaml.tokens import ScalarToken, Token

from agreement_engine.agreements.positions import Lines, Span
from agreement_engine.diagnostics import Diagnostic, error

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


def syntax_problem(path: str, lines: Lines, exc: yaml.MarkedYAMLError) -> Diagnostic:
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


def reader_problem(path: str, lines: Lines, exc: yaml.reader.ReaderError) -> Diagnostic:
    character = exc.character if isinstance(exc.character, str) else chr(exc.character)
    message = f"the file contains a control character (#x{ord(character):04x}) that is not allowed"
    hint = "remove it; it often comes with text copied from a PDF or a word processor"
    where = lines.location(path, Span(exc.position, exc.position + 1))
    return error(message, where, hint=hint, code="yaml-syntax")
