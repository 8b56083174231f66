"""The invoice basis as people and machines read it: terminal table, CSV and JSON (the workbook
is :mod:`.xlsx`, the columns they share :mod:`.columns`).

Output is deterministic: the same inputs give byte-identical output (no timestamps, stable order).
CSV is written for a Swedish spreadsheet: ``;`` separators, decimal commas, UTF-8 with a BOM, and
every cell of a numeric column a number (:data:`CSV_PLACES`). The table and CSV are in the
language passed (:mod:`.i18n`, English by default); JSON is for machines and stays in English.

A run can have tens of thousands of lines, and rendering is built for that. Values become text as
:mod:`.formula.values` makes it, all of a run's values at once (:func:`.values.exact_texts`,
:func:`.values.column_texts`); what lines share (a month's benchmark, the documents, the reasons)
becomes text once; and rows are joined as text rather than written cell by cell.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from functools import partial
from itertools import islice
from typing import Any

from agreement_engine.agreements.documents import Document
from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.lines import (
    COLUMNS,
    InvoiceBasis,
    InvoiceLine,
    Quantities,
)
from agreement_engine.data.report import ReadReport
from agreement_engine.diagnostics import Diagnostic
from agreement_engine.diagnostics import to_json as diagnostic_json
from agreement_engine.formula import Amount, Value
from agreement_engine.formula.values import (
    approximate_ratio,
    column_texts,
    decimal_places,
    exact,
    exact_texts,
    plain,
    ratio_texts,
)
from agreement_engine.months import YearMonth, describe_runs
from agreement_engine.render.columns import (
    EXACT,
    SHEET,
    cells,
    exact_columns,
    governed_by,
    headings,
    month_text,
    parted,
    totals,
)
from agreement_engine.render.columns import values as values_of
from agreement_engine.render.i18n import ENGLISH, Language

FORMAT = "agreement-engine/invoice-basis/1"
_TABLE = ("month", "municipality", *COLUMNS, "status")
CSV_PLACES = 6
"""Decimals a CSV cell gives of a value whose decimals never end (rounded half-even); the exact
value is in the column '… (exact)'."""

# --- Table --------------------------------------------------------------------------------------


def render_table(basis: InvoiceBasis, lang: Language = ENGLISH) -> str:
    """A table readable in a terminal, with the reasons for every line not final below it."""
    made = partial(_table_texts, lang=lang)
    ratios = partial(_table_ratios, lang=lang)
    texts: list[list[str]] = cells(basis.lines, _TABLE, made, ratios, lang)
    titles = headings(_TABLE, lang)
    widths = [
        max(len(title), max(map(len, column), default=0))
        for title, column in zip(titles, texts, strict=True)
    ]
    row = "  ".join(
        f"{{:{'>' if name in COLUMNS else '<'}{width}}}"
        for name, width in zip(_TABLE, widths, strict=True)
    ).format
    out = [row(*titles).rstrip(), row(*("-" * w for w in widths)).rstrip()]
    out += map(str.rstrip, map(row, *texts))
    out.append("")
    out += _governing_text(basis, lang)
    out.append(readings_text(basis, lang))
    out.append("")
    out += _totals_text(basis, lang)
    notes = reasons_text(basis, lang)
    if notes:
        out += ["", *notes]
    return "\n".join(out) + "\n"


def _table_texts(values: list[Any], lang: Language) -> list[str]:
    """Values as the table shows them: as they always were in English, the Swedish way in
    Swedish (grouped digits, a decimal comma)."""
    if lang.english:
        return column_texts(values, point=".")
    out = []
    for value in values:
        if isinstance(value, Amount):
            out.append(lang.approximately(value.value))
        elif isinstance(value, Decimal):
            out.append(lang.decimal(value))
        else:
            out.append("" if value is None else exact(value))
    return out


def _table_ratios(numerators: list[int], denominators: list[int], lang: Language) -> list[str]:
    """Quantities as the table shows them (as :func:`_table_texts` shows each)."""
    if lang.english:
        return ratio_texts(numerators, denominators, approximate_ratio)
    return ratio_texts(numerators, denominators, partial(_swedish, lang=lang), wholes=False)


def _swedish(numerator: int, denominator: int, lang: Language) -> str:
    return lang.approximately(Fraction(numerator, denominator))


def _governing_text(basis: InvoiceBasis, lang: Language) -> list[str]:
    """Which documents governed which months: one line per combination of documents."""
    months: dict[str, dict[str, list[YearMonth]]] = {}
    for line in basis.lines:
        by_party = months.setdefault(governed_by(line), {})
        by_party.setdefault(line.municipality, []).append(line.month)
    described: dict[tuple[YearMonth, ...], str] = {}  # the parties mostly share their months
    out = [lang._("governed by:")]
    for documents, by_party in months.items():
        runs: dict[str, list[str]] = {}
        for party, party_months in by_party.items():
            key = tuple(party_months)
            if key not in described:
                described[key] = describe_runs(party_months)
            runs.setdefault(described[key], []).append(party)
        for run, parties in runs.items():
            every = len(parties) == len(basis.municipalities)
            who = lang._("all municipalities") if every else ", ".join(parties)
            out.append(f"  {documents}: {run} ({who})")
    return out


def readings_text(basis: InvoiceBasis, lang: Language = ENGLISH) -> str:
    """Which readings of the assumptions the lines are computed under."""
    chosen = "; ".join(f"{a}={r}" for a, r in basis.library.readings)
    if not chosen:
        return lang._(
            "readings: the agreement files' own (agreement-engine readings shows the others)"
        )
    return lang._("readings: {chosen}; the files' own for every other assumption", chosen=chosen)


def _totals_text(basis: InvoiceBasis, lang: Language) -> list[str]:
    by_municipality, everything = totals(basis)
    lines = []
    if len(basis.months) > 1:
        for municipality in basis.municipalities:
            amount = lang.amount(by_municipality[municipality])
            lines.append(
                lang._("total {municipality}: {amount}", municipality=municipality, amount=amount)
            )
    missing = sum(1 for line in basis.lines if line.amount is None)
    total = lang._("total: {amount}", amount=lang.amount(everything))
    if missing:
        total += lang.ngettext(
            " ({missing} of {count} line not computed)",
            " ({missing} of {count} lines not computed)",
            len(basis.lines),
            missing=missing,
        )
    lines.append(total)
    return lines


def reasons_text(basis: InvoiceBasis, lang: Language = ENGLISH) -> list[str]:
    """Each distinct reason once, with the lines it concerns: 'provisional: … — Varberg
    2025-10, …' (the status and reason in ``lang``)."""
    grouped: dict[str, list[str]] = {}
    for line in basis.lines:
        if line.reasons:
            status = lang._(line.status.value)
            concerned = f"{line.municipality} {month_text(line.month)}"
            for reason in line.reasons:
                grouped.setdefault(f"{status}: {lang.text(reason)}", []).append(concerned)
    out = []
    for reason, where in grouped.items():
        shown = ", ".join(where[:6])
        if len(where) > 6:
            shown = lang._("{lines} and {more} more", lines=shown, more=len(where) - 6)
        if len(where) == len(basis.lines) > 1:
            shown = lang._("all lines")
        out.append(f"{reason} — {shown}")
    return out


