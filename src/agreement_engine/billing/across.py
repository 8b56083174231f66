"""Values of other months: a municipality's months under one rule set, each worked out once.

A monthly rule may read another month's value (``average_days[month - 1 month]``) or take a
window over months (``mean(average_days over 3 months)``). The other months are read by the
rules and the counting of the rule set that bills the line, whatever governs those months: a
rolling mean of a municipality's average days is a property of its data, counted one way.

A :class:`History` keeps, for each rule set, municipality and month, the values worked out so
far (:class:`MonthValues`: each rule evaluated when first needed, and once), so that a run over
many months works each month out once however many windows read it: the work grows with the
number of months, never with months times the size of the windows. Each value remembers the
dated figures it rests on, at whatever month they were looked up, and what it read at other
months, so a line can say which figures it rests on and ``explain`` can show the months one by
one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from agreement_engine.agreements.documents import ParameterSeries, Rule
from agreement_engine.agreements.library import Library
from agreement_engine.billing.evaluation import FigureUse, figure_key
from agreement_engine.billing.lines import Read
from agreement_engine.billing.monthly import MonthlyData
from agreement_engine.billing.ruleset import RuleSet, Typed
from agreement_engine.diagnostics import Text
from agreement_engine.formula import Amount, FormulaError, MissingFigure, Value
from agreement_engine.formula.ast import NO_SPAN, Expr, Lookup, Name, Span, Window, walk
from agreement_engine.formula.evaluator import Compiled
from agreement_engine.formula.reach import Reach, month_named, window_months
from agreement_engine.months import YearMonth


@dataclass(slots=True)
class _Frame:
    """What one rule's evaluation rests on: figures (in order of first use) and reads."""

    rule: str
    uses: dict[tuple[str, str], FigureUse] = field(default_factory=dict)
    reads: list[Read] = field(default_factory=list)

    def add(self, uses: Sequence[FigureUse]) -> None:
        for use in uses:
            self.uses.setdefault((use.parameter, use.key), use)


class MonthValues:
    """One municipality's month under one rule set: its values worked out when first needed,
    each once, with the figures each rests on and what it read at other months."""

    def __init__(
        self,
        history: History,
        ruleset: RuleSet,
        typed: Typed,
        municipality: str,
        month: YearMonth,
        aggregates: Mapping[str, Amount] | str,
    ) -> None:
        self.history = history
        self.ruleset = ruleset
        self.typed = typed
        self.municipality = municipality
        self.month = month
        self.aggregates = aggregates
        self.values: dict[str, Value] = {}
        self.uses: dict[str, tuple[FigureUse, ...]] = {}
        self.reads: dict[str, tuple[Read, ...]] = {}
        self._failed: dict[str, Exception] = {}
        self._frames: list[_Frame] = []

    @property
    def inputs(self) -> Mapping[str, Amount]:
        """The month's aggregates; empty when the data cannot give them."""
        return self.aggregates if not isinstance(self.aggregates, str) else {}

    # -- the environment a formula is evaluated in --------------------------------------------

    def value(self, name: str, span: Span) -> Value:
        found, uses = self.resolve(name, span)
        if self._frames:
            self._frames[-1].add(uses)
        return found

    def lookup(self, name: str, key: Value, span: Span) -> Value:
        series = self.history.parameters.get(name)
        if series is not None and name not in self.ruleset.rules:
            return self._figure(series, name, key, span)
        assert isinstance(key, YearMonth)
        other = self.history.at(self, key)
        found, uses = other.resolve(name, span)
        if self._frames:
            frame = self._frames[-1]
            frame.add(uses)
            frame.reads.append(Read(frame.rule, name, key, found, other.inputs))
        return found

    def episodes(self) -> tuple[()]:
        return ()

    def across(
        self, months: Sequence[YearMonth], body: Compiled, text: str, span: Span
    ) -> list[Value]:
        found = []
        for month in months:
            other = self.history.at(self, month)
            value, uses = other.capture(body)
            if self._frames:
                frame = self._frames[-1]
                frame.add(uses)
                frame.reads.append(Read(frame.rule, text, month, value, other.inputs))
            found.append(value)
        return found

    # -- values with what they rest on ---------------------------------------------------------

    def resolve(self, name: str, span: Span = NO_SPAN) -> tuple[Value, tuple[FigureUse, ...]]:
        """A name's value in this month, and the figures it rests on."""
        if name == "month":
            return self.month, ()
        if name in self.typed.aggregate_types:
            return self._aggregate(name, span)
        if name not in self.values:
            self._evaluate(name)
        return self.values[name], self.uses[name]

    def capture(self, body: Compiled) -> tuple[Value, tuple[FigureUse, ...]]:
        """A formula's value in this month (a window's body), and the figures it rests on."""
        frame = _Frame("")
        self._frames.append(frame)
        try:
            value = body(self)
        finally:
            self._frames.pop()
        return value, tuple(frame.uses.values())

    def _aggregate(self, name: str, span: Span) -> tuple[Value, tuple[FigureUse, ...]]:
        if isinstance(self.aggregates, str):
            needed = Text(
                "{name} at {month} is needed, but {why}",
                name=name,
                month=self.month,
                why=self.aggregates,
            )
            raise FormulaError(needed, span)
        counted = self.history.data.counted_figures(self.ruleset, self.municipality, self.month)
        return self.aggregates[name], counted

    def _evaluate(self, name: str) -> None:
        """Evaluate a rule, once: a failure is kept and raised again when asked again."""
        failed = self._failed.get(name)
        if failed is not None:
            raise failed
        program = self.ruleset.rules[name].formula.program
        assert program is not None, "rules with syntax errors are never billed"
        frame = _Frame(name)
        self._frames.append(frame)
        try:
            value = program.evaluate(self)
        except (FormulaError, MissingFigure) as exc:
            self._failed[name] = exc
            raise
        finally:
            self._frames.pop()
        self.history.evaluated += 1
        self.values[name] = value
        self.uses[name] = tuple(frame.uses.values())
        self.reads[name] = tuple(frame.reads)

    def _figure(self, series: ParameterSeries, name: str, key: Value, span: Span) -> Value:
        text = figure_key(series, key, span)
        figure = series.figures.get(text)
        if self._frames:
            self._frames[-1].add((FigureUse(name, text, figure, series),))
        if figure is None or figure.value is None:
            raise MissingFigure(name, text, span)
        return Amount(Fraction(figure.value), series.unit)


