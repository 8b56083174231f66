"""Billing: each municipality's amount for each month, with every step that made it.

For each municipality and month the engine finds the governing documents (:mod:`.timeline`),
takes the monthly figures from the data under that document's counting rules (:mod:`.inputs`),
evaluates the rules exactly (over all the lines of a rule set at once, as integers,
:mod:`.together`; else line by line, with what each rule set's lines share worked out once,
:mod:`.plan`), and makes the invoice line (:mod:`.lines`): final, provisional or not computed,
with its reasons (:mod:`.reasons`), and the values its steps are made from when asked for
(:mod:`.derivation`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import NamedTuple

from agreement_engine.agreements.library import Library
from agreement_engine.billing.across import History
from agreement_engine.billing.derivation import LineValues
from agreement_engine.billing.evaluation import FigureUse, LineEnvironment
from agreement_engine.billing.lines import Footing, InvoiceBasis, InvoiceLine, Read
from agreement_engine.billing.monthly import MonthColumns, MonthlyData
from agreement_engine.billing.plan import Plans
from agreement_engine.billing.ruleset import RESULT
from agreement_engine.billing.timeline import Governing, Parties
from agreement_engine.billing.together import (
    Due,
    Group,
    Rules,
    Unbillable,
    amount_of,
    computed_line,
    joined,
    not_computed,
    rules_of,
)
from agreement_engine.billing.together import compute_together as _together
from agreement_engine.diagnostics import Text
from agreement_engine.formula import FormulaError, MissingFigure, Value
from agreement_engine.formula.values import Amount
from agreement_engine.months import YearMonth

__all__ = ["MonthlyData", "bill"]


class _Run(NamedTuple):
    """What every month of a run bills with: the library, the data, the plans and governance
    worked out so far, the run's history, the municipalities, and those party to the same
    agreements grouped (:meth:`.Governing.parties`, the same every month)."""

    library: Library
    data: MonthlyData
    plans: Plans
    governing: Governing
    history: History
    municipalities: Sequence[str]
    parties: Parties
    assume_approved: bool


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
    governing = Governing(library)
    history = History(library.parameters, data)
    parties = governing.parties(municipalities)
    run = _Run(
        library, data, Plans(library), governing, history, municipalities, parties, assume_approved
    )
    lines: list[InvoiceLine] = []
    for number, month in enumerate(months, 1):
        if progress is not None:
            progress(month, number, len(months))
        lines += _month(run, month)
    return InvoiceBasis(
        tuple(lines), tuple(months), tuple(municipalities), assume_approved, library
    )


def _month(run: _Run, month: YearMonth) -> list[InvoiceLine]:
    """A month's lines, in the order of the municipalities. Municipalities whose months are
    governed alike share their rules; the lines one rule set computes are computed together
    (:func:`_rule_set_lines`)."""
    municipalities = run.municipalities
    found: list[InvoiceLine | None] = [None] * len(municipalities)
    rules: dict[tuple[object, ...], Rules | Unbillable] = {}
    together: dict[str, list[tuple[list[int], Rules]]] = {}
    for governance, rows in run.governing.grouped(run.parties, month):
        ruled = rules.get(governance.key)
        if ruled is None:
            ruled = rules[governance.key] = rules_of(
                run.plans, governance, run.assume_approved, run.data
            )
        if isinstance(ruled, Unbillable):
            for row in rows:
                found[row] = InvoiceLine(municipalities[row], None, ruled.footing, ruled.values)
        else:
            together.setdefault(ruled.ruleset.name, []).append((rows, ruled))
    for parts in together.values():
        rows, ruled_rows = _in_order(parts)
        every = len(rows) == len(municipalities)
        names = list(municipalities) if every else [municipalities[row] for row in rows]
        made = _rule_set_lines(run, names, ruled_rows, month)
        if len(made) == len(found):  # one rule set bills every line: they are in order
            return made
        for row, line in zip(rows, made, strict=True):
            found[row] = line
    return [line for line in found if line is not None]


def _in_order(parts: list[tuple[list[int], Rules]]) -> tuple[list[int], list[Rules]]:
    """The rows one rule set bills, in order, each with its rules, from the groups of rows
    governed alike (most often one group: then as it is)."""
    if len(parts) == 1:
        [(rows, ruled)] = parts
        return rows, [ruled] * len(rows)
    pairs = sorted(((row, ruled) for rows, ruled in parts for row in rows), key=itemgetter(0))
    return [row for row, _ in pairs], [ruled for _, ruled in pairs]


def _rule_set_lines(
    run: _Run, municipalities: list[str], rules: list[Rules], month: YearMonth
) -> list[InvoiceLine]:
    """The lines of one rule set in a month: those whose data cannot give their aggregates (or
    price their days) not computed, the others computed together (:func:`_compute_together`),
    or each by the run's history when the rules read other months."""
    first = rules[0]
    columns = run.data.month_columns(first.ruleset, first.typed, municipalities, month)
    made: list[InvoiceLine | None] = [None] * len(municipalities)
    for row, reason in columns.missing.items():
        ruled = rules[row]
        made[row] = not_computed(ruled, municipalities[row], (reason, *ruled.notes, *ruled.reasons))
    priced, counted = _priced(columns, municipalities, rules, made)
    if len(priced) == len(municipalities):  # every line priced: the rows as they are
        group = Group(municipalities, rules, counted, columns)
        return _computed_group(run, group)
    if priced:
        found = [columns.found[at] for at in priced]
        taken = [municipalities[row] for row in found]
        group = Group(taken, [rules[row] for row in found], counted, columns.taken(priced))
        computed = _computed_group(run, group)
        for row, line in zip(found, computed, strict=True):
            made[row] = line
    return [line for line in made if line is not None]


