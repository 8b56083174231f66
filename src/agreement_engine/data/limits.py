"""How much a data file may make the engine read: limits that keep every run bounded.

A CSV file is read streaming, in little memory, however long it is (ten million rows is a
national year); its header may have at most :data:`MAX_COLUMNS` columns. An XLSX workbook is a
ZIP archive of XML parts, and a small archive can unpack to gigabytes (a "zip bomb"): before
openpyxl opens one, the sizes its archive declares are checked (:func:`check_workbook`), and
:mod:`zipfile` never unpacks a part past its declared size. Reading a sheet stops at Excel's own
limits of rows and columns (:func:`bounded_rows`), which a sheet can otherwise claim by naming
a far cell: openpyxl fills in the empty rows before it.

=========================  ==================  ===========================================
limit                      value               why
=========================  ==================  ===========================================
unpacked workbook          512 MiB             Excel's largest sheet of ten columns is less
parts packed more tightly  100 times           spreadsheets pack 5–20 times; bombs 1000
rows of a sheet            1 048 576           Excel's limit
columns                    16 384              Excel's limit (column XFD)
=========================  ==================  ===========================================
"""

from __future__ import annotations

from collections.abc import Iterator

from agreement_engine.diagnostics import Diagnostic, EngineError, error

MAX_UNPACKED_BYTES = 512 << 20
MAX_RATIO = 100
RATIO_FROM_BYTES = 1 << 20
"""Parts smaller than this when unpacked are not held to :data:`MAX_RATIO`: they do no harm."""
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384

_SAVE_AGAIN = (
    "a data file holds one row per episode or per municipality and month; if this one is "
    "real, save it again from Excel or LibreOffice, or save the sheet as CSV, which is read "
    "streaming"
)


def check_workbook(path: str) -> None:
    """Stop at once when the workbook at ``path`` would unpack to more than the limits allow.

    Only the archive's directory is read. A file that is no ZIP archive is left to openpyxl,
    whose reader says what is wrong with it.
    """
    import zipfile  # for workbooks only

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return
    total = sum(part.file_size for part in parts)
    if total > MAX_UNPACKED_BYTES:
        message = (
            f"{path} unpacks to {_size(total)}, more than the {_size(MAX_UNPACKED_BYTES)} "
            "a workbook may unpack to"
        )
        raise EngineError([_refused(message)])
    for part in parts:
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(
            1, part.compress_size
        ):
            message = (
                f"{path} is packed too tightly to be a spreadsheet: its part {part.filename} "
                f"unpacks from {_size(part.compress_size)} to {_size(part.file_size)}, more "
                f"than {MAX_RATIO} times its size"
            )
            raise EngineError([_refused(message)])


def bounded_rows(where: str, rows: Iterator[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    """The rows of a sheet (``where``: the file, or a sheet of it), stopping with an error past
    :data:`MAX_ROWS` rows or :data:`MAX_COLUMNS` columns."""
    for number, values in enumerate(rows, start=1):
        if number > MAX_ROWS:
            message = f"{where} has more than {MAX_ROWS} rows, the most a sheet can have"
            raise EngineError([_refused(message)])
        if len(values) > MAX_COLUMNS:
            message = (
                f"row {number} of {where} reaches column {len(values)}, past the "
                f"{MAX_COLUMNS} columns a sheet can have"
            )
            raise EngineError([_refused(message)])
        yield values


def too_many_columns(count: int) -> str | None:
    """Why a header of ``count`` columns is refused, if it is."""
    if count <= MAX_COLUMNS:
        return None
    return f"the header has {count} columns, more than the {MAX_COLUMNS} a data file may have"


def _refused(message: str) -> Diagnostic:
    return error(message, hint=_SAVE_AGAIN, code="data-limit")


def _size(count: int) -> str:
    """A size in bytes for people, in binary units: '512 MiB', '995.7 KiB', '12 bytes'."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            whole, rest = divmod(count * 10 // scale, 10)
            return f"{whole} {unit}" if rest == 0 else f"{whole}.{rest} {unit}"
    return f"{count} bytes"
