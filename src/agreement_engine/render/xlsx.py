"""The invoice basis as a workbook a controller would make by hand.

Three sheets, their names and headings in the language passed (:mod:`.i18n`):

- the lines: a bold header, frozen with the month and municipality, with filters; widths that
  fit; months as real dates (shown ``2025-10``); numbers as numbers, with thousands separators
  and ``kr``; provisional lines filled yellow and lines not computed red, their status and
  reasons in words; the exact values whose decimals never end in columns of their own (a cell
  holds a value to :data:`PLACES` decimals, shown to two);
- the totals: each municipality's and all, each with its caveats (how many lines are not
  computed, how many provisional), and below them every reason a line is not final, with the
  lines it concerns;
- the sources: the documents the numbers rest on (with their SHA-256), the figures (official,
  provisional, illustrative or missing), the readings of ambiguous text relied on (which readings
  the numbers are computed under, in a line above them, and the reading of each), and the data
  file as read.

XlsxWriter writes it, in memory, with fixed document properties and zip timestamps: identical
input gives identical bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from agreement_engine.billing.lines import COLUMNS, InvoiceBasis, InvoiceLine, LineStatus
from agreement_engine.data.report import ReadReport
from agreement_engine.formula import Amount, Value, round_exact, to_decimal
from agreement_engine.formula.values import decimal_places
from agreement_engine.render.columns import (
    SHEET,
    cells,
    exact_columns,
    headings,
    totals,
    values,
)
from agreement_engine.render.i18n import ENGLISH, N_, Language
from agreement_engine.render.invoice import readings_text, reasons_text
from agreement_engine.render.sources import (
    DOCUMENT_COLUMNS,
    FIGURE_COLUMNS,
    READING_COLUMNS,
    documents_of,
    figures_of,
    readings_of,
)

PLACES = 10
"""Decimals a cell keeps of a value whose decimals never end (the exact value is beside it)."""
CREATED = dt.datetime(2026, 1, 1)
"""The workbook's creation date, fixed: the same input gives the same bytes."""
_FILLS = {LineStatus.PROVISIONAL: "#FFF2CC", LineStatus.NOT_COMPUTED: "#F8CBAD"}
_MONEY = ("day_cost", "gross_amount", "discount", "net_amount")
_WIDEST = 80
"""The widest a column is made (reasons wrap no further: a filter shows them whole)."""


def render_xlsx(
    basis: InvoiceBasis, lang: Language = ENGLISH, read: ReadReport | None = None
) -> bytes:
    """The workbook's bytes: lines, totals and sources (``read`` says how the data was read)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    book.set_properties({"created": CREATED, "title": lang._("Invoice basis")})
    styles = _Styles(book)
    _lines_sheet(book, basis, lang, styles)
    _totals_sheet(book, basis, lang, styles)
    _sources_sheet(book, basis, lang, styles, read)
    book.close()
    return buffer.getvalue()


class _Styles:
    """The workbook's formats, one per kind of cell and status (XlsxWriter shares them)."""

    def __init__(self, book: Any) -> None:
        self._book = book
        self._made: dict[tuple[str, LineStatus | None], Any] = {}
        self.header = book.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        self.bold = book.add_format({"bold": True})
        self.title = book.add_format({"bold": True, "font_size": 13})

    def of(self, kind: str, status: LineStatus | None = None) -> Any:
        """The format of a cell: ``kind`` names its number format (``month``, ``money``,
        ``money-ore``, ``days``, ``count``, ``text``); a line's status gives its fill."""
        key = (kind, status)
        if key not in self._made:
            spec: dict[str, Any] = {"valign": "top"}
            number = _NUMBER_FORMATS.get(kind)
            if number:
                spec["num_format"] = number
            if status in _FILLS:
                spec["bg_color"] = _FILLS[status]
            if kind == "total":
                spec.update(bold=True, num_format=_NUMBER_FORMATS["money"], top=1)
            self._made[key] = self._book.add_format(spec)
        return self._made[key]


