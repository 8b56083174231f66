"""`agreement-engine evaluate` and `explain`: exit codes, files written whole, and the formats.

Exit codes are API: 0 all well, 1 the files or data have problems, 2 wrong usage. The data are
small aggregates files written into tmp_path; the real national figures are partly missing, so a
test-only parameters file marked ``illustrative: true`` fills them in (2021 average 5.6 days).
The real file gives national_day_cost 2023: 10 500 kr (provisional).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from figures import figures_file, national_average_days
from typer.testing import CliRunner, Result

from agreement_engine.agreements.documents import Agreement, Routine
from agreement_engine.agreements.library import load
from agreement_engine.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
AGREEMENTS = ROOT / "agreements"
# Each municipality's episodes and total days, the same in 2023-10 and 2023-11. With the
# benchmark 5.6 days and 10 500 kr a day, gross = max(0, days − 5.6 × episodes) × 10 500:
#   Kungsbacka 65 − 56 = 9 days     → 94 500 kr;  November (− 35 %) 61 425 kr
#   Varberg    60 − 44.8 = 15.2     → 159 600 kr; November 103 740 kr
#   Falkenberg 28 − 28 = 0          → 0 kr
#   Halmstad   90 − 67.2 = 22.8     → 239 400 kr; November 155 610 kr
#   Hylte      no episodes          → 0 kr
#   Laholm     30 − 22.4 = 7.6      → 79 800 kr;  November 51 870 kr
ROWS = {
    "Kungsbacka": "10;65",
    "Varberg": "8;60",
    "Falkenberg": "5;28",
    "Halmstad": "12;90",
    "Hylte": "0;0",
    "Laholm": "4;30",
}


@pytest.fixture
def figures(tmp_path: Path) -> Path:
    return figures_file(tmp_path, national_average_days({2021: "5.6"}))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "aggregates.csv"
    lines = ["Kommun;Månad;Vårdtillfällen;Totalt antal dagar"]
    lines += [
        f"{name};{month};{row}" for month in ("2023-10", "2023-11") for name, row in ROWS.items()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def november_report(data: Path) -> str:
    """What reading the fixture for 2023-11 says, whichever command reads it."""
    return (
        f"{data}: CSV (UTF-8, separated by ';'), header on row 1; 12 rows read, 6 used, "
        "6 excluded\n"
        "  excluded 6 rows (month other than 2023-11: 2023-10; rows 2, 3, 4, 5, 6, 7)\n"
        "  columns not in the file (values unknown): 'Snitt'\n"
    )


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def evaluate(data: Path, figures: Path, *args: str | Path) -> Result:
    files = ("--data", data, "--agreements", AGREEMENTS, "--agreements", figures)
    return run("evaluate", *files, *args)


def explain(data: Path, figures: Path, month: str, municipality: str) -> Result:
    files = ("--data", data, "--agreements", AGREEMENTS, "--agreements", figures)
    return run("explain", *files, "--month", month, "--municipality", municipality)


# --- exit codes ---------------------------------------------------------------------------------


def test_a_month_that_can_be_billed_exits_0_with_the_table_and_the_total(
    data: Path, figures: Path
) -> None:
    """The ordinary run: the table on stdout, what was read on stderr."""
    result = evaluate(data, figures, "--month", "2023-11")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "month    municipality  benchmark  average days  excess  episodes  price/day   gross  "
        "discount  net amount  status"
    )
    assert lines[2].split() == [
        "2023-11",
        "Kungsbacka",
        "5.6",
        "6.5",
        "0.9",
        "10",
        "10500",
        "94500",
        "33075",
        "61425",
        "provisional",
    ]
    # 61 425 + 103 740 + 0 + 155 610 + 0 + 51 870 = 372 645 kr.
    assert "total: 372645 kr" in lines
    assert result.stderr == november_report(data)


def test_a_data_file_with_a_mistake_exits_1_and_points_at_it(tmp_path: Path, figures: Path) -> None:
    """A clerk fixes the file from the message: file, line, column, caret."""
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Kommun;Månad;Vårdtillfällen;Totalt antal dagar\nKungsbacka;2023-11;tio;65\n",
        encoding="utf-8",
    )
    result = evaluate(bad, figures, "--month", "2023-11")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{bad}:2:20: error: 'Vårdtillfällen' must be a whole number, not 'tio'\n"
        " 2 | Kungsbacka;2023-11;tio;65\n"
        "   |                    ^^^\n\n"
    )


def test_a_data_file_that_does_not_exist_exits_1_without_a_traceback(
    tmp_path: Path, figures: Path
) -> None:
    """A mistyped path is a problem with the data, told in one line."""
    missing = tmp_path / "nowhere.csv"
    result = evaluate(missing, figures, "--month", "2023-11")
    assert result.exit_code == 1
    assert result.stderr == f"error: cannot read {missing}: it does not exist\n\n"
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_agreement_files_with_errors_exit_1_and_nothing_is_computed(
    tmp_path: Path, data: Path
) -> None:
    """A typo in a formula stops billing; the message names the spot and the likely word."""
    folder = tmp_path / "agreements"
    for source in sorted(AGREEMENTS.rglob("*.yaml")):
        target = folder / source.relative_to(AGREEMENTS)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        if source == AGREEMENTS / "halland" / "2022-agreement.yaml":
            text = text.replace(
                "max(0 days, average_days - benchmark)", "max(0 days, average_days - benchmrk)"
            )
        target.write_text(text, encoding="utf-8")
    result = run("evaluate", "--month", "2023-11", "--data", data, "--agreements", folder)
    assert result.exit_code == 1
    assert result.stdout == ""
    broken = folder / "halland" / "2022-agreement.yaml"
    assert result.stderr.startswith(f"{broken}:")
    assert ": error: unknown name 'benchmrk'\n" in result.stderr
    assert "hint: did you mean 'benchmark'?\n" in result.stderr
    assert result.stderr.endswith(
        "note: nothing was computed, because the agreement files have errors\n"
        "hint: run 'agreement-engine check' on them and fix the errors first\n\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--month", "2026-13"],
            "error: --month takes a month written YYYY-MM, like 2026-03, not '2026-13'\n",
        ),
        (
            ["--month", "2023-11", "--to", "nov"],
            "error: --to takes a month written YYYY-MM, like 2026-03, not 'nov'\n",
        ),
        (
            ["--month", "2023-11", "--to", "2023-10"],
            "error: --to 2023-10 is before --month 2023-11\n",
        ),
        (
            ["--month", "2023-11", "--to", ""],
            "error: --to takes a month written YYYY-MM, like 2026-03, not ''\n",
        ),
    ],
)
def test_a_month_written_wrongly_or_a_range_backwards_is_wrong_usage(
    data: Path, figures: Path, args: list[str], message: str
) -> None:
    """Wrong usage exits 2 with one line that shows how to write it."""
    result = evaluate(data, figures, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == message


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Kungsbaka", "error: unknown municipality 'Kungsbaka'; did you mean 'Kungsbacka'?\n"),
        (
            "Göteborg",
            "error: unknown municipality 'Göteborg'; the municipalities are: Kungsbacka, "
            "Varberg, Falkenberg, Halmstad, Hylte, Laholm\n",
        ),
    ],
)
def test_an_unknown_municipality_is_wrong_usage_with_a_suggestion(
    data: Path, figures: Path, name: str, message: str
) -> None:
    """A near miss gets 'did you mean'; anything else gets the list to choose from."""
    result = explain(data, figures, "2023-11", name)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == message


@pytest.mark.parametrize("written", ["varberg", " Varberg ", "Varbergs kommun", "VARBERG KOMMUN"])
def test_a_municipality_is_matched_as_data_files_spell_it(
    data: Path, figures: Path, written: str
) -> None:
    """'varberg', 'Varbergs kommun': the spellings a data file may use name Varberg here too."""
    result = explain(data, figures, "2023-11", written)
    assert result.exit_code == 0
    assert result.stdout.startswith("Varberg, 2023-11\n")


def test_an_unknown_option_or_format_is_wrong_usage(data: Path, figures: Path) -> None:
    """typer's own usage errors keep code 2 too."""
    assert evaluate(data, figures, "--month", "2023-11", "--format", "pdf").exit_code == 2
    assert evaluate(data, figures, "--month", "2023-11", "--municipality", "Varberg").exit_code == 2
    assert run("evaluate", "--data", data).exit_code == 2  # --month is required
    empty = run("evaluate", "--month", "2023-11", "--data", "", "--agreements", figures)
    assert (empty.exit_code, empty.stderr) == (2, "error: --data needs the name of a data file\n")


