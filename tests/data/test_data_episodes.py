"""Reading episode-level extracts into a typed polars frame, exactly and at scale."""

import os
import subprocess
import sys
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from agreement_engine.data import FIELDS, MAX_ERRORS, read_episodes_frame
from agreement_engine.diagnostics import EngineError, render_text

FIXTURES = Path(__file__).parents[1] / "fixtures" / "data" / "episodes"
SRC = Path(__file__).parents[2] / "src"
HALLAND = ("Falkenberg", "Halmstad", "Hylte", "Kungsbacka", "Laholm", "Varberg")
SCHEMA = {
    "episode_id": pl.String,
    "municipality": pl.String,
    "ready_date": pl.Date,
    "notice_time": pl.Time,
    "discharge_date": pl.Date,
    "admission_notice_sent": pl.Boolean,
    "ready_notice_sent": pl.Boolean,
    "sip_required": pl.Boolean,
    "sip_invitation_sent": pl.Boolean,
    "care_type": pl.String,
    "row": pl.UInt32,
}


def rendered_errors(path: str, **options: object) -> str:
    with pytest.raises(EngineError) as raised:
        read_episodes_frame(path, **options)  # type: ignore[arg-type]
    return "\n".join(render_text(d) for d in raised.value.diagnostics)


def test_an_extract_becomes_a_frame_of_typed_columns_with_each_rows_place_in_the_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Dates are dates, times are times, yes/no are booleans (empty: not known)."""
    monkeypatch.chdir(FIXTURES / "valid")
    frame, report, _ = read_episodes_frame("extract.csv", municipalities=HALLAND)
    assert dict(frame.schema) == SCHEMA
    assert frame.columns == [*FIELDS, "row"]
    assert frame.rows() == [
        ("VT-1001", "Varberg", date(2026, 3, 2), time(11, 40), date(2026, 3, 6),
         True, True, False, None, "somatisk", 2),
        ("VT-1002", "Halmstad", date(2026, 3, 3), time(12, 0, 30), date(2026, 3, 3),
         True, True, True, True, "psykiatrisk", 3),
        ("VT-1004", "Laholm", date(2026, 3, 5), time(13, 5), None,
         False, True, None, None, "somatisk", 6),
        ("VT-1005", "Hylte", date(2026, 3, 6), None, date(2026, 3, 10),
         True, False, True, False, None, 8),
    ]  # fmt: skip
    assert report.lines() == [
        "extract.csv: CSV (UTF-8, separated by ';'), header on row 1; "
        "6 rows read, 4 used, 2 excluded",
        "  excluded 1 row (empty row; row 4)",
        "  excluded 1 row (municipality not asked for: Göteborg; row 5)",
        "  columns not used: 'Kommentar'",
    ]


def test_municipalities_asked_for_without_episodes_are_warned_about(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A municipality with no episodes at all is more likely a gap in the extract than news."""
    monkeypatch.chdir(FIXTURES / "valid")
    _, _, warnings = read_episodes_frame("extract.csv", municipalities=HALLAND)
    assert [render_text(d) for d in warnings] == [
        "extract.csv:1:1: warning: no episodes for 'Falkenberg' in the file",
        "extract.csv:1:1: warning: no episodes for 'Kungsbacka' in the file",
    ]


