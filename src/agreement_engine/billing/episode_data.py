"""An episode-level extract as billing's input: read once, its episodes counted by each
governing document's own counting rules (:mod:`.episode_counts`), in the pass that checks the
file when it can be (:func:`read_episode_data`), else when first needed."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

from agreement_engine.agreements.documents import ParameterSeries
from agreement_engine.billing.absent_inputs import absent_reasons
from agreement_engine.billing.counting import Compiled, per_day_key
from agreement_engine.billing.episode_counts import compile_counts, count
from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.monthly import MonthColumns, Origin
from agreement_engine.billing.ruleset import RuleSet, Typed, type_rules
from agreement_engine.billing.timeline import Governing
from agreement_engine.diagnostics import Diagnostic, Text
from agreement_engine.formula import Amount, FormulaError
from agreement_engine.formula.ratios import Ratios
from agreement_engine.formula.types import NUMBER, Quantity
from agreement_engine.months import YearMonth

if TYPE_CHECKING:
    import polars as pl

    from agreement_engine.billing.inputs import Billing
    from agreement_engine.data import DataFile, Reading, ReadReport
    from agreement_engine.data.episodes import Episodes

T = TypeVar("T")


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
    _per_day_of: dict[str, bool] = field(default_factory=dict, init=False, repr=False)
    """Whether each document's counts hold days in a figure (see :meth:`_per_day`)."""

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
        """The month's counts as columns of whole numbers, straight from those tallied: what
        :meth:`aggregates` and :meth:`counted_figures` give for each municipality, without an
        :class:`.Amount` each (:func:`.gathered` would make each line's, then the columns)."""
        why = self._uncounted(ruleset, typed, month)
        if why is not None or not municipalities:
            missing = dict.fromkeys(range(len(municipalities)), why) if why is not None else {}
            return MonthColumns((), {}, {}, [], missing)
        counted = self.counted[ruleset.base.id]
        index = month.year * 12 + month.month - 1
        rows = [counted.get((municipality, index), _NONE) for municipality in municipalities]
        names = tuple(typed.aggregate_types)
        columns = {name: Ratios([row.get(name, 0) for row in rows], 1) for name in names}
        figures: dict[int, tuple[FigureUse, ...]] = {}
        if self._per_day(ruleset.base.id):
            used = ((at, self._figures(row)) for at, row in enumerate(rows))
            figures = {at: uses for at, uses in used if uses}
        return MonthColumns(names, columns, _units(typed), list(range(len(rows))), counted=figures)

    def counted_figures(
        self, ruleset: RuleSet, municipality: str, month: YearMonth
    ) -> tuple[FigureUse, ...]:
        """The figures the counting looked up, day by day (``sum_per_day``), for the month's
        episodes: each year (or month) of a figure in which they have days."""
        counted = self.counted.get(ruleset.base.id, {})
        return self._figures(counted.get((municipality, month.year * 12 + month.month - 1), {}))

    def _figures(self, found: Mapping[str, int]) -> tuple[FigureUse, ...]:
        """The figures a municipality's month of counts has days in, in the order counted."""
        uses: dict[tuple[str, str], FigureUse] = {}
        for name, days in found.items():
            figure = per_day_key(name)
            if figure is not None and days > 0 and figure not in uses:
                parameter, key = figure
                series = self.parameters[parameter]
                uses[figure] = FigureUse(parameter, key, series.figures.get(key), series)
        return tuple(uses.values())

    def _per_day(self, document: str) -> bool:
        """Whether a document's counts hold days in a figure summed day by day: if not, no
        month of it looked a figure up (the names of every month's counts, gathered in C)."""
        found = self._per_day_of.get(document)
        if found is None:
            names = set().union(*self.counted.get(document, {}).values())
            found = self._per_day_of[document] = any(map(per_day_key, names))
        return found

    def aggregates(
        self, ruleset: RuleSet, typed: Typed, municipality: str, month: YearMonth
    ) -> dict[str, Amount] | str:
        why = self._uncounted(ruleset, typed, month)
        if why is not None:
            return why
        counted = self.counted[ruleset.base.id]
        found = counted.get((municipality, month.year * 12 + month.month - 1), {})
        return {
            name: Amount(Fraction(found.get(name, 0)), unit) for name, unit in _units(typed).items()
        }

    def _uncounted(self, ruleset: RuleSet, typed: Typed, month: YearMonth) -> str | None:
        """Why no municipality's month can be had under this rule set (no counting rules, a
        month the extract does not cover); None when it can, once its counts are taken."""
        if ruleset.counting is None:
            return Text(
                "{document} has no counting rules, so it cannot be billed from "
                "episodes; give monthly aggregates",
                document=ruleset.base.id,
            )
        if ruleset.base.id not in self.counted:
            self.counted[ruleset.base.id] = count(self.extract, ruleset, typed, self.parameters)
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
        return None


_NONE: dict[str, int] = {}
"""The counts of a municipality with no episode in a month: none of anything."""


def _units(typed: Typed) -> dict[str, Quantity]:
    """The unit of each aggregate: its quantity, or a number (a count)."""
    return {
        name: t if isinstance(t, Quantity) else NUMBER for name, t in typed.aggregate_types.items()
    }


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
    """The counting rules of each document that governs a municipality's month, by document.
    Municipalities party to the same agreements are governed alike (:meth:`.Governing.grouped`,
    as billing groups them), so each group's month is looked at once, not each municipality's."""
    library = billing.library
    governing = Governing(library)
    parties = governing.parties(billing.municipalities)
    found: dict[str, Compiled] = {}
    for month in billing.months:
        for governance, _ in governing.grouped(parties, month):
            ruleset = governance.ruleset(billing.assume_approved)
            if ruleset is None or ruleset.counting is None or ruleset.base.id in found:
                continue
            typed = type_rules(ruleset, library.parameters)
            if typed.problems:
                continue
            try:
                name = f"{prefix}{len(found)}_"
                found[ruleset.base.id] = compile_counts(ruleset, typed, name, library.parameters)
            except FormulaError:
                continue  # counting it when billing says what is wrong
    return found
