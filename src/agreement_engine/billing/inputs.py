"""Where the monthly figures come from: an aggregates file (here), or an episode-level extract
(:mod:`.episode_data`, counted by :mod:`.episode_counts`, imported only when first used).

An aggregates file gives, per municipality and month, the care episodes discharge-ready one day or
more and their total days — the national indicator's "Vårdtillfällen" and "Totalt antal dagar".
It can feed rules that need exactly those (``episodes`` and ``total_days``). An episode extract
can feed any rule set: its episodes are counted by the governing document's own counting rules.

Billing's callers import both kinds of input, and where a line's figures come from
(:class:`.Origin`), from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from agreement_engine.agreements.documents import Statute
from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.monthly import MonthColumns, Origin, gathered
from agreement_engine.billing.ruleset import DEFAULT_AGGREGATES, RuleSet, Typed
from agreement_engine.diagnostics import Text
from agreement_engine.formula import Amount
from agreement_engine.formula.ratios import Ratios
from agreement_engine.formula.types import DAYS, NUMBER
from agreement_engine.frozen import field, frozen
from agreement_engine.lazy import exports
from agreement_engine.months import YearMonth

if TYPE_CHECKING:
    from agreement_engine.agreements.library import Library
    from agreement_engine.billing.episode_counts import ROWS_COUNTED, count
    from agreement_engine.billing.episode_data import EpisodeData, read_episode_data
    from agreement_engine.data import MonthlyFigures

__all__ = [
    "ROWS_COUNTED",
    "AggregateData",
    "Billing",
    "EpisodeData",
    "Origin",
    "count",
    "read_episode_data",
]

# An extract's half, imported on first use: a run over aggregates never needs it.
__getattr__, __dir__ = exports(
    __name__,
    {
        "ROWS_COUNTED": "episode_counts",
        "count": "episode_counts",
        "EpisodeData": "episode_data",
        "read_episode_data": "episode_data",
    },
    __all__,
    within="agreement_engine.billing",
)

# What a monthly aggregates file gives: the national indicator's episodes and total days.
AGGREGATE_FIELDS = frozenset(DEFAULT_AGGREGATES)

_GIVEN_UNITS = {"episodes": NUMBER, "total_days": DAYS}


@frozen
class Billing:
    """What the figures are read for: billing these months and municipalities under a library
    (an extract is counted by the rules of the documents that govern them)."""

    library: Library
    months: Sequence[YearMonth]
    municipalities: Sequence[str]
    assume_approved: bool = False


@frozen
class AggregateData:
    """Monthly figures read from an aggregates file, by month, then by municipality.

    ``day_ratios`` gives the exact ratio of total days as the file's reader worked them out, by
    value (a national file writes few distinct ones): billing looks them up rather than work
    out each row's; a value not there is worked out."""

    months: Mapping[YearMonth, Mapping[str, MonthlyFigures]]
    day_ratios: Mapping[Decimal, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, figures: Iterable[MonthlyFigures]) -> AggregateData:
        """The figures by month and municipality; those of a file come so already."""
        from agreement_engine.data.monthly_figures import FiguresRead

        if isinstance(figures, FiguresRead):
            return cls(figures.by_month, figures.day_ratios)
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
        figures = list(map(rows.get, municipalities))
        present = [row for row in figures if row is not None]
        found = list(range(len(figures)))
        missing: dict[int, str] = {}
        if len(present) < len(figures):
            found = [at for at, row in enumerate(figures) if row is not None]
            missing = {
                at: self._no_row(municipalities[at], month)
                for at, row in enumerate(figures)
                if row is None
            }
        episodes = [row.episodes for row in present]
        days, parts = self._day_ratios([row.total_days for row in present])
        given = {
            "episodes": Ratios(episodes, 1),
            "total_days": Ratios(days, 1 if parts.count(1) == len(parts) else parts),
        }
        columns = {name: given[name] for name in needed}
        units = {name: _GIVEN_UNITS[name] for name in needed}
        return MonthColumns(needed, columns, units, found, missing)

    def _day_ratios(self, days: list[Decimal]) -> tuple[list[int], list[int]]:
        """The numerators and denominators of the exact ratios of ``days``."""
        ratios = list(map(self.day_ratios.get, days))
        if None in ratios:
            ratios = [
                ratio or day.as_integer_ratio() for ratio, day in zip(ratios, days, strict=True)
            ]
        if not ratios:
            return [], []
        numerators, denominators = zip(*ratios, strict=True)
        return list(numerators), list(denominators)

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