_NUMBER_FORMATS = {
    "month": "yyyy-mm",
    "money": '#,##0 "kr"',
    "money-ore": '#,##0.00 "kr"',
    "days": "#,##0.00",
    "count": "#,##0",
}


# -- the lines ------------------------------------------------------------------------------------


def _lines_sheet(book: Any, basis: InvoiceBasis, lang: Language, styles: _Styles) -> None:
    found = values(basis.lines)
    names = (*SHEET, *exact_columns(basis.lines))
    sheet = book.add_worksheet(lang._("Invoice basis"))
    titles = headings(names, lang)
    sheet.write_row(0, 0, titles, styles.header)
    columns = cells(
        basis.lines, names, _numbers, _ratio_numbers, lang, found, chosen=basis.library.readings
    )
    kinds = [_kind(name, column) for name, column in zip(names, columns, strict=True)]
    for row, line in enumerate(basis.lines, 1):
        for col, kind in enumerate(kinds):
            _write(sheet, row, col, columns[col][row - 1], styles.of(kind, line.status), line)
    widths = [
        _width(title, column, kind)
        for title, column, kind in zip(titles, columns, kinds, strict=True)
    ]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 2)
    sheet.autofilter(0, 0, max(1, len(basis.lines)), len(names) - 1)


def _kind(name: str, column: Sequence[Any]) -> str:
    """The kind of a column's cells, for their number format."""
    if name == "month":
        return "month"
    if name == "episodes":
        return "count"
    if name in _MONEY:
        whole = all(not isinstance(v, Decimal) or v == v.to_integral_value() for v in column)
        return "money" if whole else "money-ore"
    if name in COLUMNS:
        return "days"
    return "text"


def _write(sheet: Any, row: int, col: int, value: Any, style: Any, line: InvoiceLine) -> None:
    if col == 0:  # the month, as the date of its first day
        sheet.write_datetime(row, col, dt.datetime(line.month.year, line.month.month, 1), style)
    elif value is None or value == "":
        sheet.write_blank(row, col, None, style)
    elif isinstance(value, Decimal):
        sheet.write_number(row, col, value, style)
    else:
        sheet.write_string(row, col, str(value), style)


def _numbers(values: list[Any]) -> list[Decimal | None]:
    return list(map(_number, values))


def _ratio_numbers(numerators: list[int], denominators: list[int]) -> list[Decimal | None]:
    return [_fraction_number(Fraction(n, d)) for n, d in zip(numerators, denominators, strict=True)]


def _number(value: Value | Decimal | None) -> Decimal | None:
    """A value in a cell: a number (the amount billed, a Decimal, as it is), or None, an empty
    cell, for anything but an amount. A cell holds a number, not a fraction: decimals that never
    end are kept to :data:`PLACES` (the exact value is in its own column)."""
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, Amount):
        return None
    return _fraction_number(value.value)


def _fraction_number(number: Fraction) -> Decimal | None:
    decimals = decimal_places(number.denominator)
    if decimals is None or decimals[0] > PLACES:
        number = round_exact(number, PLACES, "half_even")
    return to_decimal(number)


def _width(title: str, column: Sequence[Any], kind: str) -> float:
    """A column's width in characters: its widest cell as shown, within reason."""
    shown: Callable[[Any], int] = len if kind == "text" else _number_width
    widest = max((shown(v) for v in column if v is not None), default=0)
    header = max(map(len, title.split())) if " " in title and len(title) > 14 else len(title)
    return min(_WIDEST, max(widest, header, 8) + 2)


def _number_width(value: Any) -> int:
    if not isinstance(value, Decimal):
        return 10  # a month: yyyy-mm
    whole = len(f"{abs(int(value)):,}") + (value < 0)
    return whole + 3 + 3  # decimals or ' kr'


# -- the totals -----------------------------------------------------------------------------------


