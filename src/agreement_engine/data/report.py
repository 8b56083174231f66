"""What reading a data file did: rows read, used and left out, and the problems found.

Nothing is dropped silently. Every row after the header is either used or excluded with a
reason, and the :class:`ReadReport` says how many of each, so that every run can show it.
Problems are collected for the whole file (:class:`Problems`) and raised together.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from agreement_engine.diagnostics import Diagnostic, EngineError, Location, Severity, Text, visible
from agreement_engine.frozen import frozen

MAX_ERRORS = 50
"""Errors shown per file; the rest are counted in a closing note."""

_ROWS_SHOWN = 10
_DETAILS_SHOWN = 5


@frozen
class Exclusion:
    """Rows left out for one reason: how many, the first few row numbers, and what they held."""

    reason: str
    count: int
    rows: tuple[int, ...]
    details: tuple[str, ...] = ()

    def describe(self) -> str:
        shown = ", ".join(str(r) for r in self.rows)
        more = ", …" if self.count > len(self.rows) else ""
        reason: str = self.reason
        if self.details:
            names = ", ".join(visible(d) for d in self.details[:_DETAILS_SHOWN])
            rest = len(self.details) - _DETAILS_SHOWN
            if rest > 0:
                names = Text("{names} and {rest} more", names=names, rest=rest)
            reason = Text("{reason}: {names}", reason=reason, names=names)
        if not self.rows:  # counted, not read row by row
            return Text.counted(
                "{count} row ({reason})", "{count} rows ({reason})", self.count, reason=reason
            )
        return Text.counted(
            "{count} row ({reason}; row {rows})",
            "{count} rows ({reason}; rows {rows})",
            self.count,
            reason=reason,
            rows=shown + more,
        )


@frozen
class ReadReport:
    """How a data file was read and what became of its rows.

    ``rows_read`` counts the rows after the header up to the last non-empty one;
    ``rows_read == rows_used + rows_excluded`` always holds.
    """

    path: str
    form: str
    header_row: int
    rows_read: int
    rows_used: int
    excluded: tuple[Exclusion, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    absent_columns: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def rows_excluded(self) -> int:
        return sum(e.count for e in self.excluded)

    def lines(self) -> list[str]:
        """The report as lines of text, the first a one-line summary."""
        out: list[str] = [
            Text.counted(
                "{path}: {form}, header on row {header}; {count} row read, {used} used, "
                "{excluded} excluded",
                "{path}: {form}, header on row {header}; {count} rows read, {used} used, "
                "{excluded} excluded",
                self.rows_read,
                path=self.path,
                form=self.form,
                header=self.header_row,
                used=self.rows_used,
                excluded=self.rows_excluded,
            )
        ]
        out.extend(Text("  excluded {rows}", rows=e.describe()) for e in self.excluded)
        if self.ignored_columns:
            columns = quote_list(self.ignored_columns)
            out.append(Text("  columns not used: {columns}", columns=columns))
        if self.absent_columns:
            columns = quote_list(self.absent_columns)
            out.append(
                Text("  columns not in the file (values unknown): {columns}", columns=columns)
            )
        out.extend(Text("  {note}", note=note) for note in self.notes)
        return out


class Exclusions:
    """Collects excluded rows by reason while a file is read."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = defaultdict(int)
        self._rows: dict[str, list[int]] = defaultdict(list)
        self._details: dict[str, set[str]] = defaultdict(set)

    def add(self, reason: str, row: int, detail: str | None = None) -> None:
        self.add_many(reason, 1, [row], [detail] if detail is not None else [])

    def add_many(
        self, reason: str, count: int, rows: list[int], details: list[str] | None = None
    ) -> None:
        self._counts[reason] += count
        room = _ROWS_SHOWN - len(self._rows[reason])
        self._rows[reason].extend(rows[: max(0, room)])
        self._details[reason].update(details or ())

    def freeze(self) -> tuple[Exclusion, ...]:
        return tuple(
            Exclusion(
                reason, count, tuple(self._rows[reason]), tuple(sorted(self._details[reason]))
            )
            for reason, count in self._counts.items()
        )


@dataclass(slots=True)
class Problems:
    """Collects every problem found in one file, so that all are reported at once."""

    path: str
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    unshown: int = 0

    def add(self, diagnostic: Diagnostic) -> None:
        (self.errors if diagnostic.is_error else self.warnings).append(diagnostic)

    def add_unshown(self, count: int) -> None:
        """Count errors found but not built one by one (large files)."""
        self.unshown += count

    def raise_if_errors(self) -> None:
        """Raise :class:`EngineError` with the first errors, a count of the rest, and warnings."""
        if not self.errors and not self.unshown:
            return
        ordered = sorted(_said_once(self.errors), key=_position)
        shown = ordered[:MAX_ERRORS]
        rest = len(ordered) - len(shown) + self.unshown
        closing = []
        if rest:
            message = f"and {rest} more {_plural(rest, 'error')} in {self.path} not shown"
            closing.append(Diagnostic(Severity.NOTE, message, code="data-more-errors"))
        raise EngineError([*shown, *closing, *sorted(self.warnings, key=_position)])

    def sorted_warnings(self) -> list[Diagnostic]:
        return sorted(self.warnings, key=_position)


def _said_once(errors: list[Diagnostic]) -> list[Diagnostic]:
    """The errors without those a more exact one says at the same place: a spreadsheet cell
    read as empty that holds a formula without a saved value (:mod:`.xlsx_formulas`)."""
    formulas = {_position(e) for e in errors if e.code == "data-formula"}
    return [e for e in errors if not (e.code == "data-empty-cell" and _position(e) in formulas)]


def quote_list(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def and_list(words: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def _position(diagnostic: Diagnostic) -> tuple[int, int]:
    loc: Location | None = diagnostic.location
    return (loc.line, loc.column) if loc is not None else (0, 0)


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"
