"""Broken inputs that cannot be kept as files in the repository, made in a test's own folder.

Pipes, links and devices cannot be committed; workbooks are binary and easier to read as the
few lines that make them; a file of a megabyte or a zip bomb would weigh on every clone. Each
function makes one such input in ``folder``, under the name the catalogue's case gives.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "fixtures" / "valid" / "minimal-agreement.yaml"
AGGREGATES = "Kommun;Månad;Vårdtillfällen;Totalt antal dagar\nHalmstad;2025-10;57;309\n"


def agreements_with(folder: Path, name: str, make: str) -> None:
    """A folder ``agreements`` holding a valid agreement and ``name``: a link that leads
    nowhere, a pipe, or a link to the device /dev/zero."""
    agreements = folder / "agreements"
    agreements.mkdir()
    shutil.copy(VALID, agreements / "agreement.yaml")
    if make == "dangling":
        (agreements / name).symlink_to(folder / "moved-away.yaml")
    elif make == "pipe":
        os.mkfifo(agreements / name)
    else:
        (agreements / name).symlink_to("/dev/zero")


def agreement_bytes(folder: Path, encoding: str) -> None:
    """The valid agreement with a Swedish title, in another encoding (or with a NUL byte)."""
    text = VALID.read_text(encoding="utf-8")
    text = text.replace("A small agreement for tests", "Ett litet avtal för test")
    data = text.encode("utf-8").replace(b"litet", b"lit\x00et") if encoding == "nul" else None
    (folder / "agreement.yaml").write_bytes(data or text.encode(encoding))


def agreement_of_size(folder: Path, size: int) -> None:
    """The valid agreement, padded with comment lines to ``size`` bytes."""
    text = VALID.read_text(encoding="utf-8")
    line = "# " + "x" * 97 + "\n"
    padding = line * ((size - len(text)) // len(line) + 1)
    (folder / "agreement.yaml").write_text(text + padding, encoding="utf-8")


def workbook(
    folder: Path, name: str, rows: Sequence[Sequence[object]], second: bool = False
) -> Path:
    """A workbook of one sheet (``rows``), or of an empty sheet and then one with the rows."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if second:
        sheet = book.create_sheet("Data")
    for row in rows:
        sheet.append(list(row))
    path = folder / name
    book.save(path)
    return path


def with_sheet_xml(path: Path, change: tuple[bytes, bytes]) -> None:
    """Change the first sheet's XML in a saved workbook."""
    parts = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            parts[info.filename] = archive.read(info.filename)
    sheet = "xl/worksheets/sheet1.xml"
    assert change[0] in parts[sheet]
    parts[sheet] = parts[sheet].replace(*change)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def padded_workbook(folder: Path, name: str, megabytes: int, level: int) -> None:
    """A small workbook whose sheet is padded with ``megabytes`` MiB of spaces, packed at
    ``level``: a zip bomb of a sheet that unpacks far beyond its size."""
    small = workbook(folder, "small.xlsx", [["Kommun", "Vårdtillfällen", "Totalt antal dagar"]])
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(folder / name, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            part = zipfile.ZipInfo(info.filename)
            part.compress_type = zipfile.ZIP_DEFLATED
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(part, data)
                continue
            cut = data.index(b"<sheetData>") + len(b"<sheetData>")
            part._compresslevel = level  # type: ignore[attr-defined]  # zipfile's own field
            with target.open(part, "w", force_zip64=True) as stream:
                stream.write(data[:cut])
                chunk = b" " * (1 << 20)
                for _ in range(megabytes):
                    stream.write(chunk)
                stream.write(data[cut:])
    small.unlink()


HEADER = ["Kommun", "Vårdtillfällen", "Totalt antal dagar"]
EPISODE_HEADER = ["Vårdtillfälle-ID", "Kommun", "Utskrivningsklar datum", "Utskrivningsdatum"]


def formula_without_value(folder: Path) -> None:
    """A count computed by a formula that the program which wrote the workbook never worked out
    (openpyxl, like any script, saves the formula and no value)."""
    workbook(folder, "formula.xlsx", [HEADER, ["Halmstad", 57, "=B2*5"]])


def discharged_today(folder: Path) -> None:
    """An episode whose discharge date is ``=TODAY()`` with no value saved: read as empty, it
    would be taken for an episode still in hospital."""
    workbook(folder, "today.xlsx", [EPISODE_HEADER, ["VT1", "Halmstad", "2025-02-01", "=TODAY()"]])


def data_on_second_sheet(folder: Path) -> None:
    workbook(folder, "second.xlsx", [HEADER, ["Halmstad", 57, 309]], second=True)


def renamed_csv(folder: Path) -> None:
    (folder / "renamed.xlsx").write_text(AGGREGATES, encoding="utf-8")


def day_numbers(folder: Path) -> None:
    """Dates saved as the numbers a spreadsheet counts days by, not formatted as dates."""
    workbook(folder, "serial.xlsx", [EPISODE_HEADER, ["VT1", "Halmstad", 45698, 45712]])


def far_row(folder: Path, row: int) -> None:
    """A sheet with one more cell far below the others, at ``row``."""
    path = workbook(folder, "rows.xlsx", [HEADER, ["Halmstad", 57, 309]])
    cell = f'<c r="A{row}" t="inlineStr"><is><t>x</t></is></c>'
    with_sheet_xml(path, (b"</sheetData>", f'<row r="{row}">{cell}</row></sheetData>'.encode()))


def far_column(folder: Path) -> None:
    """A sheet with a cell in column XFE, one past the last column a sheet can have (XFD)."""
    path = workbook(folder, "columns.xlsx", [HEADER, ["Halmstad", 57, 309]])
    with_sheet_xml(
        path,
        (
            b"</row></sheetData>",
            b'<c r="XFE2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        ),
    )


def wide_csv(folder: Path, columns: int) -> None:
    names = ["Kommun", "Vårdtillfällen", "Totalt antal dagar"]
    names += [f"extra {n}" for n in range(columns - len(names))]
    (folder / "wide.csv").write_text(";".join(names) + "\n", encoding="utf-8")


def link_to(folder: Path, name: str, target: str) -> None:
    """``name`` in ``folder``, a link to ``target`` (in ``folder``), which does not exist."""
    (folder / name).symlink_to(folder / target)


def malformed_sheet(folder: Path) -> None:
    """A sheet whose XML names a cell no spreadsheet has (';A2'), as a broken writer might."""
    path = workbook(folder, "broken.xlsx", [HEADER, ["Halmstad", 57, 309]])
    with_sheet_xml(path, (b'r="A2"', b'r=";A2"'))
