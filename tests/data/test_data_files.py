"""Which files can be read as data at all: regular files, in an encoding that can be told, of
the kind their name says; and the message for each that cannot, naming the file and what to do.

Both readers (monthly aggregates and episode extracts) are asked the same, word for word.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from agreement_engine.cli.app import app
from agreement_engine.data import (
    MonthlyFigures,
    ReadReport,
    encoding,
    read_aggregates,
    read_episodes_frame,
)
from agreement_engine.diagnostics import Diagnostic, EngineError, render_text
from agreement_engine.months import YearMonth

ROOT = Path(__file__).resolve().parents[2]
MARCH = YearMonth(2026, 3)
AGGREGATES = "Kommun;Månad;Vårdtillfällen;Totalt antal dagar\nHylte;2026-03;6;19\n"
EPISODES = "Vårdtillfälle-ID;Kommun;Utskrivningsklar datum;Utskrivningsdatum\n"
EPISODE_ROW = "E{n};Varberg;2026-03-01;2026-03-04\n"
SAVE_AGAIN = "hint: save the file again as CSV with UTF-8 encoding (Excel: 'CSV UTF-8')"
NOT_REGULAR = "hint: save the data to a file first, and give the path of that file"
RETYPE = (
    "hint: retype the character at the caret, which was written in another encoding than the "
    "rest of the file, and save the file as UTF-8"
)


def read_as_aggregates(path: str) -> tuple[list[MonthlyFigures], ReadReport, list[Diagnostic]]:
    return read_aggregates(path, month=MARCH)


Read = Callable[[str], tuple[object, ReadReport, list[Diagnostic]]]
READERS: dict[str, Read] = {
    "aggregates": read_as_aggregates,
    "episodes": read_episodes_frame,
}
each_reader = pytest.mark.parametrize("read", READERS.values(), ids=list(READERS))


def rendered_errors(read: Callable[[str], object], path: str | Path) -> str:
    with pytest.raises(EngineError) as raised:
        read(str(path))
    return "\n".join(render_text(d) for d in raised.value.diagnostics)


# --- paths that are no regular file ------------------------------------------------------------


@each_reader
def test_a_device_is_refused_by_name_before_it_is_read(read: Callable[[str], object]) -> None:
    """/dev/zero never ends and /dev/null is empty: neither is a data file, and neither must be
    read to say so."""
    assert rendered_errors(read, "/dev/null") == (
        "error: cannot read /dev/null: it is a device, not a regular file, so it cannot be read "
        f"twice\n{NOT_REGULAR}"
    )


@pytest.fixture
def pipe() -> Iterator[str]:
    """A pipe holding a whole aggregates file, as ``--data <(cat aggregates.csv)`` gives."""
    read_end, write_end = os.pipe()
    os.write(write_end, AGGREGATES.encode())
    os.close(write_end)
    yield f"/dev/fd/{read_end}"
    os.close(read_end)


@each_reader
def test_a_pipe_is_refused_by_name_as_it_can_be_read_only_once(
    read: Callable[[str], object], pipe: str
) -> None:
    """A data file is read more than once, and a pipe is empty the second time: say so, rather
    than call the file empty or (for a FIFO without a writer) wait forever."""
    assert rendered_errors(read, pipe) == (
        f"error: cannot read {pipe}: it is a pipe, not a regular file, so it cannot be read "
        f"twice\n{NOT_REGULAR}"
    )


@pytest.mark.parametrize("name", ["data.csv", "data.xlsx"])
@each_reader
def test_a_folder_is_refused_by_name(
    read: Callable[[str], object], name: str, tmp_path: Path
) -> None:
    """A folder given for the data file is told apart from a file that cannot be read, for
    workbooks too."""
    folder = tmp_path / name
    folder.mkdir()
    assert rendered_errors(read, folder) == (
        f"error: cannot read {folder}: it is a folder, not a file\n"
        "hint: give the path of the data file in the folder"
    )


def test_the_command_line_refuses_a_device_with_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    """The message reaches the user as a data problem (exit 1), not an internal error."""
    monkeypatch.chdir(ROOT)
    agreements = ("--agreements", "agreements", "--agreements")
    figures = "examples/halland/illustrative-figures.yaml"
    arguments = ["evaluate", "--month", "2025-10", "--data", "/dev/null", *agreements, figures]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: cannot read /dev/null: it is a device, not a regular file, so it cannot be read "
        f"twice\n{NOT_REGULAR}\n\n"
    )


# --- UTF-8 with a stray byte -------------------------------------------------------------------


def test_a_stray_byte_in_a_utf8_aggregates_file_is_shown_where_it_is(tmp_path: Path) -> None:
    """A Windows-1252 'ä' pasted into UTF-8 text is that byte's error, not a Windows-1252
    reading that garbles every Swedish column name into a missing column."""
    path = tmp_path / "aggregates.csv"
    path.write_bytes(AGGREGATES.encode() + b"Varberg;2026-03;\xe48;40\n")
    assert rendered_errors(read_as_aggregates, path) == (
        f"{path}:3:17: error: byte 0xE4 on this row cannot be read as UTF-8, the encoding of "
        "the text before it\n"
        " 3 | Varberg;2026-03;\ufffd8;40\n"
        "   |                 ^\n"
        f"{RETYPE}"
    )


def test_a_stray_byte_after_a_utf8_bom_is_shown_at_its_own_column(tmp_path: Path) -> None:
    """The BOM is not counted in the column, nor shown, and the row is shown as UTF-8."""
    path = tmp_path / "aggregates.csv"
    path.write_bytes(b"\xef\xbb\xbf" + AGGREGATES.encode() + b"V\xc3\xa4xj\xf6;2026-03;8;40\n")
    assert rendered_errors(read_as_aggregates, path) == (
        f"{path}:3:5: error: byte 0xF6 on this row cannot be read as UTF-8, the encoding of "
        "the text before it\n"
        " 3 | Växj\ufffd;2026-03;8;40\n"
        "   |     ^\n"
        f"{RETYPE}"
    )


@pytest.mark.parametrize("chunk", [64, 1 << 22], ids=["small chunks", "one chunk"])
@pytest.mark.parametrize("byte", [b"\xff", b"\xe4"], ids=["0xFF", "0xE4"])
def test_a_stray_byte_far_down_a_utf8_extract_is_shown_where_it_is(
    chunk: int, byte: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The UTF-8 letters of the header vouch for the file, however many chunks before the
    stray byte they were read."""
    monkeypatch.setattr(encoding, "CHUNK", chunk)
    rows = "".join(EPISODE_ROW.format(n=n) for n in range(5000))
    path = tmp_path / "extract.csv"
    path.write_bytes((EPISODES + rows).encode() + b"E5000;" + byte + b"Laholm;2026-03-01;\n")
    assert rendered_errors(read_episodes_frame, path) == (
        f"{path}:5002:7: error: byte 0x{byte[0]:02X} on this row cannot be read as UTF-8, the "
        "encoding of the text before it\n"
        " 5002 | E5000;\ufffdLaholm;2026-03-01;\n"
        "      |       ^\n"
        f"{RETYPE}"
    )


