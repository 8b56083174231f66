"""``agreement-engine invoice …`` and ``ledger verify``: exit codes and what is printed.

Exit codes are one contract for every command: 0 done, 1 the files, data or ledger have
problems (nothing changed), 2 wrong usage, 3 done but some lines not computed, 130 interrupted.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ledgers import MARCH, Library, aggregates
from typer.testing import CliRunner, Result

from agreement_engine.cli.app import app
from agreement_engine.ledger import Ledger


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


def draft(ledger: Path, library: Library, data: str, *more: str) -> Result:
    files = ("--data", data, "--agreements", *library.paths, "--ledger", str(ledger))
    return run("invoice", "draft", "--month", "2024-03", *files, *more)


def test_draft_prints_each_line_and_where_it_was_recorded(
    tmp_path: Path, library: Library, data: str
) -> None:
    """Exit 0, a table of the lines, one closing line."""
    ledger = tmp_path / "l.sqlite"
    result = draft(ledger, library, data)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "month    municipality  what was done    amount  status",
        "-------  ------------  -------------  --------  ------",
        "2024-03  Alfa          drafted        15000 kr  final",
        "2024-03  Beta          drafted            0 kr  final",
        "2024-03  Gamma         drafted         5500 kr  final",
        "",
        f"3 drafted: recorded in {ledger}",
    ]


def test_draft_with_lines_not_computed_exits_3_and_names_them(
    tmp_path: Path, library: Library
) -> None:
    """Done, but some lines could not be computed: exit 3."""
    data = aggregates(tmp_path, {("Alfa", "2024-03"): (10, 50)})
    result = draft(tmp_path / "l.sqlite", library, data)
    assert result.exit_code == 3
    assert result.stdout.splitlines()[-3:] == [
        "2 lines not computed (cannot be sent):",
        "  Beta 2024-03: the data has no row for Beta 2024-03",
        "  Gamma 2024-03: the data has no row for Gamma 2024-03",
    ]


def test_a_changed_draft_without_reason_exits_2_and_says_reason_is_needed(
    tmp_path: Path, library: Library, data: str
) -> None:
    """Wrong usage: the hint shows how to give the reason."""
    ledger = tmp_path / "l.sqlite"
    draft(ledger, library, data)
    changed = aggregates(tmp_path, {**MARCH, ("Beta", "2024-03"): (4, 20)}, "b.csv")
    result = draft(ledger, library, changed)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-2:] == [
        "error: --reason is needed: drafts not yet sent would change: Beta 2024-03 "
        "(0 kr → 6000 kr); nothing was recorded",
        'hint: say why, like --reason "corrected registrations from the hospital"',
    ]


def test_the_ledger_comes_from_the_environment_else_ledger_sqlite_here(
    tmp_path: Path, library: Library, data: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--ledger, else $AGREEMENT_ENGINE_LEDGER, else ledger.sqlite in the current folder."""
    monkeypatch.chdir(tmp_path)
    files = ("--data", data, "--agreements", *library.paths)
    assert run("invoice", "draft", "--month", "2024-03", *files).exit_code == 0
    assert (tmp_path / "ledger.sqlite").exists()
    other = tmp_path / "other.sqlite"
    env = {"AGREEMENT_ENGINE_LEDGER": str(other)}
    assert run("invoice", "draft", "--month", "2024-03", *files, env=env).exit_code == 0
    assert other.exists()


def test_send_list_show_and_export_a_month(tmp_path: Path, library: Library, data: str) -> None:
    """The documents as sent: numbered, listed, shown with their derivation, exported."""
    ledger = tmp_path / "l.sqlite"
    draft(ledger, library, data)
    sent = run("invoice", "send", "--month", "2024-03", "--ledger", ledger, "--by", "eva")
    assert sent.exit_code == 0
    assert sent.stdout.splitlines()[2] == "      1  2024-03  Alfa          15000 kr  final"
    assert sent.stdout.splitlines()[-1] == f"sent 3 invoices (1–3), recorded in {ledger}"
    listed = run("invoice", "list", "--ledger", ledger)
    assert listed.stdout.splitlines()[2].split() == [
        "2024-03", "Alfa", "sent", "15000", "kr", "final", "1", "15000", "kr",
    ]  # fmt: skip
    shown = run("invoice", "show", "3", "--ledger", ledger)
    assert shown.exit_code == 0
    lines = shown.stdout.splitlines()
    assert lines[0] == "invoice 3: Gamma 2024-03"
    assert "  amount:                    5500 kr" in lines
    assert " 2. average_days = if episodes = 0 then 0 days else total_days / episodes" in lines
    assert "      = 5.333333… days (16/3 exactly)" in lines
    exported = run("invoice", "export", "3", "--format", "csv", "--ledger", ledger)
    assert exported.stdout.splitlines()[:6] == [
        "\ufefffield;value",
        "document;invoice",
        "number;3",
        "municipality;Gamma",
        "month;2024-03",
        "amount;5500",
    ]
    assert "average_days;16/3" in exported.stdout.splitlines()
    workbook = tmp_path / "3.xlsx"
    xlsx = run(
        "invoice", "export", "3", "--format", "xlsx", "--output", workbook, "--ledger", ledger
    )
    assert xlsx.exit_code == 0 and workbook.read_bytes()[:2] == b"PK"


def test_export_as_xlsx_needs_an_output_file(tmp_path: Path, library: Library, data: str) -> None:
    """A workbook is not written to a terminal."""
    ledger = tmp_path / "l.sqlite"
    draft(ledger, library, data)
    run("invoice", "send", "--month", "2024-03", "--ledger", ledger)
    result = run("invoice", "export", "1", "--format", "xlsx", "--ledger", ledger)
    assert (result.exit_code, result.stderr) == (2, "error: --format xlsx needs --output FILE\n")


