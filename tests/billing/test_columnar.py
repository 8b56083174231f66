"""Counting episodes in columns: the figures polars gives are those of the exact evaluator, and
what cannot be counted in columns is refused by check, at its place, never met while billing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest

from agreement_engine.agreements.documents import Agreement, Counting
from agreement_engine.agreements.library import load_texts
from agreement_engine.billing.counting import compile_counting
from agreement_engine.billing.inputs import ROWS_COUNTED, count
from agreement_engine.billing.ruleset import EPISODE_INPUTS, RuleSet, Typed, compose, type_rules
from agreement_engine.diagnostics import EngineError, render_text
from agreement_engine.formula import Amount, Span, Value, evaluate
from agreement_engine.formula.evaluator import Compiled
from agreement_engine.formula.types import DAYS, NUMBER
from agreement_engine.months import YearMonth

ROOT = Path(__file__).resolve().parents[2]
HALLAND = ROOT / "agreements" / "halland" / "2022-agreement.yaml"
FIGURES = ROOT / "agreements" / "national"
PATH = "agreements/halland/2022-agreement.yaml"

# Kungsbacka's episodes discharged in 2023-03, discharge-ready 0, 1, 4 and 7 days; and one
# discharged in 2023-04, which counts in April.
EPISODES = [
    (dt.date(2023, 3, 10), dt.date(2023, 3, 10)),
    (dt.date(2023, 3, 9), dt.date(2023, 3, 10)),
    (dt.date(2023, 3, 6), dt.date(2023, 3, 10)),
    (dt.date(2023, 2, 27), dt.date(2023, 3, 6)),
    (dt.date(2023, 3, 30), dt.date(2023, 4, 2)),
]
MARCH = 2023 * 12 + 3 - 1


def halland(*changes: tuple[str, str]) -> tuple[RuleSet, Typed]:
    """The Halland 2022 agreement with formulas of its counting changed (the first of each
    after 'counting:', not those of a reading), its rules composed and typed."""
    text = HALLAND.read_text(encoding="utf-8")
    head, counting = text.split("\ncounting:\n", 1)
    for old, new in changes:
        assert old in counting
        counting = counting.replace(old, new, 1)
    text = f"{head}\ncounting:\n{counting}"
    files = [(PATH, text)] + [
        (p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8"))
        for p in sorted(FIGURES.glob("*.yaml"))
    ]
    library, problems = load_texts(files)
    assert problems == []
    agreement = next(d for d in library.documents if isinstance(d, Agreement))
    ruleset = compose(agreement, None, ())
    return ruleset, type_rules(ruleset, library.parameters)


def _line(text: str) -> int:
    """The line of the Halland agreement's counting where ``text`` is first written."""
    head, counting = HALLAND.read_text(encoding="utf-8").split("\ncounting:\n", 1)
    return head.count("\n") + 3 + counting[: counting.index(text)].count("\n")


RULE = _line("formula: discharge_date - ready_date")
"""The line of the counting rule days_ready's formula."""
AGGREGATE = _line("formula: count(days_ready >= 1 day)")
"""The line of the aggregate episodes' formula."""


def aggregates(episodes: str, total_days: str) -> tuple[RuleSet, Typed]:
    """Halland's rules with the formulas of its two aggregates replaced, checked cleanly."""
    ruleset, typed = halland(
        ("formula: count(days_ready >= 1 day)", f"formula: {episodes}"),
        ("formula: sum(days_ready, days_ready >= 1 day)", f"formula: {total_days}"),
    )
    assert typed.problems == ()
    return ruleset, typed


def counted_in_columns(ruleset: RuleSet, typed: Typed) -> dict[str, int]:
    """Kungsbacka's March aggregates as polars counts them from the episodes."""
    frame = pl.DataFrame(
        {
            "municipality": ["Kungsbacka"] * len(EPISODES),
            "ready_date": [ready for ready, _ in EPISODES],
            "discharge_date": [discharged for _, discharged in EPISODES],
        }
    )
    sums = count(frame, ruleset, typed)[("Kungsbacka", MARCH)]
    assert sums.pop(ROWS_COUNTED) == 4  # the four episodes discharged in March
    return sums


