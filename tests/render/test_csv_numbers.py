"""The CSV as a Swedish spreadsheet reads it: every cell of a numeric column a number."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from outputs import AGGREGATES, AGREEMENTS, EPISODES, halland

from agreement_engine.api import Evaluation, evaluate
from agreement_engine.formula import round_exact, to_decimal
from agreement_engine.formula.values import approximately, decimal_places, exact_ratio
from agreement_engine.months import YearMonth
from agreement_engine.render.columns import exact_ratios, never_ending
from agreement_engine.render.i18n import language
from agreement_engine.render.invoice import CSV_PLACES, csv_ratios, render_csv
from agreement_engine.render.invoice_csv import _csv_text, csv_numbers
from agreement_engine.render.remembered import Remembered, in_pairs

NUMERIC = (
    "benchmark",
    "average days",
    "excess",
    "episodes",
    "price/day",
    "gross",
    "discount",
    "net amount",
)


def _read(text: str) -> list[dict[str, str]]:
    """The rows as Python's csv reads a file Excel wrote in Sweden: ';' and a BOM."""
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def _number(cell: str) -> Decimal:
    """A cell as a spreadsheet with a decimal comma reads it; an error if it is no number."""
    try:
        return Decimal(cell.replace(",", "."))
    except InvalidOperation:
        raise AssertionError(f"not a number: {cell!r}") from None


@pytest.mark.parametrize("source", ["aggregates", "episodes"])
def test_every_cell_of_every_numeric_column_is_a_number_or_empty(source: str) -> None:
    """A sum in a spreadsheet skips text without a word: '3,8857…' would drop out of it."""
    run = (
        halland("2025-08", "2025-12")
        if source == "aggregates"
        else halland("2025-10", "2025-12", EPISODES)
    )
    rows = _read(render_csv(run.basis))
    assert rows
    numbers = 0
    for row in rows:
        for column in NUMERIC:
            if row[column]:
                _number(row[column])
                numbers += 1
        assert "…" not in ";".join(row.values())
    assert numbers > len(rows)


def test_a_value_whose_decimals_never_end_is_rounded_half_even_with_the_exact_one_beside_it() -> (
    None
):
    """103/19 days: 5,421053 to six decimals, the fraction itself in 'average days (exact)'."""
    rows = _read(render_csv(halland().basis))
    endless = [row for row in rows if "/" in row["average days (exact)"]]
    assert endless
    for row in endless:
        exact = Fraction(row["average days (exact)"])
        shown = _number(row["average days"])
        assert shown.as_tuple().exponent == -CSV_PLACES
        assert abs(Fraction(shown) - exact) <= Fraction(1, 2 * 10**CSV_PLACES)


def test_a_value_whose_decimals_end_is_written_exactly_in_both_columns() -> None:
    """7,5 days stays 7,5: nothing is padded or rounded that need not be."""
    rows = _read(render_csv(halland().basis))
    ending = [
        row
        for row in rows
        if row["average days (exact)"] and "/" not in row["average days (exact)"]
    ]
    assert ending
    assert all(row["average days"] == row["average days (exact)"] for row in ending)


def test_the_swedish_csv_has_swedish_headings_and_statuses_and_the_same_numbers() -> None:
    """Only words change with the language: a script summing the columns gets the same sums."""
    basis = halland().basis
    english, swedish = _read(render_csv(basis)), _read(render_csv(basis, language("sv")))
    assert list(swedish[0])[:4] == ["månad", "kommun", "styrs av", "riktmärke"]
    assert {row["status"] for row in swedish} == {"preliminär", "ej beräknad"}
    assert [row["net amount"] for row in english] == [row["nettobelopp"] for row in swedish]


def _under_readings() -> Evaluation:
    """2024-10 – 2024-12 under two readings: the 2024 benchmark read as reading A, and the gap
    months read as the 2022 model continued."""
    return evaluate(
        str(AGGREGATES),
        YearMonth(2024, 10),
        YearMonth(2024, 12),
        agreements=AGREEMENTS,
        readings={
            "benchmark-2024": "2021-average-from-2024",
            "gap-2024-11-to-2025-09": "continuous",
        },
    )


