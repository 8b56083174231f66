"""Billing by rules that agreements may hold but Halland's do not: what each line is computed
from, and how its values are shown."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from agreement_engine.api import Evaluation
from agreement_engine.cli import commands
from agreement_engine.render.invoice import render_basis

APPROVED = "{status: approved, evidence: {source: minutes}}"


def agreement(folder: Path, rules: str, counting: str = "") -> Path:
    """An agreement of one municipality (Alfa, 2024) with these rules, and a day price."""
    (folder / "agreement.yaml").write_text(
        textwrap.dedent(
            f"""\
            format: agreement-engine/1
            kind: agreement
            id: alfa-2024
            title: Agreement of Alfa 2024
            sources:
              minutes: {{title: Minutes}}
            parties:
              region: Region Norr
              municipalities: [Alfa]
            validity: {{from: 2024-01-01, until: 2024-12-31}}
            approval:
              required: all-parties
              by:
                Region Norr: {APPROVED}
                Alfa: {APPROVED}
            """
        )
        + textwrap.dedent(counting)
        + "rules:\n"
        + textwrap.indent(textwrap.dedent(rules), "  "),
        encoding="utf-8",
    )
    (folder / "figures.yaml").write_text(
        textwrap.dedent(
            """\
            format: agreement-engine/1
            kind: parameters
            id: norr-figures
            title: Day prices of Region Norr
            sources:
              minutes: {title: Minutes}
            parameters:
              day_price:
                title: Price of a day
                unit: kr/day
                period: year
                values:
                  2024: {value: 1000, status: official, cite: {source: minutes}}
            """
        ),
        encoding="utf-8",
    )
    return folder


def aggregates(folder: Path, episodes: int, days: int) -> str:
    path = folder / "aggregates.csv"
    text = f"Kommun;Månad;Vårdtillfällen;Totalt antal dagar\nAlfa;2024-03;{episodes};{days}\n"
    path.write_text(text, encoding="utf-8")
    return str(path)


def bill(folder: Path, data: str) -> Evaluation:
    return commands.evaluate([str(folder)], data, "2024-03", None, False)


ONLY_EPISODES = """\
counting:
  month: month_of(discharge_date)
  rules:
    days_ready: {formula: discharge_date - ready_date, unit: days}
  aggregates:
    episodes: {formula: count(days_ready >= 1 day), unit: number}
"""


def test_a_rule_named_like_an_aggregate_the_agreement_does_not_count_is_the_rule(
    tmp_path: Path,
) -> None:
    """An aggregates file gives total days, but this agreement counts episodes alone and names
    a rule total_days: the rule is what every formula reads, on every line, not the file's
    column for some rules and the rule for others."""
    rules = """\
        total_days: 5 days
        doubled: total_days * 2
        doubled_per_line: total_days * 2 + episodes * 0 days
        net_amount: (doubled + doubled_per_line) * 1 kr/day
        """
    run = bill(agreement(tmp_path, rules, ONLY_EPISODES), aggregates(tmp_path, 2, 9))
    [line] = run.basis.lines
    assert {n: str(v) for n, v in line.values().items() if n != "month"} == {
        "episodes": "2",
        "total_days": "5 days",
        "doubled": "10 days",
        "doubled_per_line": "10 days",
        "net_amount": "20 kr",
    }


def test_a_year_worked_out_to_a_fraction_looks_up_no_figure(tmp_path: Path) -> None:
    """day_price[2023.5] is no figure of 2023: the line is not computed, and says why."""
    rules = """\
        day_cost: day_price[2023 + total_days / episodes / 1 day]
        net_amount: total_days * day_cost
        """
    run = bill(agreement(tmp_path, rules), aggregates(tmp_path, 2, 3))
    [line] = run.basis.lines
    assert (line.status.value, line.amount) == ("not computed", None)
    assert line.reasons == (
        "a figure is looked up by a whole year, not 2024.5 (while computing day_cost)",
    )


def test_truth_values_times_and_texts_are_shown_as_formulas_write_them(tmp_path: Path) -> None:
    """A rule's truth value is true or false, a time 13:45, a text as it is: in the JSON, and
    in the CSV, where only numbers take a decimal comma."""
    rules = """\
        long_stay: total_days / episodes > 3 days
        cut_off: 12:00
        benchmark: '"see p. 3"'
        net_amount: total_days * day_price[year_of(month)]
        """
    run = bill(agreement(tmp_path, rules), aggregates(tmp_path, 2, 9))
    line = json.loads(b"".join(commands.basis_parts(run, "json")))["lines"][0]
    assert {k: line["values"][k] for k in ("long_stay", "cut_off", "benchmark")} == {
        "long_stay": "true",
        "cut_off": "12:00",
        "benchmark": "see p. 3",
    }
    heading, row = render_basis(run.basis, "csv").decode("utf-8-sig").splitlines()
    assert dict(zip(heading.split(";"), row.split(";"), strict=True))["benchmark"] == "see p. 3"
