"""The invoice ledger: each municipality-month carried from draft to invoice and its notes.

The routine "justering av fakturaunderlag" lets the invoice basis be corrected until the invoice
is sent and says how invoices are adjusted after that; Swedish bookkeeping practice adds the rest:
a sent invoice is never changed, a correction is a credit or debit note that refers to it, numbers
run in one unbroken series, and every change shows when, by whom and why. This package keeps that
history in a database (an SQLite file, or PostgreSQL for a team) as append-only events chained by
SHA-256, with everything needed to compute each sent document again and prove it.

It owns the ledger's tables and migrations (:mod:`.tables`, ``migrations/``), the store and its
transactions (:mod:`.store`), what is recorded of a line (:mod:`.records`, :mod:`.episodes`), the
transitions (:mod:`.book`), recomputing from what was stored (:mod:`.recompute`), and the checks
(:mod:`.verify`, :mod:`.stale`).

It may import billing, agreements, data, formula, months and diagnostics; never render, api or
cli. Billing a data file is handed to it (:class:`.book.Engine`), by the public API.
"""

from agreement_engine.ledger.book import Billed, Engine, Ledger
from agreement_engine.ledger.results import (
    Change,
    Document,
    DraftOutcome,
    DraftResult,
    Entry,
    LineState,
    NoteResult,
    SendResult,
    Shown,
    StaleItem,
    VerifyReport,
)

__all__ = [
    "Billed",
    "Change",
    "Document",
    "DraftOutcome",
    "DraftResult",
    "Engine",
    "Entry",
    "Ledger",
    "LineState",
    "NoteResult",
    "SendResult",
    "Shown",
    "StaleItem",
    "VerifyReport",
]