def test_xlsx_on_a_terminal_is_wrong_usage(data: Path, figures: Path) -> None:
    """A workbook is bytes for a file, not for a terminal."""
    result = evaluate(data, figures, "--month", "2023-11", "--format", "xlsx")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.endswith("error: --format xlsx needs --output FILE\n")


# --- --output -----------------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["table", "csv", "json"])
def test_output_writes_the_whole_file_exactly_as_printed(
    tmp_path: Path, data: Path, figures: Path, output_format: str
) -> None:
    """The file holds every byte the terminal would have shown, and nothing goes to stdout."""
    options = ("--month", "2023-10", "--to", "2023-11", "--format", output_format)
    printed = evaluate(data, figures, *options)
    target = tmp_path / f"basis.{output_format}"
    written = evaluate(data, figures, *options, "--output", target)
    assert printed.exit_code == written.exit_code == 0
    assert written.stdout == ""
    assert written.stderr.endswith(f"wrote {target}\n")
    assert target.read_bytes() == printed.stdout_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [data.name, figures.name, target.name]
    )


@pytest.mark.parametrize("output_format", ["csv", "json", "xlsx"])
def test_without_format_the_output_file_s_extension_chooses_it(
    tmp_path: Path, data: Path, figures: Path, output_format: str
) -> None:
    """`--output basis.xlsx` writes a workbook, not the terminal's table under that name."""
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    told = evaluate(
        data,
        figures,
        "--month",
        "2023-11",
        "--format",
        output_format,
        "--output",
        chosen / f"told.{output_format}",
    )
    guessed = evaluate(
        data, figures, "--month", "2023-11", "--output", chosen / f"guessed.{output_format.upper()}"
    )
    assert told.exit_code == guessed.exit_code == 0
    told_bytes = (chosen / f"told.{output_format}").read_bytes()
    assert (chosen / f"guessed.{output_format.upper()}").read_bytes() == told_bytes


