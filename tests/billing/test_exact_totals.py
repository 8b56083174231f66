"""Totals of the invoice basis are exact however many digits they have, and written plainly.

A Decimal added in the default context keeps 28 significant digits and rounds the rest away
without a word, and ``str()`` of a large Decimal writes an exponent ('9.2E+32'). The amounts
here run to 33 digits, from day counts of 30 digits (the most a data file may hold).

The example's own figures (examples/halland/illustrative-figures.yaml) give 2025 a price of
11 500 kr a day; the 2025 agreement a benchmark of 5.3 days and 35 % off:

    Hylte    (123456789012345678901234567890 − 5.3 × 2) × 11 500 × 0.65
             = 922839497867283949786728394898515 kr
    Halmstad (100000000000000000000000000000 − 5.3 × 3) × 11 500 × 0.65
             = 747499999999999999999999999881147.5, half up 747499999999999999999999999881148 kr

The same rows in 2025-10 and 2025-11, so each total is twice the month's amount.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from agreement_engine.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "examples" / "halland" / "illustrative-figures.yaml"
ROWS = {
    "Kungsbacka": "0;0",
    "Varberg": "0;0",
    "Falkenberg": "0;0",
    "Halmstad": "3;100000000000000000000000000000",
    "Hylte": "2;123456789012345678901234567890",
    "Laholm": "0;0",
}
HYLTE = "1845678995734567899573456789797030"  # 2 × 922839497867283949786728394898515
HALMSTAD = "1494999999999999999999999999762296"  # 2 × 747499999999999999999999999881148
ALL = "3340678995734567899573456789559326"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "aggregates.csv"
    lines = ["Kommun;Månad;Vårdtillfällen;Totalt antal dagar"]
    lines += [f"{n};{month};{row}" for month in ("2025-10", "2025-11") for n, row in ROWS.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def evaluate(data: Path, output_format: str) -> Result:
    files = ["--data", str(data), "--agreements", str(ROOT / "agreements")]
    months = ["--month", "2025-10", "--to", "2025-11", "--format", output_format]
    return CliRunner().invoke(app, ["evaluate", *files, "--agreements", str(FIGURES), *months])


def test_json_totals_are_the_exact_sums_of_amounts_of_over_28_digits(data: Path) -> None:
    """A machine reading the JSON gets every digit of each total, not one rounded to 28."""
    result = evaluate(data, "json")
    assert result.exit_code == 0
    basis = json.loads(result.stdout)
    amounts = [line["net_amount"] for line in basis["lines"] if line["municipality"] == "Hylte"]
    assert amounts == ["922839497867283949786728394898515"] * 2
    assert basis["totals"]["by_municipality"] == {
        "Kungsbacka": "0",
        "Varberg": "0",
        "Falkenberg": "0",
        "Halmstad": HALMSTAD,
        "Hylte": HYLTE,
        "Laholm": "0",
    }
    assert basis["totals"]["all"] == ALL


def test_table_totals_are_written_in_plain_digits_never_with_an_exponent(data: Path) -> None:
    """Finance staff read '1845678995734567899573456789797030 kr', not '1.8E+33 kr'."""
    result = evaluate(data, "table")
    assert result.exit_code == 0
    totals = [line for line in result.stdout.splitlines() if line.startswith("total")]
    assert totals == [
        "total Kungsbacka: 0 kr",
        "total Varberg: 0 kr",
        "total Falkenberg: 0 kr",
        f"total Halmstad: {HALMSTAD} kr",
        f"total Hylte: {HYLTE} kr",
        "total Laholm: 0 kr",
        f"total: {ALL} kr",
    ]
