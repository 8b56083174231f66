"""What a data file is: an episode-level extract or monthly aggregates, CSV or XLSX.

Told once per run, before the file is read (:func:`sniff`): the kind by its header, the form by
its extension. An extract names a column that monthly aggregates never have (the episode id, the
ready date or the discharge date) among its first ten lines; the form decides which reader
opens it. The caller passes the :class:`DataFile` on, to whatever reads the file.
"""

from __future__ import annotations

from enum import Enum

from agreement_engine.data.dialect import normalise_name
from agreement_engine.data.encoding import decode
from agreement_engine.data.files import check_data_file, is_xlsx
from agreement_engine.data.limits import check_workbook
from agreement_engine.diagnostics import EngineError
from agreement_engine.frozen import frozen


class Kind(Enum):
    """What a data file holds."""

    EPISODES = "an episode-level extract"
    AGGREGATES = "monthly aggregates"


class Form(Enum):
    """How a data file is written."""

    CSV = "CSV"
    XLSX = "XLSX"


@frozen
class DataFile:
    """A data file, and what :func:`sniff` found it to be."""

    path: str
    kind: Kind
    form: Form


_EPISODE_ONLY = frozenset(
    normalise_name(name)
    for name in (
        "episode_id",
        "vårdtillfälle-id",
        "ready_date",
        "utskrivningsklar datum",
        "utskrivningsklar",
        "discharge_date",
        "utskrivningsdatum",
    )
)
"""The header names, normalised, that only an episode extract has."""

_HEAD_BYTES = 64 * 1024
"""The bytes of a CSV file read to find its header in."""


def sniff(path: str) -> DataFile:
    """What the data file at ``path`` is (see the module).

    A path that is no regular file (missing, a folder, a pipe, a device) is refused at once
    (:class:`EngineError`), before anything opens it; a file that cannot be read otherwise is
    taken for aggregates: their reader says what is wrong with it.
    """
    check_data_file(path)
    form = Form.XLSX if is_xlsx(path) else Form.CSV
    kind = Kind.EPISODES if _names_episode_columns(path, form) else Kind.AGGREGATES
    return DataFile(path, kind, form)


def _names_episode_columns(path: str, form: Form) -> bool:
    """Whether the first lines (or rows) of a file name a column only an extract has."""
    try:
        if form is Form.XLSX:
            return bool(_xlsx_head(path) & _EPISODE_ONLY)
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except EngineError:
        raise
    except Exception:  # a workbook openpyxl cannot read: its reader says what is wrong
        return False
    text = _head_text(head, path, whole=len(head) < _HEAD_BYTES)
    for line in text.splitlines()[:10]:
        for separator in (";", "\t", ","):
            names = {normalise_name(f.strip().strip('"')) for f in line.split(separator)}
            if names & _EPISODE_ONLY:
                return True
    return False


def _xlsx_head(path: str) -> set[str]:
    """The names in the first ten rows of a workbook's first sheet, normalised."""
    from openpyxl import load_workbook

    check_workbook(path)
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(max_row=10, values_only=True)
        return {normalise_name(str(v)) for row in rows for v in row if v is not None}
    finally:
        workbook.close()


def _head_text(head: bytes, path: str, whole: bool) -> str:
    """The first bytes of a file as text. A head cut short may end inside a character (up to
    four bytes long): drop the last bytes of such a partial character rather than fail."""
    for cut in range(1 if whole else 4):
        try:
            return decode(head[: len(head) - cut], path)[0] if head else ""
        except EngineError:
            if whole or cut == 3:
                raise
    raise AssertionError("unreachable")
