"""A column and its exact column made at once (:func:`.remembered.in_pairs`), as a CSV of many
lines makes its averages and excesses: the same cells as each column made alone."""

from __future__ import annotations

from outputs import halland

from agreement_engine.render.columns import EXACT, SHEET, cells, exact_columns, exact_ratios
from agreement_engine.render.invoice_csv import csv_numbers, csv_ratios
from agreement_engine.render.remembered import in_pairs


def test_cells_made_in_pairs_are_the_cells_made_column_by_column() -> None:
    """The CSV's columns with an exact column are made in pairs, lines not computed (no value)
    among them: every column, the exact ones in their places, must be as made one by one."""
    lines = halland("2022-01", "2026-12").basis.lines
    names = (*SHEET, *exact_columns(lines))
    assert any(name.endswith(EXACT) for name in names)
    alone = cells(lines, names, csv_numbers, csv_ratios)
    paired = cells(lines, names, csv_numbers, csv_ratios, pairs=in_pairs(csv_ratios, exact_ratios))
    assert paired == alone
