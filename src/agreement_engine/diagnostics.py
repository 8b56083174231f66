"""Problems found in agreement files and data files, and how they are shown to people.

Every problem the engine reports is a :class:`Diagnostic`: a severity, a message in the words of
the agreement, where it happened, and a hint where one helps. Rendering is compiler-style so that
editors can jump to the spot::

    agreements/halland/2022.yaml:14:23: error: unknown name 'benchmrk'
       14 |     formula: max(0 days, average_days - benchmrk)
          |                                         ^^^^^^^^
    hint: did you mean 'benchmark'?

The message text is part of the engine's interface: tests assert it word for word.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from agreement_engine.frozen import field, frozen


class Text(str):
    """A sentence shown to people, made where the engine finds it (a line's reasons, what
    reading a data file did) and put into words by whoever shows it.

    It *is* its English text (``str(text)``, comparisons, joins: everything that took a plain
    string before), and it keeps the English template and the named arguments it was made
    from, so that a renderer can give it in another language
    (:class:`agreement_engine.render.i18n.Language`) without the modules that make it knowing
    any language. Templates are the message ids of the gettext catalogs, found there by the
    extractor (``Text`` and ``Text.counted`` are its keywords)::

        >>> reason = Text("figure {parameter} for {key} is {status}",
        ...               parameter="national_day_cost", key="2025", status="provisional")
        >>> reason
        'figure national_day_cost for 2025 is provisional'
        >>> reason.template, reason.arguments["key"]
        ('figure {parameter} for {key} is {status}', '2025')

    An argument that is a :class:`Decimal` is written as plain digits in English (``528484``),
    another :class:`Text` as its English text; a translation writes them its own way.
    """

    template: str
    plural: str | None
    number: int | None
    """The number a counted text's words depend on (its argument ``count``)."""
    arguments: Mapping[str, Any]

    def __new__(cls, template: str, /, **arguments: Any) -> Text:
        return cls._made(template, None, None, arguments)

    @classmethod
    def counted(cls, singular: str, plural: str, count: int, /, **arguments: Any) -> Text:
        """A sentence whose words depend on a number, ``{count}`` (as gettext's ngettext):
        ``template`` is the singular, ``plural`` the plural.

        >>> Text.counted("{count} row", "{count} rows", 2)
        '2 rows'
        """
        return cls._made(singular, plural, count, {"count": count, **arguments})

    @classmethod
    def joined(cls, separator: str, parts: Sequence[str], /) -> Text:
        """Sentences joined by a separator that is no word ('; ', ' | '), each put into words
        on its own when shown: the template is the separator between the parts, which no
        catalog holds, so a translation keeps it and translates the parts.

        >>> Text.joined("; ", [Text("a {x}", x=1), "b"])
        'a 1; b'
        """
        arguments = {f"part{number}": part for number, part in enumerate(parts)}
        template = separator.join("{" + name + "}" for name in arguments)
        return cls._made(template, None, None, arguments)

    @classmethod
    def _made(
        cls, template: str, plural: str | None, number: int | None, arguments: Mapping[str, Any]
    ) -> Text:
        chosen = plural if plural is not None and number != 1 else template
        if arguments:
            chosen = chosen.format_map({k: _english(v) for k, v in arguments.items()})
        text = super().__new__(cls, chosen)
        text.template, text.plural, text.number = template, plural, number
        text.arguments = dict(arguments)
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restored, (str(self), self.template, self.plural, self.number, self.arguments))


def _english(value: object) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _restored(
    english: str,
    template: str,
    plural: str | None,
    number: int | None,
    arguments: Mapping[str, Any],
) -> Text:
    text = str.__new__(Text, english)
    text.template, text.plural, text.number, text.arguments = template, plural, number, arguments
    return text


