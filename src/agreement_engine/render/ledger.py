"""The ledger's documents as people read them: what an action did, the list, one document with
its derivation (as ``explain`` shows it), and the export sent to a municipality (CSV, JSON,
XLSX). Amounts are shown exactly as recorded, in kronor.

Every word is in the language passed (:mod:`.i18n`, English by default). The sentences the
ledger made when it recorded a line (its reasons, what changed) are stored as their English
text; the line computed again (``Shown.line``) gives them in other words where it says the
same. The errors a refused step gives stay in English, as every command's errors do."""

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
from agreement_engine.render.columns import HEADINGS, governed_by
from agreement_engine.render.explain import explain
from agreement_engine.render.i18n import ENGLISH, N_, Language
from agreement_engine.render.invoice import inert

EXPORT_FORMAT = "agreement-engine/invoice-document/1"
OUTCOMES = {
    DraftOutcome.DRAFTED: N_("drafted"),
    DraftOutcome.ADJUSTED: N_("adjusted"),
    DraftOutcome.UNCHANGED: N_("unchanged"),
    DraftOutcome.SENT: N_("already sent"),
}
"""What drafting did, as the table says it."""
KINDS = (N_("invoice"), N_("credit note"), N_("debit note"))
"""The kinds of documents the ledger issues, for the catalog."""


def kr(amount: Decimal | None, lang: Language = ENGLISH) -> str:
    """An amount as recorded: '7102000 kr' (as it always was), '7 102 000 kr' in Swedish."""
    if amount is None:
        return "—"
    return f"{amount} kr" if lang.english else lang.amount(amount)


def signed(amount: Decimal, lang: Language = ENGLISH) -> str:
    return "+" + kr(amount, lang) if amount > 0 else kr(amount, lang)


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


def render_draft(result: DraftResult, where: str, lang: Language = ENGLISH) -> str:
    out = _months(result, lang) if len(result.lines) > LISTED else _lines(result, lang)
    for s in result.lines:
        if s.outcome is DraftOutcome.ADJUSTED:
            was, now = kr(s.previous, lang), kr(s.amount, lang)
            out += ["", f"{s.municipality} {s.month}: {was} → {now}"]
            out += [f"  - {lang.text(c.text)}" for c in s.changes]
    out += ["", _summary(result, where, lang)]
    not_computed = result.not_computed
    if not_computed:
        out.append(
            lang.ngettext(
                "{count} line not computed (cannot be sent):",
                "{count} lines not computed (cannot be sent):",
                len(not_computed),
            )
        )
        out += [
            f"  {s.municipality} {s.month}: {_reasons(s.reasons, lang)}"
            for s in not_computed[:LISTED]
        ]
        if len(not_computed) > LISTED:
            more = len(not_computed) - LISTED
            out.append(lang._("  … and {count} more (invoice list shows them)", count=more))
    return "\n".join(out)


def _reasons(reasons: Sequence[str], lang: Language) -> str:
    return "; ".join(map(lang.text, reasons))


def _months(result: DraftResult, lang: Language) -> list[str]:
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
        rows.append([month, *(str(counts[o]) for o in DraftOutcome), str(missing), kr(total, lang)])
    names = [N_("month"), *(OUTCOMES[o] for o in DraftOutcome), N_("not computed"), N_("total")]
    headings = [lang._(name) for name in names]
    return table(headings, rows, set(range(1, len(headings))))


def _lines(result: DraftResult, lang: Language) -> list[str]:
    rows = [
        [
            str(s.month),
            s.municipality,
            _outcome(s.outcome, s.invoice, lang),
            kr(s.amount, lang),
            lang._(s.status),
        ]
        for s in result.lines
    ]
    names = [N_("month"), N_("municipality"), N_("what was done"), N_("amount"), N_("status")]
    return table([lang._(name) for name in names], rows, {3})


def _outcome(outcome: DraftOutcome, invoice: int | None, lang: Language) -> str:
    said = lang._(OUTCOMES[outcome])
    if outcome is DraftOutcome.SENT:
        return said + lang._(" (invoice {number})", number=invoice)
    return said


def _summary(result: DraftResult, where: str, lang: Language) -> str:
    counts: dict[DraftOutcome, int] = {}
    for s in result.lines:
        counts[s.outcome] = counts.get(s.outcome, 0) + 1
    done = ", ".join(_done(outcome, n, lang) for outcome, n in counts.items())
    if not result.recorded:
        return lang._(
            "{done}: nothing changed, nothing recorded in {where}", done=done, where=where
        )
    return lang._("{done}: recorded in {where}", done=done, where=where)


