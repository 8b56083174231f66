"""Counting an episode extract by a rule set's counting rules: one streaming polars query
(the rules translated by :mod:`.counting`) that gives every municipality's monthly aggregates,
with the rows counted in each month (:data:`ROWS_COUNTED`). polars is imported only when an
extract is counted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from agreement_engine.agreements.documents import ParameterSeries
from agreement_engine.billing.counting import MONTH_COLUMN, Compiled, compile_counting
from agreement_engine.billing.ruleset import EPISODE_INPUTS, RuleSet, Typed
from agreement_engine.frozen import replace

if TYPE_CHECKING:
    import polars as pl

    from agreement_engine.data.episodes import Episodes

ROWS_COUNTED = "rows counted"
"""The name of the number of rows counted in a month (no formula can name it: it has a space)."""


def compile_counts(
    ruleset: RuleSet,
    typed: Typed,
    prefix: str = "",
    parameters: Mapping[str, ParameterSeries] | None = None,
) -> Compiled:
    """A rule set's counting, with one more sum per month: :data:`ROWS_COUNTED`, the rows
    counted in it, so that a run can say how many rows its lines used."""
    import polars as pl

    assert ruleset.counting is not None
    types = {**EPISODE_INPUTS, **typed.episode_types}
    order = typed.episode_order
    compiled = compile_counting(ruleset.counting, order, types, prefix, parameters)
    rows = (ROWS_COUNTED, pl.len().alias(prefix + ROWS_COUNTED))
    return replace(compiled, aggregates=(*compiled.aggregates, rows))


def count(
    episodes: Episodes | pl.DataFrame,
    ruleset: RuleSet,
    typed: Typed,
    parameters: Mapping[str, ParameterSeries] | None = None,
) -> dict[tuple[str, int], dict[str, int]]:
    """Every municipality's monthly aggregates under a rule set's counting rules, in columns.

    One streaming query: polars reads only the columns the rules need. Municipalities are grouped
    as written in the file first, then by the name each stands for (the aggregates are counts
    and sums, which add up).
    """
    import polars as pl

    from agreement_engine.data.episodes import Episodes

    if not isinstance(episodes, Episodes):
        episodes = Episodes.of_frame(episodes)
    compiled = compile_counts(ruleset, typed, parameters=parameters)
    names = [name for name, _ in compiled.aggregates]
    lazy = episodes.lazy()
    for _name, expr in compiled.rules:
        lazy = lazy.with_columns(expr)
    grouped = (
        lazy.with_columns(compiled.month)
        .filter(pl.col(MONTH_COLUMN).is_not_null())
        .group_by("municipality", MONTH_COLUMN)
        .agg(*(expr for _, expr in compiled.aggregates))
    )
    if episodes.names is not None:
        written = pl.col("municipality")
        grouped = (
            grouped.filter(written.is_in(list(episodes.names)))
            .with_columns(written.replace_strict(episodes.names, return_dtype=pl.String))
            .group_by("municipality", MONTH_COLUMN)
            .agg(pl.col(names).sum())
        )
    return {
        (row["municipality"], row[MONTH_COLUMN]): {name: int(row[name]) for name in names}
        for row in episodes.collect(grouped).iter_rows(named=True)
    }
