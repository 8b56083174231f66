"""Sending and correcting: invoices numbered from one unbroken series, and the credit and debit
notes that correct them.

A sent invoice is never changed. Sending locks a month's drafts and gives each the next number,
in the same transaction as the lock on the ledger's head, so that two senders cannot take the
same number and a crash leaves none skipped. A correction computes the line anew and issues a
note for the difference against the invoice and every earlier note, numbered from the same series
and referring to the invoice; nothing is issued when the difference is 0 kr.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any

from agreement_engine.billing.lines import EXACT_SUMS
from agreement_engine.data.dialect import match_municipality
from agreement_engine.diagnostics import EngineError, UsageError, did_you_mean, error
from agreement_engine.ledger.changes import as_record, changes
from agreement_engine.ledger.drafting import Prepared, replaced
from agreement_engine.ledger.history import History, Writer, document, histories
from agreement_engine.ledger.records import amount_text
from agreement_engine.ledger.results import NoteResult, SendResult
from agreement_engine.ledger.store import Store
from agreement_engine.months import YearMonth

if TYPE_CHECKING:
    from agreement_engine.ledger.book import Billed


def send(
    store: Store, month: YearMonth, municipality: str | None, *, accept: str | None, by: str
) -> SendResult:
    """Send a month's drafts (or one municipality's); see :meth:`.Ledger.send`."""
    with store.writing() as (conn, head):
        found = histories(conn, [str(month)])
        if municipality is not None:
            name = _municipality(municipality, sorted({m for m, _ in found}), month)
            found = {key: h for key, h in found.items() if key[0] == name}
        whose = f" for {municipality}" if municipality else ""
        if not found:
            raise _refused(
                f"there are no drafts of {month}{whose} to send; nothing was sent",
                f"draft them first: agreement-engine invoice draft --month {month} --data FILE",
            )
        due = sorted((h for h in found.values() if h.invoice is None), key=_first_drafted)
        if not due:
            numbers = ", ".join(str(h.invoice.number) for h in found.values() if h.invoice)
            raise _refused(
                f"{month}{whose} is already sent (invoice {numbers}); nothing was sent",
                "a sent invoice is never changed; correct one with agreement-engine invoice "
                "correct",
            )
        _refuse_not_computed(due, month)
        if accept is None:
            _refuse_provisional(due, month)
        writer = Writer(conn, head, by)
        for history in due:
            _invoice(writer, history, accept)
        writer.finish()
    return SendResult(tuple(document(event) for event in writer.events))


def _invoice(writer: Writer, history: History, accept: str | None) -> int:
    version = history.latest
    provisional = version.status == "provisional"
    body = {
        "draft": version.seq,
        "draft_hash": version.hash,
        "accepted_provisional": accept if provisional else None,
    }
    return writer.add(
        "invoice",
        history.municipality,
        history.month,
        body,
        status=version.status,
        amount=version.amount,
        number=writer.next_number(),
        reason=accept if provisional else None,
    )


def _refuse_not_computed(due: list[History], month: YearMonth) -> None:
    missing = [h for h in due if h.latest.status == "not computed"]
    if not missing:
        return
    named = "; ".join(
        f"{h.municipality} ({'; '.join(h.latest.content['line']['reasons'])})" for h in missing
    )
    raise _refused(
        f"lines not computed cannot be sent: {named}; nothing of {month} was sent",
        "give what they need (data, figures) and draft again, or send the others one by one "
        "with --municipality NAME",
    )


def _refuse_provisional(due: list[History], month: YearMonth) -> None:
    provisional = [h for h in due if h.latest.status == "provisional"]
    if not provisional:
        return
    names = ", ".join(h.municipality for h in provisional)
    first = provisional[0].latest.content["line"]["reasons"]
    raise _refused(
        f"provisional lines are sent only with --accept-provisional REASON: {names} "
        f"({'; '.join(first)}); nothing of {month} was sent",
        'say why they may go as they are, like --accept-provisional "figures for 2026 not '
        'published; corrected by note when they are"',
    )


def correct(
    store: Store, billed: Billed, *, reason: str, accept: str | None, by: str
) -> NoteResult:
    """Issue a credit or debit note for a sent municipality-month; see :meth:`.Ledger.correct`."""
    prepared = Prepared(billed)
    [version] = prepared.lines
    line = version.line
    month, municipality = str(line.month), line.municipality
    with store.writing() as (conn, head):
        history = histories(conn, [month], municipality).get((municipality, month))
        if history is None or history.invoice is None:
            raise _refused(
                f"{municipality} {month} is not sent yet, so there is no invoice to correct",
                f"change the draft instead: agreement-engine invoice adjust --month {month} "
                f"--municipality {municipality} --data FILE --reason TEXT",
            )
        invoice = document(history.invoice)
        if line.amount is None:
            raise _refused(
                f"{municipality} {month} cannot be computed now ({'; '.join(line.reasons)}); "
                "nothing was issued",
                "give what the line needs (data, figures) and run the correction again",
            )
        if line.status.value == "provisional" and accept is None:
            raise _refused(
                f"the corrected line is provisional ({'; '.join(line.reasons)}); a note from a "
                "provisional line is issued only with --accept-provisional REASON; nothing was "
                "issued",
                "say why it may go as it is, with --accept-provisional REASON",
            )
        booked = history.booked
        with localcontext(EXACT_SUMS):
            difference = line.amount - booked
        found = changes(history.latest.content, version.whole)
        if difference == 0:
            return NoteResult(None, invoice, booked, line.amount, found, billed)
        writer = Writer(conn, head, by)
        _note(writer, history, version.stored, booked, difference, found, reason, accept)
        prepared.keep(writer)
        writer.finish()
    [note] = writer.events
    return NoteResult(document(note), invoice, booked, line.amount, found, billed)


def _note(
    writer: Writer,
    history: History,
    body: dict[str, Any],
    booked: Decimal,
    difference: Decimal,
    found: Any,
    reason: str,
    accept: str | None,
) -> int:
    assert history.invoice is not None
    provisional = body["line"]["status"] == "provisional"  # (the stored body has it too)
    recorded = {
        **body,
        "invoice": history.invoice.number,
        "booked_before": amount_text(booked),
        "replaces": replaced(history.latest),
        "changes": as_record(found),
        "accepted_provisional": accept if provisional else None,
    }
    return writer.add(
        "credit note" if difference < 0 else "debit note",
        history.municipality,
        history.month,
        recorded,
        status=body["line"]["status"],
        amount=amount_text(difference),
        number=writer.next_number(),
        refers_to=history.invoice.number,
        reason=reason,
    )


def _municipality(name: str, known: list[str], month: YearMonth) -> str:
    found = match_municipality(name, known)
    if found is not None:
        return found
    if not known:
        raise _refused(
            f"there are no drafts of {month} to send; nothing was sent",
            f"draft them first: agreement-engine invoice draft --month {month} --data FILE",
        )
    hint = did_you_mean(name, known) or "the drafts of this month are for: " + ", ".join(known)
    raise UsageError(f"no draft of {month} for '{name}'; {hint}")


def _refused(message: str, hint: str) -> EngineError:
    return EngineError([error(message, hint=hint, code="ledger-refused")])


def _first_drafted(history: History) -> int:
    """Invoices are numbered in the order the month was first drafted (the library's order)."""
    return history.versions[0].seq