def _done(outcome: DraftOutcome, count: int, lang: Language) -> str:
    """How many lines had an outcome: '6 drafted'."""
    if outcome is DraftOutcome.DRAFTED:
        return lang.ngettext("{count} drafted", "{count} drafted", count)
    if outcome is DraftOutcome.ADJUSTED:
        return lang.ngettext("{count} adjusted", "{count} adjusted", count)
    if outcome is DraftOutcome.UNCHANGED:
        return lang.ngettext("{count} unchanged", "{count} unchanged", count)
    return lang.ngettext("{count} already sent", "{count} already sent", count)


def render_send(result: SendResult, where: str, lang: Language = ENGLISH) -> str:
    rows = [
        [str(d.number), str(d.month), d.municipality, kr(d.amount, lang), lang._(d.status)]
        for d in result.documents
    ]
    names = [N_("invoice"), N_("month"), N_("municipality"), N_("amount"), N_("status")]
    out = table([lang._(name) for name in names], rows, {0, 3})
    reasons = {d.reason for d in result.documents if d.reason}
    out += [lang._("provisional, sent because: {reason}", reason=r) for r in sorted(reasons)]
    n = len(result.documents)
    first, last = result.documents[0].number, result.documents[-1].number
    numbers = f"{first}" if n == 1 else f"{first}–{last}"
    sent = lang.ngettext(
        "sent {count} invoice ({numbers}), recorded in {where}",
        "sent {count} invoices ({numbers}), recorded in {where}",
        n,
        numbers=numbers,
        where=where,
    )
    out += ["", sent]
    return "\n".join(out)


def render_note(result: NoteResult, where: str, lang: Language = ENGLISH) -> str:
    invoice = result.invoice
    figures = [
        (lang._("billed so far (invoice and notes):"), kr(result.booked, lang)),
        (lang._("computed now:"), kr(result.computed, lang)),
        (lang._("difference:"), signed(result.difference, lang)),
    ]
    width = max(len(label) for label, _ in figures) + 1
    out = [
        lang._(
            "{municipality} {month}: invoice {number}",
            municipality=invoice.municipality,
            month=invoice.month,
            number=invoice.number,
        ),
        *(f"  {label.ljust(width)}{value}" for label, value in figures),
    ]
    if result.changes:
        changed = [f"  - {lang.text(c.text)}" for c in result.changes]
        out += [lang._("what changed:"), *changed]
    note = result.document
    if note is None:
        out.append(lang._("the difference is 0 kr: no note issued, nothing recorded"))
    else:
        out.append(
            lang._(
                "issued {kind} {number} for {amount}, referring to invoice {invoice}; recorded in "
                "{where}",
                kind=lang._(note.kind),
                number=note.number,
                amount=signed(note.amount, lang),
                invoice=invoice.number,
                where=where,
            )
        )
    return "\n".join(out)


def render_stale(items: Sequence[StaleItem], lang: Language = ENGLISH) -> str:
    if not items:
        return lang._("no sent invoice would change if computed today")
    rows = [
        [
            str(i.invoice.number),
            str(i.invoice.month),
            i.invoice.municipality,
            kr(i.booked, lang),
            kr(i.today, lang),
            "?" if i.difference is None else signed(i.difference, lang),
        ]
        for i in items
    ]
    names = [
        N_("invoice"),
        N_("month"),
        N_("municipality"),
        N_("billed"),
        N_("today"),
        N_("difference"),
    ]
    out = table([lang._(name) for name in names], rows, {0, 3, 4, 5})
    out.append("")
    for item in items:
        out.append(
            lang._(
                "{municipality} {month} (invoice {number}):",
                municipality=item.invoice.municipality,
                month=item.invoice.month,
                number=item.invoice.number,
            )
        )
        out += [f"  - {lang.text(c.text)}" for c in item.causes]
        if item.why:
            out.append(lang._("  cannot be computed today: {why}", why=lang.text(item.why)))
    unknown = sum(item.today is None for item in items)
    summary = lang.ngettext(
        "{count} sent invoice would change", "{count} sent invoices would change", len(items)
    )
    if unknown:
        summary += lang._(
            " ({unknown} by an amount only the data can tell: give it with --data)",
            unknown=unknown,
        )
    out.append(summary + lang._("; correct each with agreement-engine invoice correct"))
    return "\n".join(out)