def _totals_sheet(book: Any, basis: InvoiceBasis, lang: Language, styles: _Styles) -> None:
    sheet = book.add_worksheet(lang._("Totals"))
    titles = [
        lang._(N_("municipality")),
        lang._("net amount (kr)"),
        lang._("lines"),
        lang._(N_("final")),
        lang._(N_("provisional")),
        lang._(N_("not computed")),
        lang._("caveats"),
    ]
    sheet.write_row(0, 0, titles, styles.header)
    by_municipality, everything = totals(basis)
    rows = [
        (m, by_municipality[m], [li for li in basis.lines if li.municipality == m])
        for m in basis.municipalities
    ]
    rows.append((lang._("all"), everything, list(basis.lines)))
    caveats = []
    for number, (who, amount, lines) in enumerate(rows, 1):
        last = number == len(rows)
        status = _worst(lines)
        counts = [sum(li.status is s for li in lines) for s in LineStatus]
        caveat = _caveat(lines, lang)
        caveats.append(caveat)
        sheet.write_string(number, 0, who, styles.bold if last else styles.of("text", status))
        sheet.write_number(number, 1, amount, styles.of("total" if last else "money", status))
        sheet.write_row(number, 2, [len(lines), *counts], styles.of("count", status))
        sheet.write_string(number, 6, caveat, styles.of("text", status))
    below = len(rows) + 2
    sheet.write_string(below, 0, lang._("Why lines are not final"), styles.title)
    for offset, text in enumerate(reasons_text(basis, lang), 1):
        sheet.write_string(below + offset, 0, text)
    widths = [max(len(str(r[0])) for r in rows), 16, 8, 8, 12, 14, max(map(len, caveats))]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(_WIDEST, max(width, len(titles[col])) + 2))
    sheet.freeze_panes(1, 1)


def _worst(lines: Sequence[InvoiceLine]) -> LineStatus | None:
    statuses = {line.status for line in lines}
    for status in (LineStatus.NOT_COMPUTED, LineStatus.PROVISIONAL):
        if status in statuses:
            return status
    return None


def _caveat(lines: Sequence[InvoiceLine], lang: Language) -> str:
    """What a total leaves out or rests on: '3 of 6 lines not computed; 2 provisional'."""
    missing = sum(line.status is LineStatus.NOT_COMPUTED for line in lines)
    provisional = sum(line.status is LineStatus.PROVISIONAL for line in lines)
    parts = []
    if missing:
        parts.append(
            lang.ngettext(
                "{missing} of {count} line not computed, so not in the total",
                "{missing} of {count} lines not computed, so not in the total",
                len(lines),
                missing=missing,
            )
        )
    if provisional:
        parts.append(
            lang.ngettext(
                "{count} provisional line (see below why)",
                "{count} provisional lines (see below why)",
                provisional,
            )
        )
    return "; ".join(parts) or lang._("every line final")


# -- the sources ----------------------------------------------------------------------------------


def _sources_sheet(
    book: Any, basis: InvoiceBasis, lang: Language, styles: _Styles, read: ReadReport | None
) -> None:
    sheet = book.add_worksheet(lang._("Sources"))
    row = 0
    for title, header, rows in (
        (lang._("Documents"), DOCUMENT_COLUMNS, documents_of(basis, lang)),
        (lang._("Figures"), FIGURE_COLUMNS, figures_of(basis, lang)),
        (
            lang._("Readings of ambiguous text relied on"),
            READING_COLUMNS,
            readings_of(basis, lang),
        ),
    ):
        sheet.write_string(row, 0, title, styles.title)
        if header is READING_COLUMNS:  # which readings, in one line, as the table says it
            row += 1
            sheet.write_string(row, 0, readings_text(basis, lang))
        sheet.write_row(row + 1, 0, [lang._(h) for h in header], styles.header)
        for offset, cells_ in enumerate(rows, 2):
            for col, value in enumerate(cells_):
                if isinstance(value, Decimal | int):
                    sheet.write_number(row + offset, col, value)
                else:
                    sheet.write_string(row + offset, col, str(value))
        row += len(rows) + 3
    if read is not None:
        sheet.write_string(row, 0, lang._("Data"), styles.title)
        for offset, text in enumerate(read.lines(), 1):
            sheet.write_string(row + offset, 0, lang.text(text).strip())
    for col, width in enumerate((24, 14, 40, 44, 20, 16, 30)):
        sheet.set_column(col, col, width)
