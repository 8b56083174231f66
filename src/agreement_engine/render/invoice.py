"""The invoice basis as people and machines read it: terminal table, CSV, JSON and XLSX.

Output is deterministic: the same inputs give byte-identical output (no timestamps, stable order).
CSV is written for a Swedish spreadsheet: ``;`` separators, decimal commas, UTF-8 with a BOM.

A run can have tens of thousands of lines, and rendering is built for that. Values become text as
:mod:`.formula.values` makes it, all of a run's values at once (:func:`.values.exact_texts`,
:func:`.values.column_texts`); what lines share (a month's benchmark, the documents, the reasons)
becomes text once; and rows are joined as text rather than written cell by cell.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, localcontext
from functools import lru_cache, partial
from itertools import islice
from operator import attrgetter
from typing import Any

from agreement_engine.agreements.documents import Document
from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.lines import COLUMNS, EXACT_SUMS, InvoiceBasis, InvoiceLine
from agreement_engine.data.report import ReadReport
from agreement_engine.diagnostics import Diagnostic
from agreement_engine.diagnostics import to_json as diagnostic_json
from agreement_engine.formula import Amount, Value, round_exact, to_decimal
from agreement_engine.formula.values import column_texts, decimal_places, exact_texts, plain
from agreement_engine.months import YearMonth, describe_runs

FORMAT = "agreement-engine/invoice-basis/1"
_HEADINGS = {
    "month": "month",
    "municipality": "municipality",
    "governed_by": "governed by",
    "benchmark": "benchmark",
    "average_days": "average days",
    "excess": "excess",
    "episodes": "episodes",
    "day_cost": "price/day",
    "gross_amount": "gross",
    "discount": "discount",
    "net_amount": "net amount",
    "status": "status",
}
_TABLE = ("month", "municipality", *COLUMNS, "status")
_SHEET = ("month", "municipality", "governed_by", *COLUMNS, "status", "reasons")
_VALUE_COLUMNS = tuple(name for name in COLUMNS if name != "net_amount")

_SPREADSHEET_PLACES = 10  # decimals a spreadsheet cell keeps of such a value

_ID = attrgetter("id")


def governed_by(line: InvoiceLine) -> str:
    """The governing documents, shortest form: 'halland-2022 + halland-invoice-basis'."""
    return " + ".join(map(_ID, line.documents)) or "—"


def headings(names: Iterable[str]) -> list[str]:
    return [_HEADINGS.get(n, n) for n in names]


# --- Cells of the lines -------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _month(month: YearMonth) -> str:
    return str(month)


_LINE_TEXTS: dict[str, Callable[[InvoiceLine], str]] = {
    "month": lambda line: _month(line.month),
    "municipality": attrgetter("municipality"),
    "governed_by": governed_by,
    "status": attrgetter("status.value"),
    "reasons": lambda line: " | ".join(line.reasons),
}


def _cells(
    basis: InvoiceBasis, names: Sequence[str], cells: Callable[[list[Any]], list[Any]]
) -> list[list[Any]]:
    """The named cells of every line, one list per name: those of COLUMNS made by ``cells``
    from all the values at once (the amount billed, a Decimal, for the net amount), the others
    as text."""
    found: list[Any] = []
    for line in basis.lines:  # line after line: a line's values lie together in memory
        found += map(line.values().get, _VALUE_COLUMNS)
    made = cells(found)
    every = len(_VALUE_COLUMNS)
    columns = {name: made[i::every] for i, name in enumerate(_VALUE_COLUMNS)}
    columns["net_amount"] = cells([line.amount for line in basis.lines])
    return [
        columns[name] if name in COLUMNS else list(map(_LINE_TEXTS[name], basis.lines))
        for name in names
    ]


def _totals(basis: InvoiceBasis) -> tuple[dict[str, Decimal], Decimal]:
    """Each municipality's total and the total of all, as :meth:`InvoiceBasis.total` gives them
    (the same exact sums in the same order), in one pass over the lines."""
    by_municipality = {m: Decimal(0) for m in basis.municipalities}
    everything = Decimal(0)
    with localcontext(EXACT_SUMS):  # the default context would round past 28 digits
        for line in basis.lines:
            amount = line.amount
            if amount is not None:
                everything += amount
                if line.municipality in by_municipality:
                    by_municipality[line.municipality] += amount
    return by_municipality, everything


# --- Table --------------------------------------------------------------------------------------


def render_table(basis: InvoiceBasis) -> str:
    """A table readable in a terminal, with the reasons for every line not final below it."""
    texts: list[list[str]] = _cells(basis, _TABLE, partial(column_texts, point="."))
    widths = [
        max(len(_HEADINGS[name]), max(map(len, cells), default=0))
        for name, cells in zip(_TABLE, texts, strict=True)
    ]
    row = "  ".join(
        f"{{:{'>' if name in COLUMNS else '<'}{width}}}"
        for name, width in zip(_TABLE, widths, strict=True)
    ).format
    out = [row(*headings(_TABLE)).rstrip(), row(*("-" * w for w in widths)).rstrip()]
    out += map(str.rstrip, map(row, *texts))
    out.append("")
    out += _governing_text(basis)
    out.append(readings_text(basis))
    out.append("")
    out += _totals_text(basis)
    notes = _reasons_text(basis)
    if notes:
        out += ["", *notes]
    return "\n".join(out) + "\n"


def _governing_text(basis: InvoiceBasis) -> list[str]:
    """Which documents governed which months: one line per combination of documents."""
    months: dict[str, dict[str, list[YearMonth]]] = {}
    for line in basis.lines:
        by_party = months.setdefault(governed_by(line), {})
        by_party.setdefault(line.municipality, []).append(line.month)
    described: dict[tuple[YearMonth, ...], str] = {}  # the parties mostly share their months
    out = ["governed by:"]
    for documents, by_party in months.items():
        runs: dict[str, list[str]] = {}
        for party, party_months in by_party.items():
            key = tuple(party_months)
            if key not in described:
                described[key] = describe_runs(party_months)
            runs.setdefault(described[key], []).append(party)
        for run, parties in runs.items():
            every = len(parties) == len(basis.municipalities)
            who = "all municipalities" if every else ", ".join(parties)
            out.append(f"  {documents}: {run} ({who})")
    return out


def readings_text(basis: InvoiceBasis) -> str:
    """Which readings of the assumptions the lines are computed under."""
    chosen = "; ".join(f"{a}={r}" for a, r in basis.library.readings)
    if not chosen:
        return "readings: the agreement files' own (agreement-engine readings shows the others)"
    return f"readings: {chosen}; the files' own for every other assumption"


def _totals_text(basis: InvoiceBasis) -> list[str]:
    by_municipality, everything = _totals(basis)
    lines = []
    if len(basis.months) > 1:
        for municipality in basis.municipalities:
            lines.append(f"total {municipality}: {plain(by_municipality[municipality])} kr")
    missing = sum(1 for line in basis.lines if line.amount is None)
    suffix = f" ({missing} of {len(basis.lines)} lines not computed)" if missing else ""
    lines.append(f"total: {plain(everything)} kr{suffix}")
    return lines


def _reasons_text(basis: InvoiceBasis) -> list[str]:
    """Each distinct reason once, with the lines it concerns."""
    grouped: dict[str, list[str]] = {}
    for line in basis.lines:
        if line.reasons:
            status = line.status.value
            concerned = f"{line.municipality} {_month(line.month)}"
            for reason in line.reasons:
                grouped.setdefault(f"{status}: {reason}", []).append(concerned)
    out = []
    for reason, where in grouped.items():
        shown = ", ".join(where[:6]) + (f" and {len(where) - 6} more" if len(where) > 6 else "")
        if len(where) == len(basis.lines) > 1:
            shown = "all lines"
        out.append(f"{reason} — {shown}")
    return out


# --- CSV ----------------------------------------------------------------------------------------


def render_csv(basis: InvoiceBasis) -> str:
    """CSV for a Swedish spreadsheet: ';' separated, decimal commas, a BOM so Excel reads UTF-8."""
    texts: list[list[str]] = _cells(basis, _SHEET, partial(column_texts, point=","))
    texts = [
        cells if name in COLUMNS else list(map(_inert, cells))
        for name, cells in zip(_SHEET, texts, strict=True)
    ]
    rows = [headings(_SHEET), *zip(*texts, strict=True)]
    text = "\r\n".join(map(";".join, rows)) + "\r\n"
    if not _quoted(text, len(rows), len(_SHEET)):
        return "\ufeff" + text
    buffer = io.StringIO()  # some cell must be quoted: the csv module knows how
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return "\ufeff" + buffer.getvalue()


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a cell that a spreadsheet would take for a formula starts."""