# --- CSV ----------------------------------------------------------------------------------------


def render_csv(basis: InvoiceBasis, lang: Language = ENGLISH) -> str:
    """CSV for a Swedish spreadsheet: ';' separated, decimal commas, a BOM so Excel reads UTF-8;
    every cell of a numeric column a number, the exact values in columns of their own."""
    return csv_bytes(basis, lang).decode("utf-8")


def csv_bytes(basis: InvoiceBasis, lang: Language = ENGLISH) -> bytes:
    """:func:`render_csv` as the bytes of the file (UTF-8), made :data:`.columns.PART` lines at
    a time and written into one buffer as they are made: a run of many lines never holds the
    text of every cell at once, nor its file twice."""
    names = (*SHEET, *exact_columns(basis.lines))
    out = io.BytesIO()
    out.write(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    out.write(_csv_text([[heading] for heading in headings(names, lang)]).encode("utf-8"))
    for part in parted(basis.lines):
        found = values_of(part)
        texts: list[list[str]] = cells(
            part, names, csv_numbers, csv_ratios, lang, found, inert, basis.library.readings
        )
        texts = [
            column
            if name in SHEET or _numbers_only(found[name[: -len(EXACT)]])
            else list(map(inert, column))
            for name, column in zip(names, texts, strict=True)
        ]
        out.write(_csv_text(texts).encode("utf-8"))
    return out.getvalue()  # the buffer itself, not a copy, once nothing else holds it


def _numbers_only(column: Quantities) -> bool:
    """Whether the exact values' cells are numbers none below zero: none starts like a formula."""
    return not column.others and min(column.numerators, default=0) >= 0


def _csv_text(columns: Sequence[Sequence[str]]) -> str:
    """Cells (a list for each column) as CSV lines: joined as they are, unless some cell must be
    quoted (the csv module knows how)."""
    if not columns or not columns[0]:
        return ""
    text = "\r\n".join(map(";".join, zip(*columns, strict=True))) + "\r\n"
    if not _quoted(text, len(columns[0]), len(columns)):
        return text
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(zip(*columns, strict=True))
    return buffer.getvalue()


def csv_numbers(values: list[Any]) -> list[str]:
    """Values as CSV cells, each a number a spreadsheet reads with a decimal comma: exact where
    its decimals end, else rounded half-even to :data:`CSV_PLACES` decimals; nothing for no
    value."""
    texts = column_texts(values, point=",")  # exact where the decimals end, else cut and '…'
    for i, text in enumerate(texts):
        if text.endswith("…"):
            texts[i] = _rounded(values[i].value.numerator, values[i].value.denominator)
    return texts


def csv_ratios(numerators: list[int], denominators: list[int]) -> list[str]:
    """:func:`csv_numbers` of quantities given as integers."""
    return ratio_texts(numerators, denominators, _csv_number)


def _csv_number(numerator: int, denominator: int) -> str:
    """A number in lowest terms as a CSV cell (see :func:`csv_numbers`)."""
    if decimal_places(denominator) is None:
        return _rounded(numerator, denominator)
    return approximate_ratio(numerator, denominator, point=",")


def _rounded(numerator: int, denominator: int) -> str:
    """A number whose decimals never end, rounded half-even to CSV_PLACES decimals, every one
    written: by whole-number arithmetic (as round_exact's half_even, for tens of thousands)."""
    whole, rest = divmod(numerator * _SCALE, denominator)
    rest += rest
    if rest > denominator or (rest == denominator and whole & 1):
        whole += 1
    if whole >= _SCALE:
        digits = str(whole)
        return f"{digits[:-CSV_PLACES]},{digits[-CSV_PLACES:]}"
    if whole >= 0:
        return f"0,{whole:0{CSV_PLACES}d}"
    digits = str(-whole).rjust(CSV_PLACES + 1, "0")
    return f"-{digits[:-CSV_PLACES]},{digits[-CSV_PLACES:]}"


_SCALE = 10**CSV_PLACES


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a cell that a spreadsheet would take for a formula starts."""


def inert(text: str) -> str:
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
    by_municipality, everything = totals(basis)
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
        "month": month_text(line.month),
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
    basis: InvoiceBasis,
    output_format: str,
    data: Mapping[str, Any] | None = None,
    lang: Language = ENGLISH,
    read: ReadReport | None = None,
) -> bytes:
    """The invoice basis in a format (table, csv, json, xlsx), as the bytes to write, in a
    language (JSON is always English); the JSON names ``data``, the data file it was computed
    from (:func:`data_json`), and the workbook ``read``, how that file was read."""
    if output_format == "csv":
        return csv_bytes(basis, lang)
    if output_format == "json":
        return render_json(basis, data).encode("utf-8")
    if output_format == "xlsx":
        from agreement_engine.render.xlsx import render_xlsx

        return render_xlsx(basis, lang, read)
    return render_table(basis, lang).encode("utf-8")
