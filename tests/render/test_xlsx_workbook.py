"""The workbook as a controller would make it by hand, and as LibreOffice shows it."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
from io import BytesIO

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from outputs import AGGREGATES, AGREEMENTS, halland, program

from agreement_engine.api import evaluate
from agreement_engine.months import YearMonth
from agreement_engine.render.i18n import language
from agreement_engine.render.xlsx import render_xlsx


@pytest.fixture(scope="module")
def workbook_bytes() -> bytes:
    run = halland()
    return render_xlsx(run.basis, read=run.report)


@pytest.fixture(scope="module")
def book(workbook_bytes: bytes) -> Workbook:
    return load_workbook(BytesIO(workbook_bytes))


def _column(sheet: object, heading: str) -> int:
    header = [cell.value for cell in sheet[1]]  # type: ignore[index]
    return header.index(heading) + 1


def test_identical_input_gives_identical_bytes(workbook_bytes: bytes) -> None:
    """A workbook that changed with the clock would show as changed in every review."""
    run = halland()
    assert render_xlsx(run.basis, read=run.report) == workbook_bytes


def test_the_sheets_and_headings_are_in_the_language_chosen(book: Workbook) -> None:
    """No sheet named in Swedish over English headings: one language per workbook."""
    assert book.sheetnames == ["Invoice basis", "Totals", "Sources"]
    run = halland()
    swedish = load_workbook(BytesIO(render_xlsx(run.basis, language("sv"), run.report)))
    assert swedish.sheetnames == ["Fakturaunderlag", "Summor", "Underlag"]
    header = [cell.value for cell in swedish["Fakturaunderlag"][1]]
    assert header[:3] == ["månad", "kommun", "styrs av"] and "nettobelopp" in header


def test_the_header_is_bold_frozen_and_filtered_and_the_columns_fit(book: Workbook) -> None:
    """What a controller does first by hand: freeze, filter, widen 'Kungsbacka' into view."""
    sheet = book["Invoice basis"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"
    municipality = sheet.column_dimensions["B"].width
    assert municipality >= len("Kungsbacka") + 1


def test_months_are_dates_and_amounts_numbers_with_thousands_and_kr(book: Workbook) -> None:
    """Months sort and filter as dates; amounts sum, shown as 27,772.5 kr would be by hand."""
    sheet = book["Invoice basis"]
    month = sheet.cell(2, 1)
    assert month.value == dt.datetime(2025, 8, 1) and month.number_format == "yyyy-mm"
    net = sheet.cell(sheet.max_row, _column(sheet, "net amount"))
    assert isinstance(net.value, int | float) and net.number_format == '#,##0 "kr"'
    discount = _column(sheet, "discount")
    assert sheet.cell(2, discount).number_format.endswith('"kr"')
    assert sheet.cell(2, _column(sheet, "average days")).number_format == "#,##0.00"


def test_provisional_and_not_computed_lines_are_filled_and_say_why(book: Workbook) -> None:
    """A line that is not final must stand out, with its status and reasons in words."""
    sheet = book["Invoice basis"]
    status, reasons = _column(sheet, "status"), _column(sheet, "reasons")
    fills: dict[object, set[object]] = {}
    for row in range(2, sheet.max_row + 1):
        said = sheet.cell(row, status).value
        fills.setdefault(said, set()).add(sheet.cell(row, 2).fill.fgColor.rgb)
        assert sheet.cell(row, reasons).value
    assert fills["provisional"] == {"FFFFF2CC"} and fills["not computed"] == {"FFF8CBAD"}


def test_the_totals_carry_their_caveats(book: Workbook) -> None:
    """A total of all beside lines not computed is a figure without its caveat, unless it says."""
    rows = list(book["Totals"].iter_rows(values_only=True))
    assert rows[0][:2] == ("municipality", "net amount (kr)")
    everything = next(row for row in rows if row[0] == "all")
    lines, final, provisional, missing = everything[2:6]
    assert (lines, final, provisional, missing) == (30, 0, 18, 12)
    assert everything[6] == (
        "12 of 30 lines not computed, so not in the total; 18 provisional lines (see below why)"
    )
    reasons = [
        row[0] for row in rows if isinstance(row[0], str) and row[0].startswith("provisional: ")
    ]
    assert any("national_day_cost for 2025 is illustrative" in reason for reason in reasons)


def test_the_sources_sheet_lists_documents_figures_and_readings(book: Workbook) -> None:
    """What the numbers rest on, where a reviewer looks for it: the made-up figures named so."""
    rows = list(book["Sources"].iter_rows(values_only=True))
    cells = {str(cell) for row in rows for cell in row if cell is not None}
    assert {"Documents", "Figures", "Readings of ambiguous text relied on", "Data"} <= cells
    assert "halland-2025" in cells and "benchmark-2024" in cells
    figure = next(row for row in rows if row[0] == "national_day_cost" and row[1] == "2025")
    assert figure[2:5] == (11500, "kr/day", "illustrative")


def test_the_workbook_names_the_readings_its_numbers_rest_on() -> None:
    """Computed under readings chosen: each line names those it relies on in a column of its
    own, as the CSV; the Sources sheet says which readings the numbers are computed under, then
    each assumption with the reading it was read by and what that reading says."""
    run = evaluate(
        str(AGGREGATES),
        YearMonth(2024, 10),
        YearMonth(2024, 11),
        agreements=AGREEMENTS,
        readings={"gap-2024-11-to-2025-09": "continuous"},
    )
    book = load_workbook(BytesIO(render_xlsx(run.basis, language("sv"), run.report)))
    lines = book["Fakturaunderlag"]
    column = _column(lines, "tolkningar")
    readings = set()
    for row in lines.iter_rows(2):
        month = row[0].value
        assert isinstance(month, dt.datetime)
        readings.add((month.strftime("%Y-%m"), row[column - 1].value))
    assert readings == {("2024-10", None), ("2024-11", "gap-2024-11-to-2025-09=continuous")}
    rows = list(book["Underlag"].iter_rows(values_only=True))
    said = rows.index(
        ("Tolkningar av otydlig text som används", None, None, None, None, None, None)
    )
    assert rows[said + 1][0] == (
        "tolkningar: gap-2024-11-to-2025-09=continuous; filernas egna för varje annat antagande"
    )
    assert rows[said + 2][:5] == (
        "id",
        "dokument",
        "beräknat enligt",
        "tolkning",
        "rader som bygger på den",
    )
    gap = next(row for row in rows if row[0] == "gap-2024-11-to-2025-09")
    assert gap[1:3] == ("halland-2022", "continuous, vald i stället för statute")
    assert str(gap[3]).startswith("The 2022 agreement's average model never stopped")
    benchmark = next(row for row in rows if row[0] == "benchmark-2024")
    assert benchmark[2] == "2023-average-from-2024 (filernas egen)"


@pytest.fixture(scope="module")
def shown(
    tmp_path_factory: pytest.TempPathFactory, workbook_bytes: bytes
) -> dict[str, list[list[str]]]:
    """Each sheet as LibreOffice shows it (the cells as displayed), converted once."""
    soffice = program("soffice", "libreoffice-calc-nogui")
    folder = tmp_path_factory.mktemp("libreoffice")
    (folder / "basis.xlsx").write_bytes(workbook_bytes)
    # ';' separated, UTF-8, from row 1, US English display, as shown, every sheet to its file.
    options = "59,34,76,1,,1033,false,false,true,false,false,-1"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{folder}/profile",
            "--headless",
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):{options}",
            "--outdir",
            str(folder),
            str(folder / "basis.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return {
        path.stem.removeprefix("basis-"): list(
            csv.reader(path.open(encoding="utf-8"), delimiter=";")
        )
        for path in folder.glob("basis-*.csv")
    }


def test_libreoffice_opens_every_sheet(shown: dict[str, list[list[str]]]) -> None:
    """The workbook is valid for a spreadsheet program other than the library that wrote it."""
    assert set(shown) == {"Invoice basis", "Totals", "Sources"}


def test_libreoffice_shows_months_as_months_and_amounts_with_thousands_and_kr(
    shown: dict[str, list[list[str]]],
) -> None:
    """The values a controller sees: 2025-10, '51,578 kr', days to two decimals."""
    header, *rows = shown["Invoice basis"]
    at = {name: header.index(name) for name in header}
    halmstad = next(
        r for r in rows if r[at["month"]] == "2025-10" and r[at["municipality"]] == "Halmstad"
    )
    assert halmstad[at["net amount"]] == "51,578 kr"
    assert halmstad[at["discount"]] == "27,772.50 kr"
    assert halmstad[at["average days"]] == "5.42"
    assert halmstad[at["average days (exact)"]] == "103/19"
    assert halmstad[at["status"]] == "provisional"
    missing = next(r for r in rows if r[at["status"]] == "not computed")
    assert missing[at["net amount"]] == ""


def test_libreoffice_sums_the_totals_as_the_engine_does(shown: dict[str, list[list[str]]]) -> None:
    """The total of all, as displayed, is the engine's exact total."""
    everything = next(row for row in shown["Totals"] if row and row[0] == "all")
    assert everything[1] == f"{halland().basis.total():,} kr"
