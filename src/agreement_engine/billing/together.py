"""The lines of one rule set in one month, computed together, and what every line is made of.

Municipalities whose months are governed alike share their rules (:class:`Rules`: the rule set,
its plan for the month, why its lines are provisional, and the :class:`.Footing` of every line
that rests on the month's figures alone). The lines one rule set computes in a month are
computed together (:func:`compute_together`): each rule evaluated over all of them at once on
integers (:mod:`.formula.batch`, :mod:`.formula.ratios`), the columns kept as the lines'
:class:`.ColumnValues`, from which a line's steps are made only when an output asks for them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from agreement_engine.billing.derivation import NOTHING, ColumnValues, Derivation, LineValues
from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.lines import Footing, InvoiceLine, LineStatus, Read
from agreement_engine.billing.monthly import MonthColumns, MonthlyData
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
from agreement_engine.billing.timeline import Governance
from agreement_engine.diagnostics import Text
from agreement_engine.formula import Amount
from agreement_engine.formula.batch import Column, Repeated, Unbatchable
from agreement_engine.formula.ratios import Ratios, constant, in_lowest_terms
from agreement_engine.formula.types import MONEY, Quantity
from agreement_engine.formula.values import decimal_of


class Rules(NamedTuple):
    """The rules that govern some municipalities' month: what governs it (``governance``, of
    no municipality in particular), the rule set and its plan for the month, why their lines
    are provisional for its approvals (``reasons``) and for the data (``caveats``), what they
    say of its footing (``notes``), the readings they are computed under, and the footing of
    every line of theirs that rests on the month's figures alone."""

    governance: Governance
    ruleset: RuleSet
    typed: Typed
    plan: Plan
    reasons: tuple[str, ...]
    caveats: tuple[str, ...]
    notes: tuple[str, ...]
    readings: tuple[tuple[str, str], ...]
    footing: Footing

    def unpriced(self, counted: Sequence[FigureUse]) -> tuple[str, ...]:
        """Why the days the counting priced day by day cannot be billed, if they cannot."""
        return tuple(reason for use in counted if (reason := unpriced_days(use)) is not None)


class Unbillable(NamedTuple):
    """Why no rules can bill some municipalities' month: the footing of each of its lines."""

    footing: Footing
    values: Derivation = NOTHING


class Due(NamedTuple):
    """A line to compute: its municipality, its rules, its aggregates and the figures the
    counting looked up for them."""

    municipality: str
    rules: Rules
    aggregates: Mapping[str, Amount]
    counted: tuple[FigureUse, ...]


class Group(NamedTuple):
    """The lines one rule set computes in a month: each line's municipality, rules and the
    figures its counting looked up, and their aggregates as columns (:class:`.MonthColumns`,
    in which each line is found)."""

    municipalities: list[str]
    rules: list[Rules]
    counted: list[tuple[FigureUse, ...]]
    aggregates: MonthColumns

    def dues(self) -> list[Due]:
        """Each line to compute, on its own."""
        line = self.aggregates.line
        return [
            Due(municipality, rules, line(at), counted)
            for at, (municipality, rules, counted) in enumerate(
                zip(self.municipalities, self.rules, self.counted, strict=True)
            )
        ]


