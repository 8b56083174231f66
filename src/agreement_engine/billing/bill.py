"""Billing: each municipality's amount for each month, with every step that made it.

For each municipality and month the engine finds the governing documents (:mod:`.timeline`),
takes the monthly figures from the data under that document's counting rules (:mod:`.inputs`),
evaluates the rules exactly (:mod:`.evaluation`, with what each rule set's lines share worked out
once, :mod:`.plan`), and records the derivation as an invoice line (:mod:`.lines`), final,
provisional or not computed, with its reasons (:mod:`.reasons`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import NamedTuple

from agreement_engine.agreements.documents import Document
from agreement_engine.agreements.library import Library
from agreement_engine.billing.across import History
from agreement_engine.billing.evaluation import FigureUse, LineEnvironment
from agreement_engine.billing.lines import InvoiceBasis, InvoiceLine, LineStatus, Read, Step
from agreement_engine.billing.monthly import MonthlyData
from agreement_engine.billing.plan import Plan, Plans
from agreement_engine.billing.reasons import (
    approval_reasons,
    below_zero,
    figure_reasons,
    governance_notes,
    not_in_ore,
    past_ore,
    ungoverned,
    unpriced_days,
)
from agreement_engine.billing.ruleset import RESULT, RuleSet, Typed
from agreement_engine.billing.timeline import Governance, Governing
from agreement_engine.diagnostics import Text
from agreement_engine.formula import Amount, FormulaError, MissingFigure, Value, to_decimal
from agreement_engine.formula.batch import Column, Unbatchable
from agreement_engine.formula.types import MONEY, Quantity
from agreement_engine.months import YearMonth

__all__ = ["MonthlyData", "bill"]


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
    plans, governing = Plans(library), Governing(library)
    history = History(library.parameters, data)
    lines: list[InvoiceLine] = []
    for number, month in enumerate(months, 1):
        if progress is not None:
            progress(month, number, len(months))
        governed = [governing.govern(municipality, month) for municipality in municipalities]
        lines += _month(library, data, plans, history, governed, assume_approved)
    return InvoiceBasis(
        tuple(lines), tuple(months), tuple(municipalities), assume_approved, library
    )


class _Due(NamedTuple):
    """A line to compute: what governs it, its aggregates (and the figures the counting looked
    up for them), and why it is provisional for its approvals."""

    governance: Governance
    ruleset: RuleSet
    typed: Typed
    plan: Plan
    aggregates: dict[str, Amount]
    counted: tuple[FigureUse, ...]
    reasons: tuple[str, ...]
    notes: tuple[str, ...]
    readings: tuple[tuple[str, str], ...]


def _month(
    library: Library,
    data: MonthlyData,
    plans: Plans,
    history: History,
    governed: Sequence[Governance],
    assume_approved: bool,
) -> list[InvoiceLine]:
    """A month's lines, in the order of the municipalities. Municipalities whose months are
    governed alike share their rules; the lines one rule set computes are computed together
    (:func:`_compute_together`)."""
    rules: dict[tuple[object, ...], _Rules | _Unbillable] = {}
    found: list[_Due | InvoiceLine] = []
    for governance in governed:
        if governance.key not in rules:
            rules[governance.key] = _rules(plans, governance, assume_approved)
        found.append(_due(data, governance, rules[governance.key]))
    together: dict[str, list[tuple[int, _Due]]] = {}
    for row, due in enumerate(found):
        if isinstance(due, _Due):
            together.setdefault(due.ruleset.name, []).append((row, due))
    for group in together.values():
        dues = [due for _, due in group]
        if dues[0].typed.across:  # reads other months: each line by the run's history
            computed = [_compute_across(history, due) for due in dues]
        else:
            computed = _compute_together(library, dues)
        for (row, _), line in zip(group, computed, strict=True):
            found[row] = line
    return [line for line in found if isinstance(line, InvoiceLine)]


class _Rules(NamedTuple):
    """The rules that govern some municipalities' month, why their lines are provisional for
    its approvals, what they say of its footing, and the readings they are computed under."""

    ruleset: RuleSet
    typed: Typed
    plan: Plan
    reasons: tuple[str, ...]
    notes: tuple[str, ...]
    readings: tuple[tuple[str, str], ...]


class _Unbillable(NamedTuple):
    """Why no rules can bill some municipalities' month, and the documents that govern it."""

    layers: tuple[Document, ...]
    reason: str
    notes: tuple[str, ...] = ()


def _rules(plans: Plans, governance: Governance, assume_approved: bool) -> _Rules | _Unbillable:
    """The rules that govern a month; or why none can bill it."""
    library = plans.library
    notes, deciding = governance_notes(governance, library)
    ruleset = governance.ruleset(assume_approved)
    if ruleset is None:
        return _Unbillable((), ungoverned(governance), tuple(notes))
    typed = plans.types(ruleset)
    if typed.problems:
        reason = Text("the governing files have errors: run check")
        return _Unbillable(ruleset.layers, reason, tuple(notes))
    plan = plans.plan(ruleset, typed, governance.month)
    assumptions = dict.fromkeys([*plan.assumptions, *deciding])
    readings = tuple((a, library.reading(a)) for a in assumptions)
    reasons = tuple(approval_reasons(governance, assume_approved))
    return _Rules(ruleset, typed, plan, reasons, tuple(notes), readings)


