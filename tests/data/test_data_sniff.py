"""Telling what a data file is before reading it: an extract or aggregates, CSV or XLSX."""

from pathlib import Path

import openpyxl
import pytest

from agreement_engine.data import DataFile, Form, Kind, sniff
from agreement_engine.diagnostics import EngineError, render_text

ROOT = Path(__file__).resolve().parents[2]
EPISODES = "Vårdtillfälle-ID;Kommun;Utskrivningsklar datum;Utskrivningsdatum\n"
AGGREGATES = "Kommun;Månad;Vårdtillfällen;Totalt antal dagar\nHylte;2026-03;6;19\n"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("episodes.csv", Kind.EPISODES),
        ("aggregates.csv", Kind.AGGREGATES),
        ("national-export-2026-03.csv", Kind.AGGREGATES),
    ],
)
def test_the_example_files_are_told_apart_by_their_headers(name: str, kind: Kind) -> None:
    """evaluate bills an extract by counting it and aggregates as given: the kind decides."""
    path = str(ROOT / "examples" / "halland" / name)
    assert sniff(path) == DataFile(path, kind, Form.CSV)


@pytest.mark.parametrize(
    "header",
    [
        "episode_id\tmunicipality\tready_date\tdischarge_date",  # English, tab-separated
        "Kommun,Utskrivningsklar,Utskrivningsdatum",  # comma-separated, no id
        '"Vårdtillfälle-ID";"Kommun"',  # quoted
        "Export 2026-03-31\n\nVårdtillfälle-ID;Kommun",  # a title above the header
    ],
)
def test_an_extract_is_told_by_any_column_only_an_extract_has(header: str, tmp_path: Path) -> None:
    """The id, the ready date or the discharge date, in either language, in any dialect."""
    path = tmp_path / "extract.csv"
    path.write_text(header + "\n", encoding="utf-8")
    assert sniff(str(path)).kind is Kind.EPISODES


def test_a_header_cut_inside_a_letter_by_the_head_read_is_still_read(tmp_path: Path) -> None:
    """Only the first 64 KiB are read to find the header; a letter of two bytes split at that
    end must not make a sound UTF-8 file look undecodable."""
    path = tmp_path / "extract.csv"
    data = (EPISODES + "ä" * (64 * 1024) + "\n").encode()
    with pytest.raises(UnicodeDecodeError):
        data[: 64 * 1024].decode()  # the 64 KiB end falls inside an 'ä'
    path.write_bytes(data)
    assert sniff(str(path)).kind is Kind.EPISODES


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
def test_a_workbook_of_episodes_is_told_from_aggregates_by_its_header_whatever_its_excel_suffix(
    tmp_path: Path, suffix: str
) -> None:
    """A macro-enabled workbook (.xlsm) is a workbook too: its header says it holds episodes."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Vårdtillfälle-ID", "Kommun", "Utskrivningsklar datum", "Utskrivningsdatum"])
    sheet.append(["E1", "Varberg", "2026-03-01", "2026-03-04"])
    path = tmp_path / f"extract{suffix}"
    book.save(path)
    assert sniff(str(path)) == DataFile(str(path), Kind.EPISODES, Form.XLSX)


def test_a_workbook_of_aggregates_is_aggregates(tmp_path: Path) -> None:
    """The form is the workbook's, the kind its header's."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Kommun", "Månad", "Vårdtillfällen", "Totalt antal dagar"])
    path = tmp_path / "aggregates.xlsx"
    book.save(path)
    assert sniff(str(path)) == DataFile(str(path), Kind.AGGREGATES, Form.XLSX)


def test_a_workbook_that_cannot_be_opened_is_left_to_the_aggregates_reader(tmp_path: Path) -> None:
    """Sniffing does not say what is wrong with a file: the reader it goes to does."""
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook at all")
    assert sniff(str(path)) == DataFile(str(path), Kind.AGGREGATES, Form.XLSX)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda folder: folder / "missing.csv", "it does not exist"),
        (lambda folder: folder, "it is a folder, not a file"),
    ],
    ids=["missing", "folder"],
)
def test_a_path_that_is_no_data_file_is_refused_before_anything_is_read(
    make: object, reason: str, tmp_path: Path
) -> None:
    """The same words as the readers use, so a run says it once, the same way."""
    assert callable(make)
    path = make(tmp_path)
    with pytest.raises(EngineError) as raised:
        sniff(str(path))
    assert render_text(raised.value.diagnostics[0]).startswith(
        f"error: cannot read {path}: {reason}"
    )


def test_a_csv_file_that_cannot_be_decoded_is_refused_with_the_readers_words(
    tmp_path: Path,
) -> None:
    """A stray byte in the header of a UTF-8 file is the error the reader would give."""
    path = tmp_path / "extract.csv"
    path.write_bytes(b"\xef\xbb\xbf" + EPISODES.encode() + b"E1;V\xe4rberg;x;y\n")
    with pytest.raises(EngineError) as raised:
        sniff(str(path))
    assert ":2:5: error: byte 0xE4 on this row cannot be read as UTF-8" in render_text(
        raised.value.diagnostics[0]
    )