def test_a_file_without_utf8_letters_before_its_first_other_byte_is_still_windows_1252(
    tmp_path: Path,
) -> None:
    """Without UTF-8 letters to vouch for UTF-8 (a header in English), a byte that is not UTF-8
    is a Windows-1252 letter, read as before."""
    aggregates = tmp_path / "aggregates.csv"
    rows = "municipality;month;episodes;total_days\nGöteborg;2026-03;6;19\n"
    aggregates.write_bytes(rows.encode("cp1252"))
    figures, report, _ = read_aggregates(str(aggregates), month=MARCH)
    assert [f.municipality for f in figures] == ["Göteborg"]
    assert report.form == "CSV (Windows-1252, separated by ';')"

    extract = tmp_path / "extract.csv"
    rows = "episode_id;municipality;ready_date;discharge_date\nE1;Göteborg;2026-03-01;2026-03-04\n"
    extract.write_bytes(rows.encode("cp1252"))
    frame, report, _ = read_episodes_frame(str(extract))
    assert frame["municipality"].to_list() == ["Göteborg"]
    assert report.form == "CSV (Windows-1252, separated by ';')"


@each_reader
def test_a_byte_neither_utf8_nor_windows_1252_can_read_is_shown_where_it_is(
    read: Callable[[str], object], tmp_path: Path
) -> None:
    """Without UTF-8 letters before it, such a byte is no stray in UTF-8 text: the file is in
    neither encoding."""
    path = tmp_path / "data.csv"
    path.write_bytes(b"municipality;month;episodes;total_days\nHy\x81te;2026-03;6;19\n")
    assert rendered_errors(read, path) == (
        f"{path}:2:3: error: the file is not UTF-8 or Windows-1252 text: byte 0x81 cannot be "
        "read\n"
        " 2 | Hy\ufffdte;2026-03;6;19\n"
        "   |   ^\n"
        f"{SAVE_AGAIN}"
    )


# --- files that are no UTF-8 or Windows-1252 text ----------------------------------------------


