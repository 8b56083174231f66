"""Where the monthly figures come from: an aggregates file, or an episode-level extract.

An aggregates file gives, per municipality and month, the care episodes discharge-ready one day or
more and their total days — the national indicator's "Vårdtillfällen" and "Totalt antal dagar".
It can feed rules that need exactly those (``episodes`` and ``total_days``). An episode extract
can feed any rule set: its episodes are counted by the governing document's own counting rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cached_property
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

from agreement_engine.agreements.documents import ParameterSeries, Statute
from agreement_engine.agreements.library import Library
from agreement_engine.billing.absent_inputs import absent_reasons
from agreement_engine.billing.counting import (
    MONTH_COLUMN,
    Compiled,
    compile_counting,
    per_day_key,
)
from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.monthly import MonthColumns, gathered
from agreement_engine.billing.ruleset import (
    DEFAULT_AGGREGATES,
    EPISODE_INPUTS,
    RuleSet,
    Typed,
    type_rules,
)
from agreement_engine.billing.timeline import Governing
from agreement_engine.diagnostics import Diagnostic, Text
from agreement_engine.formula import Amount, FormulaError
from agreement_engine.formula.ratios import Ratios
from agreement_engine.formula.types import DAYS, NUMBER, Quantity
from agreement_engine.months import YearMonth

if TYPE_CHECKING:
    import polars as pl

    from agreement_engine.data import DataFile, MonthlyFigures, Reading, ReadReport
    from agreement_engine.data.episodes import Episodes

T = TypeVar("T")
# What a monthly aggregates file gives: the national indicator's episodes and total days.
AGGREGATE_FIELDS = frozenset(DEFAULT_AGGREGATES)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a line's aggregates come from, for ``explain``: ``place`` in words ('row 7 of
    aggregates.csv', 'the episodes in extract.csv'), and whether the engine counted them there
    by the governing document's counting rules (else they are given, as read)."""

    place: str
    counted: bool


_GIVEN_UNITS = {"episodes": NUMBER, "total_days": DAYS}


@dataclass(frozen=True, slots=True)
class AggregateData:
    """Monthly figures read from an aggregates file, by month, then by municipality."""

    months: Mapping[YearMonth, Mapping[str, MonthlyFigures]]

    @classmethod
    def of(cls, figures: Iterable[MonthlyFigures]) -> AggregateData:
        months: dict[YearMonth, dict[str, MonthlyFigures]] = {}
        for figure in figures:
            months.setdefault(figure.month, {})[figure.municipality] = figure
        return cls(months)

    def row(self, municipality: str, month: YearMonth) -> MonthlyFigures | None:
        """A municipality's figures for a month; None when the data has none."""
        return self.months.get(month, {}).get(municipality)

    def aggregates(
        self, ruleset: RuleSet, typed: Typed, municipality: str, month: YearMonth
    ) -> dict[str, Amount] | str:
        needed = typed.aggregate_types.keys()
        if not needed <= AGGREGATE_FIELDS:
            what = ", ".join(sorted(needed - AGGREGATE_FIELDS))
            who = (
                Text("the statute ({document}) governs this month", document=ruleset.base.id)
                if isinstance(ruleset.base, Statute)
                else Text("{document} governs this month", document=ruleset.base.id)
            )
            return Text(
                "{who} and counts {what} episode by episode; monthly aggregates cannot show "
                "that, so give an episode-level extract",
                who=who,
                what=what,
            )
        row = self.row(municipality, month)
        if row is None:
            return self._no_row(municipality, month)
        given = {
            "episodes": Amount(Fraction(row.episodes), _GIVEN_UNITS["episodes"]),
            "total_days": Amount(Fraction(row.total_days), _GIVEN_UNITS["total_days"]),
        }
        # Only those the counting section names: a rule may have the name of one it does not.
        return {name: given[name] for name in needed}

    def month_columns(
        self, ruleset: RuleSet, typed: Typed, municipalities: Sequence[str], month: YearMonth
    ) -> MonthColumns:
        """The figures of these municipalities' month as columns: the rows of a month are
        looked up by name, and their figures made integers, without an :class:`.Amount` each."""
        needed = tuple(typed.aggregate_types)
        if not needed or not set(needed) <= AGGREGATE_FIELDS:
            return gathered(self, ruleset, typed, municipalities, month)  # says why, or nothing
        rows = self.months.get(month, {})
        found: list[int] = []
        missing: dict[int, str] = {}
        episodes: list[int] = []
        days: list[int] = []
        parts: list[int] = []
        for at, municipality in enumerate(municipalities):
            row = rows.get(municipality)
            if row is None:
                missing[at] = self._no_row(municipality, month)
                continue
            found.append(at)
            episodes.append(row.episodes)
            numerator, denominator = row.total_days.as_integer_ratio()
            days.append(numerator)
            parts.append(denominator)
        given = {
            "episodes": Ratios(episodes, 1),
            "total_days": Ratios(days, 1 if parts.count(1) == len(parts) else parts),
        }
        columns = {name: given[name] for name in needed}
        units = {name: _GIVEN_UNITS[name] for name in needed}
        return MonthColumns(needed, columns, units, found, missing)

    @staticmethod
    def _no_row(municipality: str, month: YearMonth) -> str:
        return Text(
            "the data has no row for {municipality} {month}",
            municipality=municipality,
            month=month,
        )

    def caveats(self, ruleset: RuleSet) -> tuple[str, ...]:
        """Nothing: an aggregates file gives the figures as they are."""
        return ()

    def counted_figures(
        self, ruleset: RuleSet, municipality: str, month: YearMonth
    ) -> tuple[FigureUse, ...]:
        """None: the figures are given, not counted."""
        return ()

    def origin(self, municipality: str, month: YearMonth) -> Origin | None:
        """The row a municipality's month was read from; None when the data has none."""
        row = self.row(municipality, month)
        if row is None:
            return None
        place = Text("row {row} of {path}", row=row.location.line, path=row.location.path)
        return Origin(place, counted=False)