class Severity(StrEnum):
    """How bad a problem is: errors stop the job, warnings and notes do not."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@frozen
class Location:
    """A place in a file: 1-based line and column, and how many characters to underline.

    ``source_line`` is the text of that line (without its newline), kept so the problem can be
    shown with a caret without reading the file again. For spreadsheet files, ``line`` is the row
    and ``column`` the column number, and ``source_line`` is empty.
    """

    path: str
    line: int
    column: int
    length: int = 1
    source_line: str | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@frozen
class Diagnostic:
    """One problem: what is wrong, where, and what to do about it."""

    severity: Severity
    message: str
    location: Location | None = None
    hint: str | None = None
    code: str = "problem"
    notes: tuple[str, ...] = field(default=())
    path: tuple[str, ...] = ()
    """What the problem is about, as a key path: the document's id, then the keys down to the
    part, e.g. ``("halland-2022", "rules", "benchmark")``; empty when it is about no one part."""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def error(
    message: str,
    location: Location | None = None,
    *,
    hint: str | None = None,
    code: str = "problem",
    notes: Sequence[str] = (),
    path: Sequence[str] = (),
) -> Diagnostic:
    return Diagnostic(Severity.ERROR, message, location, hint, code, tuple(notes), tuple(path))


def warning(
    message: str,
    location: Location | None = None,
    *,
    hint: str | None = None,
    code: str = "problem",
    notes: Sequence[str] = (),
    path: Sequence[str] = (),
) -> Diagnostic:
    return Diagnostic(Severity.WARNING, message, location, hint, code, tuple(notes), tuple(path))


class UsageError(Exception):
    """A call that makes no sense: a missing file named, a month range backwards, an unknown
    municipality. The command line shows it as ``error: …`` and exits 2."""


class EngineError(Exception):
    """Raised when work cannot go on; carries the problems that stopped it."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("; ".join(d.message for d in self.diagnostics))


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the closest candidate to a misspelt word, or None when nothing is close."""
    pool = sorted(set(candidates))
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not matches:
        folded = {c.casefold(): c for c in pool}
        matches = [folded[m] for m in difflib.get_close_matches(word.casefold(), folded, n=1)]
    return f"did you mean '{matches[0]}'?" if matches else None


def visible(text: str) -> str:
    """Text from a file as a message quotes it, with each character that cannot be seen written
    as its code point: ``'\ufeffKommun'`` (a stray byte-order mark) as ``'<U+FEFF>Kommun'``,
    a zero-width or no-break space as ``<U+200B>`` or ``<U+00A0>``, a tab as ``<U+0009>``.
    Otherwise 'Kommun' would be said to be missing with 'Kommun' beside it. Other control
    characters are left to :func:`render_text`, which shows them as pictures."""
    if text.isprintable():
        return text
    return "".join(f"<U+{ord(c):04X}>" if _unseen(c) else c for c in text)


def invisible(text: str) -> list[str]:
    """The characters of a text that cannot be seen (see :func:`visible`), in words:
    'U+FEFF (a byte-order mark)'."""
    found = dict.fromkeys(c for c in text if _unseen(c))
    return [f"U+{ord(c):04X} ({_INVISIBLE.get(c, 'an invisible character')})" for c in found]


def without_invisible(text: str) -> str:
    """The text without the characters that cannot be seen (see :func:`visible`)."""
    return "".join(c for c in text if not _unseen(c))


def _unseen(character: str) -> bool:
    return not (character.isprintable() or ord(character) in _PICTURES)


_INVISIBLE = {
    "\ufeff": "a byte-order mark",
    "\u200b": "a zero-width space",
    "\u00a0": "a no-break space",
    "\u00ad": "a soft hyphen",
    "\u200e": "a left-to-right mark",
    "\u200f": "a right-to-left mark",
}


def render_text(diagnostic: Diagnostic) -> str:
    """The problem as a compiler would print it: location, message, source line, caret, hint.

    Control characters from a file (a NUL, an escape sequence that would colour the terminal)
    are shown as their pictures (␀, ␛), one column each, so the caret stays under its place.
    """
    d = diagnostic
    where = f"{d.location}: " if d.location else ""
    lines = [f"{where}{d.severity.value}: {d.message}"]
    loc = d.location
    if loc is not None and loc.source_line is not None:
        number = str(loc.line)
        pad = " " * len(number)
        text = loc.source_line.expandtabs(1)
        lines.append(f" {number} | {text}")
        lines.append(f" {pad} | {' ' * (loc.column - 1)}{'^' * max(1, loc.length)}")
    lines.extend(f"note: {n}" for n in d.notes)
    if d.hint:
        lines.append(f"hint: {d.hint}")
    return "\n".join(lines).translate(_PICTURES)


_PICTURES = {
    **{code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A)},
    0x7F: 0x2421,
    **dict.fromkeys(range(0x80, 0xA0), 0xFFFD),
}
"""Control characters (but tab and line feed) and the pictures shown for them."""


def to_json(diagnostic: Diagnostic) -> dict[str, object]:
    """The problem as a plain mapping, for ``--format json``; ``path`` only when it has one."""
    d = diagnostic
    out: dict[str, object] = {"severity": d.severity.value, "code": d.code, "message": d.message}
    if d.location is not None:
        out.update(
            file=d.location.path,
            line=d.location.line,
            column=d.location.column,
            length=d.location.length,
        )
    if d.path:
        out["path"] = list(d.path)
    if d.hint:
        out["hint"] = d.hint
    if d.notes:
        out["notes"] = list(d.notes)
    return out


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps([to_json(d) for d in diagnostics], ensure_ascii=False, indent=2)


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    """One closing line: how many errors and warnings."""
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING)

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
