"""What billing asks of the data: a municipality's monthly figures under a rule set."""

from __future__ import annotations

from typing import Protocol

from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.ruleset import RuleSet, Typed
from agreement_engine.formula import Amount
from agreement_engine.months import YearMonth


class MonthlyData(Protocol):
    """Monthly figures per municipality, under a rule set's counting rules."""

    def aggregates(
        self, ruleset: RuleSet, typed: Typed, municipality: str, month: YearMonth
    ) -> dict[str, Amount] | str:
        """The aggregates the rule set needs, or a sentence saying why they cannot be had."""

    def counted_figures(
        self, ruleset: RuleSet, municipality: str, month: YearMonth
    ) -> tuple[FigureUse, ...]:
        """The dated figures the counting looked up, day by day, for the month's episodes
        (``sum_per_day``): the aggregates rest on them. None for given aggregates."""

    def caveats(self, ruleset: RuleSet) -> tuple[str, ...]:
        """Why every line the rule set bills from this data is provisional (a value the data
        does not give), if it is."""
