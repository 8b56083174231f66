"""Reading the ledger: its municipality-months, its documents, and one document as sent."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from agreement_engine.billing.inputs import Origin
from agreement_engine.diagnostics import Text, UsageError
from agreement_engine.ledger import tables
from agreement_engine.ledger.history import document, event_of, events_of, histories
from agreement_engine.ledger.recompute import Libraries, job, recompute
from agreement_engine.ledger.results import Document, Entry, Shown
from agreement_engine.ledger.store import Store
from agreement_engine.months import YearMonth


def entries(store: Store, month: YearMonth | None) -> tuple[Entry, ...]:
    with store.reading() as conn:
        found = histories(conn, None if month is None else [str(month)])
    out = []
    for history in sorted(found.values(), key=lambda h: (h.month, h.versions[0].seq)):
        latest = history.latest
        amount = latest.content["line"]["amount"]
        last = max([*history.versions, *([history.invoice] if history.invoice else [])], key=_seq)
        out.append(
            Entry(
                municipality=history.municipality,
                month=YearMonth.parse(history.month),
                status=latest.status,
                amount=None if amount is None else Decimal(amount),
                invoice=document(history.invoice) if history.invoice else None,
                notes=tuple(document(note) for note in history.notes),
                booked=history.booked if history.invoice else None,
                changed_at=last.recorded_at,
                changed_by=last.recorded_by,
            )
        )
    return tuple(out)


def _seq(event: object) -> int:
    seq = getattr(event, "seq", 0)
    assert isinstance(seq, int)
    return seq


def documents(store: Store, month: YearMonth | None) -> tuple[Document, ...]:
    query = select(tables.events).where(tables.events.c.number.is_not(None))
    if month is not None:
        query = query.where(tables.events.c.month == str(month))
    with store.reading() as conn:
        rows = conn.execute(query.order_by(tables.events.c.number)).all()
    return tuple(document(event_of(row)) for row in rows)


def show(store: Store, number: int) -> Shown:
    """A document, and its line computed again from the ledger (for its derivation)."""
    with store.reading() as conn:
        row = conn.execute(
            select(tables.events).where(tables.events.c.number == number)
        ).one_or_none()
        if row is None:
            raise UsageError(
                f"the ledger {store.where} has no document numbered {number}\n"
                "hint: agreement-engine invoice list shows the numbers"
            )
        [event] = events_of(conn, [row])
        found = histories(conn, [event.month], event.municipality)
        history = found[(event.municipality, event.month)]
        version = event
        if event.kind == "invoice":
            version = next(v for v in history.versions if v.seq == event.content["draft"])
        body = version.content
        library = Libraries(conn)(body["library"])
        assume = bool(body["line"]["governance"]["assume_approved"])
        [line] = recompute(library, [job(event.municipality, event.month, body)], assume)
    related = tuple(
        document(e) for e in ([history.invoice] if history.invoice else []) + history.notes
    )
    data = body.get("data") or {}
    origin = None
    if data:
        counted = data.get("kind") == "episodes"
        path, sha = data["path"], data["sha256"][:12]
        place = (
            Text("the episodes in {path} (sha256 {sha})", path=path, sha=sha)
            if counted
            else Text("the figures of {path} (sha256 {sha})", path=path, sha=sha)
        )
        origin = Origin(place, counted)
    return Shown(
        document=document(event),
        line=line,
        library=library,
        origin=origin,
        record=body["line"],
        related=related,
        booked=history.booked,
        provisional_reason=event.content.get("accepted_provisional"),
    )
