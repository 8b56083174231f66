"""Reading the ledger's events back: the history of each municipality-month, and the writer
that appends new events to the chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, localcontext
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.engine import Connection

from agreement_engine.billing.lines import EXACT_SUMS
from agreement_engine.ledger import tables
from agreement_engine.ledger.records import (
    DOCUMENTS,
    EVENT_COLUMNS,
    VERSIONS,
    Event,
    canonical,
    chained,
)
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


def event_of(row: Any, shared: Mapping[str, str] | None = None) -> Event:
    values = {name: getattr(row, name) for name in EVENT_COLUMNS}
    return Event(**values, shared=shared or {})


def events_of(conn: Connection, rows: Iterable[Any]) -> list[Event]:
    """Events from rows, with the shared parts of lines they name."""
    found = [event_of(row) for row in rows]
    shas = {sha for event in found if (sha := event.shared_sha()) is not None}
    if not shas:
        return found
    column = tables.blobs.c.sha256
    query = select(column, tables.blobs.c.text).where(column.in_(sorted(shas)))
    texts = {row.sha256: row.text for row in conn.execute(query)}
    return [replace(event, shared=texts) for event in found]


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
    for event in events_of(conn, conn.execute(query)):
        add(found, event)
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
        self.rows: list[tuple[Any, ...]] = []
        self.blobs: dict[str, tuple[str, str, str]] = {}

    def next_number(self) -> int:
        self.number += 1
        return self.number

    def add(
        self,
        kind: str,
        municipality: str,
        month: str,
        body: Mapping[str, Any] | str,
        *,
        status: str,
        amount: str | None = None,
        number: int | None = None,
        refers_to: int | None = None,
        reason: str | None = None,
    ) -> int:
        """Append an event (``body`` a mapping, or its canonical JSON); its number in the
        chain (seq)."""
        self.seq += 1
        fields = (
            self.seq,
            kind,
            municipality,
            month,
            number,
            refers_to,
            amount,
            status,
            self.action,
            self.at,
            self.by,
        )
        text = body if isinstance(body, str) else canonical(body)
        row = chained(self.hash, fields, reason, text)
        self.hash = row[-1]
        self.rows.append(row)
        return self.seq

    @property
    def events(self) -> list[Event]:
        return [Event(*row) for row in self.rows]

    def store(self, sha256: str, kind: str, name: str, text: str) -> None:
        """A text to keep by its hash, once."""
        self.blobs.setdefault(sha256, (kind, name, text))

    def finish(self) -> None:
        if not self.rows:
            return
        if self.blobs:
            column = tables.blobs.c.sha256
            present = set(
                self.conn.execute(select(column).where(column.in_(list(self.blobs)))).scalars()
            )
            missing = [
                (sha, kind, name, text)
                for sha, (kind, name, text) in self.blobs.items()
                if sha not in present
            ]
            insert_many(self.conn, tables.blobs, missing)
        insert_many(self.conn, tables.events, self.rows)
        self.conn.execute(
            update(tables.state)
            .where(tables.state.c.id == 1)
            .values(last_seq=self.seq, last_hash=self.hash, last_number=self.number)
        )


def insert_many(conn: Connection, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert rows given as tuples of the table's columns, in order, in one batch: the driver's
    own executemany, without building a mapping for each row."""
    if not rows:
        return
    compiled = table.insert().compile(dialect=conn.dialect)
    names = [column.name for column in table.columns]
    params: Sequence[Any] = rows
    if compiled.positional:
        assert compiled.positiontup is not None
        order = [names.index(name) for name in compiled.positiontup]
        if order != list(range(len(names))):
            params = [tuple(row[i] for i in order) for row in rows]
    else:
        params = [dict(zip(names, row, strict=True)) for row in rows]
    conn.exec_driver_sql(str(compiled), params)