def test_output_follows_a_link_keeps_the_file_s_permissions_and_writes_a_pipe_straight(
    tmp_path: Path, data: Path, figures: Path
) -> None:
    """The file a link points to is written (the link stays a link); an existing file keeps its
    permissions and a new one gets the umask's; a pipe (or /dev/stdout) is written, not
    replaced by a file."""
    import stat
    import threading

    options = ("--month", "2023-11", "--format", "csv")
    printed = evaluate(data, figures, *options).stdout_bytes
    real = tmp_path / "real.csv"
    real.write_bytes(b"old")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert evaluate(data, figures, *options, "--output", link).exit_code == 0
    assert link.is_symlink() and real.read_bytes() == printed
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    mask = os.umask(0o022)
    try:
        assert evaluate(data, figures, *options, "--output", tmp_path / "new.csv").exit_code == 0
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    result = evaluate(data, figures, *options, "--output", pipe)
    reader.join(timeout=30)
    assert result.exit_code == 0
    assert received == [printed] and stat.S_ISFIFO(pipe.stat().st_mode)


def test_output_never_overwrites_a_file_the_run_reads(
    tmp_path: Path, data: Path, figures: Path
) -> None:
    """A slip of the keyboard must not destroy the data or an agreement file: wrong usage."""
    before = data.read_bytes(), figures.read_bytes()
    for target in (data, figures, tmp_path / "." / data.name):
        result = evaluate(data, figures, "--month", "2023-11", "--output", target)
        assert result.exit_code == 2
        assert "which this run reads; give another file name\n" in result.stderr
    assert (data.read_bytes(), figures.read_bytes()) == before
    result = evaluate(data, figures, "--month", "2023-11", "--output", f"{tmp_path}/basis.csv/")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"error: cannot write {tmp_path}/basis.csv/: that names a folder; give a file name\n"
    )