def test_english_headers_and_commas_work_and_missing_optional_columns_are_not_known(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Columns left out are null for every episode, and the report says which."""
    monkeypatch.chdir(FIXTURES / "valid")
    frame, report, warnings = read_episodes_frame("english.csv")
    assert frame.select("episode_id", "notice_time", "sip_required").rows() == [
        ("E1", time(8, 0), None),
        ("E2", time(12, 1), None),
    ]
    assert report.absent_columns == (
        "Inskrivningsmeddelande", "Underrättelse", "SIP krävs", "Kallelse SIP", "Vårdtyp"
    )  # fmt: skip
    assert warnings == []


def test_a_windows_1252_extract_is_read_without_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files saved by older Excel come through with their Swedish letters."""
    monkeypatch.chdir(FIXTURES / "valid")
    frame, report, _ = read_episodes_frame("windows-1252.csv")
    assert frame.select("episode_id", "municipality", "row").rows() == [
        ("A1", "Göteborg", 2),
        ("A2", "Varberg", 3),
    ]
    assert report.form == "CSV (Windows-1252, separated by ';')"


INVALID = {
    "bad-date.csv": """\
bad-date.csv:2:12: error: 'Utskrivningsklar datum' must be a date like 2026-03-15, not '2026-02-30'
 2 | E1;Varberg;2026-02-30;10:00;2026-03-02;ja
   |            ^^^^^^^^^^
bad-date.csv:3:29: error: 'Utskrivningsdatum' must be a date like 2026-03-15, not '15/3/2026'
 3 | E2;Varberg;2026-03-01;10:00;15/3/2026;ja
   |                             ^^^^^^^^^""",
    "bad-time-and-yes-no.csv": """\
bad-time-and-yes-no.csv:2:23: error: 'Underrättelse klockslag' must be a time of day like 13:45, \
not '25:00'
 2 | E1;Varberg;2026-03-01;25:00;2026-03-02;kanske
   |                       ^^^^^
bad-time-and-yes-no.csv:2:40: error: 'SIP krävs' must be ja or nej (or empty when not known), \
not 'kanske'
 2 | E1;Varberg;2026-03-01;25:00;2026-03-02;kanske
   |                                        ^^^^^^""",
    "discharge-before-ready.csv": """\
discharge-before-ready.csv:2:29: error: 'Utskrivningsdatum' is 2026-03-02, \
before the 'Utskrivningsklar datum' 2026-03-05
 2 | E1;Varberg;2026-03-05;10:00;2026-03-02;ja
   |                             ^^^^^^^^^^
hint: a patient is discharged on or after the day they are ready; check both dates""",
    "duplicate-id.csv": """\
duplicate-id.csv:4:1: error: episode 'E1' appears on rows 2, 4 and 5; each episode must appear once
 4 | E1;Hylte;2026-03-01;;2026-03-03;
   | ^^
hint: remove the repeated rows, or correct the episode ids""",
    "empty-required.csv": """\
empty-required.csv:2:1: error: 'Vårdtillfälle-ID' is empty; it must be an episode id
 2 | ;Varberg;;10:00;2026-03-02;ja
   | ^
empty-required.csv:2:10: error: 'Utskrivningsklar datum' is empty; it must be a date like 2026-03-15
 2 | ;Varberg;;10:00;2026-03-02;ja
   |          ^""",
    "field-count.csv": """\
field-count.csv:2:39: error: this row has 5 fields, but the header has 6 columns
 2 | E1;Varberg;2026-03-01;10:00;2026-03-02
   |                                       ^
hint: every row needs a value (perhaps empty) for each column; is a ';' missing?
field-count.csv:3:43: error: this row has 7 fields, but the header has 6 columns
 3 | E2;Varberg;2026-03-01;10:00;2026-03-02;ja;x
   |                                           ^
hint: put a value that contains ';' in double quotes""",
    "missing-column.csv": """\
missing-column.csv:1:42: error: missing column 'Utskrivningsdatum' (or 'discharge_date'); \
the columns found are 'Vårdtillfälle-ID', 'Kommun', 'Utskrivningsklar', 'Utskrivningsdag'
 1 | Vårdtillfälle-ID;Kommun;Utskrivningsklar;Utskrivningsdag
   |                                          ^^^^^^^^^^^^^^^
hint: did you mean 'Utskrivningsdatum'?""",
    "unknown-municipality.csv": """\
unknown-municipality.csv:2:4: error: unknown municipality 'Varbreg'
 2 | E1;Varbreg;2026-03-01;;2026-03-02;
   |    ^^^^^^^
note: 'Varbreg' is on 2 rows
note: the municipalities asked for are Falkenberg, Halmstad, Hylte, Kungsbacka, Laholm and Varberg
hint: did you mean 'Varberg'?""",
    "unpaired-quote.csv": """\
unpaired-quote.csv:2:7: error: a double quote in this line is not paired, \
so the rows cannot be told apart
 2 | E1;Var"berg;2026-03-01;;2026-03-02;
   |       ^
hint: put a value that holds quotes in double quotes, each quote written twice ("")""",
}


def test_every_invalid_fixture_has_its_expected_message() -> None:
    """No fixture without an expected message, no message without a fixture."""
    assert sorted(p.name for p in (FIXTURES / "invalid").iterdir()) == sorted(INVALID)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_a_bad_extract_is_reported_with_file_row_column_and_a_caret(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Problems found vectorised are still shown at the exact field, word for word."""
    monkeypatch.chdir(FIXTURES / "invalid")
    assert rendered_errors(name, municipalities=HALLAND) == INVALID[name]


def test_errors_past_the_cap_are_counted_not_lost(tmp_path: Path) -> None:
    """A file with thousands of bad rows shows the first ones and says how many more."""
    rows = "".join(f"E{n};Varberg;2026-03-{n:02d}x;\n" for n in range(MAX_ERRORS + 25))
    path = tmp_path / "many.csv"
    path.write_text("episode_id;municipality;ready_date;discharge_date\n" + rows)
    with pytest.raises(EngineError) as raised:
        read_episodes_frame(str(path))
    diagnostics = raised.value.diagnostics
    assert len(diagnostics) == MAX_ERRORS + 1
    assert (
        diagnostics[0].message == "'ready_date' must be a date like 2026-03-15, not '2026-03-00x'"
    )
    assert render_text(diagnostics[-1]) == f"note: and 25 more errors in {path} not shown"


def test_a_file_with_only_a_header_gives_an_empty_frame_of_the_same_columns(
    tmp_path: Path,
) -> None:
    """No episodes is a valid answer, and the frame still has its schema."""
    path = tmp_path / "none.csv"
    path.write_text("episode_id;municipality;ready_date;discharge_date\n")
    frame, report, _ = read_episodes_frame(str(path))
    assert frame.height == 0
    assert dict(frame.schema) == SCHEMA
    assert (report.rows_read, report.rows_used) == (0, 0)


def test_an_xlsx_extract_is_read_from_its_cells_and_bad_cells_are_named(tmp_path: Path) -> None:
    """Date, time and TRUE/FALSE cells become typed values; a bad cell is named like B3."""
    path = tmp_path / "extract.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Vårdtillfälle-ID", "Kommun", "Utskrivningsklar datum",
                  "Underrättelse klockslag", "Utskrivningsdatum", "SIP krävs"])  # fmt: skip
    sheet.append([1001, "Varberg", datetime(2026, 3, 2), time(13, 45), datetime(2026, 3, 6), True])
    sheet.append([1002, "Hylte", date(2026, 3, 3), "11:05", "2026-03-04", 0])
    book.save(path)
    frame, report, _ = read_episodes_frame(str(path))
    assert frame.select(
        "episode_id", "ready_date", "notice_time", "discharge_date", "sip_required", "row"
    ).rows() == [
        ("1001", date(2026, 3, 2), time(13, 45), date(2026, 3, 6), True, 2),
        ("1002", date(2026, 3, 3), time(11, 5), date(2026, 3, 4), False, 3),
    ]
    assert report.form == "XLSX (sheet 'Sheet')"

    sheet.append([1003, "Laholm", datetime(2026, 3, 5, 10, 30), None, None, "kanske"])
    book.save(path)
    assert rendered_errors(str(path)) == (
        f"{path}:4:3: error: 'Utskrivningsklar datum' in cell C4 must be a date like 2026-03-15, "
        "not '2026-03-05 10:30'\n"
        f"{path}:4:6: error: 'SIP krävs' in cell F4 must be ja or nej (or empty when not known), "
        "not 'kanske'"
    )


def test_importing_the_data_package_does_not_import_polars() -> None:
    """Aggregate-only runs start fast: polars is imported only to read episodes."""
    code = "import sys, agreement_engine.data; print('polars' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "False"