class Episode:
    """One episode's names for the exact evaluator: its dates and its per-episode rules."""

    def __init__(self, counting: Counting, ready: dt.date, discharged: dt.date) -> None:
        self.counting = counting
        self.values: dict[str, Value] = {"ready_date": ready, "discharge_date": discharged}

    def value(self, name: str, span: Span) -> Value:
        if name not in self.values:
            expr = self.counting.rules[name].formula.expr
            assert expr is not None
            self.values[name] = evaluate(expr, self)
        return self.values[name]

    def lookup(self, name: str, key: Value, span: Span) -> Value:
        raise AssertionError("episodes look nothing up")

    def episodes(self) -> Iterable[Episode]:
        return ()

    def across(
        self, months: Sequence[YearMonth], body: Compiled, text: str, span: Span
    ) -> list[Value]:
        raise AssertionError("episodes read no other month")


class March:
    """Kungsbacka's March for the exact evaluator: its episodes, one by one."""

    def __init__(self, counting: Counting) -> None:
        self.counting = counting

    def value(self, name: str, span: Span) -> Value:
        raise AssertionError("aggregates read only episodes")

    def lookup(self, name: str, key: Value, span: Span) -> Value:
        raise AssertionError("aggregates look nothing up")

    def episodes(self) -> Iterable[Episode]:
        return [Episode(self.counting, r, d) for r, d in EPISODES if d.month == 3]

    def across(
        self, months: Sequence[YearMonth], body: Compiled, text: str, span: Span
    ) -> list[Value]:
        raise AssertionError("aggregates read no other month")


def counted_one_by_one(ruleset: RuleSet) -> dict[str, Fraction]:
    """Kungsbacka's March aggregates as the exact evaluator counts them, episode by episode."""
    counting = ruleset.counting
    assert counting is not None
    found = {}
    for name, rule in counting.aggregates.items():
        assert rule.formula.expr is not None
        value = evaluate(rule.formula.expr, March(counting))
        assert isinstance(value, Amount)
        found[name] = value.value
    return found


@pytest.mark.parametrize("condition", ["true", "1 = 1", "not false", "true or days_ready > 1 day"])
def test_a_count_of_a_condition_always_met_counts_every_episode_of_the_month(
    condition: str,
) -> None:
    """A constant condition is met by each episode: four in March, not one per group."""
    ruleset, typed = aggregates(f"count({condition})", "sum(days_ready)")
    assert counted_in_columns(ruleset, typed) == {"episodes": 4, "total_days": 12}
    assert counted_one_by_one(ruleset) == {"episodes": 4, "total_days": 12}


def test_a_sum_of_a_constant_adds_it_once_for_each_episode_it_is_summed_over() -> None:
    """3 days for each of the three episodes of a day or more; 2 for each of all four."""
    ruleset, typed = aggregates("sum(2, true)", "sum(3 days, days_ready >= 1 day)")
    assert counted_in_columns(ruleset, typed) == {"episodes": 8, "total_days": 9}
    assert counted_one_by_one(ruleset) == {"episodes": 8, "total_days": 9}


def test_a_sum_of_a_constant_without_a_condition_adds_it_for_every_episode() -> None:
    """sum(−3 days) over four episodes is −12 days: the constant is not taken once, nor
    made positive."""
    ruleset, typed = aggregates("count(false)", "sum(-3 days)")
    assert counted_in_columns(ruleset, typed) == {"episodes": 0, "total_days": -12}
    assert counted_one_by_one(ruleset) == {"episodes": 0, "total_days": -12}


def test_a_date_moved_past_every_real_date_compares_as_later_than_each() -> None:
    """However many days a date is moved by, it is later than every discharge date: polars
    counts the episode rather than wrapping around to a date in the past."""
    ruleset, typed = aggregates(
        "count(ready_date + days_ready * 1000000000000 > discharge_date)", "sum(days_ready)"
    )
    assert counted_in_columns(ruleset, typed) == {"episodes": 3, "total_days": 12}


