"""The invoice basis as people and machines read it: terminal table, CSV, JSON and XLSX.

Output is deterministic: the same inputs give byte-identical output (no timestamps, stable order).
CSV is written for a Swedish spreadsheet: ``;`` separators, decimal commas, UTF-8 with a BOM.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from agreement_engine.billing import COLUMNS, InvoiceBasis, InvoiceLine, exact
from agreement_engine.formula import Amount, Value, round_exact, to_decimal
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


def governed_by(line: InvoiceLine) -> str:
    """The governing documents, shortest form: 'halland-2022 + halland-invoice-basis'."""
    return " + ".join(d.id for d in line.documents) or "—"


def _shown(value: Value | None, places: int = 4) -> str:
    if value is None:
        return ""
    if isinstance(value, Amount):
        text = exact(value)
        if "/" in text:
            whole = value.value.numerator * 10**places // value.value.denominator
            return f"{Decimal(whole).scaleb(-places):f}…"
        return text
    return str(value)


def _cells(line: InvoiceLine) -> dict[str, str]:
    cells = {
        "month": str(line.month),
        "municipality": line.municipality,
        "governed_by": governed_by(line),
    }
    values = line.values()
    for name in COLUMNS:
        cells[name] = _shown(values.get(name))
    cells["net_amount"] = "" if line.amount is None else format(line.amount, "f")
    cells["status"] = line.status.value
    return cells


def render_table(basis: InvoiceBasis) -> str:
    """A table readable in a terminal, with the reasons for every line not final below it."""
    columns = ["month", "municipality", *COLUMNS, "status"]
    rows = [_cells(line) for line in basis.lines]
    widths = {c: max([len(_HEADINGS[c])] + [len(r[c]) for r in rows]) for c in columns}
    numeric = set(COLUMNS)

    def fmt(cells: dict[str, str]) -> str:
        parts = [
            cells[c].rjust(widths[c]) if c in numeric else cells[c].ljust(widths[c])
            for c in columns
        ]
        return "  ".join(parts).rstrip()

    out = [fmt(_HEADINGS), fmt({c: "-" * widths[c] for c in columns})]
    out += [fmt(r) for r in rows]
    out.append("")
    out += _governing_text(basis)
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
    out = ["governed by:"]
    for documents, by_party in months.items():
        runs: dict[str, list[str]] = {}
        for party, party_months in by_party.items():
            runs.setdefault(describe_runs(party_months), []).append(party)
        for run, parties in runs.items():
            every = len(parties) == len(basis.municipalities)
            who = "all municipalities" if every else ", ".join(parties)
            out.append(f"  {documents}: {run} ({who})")
    return out


def _totals_text(basis: InvoiceBasis) -> list[str]:
    lines = []
    if len(basis.months) > 1:
        for municipality in basis.municipalities:
            lines.append(f"total {municipality}: {basis.total(municipality)} kr")
    missing = sum(1 for line in basis.lines if line.amount is None)
    suffix = f" ({missing} of {len(basis.lines)} lines not computed)" if missing else ""
    lines.append(f"total: {basis.total()} kr{suffix}")
    return lines


def _reasons_text(basis: InvoiceBasis) -> list[str]:
    """Each distinct reason once, with the lines it concerns."""
    grouped: dict[str, list[str]] = {}
    for line in basis.lines:
        for reason in line.reasons:
            grouped.setdefault(f"{line.status.value}: {reason}", []).append(
                f"{line.municipality} {line.month}"
            )
    out = []
    for reason, where in grouped.items():
        shown = ", ".join(where[:6]) + (f" and {len(where) - 6} more" if len(where) > 6 else "")
        if len(where) == len(basis.lines) > 1:
            shown = "all lines"
        out.append(f"{reason} — {shown}")
    return out


def render_csv(basis: InvoiceBasis) -> str:
    """CSV for a Swedish spreadsheet: ';' separated, decimal commas, a BOM so Excel reads UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    columns = ["month", "municipality", "governed_by", *COLUMNS, "status", "reasons"]
    writer.writerow([_HEADINGS.get(c, c) for c in columns])
    for line in basis.lines:
        cells = _cells(line)
        cells["reasons"] = " | ".join(line.reasons)
        writer.writerow([cells[c].replace(".", ",") if c in COLUMNS else cells[c] for c in columns])
    return "\ufeff" + buffer.getvalue()


