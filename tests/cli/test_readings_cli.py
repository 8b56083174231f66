"""`--reading` on evaluate, explain and timeline, and `agreement-engine readings`: the money of
every reading of the open questions, side by side, on the bundled files and example data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from agreement_engine.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
HALLAND = (
    "--agreements",
    "agreements",
    "--agreements",
    "examples/halland/illustrative-figures.yaml",
)
AGGREGATES = "examples/halland/aggregates.csv"


@pytest.fixture(autouse=True)
def _at_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands are run as in the README, from the repository root."""
    monkeypatch.chdir(ROOT)


def run(*args: str) -> Result:
    """The command line, as a user types it."""
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize(
    ("reading", "message"),
    [
        (
            "benchmark-2024=2021-averag",
            "error: assumption benchmark-2024 has no reading '2021-averag'\n"
            "hint: did you mean '2021-average-from-2024'?\n",
        ),
        (
            "benchmark-2024",
            "error: --reading takes ASSUMPTION=ALTERNATIVE, like "
            "benchmark-2024=2021-average-from-2024, not 'benchmark-2024'\n",
        ),
        (
            "gap-2024-11-2025-09=continuous",
            "error: --reading names no assumption 'gap-2024-11-2025-09'\n"
            "hint: did you mean 'gap-2024-11-to-2025-09'?\n",
        ),
    ],
)
def test_a_reading_that_names_nothing_is_wrong_usage_with_a_did_you_mean(
    reading: str, message: str
) -> None:
    """Exit 2, as for any wrong option: nothing is billed under a reading mistyped."""
    result = run(
        "evaluate", "--month", "2024-03", "--data", AGGREGATES, *HALLAND, "--reading", reading
    )
    assert (result.exit_code, result.stderr) == (2, message)


def test_an_assumption_given_two_readings_is_wrong_usage() -> None:
    """An assumption is read one way in a run: two readings of it is a mistake."""
    result = run(
        "timeline",
        "--reading",
        "rounding=ore",
        "--reading",
        "rounding=down",
    )
    assert (result.exit_code, result.stderr) == (
        2,
        "error: --reading gives rounding two readings, ore and down: choose one\n",
    )


def test_the_table_and_the_json_name_the_readings_they_were_computed_under() -> None:
    """The table in a line under 'governed by'; the JSON at its top and on every line."""
    table = run("evaluate", "--month", "2024-10", "--to", "2025-03", "--data", AGGREGATES, *HALLAND)
    assert table.exit_code == 3
    assert "readings: the agreement files' own (agreement-engine readings shows the others)\n" in (
        table.stdout
    )
    chosen = ("--reading", "gap-2024-11-to-2025-09=continuous")
    result = run("evaluate", "--month", "2025-03", "--data", AGGREGATES, *HALLAND, *chosen)
    assert result.exit_code == 0
    assert (
        "readings: gap-2024-11-to-2025-09=continuous; the files' own for every other assumption\n"
    ) in result.stdout
    assert "  halland-2022 + halland-invoice-basis: 2025-03 (all municipalities)\n" in result.stdout
    basis = json.loads(
        run(
            "evaluate",
            "--month",
            "2025-03",
            "--data",
            AGGREGATES,
            *HALLAND,
            *chosen,
            "--format",
            "json",
        ).stdout
    )
    assert basis["readings"] == {"gap-2024-11-to-2025-09": "continuous"}
    line = basis["lines"][0]
    assert line["readings"]["gap-2024-11-to-2025-09"] == "continuous"
    assert line["readings"]["benchmark-2024"] == "2023-average-from-2024"
    assert line["reasons"][0] == (
        "no agreement on file governs 2025-03; under reading gap-2024-11-to-2025-09=continuous, "
        "halland-2022 governs it (its validity read as 2022-11-01 – 2025-09-30)"
    )


def test_explain_names_the_reading_chosen_and_the_rules_it_brings() -> None:
    """A reviewer sees which reading each assumption was read by, and which rule it wrote."""
    result = run(
        "explain",
        "--month",
        "2024-03",
        "--municipality",
        "Halmstad",
        "--data",
        AGGREGATES,
        *HALLAND,
        "--reading",
        "benchmark-2024=ten-percent",
    )
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith(
        "Halmstad, 2024-03\n"
        "Readings: benchmark-2024=ten-percent; the files' own for every other assumption\n"
    )
    assert " 1. benchmark = if month >= 2024-01 then national_average_days[2023] * 90 % " in text
    assert "      reading: benchmark-2024=ten-percent (a rule of the reading chosen)\n" in text
    assert "  benchmark-2024 [ten-percent, chosen instead of 2023-average-from-2024]: " in text


