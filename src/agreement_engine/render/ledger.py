"""The ledger's documents as people read them: what an action did, the list, one document with
its derivation (as ``explain`` shows it), and the export sent to a municipality (CSV, JSON,
XLSX). Amounts are shown exactly as recorded, in kronor."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from decimal import Decimal, localcontext
from typing import Any

from agreement_engine.billing.lines import EXACT_SUMS
from agreement_engine.ledger import (
    DraftOutcome,
    DraftResult,
    Entry,
    LineState,
    NoteResult,
    SendResult,
    Shown,
    StaleItem,
    VerifyReport,
)
from agreement_engine.ledger.records import values_text
from agreement_engine.render.columns import governed_by
from agreement_engine.render.explain import explain
from agreement_engine.render.invoice import inert

EXPORT_FORMAT = "agreement-engine/invoice-document/1"


def kr(amount: Decimal | None) -> str:
    return "—" if amount is None else f"{amount} kr"


def signed(amount: Decimal) -> str:
    return f"+{amount} kr" if amount > 0 else f"{amount} kr"


def table(headings: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    """A plain text table; the columns in ``right`` are aligned right."""
    widths = [max(len(str(c)) for c in column) for column in zip(headings, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        out = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(out).rstrip()

    return [line(headings), line(["-" * w for w in widths]), *(line(r) for r in rows)]


LISTED = 36
"""Lines listed one by one at most; more are summed up by month."""


def render_draft(result: DraftResult, where: str) -> str:
    out = _months(result) if len(result.lines) > LISTED else _lines(result)
    for s in result.lines:
        if s.outcome is DraftOutcome.ADJUSTED:
            out += ["", f"{s.municipality} {s.month}: {kr(s.previous)} → {kr(s.amount)}"]
            out += [f"  - {c.text}" for c in s.changes]
    out += ["", _summary(result, where)]
    not_computed = result.not_computed
    if not_computed:
        out.append(f"{len(not_computed)} line{_s(not_computed)} not computed (cannot be sent):")
        out += [
            f"  {s.municipality} {s.month}: {'; '.join(s.reasons)}" for s in not_computed[:LISTED]
        ]
        if len(not_computed) > LISTED:
            out.append(f"  … and {len(not_computed) - LISTED} more (invoice list shows them)")
    return "\n".join(out)


def _months(result: DraftResult) -> list[str]:
    """One row a month: how many lines had each outcome, and their total."""
    months: dict[str, list[LineState]] = {}
    for s in result.lines:
        months.setdefault(str(s.month), []).append(s)
    rows = []
    for month, lines in months.items():
        counts = {o: sum(s.outcome is o for s in lines) for o in DraftOutcome}
        with localcontext(EXACT_SUMS):
            total = sum((s.amount for s in lines if s.amount is not None), Decimal(0))
        missing = sum(s.amount is None for s in lines)
        rows.append([month, *(str(counts[o]) for o in DraftOutcome), str(missing), kr(total)])
    headings = ["month", *(o.value for o in DraftOutcome), "not computed", "total"]
    return table(headings, rows, set(range(1, len(headings))))


def _lines(result: DraftResult) -> list[str]:
    rows = [
        [
            str(s.month),
            s.municipality,
            s.outcome.value + (f" (invoice {s.invoice})" if s.outcome is DraftOutcome.SENT else ""),
            kr(s.amount),
            s.status,
        ]
        for s in result.lines
    ]
    return table(["month", "municipality", "what was done", "amount", "status"], rows, {3})


def _summary(result: DraftResult, where: str) -> str:
    counts: dict[str, int] = {}
    for s in result.lines:
        counts[s.outcome.value] = counts.get(s.outcome.value, 0) + 1
    done = ", ".join(f"{n} {outcome}" for outcome, n in counts.items())
    if not result.recorded:
        return f"{done}: nothing changed, nothing recorded in {where}"
    return f"{done}: recorded in {where}"


def render_send(result: SendResult, where: str) -> str:
    rows = [
        [str(d.number), str(d.month), d.municipality, kr(d.amount), d.status]
        for d in result.documents
    ]
    out = table(["invoice", "month", "municipality", "amount", "status"], rows, {0, 3})
    reasons = {d.reason for d in result.documents if d.reason}
    out += [f"provisional, sent because: {reason}" for reason in sorted(reasons)]
    n = len(result.documents)
    first, last = result.documents[0].number, result.documents[-1].number
    numbers = f"{first}" if n == 1 else f"{first}–{last}"
    out += ["", f"sent {n} invoice{'' if n == 1 else 's'} ({numbers}), recorded in {where}"]
    return "\n".join(out)


def render_note(result: NoteResult, where: str) -> str:
    invoice = result.invoice
    out = [
        f"{invoice.municipality} {invoice.month}: invoice {invoice.number}",
        f"  billed so far (invoice and notes): {kr(result.booked)}",
        f"  computed now:                      {kr(result.computed)}",
        f"  difference:                        {signed(result.difference)}",
    ]
    if result.changes:
        out += ["what changed:", *(f"  - {c.text}" for c in result.changes)]
    note = result.document
    if note is None:
        out.append("the difference is 0 kr: no note issued, nothing recorded")
    else:
        out.append(
            f"issued {note.kind} {note.number} for {signed(note.amount)}, referring to invoice "
            f"{invoice.number}; recorded in {where}"
        )
    return "\n".join(out)


def render_stale(items: Sequence[StaleItem]) -> str:
    if not items:
        return "no sent invoice would change if computed today"
    rows = [
        [
            str(i.invoice.number),
            str(i.invoice.month),
            i.invoice.municipality,
            kr(i.booked),
            kr(i.today),
            "?" if i.difference is None else signed(i.difference),
        ]
        for i in items
    ]
    headings = ["invoice", "month", "municipality", "billed", "today", "difference"]
    out = table(headings, rows, {0, 3, 4, 5})
    out.append("")
    for item in items:
        out.append(
            f"{item.invoice.municipality} {item.invoice.month} (invoice {item.invoice.number}):"
        )
        out += [f"  - {c.text}" for c in item.causes]
        if item.why:
            out.append(f"  cannot be computed today: {item.why}")
    unknown = sum(item.today is None for item in items)
    summary = f"{len(items)} sent invoice{_s(items)} would change"
    if unknown:
        summary += f" ({unknown} by an amount only the data can tell: give it with --data)"
    out.append(summary + "; correct each with agreement-engine invoice correct")
    return "\n".join(out)


def render_entries(entries: Sequence[Entry]) -> str:
    if not entries:
        return "the ledger holds nothing yet"
    rows = []
    for e in entries:
        notes = ", ".join(f"{n.kind} {n.number} {signed(n.amount)}" for n in e.notes)
        rows.append(
            [
                str(e.month),
                e.municipality,
                "sent" if e.invoice else "draft",
                kr(e.amount),
                e.status,
                str(e.invoice.number) if e.invoice else "",
                kr(e.booked) if e.booked is not None else "",
                notes,
            ]
        )
    headings = ["month", "municipality", "state", "line", "status", "invoice", "billed", "notes"]
    return "\n".join(table(headings, rows, {3, 5, 6}))


def render_show(shown: Shown) -> str:
    d = shown.document
    out = [f"{d.kind} {d.number}: {d.municipality} {d.month}", ""]
    out += [f"  {name + ':':<27}{value}" for name, value in _header(shown)]
    if len(shown.related) > 1:
        out += ["", "Documents of this month:"]
        out += [
            f"  {r.kind} {r.number}: {signed(r.amount)} ({r.recorded_at})" for r in shown.related
        ]
        out.append(f"  billed in all: {kr(shown.booked)}")
    out += ["", "Derivation (computed again from what the ledger holds):", ""]
    out.append(explain(shown.line, shown.library, shown.origin).rstrip("\n"))
    return "\n".join(out)


def _header(shown: Shown) -> list[tuple[str, str]]:
    d = shown.document
    fields = [
        ("amount", signed(d.amount) if d.kind != "invoice" else kr(d.amount)),
        ("status", d.status),
    ]
    if d.refers_to is not None:
        fields.append(("refers to invoice", str(d.refers_to)))
    if d.kind != "invoice":
        fields.append(("line as corrected", kr(Decimal(shown.record["amount"]))))
    if shown.provisional_reason:
        fields.append(
            (
                f"{'sent' if d.kind == 'invoice' else 'issued'} provisional because",
                shown.provisional_reason,
            )
        )
    if d.reason and d.kind != "invoice":
        fields.append(("reason", d.reason))
    fields += [
        ("governed by", governed_by(shown.line)),
        ("recorded", f"{d.recorded_at} by {d.recorded_by}"),
    ]
    return fields


def render_verify(report: VerifyReport, where: str) -> str:
    if report.problems:
        out = [f"error: {problem}" for problem in report.problems]
        out.append(
            f"the ledger {where} fails verification: {len(report.problems)} problem"
            f"{_s(report.problems)}"
        )
        return "\n".join(out)
    return (
        f"the ledger {where} is intact: {report.events} events chained unbroken, "
        f"{report.documents} documents numbered without a gap, {report.recomputed} computed "
        f"again to the öre\nhead of the chain: {report.head}"
    )


def export_fields(shown: Shown) -> list[tuple[str, str]]:
    """What is sent to the municipality, field by field (amounts exact, in kronor)."""
    d = shown.document
    fields = [
        ("document", d.kind),
        ("number", str(d.number)),
        ("municipality", d.municipality),
        ("month", str(d.month)),
        ("amount", str(d.amount)),
        ("status", d.status),
        ("refers_to", "" if d.refers_to is None else str(d.refers_to)),
        ("date", d.recorded_at[:10]),
        ("governed_by", governed_by(shown.line)),
    ]
    fields += list(values_text(shown.line).items())
    if d.kind != "invoice":
        fields.append(("reason", d.reason or ""))
    if shown.provisional_reason:
        fields.append(("sent_provisional_because", shown.provisional_reason))
    fields += [(f"provisional_reason_{n}", r) for n, r in enumerate(shown.record["reasons"], 1)]
    return fields


def render_export(shown: Shown, output_format: str) -> bytes:
    fields = export_fields(shown)
    if output_format == "json":
        d = shown.document
        payload: dict[str, Any] = {"format": EXPORT_FORMAT, **dict(fields[:9])}
        payload.update(number=d.number, refers_to=d.refers_to)
        payload["values"] = values_text(shown.line)
        payload["reasons"] = shown.record["reasons"]
        payload["documents"] = shown.record["documents"]
        if shown.provisional_reason:
            payload["sent_provisional_because"] = shown.provisional_reason
        if shown.document.kind != "invoice":
            payload["reason"] = shown.document.reason
        return (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if output_format == "csv":
        stream = io.StringIO()
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow(["field", "value"])
        for name, value in fields:
            writer.writerow([name, value.replace(".", ",") if _numeric(value) else inert(value)])
        return ("\ufeff" + stream.getvalue()).encode("utf-8")
    return _xlsx(fields)


def _numeric(value: str) -> bool:
    return _NUMBER.fullmatch(value) is not None


_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _xlsx(fields: list[tuple[str, str]]) -> bytes:
    """The document as a workbook of two columns, field and value; numbers as numbers. Fixed
    document properties, as the invoice basis's workbook has: equal input, equal bytes."""
    import xlsxwriter

    from agreement_engine.render.xlsx import CREATED

    stream = io.BytesIO()
    book = xlsxwriter.Workbook(stream, {"in_memory": True, "strings_to_formulas": False})
    book.set_properties({"created": CREATED})
    sheet = book.add_worksheet("document")
    sheet.write_row(0, 0, ["field", "value"], book.add_format({"bold": True}))
    for row, (name, value) in enumerate(fields, 1):
        sheet.write_string(row, 0, name)
        if _numeric(value):
            sheet.write_number(row, 1, Decimal(value))
        else:
            sheet.write_string(row, 1, value)
    book.close()
    return stream.getvalue()


def _s(items: Sequence[object]) -> str:
    return "" if len(items) == 1 else "s"
