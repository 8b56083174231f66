"""The invoice basis: each municipality's amount for each month, with every step that made it.

For each municipality and month the engine finds the governing documents (:mod:`.timeline`),
takes the monthly figures from the data under that document's counting rules (:mod:`.sources`),
evaluates the rules exactly (:mod:`.evaluation`), and records the derivation. A line is **final**
only when every figure it rests on is official and every approval is in; otherwise it is
**provisional** with the reasons, or **not computed** when something it needs is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple, Protocol

from agreement_engine.agreements.documents import Citation, Document, Rule
from agreement_engine.agreements.library import Library
from agreement_engine.billing.evaluation import (
    FigureUse,
    LineEnvironment,
    MonthEnvironment,
    ParameterFigures,
)
from agreement_engine.billing.ruleset import RESULT, RuleSet, Typed, dependencies, type_rules
from agreement_engine.billing.timeline import Governance, Status, govern
from agreement_engine.formula import Amount, FormulaError, MissingFigure, Value, to_decimal
from agreement_engine.formula.ast import NO_SPAN
from agreement_engine.formula.batch import Batched, Column, Unbatchable, batched
from agreement_engine.formula.evaluator import Compiled, compiled, decimal_places
from agreement_engine.formula.types import MONEY, Quantity, Type
from agreement_engine.months import YearMonth

# The rules shown as columns of the invoice basis when an agreement has them.
COLUMNS = (
    "benchmark",
    "average_days",
    "excess",
    "episodes",
    "day_cost",
    "gross_amount",
    "discount",
    "net_amount",
)


class LineStatus(StrEnum):
    """How far a line can be trusted: final, provisional (with reasons) or not computed."""

    FINAL = "final"
    PROVISIONAL = "provisional"
    NOT_COMPUTED = "not computed"


class Step(NamedTuple):
    """One rule evaluated: its formula, the value it gave, and where it comes from (a line has
    one for each rule, tens of thousands in a run: a tuple is the cheapest to make)."""

    record: StepRecord
    value: Value

    @property
    def rule(self) -> str:
        return self.record.rule

    @property
    def formula(self) -> str:
        return self.record.formula

    @property
    def document(self) -> str:
        return self.record.document

    @property
    def cites(self) -> tuple[Citation, ...]:
        return self.record.cites

    @property
    def assumes(self) -> tuple[str, ...]:
        return self.record.assumes

    @property
    def description(self) -> str | None:
        return self.record.description


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One municipality's month."""

    municipality: str
    month: YearMonth
    governance: Governance
    documents: tuple[Document, ...]
    status: LineStatus
    reasons: tuple[str, ...]
    inputs: dict[str, Amount]
    steps: tuple[Step, ...]
    figures: tuple[FigureUse, ...]
    assumptions: tuple[str, ...]
    amount: Decimal | None  # the net amount billed; None when not computed

    def value(self, name: str) -> Value | None:
        if name in self.inputs:
            return self.inputs[name]
        return next((s.value for s in self.steps if s.rule == name), None)

    def values(self) -> dict[str, Value]:
        """Every value of the line by name, as :meth:`value` gives each."""
        found: dict[str, Value] = {}
        for step in self.steps:
            found.setdefault(step.rule, step.value)
        found.update(self.inputs)
        return found


EXACT_SUMS = Context(
    prec=MAX_PREC,
    Emax=MAX_EMAX,
    Emin=MIN_EMIN,
    traps=[InvalidOperation, DivisionByZero, Overflow, Inexact],
)
"""The decimal context totals are added in. The default context keeps 28 digits and rounds the
rest away without a word; this one keeps as many as Python can, so that every sum of amounts is
exact, and it would stop with an error rather than round."""


@dataclass(frozen=True, slots=True)
class InvoiceBasis:
    """Every line of a run, in order of month then municipality."""

    lines: tuple[InvoiceLine, ...]
    months: tuple[YearMonth, ...]
    municipalities: tuple[str, ...]
    assume_approved: bool
    library: Library

    def library_document(self, document_id: str) -> Document:
        """A loaded document by id (the figures files a line rests on, for the record)."""
        found = self.library.by_id(document_id)
        assert found is not None
        return found

    def total(self, municipality: str | None = None) -> Decimal:
        """The sum of the computed amounts (of one municipality, or all), exact however many
        digits it has (see :data:`EXACT_SUMS`)."""
        with localcontext(EXACT_SUMS):
            return sum(
                (
                    line.amount
                    for line in self.lines
                    if line.amount is not None
                    and (municipality is None or line.municipality == municipality)
                ),
                Decimal(0),
            )


