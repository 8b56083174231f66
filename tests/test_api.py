"""The public Python API: the names it exports, and the invoice basis as a DataFrame."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

import agreement_engine as engine
from agreement_engine import YearMonth

ROOT = Path(__file__).resolve().parent.parent
AGREEMENTS = [str(ROOT / "agreements"), str(ROOT / "examples/halland/illustrative-figures.yaml")]


def test_every_public_name_is_there_and_documented() -> None:
    """A notebook user reads help(engine.evaluate); each name must exist and say what it does."""
    for name in engine.__all__:
        value = getattr(engine, name)
        assert value.__doc__, name


def test_importing_the_package_loads_no_billing_until_a_name_is_used() -> None:
    """`import agreement_engine` is on every command's path; it must cost next to nothing."""
    probe = (
        "import sys, agreement_engine; "
        "print(sorted(m for m in sys.modules if m.startswith('agreement_engine')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "['agreement_engine']"


def test_an_unknown_name_is_an_attribute_error() -> None:
    """A typo in a notebook must say what is missing, not return something."""
    with pytest.raises(AttributeError, match="no attribute 'evaluat'"):
        engine.evaluat  # noqa: B018


@pytest.mark.parametrize("data", ["aggregates.csv", "episodes.csv"])
def test_the_data_frame_has_every_line_with_its_exact_amount_and_values(data: str) -> None:
    """Analysts sum and filter the frame; it must agree with the invoice basis to the öre."""
    run = engine.evaluate(
        str(ROOT / "examples/halland" / data),
        YearMonth(2022, 11),
        YearMonth(2026, 12),
        agreements=AGREEMENTS,
    )
    frame = engine.to_polars(run.basis)
    assert frame.height == len(run.basis.lines) == 50 * 6
    assert frame["amount"].sum() == run.basis.total()
    for row, line in zip(frame.iter_rows(named=True), run.basis.lines, strict=True):
        assert (row["municipality"], row["month"]) == (line.municipality, str(line.month))
        assert row["status"] == line.status.value
        assert row["reasons"] == list(line.reasons)
        assert row["amount"] == line.amount
        value = line.value("average_days")
        if row["average_days"] is None:
            assert value is None
        else:
            assert value is not None and Fraction(row["average_days"]) == value.value  # type: ignore[union-attr]


def test_a_basis_with_no_lines_is_an_empty_frame_with_the_columns() -> None:
    """Filtering to nothing must still give the columns a notebook selects."""
    run = engine.evaluate(
        str(ROOT / "examples/halland/aggregates.csv"), YearMonth(2025, 10), agreements=AGREEMENTS
    )
    empty = type(run.basis)((), run.basis.months, (), False, run.basis.library)
    frame = engine.to_polars(empty)
    assert frame.height == 0
    assert frame.columns[:6] == [
        "municipality",
        "month",
        "governed_by",
        "status",
        "reasons",
        "amount",
    ]
    assert frame["amount"].sum() == Decimal(0)
