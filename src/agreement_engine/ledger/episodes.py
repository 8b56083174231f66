"""The episodes each line of an episode extract counted: their ids and days, nothing else.

A line billed from an episode-level extract rests on the episodes of its municipality and month
(the month the governing document's counting rules put each in). The ledger keeps, for each of
those episodes, its id and the value of each counting rule measured in days (``days_ready``;
under the statute ``liable_days``): enough to say which episodes were added, removed or changed
between two versions of a line, and never a name, a personal identity number or a date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from agreement_engine.billing.counting import MONTH_COLUMN, compile_counting
from agreement_engine.billing.inputs import EpisodeData
from agreement_engine.billing.lines import InvoiceBasis, InvoiceLine
from agreement_engine.billing.ruleset import EPISODE_INPUTS, RuleSet, type_rules
from agreement_engine.formula.types import DAYS
from agreement_engine.months import YearMonth

if TYPE_CHECKING:
    import polars as pl

Counted = dict[str, list[object]]
"""The episodes of a line by column: ``episode_id`` (sorted), and each counting rule in days."""


def counted_episodes(
    basis: InvoiceBasis, source: EpisodeData
) -> dict[tuple[str, YearMonth], Counted]:
    """For each line that counts episodes, the episodes of its municipality and month, by id."""
    wanted: dict[str, tuple[RuleSet, list[InvoiceLine]]] = {}
    for line in basis.lines:
        ruleset = line.governance.ruleset(basis.assume_approved)
        if ruleset is None or ruleset.counting is None or not line.inputs:
            continue
        wanted.setdefault(ruleset.base.id, (ruleset, []))[1].append(line)
    found: dict[tuple[str, YearMonth], Counted] = {}
    for ruleset, lines in wanted.values():
        found.update(_count(basis, source, ruleset, lines))
    return found


def _count(
    basis: InvoiceBasis, source: EpisodeData, ruleset: RuleSet, lines: Iterable[InvoiceLine]
) -> dict[tuple[str, YearMonth], Counted]:
    import polars as pl

    assert ruleset.counting is not None
    typed = type_rules(ruleset, basis.library.parameters)
    types = {**EPISODE_INPUTS, **typed.episode_types}
    compiled = compile_counting(ruleset.counting, typed.episode_order, types)
    days = tuple(name for name in typed.episode_order if typed.episode_types.get(name) == DAYS)
    lines = list(lines)
    keys = {(line.municipality, _index(line.month)) for line in lines}
    months = sorted({month for _, month in keys})
    episodes = source.extract
    made = {name for name, _ in compiled.rules}
    read = {n for _, e in (*compiled.rules, ("", compiled.month)) for n in e.meta.root_names()}
    query = episodes.rows(read - made)  # as the checking pass kept them, if it did
    for _name, expr in compiled.rules:
        query = query.with_columns(expr)
    query = query.with_columns(compiled.month).filter(pl.col(MONTH_COLUMN).is_in(months))
    query = _named(query, episodes.names)
    names = ("episode_id", *days)
    grouped = query.group_by("municipality", MONTH_COLUMN).agg(  # each group sorted by id
        pl.col("episode_id").sort(), *(pl.col(name).sort_by("episode_id") for name in days)
    )
    frame: pl.DataFrame = episodes.collect(grouped)
    found: dict[tuple[str, YearMonth], Counted] = {
        (line.municipality, line.month): {"episode_id": [], **{name: [] for name in days}}
        for line in lines
    }
    month_of = {_index(line.month): line.month for line in lines}
    # Column by column into Python (far quicker than row by row).
    columns = [frame[name].to_list() for name in ("municipality", MONTH_COLUMN, *names)]
    for municipality, month, *values in zip(*columns, strict=True):
        if (municipality, month) in keys:
            found[(municipality, month_of[month])] = dict(zip(names, values, strict=True))
    return found


def _named(query: pl.LazyFrame, names: Mapping[str, str] | None) -> pl.LazyFrame:
    """Municipalities as the library names them (a file may write 'Hylte kommun')."""
    import polars as pl

    if names is None:
        return query
    written = pl.col("municipality")
    return query.filter(written.is_in(list(names))).with_columns(
        written.replace_strict(names, return_dtype=pl.String)
    )


def _index(month: YearMonth) -> int:
    return month.year * 12 + month.month - 1