class MonthlyData(Protocol):
    """Monthly figures per municipality, under a rule set's counting rules."""

    def aggregates(
        self, ruleset: RuleSet, typed: Typed, municipality: str, month: YearMonth
    ) -> dict[str, Amount] | str:
        """The aggregates the rule set needs, or a sentence saying why they cannot be had."""

    def caveats(self, ruleset: RuleSet) -> tuple[str, ...]:
        """Why every line the rule set bills from this data is provisional (a value the data
        does not give), if it is."""


@dataclass(frozen=True, slots=True)
class _Plan:
    """How every line of one rule set in one month is computed: the values its lines share (the
    month, and the rules that depend on it alone, like the benchmark or the price of a day) and
    the figures they used; the other rules, in order, each compiled once; and what every line
    records alike."""

    shared: dict[str, Value]
    uses: tuple[FigureUse, ...]
    reasons: tuple[str, ...]
    """Why a line resting on ``uses`` alone is provisional (:func:`_figure_reasons`)."""
    remaining: tuple[tuple[str, Compiled], ...]
    batch: tuple[tuple[str, Batched, Type], ...]
    """The same rules over columns (:mod:`.formula.batch`), each with its checked type."""
    records: tuple[StepRecord, ...]
    assumptions: tuple[str, ...]


@dataclass
class _Typing:
    """What a run works out once, whatever the number of lines: each rule set's types, and a
    :class:`_Plan` per rule set and month."""

    library: Library
    cache: dict[str, Typed] = field(default_factory=dict)
    plans: dict[tuple[str, YearMonth], _Plan] = field(default_factory=dict)

    def __call__(self, ruleset: RuleSet) -> Typed:
        if ruleset.name not in self.cache:
            self.cache[ruleset.name] = type_rules(ruleset, self.library.parameters)
        return self.cache[ruleset.name]

    def plan(self, ruleset: RuleSet, typed: Typed, month: YearMonth) -> _Plan:
        key = (ruleset.name, month)
        found = self.plans.get(key)
        if found is None:
            found = self.plans[key] = self._plan(ruleset, typed, month)
        return found

    def _plan(self, ruleset: RuleSet, typed: Typed, month: YearMonth) -> _Plan:
        figures = ParameterFigures(self.library.parameters)
        env = MonthEnvironment(ruleset, month, {}, figures)
        try:
            for name in _month_only(ruleset, typed):
                env.value(name, NO_SPAN)
        except (MissingFigure, FormulaError):
            pass  # each line meets the same problem itself, and reports it
        shared: dict[str, Value] = {**env.values, "month": month}
        remaining, batch = [], []
        for name in typed.order:
            expr = ruleset.rules[name].formula.expr
            if name not in shared and expr is not None:
                remaining.append((name, compiled(expr)))
                batch.append((name, batched(expr), typed.types[name]))
        records = tuple(StepRecord.of(ruleset.rules[name]) for name in typed.order)
        uses = tuple(figures.used)
        return _Plan(
            shared,
            uses,
            tuple(_figure_reasons(uses)),
            tuple(remaining),
            tuple(batch),
            records,
            _assumptions(ruleset, records),
        )


def _month_only(ruleset: RuleSet, typed: Typed) -> list[str]:
    """The rules, in order, whose values depend on the month alone, not on any aggregate."""
    alone: list[str] = []
    for name in typed.order:
        expr = ruleset.rules[name].formula.expr
        uses = dependencies(expr) if expr is not None else set()
        if not uses & set(typed.aggregate_types) and all(
            u in alone or u == "month" for u in uses & ({"month"} | set(ruleset.rules))
        ):
            alone.append(name)
    return alone


