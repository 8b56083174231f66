"""The rules that govern one month, and their types.

A month is governed by a base document (an agreement, or the statute) with layers on top: an
extension may replace or add rules, and each routine in force replaces or adds more (the 35 %
discount replaces the agreement's ``discount``). A later layer wins. This module composes the layers
into one :class:`RuleSet`, orders its rules so each comes after the rules it uses, and works out
every rule's type, reporting anything that does not fit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from agreement_engine.agreements.documents import (
    Agreement,
    Counting,
    Document,
    Extension,
    Formula,
    ParameterSeries,
    Routine,
    Rule,
    Statute,
)
from agreement_engine.billing.counting import aggregate_problems, episode_problems
from agreement_engine.diagnostics import Diagnostic, error
from agreement_engine.formula import FUNCTIONS, FormulaProblem, Parameter, Scope, check
from agreement_engine.formula.ast import Call, Expr, Lookup, Name, across_months, children
from agreement_engine.formula.types import DAYS, MONEY, NUMBER, Kind, Type, describe
from agreement_engine.frozen import frozen

# Facts of one hospital episode, as read from an episode-level extract.
EPISODE_INPUTS: dict[str, Type] = {
    "ready_date": Kind.DATE,
    "notice_time": Kind.TIME,
    "discharge_date": Kind.DATE,
    "admission_notice_sent": Kind.BOOLEAN,
    "ready_notice_sent": Kind.BOOLEAN,
    "sip_required": Kind.BOOLEAN,
    "sip_invitation_sent": Kind.BOOLEAN,
    "care_type": Kind.TEXT,
}
MONTH_INPUTS: dict[str, Type] = {"month": Kind.MONTH}
# Aggregates a monthly figures file provides when the agreement has no counting section.
DEFAULT_AGGREGATES: dict[str, Type] = {"episodes": NUMBER, "total_days": DAYS}
RESULT = "net_amount"


@frozen
class RuleSet:
    """The layered rules of one governing combination of documents."""

    layers: tuple[Document, ...]
    rules: dict[str, Rule]
    counting: Counting | None
    name: str
    """The layers' ids: 'halland-2025 + halland-2026-extension'."""

    @property
    def base(self) -> Agreement | Statute:
        base = self.layers[0]
        assert isinstance(base, Agreement | Statute)
        return base


def compose(
    base: Agreement | Statute, extension: Extension | None, routines: Sequence[Routine]
) -> RuleSet:
    """Layer an extension's and routines' rules over the base document's; later layers win."""
    layers: list[Document] = [base]
    rules = dict(base.rules)
    for layer in ([extension] if extension else []) + list(routines):
        layers.append(layer)
        rules.update(layer.rules)
    name = " + ".join(layer.id for layer in layers)
    return RuleSet(tuple(layers), rules, base.counting, name)


@frozen
class Typed:
    """A rule set's types in evaluation order, with the problems found; ``across`` are the
    rules whose formulas read values of other months (a window, a look-up by month)."""

    episode_order: tuple[str, ...]
    episode_types: dict[str, Type]
    aggregate_types: dict[str, Type]
    order: tuple[str, ...]
    types: dict[str, Type]
    problems: tuple[Diagnostic, ...]
    across: frozenset[str] = frozenset()


def dependencies(expr: Expr) -> set[str]:
    """Names a formula uses as values (rounding modes are not values), at its own month or,
    looked up by month or in a window, at another: both must be worked out before it. A dated
    figure looked up is among them; callers keep the names they know."""
    match expr:
        case Name(name=name):
            return {name}
        case Lookup(name=name, key=key):
            return {name} | dependencies(key)
        case Call(function="round", args=(value, decimals, Name())):
            return dependencies(value) | dependencies(decimals)
    found: set[str] = set()
    for child in children(expr):
        found |= dependencies(child)
    return found


