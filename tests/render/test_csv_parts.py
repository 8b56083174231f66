"""The columns of an output gathered the quick way: the lines' runs of one derivation found once
for every part, and the amounts billed written from the whole kronor billing kept."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from outputs import halland

from agreement_engine.billing.lines import InvoiceLine, line_runs, quantities, runs_within
from agreement_engine.formula import Amount
from agreement_engine.render import columns, invoice_csv
from agreement_engine.render.columns import (
    VALUE_COLUMNS,
    amount_cells,
    cells,
    line_texts,
    parted_values,
    values,
)
from agreement_engine.render.i18n import ENGLISH, language
from agreement_engine.render.invoice import _table_ratios, _table_texts
from agreement_engine.render.invoice_csv import csv_numbers, csv_ratios, inert

_BASIS = halland("2022-01", "2026-12").basis
"""Five years of Halland: runs of one derivation, and lines not computed (a derivation each)."""


def test_the_basis_has_runs_of_many_lines_and_lines_that_are_a_run_alone() -> None:
    """The tests below mean something only if the lines fall into runs of both kinds."""
    sizes = {stop - start for _, start, stop, _ in line_runs(_BASIS.lines)}
    assert 1 in sizes
    assert max(sizes) > 1


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_the_values_of_any_stretch_of_lines_from_runs_found_once_are_its_values_found_alone(
    data: st.DataObject,
) -> None:
    """A part's values come from the basis's runs cut to it: any stretch, cutting a run or
    ending on its edge, must have the values that walking its own lines gives."""
    lines = _BASIS.lines
    first = data.draw(st.integers(0, len(lines) - 1))
    end = data.draw(st.integers(first + 1, len(lines)))
    cut = runs_within(line_runs(lines), first, end)
    part = lines[first:end]
    assert quantities(cut, VALUE_COLUMNS) == quantities(line_runs(part), VALUE_COLUMNS)


@settings(max_examples=50, deadline=None)
@given(order=st.permutations(range(len(_BASIS.lines))))
def test_the_lines_in_any_order_have_the_quantities_of_each_line_alone(order: list[int]) -> None:
    """Runs are found by grouping lines of one derivation whose rows follow one another; lines
    in another order (a derivation's lines interleaved with another's) must still each have
    their own values."""
    _assert_each_alone([_BASIS.lines[at] for at in order])


def test_lines_of_one_derivation_whose_rows_go_backwards_have_their_own_quantities() -> None:
    """Lines of one derivation side by side but not in the order of its rows (backwards) are
    runs of a line each, not one run."""
    _assert_each_alone(_BASIS.lines[::-1])


def _assert_each_alone(lines: list[InvoiceLine] | tuple[InvoiceLine, ...]) -> None:
    found = quantities(line_runs(lines), ["average_days", "excess"])
    for name, (numerators, denominators, others) in found.items():
        for at, line in enumerate(lines):
            value = line.value(name)
            if at in others:
                assert others[at] == value
            else:
                assert isinstance(value, Amount)
                assert value.value == Fraction(numerators[at], denominators[at])


def test_every_part_has_the_values_its_own_lines_give(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of 7 lines (cutting runs anywhere) each have the values of their lines alone."""
    monkeypatch.setattr("agreement_engine.render.columns.PART", 7)
    lines = _BASIS.lines
    parts = list(parted_values(lines, line_runs(lines)))
    assert [line for part, _ in parts for line in part] == list(lines)
    assert all(found == values(part) for part, found in parts)


def _with_amounts(amounts: list[Decimal | int | None]) -> list[InvoiceLine]:
    """Computed lines of the basis again, billed the amounts given (as billing keeps them)."""
    lines = [line for line in _BASIS.lines if line.amount is not None]
    return [
        InvoiceLine(line.municipality, amount, line.footing, line.derivation, line.row)
        for line, amount in zip(lines, amounts, strict=False)
    ]


_KEPT = st.lists(
    st.one_of(
        st.integers(-(10**20), 10**20),  # the Swedish table cannot group 28 digits (babel)
        st.none(),
        st.sampled_from([Decimal("10.50"), Decimal("1E+3"), Decimal("-0.25"), Decimal(7)]),
    ),
    min_size=1,
    max_size=20,
)
"""Amounts as billing keeps them: whole kronor as ints, None when not computed, a Decimal when
an agreement rounds to öre (or for a whole amount of another exponent)."""


@settings(max_examples=100, deadline=None)
@given(amounts=_KEPT)
def test_the_amounts_billed_written_from_whole_kronor_kept_are_the_amounts_written(
    amounts: list[Decimal | int | None],
) -> None:
    """The CSV, the English and the Swedish table write whole kronor without making a Decimal
    of each: the text must be that of each line's amount, whole kronor or not, in each."""
    lines = _with_amounts(amounts)
    billed = [line.amount for line in lines]
    assert amount_cells(lines, csv_numbers, csv_ratios) == csv_numbers(billed)
    for code in ("en", "sv"):
        lang = language(code)
        made, ratios = partial(_table_texts, lang=lang), partial(_table_ratios, lang=lang)
        assert amount_cells(lines, made, ratios) == made(billed)


@settings(max_examples=50, deadline=None)
@given(order=st.permutations(range(len(_BASIS.lines))))
def test_the_columns_of_a_footing_in_any_order_of_lines_are_each_lines_own(
    order: list[int],
) -> None:
    """A column of what lines stand on (month, governing documents, status, reasons) is made
    from runs of lines on one footing; lines in any order (footings interleaved, runs of one
    line) must each show their own."""
    lines = [_BASIS.lines[at] for at in order]
    names = ["month", "governed_by", "status", "reasons"]
    made = cells(lines, names, csv_numbers, csv_ratios, text=inert)
    expected = [[inert(line_texts(name, ENGLISH)(line)) for line in lines] for name in names]
    assert made == expected


def test_a_csv_that_remembers_its_cells_is_the_csv_made_without(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A run of many lines remembers the cells of its values from part to part (a short one
    does not, see REMEMBERING): the file must be the same byte for byte either way."""
    monkeypatch.setattr(columns, "PART", 7)  # parts of a few lines: values repeat across them
    made = invoice_csv.csv_bytes(_BASIS)
    monkeypatch.setattr(invoice_csv, "REMEMBERING", 0)
    assert invoice_csv.csv_bytes(_BASIS) == made