def _computed_group(run: _Run, group: Group) -> list[InvoiceLine]:
    """The lines of a group: together, or each by the run's history when the rules read other
    months."""
    if group.rules[0].typed.across:
        return [_compute_across(run.history, due) for due in group.dues()]
    return _compute_together(run.library, group)


def _priced(
    columns: MonthColumns,
    municipalities: list[str],
    rules: list[Rules],
    made: list[InvoiceLine | None],
) -> tuple[list[int], list[tuple[FigureUse, ...]]]:
    """The rows found whose days can be priced (by their places among those found), with the
    figures their counting looked up; the others are made lines not computed, saying why."""
    if not columns.counted:  # nothing priced day by day: every row found
        return list(range(len(columns.found))), [()] * len(columns.found)
    priced: list[int] = []
    counted: list[tuple[FigureUse, ...]] = []
    for at, row in enumerate(columns.found):
        municipality, ruled, used = municipalities[row], rules[row], columns.counted.get(row, ())
        unpriced = ruled.unpriced(used) if used else ()
        if unpriced:
            why = (*unpriced, *ruled.notes, *ruled.reasons)
            made[row] = not_computed(ruled, municipality, why, columns.line(at), used)
        else:
            priced.append(at)
            counted.append(used)
    return priced, counted


def _compute_together(library: Library, group: Group) -> list[InvoiceLine]:
    """The lines of one rule set in one month, each rule evaluated over all of them at once, as
    integers (:mod:`.together`); one by one when that cannot be done (a line looks up a figure
    of its own, or fails), which gives the same lines."""
    lines = _together(group)
    return lines if lines is not None else [_compute(library, due) for due in group.dues()]


def _compute(library: Library, due: Due) -> InvoiceLine:
    """One line, its rules evaluated one by one."""
    rules = due.rules
    plan = rules.plan
    values = {**plan.shared, **due.aggregates, "month": rules.governance.month}
    shared = joined(plan.uses, due.counted) if due.counted else plan.uses
    env = LineEnvironment(values, library.parameters, shared)
    name = RESULT
    try:
        for name, formula in plan.remaining:
            if name not in due.aggregates:  # an aggregate hides a rule of its name
                values[name] = formula(env)
    except MissingFigure as missing:
        reason = Text(
            "figure {parameter} for {key} is missing", parameter=missing.parameter, key=missing.key
        )
        return _failed(due, reason, env.used)
    except FormulaError as exc:
        reason = Text("{problem} (while computing {name})", problem=exc.problem.message, name=name)
        return _failed(due, reason, env.used)
    return _computed(due, values, env.used)


def _failed(due: Due, reason: str, used: Sequence[FigureUse]) -> InvoiceLine:
    """A line whose rules could not be evaluated, and why."""
    why = (reason, *due.rules.notes)
    return not_computed(due.rules, due.municipality, why, due.aggregates, used)


def _compute_across(history: History, due: Due) -> InvoiceLine:
    """One line of a rule set that reads other months: its month worked out in the run's
    history, where the months its windows read are worked out once for every line."""
    rules, aggregates = due.rules, due.aggregates
    ruleset, typed, month = rules.ruleset, rules.typed, rules.governance.month
    worked = history.month(ruleset, typed, due.municipality, month, aggregates)
    names = [name for name in typed.order if name not in aggregates]
    found: list[Sequence[FigureUse]] = [due.counted]
    name = RESULT
    try:
        for name in names:
            found.append(worked.resolve(name)[1])
    except MissingFigure as missing:
        reason = Text(
            "figure {parameter} for {key} is missing", parameter=missing.parameter, key=missing.key
        )
        return _failed(due, reason, joined(*found))
    except FormulaError as exc:
        reason = Text("{problem} (while computing {name})", problem=exc.problem.message, name=name)
        return _failed(due, reason, joined(*found))
    values: dict[str, Value] = {**aggregates, "month": month}
    values.update((name, worked.values[name]) for name in names)
    reads = tuple(read for name in names for read in worked.reads[name])
    return _computed(due, values, joined(*found), reads)


def _computed(
    due: Due,
    values: Mapping[str, Value],
    used: tuple[FigureUse, ...],
    across: tuple[Read, ...] = (),
) -> InvoiceLine:
    """A line computed one by one, from its values."""
    rules = due.rules
    derivation = LineValues(rules.plan.records, values, dict(due.aggregates))
    net = values[RESULT]
    assert isinstance(net, Amount)
    amount, first = amount_of(net.value.numerator, net.value.denominator)
    footing: Footing | None = None
    if not first and not across and used is rules.plan.uses:
        footing = rules.footing  # as every line that rests on the month's figures alone
    return computed_line(rules, due.municipality, amount, first, used, derivation, footing, across)
