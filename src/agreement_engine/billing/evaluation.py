"""Evaluating a rule set for one municipality's month, remembering every step.

Rules are evaluated on demand, each once, and every value that goes in or out is recorded in a
:class:`Trace`, so a result can be explained step by step down to the clause it came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Protocol

from agreement_engine.agreements.documents import Figure, ParameterSeries
from agreement_engine.billing.ruleset import RuleSet
from agreement_engine.diagnostics import Text
from agreement_engine.formula import (
    Amount,
    Environment,
    FormulaError,
    MissingFigure,
    Value,
    format_value,
)
from agreement_engine.formula.ast import Span
from agreement_engine.formula.evaluator import Compiled
from agreement_engine.formula.types import Quantity
from agreement_engine.frozen import frozen
from agreement_engine.months import YearMonth


@frozen
class FigureUse:
    """A dated figure that a result rests on."""

    parameter: str
    key: str
    figure: Figure | None  # None: no entry at all for that key
    series: ParameterSeries


class Figures(Protocol):
    def get(self, name: str, key: Value, span: Span) -> Amount: ...


def figure_key(series: ParameterSeries, key: Value, span: Span) -> str:
    """The key of the figure a lookup asks for: a year, or a month. A year worked out by a
    formula must come out whole (FormulaError if not): 2023.5 is no year to look up."""
    if isinstance(key, YearMonth):
        return str(key.year) if series.period == "year" else str(key)
    assert isinstance(key, Amount)
    if key.value.denominator != 1:
        raise FormulaError(
            Text("a figure is looked up by a whole year, not {key}", key=format_value(key)),
            span,
            hint="round the year, like national_day_cost[year_of(month)]",
        )
    return str(key.value.numerator)


@dataclass
class ParameterFigures:
    """Looks dated figures up in the loaded parameter files, recording each use."""

    series: Mapping[str, ParameterSeries]
    used: list[FigureUse] = field(default_factory=list)

    def get(self, name: str, key: Value, span: Span) -> Amount:
        series = self.series[name]
        text = figure_key(series, key, span)
        figure = series.figures.get(text)
        if all(u.parameter != name or u.key != text for u in self.used):
            self.used.append(FigureUse(name, text, figure, series))
        if figure is None or figure.value is None:
            raise MissingFigure(name, text, span)
        return Amount(Fraction(figure.value), series.unit)


@dataclass
class ProbeFigures(ParameterFigures):
    """Like ParameterFigures, but a missing figure counts as 1 so the probe can go on."""

    def get(self, name: str, key: Value, span: Span) -> Amount:
        try:
            return super().get(name, key, span)
        except MissingFigure:
            return Amount(Fraction(1), self.series[name].unit)


@dataclass
class MonthEnvironment:
    """The names of a month's rules: the month, its aggregates, the figures, and the rules.

    A rule that reads another month gets that month's environment, with the same aggregates and
    figures (a probe of the figures a month needs evaluates the rules with stand-in aggregates:
    those of another month stand in alike)."""

    ruleset: RuleSet
    month: YearMonth
    aggregates: Mapping[str, Amount]
    figures: Figures
    values: dict[str, Value] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    current: str | None = None
    others: dict[YearMonth, MonthEnvironment] = field(default_factory=dict, repr=False)

    def value(self, name: str, span: Span) -> Value:
        if name == "month":
            return self.month
        if name in self.aggregates:
            return self.aggregates[name]
        if name not in self.values:
            program = self.ruleset.rules[name].formula.program
            assert program is not None
            self.current = name  # left at the innermost rule when evaluating it fails
            self.values[name] = program.evaluate(self)
            self.order.append(name)
        return self.values[name]

    def lookup(self, name: str, key: Value, span: Span) -> Value:
        if name in self.ruleset.rules or name in self.aggregates:
            assert isinstance(key, YearMonth)
            return self.at(key).value(name, span)
        return self.figures.get(name, key, span)

    def episodes(self) -> Iterable[Environment]:
        return ()

    def across(
        self, months: Sequence[YearMonth], body: Compiled, text: str, span: Span
    ) -> list[Value]:
        return [body(self.at(month)) for month in months]

    def at(self, month: YearMonth) -> MonthEnvironment:
        """The environment of another month (this one for its own month), made once."""
        if month == self.month:
            return self
        self.others.setdefault(self.month, self)
        found = self.others.get(month)
        if found is None:
            found = MonthEnvironment(self.ruleset, month, self.aggregates, self.figures)
            found.others = self.others
            self.others[month] = found
        return found


@dataclass(slots=True)
class LineEnvironment:
    """The names of one line whose rules are evaluated in order, each after the rules it uses:
    every name a formula reads is already in ``values`` (the month, the aggregates, the rules
    before it), so a name is one look-up. Figures are looked up in ``series``; the line rests
    on ``shared`` (the figures of the rules it shares with its month) and on those it looks up
    itself, recorded only if it does."""

    values: dict[str, Value]
    series: Mapping[str, ParameterSeries]
    shared: tuple[FigureUse, ...]
    figures: ParameterFigures | None = None

    @property
    def used(self) -> tuple[FigureUse, ...]:
        """The figures the line rests on: ``shared`` itself when it looked none up."""
        return self.shared if self.figures is None else tuple(self.figures.used)

    def value(self, name: str, span: Span) -> Value:
        return self.values[name]

    def lookup(self, name: str, key: Value, span: Span) -> Value:
        if self.figures is None:
            self.figures = ParameterFigures(self.series, list(self.shared))
        return self.figures.get(name, key, span)

    def episodes(self) -> Iterable[Environment]:
        return ()

    def across(
        self, months: Sequence[YearMonth], body: Compiled, text: str, span: Span
    ) -> list[Value]:
        raise AssertionError("rules that read other months are evaluated by .across")


def stamp(value: Value, unit: Quantity) -> Value:
    """Give an aggregate its checked unit (an empty sum does not know its own)."""
    if isinstance(value, Amount):
        return Amount(value.value, unit)
    return value