def test_each_line_names_the_readings_chosen_that_it_relies_on_and_stays_a_number() -> None:
    """The column 'readings': a line computed under a reading chosen instead of the files' own
    names it ('assumption=reading', several joined by ', '); the numbers are numbers still."""
    rows = _read(render_csv(_under_readings().basis))
    by_month = {row["month"]: row["readings"] for row in rows if row["municipality"] == "Hylte"}
    assert by_month == {
        "2024-10": "benchmark-2024=2021-average-from-2024",
        "2024-11": "benchmark-2024=2021-average-from-2024, gap-2024-11-to-2025-09=continuous",
        "2024-12": "benchmark-2024=2021-average-from-2024, gap-2024-11-to-2025-09=continuous",
    }
    for row in rows:
        for column in NUMERIC:
            if row[column]:
                _number(row[column])


def test_a_line_on_the_files_own_readings_has_an_empty_readings_cell() -> None:
    """Without --reading every line rests on the files' own readings: nothing to name, in
    either language (the heading 'tolkningar' in Swedish)."""
    basis = halland().basis
    assert {row["readings"] for row in _read(render_csv(basis))} == {""}
    assert {row["tolkningar"] for row in _read(render_csv(basis, language("sv")))} == {""}


@settings(max_examples=300, deadline=None)
@given(
    numerator=st.integers(-(10**12), 10**12),
    denominator=st.integers(1, 10**5),
)
def test_a_cell_made_from_integers_is_the_value_rounded_half_even_or_written_exactly(
    numerator: int, denominator: int
) -> None:
    """The CSV's cells come from the integers billing kept: each is the exact decimal where it
    ends, else round(value, 6, half_even) with every decimal written, ties and signs alike."""
    value = Fraction(numerator, denominator)
    assert csv_ratios([value.numerator], [value.denominator]) == [_cell_of(value)]


def _cell_of(value: Fraction) -> str:
    """The CSV cell of a value, worked out the long way: its exact decimal where it ends, else
    round(value, 6, half_even) by the engine's rounding with every decimal written."""
    if to_decimal(value) is not None:
        return approximately(value).replace(".", ",")
    rounded = to_decimal(round_exact(value, CSV_PLACES, "half_even"))
    assert rounded is not None
    return f"{rounded:.{CSV_PLACES}f}".replace(".", ",")


_RATIOS = st.one_of(
    st.fractions(max_denominator=10**5),  # mostly decimals that never end
    st.builds(Fraction, st.integers(-(10**30), 10**30), st.sampled_from([1, 2, 8, 128, 3, 7])),
    st.builds(Fraction, st.integers(0, 10**7), st.integers(1, 10**4)),  # averages of days
    st.fractions(min_value=-1, max_value=1, max_denominator=10**8),  # rounds to 0 or -0
)
"""Ratios a column may hold: repeating decimals, wholes and halves, decimals that end past six
places (1/128), many digits, both signs, tiny values either side of zero."""


@settings(max_examples=300, deadline=None)
@given(column=st.lists(_RATIOS, max_size=40))
def test_a_column_written_in_one_pass_is_the_column_written_cell_by_cell(
    column: list[Fraction],
) -> None:
    """The CSV and its exact columns write a column of numbers at once, the common cells in
    place; every cell must read as the value worked out alone does, in the CSV's rounding and
    in the exact text."""
    _assert_each_as_alone(column)


def _assert_each_as_alone(column: list[Fraction]) -> None:
    """Every cell of the column, rounded and exact, reads as its value written alone does."""
    numerators = [value.numerator for value in column]
    denominators = [value.denominator for value in column]
    assert csv_ratios(numerators, denominators) == list(map(_cell_of, column))
    assert exact_ratios(numerators, denominators) == [
        exact_ratio(value.numerator, value.denominator, ",") for value in column
    ]


@settings(max_examples=200, deadline=None)
@given(column=st.lists(_RATIOS, min_size=1, max_size=10), repeats=st.integers(2, 4))
def test_a_column_that_repeats_its_values_writes_each_as_that_value_alone(
    column: list[Fraction], repeats: int
) -> None:
    """Values whose decimals end, and values below zero, are made once for each distinct one
    in a column (averages of 3,5 days repeat): every repeat must read as the value alone."""
    _assert_each_as_alone(column * repeats)