def bill(
    library: Library,
    data: MonthlyData,
    months: Sequence[YearMonth],
    municipalities: Sequence[str],
    *,
    assume_approved: bool = False,
    progress: Callable[[YearMonth, int, int], None] | None = None,
) -> InvoiceBasis:
    """The invoice basis for these months and municipalities.

    ``progress`` is told each month as it starts (month, its number, how many), for a terminal.
    """
    typing = _Typing(library)
    lines: list[InvoiceLine] = []
    for number, month in enumerate(months, 1):
        if progress is not None:
            progress(month, number, len(months))
        lines += _month(library, data, typing, municipalities, month, assume_approved)
    return InvoiceBasis(
        tuple(lines), tuple(months), tuple(municipalities), assume_approved, library
    )


class _Due(NamedTuple):
    """A line to compute: what governs it, its aggregates, and why it is provisional for its
    approvals."""

    governance: Governance
    ruleset: RuleSet
    plan: _Plan
    aggregates: dict[str, Amount]
    reasons: tuple[str, ...]


def _month(
    library: Library,
    data: MonthlyData,
    typing: _Typing,
    municipalities: Sequence[str],
    month: YearMonth,
    assume_approved: bool,
) -> list[InvoiceLine]:
    """A month's lines, in the order of the municipalities. The lines one rule set computes are
    computed together (:func:`_compute_together`)."""
    rules: dict[tuple[object, ...], _Rules | _Unbillable] = {}
    found = []
    for municipality in municipalities:
        governance = govern(library, municipality, month)
        key = _governed_alike(governance)
        if key not in rules:
            rules[key] = _rules(typing, governance, assume_approved)
        found.append(_due(data, governance, rules[key]))
    together: dict[int, list[_Due]] = {}
    for due in found:
        if isinstance(due, _Due):
            together.setdefault(id(due.plan), []).append(due)
    computed = {
        id(due): line
        for group in together.values()
        for due, line in zip(group, _compute_together(library, group), strict=True)
    }
    return [due if isinstance(due, InvoiceLine) else computed[id(due)] for due in found]


def _governed_alike(governance: Governance) -> tuple[object, ...]:
    """What the rules of a month depend on: municipalities party to the same agreements share
    these very objects (see :func:`.timeline.govern`), so their identities tell them apart."""
    g = governance
    return (
        g.status,
        id(g.governing),
        id(g.pending),
        id(g.conflicts),
        id(g.statute),
        id(g.routines),
    )


class _Rules(NamedTuple):
    """The rules that govern some municipalities' month, and why their lines are provisional
    for its approvals."""

    ruleset: RuleSet
    typed: Typed
    plan: _Plan
    reasons: tuple[str, ...]


class _Unbillable(NamedTuple):
    """Why no rules can bill some municipalities' month, and the documents that govern it."""

    layers: tuple[Document, ...]
    reason: str


def _rules(typing: _Typing, governance: Governance, assume_approved: bool) -> _Rules | _Unbillable:
    """The rules that govern a month; or why none can bill it."""
    ruleset = governance.ruleset(assume_approved)
    if ruleset is None:
        return _Unbillable((), _ungoverned(governance))
    typed = typing(ruleset)
    if typed.problems:
        return _Unbillable(ruleset.layers, "the governing files have errors: run check")
    plan = typing.plan(ruleset, typed, governance.month)
    return _Rules(ruleset, typed, plan, tuple(_approval_reasons(governance, assume_approved)))


def _due(
    data: MonthlyData, governance: Governance, rules: _Rules | _Unbillable
) -> _Due | InvoiceLine:
    """What a line needs to be computed; or the line, when it cannot be."""
    if isinstance(rules, _Unbillable):
        return _not_computed(governance, rules.layers, (rules.reason,))
    ruleset, typed, plan, reasons = rules
    aggregates = data.aggregates(ruleset, typed, governance.municipality, governance.month)
    if isinstance(aggregates, str):
        return _not_computed(governance, ruleset.layers, (aggregates, *reasons))
    return _Due(governance, ruleset, plan, aggregates, (*reasons, *data.caveats(ruleset)))