def to_json(basis: InvoiceBasis) -> dict[str, Any]:
    """The invoice basis as a plain mapping following schemas/invoice-basis.schema.json."""
    documents: dict[str, dict[str, str]] = {}
    for line in basis.lines:
        for d in line.documents:
            documents[d.id] = {"id": d.id, "kind": d.kind, "path": d.path, "sha256": d.sha256}
        for use in line.figures:
            if use.figure is not None:
                d = basis.library_document(use.figure.document)
                documents[d.id] = {"id": d.id, "kind": d.kind, "path": d.path, "sha256": d.sha256}
    return {
        "format": FORMAT,
        "months": [str(m) for m in basis.months],
        "assume_approved": basis.assume_approved,
        "documents": [documents[k] for k in sorted(documents)],
        "lines": [_line_json(line) for line in basis.lines],
        "totals": {
            "by_municipality": {m: format(basis.total(m), "f") for m in basis.municipalities},
            "all": format(basis.total(), "f"),
            "lines_not_computed": sum(1 for line in basis.lines if line.amount is None),
        },
    }


def _line_json(line: InvoiceLine) -> dict[str, Any]:
    return {
        "municipality": line.municipality,
        "month": str(line.month),
        "status": line.status.value,
        "reasons": list(line.reasons),
        "governance": line.governance.status.value,
        "documents": [d.id for d in line.documents],
        "inputs": {k: exact(v) for k, v in line.inputs.items()},
        "values": {s.rule: exact(s.value) for s in line.steps},
        "net_amount": None if line.amount is None else format(line.amount, "f"),
        "assumptions": list(line.assumptions),
        "figures": [
            {
                "parameter": u.parameter,
                "key": u.key,
                "value": None
                if u.figure is None or u.figure.value is None
                else format(u.figure.value, "f"),
                "status": u.figure.status if u.figure else "missing",
                "illustrative": bool(u.figure and u.figure.illustrative),
                "document": u.figure.document if u.figure else u.series.document,
            }
            for u in line.figures
        ],
    }


def render_json(basis: InvoiceBasis) -> str:
    return json.dumps(to_json(basis), ensure_ascii=False, indent=2) + "\n"


def render_xlsx(basis: InvoiceBasis) -> bytes:
    """An XLSX workbook: one sheet of lines with numbers as numbers, one of totals."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Fakturaunderlag"
    columns = ["month", "municipality", "governed_by", *COLUMNS, "status", "reasons"]
    sheet.append([_HEADINGS.get(c, c) for c in columns])
    for line in basis.lines:
        row: list[object] = [str(line.month), line.municipality, governed_by(line)]
        for name in COLUMNS:
            row.append(_number(line, name))
        row += [line.status.value, " | ".join(line.reasons)]
        sheet.append(row)
    totals = workbook.create_sheet("Summa")
    totals.append(["municipality", "total (kr)"])
    for municipality in basis.municipalities:
        totals.append([municipality, basis.total(municipality)])
    totals.append(["all", basis.total()])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _deterministic_zip(buffer.getvalue())


def _number(line: InvoiceLine, name: str) -> object:
    if name == "net_amount":
        return line.amount
    value = line.value(name)
    if isinstance(value, Amount):
        # A spreadsheet holds a number, not a fraction: decimals that never end are shown to
        # 10 places (the exact value is in the JSON output and in explain).
        shown = to_decimal(round_exact(value.value, 10, "half_even"))
        return shown
    return None


def _deterministic_zip(data: bytes) -> bytes:
    """The workbook with fixed zip timestamps, so that equal inputs give equal bytes."""
    import zipfile

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
    import re

    return re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", xml)


def headings(names: Sequence[str]) -> list[str]:
    return [_HEADINGS.get(n, n) for n in names]