UNCOUNTABLE = {
    "division": (
        "(discharge_date - ready_date) / 2",
        f"agreements/halland/2022-agreement.yaml:{RULE}:46: error: division cannot be computed per "
        "episode\n"
        f" {RULE} |       formula: (discharge_date - ready_date) / 2\n"
        "     |                                              ^\n"
        "hint: episode rules count whole days and episodes; divide in the rules, on the monthly "
        "aggregates, like average_days: total_days / episodes",
    ),
    "part of a day": (
        "(discharge_date - ready_date) * 0.5",
        f"agreements/halland/2022-agreement.yaml:{RULE}:48: error: episode rules count whole days "
        "and episodes; this number is not whole\n"
        f" {RULE} |       formula: (discharge_date - ready_date) * 0.5\n"
        "     |                                                ^^^\n"
        "hint: write whole days, like 1 day; work with parts of days in the rules, on the "
        "monthly aggregates",
    ),
    "rounding": (
        "round(discharge_date - ready_date, 0, half_up)",
        f"agreements/halland/2022-agreement.yaml:{RULE}:16: error: 'round' cannot be computed per "
        "episode\n"
        f" {RULE} |       formula: round(discharge_date - ready_date, 0, half_up)\n"
        "     |                ^^^^^\n"
        "hint: episode rules count whole days and episodes; round in the rules, on the monthly "
        "aggregates",
    ),
    "dated figure": (
        "discharge_date - ready_date + national_average_days[2021] * 0",
        f"agreements/halland/2022-agreement.yaml:{RULE}:46: error: the dated figure "
        "'national_average_days' cannot be looked up per episode\n"
        f" {RULE} |       formula: discharge_date - ready_date + national_average_days[2021] * 0\n"
        "     |                                              ^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "hint: look figures up in the rules, on the monthly aggregates, like "
        "national_average_days[year_of(month)]",
    ),
}


@pytest.mark.parametrize(("formula", "expected"), UNCOUNTABLE.values(), ids=UNCOUNTABLE)
def test_check_refuses_an_episode_rule_that_cannot_be_counted_in_columns_at_its_place(
    formula: str, expected: str
) -> None:
    """Evaluating an extract must never be the first to find these: check says where they are."""
    _, typed = halland(("formula: discharge_date - ready_date", f"formula: {formula}"))
    assert [render_text(p) for p in typed.problems] == [expected]


def test_what_check_refuses_is_refused_while_counting_too_at_its_place() -> None:
    """Should a refused formula still reach the counting, it stops it with a located error,
    never an internal one."""
    ruleset, _ = halland(
        ("formula: discharge_date - ready_date", "formula: (discharge_date - ready_date) / 2")
    )
    assert ruleset.counting is not None
    types = {**EPISODE_INPUTS, "days_ready": DAYS}
    with pytest.raises(EngineError) as raised:
        compile_counting(ruleset.counting, ("days_ready",), types)
    assert [render_text(d) for d in raised.value.diagnostics] == [UNCOUNTABLE["division"][1]]


def test_a_part_of_a_day_in_an_aggregates_condition_is_refused_at_its_place() -> None:
    """ready_date + 0.5 days is no date: check says so, once, and the rules that use the
    aggregate say nothing more."""
    _, typed = halland(
        (
            "formula: count(days_ready >= 1 day)",
            "formula: count(ready_date + 0.5 days > discharge_date)",
        )
    )
    assert [render_text(p) for p in typed.problems] == [
        f"agreements/halland/2022-agreement.yaml:{AGGREGATE}:22: error: a date can only be "
        "moved by whole days\n"
        f" {AGGREGATE} |       formula: count(ready_date + 0.5 days > discharge_date)\n"
        "     |                      ^^^^^^^^^^^^^^^^^^^^^"
    ]


@pytest.mark.parametrize("formula", ["count(days_ready >= 1 day) + 1", "3"])
def test_an_aggregate_that_is_not_one_count_or_sum_is_refused_at_its_place(formula: str) -> None:
    """Counts are added up across the ways a municipality is written; a constant or a count
    plus one would be added up too, so an aggregate is one count or sum."""
    _, typed = halland(("formula: count(days_ready >= 1 day)", f"formula: {formula}"))
    assert [render_text(p) for p in typed.problems] == [
        f"agreements/halland/2022-agreement.yaml:{AGGREGATE}:16: error: an aggregate must be one "
        "count(…) or sum(…) over the month's episodes\n"
        f" {AGGREGATE} |       formula: {formula}\n"
        f"     |                {'^' * len(formula)}\n"
        "hint: compute with the aggregates in the rules, like average_days: total_days / "
        "episodes"
    ]


def test_an_aggregate_of_a_number_is_a_number() -> None:
    """The unit of a constant summed is kept: sum(2, true) counts, it does not give days."""
    _, typed = aggregates("sum(2, true)", "sum(days_ready)")
    assert typed.aggregate_types == {"episodes": NUMBER, "total_days": DAYS}