@pytest.mark.parametrize(
    ("codec", "name"),
    [("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32-le", "UTF-32")],
)
@each_reader
def test_utf16_or_utf32_without_a_byte_order_mark_is_named_as_such(
    read: Callable[[str], object], codec: str, name: str, tmp_path: Path
) -> None:
    """Without its BOM, UTF-16 text reads as UTF-8 with a NUL after every letter, and then as a
    header of unknown columns; its NUL bytes tell what it is."""
    path = tmp_path / "data.csv"
    path.write_bytes((EPISODES + EPISODE_ROW.format(n=1)).encode(codec))
    assert rendered_errors(read, path) == (
        f"error: {path} looks like {name} text without a byte-order mark (BOM), so its encoding "
        f"cannot be told for sure\n{SAVE_AGAIN}"
    )


@pytest.mark.parametrize(
    ("mark", "codec", "name"),
    [
        (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
        (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
        (b"\xff\xfe", "utf-16-le", "UTF-16"),
        (b"\xfe\xff", "utf-16-be", "UTF-16"),
    ],
)
@each_reader
def test_utf16_or_utf32_with_a_byte_order_mark_reads_as_its_utf8_twin(
    read: Read, mark: bytes, codec: str, name: str, tmp_path: Path
) -> None:
    """With its mark the encoding is known: UTF-32's little-endian mark begins with UTF-16's, and
    must not be taken for it (which read a NUL beside every letter)."""
    text = AGGREGATES if read is read_as_aggregates else EPISODES + EPISODE_ROW.format(n=1)
    path = tmp_path / "data.csv"
    path.write_bytes(text.encode("utf-8"))
    expected, _, _ = read(str(path))
    path.write_bytes(mark + text.encode(codec))
    found, report, _ = read(str(path))
    if isinstance(found, pl.DataFrame):
        assert isinstance(expected, pl.DataFrame) and found.equals(expected)
    else:
        assert found == expected
    assert report.form == f"CSV ({name}, separated by ';')"


@pytest.mark.parametrize("name", ["data.csv", "data"])
@each_reader
def test_a_workbook_named_as_csv_is_told_to_be_named_xlsx(
    read: Callable[[str], object], name: str, tmp_path: Path
) -> None:
    """A workbook is a ZIP archive, whose bytes are no text: say what it is and how to have it
    read, not that it is neither UTF-8 nor Windows-1252."""
    path = tmp_path / name
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Kommun", "Vårdtillfällen", "Totalt antal dagar"])
    book.save(path)
    assert rendered_errors(read, path) == (
        f"error: {path} looks like an Excel workbook, not a CSV text file\n"
        "hint: name the file with the extension .xlsx, so that it is read as a workbook"
    )


# --- workbooks ---------------------------------------------------------------------------------


@each_reader
def test_an_empty_first_sheet_names_the_later_sheet_with_rows(
    read: Callable[[str], object], tmp_path: Path
) -> None:
    """Only the first sheet is read: when the rows are on another, say which and what to do."""
    path = tmp_path / "data.xlsx"
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Blad1"
    book.create_sheet("Tom")
    book.create_sheet("Data").append(["Kommun", "Vårdtillfällen", "Totalt antal dagar"])
    book.save(path)
    assert rendered_errors(read, path) == (
        f"error: {path} is empty: its first sheet has no rows\n"
        "hint: only the first sheet, 'Blad1', is read, but sheet 'Data' has rows: move that "
        "sheet first (drag its tab to the far left), or delete the sheets before it"
    )


@each_reader
def test_an_empty_workbook_is_empty_without_a_hint(
    read: Callable[[str], object], tmp_path: Path
) -> None:
    """With no rows on any sheet, there is no other sheet to point to."""
    path = tmp_path / "data.xlsx"
    book = openpyxl.Workbook()
    book.create_sheet("Tom")
    book.save(path)
    assert rendered_errors(read, path) == f"error: {path} is empty: its first sheet has no rows"


def test_control_characters_from_a_file_are_shown_as_pictures_not_sent_to_the_terminal() -> None:
    """An escape sequence in a cell must not colour or clear the terminal, and the caret must
    stay under its place: each control character is shown as its picture, one column wide."""
    from agreement_engine.diagnostics import Location, error

    line = "Hylte\x1b[31m;2025-10;2;15"
    problem = error("unknown municipality 'Hylte\x1b[31m'", Location("a.csv", 2, 1, 10, line))
    assert render_text(problem) == (
        "a.csv:2:1: error: unknown municipality 'Hylte␛[31m'\n"
        " 2 | Hylte␛[31m;2025-10;2;15\n"
        "   | ^^^^^^^^^^"
    )