def _inert(text: str) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula: one that starts like a
    formula (a municipality named '=HYPERLINK(…)' in an agreement file) gets a leading "'"."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _quoted(text: str, rows: int, cells: int) -> bool:
    """Whether the csv module would quote some cell of these rows, joined as they are: one that
    holds a ';', a '"' or a line break (what it quotes, the same in Python 3.11 to 3.13)."""
    return (
        text.count(";") != rows * (cells - 1)
        or text.count("\n") != rows
        or text.count("\r") != rows
        or '"' in text
    )


# --- JSON ---------------------------------------------------------------------------------------


def to_json(basis: InvoiceBasis, data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The invoice basis as a plain mapping following schemas/invoice-basis.schema.json;
    ``data`` says which data file it was computed from and how that was read."""
    by_municipality, everything = _totals(basis)
    values = iter(exact_texts([v for line in basis.lines for v in _named_values(line)]))
    return {
        "format": FORMAT,
        "months": [str(m) for m in basis.months],
        "assume_approved": basis.assume_approved,
        "readings": dict(basis.library.readings),
        "documents": _documents_json(basis),
        **({"data": dict(data)} if data is not None else {}),
        "lines": [_line_json(line, values) for line in basis.lines],
        "totals": {
            "by_municipality": {m: plain(by_municipality[m]) for m in basis.municipalities},
            "all": plain(everything),
            "lines_not_computed": sum(1 for line in basis.lines if line.amount is None),
        },
    }


def render_json(basis: InvoiceBasis, data: Mapping[str, Any] | None = None) -> str:
    return json.dumps(to_json(basis, data), ensure_ascii=False, indent=2) + "\n"


def _named_values(line: InvoiceLine) -> list[Value]:
    """A line's inputs, then the values of its steps, in order."""
    return [*line.inputs.values(), *(step.value for step in line.steps)]


def _line_json(line: InvoiceLine, values: Iterator[str]) -> dict[str, Any]:
    """A line as JSON; the text of its inputs and step values are the next ones of ``values``."""
    return {
        "municipality": line.municipality,
        "month": _month(line.month),
        "status": line.status.value,
        "reasons": list(line.reasons),
        "governance": line.governance.status.value,
        "documents": [d.id for d in line.documents],
        "inputs": _next_values(list(line.inputs), values),
        "values": _next_values([step.rule for step in line.steps], values),
        "net_amount": None if line.amount is None else plain(line.amount),
        "assumptions": list(line.assumptions),
        "readings": dict(line.readings),
        "figures": [_figure_json(use) for use in line.figures],
    }


def _next_values(names: list[str], values: Iterator[str]) -> dict[str, str]:
    return dict(zip(names, islice(values, len(names)), strict=True))


def _documents_json(basis: InvoiceBasis) -> list[dict[str, str]]:
    """The documents the lines rest on, governing or holding their figures, sorted by id."""
    documents: dict[str, Document] = {}
    for line in basis.lines:
        for d in line.documents:
            documents[d.id] = d
        for use in line.figures:
            if use.figure is not None and use.figure.document not in documents:
                documents[use.figure.document] = basis.library_document(use.figure.document)
    return [
        {"id": d.id, "kind": d.kind, "path": d.path, "sha256": d.sha256}
        for d in (documents[k] for k in sorted(documents))
    ]


def _figure_json(use: FigureUse) -> dict[str, Any]:
    figure = use.figure
    return {
        "parameter": use.parameter,
        "key": use.key,
        "value": None if figure is None or figure.value is None else plain(figure.value),
        "status": figure.status if figure else "missing",
        "illustrative": bool(figure and figure.illustrative),
        "document": figure.document if figure else use.series.document,
    }


# --- XLSX ---------------------------------------------------------------------------------------


def render_xlsx(basis: InvoiceBasis) -> bytes:
    """An XLSX workbook: one sheet of lines with numbers as numbers, one of totals.

    openpyxl writes it in its write-only mode, row after row, which is many times faster for
    tens of thousands of rows than building the sheets cell by cell.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Fakturaunderlag")
    sheet.append(headings(_SHEET))
    for row in zip(*_cells(basis, _SHEET, _numbers), strict=True):
        sheet.append([_text_cell(sheet, value) for value in row])
    by_municipality, everything = _totals(basis)
    totals = workbook.create_sheet("Summa")
    totals.append(["municipality", "total (kr)"])
    for municipality in basis.municipalities:
        totals.append([_text_cell(totals, municipality), by_municipality[municipality]])
    totals.append(["all", everything])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _deterministic_zip(buffer.getvalue())


def _text_cell(sheet: Any, value: Any) -> Any:
    """A value for a write-only sheet; text that openpyxl would store as a formula (it starts
    with '=') is stored as text."""
    if not (isinstance(value, str) and value.startswith("=")):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _numbers(values: list[Any]) -> list[Decimal | None]:
    return list(map(_number, values))


def _number(value: Value | Decimal | None) -> Decimal | None:
    """A value in a spreadsheet cell: a number (the amount billed, a Decimal, as it is), or
    None, an empty cell, for anything but an amount."""
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, Amount):
        return None
    # A spreadsheet holds a number, not a fraction: decimals that never end are shown to
    # 10 places (the exact value is in the JSON output and in explain).
    number = value.value
    decimals = decimal_places(number.denominator)
    if decimals is None or decimals[0] > _SPREADSHEET_PLACES:
        number = round_exact(number, _SPREADSHEET_PLACES, "half_even")
    return to_decimal(number)


def _deterministic_zip(data: bytes) -> bytes:
    """The workbook with fixed zip timestamps, so that equal inputs give equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _without_dates(content)
            target.writestr(fixed, content)
    return out.getvalue()


def _without_dates(xml: bytes) -> bytes:
    return re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", xml)


def data_json(report: ReadReport, sha256: str, warnings: Sequence[Diagnostic]) -> dict[str, object]:
    """The data file a run read, for the JSON output: its path and SHA-256 (as the documents
    have theirs), how it was read, the rows left out and why, and the warnings met."""
    return {
        "path": report.path,
        "sha256": sha256,
        "form": report.form,
        "rows_read": report.rows_read,
        "rows_used": report.rows_used,
        "excluded": [
            {"reason": e.reason, "rows": e.count, "first_rows": list(e.rows)}
            for e in report.excluded
        ],
        "warnings": [diagnostic_json(w) for w in warnings],
    }


def render_basis(
    basis: InvoiceBasis, output_format: str, data: Mapping[str, Any] | None = None
) -> bytes:
    """The invoice basis in a format (table, csv, json, xlsx), as the bytes to write; the
    JSON names ``data``, the data file it was computed from (:func:`data_json`)."""
    if output_format == "csv":
        return render_csv(basis).encode("utf-8")
    if output_format == "json":
        return render_json(basis, data).encode("utf-8")
    if output_format == "xlsx":
        return render_xlsx(basis)
    return render_table(basis).encode("utf-8")
