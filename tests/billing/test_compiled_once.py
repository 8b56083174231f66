"""Formulas are compiled once, when their files are loaded: billing evaluates the programs the
documents hold and compiles nothing itself, however many lines and runs; and what a run works
out once is held by the run, keyed by value, never by an object's identity."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agreement_engine.agreements.documents import Agreement, Extension, Routine, Rule, Statute
from agreement_engine.agreements.library import Library, load
from agreement_engine.billing.bill import bill
from agreement_engine.billing.inputs import AggregateData
from agreement_engine.billing.plan import Plans
from agreement_engine.billing.timeline import Governing, governance
from agreement_engine.data import read_aggregates
from agreement_engine.formula import batch, evaluator, parse
from agreement_engine.formula.program import Program
from agreement_engine.months import YearMonth

ROOT = Path(__file__).resolve().parents[2]
FILES = [str(ROOT / "agreements"), str(ROOT / "examples/halland/illustrative-figures.yaml")]
MONTHS = list(YearMonth.range(YearMonth(2022, 11), YearMonth(2026, 12)))


@pytest.fixture(scope="module")
def library() -> Library:
    found, problems = load(FILES)
    assert problems == []
    return found


def rules_of(library: Library) -> list[Rule]:
    """Every rule of every document, the counting rules too."""
    found: list[Rule] = []
    for document in library.documents:
        if isinstance(document, Agreement | Extension | Routine | Statute):
            found += document.rules.values()
        counting = getattr(document, "counting", None)
        if counting is not None:
            found += [counting.month, *counting.rules.values(), *counting.aggregates.values()]
    return found


def test_a_loaded_document_holds_each_formula_compiled(library: Library) -> None:
    """The syntax tree and both compiled forms are made when the file is read, not later."""
    rules = rules_of(library)
    assert len(rules) > 30
    for rule in rules:
        program = rule.formula.program
        assert isinstance(program, Program)
        assert program.expr == parse(rule.formula.text)
        assert callable(program.evaluate) and callable(program.columns)


def test_billing_compiles_nothing_and_evaluates_the_programs_the_documents_hold(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs of every month: not one formula is compiled again, and each rule is evaluated
    with the very program its document holds."""
    compiled: list[object] = []

    def recording(compile: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def record(expr: Any) -> Any:
            compiled.append(expr)
            return compile(expr)

        return record

    monkeypatch.setattr(evaluator, "compiled", recording(evaluator.compiled))
    monkeypatch.setattr(batch, "batched", recording(batch.batched))
    figures, _, _ = read_aggregates(ROOT / "examples/halland/aggregates.csv")
    data = AggregateData.of(figures)
    municipalities = library.municipalities
    first = bill(library, data, MONTHS, municipalities, assume_approved=True)
    second = bill(library, data, MONTHS, municipalities, assume_approved=True)
    assert first.lines == second.lines
    assert sum(line.amount is not None for line in first.lines) > 150
    held = {id(rule.formula.expr) for rule in rules_of(library)}
    assert not [expr for expr in compiled if id(expr) in held]

    plans, governing = Plans(library), Governing(library)
    ruleset = governing.govern("Halmstad", YearMonth(2024, 2)).ruleset()
    assert ruleset is not None
    plan = plans.plan(ruleset, plans.types(ruleset), YearMonth(2024, 2))
    for name, evaluate in plan.remaining:
        program = ruleset.rules[name].formula.program
        assert program is not None and evaluate is program.evaluate
    for name, columns, _ in plan.batch:
        program = ruleset.rules[name].formula.program
        assert program is not None and columns is program.columns


def test_what_governs_a_month_is_the_same_asked_once_or_again_and_again(
    library: Library,
) -> None:
    """The run's Governing gives, for every month, what working it out afresh gives, with the
    same rules; municipalities party to the same agreements share a key, by value."""
    governing = Governing(library)
    for month in YearMonth.range(YearMonth(2017, 6), YearMonth(2027, 12)):
        keys = set()
        for municipality in [*library.municipalities, "Göteborg"]:
            kept = governing.govern(municipality, month)
            fresh = governance(library, municipality, month)
            assert kept == fresh and kept.key == fresh.key
            for assume in (False, True):
                rules, again = kept.ruleset(assume), fresh.ruleset(assume)
                assert (rules and rules.name) == (again and again.name)
            if municipality in library.municipalities:
                keys.add(kept.key)
        assert len(keys) == 1  # the six Halland municipalities are party to the same agreements
