"""Drafts and adjustments: a month's invoice basis recorded, and changed until it is sent.

The routine "justering av fakturaunderlag" lets errors in the invoice basis be corrected until
the invoice is sent. Each version of a line is an event holding the line and everything it rests
on; a new version of a draft (an adjustment) also holds the version it replaces, what changed in
its inputs, the reason and who. A line that did not change records nothing.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from agreement_engine.billing.bill import InvoiceLine
from agreement_engine.billing.inputs import EpisodeData
from agreement_engine.diagnostics import EngineError, UsageError, error
from agreement_engine.ledger.changes import as_record, changes
from agreement_engine.ledger.episodes import counted_episodes
from agreement_engine.ledger.history import History, Writer, histories
from agreement_engine.ledger.records import (
    amount_text,
    canonical,
    episodes_record,
    line_record,
    manifest,
    sha256,
    texts,
)
from agreement_engine.ledger.results import Change, DraftOutcome, DraftResult, LineState
from agreement_engine.ledger.store import Store

if TYPE_CHECKING:
    from agreement_engine.ledger.book import Billed


class Prepared:
    """A run's lines with the bodies to record, and the texts those bodies name."""

    def __init__(self, billed: Billed) -> None:
        basis = billed.basis
        library = basis.library
        listed = canonical(manifest(library))
        self.library = sha256(listed)
        self.texts = {sha: ("agreement file", *found) for sha, found in texts(library).items()}
        self.texts[self.library] = ("library", "library", listed)
        source = billed.source
        episodes = counted_episodes(basis, source) if isinstance(source, EpisodeData) else {}
        shared = {
            "library": self.library,
            "data": {
                "path": billed.data_path,
                "sha256": billed.data_sha256,
                "kind": "episodes" if isinstance(source, EpisodeData) else "aggregates",
            },
            "engine": engine_version(),
        }
        self.lines: list[tuple[InvoiceLine, dict[str, Any]]] = []
        for line in basis.lines:
            body: dict[str, Any] = {"line": line_record(line, basis.assume_approved), **shared}
            counted = episodes.get((line.municipality, line.month))
            if counted is not None:
                body["episodes"] = episodes_record(*counted)
            self.lines.append((line, body))

    def keep(self, writer: Writer) -> None:
        for sha, (kind, name, text) in self.texts.items():
            writer.store(sha, kind, name, text)


@lru_cache(maxsize=1)
def engine_version() -> str:
    """The installed engine's version, recorded with every line."""
    try:
        return version("agreement-engine")
    except PackageNotFoundError:
        return "unknown"


def draft(store: Store, billed: Billed, *, reason: str | None, by: str) -> DraftResult:
    """Record a run's lines as drafts; see :meth:`.Ledger.draft`."""
    prepared = Prepared(billed)
    months = sorted({str(line.month) for line, _ in prepared.lines})
    with store.writing() as (conn, head):
        found = histories(conn, months)
        writer = Writer(conn, head, by)
        states: list[LineState] = []
        needs_reason: list[LineState] = []
        for line, body in prepared.lines:
            history = found.get((line.municipality, str(line.month)))
            state = _version(writer, line, body, history, reason)
            (needs_reason if state is None else states).append(
                state or _pending(line, body, history)
            )
        if needs_reason:
            raise UsageError(_reason_needed(needs_reason))
        if writer.events:
            prepared.keep(writer)
        writer.finish()
    return DraftResult(tuple(states), billed)


def adjust(store: Store, billed: Billed, *, reason: str, by: str) -> DraftResult:
    """Record one municipality-month computed again; see :meth:`.Ledger.adjust`."""
    prepared = Prepared(billed)
    [(line, body)] = prepared.lines
    month, municipality = str(line.month), line.municipality
    with store.writing() as (conn, head):
        history = histories(conn, [month], municipality).get((municipality, month))
        if history is None:
            raise _refused(
                f"there is no draft of {municipality} {month} to adjust",
                f"draft it first: agreement-engine invoice draft --month {month} --data FILE",
            )
        if history.invoice is not None:
            raise _refused(
                f"{municipality} {month} was sent as invoice {history.invoice.number} on "
                f"{history.invoice.recorded_at}; a sent invoice is never changed",
                f"correct it with a credit or debit note: agreement-engine invoice correct "
                f"--month {month} --municipality {municipality} --data FILE --reason TEXT",
            )
        writer = Writer(conn, head, by)
        state = _version(writer, line, body, history, reason)
        assert state is not None
        if writer.events:
            prepared.keep(writer)
        writer.finish()
    return DraftResult((state,), billed)


def _version(
    writer: Writer,
    line: InvoiceLine,
    body: dict[str, Any],
    history: History | None,
    reason: str | None,
) -> LineState | None:
    """Record a line as a draft, or as an adjustment of the draft it changes; None when it
    changes a draft and no reason is given."""
    month = str(line.month)
    amount = amount_text(line.amount)
    if history is None:
        event = writer.add(
            "draft", line.municipality, month, body, status=line.status.value, amount=amount
        )
        return _state(line, DraftOutcome.DRAFTED, None, (), event.seq)
    old = history.latest
    if history.invoice is not None:
        return _state(line, DraftOutcome.SENT, None, (), None, history.invoice.number)
    previous = old.content
    found = changes(previous, body)
    if previous["line"] == body["line"] and previous.get("episodes") == body.get("episodes"):
        return _state(line, DraftOutcome.UNCHANGED, old.money, (), None)
    if reason is None:
        return None
    body = {**body, "replaces": old.seq, "changes": as_record(found)}
    event = writer.add(
        "adjustment",
        line.municipality,
        month,
        body,
        status=line.status.value,
        amount=amount,
        reason=reason,
    )
    return _state(line, DraftOutcome.ADJUSTED, old.money, found, event.seq)


def _state(
    line: InvoiceLine,
    outcome: DraftOutcome,
    previous: Any,
    found: tuple[Change, ...],
    seq: int | None,
    invoice: int | None = None,
) -> LineState:
    return LineState(
        municipality=line.municipality,
        month=line.month,
        outcome=outcome,
        status=line.status.value,
        amount=line.amount,
        previous=previous,
        reasons=line.reasons,
        changes=found,
        seq=seq,
        invoice=invoice,
    )


def _pending(line: InvoiceLine, body: dict[str, Any], history: History | None) -> LineState:
    assert history is not None
    found = changes(history.latest.content, body)
    return _state(line, DraftOutcome.ADJUSTED, history.latest.money, found, None)


def _reason_needed(lines: list[LineState]) -> str:
    shown = ", ".join(
        f"{s.municipality} {s.month} ({_kr(s.previous)} → {_kr(s.amount)})" for s in lines[:6]
    )
    more = f" and {len(lines) - 6} more" if len(lines) > 6 else ""
    return (
        f"--reason is needed: drafts not yet sent would change: {shown}{more}; nothing was "
        'recorded\nhint: say why, like --reason "corrected registrations from the hospital"'
    )


def _kr(amount: Any) -> str:
    return "not computed" if amount is None else f"{amount} kr"


def _refused(message: str, hint: str) -> EngineError:
    return EngineError([error(message, hint=hint, code="ledger-refused")])
