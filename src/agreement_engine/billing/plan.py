"""What a run works out once for each rule set and month, whatever the number of lines.

Every line one rule set bills in a month shares the month, the rules that depend on it alone
(the benchmark, the price of a day) and the figures those looked up; the other rules are evaluated
line by line, or over all the lines at once, with the programs their formulas hold. A
:class:`Plan` holds what the lines share; :class:`Plans` keeps the run's plans, and each rule
set's types, by the rule set's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from agreement_engine.agreements.library import Library
from agreement_engine.billing.evaluation import FigureUse, MonthEnvironment, ParameterFigures
from agreement_engine.billing.lines import StepRecord
from agreement_engine.billing.reasons import figure_reasons
from agreement_engine.billing.ruleset import RuleSet, Typed, dependencies, type_rules
from agreement_engine.formula import FormulaError, MissingFigure, Value
from agreement_engine.formula.ast import NO_SPAN
from agreement_engine.formula.batch import Batched
from agreement_engine.formula.evaluator import Compiled
from agreement_engine.formula.types import Type
from agreement_engine.frozen import frozen
from agreement_engine.months import YearMonth


@frozen
class Plan:
    """How every line of one rule set in one month is computed: the values its lines share (the
    month, and the rules that depend on it alone, like the benchmark or the price of a day) and
    the figures they used; the other rules, in order, each with its compiled program; and what
    every line records alike."""

    shared: dict[str, Value]
    uses: tuple[FigureUse, ...]
    reasons: tuple[str, ...]
    """Why a line resting on ``uses`` alone is provisional (:func:`.figure_reasons`)."""
    remaining: tuple[tuple[str, Compiled], ...]
    batch: tuple[tuple[str, Batched, Type], ...]
    """The same rules over columns (:mod:`.formula.batch`), each with its checked type."""
    records: tuple[StepRecord, ...]
    assumptions: tuple[str, ...]


@frozen
class _Fixed:
    """What a rule set's plan is the same for in every month: the rules whose values depend on
    the month alone, in order, what every line records, and the readings the lines rely on."""

    alone: tuple[str, ...]
    records: tuple[StepRecord, ...]
    assumptions: tuple[str, ...]


@dataclass
class Plans:
    """Each rule set's types and its plan for each month, worked out once in a run and kept by
    the rule set's name (the ids of its documents); what a plan is alike in every month is
    worked out once for the run."""

    library: Library
    typed: dict[str, Typed] = field(default_factory=dict)
    plans: dict[tuple[str, YearMonth], Plan] = field(default_factory=dict)
    fixed: dict[str, _Fixed] = field(default_factory=dict)

    def types(self, ruleset: RuleSet) -> Typed:
        """The rule set's types, and the problems found in it."""
        if ruleset.name not in self.typed:
            self.typed[ruleset.name] = type_rules(ruleset, self.library.parameters)
        return self.typed[ruleset.name]

    def plan(self, ruleset: RuleSet, typed: Typed, month: YearMonth) -> Plan:
        key = (ruleset.name, month)
        found = self.plans.get(key)
        if found is None:
            found = self.plans[key] = self._plan(ruleset, typed, month)
        return found

    def _fixed(self, ruleset: RuleSet, typed: Typed) -> _Fixed:
        found = self.fixed.get(ruleset.name)
        if found is None:
            records = tuple(StepRecord.of(ruleset.rules[name]) for name in typed.order)
            alone = tuple(_month_only(ruleset, typed))
            found = self.fixed[ruleset.name] = _Fixed(
                alone, records, _assumptions(ruleset, records)
            )
        return found

    def _plan(self, ruleset: RuleSet, typed: Typed, month: YearMonth) -> Plan:
        fixed = self._fixed(ruleset, typed)
        figures = ParameterFigures(self.library.parameters)
        env = MonthEnvironment(ruleset, month, {}, figures)
        try:
            for name in fixed.alone:
                env.value(name, NO_SPAN)
        except (MissingFigure, FormulaError):
            pass  # each line meets the same problem itself, and reports it
        shared: dict[str, Value] = {**env.values, "month": month}
        remaining, batch = [], []
        for name in typed.order:
            program = ruleset.rules[name].formula.program
            if name not in shared and program is not None:
                remaining.append((name, program.evaluate))
                batch.append((name, program.columns, typed.types[name]))
        uses = tuple(figures.used)
        return Plan(
            shared,
            uses,
            tuple(figure_reasons(uses)),
            tuple(remaining),
            tuple(batch),
            fixed.records,
            fixed.assumptions,
        )


def _month_only(ruleset: RuleSet, typed: Typed) -> list[str]:
    """The rules, in order, whose values depend on the month alone, not on any aggregate (nor
    on any value of another month)."""
    alone: list[str] = []
    for name in typed.order:
        expr = ruleset.rules[name].formula.expr
        uses = dependencies(expr) if expr is not None else set()
        if name in typed.across:
            continue
        if not uses & set(typed.aggregate_types) and all(
            u in alone or u == "month" for u in uses & ({"month"} | set(ruleset.rules))
        ):
            alone.append(name)
    return alone


def _assumptions(ruleset: RuleSet, steps: Sequence[StepRecord]) -> tuple[str, ...]:
    """The readings the line relies on: those of its counting rules, then of its steps."""
    counting = ruleset.counting
    counted = (
        [counting.month, *counting.rules.values(), *counting.aggregates.values()]
        if counting is not None
        else []
    )
    declared = [a for rule in counted for a, _ in rule.assumes]
    return tuple(dict.fromkeys([*declared, *(a for step in steps for a in step.assumes)]))