def test_output_as_xlsx_is_a_workbook_with_numbers_as_numbers(
    tmp_path: Path, data: Path, figures: Path
) -> None:
    """Finance opens the basis in Excel: amounts are numbers, totals on their own sheet."""
    from openpyxl import load_workbook

    target = tmp_path / "basis.xlsx"
    result = evaluate(data, figures, "--month", "2023-11", "--format", "xlsx", "--output", target)
    assert result.exit_code == 0
    workbook = load_workbook(BytesIO(target.read_bytes()))
    assert workbook.sheetnames == ["Invoice basis", "Totals", "Sources"]
    rows = list(workbook["Invoice basis"].iter_rows(values_only=True))
    assert rows[1][:3] == (
        dt.datetime(2023, 11, 1),
        "Kungsbacka",
        "halland-2022 + halland-invoice-basis",
    )
    assert rows[1][rows[0].index("net amount")] == 61425
    totals = list(workbook["Totals"].iter_rows(values_only=True))
    assert totals[len(rows)][:2] == ("all", 372645)
    assert zipfile.is_zipfile(target)


def test_a_failed_run_leaves_no_file_behind_and_keeps_the_old_one(
    tmp_path: Path, figures: Path
) -> None:
    """A half-written invoice basis must never be mistaken for a whole one."""
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Kommun;Månad;Vårdtillfällen;Totalt antal dagar\nKungsbacka;2023-11;tio;65\n",
        encoding="utf-8",
    )
    fresh = tmp_path / "fresh.csv"
    result = evaluate(bad, figures, "--month", "2023-11", "--format", "csv", "--output", fresh)
    assert result.exit_code == 1
    old = tmp_path / "old.csv"
    old.write_bytes(b"last month's basis")
    result = evaluate(bad, figures, "--month", "2023-11", "--format", "csv", "--output", old)
    assert result.exit_code == 1
    assert old.read_bytes() == b"last month's basis"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "old.csv", "test-figures.yaml"]


def test_a_write_that_fails_half_way_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, data: Path, figures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The basis goes to a temporary file renamed over the target: never a torn file."""
    old = tmp_path / "basis.csv"
    old.write_bytes(b"last month's basis")

    def full_disk(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    result = evaluate(data, figures, "--month", "2023-11", "--format", "csv", "--output", old)
    assert result.exit_code == 2
    assert result.stderr.endswith(f"error: cannot write {old}: No space left on device\n")
    assert old.read_bytes() == b"last month's basis"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "aggregates.csv",
        "basis.csv",
        "test-figures.yaml",
    ]


def test_a_csv_written_in_parts_that_fails_after_the_first_keeps_the_old_file(
    tmp_path: Path, data: Path, figures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CSV is made a part of its lines at a time as it is written, so that a national run
    never holds its whole file: a part that cannot be made, after the heading was written,
    still leaves the old file as it was and no temporary file."""
    from agreement_engine.render import invoice_csv

    made = invoice_csv._csv_text
    calls = []

    def second_part_fails(*arguments: Any) -> str:
        calls.append(arguments)
        if len(calls) == 2:
            raise RuntimeError("the disk controller caught fire")
        return made(*arguments)

    monkeypatch.setattr(invoice_csv, "_csv_text", second_part_fails)
    old = tmp_path / "basis.csv"
    old.write_bytes(b"last month's basis")
    result = evaluate(data, figures, "--month", "2023-11", "--output", old)
    assert len(calls) == 2
    assert result.exit_code == 1
    assert "internal error: RuntimeError: the disk controller caught fire" in result.stderr
    assert old.read_bytes() == b"last month's basis"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "aggregates.csv",
        "basis.csv",
        "test-figures.yaml",
    ]