def test_the_timeline_under_the_continuous_reading_shows_the_2022_model_across_the_gap() -> None:
    """The months 2024-11 – 2025-09 governed by halland-2022, and the reading that says so."""
    result = run("timeline", "--reading", "gap-2024-11-to-2025-09=continuous")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[1] == (
        "readings: gap-2024-11-to-2025-09=continuous; the files' own for every other assumption"
    )
    row = next(line for line in lines if line.startswith("2024-11 – 2025-09"))
    assert row.split() == [
        "2024-11",
        "–",
        "2025-09",
        "all",
        "6",
        "municipalities",
        "halland-2022",
        "in",
        "force",
    ]
    assert (
        "reading: gap-2024-11-to-2025-09=continuous: no agreement on file covers these months; "
        "halland-2022 is read to cover them (2022-11-01 – 2025-09-30)"
    ) in " ".join(result.stdout.split())


def test_readings_shows_each_alternatives_money_beside_the_files_own() -> None:
    """Exit 3 (statute months cannot be billed from aggregates); each reading on one line."""
    result = run(
        "readings", "--month", "2022-11", "--to", "2026-12", "--data", AGGREGATES, *HALLAND
    )
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == "readings 2022-11 – 2026-12: 6 municipalities, data examples/halland/aggregates.csv"
    )
    summary = {tuple(line.split()[:4]) for line in lines}
    assert ("benchmark-2024", "2023-average-from-2024", "(own)", "10004229") in summary
    assert ("2021-average-from-2024", "8963448", "-1040781", "138") in summary
    assert ("continuous", "12416514", "2412285", "72") in summary
    assert (
        "benchmark-2024=depends-on-2023-average: no rules: The minutes do not say" in result.stdout
    )


def test_readings_as_json_and_csv_give_every_municipality_and_reading() -> None:
    """Machines and spreadsheets get each reading's amount and difference, by municipality."""
    json_result = run(
        "readings",
        "--month",
        "2024-01",
        "--to",
        "2024-12",
        "--data",
        AGGREGATES,
        *HALLAND,
        "--format",
        "json",
    )
    found = json.loads(json_result.stdout)
    assert found["format"] == "agreement-engine/readings/1"
    benchmark = next(a for a in found["assumptions"] if a["id"] == "benchmark-2024")
    own, reading_a = benchmark["readings"][:2]
    assert (own["id"], own["own"], reading_a["id"]) == (
        "2023-average-from-2024",
        True,
        "2021-average-from-2024",
    )
    assert reading_a["difference"]["by_municipality"]["Falkenberg"] == "-97240"
    assert found["data"]["rows_used"] == 72
    csv_result = run(
        "readings",
        "--month",
        "2024-01",
        "--to",
        "2024-12",
        "--data",
        AGGREGATES,
        *HALLAND,
        "--format",
        "csv",
    )
    rows = csv_result.stdout.lstrip("\ufeff").splitlines()
    assert (
        rows[0]
        == "assumption;reading;own;municipality;net_amount;difference;lines_not_computed;no_rules"
    )
    # 2024-11 and 2024-12 fall in the gap: the statute's, not billed from aggregates
    assert "benchmark-2024;2021-average-from-2024;no;Falkenberg;593450;-97240;2;" in rows


def test_readings_in_swedish_gives_its_text_and_csv_in_swedish() -> None:
    """--lang sv: the headings, '(egen)', 'inga regler' and the amounts grouped the Swedish way;
    the CSV's headings and words Swedish, its numbers as a spreadsheet reads them."""
    args = ("readings", "--month", "2024-01", "--to", "2024-12", "--data", AGGREGATES, *HALLAND)
    result = run(*args, "--lang", "sv")
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "tolkningar 2024-01 – 2024-12: 6 kommuner, data examples/halland/aggregates.csv",
        "varje tolkning fakturerad för sig; alla andra antaganden som avtalsfilerna läser dem",
        "",
        "alla kommuner (belopp i kr; skillnad mot filernas egen tolkning):",
    ]
    summary = [tuple(line.split()) for line in lines]
    assert ("antagande", "tolkning", "summa", "skillnad", "ej", "beräknad") in summary
    assert (
        "benchmark-2024                2023-average-from-2024 (egen)     3\u00a0366\u00a0935"
        "                       12"
    ) in lines
    assert ("depends-on-2023-average", "inga", "regler") in summary
    assert "rubrik på rad 1; 300 rader lästa, 72 använda, 228 uteslutna" in result.stderr
    rows = run(*args, "--format", "csv", "--lang", "sv").stdout.lstrip("\ufeff").splitlines()
    assert rows[0] == (
        "antagande;tolkning;egen;kommun;nettobelopp;skillnad;rader ej beräknade;varför inga regler"
    )
    assert "benchmark-2024;2021-average-from-2024;nej;Falkenberg;593450;-97240;2;" in rows
    assert "benchmark-2024;2023-average-from-2024;ja;alla;3366935;0;12;" in rows
