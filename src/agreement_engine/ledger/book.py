"""The ledger as the public API hands it out: each method one user action, one transaction.

Billing a data file is the public API's work (it loads and checks the agreement files and reads
the data); the ledger is handed that work as an :class:`Engine`, so that this package stays
below the API and knows nothing of how files are found.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from agreement_engine.agreements.library import Library
from agreement_engine.billing.inputs import AggregateData, EpisodeData
from agreement_engine.billing.lines import InvoiceBasis
from agreement_engine.data import ReadReport
from agreement_engine.diagnostics import Diagnostic, UsageError
from agreement_engine.ledger import drafting, reading, sending, stale, verify
from agreement_engine.ledger.results import (
    Document,
    DraftResult,
    Entry,
    NoteResult,
    SendResult,
    Shown,
    StaleItem,
    VerifyReport,
)
from agreement_engine.ledger.store import Store, open_store
from agreement_engine.months import YearMonth

DEFAULT_AGREEMENTS = ("agreements",)


@dataclass(frozen=True, slots=True)
class Billed:
    """An invoice basis and what it was computed from: the data file (path and SHA-256), the
    data as read (for where each line's inputs come from), and how reading it went."""

    basis: InvoiceBasis
    source: AggregateData | EpisodeData | None
    data_path: str
    data_sha256: str
    report: ReadReport
    warnings: tuple[Diagnostic, ...]

    @property
    def library(self) -> Library:
        return self.basis.library


class Engine(Protocol):
    """What the ledger needs done by the public API."""

    def bill(
        self,
        data: str,
        first: YearMonth,
        last: YearMonth | None,
        *,
        agreements: Sequence[str],
        assume_approved: bool,
        municipality: str | None,
    ) -> Billed:
        """The invoice basis of these months from a data file, under the agreement files."""

    def load(self, agreements: Sequence[str]) -> Library:
        """The agreement files, loaded and checked."""


class Ledger:
    """A ledger of drafts, invoices and notes, in the database ``where`` names (a file path,
    ``sqlite:///…`` or ``postgresql://…``). Each method is one action: it opens the ledger,
    records all of its events or none, and closes it."""

    def __init__(self, where: str, engine: Engine) -> None:
        self.where = where
        self.engine = engine

    @contextmanager
    def _open(self, create: bool = False) -> Iterator[Store]:
        store = open_store(self.where, create=create)
        try:
            yield store
        finally:
            store.dispose()

    def draft(
        self,
        data: str,
        first: YearMonth,
        last: YearMonth | None = None,
        *,
        agreements: Sequence[str] = DEFAULT_AGREEMENTS,
        assume_approved: bool = False,
        reason: str | None = None,
        by: str | None = None,
    ) -> DraftResult:
        """Record the invoice basis of these months as drafts, one per municipality and month.
        A draft that exists and is not sent is replaced by an adjustment when its line changed
        (which needs ``reason``); unchanged lines and sent months are left as they are."""
        billed = self.engine.bill(
            data,
            first,
            last,
            agreements=agreements,
            assume_approved=assume_approved,
            municipality=None,
        )
        with self._open(create=True) as store:
            return drafting.draft(store, billed, reason=_reason(reason), by=who(by))

    def adjust(
        self,
        data: str,
        month: YearMonth,
        municipality: str,
        *,
        reason: str,
        agreements: Sequence[str] = DEFAULT_AGREEMENTS,
        assume_approved: bool = False,
        by: str | None = None,
    ) -> DraftResult:
        """Compute one municipality-month again from corrected data, before it is sent, and
        record the new line with what changed and why; refused once it is sent."""
        given = _reason(reason)
        if given is None:
            raise UsageError("an adjustment needs --reason: say why the draft is changed")
        billed = self._one(data, month, municipality, agreements, assume_approved)
        with self._open() as store:
            return drafting.adjust(store, billed, reason=given, by=who(by))

    def send(
        self,
        month: YearMonth,
        municipality: str | None = None,
        *,
        accept_provisional: str | None = None,
        by: str | None = None,
    ) -> SendResult:
        """Send the drafts of a month (or one municipality's): each gets the next number."""
        with self._open() as store:
            return sending.send(
                store, month, municipality, accept=_reason(accept_provisional), by=who(by)
            )

    def correct(
        self,
        data: str,
        month: YearMonth,
        municipality: str,
        *,
        reason: str,
        agreements: Sequence[str] = DEFAULT_AGREEMENTS,
        assume_approved: bool = False,
        accept_provisional: str | None = None,
        by: str | None = None,
    ) -> NoteResult:
        """After sending: compute the line anew and issue a credit note (less) or a debit note
        (more) for the difference against the invoice and its earlier notes; nothing at 0 kr."""
        given = _reason(reason)
        if given is None:
            raise UsageError("a correction needs --reason: say why the invoice is corrected")
        billed = self._one(data, month, municipality, agreements, assume_approved)
        with self._open() as store:
            return sending.correct(
                store, billed, reason=given, accept=_reason(accept_provisional), by=who(by)
            )

    def _one(
        self,
        data: str,
        month: YearMonth,
        municipality: str,
        agreements: Sequence[str],
        assume_approved: bool,
    ) -> Billed:
        """One municipality-month computed again from ``data``, to adjust or correct it."""
        return self.engine.bill(
            data,
            month,
            None,
            agreements=agreements,
            assume_approved=assume_approved,
            municipality=municipality,
        )

    def stale(
        self, *, agreements: Sequence[str] = DEFAULT_AGREEMENTS, data: str | None = None
    ) -> tuple[StaleItem, ...]:
        """The sent municipality-months whose amount would differ if computed today, with the
        difference and the cause: finance's to-do list."""
        with self._open() as store:
            return stale.stale(store, self.engine, agreements, data)

    def entries(self, month: YearMonth | None = None) -> tuple[Entry, ...]:
        """Every municipality-month in the ledger (of one month), with its draft and documents."""
        with self._open() as store:
            return reading.entries(store, month)

    def documents(self, month: YearMonth | None = None) -> tuple[Document, ...]:
        """The documents sent (of one month), by number."""
        with self._open() as store:
            return reading.documents(store, month)

    def show(self, number: int) -> Shown:
        """A sent document, with the line it rests on computed again from the ledger."""
        with self._open() as store:
            return reading.show(store, number)

    def verify(self) -> VerifyReport:
        """Check the chain of events, and compute every sent document again from what the
        ledger holds, expecting the same amounts to the öre."""
        with self._open() as store:
            return verify.verify(store)


def who(by: str | None) -> str:
    """Who acts: as given, else the user the operating system names."""
    if by is not None and by.strip():
        return by.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown user"


def _reason(text: str | None) -> str | None:
    return text.strip() if text is not None and text.strip() else None