def test_show_of_a_number_not_in_the_ledger_is_wrong_usage(
    tmp_path: Path, library: Library, data: str
) -> None:
    """The hint says where the numbers are."""
    ledger = tmp_path / "l.sqlite"
    draft(ledger, library, data)
    result = run("invoice", "show", "7", "--ledger", ledger)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: the ledger {ledger} has no document numbered 7\n"
        "hint: agreement-engine invoice list shows the numbers\n"
    )


def test_a_refused_send_exits_1_with_the_error_and_a_hint(
    tmp_path: Path, library: Library, data: str
) -> None:
    """A refused transition is a problem of the ledger's state: exit 1, one line and a hint."""
    ledger = tmp_path / "l.sqlite"
    draft(ledger, library, data)
    run("invoice", "send", "--month", "2024-03", "--ledger", ledger)
    result = run("invoice", "send", "--month", "2024-03", "--ledger", ledger)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: 2024-03 is already sent (invoice 1, 2, 3); nothing was sent",
        "hint: a sent invoice is never changed; correct one with agreement-engine invoice correct",
        "",
    ]


def test_correct_prints_the_note_issued_and_what_changed(
    tmp_path: Path, library: Library, data: str
) -> None:
    """A credit note for the difference, referring to the invoice."""
    ledger = tmp_path / "l.sqlite"
    draft(ledger, library, data)
    run("invoice", "send", "--month", "2024-03", "--ledger", ledger)
    lower = aggregates(tmp_path, {**MARCH, ("Alfa", "2024-03"): (10, 45)}, "lower.csv")
    files = ("--data", lower, "--agreements", *library.paths, "--ledger", str(ledger))
    result = run(
        "invoice", "correct", "--month", "2024-03", "--municipality", "Alfa", *files,
        "--reason", "five days were registered twice",
    )  # fmt: skip
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Alfa 2024-03: invoice 1",
        "  billed so far (invoice and notes): 15000 kr",
        "  computed now:                      10000 kr",
        "  difference:                        -5000 kr",
        "what changed:",
        "  - total_days 50 → 45",
        f"  - data file {tmp_path / 'data.csv'} (sha256 {_sha(tmp_path / 'data.csv')}) → "
        f"{lower} (sha256 {_sha(Path(lower))})",
        f"issued credit note 4 for -5000 kr, referring to invoice 1; recorded in {ledger}",
    ]


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def test_verify_of_a_sound_ledger_exits_0(tmp_path: Path, library: Library, data: str) -> None:
    """It says what it checked, and the head of the chain to note down."""
    ledger = tmp_path / "l.sqlite"
    draft(ledger, library, data)
    result = run("ledger", "verify", "--ledger", ledger)
    assert result.exit_code == 0
    first, head = result.stdout.splitlines()
    assert first == (
        f"the ledger {ledger} is intact: 3 events chained unbroken, 0 documents numbered "
        "without a gap, 0 computed again to the öre"
    )
    assert head.startswith("head of the chain: ") and len(head) == 19 + 64


def test_an_interrupted_command_exits_130_and_records_nothing(
    tmp_path: Path, library: Library, data: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C: the transaction is rolled back, exit 130."""
    ledger = tmp_path / "l.sqlite"
    draft(ledger, library, data)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Ledger, "send", interrupted)
    result = run("invoice", "send", "--month", "2024-03", "--ledger", ledger)
    assert (result.exit_code, result.stderr) == (130, "error: interrupted; nothing was recorded\n")


def test_a_month_written_wrong_is_wrong_usage(tmp_path: Path) -> None:
    """Exit 2, before any ledger is opened."""
    result = run("invoice", "send", "--month", "March", "--ledger", tmp_path / "l.sqlite")
    assert result.exit_code == 2
    assert (
        result.stderr == "error: --month takes a month written YYYY-MM, like 2026-03, not 'March'\n"
    )
    assert not (tmp_path / "l.sqlite").exists()


def test_a_note_issued_provisional_shows_each_label_apart_from_its_value(tmp_path: Path) -> None:
    """The longest label, 'issued provisional because', ran into its reason ('because:national
    figures…'): every header line of a shown document is a label, a colon, a space, a value."""
    root = Path(__file__).resolve().parents[2]
    agreements = ("--agreements", root / "agreements")
    figures = ("--agreements", root / "examples/halland/illustrative-figures.yaml")
    ledger = ("--ledger", tmp_path / "l.sqlite")
    data = root / "examples/halland/aggregates.csv"
    month = ("--month", "2025-10")
    assert run("invoice", "draft", *month, "--data", data, *agreements, *figures, *ledger)
    accept = ("--accept-provisional", "illustrative national figures")
    assert run("invoice", "send", *month, *accept, *ledger).exit_code == 0
    corrected = tmp_path / "corrected.csv"
    text = data.read_text(encoding="utf-8-sig").replace(
        "Halmstad;2025-10;57;309;5,4", "Halmstad;2025-10;57;300;5,3"
    )
    corrected.write_text(text, encoding="utf-8-sig")
    note = run(
        "invoice", "correct", *month, "--municipality", "Halmstad", "--data", corrected,
        *agreements, *figures, *accept, "--reason", "nine days registered twice", *ledger,
    )  # fmt: skip
    assert note.exit_code == 0, note.output
    number = note.stdout.splitlines()[-1].split()[3]
    shown = run("invoice", "show", number, *ledger).stdout.splitlines()
    header = shown[2 : shown.index("", 2)]
    assert "  issued provisional because: illustrative national figures" in header
    assert all(line[:2] == "  " and ": " in line for line in header)
