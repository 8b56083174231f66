"""The engine as a Python library: what the command line does, as functions returning results.

Every command of ``agreement-engine`` is built on these functions and nothing else; a notebook or
another program calls them the same way. They take months as :class:`.YearMonth` and return
result objects; turning those into text, CSV, JSON or XLSX is :mod:`agreement_engine.render`'s
work. Problems in the files or the data raise :class:`.EngineError` (with every problem found),
a call that makes no sense raises :class:`.UsageError`.

Every name is imported from here (``agreement_engine.api``, or ``agreement_engine`` itself); they
are made, by concept, in the modules of this package, each importing only the ones before it:

- :mod:`.library` — the agreement files: ``check``, ``load_library``, ``without_cache``;
- :mod:`.evaluation` — a data file billed: ``evaluate``, ``Evaluation``, ``find_municipality``;
- :mod:`.views` — what is made of billed months: ``report``, ``explain``, ``to_polars``;
- :mod:`.review` — ``timeline``, ``readings``, ``diff``, ``run_tests`` and git's textconv;
- :mod:`.ledger` — ``open_ledger``, billing for the invoice ledger.

Each imports at its top only the foundations; what one function needs is imported inside it, so
that a command loads only what it uses. A few public names stay out of ``__all__``
(``open_ledger``, ``Readings``, ``AGREEMENT_ERRORS``, ``CROSS_FILE_SKIPPED``): they are
re-exported as ``name as name``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agreement_engine.api.evaluation import Evaluation, Progress, evaluate, find_municipality
from agreement_engine.api.ledger import open_ledger as open_ledger
from agreement_engine.api.library import AGREEMENT_ERRORS as AGREEMENT_ERRORS
from agreement_engine.api.library import CROSS_FILE_SKIPPED as CROSS_FILE_SKIPPED
from agreement_engine.api.library import (
    DEFAULT_AGREEMENTS,
    CheckReport,
    check,
    load_library,
    without_cache,
)
from agreement_engine.api.library import Readings as Readings
from agreement_engine.api.review import (
    Comparison,
    canonical_text,
    diff,
    git_setup,
    readings,
    run_tests,
    timeline,
)
from agreement_engine.api.views import Report, explain, report, to_polars

if TYPE_CHECKING:
    from agreement_engine.billing.lines import InvoiceBasis, InvoiceLine, LineStatus

__all__ = [
    "DEFAULT_AGREEMENTS",
    "CheckReport",
    "Comparison",
    "Evaluation",
    "InvoiceBasis",
    "InvoiceLine",
    "LineStatus",
    "Progress",
    "Report",
    "canonical_text",
    "check",
    "diff",
    "evaluate",
    "explain",
    "find_municipality",
    "git_setup",
    "load_library",
    "readings",
    "report",
    "run_tests",
    "timeline",
    "to_polars",
    "without_cache",
]


def __getattr__(name: str) -> object:
    """The invoice basis's names, re-exported here, imported from billing when first used."""
    if name in ("InvoiceBasis", "InvoiceLine", "LineStatus"):
        from agreement_engine.billing import lines

        value = getattr(lines, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'agreement_engine.api' has no attribute '{name}'")
