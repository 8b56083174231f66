"""A run's reading: the encoding worked out ahead for the reader, and its temporary folders."""

import gc
import os
import tempfile
from pathlib import Path

import pytest

from agreement_engine.data import DataFile, Form, Kind, Reading, read_episodes, sniff
from agreement_engine.data import reading as reading_module
from agreement_engine.data.csv_file import open_csv
from agreement_engine.data.encoding import Encoding
from agreement_engine.diagnostics import EngineError, render_text

EPISODES = "Vårdtillfälle-ID;Kommun;Utskrivningsklar datum;Utskrivningsdatum\n"
EPISODE_ROW = "E{n};Varberg;2026-03-01;2026-03-04\n"
KNOWN = ["Vårdtillfälle-ID", "Kommun"]


@pytest.fixture
def temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of its own for the temporary files of the test, to see what is left there."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def windows_1252_extract(folder: Path) -> Path:
    """An extract polars cannot read in place: it is read through a UTF-8 copy."""
    extract = folder / "episodes.csv"
    extract.write_bytes((EPISODES + "E1;Växjö;2026-03-01;2026-03-04\n").encode("cp1252"))
    return extract


# --- reading ahead -----------------------------------------------------------------------------


def test_an_extract_read_ahead_is_opened_with_what_was_read_and_only_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The encoding worked out ahead is the one open_csv uses; a second opening reads anew."""
    extract = tmp_path / "episodes.csv"
    extract.write_bytes(("\ufeff" + EPISODES + EPISODE_ROW.format(n=1)).encode("utf-8"))
    reading = Reading()
    ahead = reading.read_ahead(sniff(str(extract)))
    assert ahead is not None
    found: list[Encoding] = []

    def find_encoding(path: str) -> Encoding:
        found.append(ahead.result())
        return found[-1]

    monkeypatch.setattr(reading_module, "find_encoding", find_encoding)
    opened = open_csv(str(extract), KNOWN, reading)
    assert opened.form == "CSV (UTF-8 with BOM, separated by ';')"
    assert found == []  # what was read ahead
    open_csv(str(extract), KNOWN, reading)
    assert found == [ahead.result()]  # read again: the read-ahead is used once


def test_an_extract_changed_after_it_was_read_ahead_is_read_again(tmp_path: Path) -> None:
    """What was read ahead is of the file as it was: once it changes, it is read anew."""
    extract = tmp_path / "episodes.csv"
    extract.write_bytes((EPISODES + EPISODE_ROW.format(n=1)).encode("utf-8"))
    reading = Reading()
    ahead = reading.read_ahead(sniff(str(extract)))
    assert ahead is not None
    assert ahead.result().name == "UTF-8"  # read before the change
    extract.write_bytes((EPISODES + "E1;Växjö;2026-03-01;2026-03-04\n").encode("cp1252"))
    with reading:
        opened = open_csv(str(extract), KNOWN, reading)
    assert opened.form == "CSV (Windows-1252, separated by ';')"


def test_a_problem_found_ahead_is_reported_when_the_extract_is_opened(tmp_path: Path) -> None:
    """A stray byte found by the thread reading ahead is the error open_csv raises, as if it
    had read the file itself."""
    extract = tmp_path / "episodes.csv"
    extract.write_bytes(b"\xef\xbb\xbf" + EPISODES.encode("utf-8") + b"E1;V\xe4rberg;x;y\n")
    reading = Reading()
    assert reading.read_ahead(DataFile(str(extract), Kind.EPISODES, Form.CSV)) is not None
    with pytest.raises(EngineError) as ahead:
        open_csv(str(extract), KNOWN, reading)
    with pytest.raises(EngineError) as now:
        open_csv(str(extract), KNOWN, reading)
    assert render_text(ahead.value.diagnostics[0]) == render_text(now.value.diagnostics[0])
    assert ":2:5: error:" in render_text(now.value.diagnostics[0])


def test_only_a_csv_extract_that_is_a_regular_file_is_read_ahead(tmp_path: Path) -> None:
    """A FIFO gives its bytes once: reading it ahead would leave nothing to open. Aggregates and
    workbooks are read whole by their readers, with nothing to gain from a thread."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    reading = Reading()
    assert reading.read_ahead(DataFile(str(fifo), Kind.EPISODES, Form.CSV)) is None
    aggregates = tmp_path / "aggregates.csv"
    aggregates.write_text("Kommun;Månad;Vårdtillfällen;Totalt antal dagar\n", encoding="utf-8")
    assert reading.read_ahead(sniff(str(aggregates))) is None
    workbook = DataFile(str(tmp_path / "extract.xlsx"), Kind.EPISODES, Form.XLSX)
    assert reading.read_ahead(workbook) is None


# --- temporary folders -------------------------------------------------------------------------


def test_closing_a_reading_removes_the_utf8_copy_of_a_file_still_open(tmp_path: Path) -> None:
    """A run that ends without freeing its objects (os._exit) must not leave its copies: a
    Windows-1252 extract's UTF-8 copy, still referenced, is gone once the reading closes."""
    with Reading() as reading:
        opened = open_csv(str(windows_1252_extract(tmp_path)), KNOWN, reading)
        copy = Path(opened.utf8_path)
        assert copy.exists()
    assert not copy.parent.exists()


def test_a_reading_that_ends_with_an_error_removes_its_folders(temporary: Path) -> None:
    """However the run ends, its temporary folders go with it."""
    with pytest.raises(RuntimeError), Reading() as reading:
        open_csv(str(windows_1252_extract(temporary.parent)), KNOWN, reading)
        assert list(temporary.iterdir())
        raise RuntimeError("stopped")
    assert list(temporary.iterdir()) == []


def test_episodes_read_without_a_reading_keep_their_copy_while_they_are_used(
    temporary: Path,
) -> None:
    """A notebook reads an extract and queries it later: the copy lives with the episodes."""
    episodes, _, _ = read_episodes(windows_1252_extract(temporary.parent))
    assert list(temporary.iterdir())
    assert episodes.frame()["municipality"].to_list() == ["Växjö"]
    del episodes
    gc.collect()
    assert list(temporary.iterdir()) == []
