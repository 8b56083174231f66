"""Cells of a workbook that hold a formula without a saved value.

A spreadsheet program saves, with each formula, the value it computed; openpyxl reads those
values. A program that writes formulas without computing them (a script, openpyxl itself) saves
none, and the cell reads as empty: a discharge date written ``=TODAY()`` would be taken for an
episode still in hospital, and a missing count for an empty cell. So every cell the engine
reads (below the header, in a column it knows) that holds a formula without a value is an error
saying so, and how to fix it.

Most workbooks hold no formula at all: the sheet's XML is first searched for a formula element
(bytes, unpacked a chunk at a time, fast); only if one is found is it parsed, cell by cell.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from typing import IO
from xml.etree import ElementTree

from agreement_engine.data.dialect import normalise_name
from agreement_engine.data.report import MAX_ERRORS
from agreement_engine.data.table import Row, column_letter
from agreement_engine.diagnostics import Diagnostic, Location, error

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL, _ROW, _FORMULA, _VALUE = (_MAIN + name for name in ("c", "row", "f", "v"))
_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]+)")
_CHUNK = 1 << 20
HINT = (
    "the workbook was saved by a program that does not compute formulas: open it in Excel or "
    "LibreOffice and save it again, or replace the formulas by their values (copy the cells, "
    "then Paste Special › Values)"
)


def unvalued_formulas(path: str, header: Row, known: Collection[str]) -> list[Diagnostic]:
    """An error for each cell below ``header`` in a column it names among ``known`` (normalised
    column names) that holds a formula without a saved value; the first :data:`MAX_ERRORS`."""
    columns = {
        index + 1: cell.text
        for index, cell in enumerate(header.cells)
        if normalise_name(cell.text) in known
    }
    problems: list[Diagnostic] = []
    for row, column, formula in _formulas(path, header.number):
        title = columns.get(column)
        if title is None:
            continue
        problems.append(_problem(path, row, column, title, formula))
        if len(problems) == MAX_ERRORS:
            break
    return problems


def _problem(path: str, row: int, column: int, title: str, formula: str) -> Diagnostic:
    written = f" ({formula})" if formula else ""
    return error(
        f"'{title}' in cell {column_letter(column)}{row} is a formula without a saved "
        f"value{written}, so its value is not known",
        Location(path, row, column),
        hint=HINT,
        code="data-formula",
    )


def _formulas(path: str, after: int) -> Iterator[tuple[int, int, str]]:
    """Row, column and text of each formula without a saved value below row ``after`` of the
    first sheet."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True)
    except Exception:  # a workbook openpyxl cannot read: the reader of its values says so
        return
    try:
        # openpyxl's own reader of the sheet's part (no public name): without it, nothing is
        # found, which tests/test_bad_inputs.py would show.
        source = getattr(book.worksheets[0], "_get_source", None) if book.worksheets else None
        if source is None or not _has_formula(source()):
            return
        yield from _cells(source(), after)
    except ElementTree.ParseError:
        return  # XML that is not well-formed: the reader of the values says where
    finally:
        book.close()


def _has_formula(stream: IO[bytes]) -> bool:
    """Whether the sheet's XML has a formula element ``<f>`` anywhere."""
    with stream:
        tail = b""
        while chunk := stream.read(_CHUNK):
            if b"<f" in tail + chunk[:2] or b"<f" in chunk:
                return True
            tail = chunk[-1:]
    return False


def _cells(stream: IO[bytes], after: int) -> Iterator[tuple[int, int, str]]:
    """The formulas without a saved value, parsed element by element, each dropped once read."""
    with stream:
        row, column = 0, 0
        rows: ElementTree.Element | None = None
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            if event == "start":
                if element.tag == _ROW:
                    row, column = int(element.get("r") or row + 1), 0
                elif element.tag == _CELL:
                    row, column = _place(element.get("r"), row, column + 1)
                elif element.tag == _MAIN + "sheetData":
                    rows = element
                continue
            if element.tag == _CELL:
                formula = element.find(_FORMULA)
                if formula is not None and row > after and not _saved(element):
                    yield row, column, f"={formula.text}" if formula.text else ""
                element.clear()
            elif element.tag == _ROW and rows is not None:
                rows.clear()  # the rows read so far, no longer needed


def _saved(cell: ElementTree.Element) -> bool:
    """Whether a formula cell has its value saved: a ``<v>`` with text, or an empty one in a
    cell of text (``t="str"``: a formula that gave ''). openpyxl writes an empty ``<v/>``."""
    value = cell.find(_VALUE)
    return value is not None and (bool(value.text) or cell.get("t") == "str")


def _place(reference: str | None, row: int, column: int) -> tuple[int, int]:
    """A cell's row and column: from its reference (``B7``), else after the one before it."""
    found = _REFERENCE.fullmatch(reference or "")
    if found is None:
        return row, column
    number = 0
    for letter in found[1]:
        number = number * 26 + ord(letter) - ord("A") + 1
    return int(found[2]), number