def type_rules(ruleset: RuleSet, parameters: Mapping[str, ParameterSeries]) -> Typed:
    """Check every formula of the rule set and give each rule its type."""
    params = {name: Parameter(p.unit, p.period) for name, p in parameters.items()}
    problems: list[Diagnostic] = []
    episode_types: dict[str, Type] = {}
    episode_order: tuple[str, ...] = ()
    counting = ruleset.counting
    if counting is not None:
        episode_order, episode_types, aggregate_types = _type_counting(counting, params, problems)
    else:
        aggregate_types = dict(DEFAULT_AGGREGATES)
    # An aggregate whose formula has a problem (reported there) is still a name rules may use.
    untyped = dict.fromkeys(counting.aggregates if counting is not None else ())
    inputs: dict[str, Type | None] = {**MONTH_INPUTS, **untyped, **aggregate_types}
    order, types = _type_group(ruleset.rules, inputs, params, problems, None, across_months=True)
    _check_result(ruleset, types, problems)
    monthly = frozenset({*inputs, *ruleset.rules} - set(MONTH_INPUTS))
    across = frozenset(
        name
        for name, rule in ruleset.rules.items()
        if rule.formula.expr is not None and across_months(rule.formula.expr, monthly)
    )
    return Typed(
        episode_order, episode_types, aggregate_types, order, types, tuple(problems), across
    )


def _type_counting(
    counting: Counting, params: Mapping[str, Parameter], problems: list[Diagnostic]
) -> tuple[tuple[str, ...], dict[str, Type], dict[str, Type]]:
    """The order and types of the per-episode rules, and the types of the aggregates.

    Formulas that type-check are then checked for what cannot be counted in columns (see
    :func:`.counting.episode_problems`); one with a type error gets no second message."""
    order, episode_types = _type_group(counting.rules, EPISODE_INPUTS, params, problems, None)
    episode_scope = Scope({**EPISODE_INPUTS, **episode_types}, params)
    month = counting.month.formula
    month_typed = _expect(month, episode_scope, Kind.MONTH, "the counting month", problems)
    aggregate_scope = Scope({}, params, episode=episode_scope)
    aggregate_types: dict[str, Type] = {}
    for name, rule in counting.aggregates.items():
        t = _check_rule(rule, aggregate_scope, problems)
        if t is not None:
            aggregate_types[name] = t
    per_episode = [r.formula for name, r in counting.rules.items() if name in episode_types]
    per_episode += [month] if month_typed else []
    problems += _uncountable(per_episode, episode_problems)
    aggregates = [r.formula for name, r in counting.aggregates.items() if name in aggregate_types]
    problems += _uncountable(aggregates, aggregate_problems)
    return order, episode_types, aggregate_types


def _type_group(
    rules: Mapping[str, Rule],
    inputs: Mapping[str, Type | None],
    params: Mapping[str, Parameter],
    problems: list[Diagnostic],
    episode: Scope | None,
    *,
    across_months: bool = False,
) -> tuple[tuple[str, ...], dict[str, Type]]:
    for name, rule in rules.items():
        taken = _name_taken(name, inputs, params)
        if taken is not None:
            problems.append(
                error(
                    f"a rule cannot be called '{name}': {taken}",
                    rule.location,
                    hint="choose another name for the rule",
                    code="rule-name-taken",
                )
            )
    order = _order(rules, problems)
    untyped: dict[str, Type | None] = dict.fromkeys(rules)
    types: dict[str, Type] = {}
    for name in order:
        scope = Scope({**inputs, **untyped, **types}, params, episode, across_months)
        t = _check_rule(rules[name], scope, problems)
        if t is not None:
            types[name] = t
    return tuple(order), types


_LANGUAGE_WORDS = frozenset(
    {"if", "then", "else", "and", "or", "not", "true", "false", "kr", "day", "days", *FUNCTIONS}
)
"""Words of the formula language: a rule of that name could not be written in a formula."""


def _name_taken(
    name: str, inputs: Mapping[str, Type | None], params: Mapping[str, Parameter]
) -> str | None:
    """Why a rule may not have this name, if it may not: one name, one meaning in a formula."""
    if name in inputs:
        return "that name is an input"
    if name in _LANGUAGE_WORDS:
        return "that word belongs to the formula language"
    if name in params:
        return "that is a parameter's name (a figure looked up like name[year])"
    return None


