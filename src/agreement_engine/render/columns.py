"""The columns of the invoice basis as the CSV, the table and the workbook show them: their
headings in a language, the text of the cells that are not values, and the values of all the
lines at once (:func:`cells`), with the exact columns of values whose decimals never end.

Values become text as :mod:`.formula.values` makes it, all of a run's values at once, and what
lines share becomes text once: a run can have tens of thousands of lines.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from decimal import Decimal, localcontext
from functools import cache, lru_cache, partial
from itertools import groupby, repeat
from operator import attrgetter
from typing import Any, cast

from agreement_engine.billing.lines import (
    COLUMNS,
    EXACT_SUMS,
    Footing,
    InvoiceBasis,
    InvoiceLine,
    LineStatus,
    Quantities,
    Run,
    decimals_end,
    kept_amounts,
    line_footings,
    line_municipalities,
    line_runs,
    quantities,
    runs_within,
)
from agreement_engine.formula.values import (
    exact_ratio,
    exact_texts,
    ratio_texts,
)
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


def line_readings(lines: Sequence[InvoiceLine], chosen: Collection[tuple[str, str]]) -> list[str]:
    """Each line's readings other than the agreement files' own that it relies on, as its
    cell shows them: 'benchmark-2024=2021-average-from-2024' (several joined by ', '), empty
    for a line that rests on the files' own readings throughout (every line of a run without
    --reading). ``chosen``: the readings of the run (``Library.readings``)."""
    if not chosen:
        return [""] * len(lines)
    chosen = set(chosen)
    said: dict[tuple[tuple[str, str], ...], str] = {}  # lines of a rule set share theirs
    out = []
    for line in lines:
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


def exact_columns(
    lines: Sequence[InvoiceLine], runs: Sequence[Run] | None = None
) -> tuple[str, ...]:
    """The columns of exact values: :data:`EXACT_ALWAYS`, and each other value column in which
    some value's decimals never end, in the order of the columns (``runs``: the lines'
    :func:`.lines.line_runs`, if found already)."""
    asked = [name for name in VALUE_COLUMNS if name not in EXACT_ALWAYS]
    ending = decimals_end(line_runs(lines) if runs is None else runs, asked)
    return tuple(name + EXACT for name in VALUE_COLUMNS if name not in ending)


PART = 4096
"""How many lines an output makes text of at a time, to hold no more than that many at once."""


def parted(lines: Sequence[InvoiceLine]) -> list[Sequence[InvoiceLine]]:
    """The lines, :data:`PART` at a time."""
    return [lines[start : start + PART] for start in range(0, len(lines), PART)] or [lines]


def parted_values(
    lines: Sequence[InvoiceLine], runs: Sequence[Run]
) -> Iterator[tuple[Sequence[InvoiceLine], Found]]:
    """The lines :data:`PART` at a time (:func:`parted`), each part with its values
    (:func:`values`), gathered as each part is asked for from the lines' runs found once
    (:func:`.lines.line_runs`) rather than walking the lines of each part again."""
    for first, part in zip(range(0, len(lines), PART), parted(lines), strict=False):
        yield part, values(part, runs_within(runs, first, first + len(part)))


Found = dict[str, Quantities]
"""The values of :data:`VALUE_COLUMNS` of some lines, by column (:func:`values`)."""


def values(lines: Sequence[InvoiceLine], runs: Sequence[Run] | None = None) -> Found:
    """The values of :data:`VALUE_COLUMNS` of the lines, the quantities as integers in lowest
    terms, read from the columns billing kept (:func:`.lines.quantities`): gathered once for
    :func:`cells` (``runs``: the lines' :func:`.lines.line_runs`, if found already)."""
    return quantities(line_runs(lines) if runs is None else runs, VALUE_COLUMNS)


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


Made = Callable[[list[Any]], list[Any]]
"""Cells from values: a Value, the amount billed (a Decimal), or None for no value."""
MadeOfRatios = Callable[[list[int], list[int]], list[Any]]
"""Cells from quantities as integers: numerators and positive denominators."""
MadeInPairs = Callable[[list[int], list[int]], tuple[list[Any], list[Any]]]
"""A column's cells and its exact column's from quantities as integers, made at once (a CSV
looks each ratio up once for both: :func:`.remembered.in_pairs`)."""


def made_cells(quantities: Quantities, ratios: MadeOfRatios, made: Made) -> list[Any]:
    """The cells of the values of a column: its quantities by ``ratios``, any other value (or
    none) by ``made``."""
    numerators, denominators, others = quantities
    return _with_others(ratios(numerators, denominators), others, made)


def paired_cells(quantities: Quantities, pairs: MadeInPairs, made: Made) -> tuple[list[Any], ...]:
    """The cells of the values of a column and of its exact column, its quantities by
    ``pairs``, any other value (or none) by ``made`` and as :func:`_exact_cells` makes it."""
    numerators, denominators, others = quantities
    cells, exact = pairs(numerators, denominators)
    return _with_others(cells, others, made), _with_others(exact, others, _exact_values)


def _with_others(cells: list[Any], others: dict[int, Any], made: Made) -> list[Any]:
    """The cells, with those of the values that are not quantities (``others``, by row) made
    by ``made``."""
    if others:
        rows = list(others)
        for row, cell in zip(rows, made([others[row] for row in rows]), strict=True):
            cells[row] = cell
    return cells


def _exact_cells(quantities: Quantities, exact: MadeOfRatios) -> list[str]:
    """Values exactly, for cells: their decimals with a comma where they end, else the fraction
    ('103/19'); nothing for no value. ``exact``: :func:`exact_ratios`, or the same remembered."""
    return made_cells(quantities, exact, _exact_values)


def _exact_values(values: list[Any]) -> list[str]:
    present = [value for value in values if value is not None]
    texts = iter([text.replace(".", ",") for text in exact_texts(present)])
    return ["" if value is None else next(texts) for value in values]


def exact_ratios(numerators: list[int], denominators: list[int]) -> list[str]:
    """:func:`.values.exact_ratio` of each ratio (in lowest terms), with a decimal comma: a
    whole number or a fraction whose decimals never end ('37/3', most averages) written in
    place, in one pass over the column; a ratio whose decimals end by ``exact_ratio``, once
    for each distinct one (a column repeats them: averages of 3,5 or 4,25 days)."""
    if one_value(numerators, denominators):
        return ratio_texts(numerators, denominators, partial(exact_ratio, point=","))
    never = never_ending(denominators)
    ending = cache(partial(exact_ratio, point=","))
    return [
        f"{n}/{d}" if d in never else str(n) if d == 1 else ending(n, d)
        for n, d in zip(numerators, denominators, strict=True)
    ]


def one_value(numerators: list[int], denominators: list[int]) -> bool:
    """Whether a column holds whole numbers only, or one value on every line (a month's
    benchmark): :func:`.values.ratio_texts` writes either without a loop over its cells."""
    return all_are(denominators, 1) or (
        all_are(numerators, numerators[0]) and all_are(denominators, denominators[0])
    )


def all_are(numbers: list[int], number: int) -> bool:
    """Whether every one of the numbers is ``number``: compared with a list of it, which stops
    at the first that differs (``count`` would look at every one of a column of thousands)."""
    return numbers == [number] * len(numbers)


def never_ending(denominators: list[int]) -> set[int]:
    """Those of the (positive) denominators whose fractions' decimals never end (in lowest
    terms), each distinct one looked at once: those that do not divide 10^k, k the number of
    bits of the largest. (The decimals end just when a denominator is 2^a × 5^b, and then a and
    b are below its number of bits, so it divides 10^k; a remainder is quicker to find than
    :func:`.values.decimal_places`, whose cache a column of a thousand averages overflows.)"""
    distinct = set(denominators)
    multiple = 10 ** max(distinct, default=1).bit_length()
    return {d for d in distinct if multiple % d}


def cells(
    lines: Sequence[InvoiceLine],
    names: Sequence[str],
    made: Made,
    ratios: MadeOfRatios,
    lang: Language = ENGLISH,
    found: Found | None = None,
    text: Callable[[str], str] | None = None,
    chosen: Collection[tuple[str, str]] = (),
    exact: MadeOfRatios | None = None,
    pairs: MadeInPairs | None = None,
) -> list[list[Any]]:
    """The named cells of every line, one list per name: those of COLUMNS made by ``ratios``
    from the quantities as integers, and by ``made`` from any other value, the amount billed
    (a Decimal) or None; the others as text (``text`` applied to each: to each line's
    municipality, so one that remembers what it made, as the CSV's does; once per footing).
    ``found``: :func:`values`, if gathered already; ``chosen``: the run's readings, for the
    column 'readings'; ``exact``: how the exact columns' quantities are made (by default
    :func:`exact_ratios`); ``pairs``: how a column with an exact column among ``names`` and
    that exact column are made at once, if so (the exact one kept until its turn)."""
    found = values(lines) if found is None else found
    out = []
    footings: Footings | None = None
    exacts: dict[str, list[Any]] = {}  # made with their columns (pairs), by exact column
    for name in names:
        if name == "net_amount":
            out.append(amount_cells(lines, made, ratios))
        elif name in COLUMNS and pairs is not None and name + EXACT in names:
            cells, exacts[name + EXACT] = paired_cells(found[name], pairs, made)
            out.append(cells)
        elif name in COLUMNS:
            out.append(made_cells(found[name], ratios, made))
        elif name in exacts:
            out.append(exacts.pop(name))
        elif name.endswith(EXACT):
            out.append(_exact_cells(found[name.removesuffix(EXACT)], exact or exact_ratios))
        elif name == "readings":
            out.append(line_readings(lines, chosen))
        else:
            if name != "municipality" and footings is None:
                footings = _footings(lines)
            out.append(_line_cells(lines, footings, name, lang, text))
    return out


def amount_cells(lines: Sequence[InvoiceLine], made: Made, ratios: MadeOfRatios) -> list[Any]:
    """The cells of the amounts billed: whole kronor on every line (as billing keeps most) by
    ``ratios`` as whole numbers, with no Decimal made for each; else each amount (a Decimal, or
    None) by ``made``. Either gives a whole number the same text."""
    kept = kept_amounts(lines)
    if all(map(isinstance, kept, repeat(int))):
        return ratios(cast(list[int], kept), [1] * len(kept))
    return made([line.amount for line in lines])


Footings = tuple[list[tuple[Footing, int]], dict[Footing, InvoiceLine]]
"""The lines' footings as runs of lines that stand on one (each footing and how many lines),
and a line standing on each distinct footing (:func:`_footings`)."""


def _footings(lines: Sequence[InvoiceLine]) -> Footings:
    """The runs of lines standing on one footing, and a line for each footing: found once for
    all the columns that are the footing's (the lines of a rule set's month follow one another:
    a column is then a few cells repeated, rather than a cell looked up for each line)."""
    runs = [(footing, len(list(run))) for footing, run in groupby(line_footings(lines))]
    standing: dict[Footing, InvoiceLine] = {}
    first = 0
    for footing, count in runs:
        standing.setdefault(footing, lines[first])
        first += count
    return runs, standing


def _line_cells(
    lines: Sequence[InvoiceLine],
    footings: Footings | None,
    name: str,
    lang: Language,
    text: Callable[[str], str] | None,
) -> list[str]:
    """The text of a column that is not a value, on each line: worked out once for the lines
    that stand on one footing (``footings``: all but the municipality's name are the
    footing's), or each line's municipality as it is (``text`` applied to each)."""
    texts = line_texts(name, lang)
    if name == "municipality" or footings is None:
        made = line_municipalities(lines) if name == "municipality" else list(map(texts, lines))
        return made if text is None else list(map(text, made))
    runs, standing = footings
    by_footing = {footing: texts(line) for footing, line in standing.items()}
    if text is not None:
        by_footing = {footing: text(cell) for footing, cell in by_footing.items()}
    out: list[str] = []
    for footing, count in runs:
        out += [by_footing[footing]] * count
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