def _compute_together(library: Library, group: Sequence[_Due]) -> list[InvoiceLine]:
    """The lines of one rule set in one month, each rule evaluated over all of them at once
    (:mod:`.formula.batch`); one by one when that cannot be done (a line looks up a figure of
    its own, or fails), which gives the same lines."""
    plan = group[0].plan
    names = group[0].aggregates.keys()
    if any(due.aggregates.keys() != names for due in group):
        return [_compute(library, due) for due in group]
    rows = range(len(group))
    columns: dict[str, Column] = {
        name: [value.value if isinstance(value, Amount) else value] * len(group)
        for name, value in plan.shared.items()
    }
    for name in names:
        columns[name] = [due.aggregates[name].value for due in group]
    try:
        for name, formula, _ in plan.batch:
            if name not in names:  # an aggregate hides a rule of its name
                columns[name] = formula(columns, rows)
    except Unbatchable:
        return [_compute(library, due) for due in group]
    evaluated = [(name, columns[name], t) for name, _, t in plan.batch if name not in names]
    lines = []
    for row, due in enumerate(group):
        values: dict[str, Value] = {**plan.shared, **due.aggregates}
        for name, column, t in evaluated:
            value = column[row]
            values[name] = Amount(value, t) if isinstance(t, Quantity) else value
        reasons = [*due.reasons, *plan.reasons]
        lines.append(
            _computed(due.governance, due.ruleset, plan, values, due.aggregates, plan.uses, reasons)
        )
    return lines


def _compute(library: Library, due: _Due) -> InvoiceLine:
    """One line, its rules evaluated one by one."""
    governance, ruleset, plan, aggregates, _ = due
    values = {**plan.shared, **aggregates, "month": governance.month}
    env = LineEnvironment(values, library.parameters, plan.uses)
    name = RESULT
    try:
        for name, formula in plan.remaining:
            if name not in aggregates:  # an aggregate hides a rule of its name
                values[name] = formula(env)
    except MissingFigure as missing:
        reason = f"figure {missing.parameter} for {missing.key} is missing"
        return _not_computed(governance, ruleset.layers, (reason,), aggregates, env.used)
    except FormulaError as exc:
        reason = f"{exc.problem.message} (while computing {name})"
        return _not_computed(governance, ruleset.layers, (reason,), aggregates, env.used)
    used = env.used
    reasons = [*due.reasons, *(plan.reasons if used is plan.uses else _figure_reasons(used))]
    return _computed(governance, ruleset, plan, values, aggregates, used, reasons)


def _computed(
    governance: Governance,
    ruleset: RuleSet,
    plan: _Plan,
    values: Mapping[str, Value],
    aggregates: Mapping[str, Amount],
    used: tuple[FigureUse, ...],
    reasons: list[str],
) -> InvoiceLine:
    steps = tuple([Step(record, values[record.rule]) for record in plan.records])
    net = values[RESULT]
    assert isinstance(net, Amount) and net.unit == MONEY
    amount = to_decimal(net.value)
    status = LineStatus.PROVISIONAL if reasons else LineStatus.FINAL
    if amount is None or _past_ore(amount):
        reasons = [
            f"{RESULT} is {net} — not a whole number of öre; the agreement must say how it "
            "is rounded",
            *reasons,
        ]
        amount, status = None, LineStatus.NOT_COMPUTED
    elif amount < 0:
        below = format(amount, "f")
        reasons.insert(0, f"{RESULT} came out below zero ({below} kr); nothing is billed")
        amount = Decimal(0)
        status = LineStatus.PROVISIONAL
    return InvoiceLine(
        municipality=governance.municipality,
        month=governance.month,
        governance=governance,
        documents=ruleset.layers,
        status=status,
        reasons=tuple(reasons),
        inputs=dict(aggregates),
        steps=steps,
        figures=used,
        assumptions=plan.assumptions,
        amount=amount,
    )


@dataclass(frozen=True, slots=True)
class StepRecord:
    """A rule's step without its value: the same on every line the rule set computes, and shared
    by the steps of all those lines."""

    rule: str
    formula: str
    document: str
    cites: tuple[Citation, ...]
    assumes: tuple[str, ...]
    description: str | None

    @classmethod
    def of(cls, rule: Rule) -> StepRecord:
        return cls(
            rule=rule.name,
            formula=one_line(rule.formula.text),
            document=rule.document,
            cites=rule.cites,
            assumes=tuple(a for a, _ in rule.assumes),
            description=rule.description,
        )