def render_entries(entries: Sequence[Entry], lang: Language = ENGLISH) -> str:
    if not entries:
        return lang._("the ledger holds nothing yet")
    rows = []
    for e in entries:
        notes = ", ".join(f"{lang._(n.kind)} {n.number} {signed(n.amount, lang)}" for n in e.notes)
        rows.append(
            [
                str(e.month),
                e.municipality,
                lang._(N_("sent")) if e.invoice else lang._(N_("draft")),
                kr(e.amount, lang),
                lang._(e.status),
                str(e.invoice.number) if e.invoice else "",
                kr(e.booked, lang) if e.booked is not None else "",
                notes,
            ]
        )
    names = [
        N_("month"),
        N_("municipality"),
        N_("state"),
        N_("line"),
        N_("status"),
        N_("invoice"),
        N_("billed"),
        N_("notes"),
    ]
    return "\n".join(table([lang._(name) for name in names], rows, {3, 5, 6}))


def render_show(shown: Shown, lang: Language = ENGLISH) -> str:
    d = shown.document
    out = [f"{lang._(d.kind)} {d.number}: {d.municipality} {d.month}", ""]
    header = [(name + ":", value) for name, value in _header(shown, lang)]
    # A column of at least 27, and room for the longest label and a space after it.
    width = max(27, *(len(name) + 1 for name, _ in header))
    out += [f"  {name:<{width}}{value}" for name, value in header]
    if len(shown.related) > 1:
        out += ["", lang._("Documents of this month:")]
        out += [
            f"  {lang._(r.kind)} {r.number}: {signed(r.amount, lang)} ({r.recorded_at})"
            for r in shown.related
        ]
        out.append(lang._("  billed in all: {amount}", amount=kr(shown.booked, lang)))
    out += ["", lang._("Derivation (computed again from what the ledger holds):"), ""]
    out.append(explain(shown.line, shown.library, shown.origin, lang).rstrip("\n"))
    return "\n".join(out)


def _header(shown: Shown, lang: Language) -> list[tuple[str, str]]:
    d = shown.document
    fields = [
        (
            lang._("amount"),
            signed(d.amount, lang) if d.kind != "invoice" else kr(d.amount, lang),
        ),
        (lang._("status"), lang._(d.status)),
    ]
    if d.refers_to is not None:
        fields.append((lang._("refers to invoice"), str(d.refers_to)))
    if d.kind != "invoice":
        fields.append((lang._("line as corrected"), kr(Decimal(shown.record["amount"]), lang)))
    if shown.provisional_reason:
        because = (
            lang._("sent provisional because")
            if d.kind == "invoice"
            else lang._("issued provisional because")
        )
        fields.append((because, shown.provisional_reason))
    if d.reason and d.kind != "invoice":
        fields.append((lang._("reason"), d.reason))
    recorded = lang._("{at} by {who}", at=d.recorded_at, who=d.recorded_by)
    fields += [
        (lang._("governed by"), governed_by(shown.line)),
        (lang._("recorded"), recorded),
    ]
    return fields


def render_verify(report: VerifyReport, where: str, lang: Language = ENGLISH) -> str:
    if report.problems:  # errors, in English as every command's errors
        out = [f"error: {problem}" for problem in report.problems]
        out.append(
            lang.ngettext(
                "the ledger {where} fails verification: {count} problem",
                "the ledger {where} fails verification: {count} problems",
                len(report.problems),
                where=where,
            )
        )
        return "\n".join(out)
    return lang._(
        "the ledger {where} is intact: {events} events chained unbroken, {documents} documents "
        "numbered without a gap, {recomputed} computed again to the öre\nhead of the chain: "
        "{head}",
        where=where,
        events=report.events,
        documents=report.documents,
        recomputed=report.recomputed,
        head=report.head,
    )


EXPORT_NAMES = {
    "document": N_("document"),
    "number": N_("number"),
    "municipality": N_("municipality"),
    "month": N_("month"),
    "amount": N_("amount"),
    "status": N_("status"),
    "refers_to": N_("refers_to"),
    "date": N_("date"),
    "governed_by": N_("governed_by"),
    "reason": N_("reason"),
    "sent_provisional_because": N_("sent_provisional_because"),
    **HEADINGS,
}
"""The names of the export's fields, as the CSV and the workbook give them in a language (the
values of the line as the invoice basis's headings; JSON keeps the names in English)."""


