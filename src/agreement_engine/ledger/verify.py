"""``ledger verify``: the chain of events unbroken, the numbers unbroken, the stored texts intact,
and every sent document computed again from what the ledger holds, to the öre."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, localcontext
from typing import Any

from sqlalchemy import select

from agreement_engine.billing.lines import EXACT_SUMS
from agreement_engine.diagnostics import EngineError
from agreement_engine.ledger import tables
from agreement_engine.ledger.history import events_of
from agreement_engine.ledger.recompute import Job, Libraries, job, recompute
from agreement_engine.ledger.records import DOCUMENTS, Event, sha256
from agreement_engine.ledger.results import VerifyReport
from agreement_engine.ledger.store import Store
from agreement_engine.ledger.tables import GENESIS

SHOWN = 50
"""Problems listed at most (a ledger edited wholesale would list every row)."""


def verify(store: Store) -> VerifyReport:
    with store.reading() as conn:
        rows = events_of(conn, conn.execute(select(tables.events).order_by("seq")))
        head = conn.execute(select(tables.state)).one()
        texts = conn.execute(select(tables.blobs.c.sha256, tables.blobs.c.text)).all()
        problems = [
            *chain_problems(rows, head.last_seq, head.last_hash),
            *number_problems(rows, head.last_number),
            *(
                f"the stored text {sha[:12]} was edited: its content does not match its hash"
                for sha, text in texts
                if sha256(text) != sha
            ),
        ]
        recomputed, found = _recompute(rows, Libraries(conn))
    problems += found
    documents = sum(e.kind in DOCUMENTS for e in rows)
    shown = problems[:SHOWN]
    if len(problems) > SHOWN:
        shown.append(f"… and {len(problems) - SHOWN} more problems")
    return VerifyReport(len(rows), documents, recomputed, head.last_hash, tuple(shown))


def chain_problems(rows: Sequence[Event], last_seq: int, last_hash: str) -> list[str]:
    """Edited, deleted and reordered rows, each named."""
    problems: list[str] = []
    depth = _depths(rows)
    expected_seq, expected_previous, in_order = 1, GENESIS, True
    for event in rows:
        if event.seq > expected_seq:
            problems.append(_gap(expected_seq, event.seq - 1, "deleted"))
            in_order = False
        if event.computed_hash() != event.hash:
            moved = depth.get(event.hash)
            if (
                moved is not None
                and moved != event.seq
                and event.computed_hash(moved) == event.hash
            ):
                problems.append(f"row {event.seq} holds event {moved}: rows were reordered")
            else:
                problems.append(
                    f"event {event.seq} ({event.kind}, {event.municipality} {event.month}) was "
                    "edited: its content does not match its hash"
                )
            in_order = False
        elif event.previous_hash != expected_previous and in_order:
            problems.append(
                f"event {event.seq} does not follow event {event.seq - 1}: the chain is broken "
                "there (a row was edited and its hash made again, or rows were removed)"
            )
        else:
            in_order = True
        expected_seq, expected_previous = event.seq + 1, event.hash
    if last_seq > expected_seq - 1:
        problems.append(_gap(expected_seq, last_seq, "deleted from the end"))
    elif rows and last_hash != rows[-1].hash and not problems:
        problems.append("the ledger's head does not match its last event: the chain was rewritten")
    return problems


def _gap(first: int, last: int, how: str) -> str:
    if first == last:
        return f"event {first} is missing: the row was {how}"
    return f"events {first}–{last} are missing: the rows were {how}"


def _depths(rows: Sequence[Event]) -> dict[str, int]:
    """Each event's place in the chain, by its hash, following the previous hashes back."""
    previous = {event.hash: event.previous_hash for event in rows}
    depth: dict[str, int] = {GENESIS: 0}
    for event in rows:
        path: list[str] = []
        link = event.hash
        while link not in depth and link in previous and len(path) <= len(rows):
            path.append(link)
            link = previous[link]
        if link in depth:
            for step, found in enumerate(reversed(path), 1):
                depth[found] = depth[link] + step
    return depth


