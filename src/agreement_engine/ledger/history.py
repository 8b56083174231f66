"""Reading the ledger's events back: the history of each municipality-month, and the writer
that appends new events to the chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from agreement_engine.billing.bill import EXACT_SUMS
from agreement_engine.ledger import tables
from agreement_engine.ledger.records import DOCUMENTS, VERSIONS, Event, canonical, chained
from agreement_engine.ledger.results import Document
from agreement_engine.ledger.store import Head
from agreement_engine.months import YearMonth


@dataclass
class History:
    """One municipality-month: its versions (drafts, adjustments, notes), invoice and notes."""

    municipality: str
    month: str
    versions: list[Event] = field(default_factory=list)
    invoice: Event | None = None
    notes: list[Event] = field(default_factory=list)

    @property
    def latest(self) -> Event:
        return self.versions[-1]

    @property
    def booked(self) -> Decimal:
        """The invoice plus every note, exactly."""
        amounts = [e.money for e in ([self.invoice] if self.invoice else []) + self.notes]
        with localcontext(EXACT_SUMS):
            return sum((a for a in amounts if a is not None), Decimal(0))


def event_of(row: Any) -> Event:
    return Event(**{name: getattr(row, name) for name in Event.__dataclass_fields__})


def histories(
    conn: Connection,
    months: Iterable[str] | None = None,
    municipality: str | None = None,
) -> dict[tuple[str, str], History]:
    """The histories of these months (all when None), in the order first recorded."""
    query = select(tables.events).order_by(tables.events.c.seq)
    if months is not None:
        query = query.where(tables.events.c.month.in_(list(months)))
    if municipality is not None:
        query = query.where(tables.events.c.municipality == municipality)
    found: dict[tuple[str, str], History] = {}
    for row in conn.execute(query):
        add(found, event_of(row))
    return found


def add(found: dict[tuple[str, str], History], event: Event) -> None:
    key = (event.municipality, event.month)
    history = found.get(key)
    if history is None:
        history = found[key] = History(event.municipality, event.month)
    if event.kind in VERSIONS:
        history.versions.append(event)
    if event.kind == "invoice":
        history.invoice = event
    elif event.kind in DOCUMENTS:
        history.notes.append(event)


def document(event: Event) -> Document:
    """A document event as a :class:`Document`."""
    assert event.number is not None and event.amount is not None
    return Document(
        number=event.number,
        kind=event.kind,
        municipality=event.municipality,
        month=YearMonth.parse(event.month),
        amount=Decimal(event.amount),
        status=event.status,
        refers_to=event.refers_to,
        recorded_at=event.recorded_at,
        recorded_by=event.recorded_by,
        reason=event.reason,
        seq=event.seq,
    )


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Writer:
    """Appends one action's events to the chain, and stores the texts they name, in the
    transaction of :meth:`.Store.writing`; nothing is written until :meth:`finish`."""

    def __init__(self, conn: Connection, head: Head, by: str) -> None:
        self.conn = conn
        self.by = by
        self.at = now()
        self.seq = head.last_seq
        self.hash = head.last_hash
        self.number = head.last_number
        self.action = head.last_seq + 1
        self.events: list[Event] = []
        self.blobs: dict[str, tuple[str, str, str]] = {}

    def next_number(self) -> int:
        self.number += 1
        return self.number

    def add(
        self,
        kind: str,
        municipality: str,
        month: str,
        body: Mapping[str, Any],
        *,
        status: str,
        amount: str | None = None,
        number: int | None = None,
        refers_to: int | None = None,
        reason: str | None = None,
    ) -> Event:
        self.seq += 1
        made = chained(
            self.hash,
            self.seq,
            kind,
            municipality,
            month,
            canonical(body),
            action=self.action,
            at=self.at,
            by=self.by,
            status=status,
            amount=amount,
            number=number,
            refers_to=refers_to,
            reason=reason,
        )
        self.hash = made.hash
        self.events.append(made)
        return made

    def store(self, sha256: str, kind: str, name: str, text: str) -> None:
        """A text to keep by its hash, once."""
        self.blobs.setdefault(sha256, (kind, name, text))

    def finish(self) -> None:
        if not self.events:
            return
        if self.blobs:
            column = tables.blobs.c.sha256
            present = set(
                self.conn.execute(select(column).where(column.in_(list(self.blobs)))).scalars()
            )
            missing = [
                {"sha256": sha, "kind": kind, "name": name, "text": text}
                for sha, (kind, name, text) in self.blobs.items()
                if sha not in present
            ]
            if missing:
                self.conn.execute(tables.blobs.insert(), missing)
        self.conn.execute(tables.events.insert(), [e.row() for e in self.events])
        self.conn.execute(
            update(tables.state)
            .where(tables.state.c.id == 1)
            .values(last_seq=self.seq, last_hash=self.hash, last_number=self.number)
        )
