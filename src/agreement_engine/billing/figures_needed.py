"""The dated figures a month's rules look up, found by evaluating them with stand-in data.

``check`` warns about the figures that months need but the parameter files lack, and ``timeline``
shows, month by month, which of them are missing or provisional. Both ask the same question, so
both use this probe: the month's rules are evaluated with every aggregate set to 1 and every figure
that is not known standing in as 1 (:class:`ProbeFigures`), and each lookup is recorded. The
figures found are the ones the formulas really reach for that month: a benchmark that switches
base year by month asks for the year that month uses.
"""

from __future__ import annotations

from fractions import Fraction

from agreement_engine.agreements.library import Library
from agreement_engine.billing.evaluation import MonthEnvironment, ProbeFigures
from agreement_engine.billing.ruleset import RuleSet, Typed
from agreement_engine.formula import Amount, FormulaError, MissingFigure
from agreement_engine.formula.ast import NO_SPAN
from agreement_engine.formula.types import Quantity
from agreement_engine.months import YearMonth


def figures_used(
    ruleset: RuleSet, typed: Typed, month: YearMonth, library: Library
) -> set[tuple[str, str]]:
    """The figures (parameter, key) a month's rules look up; none when the rules have errors."""
    if typed.problems:
        return set()
    figures = ProbeFigures(library.parameters)
    stand_in = {
        name: Amount(Fraction(1), t)
        for name, t in typed.aggregate_types.items()
        if isinstance(t, Quantity)
    }
    env = MonthEnvironment(ruleset, month, stand_in, figures)
    for name in typed.order:
        try:
            env.value(name, NO_SPAN)
        except (FormulaError, MissingFigure):
            continue
    return {(u.parameter, u.key) for u in figures.used}