def number_problems(rows: Sequence[Event], last_number: int) -> list[str]:
    """Numbers used twice, skipped, or out of order."""
    numbers = [e.number for e in rows if e.number is not None]
    problems = []
    seen: set[int] = set()
    for number in numbers:
        if number in seen:
            problems.append(f"number {number} is used twice")
        seen.add(number)
    missing = sorted(set(range(1, last_number + 1)) - seen)
    if missing:
        shown = ", ".join(map(str, missing[:10]))
        problems.append(f"document number{'s' if len(missing) > 1 else ''} {shown} missing")
    if numbers != sorted(numbers):
        problems.append("document numbers are out of order")
    return problems


def _recompute(rows: Sequence[Event], libraries: Libraries) -> tuple[int, list[str]]:
    """Compute every sent document again; the problems found."""
    by_seq = {e.seq: e for e in rows}
    checks: list[tuple[Event, Event]] = []  # (document, the version it rests on)
    problems: list[str] = []
    for event in rows:
        try:
            rests_on = _version(event, by_seq)
        except EngineError as exc:
            problems.append(f"event {event.seq}: {exc.diagnostics[0].message}")
            continue
        if isinstance(rests_on, str):
            problems.append(rests_on)
        elif rests_on is not None:
            checks.append((event, rests_on))
    groups: dict[tuple[str, bool], list[tuple[Event, Event]]] = {}
    for document, version in checks:
        line = version.content["line"]
        key = (version.content["library"], bool(line["governance"]["assume_approved"]))
        groups.setdefault(key, []).append((document, version))
    for (library, assume), group in groups.items():
        try:
            loaded = libraries(library)
        except EngineError as exc:
            problems += [f"{d.message}" for d in exc.diagnostics]
            continue
        jobs: list[Job] = [job(v.municipality, v.month, v.content) for _, v in group]
        for (document, version), line in zip(group, recompute(loaded, jobs, assume), strict=True):
            problems += _compare(document, version.content, line.amount, rows)
    return len(checks), problems


def _version(event: Event, by_seq: dict[int, Event]) -> Event | str | None:
    """The version of a line a document rests on (its whole body read); a problem; or None
    for an event that is no document."""
    if event.kind == "invoice":
        seq = event.content.get("draft", -1)
        version = by_seq.get(seq)
        if version is None:
            return f"invoice {event.number}: the draft it sent (event {seq}) is missing"
        if version.hash != event.content.get("draft_hash"):
            return f"invoice {event.number}: the draft it sent (event {seq}) was changed since"
        version.content  # noqa: B018  (read now: a text it names may be lost)
        return version
    if event.kind in DOCUMENTS:
        event.content  # noqa: B018
        return event
    return None


def _compare(
    document: Event, body: dict[str, Any], amount: Decimal | None, rows: Sequence[Event]
) -> list[str]:
    name = f"{document.kind} {document.number} ({document.municipality} {document.month})"
    stored = body["line"]["amount"]
    if amount is None or Decimal(stored) != amount:
        again = "not computed" if amount is None else f"{amount} kr"
        return [f"{name}: computed again it comes to {again}, not {stored} kr as recorded"]
    if document.kind == "invoice":
        if document.money != amount:
            return [f"{name}: billed {document.amount} kr, but its line comes to {amount} kr"]
        return []
    earlier = [
        e.money
        for e in rows
        if e.seq < document.seq
        and e.kind in DOCUMENTS
        and (e.number == document.refers_to or e.refers_to == document.refers_to)
        and e.money is not None
    ]
    with localcontext(EXACT_SUMS):
        booked = sum(earlier, Decimal(0))
        expected = amount - booked
    if document.money != expected:
        return [
            f"{name}: the line comes to {amount} kr and {booked} kr was billed before, so the "
            f"note should be {expected} kr, not {document.amount} kr"
        ]
    return []