@lru_cache(maxsize=1024)
def one_line(text: str) -> str:
    """A formula as written, on one line (formulas may be wrapped over several in a file)."""
    return " ".join(text.split())


def _past_ore(amount: Decimal) -> bool:
    """Whether an amount in kronor has decimals past the öre (0.125 kr): to_decimal gives it
    with no more decimals than it needs."""
    exponent = amount.as_tuple().exponent
    return isinstance(exponent, int) and exponent < -2


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


def _approval_reasons(governance: Governance, assume_approved: bool) -> list[str]:
    """Why a line is provisional for its approvals: it assumes one still pending; or, billed by
    the statute meanwhile, it would be billed otherwise once every party approves."""
    pending = governance.pending
    if governance.governing is not None or pending is None:
        return []
    waiting = ", ".join(pending.waiting_for)
    if assume_approved:
        return [f"assumes approval of {pending.name}, still pending from {waiting}"]
    return [
        f"{pending.name} awaits approval from {waiting}; until every party approves, the "
        "statute governs this month (--assume-approved bills it as if approved)"
    ]


def _figure_reasons(used: Sequence[FigureUse]) -> list[str]:
    """Why a line is provisional for the figures it rests on: any not official."""
    reasons = []
    for use in used:
        figure = use.figure
        if figure is None:
            continue
        if figure.illustrative:
            reasons.append(
                f"figure {use.parameter} for {use.key} is illustrative, made up for examples "
                f"({figure.document})"
            )
        elif figure.status != "official":
            reasons.append(f"figure {use.parameter} for {use.key} is {figure.status}")
    return reasons


def _ungoverned(governance: Governance) -> str:
    if governance.status is Status.CONFLICT:
        names = " and ".join(c.name for c in governance.conflicts)
        return f"{names} both govern this month: run check"
    # A statute may be loaded and yet not in force (Lag 2017:612 is from 2018-01-01).
    return "no agreement governs this month and no statute is in force"


def _not_computed(
    governance: Governance,
    layers: tuple[Document, ...],
    reasons: tuple[str, ...],
    inputs: Mapping[str, Amount] | None = None,
    used: Sequence[FigureUse] = (),
) -> InvoiceLine:
    return InvoiceLine(
        municipality=governance.municipality,
        month=governance.month,
        governance=governance,
        documents=layers,
        status=LineStatus.NOT_COMPUTED,
        reasons=reasons,
        inputs=dict(inputs or {}),
        steps=(),
        figures=tuple(used),
        assumptions=(),
        amount=None,
    )


def exact(value: Value) -> str:
    """A value as exact text: a terminating decimal, or a fraction ('37/3') when it never ends;
    other values as a formula writes them ('true', '13:45', '2026-03-05', '2026-03'), a text as
    it is."""
    if isinstance(value, Amount):
        return exact_number(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.time):
        return value.isoformat("seconds" if value.second else "minutes")
    return str(value)


def exact_number(number: Fraction) -> str:
    """A number as exact text: '12', '3.5', or '37/3' when its decimals never end."""
    if number.denominator == 1:
        return str(number.numerator)
    decimals = decimal_places(number.denominator)
    if decimals is None:
        return f"{number.numerator}/{number.denominator}"
    return _pointed(number.numerator * decimals[1], decimals[0])


def approximately(value: Fraction, places: int = 4) -> str:
    """A display of a value that may not terminate, to a number of places, marked when cut."""
    if value.denominator == 1:
        return str(value.numerator)
    decimals = decimal_places(value.denominator)
    if decimals is not None:
        return _pointed(value.numerator * decimals[1], decimals[0])
    return _pointed(value.numerator * 10**places // value.denominator, places) + "…"


def _pointed(whole: int, places: int) -> str:
    """``whole`` × 10^-places as decimal text, by whole-number arithmetic (no Decimal, whose
    context would round past 28 digits); ``places`` > 0: (-5, 3) gives '-0.005'."""
    digits = str(abs(whole)).rjust(places + 1, "0")
    return f"{'-' if whole < 0 else ''}{digits[:-places]}.{digits[-places:]}"
