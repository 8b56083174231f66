"""A month's lines are billed in groups: municipalities party to the same agreements share what
governs them, and the lines one rule set bills are computed together, even when they are
governed alike for different reasons (one by the statute as no agreement is in force, another
while its agreement awaits approval). Each line is the line billing its municipality alone
gives, and the lines come in the order of the municipalities."""

from __future__ import annotations

from pathlib import Path

import pytest
from figures import figures_file, national_day_cost

from agreement_engine.agreements.library import load
from agreement_engine.billing.bill import bill
from agreement_engine.billing.inputs import AggregateData
from agreement_engine.billing.lines import InvoiceBasis, InvoiceLine
from agreement_engine.billing.timeline import Status
from agreement_engine.data import read_aggregates
from agreement_engine.frozen import replace
from agreement_engine.months import YearMonth
from agreement_engine.render.invoice import render_basis

MUNICIPALITIES = ("Alfa", "Beta", "Gamma", "Delta", "Epsilon")
MONTHS = YearMonth.range(YearMonth(2024, 1), YearMonth(2024, 2))

COUNTING = """\
counting:
  month: month_of(discharge_date)
  rules: {days_ready: discharge_date - ready_date}
  aggregates:
    {episodes: count(days_ready >= 1 day), total_days: "sum(days_ready, days_ready >= 1 day)"}
"""
STATUTE = f"""\
format: agreement-engine/1
kind: statute
id: test-statute
title: A statute for the test
sources: {{law: {{title: The law}}}}
validity: {{from: 2023-01-01}}
{COUNTING}rules:
  gross_amount: {{formula: total_days * day_cost, unit: kr}}
  day_cost: {{formula: "national_day_cost[year_of(month)]", unit: kr/day}}
  net_amount: {{formula: "round(gross_amount - episodes * 2000.50 kr, 0, half_even)", unit: kr}}
"""


def agreement(id: str, parties: list[str], validity: str, pending: str = "") -> str:
    """An agreement of these municipalities (approved by all, but ``pending``), billing a
    price per day above a benchmark."""
    approvals = "\n".join(
        f"    {party}: {{status: {'pending' if party == pending else 'approved'}, "
        "evidence: {source: s}}"
        for party in ["Region Test", *parties]
    )
    return f"""\
format: agreement-engine/1
kind: agreement
id: {id}
title: An agreement for the test
sources: {{s: {{title: Made up for the test}}}}
parties: {{region: Region Test, municipalities: [{", ".join(parties)}]}}
validity: {validity}
approval:
  required: all-parties
  by:
{approvals}
{COUNTING}rules:
  average_days: {{formula: "if episodes = 0 then 0 days else total_days / episodes", unit: days}}
  excess: {{formula: "max(0 days, average_days - 3.5 days)", unit: days}}
  net_amount: {{formula: "round(excess * episodes * 1234 kr/day, 0, half_up)", unit: kr}}
"""


FILES = {
    "statute.yaml": STATUTE,
    # Alfa and Gamma were party to agreements that ended: the statute governs them; Gamma's
    # agreements are not Alfa's, so they are grouped apart, and governed alike.
    "old.yaml": agreement("old", ["Alfa", "Gamma"], "{from: 2023-01-01, until: 2023-12-31}"),
    "older.yaml": agreement("older", ["Gamma"], "{from: 2022-01-01, until: 2022-12-31}"),
    # Beta's and Delta's agreement awaits Delta's approval: the statute governs meanwhile.
    "waiting.yaml": agreement("waiting", ["Beta", "Delta"], "{from: 2024-01-01}", "Delta"),
    "main.yaml": agreement("main", ["Epsilon"], "{from: 2024-01-01}"),
}
DATA = """\
Kommun;Månad;Vårdtillfällen;Totalt antal dagar
Alfa;2024-01;4;19
Beta;2024-01;0;0
Gamma;2024-01;7;12,5
Delta;2024-01;3;22
Epsilon;2024-01;5;31
Alfa;2024-02;2;3
Beta;2024-02;6;40
Gamma;2024-02;1;1
Epsilon;2024-02;3;7
"""


def billed_both_ways(
    tmp_path: Path, municipalities: tuple[str, ...], assume_approved: bool
) -> tuple[InvoiceBasis, list[InvoiceLine]]:
    """The test's files billed for every municipality at once, and each month of each
    municipality billed alone."""
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    costs = figures_file(tmp_path, national_day_cost({2024: 1500}))
    library, problems = load([*map(str, sorted(tmp_path.glob("*.yaml"))), str(costs)])
    assert not [problem for problem in problems if problem.is_error]
    (tmp_path / "data.csv").write_text(DATA, encoding="utf-8")
    figures, _, _ = read_aggregates(tmp_path / "data.csv", municipalities=municipalities)
    data = AggregateData.of(figures)
    billed = bill(library, data, MONTHS, municipalities, assume_approved=assume_approved)
    alone = [
        line
        for month in MONTHS
        for municipality in municipalities
        for line in bill(
            library, data, [month], [municipality], assume_approved=assume_approved
        ).lines
    ]
    return billed, alone


@pytest.mark.parametrize("assume_approved", [False, True])
@pytest.mark.parametrize("municipalities", [MUNICIPALITIES, MUNICIPALITIES[:4]])
def test_each_line_of_a_month_billed_in_groups_is_the_line_billed_alone(
    tmp_path: Path, municipalities: tuple[str, ...], assume_approved: bool
) -> None:
    """Groups of rows merged back in order, rules shared or not, a row the data lacks; with
    one rule set billing every line of a month (without Epsilon, when none is approved) or
    not."""
    billed, alone = billed_both_ways(tmp_path, municipalities, assume_approved)
    assert billed.lines == tuple(alone)
    assert render_basis(billed, "csv") == render_basis(replace(billed, lines=tuple(alone)), "csv")
    statute, waiting = (Status.STATUTE, "test-statute"), (Status.PENDING, "test-statute")
    if assume_approved:
        waiting = (Status.PENDING, "waiting")
    expected = [statute, waiting, statute, waiting, (Status.IN_FORCE, "main")]
    governed = [(line.governance.status, line.documents[0].id) for line in billed.lines]
    assert governed[: len(municipalities)] == expected[: len(municipalities)]
