"""``--lang sv`` on ``invoice …`` and ``ledger verify``: every word they print in Swedish, and
the document sent to a municipality in Swedish (its JSON names and codes stay English)."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pytest
from ledgers import MARCH, Library, aggregates
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from agreement_engine.cli.app import app

NBSP = "\u00a0"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def provisional(library: Library) -> Library:
    """The library with the price of 2024 provisional, so every line says why it is."""
    library.write(status_2024="provisional")
    return library


def drafted(tmp_path: Path, library: Library, data: str) -> Path:
    ledger = tmp_path / "l.sqlite"
    files = ("--data", data, "--agreements", *library.paths, "--ledger", str(ledger))
    assert run("invoice", "draft", "--month", "2024-03", *files).exit_code == 0
    return ledger


def sent(tmp_path: Path, library: Library, data: str) -> Path:
    ledger = drafted(tmp_path, library, data)
    accepted = ("--accept-provisional", "priset för 2024 är preliminärt")
    result = run("invoice", "send", "--month", "2024-03", "--ledger", ledger, *accepted)
    assert result.exit_code == 0
    return ledger


def test_invoice_draft_in_swedish_prints_its_table_and_summary_in_swedish(
    tmp_path: Path, provisional: Library, data: str
) -> None:
    """The lines, what was done, the amounts the Swedish way, and where it was recorded; what
    reading the data did in Swedish too."""
    ledger = tmp_path / "l.sqlite"
    files = ("--data", data, "--agreements", *provisional.paths, "--ledger", str(ledger))
    result = run("invoice", "draft", "--month", "2024-03", *files, "--lang", "sv")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "månad    kommun  åtgärd               belopp  status",
        "-------  ------  ----------------  ---------  ----------",
        f"2024-03  Alfa    utkast upprättat  15{NBSP}000 kr  preliminär",
        "2024-03  Beta    utkast upprättat       0 kr  preliminär",
        f"2024-03  Gamma   utkast upprättat   5{NBSP}500 kr  preliminär",
        "",
        f"3 utkast upprättade: registrerat i {ledger}",
    ]
    assert "3 rader lästa, 3 använda, 0 uteslutna" in result.stderr


def test_send_list_show_and_verify_in_swedish(
    tmp_path: Path, provisional: Library, data: str
) -> None:
    """The invoices numbered, listed and shown with their derivation, and the chain verified,
    each in Swedish."""
    ledger = drafted(tmp_path, provisional, data)
    accepted = ("--accept-provisional", "priset för 2024 är preliminärt")
    result = run(
        "invoice", "send", "--month", "2024-03", "--ledger", ledger, *accepted, "--lang", "sv"
    )
    assert result.stdout.splitlines()[0] == "faktura  månad    kommun     belopp  status"
    assert result.stdout.splitlines()[-3:] == [
        "preliminär, skickad eftersom: priset för 2024 är preliminärt",
        "",
        f"skickade 3 fakturor (1–3), registrerat i {ledger}",
    ]
    listed = run("invoice", "list", "--ledger", ledger, "--lang", "sv").stdout.splitlines()
    assert listed[0].split("  ")[:3] == ["månad", "", "kommun"]
    assert "läge" in listed[0] and "kredit-/debetfakturor" in listed[0]
    assert listed[2].startswith("2024-03  Alfa    skickad  15\u00a0000 kr  preliminär")
    shown = run("invoice", "show", "3", "--ledger", ledger, "--lang", "sv").stdout.splitlines()
    assert shown[:5] == [
        "faktura 3: Gamma 2024-03",
        "",
        f"  belopp:                      5{NBSP}500 kr",
        "  status:                      preliminär",
        "  skickad preliminär eftersom: priset för 2024 är preliminärt",
    ]
    assert "Härledning (beräknad på nytt från det reskontran innehåller):" in shown
    assert "      = 5,333333… dagar (exakt 16/3)" in shown
    assert "  - uppgiften national_day_cost för 2024 är preliminär" in shown
    verified = run("ledger", "verify", "--ledger", ledger, "--lang", "sv")
    assert verified.exit_code == 0
    assert verified.stdout.splitlines()[0] == (
        f"reskontran {ledger} är intakt: 6 händelser i obruten kedja, 3 dokument numrerade utan "
        "lucka, 3 beräknade på nytt på öret"
    )
    assert verified.stdout.splitlines()[1].startswith("kedjans senaste länk: ")


def test_the_exported_document_is_in_swedish_when_asked(
    tmp_path: Path, provisional: Library, data: str
) -> None:
    """What is sent to a municipality: CSV and workbook in Swedish words (the numbers as
    numbers); JSON with English names and codes, for machines, and the reasons in Swedish."""
    ledger = sent(tmp_path, provisional, data)
    csv = run("invoice", "export", "3", "--format", "csv", "--ledger", ledger, "--lang", "sv")
    assert csv.exit_code == 0
    rows = csv.stdout.splitlines()
    assert rows[:9] == [
        "\ufefffält;värde",
        "dokument;faktura",
        "nummer;3",
        "kommun;Gamma",
        "månad;2024-03",
        "belopp;5500",
        "status;preliminär",
        "avser faktura;",
        rows[8],  # the date it was sent
    ]
    assert rows[8].startswith("datum;")
    assert "snitt dagar;16/3" in rows and "riktmärke;3,5" in rows
    assert "skickad preliminär eftersom;priset för 2024 är preliminärt" in rows
    assert rows[-1] == "skäl 1;uppgiften national_day_cost för 2024 är preliminär"
    document = json.loads(
        run("invoice", "export", "3", "--format", "json", "--ledger", ledger, "--lang", "sv").stdout
    )
    assert (document["document"], document["status"]) == ("invoice", "provisional")
    assert document["values"]["average_days"] == "16/3"
    assert document["reasons"] == ["uppgiften national_day_cost för 2024 är preliminär"]
    english = run("invoice", "export", "3", "--format", "json", "--ledger", ledger).stdout
    assert json.loads(english)["reasons"] == ["figure national_day_cost for 2024 is provisional"]
    target = tmp_path / "3.xlsx"
    xlsx = run(
        "invoice", "export", "3", "--format", "xlsx", "--output", target, "--ledger", ledger,
        "--lang", "sv",
    )  # fmt: skip
    assert (xlsx.exit_code, xlsx.stderr) == (0, f"skrev {target}\n")
    book = load_workbook(BytesIO(target.read_bytes()))
    assert book.sheetnames == ["dokument"]
    cells = [[c.value for c in row] for row in book["dokument"].iter_rows()]
    assert cells[:3] == [["fält", "värde"], ["dokument", "faktura"], ["nummer", 3]]


def test_a_correction_and_a_stale_invoice_are_told_in_swedish(
    tmp_path: Path, library: Library, data: str
) -> None:
    """The note issued and what changed; then the invoices a new price would change."""
    ledger = sent(tmp_path, library, data)
    lower = aggregates(tmp_path, {**MARCH, ("Alfa", "2024-03"): (10, 45)}, "lower.csv")
    files = ("--data", lower, "--agreements", *library.paths, "--ledger", str(ledger))
    result = run(
        "invoice", "correct", "--month", "2024-03", "--municipality", "Alfa", *files,
        "--reason", "fem dagar dubbelregistrerade", "--lang", "sv",
    )  # fmt: skip
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        "Alfa 2024-03: faktura 1",
        f"  fakturerat hittills (faktura och kredit-/debetfakturor): 15{NBSP}000 kr",
        f"  beräknat nu:                                             10{NBSP}000 kr",
        f"  skillnad:                                                -5{NBSP}000 kr",
        "vad som ändrats:",
    ]
    assert lines[6].startswith(f"  - datafil {data} (sha256 ")
    assert lines[-1] == (
        f"utfärdade kreditfaktura 4 på -5{NBSP}000 kr, avseende faktura 1; registrerat i {ledger}"
    )
    library.write(cost_2024="1100")
    stale = run(
        "invoice", "stale", "--agreements", *library.paths, "--ledger", ledger, "--lang", "sv"
    )
    assert stale.exit_code == 0
    out = stale.stdout.splitlines()
    assert out[0].split() == ["faktura", "månad", "kommun", "fakturerat", "i", "dag", "skillnad"]
    assert "Gamma 2024-03 (faktura 3):" in out
    assert "  - uppgiften national_day_cost för 2024: 1000 (officiell) → 1100 (officiell)" in out
    assert out[-1] == (
        "2 skickade fakturor skulle ändras; rätta var och en med agreement-engine invoice correct"
    )


def test_the_environment_chooses_swedish_for_the_ledger_too_and_the_option_wins(
    tmp_path: Path, library: Library, data: str
) -> None:
    """AGREEMENT_ENGINE_LANG=sv, as for every other command; --lang en still gives English."""
    ledger = drafted(tmp_path, library, data)
    swedish = CliRunner().invoke(
        app, ["invoice", "list", "--ledger", str(ledger)], env={"AGREEMENT_ENGINE_LANG": "sv"}
    )
    assert swedish.stdout.splitlines()[2].split()[2:3] == ["utkast"]
    english = CliRunner().invoke(
        app,
        ["invoice", "list", "--ledger", str(ledger), "--lang", "en"],
        env={"AGREEMENT_ENGINE_LANG": "sv"},
    )
    assert english.stdout.splitlines()[2].split()[2:3] == ["draft"]