@dataclass
class EpisodeData:
    """Episodes read from an extract, counted by each governing document's counting rules.

    ``episodes`` is what :func:`.read_episodes` gives or a frame with the columns
    :func:`.read_episodes_frame` gives. ``counted`` holds each document's counts by its id:
    taken while the file was checked (:func:`read_episode_data`), or counted when first needed
    (the file read again, streaming).
    """

    episodes: Episodes | pl.DataFrame
    counted: dict[str, dict[tuple[str, int], dict[str, int]]] = field(default_factory=dict)
    path: str | None = None
    """The file the episodes were read from, if any."""
    parameters: Mapping[str, ParameterSeries] = field(default_factory=dict)
    """The dated figures, for counting rules that sum one day by day."""

    def origin(self, municipality: str, month: YearMonth) -> Origin | None:
        """The file whose episodes are counted; None when they were not read from one."""
        place = Text("the episodes in {path}", path=self.path)
        return Origin(place, counted=True) if self.path else None

    @cached_property
    def extract(self) -> Episodes:
        """The episodes as counted: a frame given is wrapped, once."""
        from agreement_engine.data.episodes import Episodes  # not imported to read aggregates

        episodes = self.episodes
        return episodes if isinstance(episodes, Episodes) else Episodes.of_frame(episodes)

    @cached_property
    def span(self) -> tuple[YearMonth, YearMonth]:
        """The months the extract covers: those of its first and last discharge dates."""
        first, last = self.extract.span
        if first is None or last is None:
            return YearMonth(9999, 12), YearMonth(1, 1)  # empty: covers nothing
        return YearMonth.of(first), YearMonth.of(max(last, first))

    def caveats(self, ruleset: RuleSet) -> tuple[str, ...]:
        """Why every line the rule set counts from the extract is provisional: a value its
        counting rules read that the file has no column for (:mod:`.absent_inputs`)."""
        return absent_reasons(ruleset.counting, self.extract.absent)

    def month_columns(
        self, ruleset: RuleSet, typed: Typed, municipalities: Sequence[str], month: YearMonth
    ) -> MonthColumns:
        return gathered(self, ruleset, typed, municipalities, month)

    def counted_figures(
        self, ruleset: RuleSet, municipality: str, month: YearMonth
    ) -> tuple[FigureUse, ...]:
        """The figures the counting looked up, day by day (``sum_per_day``), for the month's
        episodes: each year (or month) of a figure in which they have days."""
        counted = self.counted.get(ruleset.base.id, {})
        found = counted.get((municipality, month.year * 12 + month.month - 1), {})
        uses: dict[tuple[str, str], FigureUse] = {}
        for name, days in found.items():
            figure = per_day_key(name)
            if figure is not None and days > 0 and figure not in uses:
                parameter, key = figure
                series = self.parameters[parameter]
                uses[figure] = FigureUse(parameter, key, series.figures.get(key), series)
        return tuple(uses.values())

    def aggregates(
        self, ruleset: RuleSet, typed: Typed, municipality: str, month: YearMonth
    ) -> dict[str, Amount] | str:
        counting = ruleset.counting
        if counting is None:
            return Text(
                "{document} has no counting rules, so it cannot be billed from "
                "episodes; give monthly aggregates",
                document=ruleset.base.id,
            )
        if ruleset.base.id not in self.counted:
            self.counted[ruleset.base.id] = count(self.extract, ruleset, typed, self.parameters)
        counted = self.counted[ruleset.base.id]
        first, last = self.span
        if last < first:
            return Text("the episode extract has no discharged episode, so it covers no month")
        if not first <= month <= last:
            return Text(
                "the episode extract covers {first} – {last} (the months of its first and last "
                "discharge dates), not {month}",
                first=first,
                last=last,
                month=month,
            )
        found = counted.get((municipality, month.year * 12 + month.month - 1), {})
        return {
            name: Amount(Fraction(found.get(name, 0)), t if isinstance(t, Quantity) else NUMBER)
            for name, t in typed.aggregate_types.items()
        }


