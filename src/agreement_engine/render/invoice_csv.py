"""The invoice basis as CSV for a Swedish spreadsheet: ``;`` separators, decimal commas, UTF-8
with a BOM, and every cell of a numeric column a number (:data:`CSV_PLACES`); the exact values
in columns of their own, and no text cell a spreadsheet would run as a formula (:func:`inert`).
The headings and words are in the language passed (:mod:`.i18n`, English by default).

A run can have tens of thousands of lines: the file is made a part of the lines at a time
(:func:`.columns.parted_values`), the values of a part become text all at once, and rows are joined
as text rather than written cell by cell; the csv module quotes only the parts that need it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from functools import cache
from itertools import repeat
from typing import Any

from agreement_engine.billing.lines import InvoiceBasis, Quantities, line_runs
from agreement_engine.formula.values import (
    Amount,
    approximate_ratio,
    column_texts,
    decimal_places,
    ratio_texts,
)
from agreement_engine.render.columns import (
    EXACT,
    PART,
    SHEET,
    Found,
    MadeInPairs,
    MadeOfRatios,
    cells,
    exact_columns,
    exact_ratios,
    headings,
    never_ending,
    one_value,
    parted_values,
)
from agreement_engine.render.i18n import ENGLISH, Language
from agreement_engine.render.remembered import Remembered, in_pairs

CSV_PLACES = 6
"""Decimals a CSV cell gives of a value whose decimals never end (rounded half-even); the exact
value is in the column '… (exact)'."""


def render_csv(basis: InvoiceBasis, lang: Language = ENGLISH) -> str:
    """CSV for a Swedish spreadsheet: ';' separated, decimal commas, a BOM so Excel reads UTF-8;
    every cell of a numeric column a number, the exact values in columns of their own."""
    return csv_bytes(basis, lang).decode("utf-8")


def csv_bytes(basis: InvoiceBasis, lang: Language = ENGLISH) -> bytes:
    """:func:`render_csv` as the bytes of the file (UTF-8)."""
    return b"".join(csv_parts(basis, lang))


def csv_parts(basis: InvoiceBasis, lang: Language = ENGLISH) -> Iterator[bytes]:
    """The bytes of :func:`csv_bytes` in parts, :data:`.columns.PART` lines at a time, made as
    they are asked for: a file written part by part never holds the text of every cell at once,
    nor the whole file."""
    runs = line_runs(basis.lines)  # found once for the columns to show and for every part
    names = (*SHEET, *exact_columns(basis.lines, runs))
    heading = _csv_text([[heading] for heading in headings(names, lang)])
    yield b"\xef\xbb\xbf" + heading.encode("utf-8")  # a BOM, so Excel reads UTF-8
    shown = cache(inert)  # each part has most municipalities: each name made inert once
    rounded, pairs = _ratio_cells(len(basis.lines))
    readings = basis.library.readings
    for part, found in parted_values(basis.lines, runs):
        texts: list[list[str]] = cells(
            part, names, csv_numbers, rounded, lang, found, shown, readings, exact_ratios, pairs
        )
        texts = [
            column
            if name in SHEET or _numbers_only(found[name[: -len(EXACT)]])
            else list(map(inert, column))
            for name, column in zip(names, texts, strict=True)
        ]
        numbers = [_numbers(name, found) for name in names]
        yield _csv_text(texts, numbers).encode("utf-8")


REMEMBERING = 8 * PART
"""From how many lines a CSV remembers its cells of values (:class:`.Remembered`): a run of
many more lines than distinct averages repeats them (2 906 x 50 months, 145 300 lines: 16 035),
a shorter one makes most anew in every part (296 x 50, 14 800 lines: 94 % of a part's), and
looking them up first costs more than it saves (that run's CSV 48 -> 70 ms)."""


def _ratio_cells(lines: int) -> tuple[MadeOfRatios, MadeInPairs | None]:
    """How a run of so many lines makes the cells of its values, rounded, and those of a value
    with an exact column, with it (None: each column alone)."""
    if lines < REMEMBERING:
        return csv_ratios, None
    return Remembered(csv_ratios), in_pairs(csv_ratios, exact_ratios)  # for every part


def _numbers_only(column: Quantities) -> bool:
    """Whether the exact values' cells are numbers none below zero: none starts like a formula."""
    return not column.others and min(column.numerators, default=0) >= 0


def _numbers(name: str, found: Found) -> bool:
    """Whether every cell of a column is a number written here (digits, a sign, a decimal comma,
    a '/', a leading "'" from :func:`inert`): the amounts billed, and the columns of values with
    no value but quantities. Such a cell never holds what the csv module quotes."""
    quantities = found.get(name.removesuffix(EXACT))
    return name == "net_amount" or (quantities is not None and not quantities.others)


def _csv_text(columns: Sequence[Sequence[str]], numbers: Sequence[bool] = ()) -> str:
    """Cells (a list for each column) as CSV lines: joined as they are, unless some cell must be
    quoted (the csv module knows how). ``numbers``: which columns hold numbers only (see
    :func:`_numbers`), whose cells need not be looked at."""
    if not columns or not columns[0]:
        return ""
    numbers = numbers or [False] * len(columns)
    looked_at = [column for column, number in zip(columns, numbers, strict=True) if not number]
    if not any(map(_quoted, looked_at)):
        return "\r\n".join(map(";".join, zip(*columns, strict=True))) + "\r\n"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(zip(*columns, strict=True))
    return buffer.getvalue()


def csv_numbers(values: list[Any]) -> list[str]:
    """Values as CSV cells, each a number a spreadsheet reads with a decimal comma: exact where
    its decimals end, else rounded half-even to :data:`CSV_PLACES` decimals; nothing for no
    value."""
    texts = column_texts(values, point=",")  # exact where the decimals end, else cut and '…'
    if not any(map(isinstance, values, repeat(Amount))):  # amounts billed: their decimals end
        return texts
    for i, text in enumerate(texts):
        if text.endswith("…"):
            texts[i] = _rounded(values[i].value.numerator, values[i].value.denominator)
    return texts


def csv_ratios(numerators: list[int], denominators: list[int]) -> list[str]:
    """:func:`csv_numbers` of quantities given as integers in lowest terms, in one pass over
    the column: a whole number by ``str``, a value at least zero whose decimals never end (most
    averages) rounded in place, any other by :func:`_csv_number`.

    Rounded in place half up (add half a unit, then floor), which is half-even here: such a
    ratio is never halfway between two roundings (being halfway, it would be a whole number of
    halves of a millionth, and its denominator would divide 2 × 10^6, so its decimals would
    end). Written out rather than called: a call for each of tens of thousands of cells would
    take a third of the time. Any other made once for each distinct one: a column repeats them
    (averages of 3,5 or 4,25 days, half kronor)."""
    if one_value(numerators, denominators):
        return ratio_texts(numerators, denominators, _csv_number)
    never = never_ending(denominators)
    other = cache(_csv_number)
    return [
        str(n)
        if d == 1
        else _ROUNDED % divmod((n * _TWICE_SCALE + d) // (d + d), _SCALE)
        if n >= 0 and d in never
        else other(n, d)
        for n, d in zip(numerators, denominators, strict=True)
    ]


def _csv_number(numerator: int, denominator: int) -> str:
    """A number in lowest terms as a CSV cell (see :func:`csv_numbers`)."""
    if decimal_places(denominator) is None:
        return _rounded(numerator, denominator)
    return approximate_ratio(numerator, denominator, point=",")


def _rounded(numerator: int, denominator: int) -> str:
    """A number whose decimals never end, rounded half-even to CSV_PLACES decimals, every one
    written: by whole-number arithmetic (as round_exact's half_even, for tens of thousands)."""
    whole, rest = divmod(numerator * _SCALE, denominator)
    rest += rest
    if rest > denominator or (rest == denominator and whole & 1):
        whole += 1
    if whole >= _SCALE:
        digits = str(whole)
        return f"{digits[:-CSV_PLACES]},{digits[-CSV_PLACES:]}"
    if whole >= 0:
        return f"0,{whole:0{CSV_PLACES}d}"
    digits = str(-whole).rjust(CSV_PLACES + 1, "0")
    return f"-{digits[:-CSV_PLACES]},{digits[-CSV_PLACES:]}"


_SCALE = 10**CSV_PLACES
_TWICE_SCALE = 2 * _SCALE
_ROUNDED = f"%d,%0{CSV_PLACES}d"
"""The text of a rounded number at least zero from its whole part and its decimals."""


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a cell that a spreadsheet would take for a formula starts."""


def inert(text: str) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula: one that starts like a
    formula (a municipality named '=HYPERLINK(…)' in an agreement file) gets a leading "'"."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _quoted(column: Sequence[str]) -> bool:
    """Whether the csv module would quote some cell of a column: one that holds a ';', a '"' or
    a line break (what it quotes, the same in Python 3.11 to 3.13). Each distinct cell looked at
    once, all of them in one text (the lines of a month share their reasons)."""
    distinct = "".join(set(column))
    return ";" in distinct or '"' in distinct or "\n" in distinct or "\r" in distinct
