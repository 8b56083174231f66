"""What a step of the ledger did, as the command that took it says: drafting (or adjusting)
the lines, sending invoices, issuing a credit or debit note, and verifying the chain.

Every word is in the language passed (:mod:`agreement_engine.render.i18n`, English by default);
the changes the ledger recorded are stored as their English text and put into words here. The
errors a refused step gives, and those verifying finds, stay in English, as every command's
errors do."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, localcontext

from agreement_engine.billing.lines import EXACT_SUMS
from agreement_engine.ledger import (
    DraftOutcome,
    DraftResult,
    LineState,
    NoteResult,
    SendResult,
    VerifyReport,
)
from agreement_engine.render.i18n import ENGLISH, N_, Language
from agreement_engine.render.ledger.text import kr, signed, table

OUTCOMES = {
    DraftOutcome.DRAFTED: N_("drafted"),
    DraftOutcome.ADJUSTED: N_("adjusted"),
    DraftOutcome.UNCHANGED: N_("unchanged"),
    DraftOutcome.SENT: N_("already sent"),
}
"""What drafting did, as the table says it."""

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
