"""Messages about the fields of data files, shared by the readers.

Message text is part of the engine's interface (tests assert it word for word). A field is named
by its column's header text as the file writes it, and for spreadsheets by its cell as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from agreement_engine.data.dialect import DATE
from agreement_engine.data.report import and_list
from agreement_engine.data.table import Cell
from agreement_engine.diagnostics import (
    Diagnostic,
    Location,
    did_you_mean,
    error,
    invisible,
    visible,
    without_invisible,
)

_NAMES_LISTED = 12


def subject(cell: Cell, title: str) -> str:
    """How a message names a field: ``'Vårdtillfällen'``, or ``'Vårdtillfällen' in cell B7``."""
    return f"'{title}'" + (f" in cell {cell.ref}" if cell.ref else "")


def underline(cell: Cell) -> Location:
    """The cell's location, underlining the whole field (at least one character)."""
    loc = cell.location
    return Location(loc.path, loc.line, loc.column, max(1, loc.length), loc.source_line)


def bad_value(cell: Cell, title: str, expected: str) -> Diagnostic:
    """The error for a field whose text is not what its column needs."""
    if not cell.text:
        message = f"{subject(cell, title)} is empty; it must be {expected}"
        code = "data-empty-cell" if cell.ref else "data-value"  # a formula, maybe: see .xlsx
        return error(message, underline(cell), code=code)
    message = f"{subject(cell, title)} must be {expected}, not '{visible(cell.text)}'"
    hint = _serial_date_hint(cell.text) if expected == DATE else None
    return error(message, underline(cell), hint=hint, code="data-value")


def _serial_date_hint(text: str) -> str | None:
    """What to do about a date written as the number a spreadsheet counts days by (45689 is
    2025-02-01): its column was not formatted as dates when the file was saved."""
    if not (text.isdigit() and len(text) == 5):
        return None
    day = _EXCEL_EPOCH + timedelta(days=int(text))
    return (
        f"{text} looks like a date as a spreadsheet counts days ({day.isoformat()}): format "
        "the column as dates (YYYY-MM-DD) and save the file again"
    )


_EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of the day numbers Excel and LibreOffice give dates (for dates after 1900-02-28)."""


def unknown_municipality(cell: Cell, known: Sequence[str], notes: Sequence[str] = ()) -> Diagnostic:
    """The error for a name so like a municipality asked for that it is probably misspelt."""
    names = sorted(known)
    rest = len(names) - _NAMES_LISTED
    listed = and_list(names) if rest <= 0 else f"{', '.join(names[:_NAMES_LISTED])} and {rest} more"
    return error(
        f"unknown municipality '{visible(cell.text)}'",
        underline(cell),
        hint=invisible_hint(cell.text, known, "delete {them}")
        or did_you_mean(without_invisible(cell.text), known),
        notes=[*notes, f"the municipalities asked for are {listed}"],
        code="data-unknown-municipality",
    )


def invisible_hint(text: str, names: Sequence[str], fix: str) -> str | None:
    """The hint for a text that is one of ``names`` (as data files may spell it) but for
    characters no one can see: which they are, and ``fix`` ('delete {them}')."""
    from agreement_engine.data.dialect import normalise_name

    seen = without_invisible(text)
    if seen == text or normalise_name(seen) not in {normalise_name(n) for n in names}:
        return None
    unseen = invisible(text)
    them = "it" if len(unseen) == 1 else "them"
    return (
        f"'{visible(text)}' is '{seen}' with {and_list(unseen)} in it, which cannot be seen: "
        + fix.format(them=them)
    )
