"""The invoice basis as people and machines read it, in the format asked for
(:func:`render_basis`): the terminal table here, CSV in :mod:`.invoice_csv`, JSON in
:mod:`.invoice_json`, the workbook in :mod:`.xlsx`; the columns they share are :mod:`.columns`.
The sentences the table, the workbook and the report share (the readings, the reasons) are
here too.

Output is deterministic: the same inputs give byte-identical output (no timestamps, stable order).
The table and CSV are in the language passed (:mod:`.i18n`, English by default); JSON is for
machines and stays in English.

A run can have tens of thousands of lines, and rendering is built for that. Values become text as
:mod:`.formula.values` makes it, all of a run's values at once (:func:`.values.exact_texts`,
:func:`.values.column_texts`); what lines share (a month's benchmark, the documents, the reasons)
becomes text once; and rows are joined as text rather than written cell by cell.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from functools import partial
from typing import Any

from agreement_engine.billing.lines import COLUMNS, InvoiceBasis
from agreement_engine.data.report import ReadReport
from agreement_engine.formula import Amount
from agreement_engine.formula.values import approximate_ratio, column_texts, exact, ratio_texts
from agreement_engine.months import YearMonth, describe_runs
from agreement_engine.render.columns import cells, governed_by, headings, month_text, totals
from agreement_engine.render.i18n import ENGLISH, Language
from agreement_engine.render.invoice_csv import (
    CSV_PLACES,
    csv_parts,
    csv_ratios,
    inert,
    render_csv,
)
from agreement_engine.render.invoice_json import data_json, render_json

__all__ = [
    "CSV_PLACES",
    "basis_parts",
    "csv_ratios",
    "data_json",
    "inert",
    "readings_text",
    "reasons_text",
    "render_basis",
    "render_csv",
    "render_json",
    "render_table",
]

_TABLE = ("month", "municipality", *COLUMNS, "status")


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
    return b"".join(basis_parts(basis, output_format, data, lang, read))


def basis_parts(
    basis: InvoiceBasis,
    output_format: str,
    data: Mapping[str, Any] | None = None,
    lang: Language = ENGLISH,
    read: ReadReport | None = None,
) -> Iterator[bytes]:
    """:func:`render_basis` in parts made as they are asked for: the CSV a part of the lines at a
    time (:func:`.invoice_csv.csv_parts`), so that a file written part by part is never held
    whole; the other formats in one part."""
    if output_format == "csv":
        yield from csv_parts(basis, lang)
    elif output_format == "json":
        yield render_json(basis, data).encode("utf-8")
    elif output_format == "xlsx":
        from agreement_engine.render.xlsx import render_xlsx

        yield render_xlsx(basis, lang, read)
    else:
        yield render_table(basis, lang).encode("utf-8")
