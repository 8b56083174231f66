"""``check``'s warning for a division that can divide by zero when a month is billed.

``total_days / episodes`` type-checks, but in a month with no episode the line is not computed
("division by zero"). Each rule's divisions whose divisor can be 0 and that no condition guards
(see :mod:`.formula.divisors` for what counts as either) are warned about, at the divisor, with
the guard to write as the hint: ``if episodes = 0 then 0 days else total_days / episodes``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from agreement_engine.agreements.documents import ParameterSeries, Rule
from agreement_engine.billing.ruleset import MONTH_INPUTS, RuleSet, type_rules
from agreement_engine.diagnostics import Diagnostic, warning
from agreement_engine.formula import Parameter, Scope, check, unparse
from agreement_engine.formula.ast import Binary
from agreement_engine.formula.divisors import NeverZero, never_zero, unguarded_divisions
from agreement_engine.formula.types import Quantity, unit_symbol


def zero_divisors(
    rulesets: Sequence[RuleSet], parameters: Mapping[str, ParameterSeries]
) -> list[Diagnostic]:
    """A warning for each division that can be by zero, in the rules of each rule set."""
    params = {name: Parameter(p.unit, p.period) for name, p in parameters.items()}
    problems: list[Diagnostic] = []
    for ruleset in rulesets:
        typed = type_rules(ruleset, parameters)
        if typed.problems:
            continue  # reported as errors; types are needed for the hint
        named = _never_zero_rules(ruleset)
        scope = Scope({**MONTH_INPUTS, **typed.aggregate_types, **typed.types}, params)
        for name in typed.order:
            rule = ruleset.rules[name]
            expr = rule.formula.expr
            if expr is not None:
                problems += [_warning(rule, d, scope) for d in unguarded_divisions(expr, named)]
    return problems


def _never_zero_rules(ruleset: RuleSet) -> NeverZero:
    """Whether a name is a rule whose formula is never 0 (a rule met again on the way is not)."""
    known: dict[str, bool] = {}

    def named(name: str) -> bool:
        rule = ruleset.rules.get(name)
        if rule is None or rule.formula.expr is None:
            return False
        if name not in known:
            known[name] = False  # while it is worked out: a cycle proves nothing
            known[name] = never_zero(rule.formula.expr, named)
        return known[name]

    return named


def _warning(rule: Rule, division: Binary, scope: Scope) -> Diagnostic:
    divisor = unparse(division.right)
    kind, _ = check(division, scope)
    zero = f"0 {unit_symbol(kind)}".strip() if isinstance(kind, Quantity) else "0"
    span = division.right.span
    return warning(
        f"'{divisor}' can be 0 in a month, and dividing by 0 leaves the line not computed",
        rule.formula.locate(span.start, span.end),
        hint=f"guard the division: if {divisor} = 0 then {zero} else {unparse(division)}",
        code="division-by-zero",
    )
