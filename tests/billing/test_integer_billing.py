"""Billing a month's lines together, on integers over common denominators, gives the very lines
that evaluating each line alone gives, on fractions: over generated rule sets of every kind of
operation (rounding by every mode and to tens, min and max, conditions, divisions whose results
never end or divide by zero, comparisons), line for line, and in every output. A rule set that
reads values at other months (a look-up by month, a window) is billed line by line by the run's
history either way; some are generated too, and bill alike."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from figures import figures_file, national_day_cost
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreement_engine.agreements.library import Library, load
from agreement_engine.billing import bill as billing
from agreement_engine.billing.inputs import AggregateData
from agreement_engine.billing.lines import InvoiceBasis, InvoiceLine
from agreement_engine.billing.together import Group
from agreement_engine.data import read_aggregates
from agreement_engine.formula.rounding import ROUNDING_MODES
from agreement_engine.months import YearMonth
from agreement_engine.render.invoice import render_basis

MUNICIPALITIES = ("Alfa", "Beta", "Gamma")
MONTHS = YearMonth.range(YearMonth(2024, 2), YearMonth(2024, 4))
DATA_MONTHS = YearMonth.range(YearMonth(2024, 1), YearMonth(2024, 4))
"""The months billed, and those the data has: one more before, for the rules that read it."""

AGREEMENT = """\
format: agreement-engine/1
kind: agreement
id: generated
title: A rule set made up by the test
sources: {{s: {{title: Made up for the test}}}}
parties: {{region: Region Test, municipalities: [Alfa, Beta, Gamma]}}
validity: {{from: 2024-01-01}}
approval:
  required: all-parties
  by:
    Region Test: {{status: approved, evidence: {{source: s}}}}
    Alfa: {{status: approved, evidence: {{source: s}}}}
    Beta: {{status: approved, evidence: {{source: s}}}}
    Gamma: {{status: approved, evidence: {{source: s}}}}
rules:
  day_cost:
    formula: national_day_cost[year_of(month)]
    unit: kr/day
{rules}
"""

LEAVES = {
    "days": ["total_days", "0 days", "3.5 days", "1.25 days"],
    "number": ["episodes", "0", "2", "1.5", "35 %"],
    "kr": ["0 kr", "100 kr", "99.99 kr"],
    "kr/day": ["day_cost", "1000 kr/day"],
}
QUANTITIES = ("days", "number", "kr")
ACROSS = "reads other months"
"""Marks the names of a rule set whose rules may read other months (it is billed line by line,
by the run's history, whichever way the others are)."""


@st.composite
def expressions(draw: st.DrawFn, unit: str, names: dict[str, str], depth: int = 3) -> str:
    """A formula of ``unit`` over the aggregates, the day's cost and the rules before it."""
    mine = [name for name, u in names.items() if u == unit]
    if depth == 0 or draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from(LEAVES[unit] + mine))
    deeper = depth - 1
    kinds = ["sum", "pick", "if", "round", "scale", "divide"]
    if unit in QUANTITIES and mine and ACROSS in names:
        kinds += ["before", "window"]
    if unit == "kr":
        kinds.append("price")
    kind = draw(st.sampled_from(kinds))
    if kind == "sum":
        op = draw(st.sampled_from(["+", "-"]))
        left, right = draw(expressions(unit, names, deeper)), draw(expressions(unit, names, deeper))
        return f"({left} {op} {right})"
    if kind == "pick":
        function = draw(st.sampled_from(["min", "max"]))
        args = [draw(expressions(unit, names, deeper)) for _ in range(draw(st.integers(2, 3)))]
        return f"{function}({', '.join(args)})"
    if kind == "if":
        condition = draw(conditions(names, deeper))
        then, otherwise = (
            draw(expressions(unit, names, deeper)),
            draw(expressions(unit, names, deeper)),
        )
        return f"(if {condition} then {then} else {otherwise})"
    if kind == "round":
        decimals = draw(st.integers(-1, 2))
        mode = draw(st.sampled_from(ROUNDING_MODES))
        return f"round({draw(expressions(unit, names, deeper))}, {decimals}, {mode})"
    if kind == "scale":
        factor = draw(expressions("number", names, deeper))
        return f"({draw(expressions(unit, names, deeper))} * {factor})"
    if kind == "divide":  # by episodes (zero on some lines), guarded or not, or by a number
        value = draw(expressions(unit, names, deeper))
        if draw(st.booleans()):
            return f"(if episodes = 0 then {value} else {value} / episodes)"
        return f"({value} / {draw(st.sampled_from(['episodes', '3', '7', '0.4']))})"
    if kind == "before":
        return f"{draw(st.sampled_from(mine))}[month - 1 month]"
    if kind == "window":
        function = draw(st.sampled_from(["mean", "sum", "min", "max"]))
        return f"{function}({draw(st.sampled_from(mine))} over 2 months)"
    days = draw(expressions("days", names, deeper))
    return f"({days} * {draw(expressions('number', names, deeper))} * day_cost)"