def months_read(library: Library, first: YearMonth, last: YearMonth) -> tuple[YearMonth, YearMonth]:
    """The months whose data billing ``first`` to ``last`` can read, windows and look-ups by
    month included: for each document's rules, the farthest a rule reaches back and forward,
    through the rules it reads (at its own month or another; a chain of rules passes each rule
    once, since a rule cannot read itself across months)."""
    back = forward = 0
    fixed: list[YearMonth] = []
    for document in library.documents:
        rules: Mapping[str, Rule] = getattr(document, "rules", {})
        reach: dict[str, tuple[int, int]] = {}
        for name in rules:
            low, high = _farthest(rules, name, frozenset(), reach, fixed)
            back, forward = max(back, -low), max(forward, high)
    start, end = first.plus(-back), last.plus(forward)
    if fixed:
        start, end = min(start, min(fixed).plus(-back)), max(end, max(fixed).plus(forward))
    return start, end


def _farthest(
    rules: Mapping[str, Rule],
    name: str,
    trail: frozenset[str],
    reach: dict[str, tuple[int, int]],
    fixed: list[YearMonth],
) -> tuple[int, int]:
    """How far back (a negative number of months) and forward a rule reaches, through the
    rules it reads; kept in ``reach``. Months written out go to ``fixed``."""
    if name in reach or name not in rules or name in trail:
        return reach.get(name, (0, 0))
    expr = rules[name].formula.expr
    lo = hi = 0
    for node in walk(expr) if expr is not None else ():
        for at, target in _reads(node):
            if at.fixed is not None:
                fixed.append(at.fixed.plus(at.offset))
                continue
            low, high = _farthest(rules, target, trail | {name}, reach, fixed)
            lo, hi = min(lo, at.offset + low), max(hi, at.offset + high)
        if isinstance(node, Name):
            low, high = _farthest(rules, node.name, trail | {name}, reach, fixed)
            lo, hi = min(lo, low), max(hi, high)
    reach[name] = (lo, hi)
    return lo, hi


def _reads(node: Expr) -> list[tuple[Reach, str]]:
    """The months a node reads, each with the name it reads there (a window: each name of its
    body, at its first and last month)."""
    if isinstance(node, Window):
        months = window_months(node)
        names = {n.name for n in walk(node.body) if isinstance(n, Name)}
        return [(at, name) for at in (months or ()) for name in names or {""}]
    if isinstance(node, Lookup):
        at = month_named(node.key)
        return [(at, node.name)] if at is not None else []
    return []


class History:
    """Every month worked out in a run, by rule set, municipality and month (see the module)."""

    def __init__(self, parameters: Mapping[str, ParameterSeries], data: MonthlyData) -> None:
        self.parameters = parameters
        self.data = data
        self.months: dict[tuple[str, str, YearMonth], MonthValues] = {}
        self.evaluated = 0
        """How many rules were evaluated: each rule once per month it is needed in."""

    def month(
        self,
        ruleset: RuleSet,
        typed: Typed,
        municipality: str,
        month: YearMonth,
        aggregates: Mapping[str, Amount] | str | None = None,
    ) -> MonthValues:
        """A municipality's month under a rule set, made once (``aggregates`` when the caller
        has read them already)."""
        key = (ruleset.name, municipality, month)
        found = self.months.get(key)
        if found is None:
            if aggregates is None:
                aggregates = self.data.aggregates(ruleset, typed, municipality, month)
            found = MonthValues(self, ruleset, typed, municipality, month, aggregates)
            self.months[key] = found
        return found

    def at(self, values: MonthValues, month: YearMonth) -> MonthValues:
        """The same municipality and rule set at another month."""
        if month == values.month:
            return values
        return self.month(values.ruleset, values.typed, values.municipality, month)
