"""Drafts and adjustments: a month's invoice basis recorded, and changed until it is sent.

The routine "justering av fakturaunderlag" lets errors in the invoice basis be corrected until
the invoice is sent. Each version of a line is an event holding the line and everything it rests
on; a new version of a draft (an adjustment) also holds the version it replaces, what changed in
its inputs, the reason and who. A line that did not change records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from agreement_engine.billing.inputs import EpisodeData
from agreement_engine.billing.lines import InvoiceLine
from agreement_engine.diagnostics import EngineError, UsageError, error
from agreement_engine.ledger.changes import as_record, changes
from agreement_engine.ledger.episodes import counted_episodes
from agreement_engine.ledger.history import History, Writer, histories
from agreement_engine.ledger.records import (
    Event,
    canonical,
    episodes_record,
    line_text,
    manifest,
    own_record,
    sha256,
    shared_record,
    texts,
)
from agreement_engine.ledger.results import Change, DraftOutcome, DraftResult, LineState
from agreement_engine.ledger.store import Store

if TYPE_CHECKING:
    from agreement_engine.ledger.book import Billed


@dataclass(frozen=True, slots=True)
class Version:
    """A line about to be recorded: its own record, its shared parts (named by ``shared``,
    their hash) and what the run's lines share (``top``), the counted episodes if any, and the
    body to store as canonical JSON. The whole record (to compare with the version before it)
    and the stored body are made only when wanted: most lines of a run are simply recorded."""

    line: InvoiceLine
    month: str
    own: dict[str, Any]
    parts: dict[str, Any]
    shared: str
    top: dict[str, Any]
    episodes: dict[str, Any] | None
    text: str
    """The stored body as canonical JSON."""

    @property
    def status(self) -> str:
        status: str = self.own["status"]
        return status

    @property
    def amount(self) -> str | None:
        amount: str | None = self.own["amount"]
        return amount

    @property
    def whole(self) -> dict[str, Any]:
        found = {"line": {**self.own, **self.parts}, **self.top}
        if self.episodes is not None:
            found["episodes"] = self.episodes
        return found

    @property
    def stored(self) -> dict[str, Any]:
        found: dict[str, Any] = {"line": {**self.own, "shared": self.shared}}
        if self.episodes is not None:
            found["episodes"] = self.episodes
        return found

    def body(self, **more: Any) -> dict[str, Any]:
        return {**self.stored, **more}


class Prepared:
    """A run's lines made ready to record, and the texts their bodies name: the agreement files,
    the list of them, and the parts of lines that lines share."""

    def __init__(self, billed: Billed) -> None:
        basis = billed.basis
        library = basis.library
        listed = canonical(manifest(library))
        self.library = sha256(listed)
        self.texts = {sha: ("agreement file", *found) for sha, found in texts(library).items()}
        self.texts[self.library] = ("library", "library", listed)
        source = billed.source
        episodes = counted_episodes(basis, source) if isinstance(source, EpisodeData) else {}
        top: dict[str, Any] = {
            "library": self.library,
            "data": {
                "path": billed.data_path,
                "sha256": billed.data_sha256,
                "kind": "episodes" if isinstance(source, EpisodeData) else "aggregates",
            },
            "engine": engine_version(),
        }
        shared = _SharedParts(basis.assume_approved, top, self.texts)
        self.lines: list[Version] = []
        months = {month: str(month) for month in basis.months}
        reasons: dict[tuple[str, ...], str] = {}  # the lines of a month mostly say the same
        for line in basis.lines:
            month = months[line.month]
            own = own_record(line)
            sha, parts = shared(line)
            counted = episodes.get((line.municipality, line.month))
            said = reasons.get(line.reasons)
            if said is None:
                said = reasons[line.reasons] = canonical(own["reasons"])
            text = line_text(own, said, sha)
            if counted is not None:
                counted = episodes_record(counted)
                text = '{"episodes":' + canonical(counted) + "," + text[1:]  # keys sorted
            self.lines.append(Version(line, month, own, parts, sha, top, counted, text))

    def keep(self, writer: Writer) -> None:
        for sha, (kind, name, text) in self.texts.items():
            writer.store(sha, kind, name, text)


class _SharedParts:
    """The shared parts of each line's record (:func:`.records.shared_parts`), made and written
    once for the lines that share them: the lines of one month and rules share the very objects
    they come from, which stay alive (in the basis) while these are made."""

    def __init__(
        self,
        assume_approved: bool,
        top: dict[str, Any],
        texts: dict[str, tuple[str, str, str]],
    ) -> None:
        self.assume_approved = assume_approved
        self.top = top
        self.texts = texts
        self.made: dict[tuple[int, ...], tuple[str, dict[str, Any]]] = {}

    def __call__(self, line: InvoiceLine) -> tuple[str, dict[str, Any]]:
        g = line.governance
        key: tuple[int, ...] = (id(line.figures), id(line.assumptions), id(g.governing))
        key += (id(g.pending), *map(id, line.documents))
        found = self.made.get(key)
        if found is None:
            parts = shared_record(line, self.assume_approved)
            text = canonical({"line": parts, **self.top})
            sha = sha256(text)
            self.texts.setdefault(sha, ("shared", "shared parts of lines", text))
            found = self.made[key] = (sha, parts)
        return found


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
    months = sorted({v.month for v in prepared.lines})
    with store.writing() as (conn, head):
        found = histories(conn, months)
        writer = Writer(conn, head, by)
        states: list[LineState] = []
        needs_reason: list[LineState] = []
        for version in prepared.lines:
            history = found.get((version.line.municipality, version.month))
            state = _version(writer, version, history, reason)
            (needs_reason if state is None else states).append(state or _pending(version, history))
        if needs_reason:
            raise UsageError(_reason_needed(needs_reason))
        if writer.rows:
            prepared.keep(writer)
        writer.finish()
    return DraftResult(tuple(states), billed)


def adjust(store: Store, billed: Billed, *, reason: str, by: str) -> DraftResult:
    """Record one municipality-month computed again; see :meth:`.Ledger.adjust`."""
    prepared = Prepared(billed)
    [version] = prepared.lines
    line = version.line
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
        state = _version(writer, version, history, reason)
        assert state is not None
        if writer.rows:
            prepared.keep(writer)
        writer.finish()
    return DraftResult((state,), billed)


def _version(
    writer: Writer, version: Version, history: History | None, reason: str | None
) -> LineState | None:
    """Record a line as a draft, or as an adjustment of the draft it changes; None when it
    changes a draft and no reason is given."""
    line = version.line
    status = version.status
    if history is None:
        amount = version.amount
        seq = writer.add(
            "draft", line.municipality, version.month, version.text, status=status, amount=amount
        )
        return _state(line, status, DraftOutcome.DRAFTED, None, (), seq)
    old = history.latest
    if history.invoice is not None:
        return _state(line, status, DraftOutcome.SENT, None, (), None, history.invoice.number)
    previous = old.content
    whole = version.whole
    if previous["line"] == whole["line"] and previous.get("episodes") == whole.get("episodes"):
        return _state(line, status, DraftOutcome.UNCHANGED, old.money, (), None)
    if reason is None:
        return None
    found = changes(previous, whole)
    body = version.body(replaces=replaced(old), changes=as_record(found))
    seq = writer.add(
        "adjustment",
        line.municipality,
        version.month,
        body,
        status=status,
        amount=version.amount,
        reason=reason,
    )
    return _state(line, status, DraftOutcome.ADJUSTED, old.money, found, seq)


def replaced(old: Event) -> dict[str, Any]:
    """The version a new one replaces, as recorded with it: where it is in the chain (its seq
    and hash) and its line's amount and status, the old line beside the new."""
    line = old.content["line"]
    return {"seq": old.seq, "hash": old.hash, "amount": line["amount"], "status": line["status"]}


def _state(
    line: InvoiceLine,
    status: str,
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
        status=status,
        amount=line.amount,
        previous=previous,
        reasons=line.reasons,
        changes=found,
        seq=seq,
        invoice=invoice,
    )


def _pending(version: Version, history: History | None) -> LineState:
    assert history is not None
    found = changes(history.latest.content, version.whole)
    status = version.status
    return _state(version.line, status, DraftOutcome.ADJUSTED, history.latest.money, found, None)


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