def export_fields(shown: Shown, lang: Language = ENGLISH) -> list[tuple[str, str]]:
    """What is sent to the municipality, field by field (amounts exact, in kronor), the names
    as JSON has them; the words of the values (the kind of document, the status, the reasons)
    in a language."""
    d = shown.document
    fields = [
        ("document", lang._(d.kind)),
        ("number", str(d.number)),
        ("municipality", d.municipality),
        ("month", str(d.month)),
        ("amount", str(d.amount)),
        ("status", lang._(d.status)),
        ("refers_to", "" if d.refers_to is None else str(d.refers_to)),
        ("date", d.recorded_at[:10]),
        ("governed_by", governed_by(shown.line)),
    ]
    fields += list(values_text(shown.line).items())
    if d.kind != "invoice":
        fields.append(("reason", d.reason or ""))
    if shown.provisional_reason:
        fields.append(("sent_provisional_because", shown.provisional_reason))
    reasons = recorded_reasons(shown, lang)
    fields += [(f"provisional_reason_{n}", r) for n, r in enumerate(reasons, 1)]
    return fields


def recorded_reasons(shown: Shown, lang: Language = ENGLISH) -> list[str]:
    """The reasons recorded with the line, in a language: each as the line computed again says
    it, where it says the same in English; else as recorded."""
    again = {str(reason): reason for reason in shown.line.reasons}
    recorded: list[str] = shown.record["reasons"]
    return [lang.text(again.get(reason, reason)) for reason in recorded]


def field_name(name: str, lang: Language = ENGLISH) -> str:
    """An export field's name as the CSV and the workbook give it: as JSON has it in English,
    in words in another language ('provisional_reason_2': 'skäl 2')."""
    if lang.english:
        return name
    if name.startswith("provisional_reason_"):
        return lang._("reason {number}", number=name.removeprefix("provisional_reason_"))
    return lang._(EXPORT_NAMES.get(name, name))


def render_export(shown: Shown, output_format: str, lang: Language = ENGLISH) -> bytes:
    """The document as sent: JSON (names and codes in English, for machines; the reasons in
    the language asked), CSV or a workbook (every word in the language asked)."""
    if output_format == "json":
        fields = export_fields(shown)
        d = shown.document
        payload: dict[str, Any] = {"format": EXPORT_FORMAT, **dict(fields[:9])}
        payload.update(number=d.number, refers_to=d.refers_to)
        payload["values"] = values_text(shown.line)
        payload["reasons"] = recorded_reasons(shown, lang)
        payload["documents"] = shown.record["documents"]
        if shown.provisional_reason:
            payload["sent_provisional_because"] = shown.provisional_reason
        if shown.document.kind != "invoice":
            payload["reason"] = shown.document.reason
        return (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    fields = [(field_name(n, lang), value) for n, value in export_fields(shown, lang)]
    heading = [lang._("field"), lang._("value")]
    if output_format == "csv":
        stream = io.StringIO()
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow(heading)
        for name, value in fields:
            writer.writerow([name, value.replace(".", ",") if _numeric(value) else inert(value)])
        return ("\ufeff" + stream.getvalue()).encode("utf-8")
    return _xlsx(fields, heading, lang._("document"))


def _numeric(value: str) -> bool:
    return _NUMBER.fullmatch(value) is not None


_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _xlsx(fields: list[tuple[str, str]], heading: list[str], title: str) -> bytes:
    """The document as a workbook of two columns, field and value; numbers as numbers. Fixed
    document properties, as the invoice basis's workbook has: equal input, equal bytes."""
    import xlsxwriter

    from agreement_engine.render.xlsx import CREATED

    stream = io.BytesIO()
    book = xlsxwriter.Workbook(stream, {"in_memory": True, "strings_to_formulas": False})
    book.set_properties({"created": CREATED})
    sheet = book.add_worksheet(title)
    sheet.write_row(0, 0, heading, book.add_format({"bold": True}))
    for row, (name, value) in enumerate(fields, 1):
        sheet.write_string(row, 0, name)
        if _numeric(value):
            sheet.write_number(row, 1, Decimal(value))
        else:
            sheet.write_string(row, 1, value)
    book.close()
    return stream.getvalue()