def test_output_that_cannot_be_written_is_wrong_usage_and_leaves_no_temporary_file(
    tmp_path: Path, data: Path, figures: Path
) -> None:
    """A folder given as the file, or a folder that does not exist: exit 2, nothing left over."""
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = evaluate(data, figures, "--month", "2023-11", "--output", folder)
    assert result.exit_code == 2
    assert result.stderr.endswith(f"error: cannot write {folder}: Is a directory\n")
    nowhere = tmp_path / "missing" / "basis.csv"
    result = evaluate(data, figures, "--month", "2023-11", "--output", nowhere)
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"error: cannot write {nowhere}: the folder {nowhere.parent} does not exist\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a-folder",
        "aggregates.csv",
        "test-figures.yaml",
    ]
    assert list(folder.iterdir()) == []


# --- formats ------------------------------------------------------------------------------------


def test_csv_is_for_a_swedish_spreadsheet(data: Path, figures: Path) -> None:
    """Excel in Sweden: a BOM so it reads UTF-8, ';' between fields, decimal commas, CRLF."""
    result = evaluate(data, figures, "--month", "2023-11", "--format", "csv")
    assert result.exit_code == 0
    raw = result.stdout_bytes
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = raw.decode("utf-8-sig").split("\r\n")
    assert rows[0] == (
        "month;municipality;governed by;benchmark;average days;excess;episodes;price/day;"
        "gross;discount;net amount;status;reasons;readings;average days (exact);excess (exact)"
    )
    reasons = (
        "the approval of halland-2022 by Region Halland, Kungsbacka, Varberg, Falkenberg, "
        "Halmstad, Hylte, Laholm is inferred: no decision is on record | "
        "figure national_average_days for 2021 is illustrative, made up for examples "
        "(test-figures) | figure national_day_cost for 2023 is provisional"
    )
    # Varberg: 60 / 8 = 7.5; 7.5 − 5.6 = 1.9; 1.9 × 8 × 10 500 = 159 600; 35 % = 55 860.
    assert rows[2] == (
        "2023-11;Varberg;halland-2022 + halland-invoice-basis;5,6;7,5;1,9;8;10500;159600;"
        f"55860;103740;provisional;{reasons};;7,5;1,9"
    )
    assert len(rows) == 1 + 6 + 1 and rows[-1] == ""


def test_json_for_a_range_has_a_total_per_municipality_and_overall(
    data: Path, figures: Path
) -> None:
    """A machine reconciling a quarter needs each municipality's sum, not only the lines."""
    result = evaluate(data, figures, "--month", "2023-10", "--to", "2023-11", "--format", "json")
    assert result.exit_code == 0
    basis = json.loads(result.stdout)
    assert basis["months"] == ["2023-10", "2023-11"]
    assert basis["totals"] == {
        "by_municipality": {
            "Kungsbacka": "155925",  # 94 500 + 61 425
            "Varberg": "263340",  # 159 600 + 103 740
            "Falkenberg": "0",
            "Halmstad": "395010",  # 239 400 + 155 610
            "Hylte": "0",
            "Laholm": "131670",  # 79 800 + 51 870
        },
        "all": "945945",  # 155 925 + 263 340 + 395 010 + 131 670
        "lines_not_computed": 0,
    }
    october = basis["lines"][0]
    assert (october["municipality"], october["month"], october["net_amount"]) == (
        "Kungsbacka",
        "2023-10",
        "94500",
    )
    assert october["documents"] == ["halland-2022"]
    assert basis["lines"][6]["documents"] == ["halland-2022", "halland-invoice-basis"]


