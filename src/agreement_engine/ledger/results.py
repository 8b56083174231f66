"""What the ledger's actions give back: values for the public API and the renderers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from agreement_engine.agreements.library import Library
from agreement_engine.billing.inputs import Origin
from agreement_engine.billing.lines import InvoiceLine
from agreement_engine.months import YearMonth

if TYPE_CHECKING:
    from agreement_engine.ledger.book import Billed


class DraftOutcome(StrEnum):
    """What drafting did with one municipality-month."""

    DRAFTED = "drafted"
    ADJUSTED = "adjusted"
    UNCHANGED = "unchanged"
    SENT = "already sent"


@dataclass(frozen=True, slots=True)
class Change:
    """One thing that changed in what a line rests on: ``what`` (approval, agreement file,
    figure, aggregate, episodes, data) and a sentence saying it; ``detail`` in full, as recorded."""

    what: str
    text: str
    detail: dict[str, Any]


class LineState(NamedTuple):
    """One municipality-month after drafting or adjusting (a national run has tens of thousands:
    a tuple is the cheapest value to make)."""

    municipality: str
    month: YearMonth
    outcome: DraftOutcome
    status: str
    amount: Decimal | None
    previous: Decimal | None
    """The amount of the draft it replaced (adjusted), or None."""
    reasons: tuple[str, ...]
    changes: tuple[Change, ...]
    seq: int | None
    """The event recorded, if any."""
    invoice: int | None = None
    """The invoice's number, when already sent."""


@dataclass(frozen=True, slots=True)
class DraftResult:
    lines: tuple[LineState, ...]
    billed: Billed

    @property
    def not_computed(self) -> list[LineState]:
        return [line for line in self.lines if line.status == "not computed"]

    @property
    def recorded(self) -> int:
        return sum(line.seq is not None for line in self.lines)


@dataclass(frozen=True, slots=True)
class Document:
    """A document as sent: an invoice, or a credit or debit note referring to one."""

    number: int
    kind: str
    municipality: str
    month: YearMonth
    amount: Decimal
    """What it bills: the invoice's amount; a note's difference (credit notes below zero)."""
    status: str
    refers_to: int | None
    recorded_at: str
    recorded_by: str
    reason: str | None
    """Why a note was issued; why a provisional invoice was sent anyway."""
    seq: int


@dataclass(frozen=True, slots=True)
class SendResult:
    documents: tuple[Document, ...]


@dataclass(frozen=True, slots=True)
class NoteResult:
    """A correction: the note issued (None when the difference is 0 kr) against the invoice."""

    document: Document | None
    invoice: Document
    booked: Decimal
    """The invoice plus every earlier note, before this one."""
    computed: Decimal
    changes: tuple[Change, ...]
    billed: Billed

    @property
    def difference(self) -> Decimal:
        return self.computed - self.booked


@dataclass(frozen=True, slots=True)
class StaleItem:
    """A sent municipality-month whose amount would differ if computed today."""

    invoice: Document
    booked: Decimal
    today: Decimal | None
    """None when it cannot be computed from what is at hand (``why`` says so)."""
    causes: tuple[Change, ...]
    why: str | None = None

    @property
    def difference(self) -> Decimal | None:
        return None if self.today is None else self.today - self.booked


@dataclass(frozen=True, slots=True)
class Shown:
    """A document as sent, with the line it rests on computed again from what the ledger holds
    (for its derivation, as ``explain`` shows it), and the documents of its municipality-month."""

    document: Document
    line: InvoiceLine
    library: Library
    origin: Origin | None
    record: dict[str, Any]
    """The line as the ledger recorded it."""
    related: tuple[Document, ...]
    booked: Decimal
    provisional_reason: str | None


@dataclass(frozen=True, slots=True)
class VerifyReport:
    events: int
    documents: int
    recomputed: int
    head: str
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    """One municipality-month as the ledger holds it: its latest line, and its documents."""

    municipality: str
    month: YearMonth
    status: str
    amount: Decimal | None
    """The latest line's amount (of the draft, or as last corrected)."""
    invoice: Document | None
    notes: tuple[Document, ...]
    booked: Decimal | None
    """The invoice plus its notes; None before sending."""
    changed_at: str
    changed_by: str