@dataclass(frozen=True, slots=True)
class Billing:
    """What an extract is read for: billing these months and municipalities under a library."""

    library: Library
    months: Sequence[YearMonth]
    municipalities: Sequence[str]
    assume_approved: bool = False


def read_episode_data(
    file: DataFile,
    billings: Sequence[Billing],
    everyone: Sequence[str],
    then: Callable[[list[EpisodeData]], T],
    reading: Reading,
    keep_counted: bool = False,
) -> tuple[T, ReadReport, list[Diagnostic]]:
    """What ``then`` makes of an episode extract read once for each billing (two versions of
    the agreements, for `diff --impact`): the counting rules of every document that governs one
    of their months are taken in the pass that checks the file, and each billing gets the counts
    of its own documents. ``then`` goes on while the file's last check runs, and what it makes is
    returned once the file has passed (see :func:`.read_episodes_then`). ``everyone`` is every
    municipality the file may name; ``reading`` is the run's (:class:`.Reading`), which holds the
    file's temporary copies until the run ends. ``keep_counted``: the pass keeps the rows as
    the counting reads them (:attr:`.Episodes.kept`), for the ledger."""
    tallies: list[dict[str, Compiled]] = []
    for billing in billings:
        tallies.append(_tallies(billing, prefix=f"_tally{len(tallies)}_"))

    def counted(episodes: Episodes) -> T:
        sums = iter(episodes.tallied or ())
        data: list[EpisodeData] = []
        for billing, found in zip(billings, tallies, strict=True):
            taken = (
                dict(zip(found, islice(sums, len(found)), strict=True)) if episodes.tallied else {}
            )
            data.append(EpisodeData(episodes, taken, file.path, billing.library.parameters))
        return then(data)

    every = [t for found in tallies for t in found.values()]
    from agreement_engine.data.episodes import read_episodes_then

    return read_episodes_then(
        file.path,
        counted,
        municipalities=everyone,
        tallies=every,
        reading=reading,
        keep_counted=keep_counted,
    )


def _tallies(billing: Billing, prefix: str) -> dict[str, Compiled]:
    """The counting rules of each document that governs a municipality's month, by document."""
    library = billing.library
    governing = Governing(library)
    found: dict[str, Compiled] = {}
    for month in billing.months:
        for municipality in billing.municipalities:
            governance = governing.govern(municipality, month)
            ruleset = governance.ruleset(billing.assume_approved)
            if ruleset is None or ruleset.counting is None or ruleset.base.id in found:
                continue
            typed = type_rules(ruleset, library.parameters)
            if typed.problems:
                continue
            try:
                name = f"{prefix}{len(found)}_"
                found[ruleset.base.id] = _compile(ruleset, typed, name, library.parameters)
            except FormulaError:
                continue  # counting it when billing says what is wrong
    return found


def _compile(
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


ROWS_COUNTED = "rows counted"
"""The name of the number of rows counted in a month (no formula can name it: it has a space)."""


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
    compiled = _compile(ruleset, typed, parameters=parameters)
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
