"""The columns of the invoice basis as the CSV, the table and the workbook show them: their
headings in a language, the text of the cells that are not values, and the values of all the
lines at once (:func:`cells`), with the exact columns of values whose decimals never end.

Values become text as :mod:`.formula.values` makes it, all of a run's values at once, and what
lines share becomes text once: a run can have tens of thousands of lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, localcontext
from functools import lru_cache
from operator import attrgetter
from typing import Any

from agreement_engine.billing.lines import (
    COLUMNS,
    EXACT_SUMS,
    InvoiceBasis,
    InvoiceLine,
    LineStatus,
)
from agreement_engine.formula import Amount
from agreement_engine.formula.values import decimal_places, exact_texts
from agreement_engine.months import YearMonth
from agreement_engine.render.i18n import ENGLISH, N_, Language

HEADINGS = {
    "month": N_("month"),
    "municipality": N_("municipality"),
    "governed_by": N_("governed by"),
    "benchmark": N_("benchmark"),
    "average_days": N_("average days"),
    "excess": N_("excess"),
    "episodes": N_("episodes"),
    "day_cost": N_("price/day"),
    "gross_amount": N_("gross"),
    "discount": N_("discount"),
    "net_amount": N_("net amount"),
    "status": N_("status"),
    "reasons": N_("reasons"),
    "readings": N_("readings"),
}
STATUSES = (N_("final"), N_("provisional"), N_("not computed"))
"""The words of the statuses (:class:`.LineStatus`), for the catalog."""
SHEET = ("month", "municipality", "governed_by", *COLUMNS, "status", "reasons", "readings")
"""The columns of the CSV and the workbook, before those of exact values (:func:`exact_columns`)."""
VALUE_COLUMNS = tuple(name for name in COLUMNS if name != "net_amount")
EXACT_ALWAYS = ("average_days", "excess")
"""Columns whose exact values the CSV and workbook always give in a column of their own (an
average's decimals mostly never end); any other gets one when some value of its never ends."""

_ID = attrgetter("id")


def governed_by(line: InvoiceLine) -> str:
    """The governing documents, shortest form: 'halland-2022 + halland-invoice-basis'."""
    return " + ".join(map(_ID, line.documents)) or "—"


def line_readings(basis: InvoiceBasis) -> list[str]:
    """Each line's readings other than the agreement files' own that it relies on, as its
    cell shows them: 'benchmark-2024=2021-average-from-2024' (several joined by ', '), empty
    for a line that rests on the files' own readings throughout (every line of a run without
    --reading)."""
    chosen = set(basis.library.readings)
    if not chosen:
        return [""] * len(basis.lines)
    said: dict[tuple[tuple[str, str], ...], str] = {}  # lines of a rule set share theirs
    out = []
    for line in basis.lines:
        text = said.get(line.readings)
        if text is None:
            relied = (f"{a}={r}" for a, r in line.readings if (a, r) in chosen)
            text = said[line.readings] = ", ".join(relied)
        out.append(text)
    return out


def headings(names: Iterable[str], lang: Language = ENGLISH) -> list[str]:
    """The headings of columns, in a language; an exact column's as '<heading> (exact)'."""
    out = []
    for name in names:
        if name.endswith(EXACT):
            column = lang._(HEADINGS[name.removesuffix(EXACT)])
            out.append(lang._("{column} (exact)", column=column))
        else:
            out.append(lang._(HEADINGS.get(name, name)))
    return out


EXACT = ":exact"
"""The suffix of an exact column's name: 'average_days:exact'."""


def exact_columns(basis: InvoiceBasis, found: list[Any] | None = None) -> tuple[str, ...]:
    """The columns of exact values: :data:`EXACT_ALWAYS`, and each other value column in which
    some value's decimals never end, in the order of the columns (``found``: :func:`values`)."""
    found = values(basis) if found is None else found
    every = len(VALUE_COLUMNS)
    out = []
    for at, name in enumerate(VALUE_COLUMNS):
        denominators = {v.value.denominator for v in found[at::every] if isinstance(v, Amount)}
        if name in EXACT_ALWAYS or any(decimal_places(d) is None for d in denominators):
            out.append(name + EXACT)
    return tuple(out)


def values(basis: InvoiceBasis) -> list[Any]:
    """The values of :data:`VALUE_COLUMNS` of every line, line after line (None where a line has
    none), gathered once for :func:`exact_columns` and :func:`cells`."""
    found: list[Any] = []
    for line in basis.lines:  # line after line: a line's values lie together in memory
        found += map(line.values().get, VALUE_COLUMNS)
    return found


# --- Cells of the lines -------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def month_text(month: YearMonth) -> str:
    """A month as its cells show it, made once per month."""
    return str(month)


def line_texts(name: str, lang: Language) -> Callable[[InvoiceLine], str]:
    """How a line gives the text of a column that is not a value, in a language."""
    if name == "month":
        return lambda line: month_text(line.month)
    if name == "municipality":
        return attrgetter("municipality")
    if name == "governed_by":
        return governed_by
    if name == "status":
        statuses = {status: lang._(status.value) for status in LineStatus}
        return lambda line: statuses[line.status]
    if name == "reasons":
        if lang.english:
            return lambda line: " | ".join(line.reasons)
        return lambda line: " | ".join(map(lang.text, line.reasons))
    raise KeyError(name)


def _exact_cells(values: list[Any]) -> list[str]:
    """Values exactly, for cells: their decimals with a comma where they end, else the fraction
    ('103/19'); nothing for no value."""
    present = [value for value in values if value is not None]
    texts = iter([text.replace(".", ",") for text in exact_texts(present)])
    return ["" if value is None else next(texts) for value in values]


def cells(
    basis: InvoiceBasis,
    names: Sequence[str],
    made: Callable[[list[Any]], list[Any]],
    lang: Language = ENGLISH,
    found: list[Any] | None = None,
) -> list[list[Any]]:
    """The named cells of every line, one list per name: those of COLUMNS made by ``made``
    from all the values at once (the amount billed, a Decimal, for the net amount), the others
    as text (``found``: :func:`values`, if gathered already)."""
    found = values(basis) if found is None else found
    made_values = made(found)
    every = len(VALUE_COLUMNS)
    columns = {name: made_values[i::every] for i, name in enumerate(VALUE_COLUMNS)}
    columns["net_amount"] = made([line.amount for line in basis.lines])
    out = []
    for name in names:
        if name in COLUMNS:
            out.append(columns[name])
        elif name.endswith(EXACT):
            at = VALUE_COLUMNS.index(name.removesuffix(EXACT))
            out.append(_exact_cells(found[at::every]))
        elif name == "readings":
            out.append(line_readings(basis))
        else:
            out.append(list(map(line_texts(name, lang), basis.lines)))
    return out


def totals(basis: InvoiceBasis) -> tuple[dict[str, Decimal], Decimal]:
    """Each municipality's total and the total of all, as :meth:`InvoiceBasis.total` gives them
    (the same exact sums in the same order), in one pass over the lines."""
    by_municipality = {m: Decimal(0) for m in basis.municipalities}
    everything = Decimal(0)
    with localcontext(EXACT_SUMS):  # the default context would round past 28 digits
        for line in basis.lines:
            amount = line.amount
            if amount is not None:
                everything += amount
                if line.municipality in by_municipality:
                    by_municipality[line.municipality] += amount
    return by_municipality, everything