def rules_of(
    plans: Plans, governance: Governance, assume_approved: bool, data: MonthlyData
) -> Rules | Unbillable:
    """The rules that govern a month; or why none can bill it."""
    library = plans.library
    notes, deciding = governance_notes(governance, library)
    ruleset = governance.ruleset(assume_approved)
    month = governance.month
    if ruleset is None:
        why = (ungoverned(governance), *notes)
        return Unbillable(Footing(month, governance, (), LineStatus.NOT_COMPUTED, why, (), (), ()))
    typed = plans.types(ruleset)
    if typed.problems:
        why = (Text("the governing files have errors: run check"), *notes)
        status = LineStatus.NOT_COMPUTED
        return Unbillable(Footing(month, governance, ruleset.layers, status, why, (), (), ()))
    plan = plans.plan(ruleset, typed, month)
    assumptions = dict.fromkeys([*plan.assumptions, *deciding])
    readings = tuple((a, library.reading(a)) for a in assumptions)
    reasons = tuple(approval_reasons(governance, assume_approved))
    caveats = data.caveats(ruleset)
    why = (*reasons, *caveats, *plan.reasons)
    status = LineStatus.PROVISIONAL if why else LineStatus.FINAL
    footing = Footing(
        month,
        governance,
        ruleset.layers,
        status,
        (*notes, *why),
        plan.uses,
        plan.assumptions,
        readings,
    )
    return Rules(
        governance, ruleset, typed, plan, reasons, caveats, tuple(notes), readings, footing
    )


def not_computed(
    rules: Rules,
    municipality: str,
    reasons: tuple[str, ...],
    inputs: Mapping[str, Amount] | None = None,
    used: Sequence[FigureUse] = (),
) -> InvoiceLine:
    """A line that cannot be computed, and why (the first reason)."""
    governance = rules.governance
    footing = Footing(
        governance.month,
        governance,
        rules.ruleset.layers,
        LineStatus.NOT_COMPUTED,
        reasons,
        tuple(used),
        (),
        rules.readings,
    )
    return InvoiceLine(municipality, None, footing, LineValues((), {}, dict(inputs or {})))


def computed_line(
    rules: Rules,
    municipality: str,
    amount: Decimal | int | None,
    first: tuple[str, ...],
    used: tuple[FigureUse, ...],
    derivation: Derivation,
    footing: Footing | None = None,
    across: tuple[Read, ...] = (),
    row: int = 0,
) -> InvoiceLine:
    """A line computed: final unless some reason makes it provisional (its notes do not); not
    computed after all when its amount is no whole number of öre (``first`` says so), and
    provisional when it came out below zero. ``footing``, when the line stands on the rules'
    own footing."""
    if footing is None:
        plan = rules.plan
        why = plan.reasons if used is plan.uses else figure_reasons(used)
        reasons = (*rules.reasons, *rules.caveats, *why)
        status = LineStatus.PROVISIONAL if reasons else LineStatus.FINAL
        if first:
            status = LineStatus.NOT_COMPUTED if amount is None else LineStatus.PROVISIONAL
        governance = rules.governance
        footing = Footing(
            governance.month,
            governance,
            rules.ruleset.layers,
            status,
            (*first, *rules.notes, *reasons),
            used,
            plan.assumptions,
            rules.readings,
            across,
        )
    return InvoiceLine(municipality, amount, footing, derivation, row)


def amount_of(numerator: int, denominator: int) -> tuple[Decimal | int | None, tuple[str, ...]]:
    """The amount billed for a net amount in kronor (``numerator / denominator``), and why it
    is not what the rules gave, if it is not: no whole number of öre (nothing is billed), or
    below zero (zero is billed). Whole kronor are given as an int (a line keeps them so)."""
    if denominator == 1:
        if numerator < 0:
            return 0, (below_zero(Decimal(numerator)),)
        return numerator, ()
    amount = decimal_of(numerator, denominator)
    if amount is None or past_ore(amount):
        return None, (not_in_ore(Amount(Fraction(numerator, denominator), MONEY)),)
    if numerator < 0:
        return 0, (below_zero(amount),)
    return amount, ()


def joined(*uses: Sequence[FigureUse]) -> tuple[FigureUse, ...]:
    """Figures used, each once, in order of first use."""
    found: dict[tuple[str, str], FigureUse] = {}
    for group in uses:
        for use in group:
            found.setdefault((use.parameter, use.key), use)
    return tuple(found.values())


