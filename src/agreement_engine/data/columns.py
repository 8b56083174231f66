"""The columns a data file has, found by their names in the header.

A column may be named in Swedish (as the national indicator export and Swedish extracts do) or
in English (our own field names). Matching ignores case, surrounding and repeated spaces, and
treats ``_`` and ``-`` as spaces, so ``Totalt antal dagar``, ``TOTALT ANTAL DAGAR`` and
``total_days`` all work. Columns the engine does not know are ignored and reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from agreement_engine.data.dialect import normalise_name
from agreement_engine.data.messages import invisible_hint
from agreement_engine.data.report import Problems, quote_list
from agreement_engine.data.table import Cell, Row
from agreement_engine.diagnostics import Diagnostic, did_you_mean, error, visible
from agreement_engine.frozen import frozen


@frozen
class Column:
    """A column a data file must (or may) have.

    ``names`` are the header names accepted; the first is the one messages show. ``field`` (the
    English name) is always accepted too.
    """

    field: str
    names: tuple[str, ...]
    required: bool = True

    @property
    def accepted(self) -> tuple[str, ...]:
        return self.names if self.field in self.names else (*self.names, self.field)

    def describe(self) -> str:
        """``'Totalt antal dagar' (or 'total_days')``: the names to show in a message."""
        return f"'{self.names[0]}' (or '{self.field}')"


@frozen
class Layout:
    """Where the known columns are in a file: position and header text, by field name."""

    index: Mapping[str, int]
    titles: Mapping[str, str]
    ignored: tuple[str, ...]
    absent: tuple[str, ...]

    def has(self, field: str) -> bool:
        return field in self.index

    def cell(self, row: Row, field: str) -> Cell:
        return row.cell(self.index[field])


def known_names(columns: Sequence[Column]) -> frozenset[str]:
    """Every accepted header name, normalised: what marks a row as the header."""
    return frozenset(normalise_name(n) for c in columns for n in c.accepted)


def resolve(header: Row, columns: Sequence[Column], problems: Problems) -> Layout | None:
    """The layout of the header, or None when a required column is missing or one is repeated
    (the problems then say which)."""
    by_name = {normalise_name(n): c for c in columns for n in c.accepted}
    index: dict[str, int] = {}
    titles: dict[str, str] = {}
    unmatched: list[Cell] = []
    ok = True
    for position, cell in enumerate(header.cells):
        column = by_name.get(normalise_name(cell.text)) if cell.text else None
        if column is None:
            unmatched.extend([cell] if cell.text else [])
        elif column.field in index:
            problems.add(_repeated(cell, titles[column.field], index[column.field]))
            ok = False
        else:
            index[column.field], titles[column.field] = position, cell.text
    found = [c.text for c in header.cells if c.text]
    for column in columns:
        if column.required and column.field not in index:
            problems.add(_missing(header, column, unmatched, found))
            ok = False
    absent = tuple(c.names[0] for c in columns if not c.required and c.field not in index)
    ignored = tuple(c.text for c in unmatched)
    return Layout(index, titles, ignored, absent) if ok else None


def _missing(header: Row, column: Column, unmatched: list[Cell], found: list[str]) -> Diagnostic:
    """A missing column, pointing at a header cell that looks like a misspelling of it (or is
    it, but for characters that cannot be seen, which the message shows)."""
    shown = quote_list([visible(name) for name in found])
    message = f"missing column {column.describe()}; the columns found are {shown}"
    for cell in unmatched:
        hint = _invisible_hint(cell.text, column) or did_you_mean(cell.text, column.accepted)
        if hint is not None:
            return error(message, cell.location, hint=hint, code="data-missing-column")
    return error(message, header.location, code="data-missing-column")


def _invisible_hint(text: str, column: Column) -> str | None:
    """What to do about a header cell that names the column but for characters no one can see."""
    return invisible_hint(text, column.accepted, "delete {them} (or save the file as CSV UTF-8)")


def _repeated(cell: Cell, first_title: str, first_index: int) -> Diagnostic:
    return error(
        f"'{cell.text}' names the same column as '{first_title}' (column {first_index + 1}); "
        "a file may have each column only once",
        cell.location,
        hint="remove or rename one of them",
        code="data-repeated-column",
    )