def test_json_follows_its_schema_and_names_the_data_file_with_its_hash_rows_and_warnings(
    tmp_path: Path, figures: Path
) -> None:
    """A basis must say what it was computed from, as it does for the documents: the data
    file's path and SHA-256, the rows read, used and left out, and the warnings (a 'Snitt' that
    disagrees with the days and episodes stays on record, not only on the terminal)."""
    import hashlib

    from jsonschema import Draft202012Validator

    data = tmp_path / "aggregates.csv"
    lines = ["Kommun;Månad;Vårdtillfällen;Totalt antal dagar;Snitt"]
    lines += [f"{name};2023-11;{row};" for name, row in ROWS.items()]
    lines[1] = "Kungsbacka;2023-11;10;65;7,5"  # 65 / 10 = 6.5, not 7.5
    lines.append("Göteborg;2023-11;3;9;3")
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = evaluate(data, figures, "--month", "2023-11", "--format", "json")
    assert result.exit_code == 0
    basis = json.loads(result.stdout)
    schema = json.loads((ROOT / "schemas" / "invoice-basis.schema.json").read_text("utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(basis)) == []
    recorded = basis["data"]
    assert {k: v for k, v in recorded.items() if k != "warnings"} == {
        "path": str(data),
        "sha256": hashlib.sha256(data.read_bytes()).hexdigest(),
        "form": "CSV (UTF-8, separated by ';')",
        "rows_read": 7,
        "rows_used": 6,
        "excluded": [{"reason": "municipality not asked for", "rows": 1, "first_rows": [8]}],
    }
    [warning] = recorded["warnings"]
    assert (warning["severity"], warning["line"]) == ("warning", 2)
    assert warning["message"].startswith("'Snitt' is 7,5")


# --- explain ------------------------------------------------------------------------------------


def test_explain_shows_every_rule_with_its_formula_values_source_and_assumptions(
    data: Path, figures: Path
) -> None:
    """Finance must be able to account for every krona, clause by clause."""
    result = explain(data, figures, "2023-11", "Kungsbacka")
    assert result.exit_code == 0
    text = result.stdout
    library, _ = load([str(AGREEMENTS), str(figures)])
    halland, routine = library.by_id("halland-2022"), library.by_id("halland-invoice-basis")
    assert isinstance(halland, Agreement) and isinstance(routine, Routine)
    rules = {**halland.rules, **routine.rules}
    for number, name in enumerate(
        [
            "benchmark",
            "average_days",
            "excess",
            "day_cost",
            "gross_amount",
            "discount",
            "net_amount",
        ],
        1,
    ):
        rule = rules[name]
        formula = " ".join(rule.formula.text.split())
        assert f" {number}. {name} = {formula}\n" in text
        quotes = [" ".join(c.quote.split()) for c in rule.cites if c.quote]
        assert quotes
        for quote in quotes:
            assert f'"{quote}"' in text
    # The inputs' row: the header is row 1, October's six rows 2–7, Kungsbacka's November row 8.
    assert (
        "Inputs:\n  episodes = 10\n  total_days = 65 days\n"
        f"  as given on row 8 of {data}; halland-2022 counts them so, for each episode:\n"
    ) in text
    for value in [
        "      = 5.6 days\n",
        "      where national_average_days[2021] = 5.6 days (provisional, illustrative — made up "
        "for examples; test-figures)\n",
        "      where national_day_cost[2023] = 10500 kr/day (provisional; national-figures)\n",
        "      = 94500 kr\n",
        "      = 33075 kr\n",
        "      = 61425 kr\n",
        "Result: net_amount = 61425 kr (provisional, because:)\n"
        "  - the approval of halland-2022 by Region Halland, Kungsbacka, Varberg, Falkenberg, "
        "Halmstad, Hylte, Laholm is inferred: no decision is on record\n"
        "  - figure national_average_days for 2021 is illustrative, made up for examples "
        "(test-figures)\n"
        "  - figure national_day_cost for 2023 is provisional\n",
        "Readings: the agreement files' own (agreement-engine readings shows the others)\n",
        "  The approval of halland-2022 by Region Halland, Kungsbacka, Varberg, Falkenberg, "
        "Halmstad, Hylte, Laholm is inferred: no decision is on record.\n",
    ]:
        assert value in text
    assumptions = library.assumptions
    for assumption_id in [
        "benchmark-2024",
        "pooling",
        "rounding",
        "day-cost-year",
        "episode-month",
        "discount-by-care-month",
    ]:
        assumption = assumptions[assumption_id]
        reading = " ".join(assumption.reading.split())
        assert f"  {assumption_id} [{assumption.default}]: {reading}\n" in text


def test_explain_says_where_the_inputs_come_from_aggregates_given_or_episodes_counted() -> None:
    """The synthetic examples hold the same months as aggregates and as episodes: explain gives
    the same derivation from either, and says which row gave the figures, or which file's
    episodes were counted."""
    examples = ROOT / "examples" / "halland"
    figures = examples / "illustrative-figures.yaml"
    given, counted = (
        explain(examples / name, figures, "2023-12", "Halmstad")
        for name in ("aggregates.csv", "episodes.csv")
    )
    assert given.exit_code == counted.exit_code == 0
    row = next(
        number
        for number, text in enumerate((examples / "aggregates.csv").read_text().splitlines(), 1)
        if text.startswith("Halmstad;2023-12;")
    )
    given_line = (
        f"  as given on row {row} of {examples / 'aggregates.csv'}; halland-2022 counts them so, "
        "for each episode:\n"
    )
    counted_line = (
        f"  counted from the episodes in {examples / 'episodes.csv'} by halland-2022's rules, "
        "for each episode:\n"
    )
    assert given_line in given.stdout and counted_line in counted.stdout
    assert given.stdout.replace(given_line, counted_line) == counted.stdout


def test_explain_reports_the_rows_read_used_and_left_out_as_evaluate_does(
    tmp_path: Path, data: Path, figures: Path
) -> None:
    """Nothing is left out silently, whichever command reads the data."""
    result = explain(data, figures, "2023-11", "Kungsbacka")
    assert result.exit_code == 0
    assert result.stderr == november_report(data)


def test_a_range_reports_the_rows_of_other_months_as_left_out(data: Path, figures: Path) -> None:
    """Only the rows of the months asked for are used; the others are left out, and said so."""
    result = evaluate(data, figures, "--month", "2023-11", "--to", "2023-12")
    assert result.exit_code == 3  # the data has no rows for 2023-12: those lines are not computed
    assert result.stderr.startswith(
        f"{data}: CSV (UTF-8, separated by ';'), header on row 1; 12 rows read, 6 used, "
        "6 excluded\n"
        "  excluded 6 rows (month outside 2023-11 – 2023-12: 2023-10; rows 2, 3, 4, 5, 6, 7)\n"
    )


def test_explain_tells_why_a_month_is_not_computed(tmp_path: Path, figures: Path) -> None:
    """In the gap the statute governs; aggregates cannot bill it, and explain says so."""
    data = tmp_path / "gap.csv"
    lines = ["Kommun;Månad;Vårdtillfällen;Totalt antal dagar"]
    lines += [f"{name};2024-11;{row}" for name, row in ROWS.items()]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = explain(data, figures, "2024-11", "Laholm")
    assert result.exit_code == 1  # nothing could be billed; the derivation says why
    assert "  No agreement on file covers 2024-11 for Laholm,\n" in result.stdout
    assert (
        "Result: not computed, because:\n"
        "  - the statute (lag-2017-612) governs this month and counts liable_days_total episode "
        "by episode; monthly aggregates cannot show that, so give an episode-level extract\n"
        "  - no agreement on file governs 2024-11, so the statute (lag-2017-612) applies by "
        "default (reading gap-2024-11-to-2025-09=statute; under "
        "gap-2024-11-to-2025-09=continuous, halland-2022 would govern it)\n"
        "\n"
        "Assumptions relied on (declared readings of ambiguous text):\n"
    ) in result.stdout
    assert "\n  gap-2024-11-to-2025-09 [statute]: No agreement is on file" in result.stdout


def test_a_large_utf8_extract_whose_first_64_kib_end_inside_a_letter_is_read(
    tmp_path: Path, figures: Path
) -> None:
    """The kind of file is told from its first 64 KiB; a cut through 'ö' must not fail the run."""
    header = (
        "\ufeffVårdtillfälle-ID;Kommun;Utskrivningsklar datum;Underrättelse klockslag;"
        "Utskrivningsdatum;Inskrivningsmeddelande;Underrättelse;SIP krävs;Kallelse SIP\r\n"
    )
    rows = [f"ö{n:06d};Varberg;2023-11-04;10:00;2023-11-14;ja;ja;nej;\r\n" for n in range(1300)]
    head = len(header.encode("utf-8"))
    size = len(rows[0].encode("utf-8"))
    # Pad the first id so that the 2-byte 'ö' of some row starts at byte 65 535 and ends at 65 536.
    pad = (65535 - head) % size
    rows[0] = rows[0].replace("ö000000", "ö000000" + "x" * pad)
    text = header + "".join(rows)
    encoded = text.encode("utf-8")
    assert encoded[65535:65537] == "ö".encode()
    extract = tmp_path / "episodes.csv"
    extract.write_bytes(encoded)
    result = evaluate(extract, figures, "--month", "2023-11", "--format", "json")
    assert result.exit_code == 0, result.stderr
    basis = json.loads(result.stdout)
    # Each episode: 11-14 − 11-04 = 10 days; average 10; 10 − 5.6 = 4.4 days over;
    # 4.4 × 10 500 = 46 200 kr gross per episode; less 35 %: 30 030 kr. 1 300 × 30 030 kr.
    assert basis["totals"]["by_municipality"]["Varberg"] == str(1300 * 30030)


def test_a_name_that_looks_like_a_formula_stays_text_in_csv_and_xlsx(tmp_path: Path) -> None:
    """A spreadsheet must never run text from the files as a formula ('=HYPERLINK(…)')."""
    from openpyxl import load_workbook

    agreement = (ROOT / "tests" / "fixtures" / "valid" / "minimal-agreement.yaml").read_text(
        encoding="utf-8"
    )
    agreement = agreement.replace("[Alfa, Beta]", "['=1+1', Beta]").replace(
        "    Alfa: {status", "    '=1+1': {status"
    )
    (tmp_path / "agreement.yaml").write_text(agreement, encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text("Kommun;Månad;Vårdtillfällen;Totalt antal dagar\n=1+1;2024-03;10;40\n", "utf-8")
    files = ("--data", data, "--agreements", tmp_path / "agreement.yaml", "--month", "2024-03")
    csv_run = run("evaluate", *files, "--format", "csv")
    assert csv_run.exit_code == 3  # Beta has no row: its line is not computed
    assert "\n2024-03;'=1+1;test-agreement;" in csv_run.stdout
    target = tmp_path / "basis.xlsx"
    assert run("evaluate", *files, "--output", target).exit_code == 3
    workbook = load_workbook(target)
    for cell in (workbook["Invoice basis"]["B2"], workbook["Totals"]["A2"]):
        assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_a_name_holding_the_separator_or_a_quote_is_quoted_as_the_csv_module_quotes_it(
    tmp_path: Path,
) -> None:
    """A cell with ';' or '"' in it is quoted, and the whole file is what Python's csv module
    writes for the same rows: a spreadsheet reads the name back whole."""
    import csv
    import io

    name = 'Alfa; "norra"'
    agreement = (ROOT / "tests" / "fixtures" / "valid" / "minimal-agreement.yaml").read_text(
        encoding="utf-8"
    )
    quoted = "'" + name + "'"
    agreement = agreement.replace("[Alfa, Beta]", f"[{quoted}, Beta]").replace(
        "    Alfa: {status", f"    {quoted}: {{status"
    )
    (tmp_path / "agreement.yaml").write_text(agreement, encoding="utf-8")
    data = tmp_path / "data.csv"
    written = '"' + name.replace('"', '""') + '"'
    data.write_text(
        f"Kommun;Månad;Vårdtillfällen;Totalt antal dagar\n{written};2024-03;10;40\n"
        "Beta;2024-03;4;30\n",
        "utf-8",
    )
    files = ("--data", data, "--agreements", tmp_path / "agreement.yaml", "--month", "2024-03")
    result = run("evaluate", *files, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    text = result.stdout.removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert [row[1] for row in rows[1:]] == [name, "Beta"]
    again = io.StringIO()
    csv.writer(again, delimiter=";", lineterminator="\r\n").writerows(rows)
    assert text == again.getvalue().replace("\r\n", "\n")  # the runner reads lines as text