@settings(max_examples=200, deadline=None)
@given(
    ratios=st.lists(_RATIOS, min_size=1, max_size=8),
    parts=st.lists(st.lists(st.integers(0, 7), max_size=12), max_size=6),
    limit=st.sampled_from([0, 3, 1 << 15]),
    whole=st.booleans(),
)
def test_columns_written_part_after_part_from_remembered_cells_are_the_columns_written_alone(
    ratios: list[Fraction], parts: list[list[int]], limit: int, whole: bool
) -> None:
    """A CSV remembers the cells of the ratios it made for the parts after (a run's averages
    repeat): every part, whether its ratios were made before, are new, or were forgotten (a
    small ``limit``), must read as the column written alone does; columns of whole numbers
    (episodes, kronor: ``whole``) too; and a column and its exact column remembered together
    (:func:`.remembered.in_pairs`, as the averages and excesses are) as each written alone."""
    if whole:
        ratios = [Fraction(int(value)) for value in ratios]
    rounded, exact = Remembered(csv_ratios, limit), Remembered(exact_ratios, limit)
    pairs = in_pairs(csv_ratios, exact_ratios, limit)
    for picked in parts:
        column = [ratios[at % len(ratios)] for at in picked]  # parts share ratios, as months do
        numerators = [value.numerator for value in column]
        denominators = [value.denominator for value in column]
        written = csv_ratios(numerators, denominators), exact_ratios(numerators, denominators)
        assert (rounded(numerators, denominators), exact(numerators, denominators)) == written
        assert pairs(numerators, denominators) == written


@pytest.mark.parametrize(
    ("column", "cells"),
    [
        ([Fraction(7, 2)] * 3, ["3,5", "3,5", "3,5"]),  # a month's benchmark on every line
        ([Fraction(2, 3), Fraction(-2, 3), Fraction(0)], ["0,666667", "-0,666667", "0"]),
        ([Fraction(1, 3_000_000), Fraction(-1, 3_000_000)], ["0,000000", "0,000000"]),
        ([Fraction(1, 128), Fraction(10**25 + 1, 3)], ["0,0078125", "3" + "3" * 24 + ",666667"]),
    ],
)
def test_tricky_columns_read_as_a_spreadsheet_needs_them(
    column: list[Fraction], cells: list[str]
) -> None:
    """Signs, a value rounding to zero from either side (never '-0,000000'), decimals ending
    past six places and numbers of many digits, written by hand."""
    numerators = [value.numerator for value in column]
    denominators = [value.denominator for value in column]
    assert csv_ratios(numerators, denominators) == cells


@given(
    amounts=st.lists(
        st.one_of(
            st.decimals(allow_nan=False, allow_infinity=False),
            st.sampled_from([Decimal("1E+3"), Decimal("1E-7"), Decimal("-0"), Decimal("10.50")]),
        ),
        min_size=1,
    )
)
def test_the_amounts_billed_are_written_with_every_digit_and_never_in_exponent_form(
    amounts: list[Decimal],
) -> None:
    """The net amounts are written by ``str`` where it gives the digits ``format(…, 'f')`` does:
    an amount that ``str`` would write as 1E+3 must still read 1000 in a spreadsheet."""
    assert csv_numbers(amounts) == [format(amount, "f").replace(".", ",") for amount in amounts]


def test_the_denominators_whose_decimals_never_end_are_found_as_decimal_places_finds_them() -> None:
    """A column's denominators are sorted into ending and never-ending by one remainder each;
    it must agree with decimal_places on every denominator, large powers of 2 and 5 too."""
    denominators = [*range(1, 5000), 2**70, 5**40, 2**64 * 5**30, 3 * 5**40, 2**200 * 7]
    assert never_ending(denominators) == {d for d in denominators if decimal_places(d) is None}


_CELL_TEXT = st.text(alphabet=st.sampled_from(list("ab ;\"\r\n'=-,ö")), max_size=6)
"""Text cells with what a CSV must quote (';', '"', line breaks), spaces at either end, and
what a Swedish file holds (decimal commas, 'ö')."""


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(st.lists(_CELL_TEXT, min_size=3, max_size=3), min_size=1, max_size=8),
    column=st.lists(_RATIOS, min_size=8, max_size=8),
)
def test_lines_joined_as_they_are_are_what_the_csv_module_writes_for_them(
    texts: list[list[str]], column: list[Fraction]
) -> None:
    """Only the text columns are looked at for a cell to quote (a number never holds one): the
    lines must still be what csv.writer writes, quoted where it quotes, joined where it joins."""
    rows = len(texts)
    numbers = csv_ratios([v.numerator for v in column], [v.denominator for v in column])[:rows]
    columns = [*map(list, zip(*texts, strict=True)), numbers]
    expected = io.StringIO()
    csv.writer(expected, delimiter=";", lineterminator="\r\n").writerows(zip(*columns, strict=True))
    assert _csv_text(columns, [False, False, False, True]) == expected.getvalue()
