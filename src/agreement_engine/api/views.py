"""What the public API makes of billed months for people and notebooks: the report's contents
(an evaluation and the timeline of its months), one municipality's derivations as text
(``explain``), and the invoice basis as a polars DataFrame (``to_polars``).

The rendering itself is :mod:`agreement_engine.render`'s; polars is imported only when a
DataFrame is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from agreement_engine.api.evaluation import Evaluation, Progress, evaluate
from agreement_engine.api.library import DEFAULT_AGREEMENTS, Readings
from agreement_engine.frozen import frozen
from agreement_engine.months import YearMonth

if TYPE_CHECKING:
    import polars as pl

    from agreement_engine.billing.lines import InvoiceBasis
    from agreement_engine.render.i18n import Language
    from agreement_engine.review.timeline import Timeline


@frozen
class Report:
    """What the report shows: an evaluation, and the timeline of its months (what governs)."""

    evaluation: Evaluation
    timeline: Timeline


def report(
    data: str,
    first: YearMonth,
    last: YearMonth | None = None,
    *,
    agreements: Sequence[str] = (DEFAULT_AGREEMENTS,),
    assume_approved: bool = False,
    progress: Progress | None = None,
    readings: Readings | None = None,
) -> Report:
    """The months ``first`` to ``last`` billed (as :func:`evaluate` bills them, under the
    ``readings`` chosen), and what governs them, for the report
    (:func:`agreement_engine.render.report.render_report`)."""
    from agreement_engine.review.timeline import build_timeline

    run = evaluate(
        data,
        first,
        last,
        agreements=agreements,
        assume_approved=assume_approved,
        progress=progress,
        readings=readings,
    )
    return Report(run, build_timeline(run.library, first, last or first))


def explain(evaluation: Evaluation, municipality: str, lang: Language | None = None) -> str:
    """The derivation of each of a municipality's months, step by step, as text (in English,
    or the language given: :func:`agreement_engine.render.i18n.language`)."""
    from agreement_engine.render.explain import explain as explain_line
    from agreement_engine.render.i18n import ENGLISH

    source = evaluation.source
    return "\n".join(
        explain_line(
            line,
            evaluation.library,
            source.origin(municipality, line.month) if source else None,
            lang or ENGLISH,
        )
        for line in evaluation.lines_of(municipality)
    )


def to_polars(basis: InvoiceBasis) -> pl.DataFrame:
    """The invoice basis as a polars DataFrame: one row per line, the amounts as exact
    decimals (``pl.Decimal``), the status and its reasons, the documents that govern."""
    import polars as pl

    from agreement_engine.billing.lines import COLUMNS
    from agreement_engine.formula.values import exact

    rows = []
    for line in basis.lines:
        row: dict[str, object] = {
            "municipality": line.municipality,
            "month": str(line.month),
            "governed_by": " + ".join(d.id for d in line.documents),
            "status": line.status.value,
            "reasons": list(line.reasons),
            "amount": line.amount,
        }
        for name in COLUMNS:
            value = line.value(name)
            row[name] = exact(value) if value is not None else None
        rows.append(row)
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "municipality": pl.String,
        "month": pl.String,
        "governed_by": pl.String,
        "status": pl.String,
        "reasons": pl.List(pl.String),
        "amount": pl.Decimal(scale=2),
        **dict.fromkeys(COLUMNS, pl.String),
    }
    return pl.DataFrame(rows, schema=schema)