def _due(
    data: MonthlyData, governance: Governance, rules: _Rules | _Unbillable
) -> _Due | InvoiceLine:
    """What a line needs to be computed; or the line, when it cannot be."""
    if isinstance(rules, _Unbillable):
        return _not_computed(governance, rules.layers, (rules.reason, *rules.notes))
    ruleset, typed, plan, reasons, notes, readings = rules
    municipality, month = governance.municipality, governance.month
    aggregates = data.aggregates(ruleset, typed, municipality, month)
    if isinstance(aggregates, str):
        why = (aggregates, *notes, *reasons)
        return _not_computed(governance, ruleset.layers, why, readings=readings)
    counted = data.counted_figures(ruleset, municipality, month)
    unpriced = tuple(reason for use in counted if (reason := unpriced_days(use)) is not None)
    if unpriced:
        why = (*unpriced, *notes, *reasons)
        return _not_computed(governance, ruleset.layers, why, aggregates, counted, readings)
    caveats = (*reasons, *data.caveats(ruleset))
    return _Due(governance, ruleset, typed, plan, aggregates, counted, caveats, notes, readings)


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
        used = plan.uses
        if due.counted:
            used = _joined(plan.uses, due.counted)
            reasons = [*due.reasons, *figure_reasons(used)]
        lines.append(_computed(due, values, used, reasons))
    return lines


def _joined(*uses: Sequence[FigureUse]) -> tuple[FigureUse, ...]:
    """Figures used, each once, in order of first use."""
    found: dict[tuple[str, str], FigureUse] = {}
    for group in uses:
        for use in group:
            found.setdefault((use.parameter, use.key), use)
    return tuple(found.values())


def _compute(library: Library, due: _Due) -> InvoiceLine:
    """One line, its rules evaluated one by one."""
    governance, _, _, plan, aggregates, counted, *_ = due
    values = {**plan.shared, **aggregates, "month": governance.month}
    shared = _joined(plan.uses, counted) if counted else plan.uses
    env = LineEnvironment(values, library.parameters, shared)
    name = RESULT
    try:
        for name, formula in plan.remaining:
            if name not in aggregates:  # an aggregate hides a rule of its name
                values[name] = formula(env)
    except MissingFigure as missing:
        reason = Text(
            "figure {parameter} for {key} is missing", parameter=missing.parameter, key=missing.key
        )
        return _failed(due, reason, env.used)
    except FormulaError as exc:
        reason = Text("{problem} (while computing {name})", problem=exc.problem.message, name=name)
        return _failed(due, reason, env.used)
    used = env.used
    reasons = [*due.reasons, *(plan.reasons if used is plan.uses else figure_reasons(used))]
    return _computed(due, values, used, reasons)


def _failed(due: _Due, reason: str, used: Sequence[FigureUse]) -> InvoiceLine:
    """A line whose rules could not be evaluated, and why."""
    why = (reason, *due.notes)
    layers = due.ruleset.layers
    return _not_computed(due.governance, layers, why, due.aggregates, used, due.readings)


def _compute_across(history: History, due: _Due) -> InvoiceLine:
    """One line of a rule set that reads other months: its month worked out in the run's
    history, where the months its windows read are worked out once for every line."""
    governance, ruleset, typed, _, aggregates, counted, *_ = due
    month = history.month(ruleset, typed, governance.municipality, governance.month, aggregates)
    names = [name for name in typed.order if name not in aggregates]
    found: list[Sequence[FigureUse]] = [counted]
    name = RESULT
    try:
        for name in names:
            found.append(month.resolve(name)[1])
    except MissingFigure as missing:
        reason = Text(
            "figure {parameter} for {key} is missing", parameter=missing.parameter, key=missing.key
        )
        return _failed(due, reason, _joined(*found))
    except FormulaError as exc:
        reason = Text("{problem} (while computing {name})", problem=exc.problem.message, name=name)
        return _failed(due, reason, _joined(*found))
    values: dict[str, Value] = {**aggregates, "month": governance.month}
    values.update((name, month.values[name]) for name in names)
    used = _joined(*found)
    reads = tuple(read for name in names for read in month.reads[name])
    reasons = [*due.reasons, *figure_reasons(used)]
    return _computed(due, values, used, reasons, reads)


def _computed(
    due: _Due,
    values: Mapping[str, Value],
    used: tuple[FigureUse, ...],
    reasons: list[str],
    across: tuple[Read, ...] = (),
) -> InvoiceLine:
    """A line computed: final unless some reason makes it provisional (its notes do not)."""
    governance, plan = due.governance, due.plan
    steps = tuple([Step(record, values[record.rule]) for record in plan.records])
    net = values[RESULT]
    assert isinstance(net, Amount) and net.unit == MONEY
    amount = to_decimal(net.value)
    status = LineStatus.PROVISIONAL if reasons else LineStatus.FINAL
    first: list[str] = []
    if amount is None or past_ore(amount):
        first = [not_in_ore(net)]
        amount, status = None, LineStatus.NOT_COMPUTED
    elif amount < 0:
        first = [below_zero(amount)]
        amount = Decimal(0)
        status = LineStatus.PROVISIONAL
    return InvoiceLine(
        municipality=governance.municipality,
        month=governance.month,
        governance=governance,
        documents=due.ruleset.layers,
        status=status,
        reasons=(*first, *due.notes, *reasons),
        inputs=dict(due.aggregates),
        steps=steps,
        figures=used,
        assumptions=plan.assumptions,
        amount=amount,
        across=across,
        readings=due.readings,
    )


def _not_computed(
    governance: Governance,
    layers: tuple[Document, ...],
    reasons: tuple[str, ...],
    inputs: Mapping[str, Amount] | None = None,
    used: Sequence[FigureUse] = (),
    readings: tuple[tuple[str, str], ...] = (),
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
        readings=readings,
    )