@st.composite
def conditions(draw: st.DrawFn, names: dict[str, str], depth: int) -> str:
    """A truth value: a comparison of two quantities of a unit, of the month, or a combination."""
    kind = draw(st.sampled_from(["compare", "compare", "month", "both", "not"]))
    if kind == "month":
        return f"month {draw(st.sampled_from(['>=', '<', '=']))} 2024-03"
    if kind in ("both", "not") and depth > 0:
        left = draw(conditions(names, depth - 1))
        if kind == "not":
            return f"(not {left})"
        right = draw(conditions(names, depth - 1))
        return f"({left} {draw(st.sampled_from(['and', 'or']))} {right})"
    unit = draw(st.sampled_from(QUANTITIES))
    op = draw(st.sampled_from(["=", "!=", "<", "<=", ">", ">="]))
    left = draw(expressions(unit, names, max(depth - 1, 0)))
    return f"({left} {op} {draw(expressions(unit, names, max(depth - 1, 0)))})"


@st.composite
def rule_sets(draw: st.DrawFn) -> str:
    """A few rules, each over those before it, and a net amount in kronor (rounded, or left
    to be whatever it is: not a whole number of öre, below zero)."""
    names: dict[str, str] = {ACROSS: "-"} if draw(st.integers(0, 4)) == 0 else {}
    lines = []
    for number in range(draw(st.integers(1, 4))):
        unit = draw(st.sampled_from(QUANTITIES))
        formula = draw(expressions(unit, names))
        lines.append(f"  r{number}:\n    formula: {formula}\n    unit: {unit}")
        names[f"r{number}"] = unit
    net = draw(expressions("kr", names))
    if draw(st.integers(0, 3)):
        net = f"round({net}, {draw(st.integers(0, 2))}, {draw(st.sampled_from(ROUNDING_MODES))})"
    lines.append(f"  net_amount:\n    formula: {net}\n    unit: kr")
    return AGREEMENT.format(rules="\n".join(lines))


@st.composite
def data(draw: st.DrawFn) -> str:
    """Each municipality's months: zero episodes often, days in tenths now and then."""
    rows = ["Kommun;Månad;Vårdtillfällen;Totalt antal dagar"]
    for month in DATA_MONTHS:
        for name in MUNICIPALITIES:
            episodes = draw(st.integers(0, 7))
            tenths = draw(st.integers(episodes * 10, episodes * 200)) if episodes else 0
            days = f"{tenths // 10},{tenths % 10}" if tenths % 10 else str(tenths // 10)
            rows.append(f"{name};{month};{episodes};{days}")
    return "\n".join(rows) + "\n"


def both_ways(agreement: str, rows: str) -> tuple[InvoiceBasis, InvoiceBasis] | None:
    """The generated files billed as billing bills them (each rule set's lines of a month
    together, on integers) and with every line evaluated alone (on fractions); None when the
    rule set does not check."""
    with tempfile.TemporaryDirectory(prefix="integer-billing-") as name:
        folder = Path(name)
        (folder / "generated.yaml").write_text(agreement, encoding="utf-8")
        costs = figures_file(folder, national_day_cost({2024: 1234}))
        library, problems = load([str(folder / "generated.yaml"), str(costs)])
        if any(problem.is_error for problem in problems):
            return None
        (folder / "aggregates.csv").write_text(rows, encoding="utf-8")
        figures, _, _ = read_aggregates(folder / "aggregates.csv", municipalities=MUNICIPALITIES)
    source = AggregateData.of(figures)
    together = billing.bill(library, source, MONTHS, MUNICIPALITIES)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(billing, "_compute_together", one_by_one)
        alone = billing.bill(library, source, MONTHS, MUNICIPALITIES)
    return together, alone


def one_by_one(library: Library, group: Group) -> list[InvoiceLine]:
    """The lines of a group, each evaluated alone, on fractions."""
    return [billing._compute(library, due) for due in group.dues()]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(agreement=rule_sets(), rows=data())
def test_lines_billed_on_integers_are_the_lines_billed_one_by_one_on_fractions(
    agreement: str, rows: str
) -> None:
    """Every amount, status, reason, step and value, and every output made of them."""
    billed = both_ways(agreement, rows)
    if billed is None:
        return
    together, alone = billed
    assert together.lines == alone.lines
    for output_format in ("csv", "json", "table"):
        assert render_basis(together, output_format) == render_basis(alone, output_format)