def compute_together(group: Group) -> list[InvoiceLine] | None:
    """The lines of one rule set in one month, each rule evaluated over all of them at once
    (:mod:`.formula.batch`); None when that cannot be done (their aggregates are not alike, a
    line looks up a figure of its own, or fails): then they are computed one by one, which
    gives the same lines."""
    aggregates = group.aggregates
    if aggregates.lines is not None:
        return None
    plan = group.rules[0].plan
    count = len(group.municipalities)
    columns: dict[str, Column] = {
        name: constant(value.value, count)
        if isinstance(value, Amount)
        else Repeated([value] * count)
        for name, value in plan.shared.items()
    }
    # Every column in lowest terms as soon as it is made, as the lines keep it: the rules
    # after it then compute on the smaller numbers (and more often over one denominator).
    columns.update((name, _lowest(column)) for name, column in aggregates.columns.items())
    units = dict(aggregates.units)
    names = aggregates.names
    rows = range(count)
    try:
        for name, formula, t in plan.batch:
            if name not in names:  # an aggregate hides a rule of its name
                columns[name] = _lowest(formula(columns, rows))
                if isinstance(t, Quantity):
                    units[name] = t
    except Unbatchable:
        return None
    kept = {name: columns[name] for name in (*names, *(b[0] for b in plan.batch))}
    derivation = ColumnValues(plan.records, kept, units, plan.shared, names)
    return _lines(group, _net(kept, plan, count), derivation)


def _lines(group: Group, net: Ratios, derivation: Derivation) -> list[InvoiceLine]:
    """The group's lines, each a row of ``derivation``, billing its net amount: in one pass
    when they all stand on the rules' own footing (:func:`_shared_footings`), else each as it
    stands."""
    count = len(group.municipalities)
    municipalities, numerators, rows = group.municipalities, net.numerators, range(count)
    derivations = [derivation] * count
    footings = _shared_footings(group, net)
    if footings is not None:
        return list(map(InvoiceLine, municipalities, numerators, footings, derivations, rows))
    rules, counted, denominators = group.rules, group.counted, _denominators(net)
    return list(
        map(_line, municipalities, rules, counted, numerators, denominators, rows, derivations)
    )


def _line(
    municipality: str,
    rules: Rules,
    counted: tuple[FigureUse, ...],
    numerator: int,
    denominator: int,
    row: int,
    derivation: Derivation,
) -> InvoiceLine:
    amount, first = amount_of(numerator, denominator)
    if not first and not counted:
        return InvoiceLine(municipality, amount, rules.footing, derivation, row)
    used = joined(rules.plan.uses, counted) if counted else rules.plan.uses
    return computed_line(rules, municipality, amount, first, used, derivation, row=row)


def _shared_footings(group: Group, net: Ratios) -> list[Footing] | None:
    """The footing of each line, when every line stands on the rules' own footing with its
    net amount billed as it is: one rule set's rules, no figures counted for any line, and
    whole kronor none below zero (what :func:`_line` would find line by line). Else None."""
    rules = group.rules
    first = rules[0]
    # Rules are equal only when their footings are one object (a footing is equal only to
    # itself), so rules all equal to the first stand on its footing.
    if net.denominator != 1 or any(group.counted) or rules.count(first) != len(rules):
        return None
    if net.numerators and min(net.numerators) < 0:
        return None
    return [first.footing] * len(rules)


def _lowest(column: Column) -> Column:
    """A column as the lines' values keep it: quantities in lowest terms."""
    return in_lowest_terms(column) if isinstance(column, Ratios) else column


def _net(columns: Mapping[str, Column], plan: Plan, count: int) -> Ratios:
    """The net amount of each line, as integers."""
    net = columns.get(RESULT)
    if net is None:
        shared = plan.shared[RESULT]
        assert isinstance(shared, Amount)
        return constant(shared.value, count)
    assert isinstance(net, Ratios), "the checker makes the net amount money"
    return net


def _denominators(net: Ratios) -> list[int]:
    denominator = net.denominator
    return denominator if isinstance(denominator, list) else [denominator] * len(net.numerators)
