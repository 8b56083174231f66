"""agreement-engine: rules-as-code for the money side of inter-governmental agreements.

The public API, for notebooks and other programs (``docs/api.md`` has worked examples)::

    import agreement_engine as engine

    library = engine.load_library(["agreements"])
    run = engine.evaluate("aggregates.csv", engine.YearMonth(2026, 3), agreements=["agreements"])
    run.basis.total()                       # Decimal, exact
    engine.to_polars(run.basis)             # one row per municipality and month

The names are imported when first used, so ``import agreement_engine`` costs next to nothing: a
command that needs no billing does not load it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from agreement_engine.agreements.library import Library
    from agreement_engine.api import (
        CheckReport,
        Comparison,
        Evaluation,
        check,
        diff,
        evaluate,
        explain,
        load_library,
        open_ledger,
        readings,
        report,
        run_tests,
        timeline,
        to_polars,
    )
    from agreement_engine.billing.lines import InvoiceBasis, InvoiceLine, LineStatus
    from agreement_engine.diagnostics import (
        Diagnostic,
        EngineError,
        Location,
        Severity,
        UsageError,
    )
    from agreement_engine.ledger import Ledger
    from agreement_engine.months import YearMonth

_WHERE = {
    **dict.fromkeys(
        (
            "CheckReport",
            "Comparison",
            "Evaluation",
            "check",
            "diff",
            "evaluate",
            "explain",
            "load_library",
            "open_ledger",
            "report",
            "readings",
            "run_tests",
            "timeline",
            "to_polars",
        ),
        "agreement_engine.api",
    ),
    "Library": "agreement_engine.agreements.library",
    "Ledger": "agreement_engine.ledger",
    **dict.fromkeys(
        ("InvoiceBasis", "InvoiceLine", "LineStatus"), "agreement_engine.billing.lines"
    ),
    **dict.fromkeys(
        ("Diagnostic", "EngineError", "Location", "Severity", "UsageError"),
        "agreement_engine.diagnostics",
    ),
    "YearMonth": "agreement_engine.months",
}

__all__ = [
    "CheckReport",
    "Comparison",
    "Diagnostic",
    "EngineError",
    "Evaluation",
    "InvoiceBasis",
    "InvoiceLine",
    "Ledger",
    "Library",
    "LineStatus",
    "Location",
    "Severity",
    "UsageError",
    "YearMonth",
    "check",
    "diff",
    "evaluate",
    "explain",
    "load_library",
    "open_ledger",
    "readings",
    "report",
    "run_tests",
    "timeline",
    "to_polars",
]


def __getattr__(name: str) -> object:
    """A public name, imported from where it lives on first use."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'agreement_engine' has no attribute '{name}'")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*__all__, "__version__"])