def _check_rule(rule: Rule, scope: Scope, problems: list[Diagnostic]) -> Type | None:
    expr = rule.formula.expr
    if expr is None:
        return None
    t, found = check(expr, scope)
    problems.extend(_located(rule.formula, p) for p in found)
    if t is None:
        return None
    if rule.unit is not None and t != rule.unit:
        problems.append(
            error(
                f"rule '{rule.name}' is declared in {rule.unit_text} but its formula gives "
                f"{describe(t)}",
                rule.formula.location,
                hint=f"change the formula, or declare the unit it gives ({describe(t)})",
                code="unit-mismatch",
            )
        )
        return rule.unit
    if rule.name.endswith("amount") and t != MONEY:
        problems.append(
            error(
                f"'{rule.name}' is an amount, so it must give money (kr), not {describe(t)}",
                rule.formula.location,
                hint="multiply days by a price per day (kr/day) to get money",
                code="amount-not-money",
            )
        )
    return t


def _expect(
    formula: Formula, scope: Scope, wanted: Type, what: str, problems: list[Diagnostic]
) -> bool:
    """Whether the formula gives what is wanted; what is wrong with it goes to ``problems``."""
    if formula.expr is None:
        return False
    t, found = check(formula.expr, scope)
    problems.extend(_located(formula, p) for p in found)
    if t is not None and t != wanted:
        problems.append(
            error(
                f"{what} must be {describe(wanted)}, not {describe(t)}",
                formula.location,
                hint="for example month_of(discharge_date)",
                code="wrong-type",
            )
        )
    return t == wanted


def _uncountable(
    formulas: Sequence[Formula], problems_of: Callable[[Expr], list[FormulaProblem]]
) -> list[Diagnostic]:
    """What in counting formulas that type-check cannot be counted in columns (division, parts
    of days, dated figures): found here, so that evaluating an extract never meets it."""
    return [
        _located(formula, problem)
        for formula in formulas
        if formula.expr is not None
        for problem in problems_of(formula.expr)
    ]


def _order(rules: Mapping[str, Rule], problems: list[Diagnostic]) -> list[str]:
    """Rules in an order where each comes after those it uses; cycles are reported, left out."""
    uses = {
        name: dependencies(rule.formula.expr) & set(rules) if rule.formula.expr else set()
        for name, rule in rules.items()
    }
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> bool:
        if state.get(name) == "done":
            return True
        if state.get(name) == "visiting":
            cycle = [*trail[trail.index(name) :], name]
            problems.append(_cycle(cycle, rules))
            return False
        state[name] = "visiting"
        ok = all(visit(dep, [*trail, name]) for dep in sorted(uses[name]))
        state[name] = "done"
        if ok:
            order.append(name)
        return ok

    for name in rules:
        visit(name, [])
    return order


def _cycle(cycle: Sequence[str], rules: Mapping[str, Rule]) -> Diagnostic:
    """The error for rules that depend on each other in a circle: at the same month, or across
    months (a rule reading its own value, or one that needs it, at another month would reach
    back month after month without end)."""
    names = set(cycle)
    exprs = [rules[n].formula.expr for n in cycle[:-1]]
    across = any(e is not None and across_months(e, names) for e in exprs)
    return error(
        "these rules depend on each other in a circle"
        + (", across months" if across else "")
        + ": "
        + " → ".join(cycle),
        rules[cycle[0]].location,
        hint="a rule cannot read its own value, or a value that needs it, at another month: "
        "that would go back month after month without end; take the months it needs over a "
        "window of the values it depends on, like mean(average_days over 3 months)"
        if across
        else "one of them must be computed without the others",
        code="rule-cycle",
    )


def _check_result(ruleset: RuleSet, types: Mapping[str, Type], problems: list[Diagnostic]) -> None:
    if RESULT in ruleset.rules:
        return
    base = ruleset.base
    problems.append(
        error(
            f"no rule '{RESULT}': every billing document must say what is billed for the month",
            base.yaml.locate(("rules",), key=True),
            hint=f"add a rule like  {RESULT}: round(gross_amount - discount, 0, half_up)",
            code="no-net-amount",
        )
    )


def _located(formula: Formula, problem: FormulaProblem) -> Diagnostic:
    location = formula.locate(problem.span.start, problem.span.end)
    return error(problem.message, location, hint=problem.hint, code="formula")
