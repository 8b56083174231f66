"""The invoice ledger through the public API: ``open_ledger``, and the billing the ledger asks
for (:class:`.ledger.Engine`), done as :func:`.evaluate` does it: the ledger, a layer below the
API, is handed this rather than importing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from agreement_engine.api.evaluation import evaluate_run
from agreement_engine.api.library import load_library
from agreement_engine.diagnostics import UsageError

if TYPE_CHECKING:
    from agreement_engine.agreements.library import Library
    from agreement_engine.ledger import Billed, Ledger
    from agreement_engine.months import YearMonth


def open_ledger(where: str) -> Ledger:
    """The invoice ledger ``where`` names: an SQLite file path (made on the first draft),
    ``sqlite:///path`` or ``postgresql://user:password@host/database``. Each method of the
    :class:`~agreement_engine.ledger.Ledger` is one action (draft, adjust, send, correct, stale,
    entries, documents, show, verify), billing data files as :func:`.evaluate` does."""
    from agreement_engine.ledger import Ledger

    if not where:
        raise UsageError("--ledger needs a file path or a database URL")
    return Ledger(where, _LedgerEngine())


class _LedgerEngine:
    """Billing for the ledger, as :func:`.evaluate` does it (see :class:`.ledger.Engine`)."""

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
        from agreement_engine.ledger import Billed

        run = evaluate_run(
            data,
            first,
            last,
            agreements=agreements,
            assume_approved=assume_approved,
            municipality=municipality,
            keep_counted=True,  # each line's episodes are recorded: not read from the file again
        )
        return Billed(run.basis, run.source, data, run.data_sha256(), run.report, run.warnings)

    def load(self, agreements: Sequence[str]) -> Library:
        return load_library(agreements)
