"""An assumption's readings: each alternative with an id and the changes that implement it,
and a library under readings chosen, as ``--reading`` gives them."""

from __future__ import annotations

from pathlib import Path

import pytest

from agreement_engine.agreements.documents import Agreement, Statute
from agreement_engine.agreements.library import Library, load
from agreement_engine.agreements.readings import chosen_readings, under_readings
from agreement_engine.diagnostics import UsageError
from agreement_engine.formula import unparse

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def library() -> Library:
    """The bundled agreement files, loaded once for these tests."""
    found, problems = load([str(ROOT / "agreements")])
    assert not any(p.is_error for p in problems)
    return found


def formula(library: Library, document: str, rule: str) -> str:
    """A rule's formula, in its canonical spelling."""
    doc = library.by_id(document)
    assert isinstance(doc, Agreement | Statute)
    expr = doc.rules[rule].formula.expr
    assert expr is not None
    return unparse(expr)


def test_every_bundled_assumption_with_alternatives_names_its_reading_and_theirs(
    library: Library,
) -> None:
    """Each reading can be chosen by an id; the rules' own is named by 'default'."""
    for assumption in library.assumptions.values():
        assert assumption.default != "bundled"
        assert all(a.id is not None for a in assumption.alternatives)
        assert all(a.implemented or a.no_rules for a in assumption.alternatives)


def test_an_alternative_changes_the_rules_of_its_own_document_and_those_under_also(
    library: Library,
) -> None:
    """Reading A of the 2024 lowering, which the 2025 agreement keeps too."""
    alternative = library.assumptions["benchmark-2024"].alternative("2021-average-from-2024")
    assert alternative is not None
    assert [c.document for c in alternative.changes] == ["halland-2022", "halland-2025"]
    chosen = under_readings(library, {"benchmark-2024": "2021-average-from-2024"})
    assert chosen.readings == (("benchmark-2024", "2021-average-from-2024"),)
    assert chosen.as_written is library
    assert formula(chosen, "halland-2025", "benchmark") == "national_average_days[2021] - 0.1 days"
    assert formula(library, "halland-2025", "benchmark") == "national_average_days[2023] - 0.1 days"
    rule = chosen.by_id("halland-2022").rules["benchmark"]  # type: ignore[union-attr]
    assert rule.reading == "benchmark-2024=2021-average-from-2024"


def test_a_reading_moves_a_validity_and_the_counting(library: Library) -> None:
    """The 2022 model read as continuing to 2025-09; episodes counted by their ready date."""
    chosen = under_readings(
        library, {"gap-2024-11-to-2025-09": "continuous", "episode-month": "ready-month"}
    )
    agreement = chosen.by_id("halland-2022")
    assert isinstance(agreement, Agreement) and agreement.counting is not None
    assert str(agreement.validity.end) == "2025-09-30"
    assert agreement.counting.month.formula.text == "month_of(ready_date)"
    statute = chosen.by_id("lag-2017-612")
    assert isinstance(statute, Statute)
    assert statute.counting.month.formula.text == "month_of(discharge_date)"


def test_choosing_the_rules_own_reading_by_name_changes_nothing(library: Library) -> None:
    """The default named, or nothing chosen, is the library as its files read."""
    assert under_readings(library, {"benchmark-2024": "2023-average-from-2024"}) is library
    assert under_readings(library, {}) is library


def test_a_reading_of_the_document_itself_wins_over_one_carried_from_another(
    library: Library,
) -> None:
    """benchmark-2025-keeps-2024 is the 2025 agreement's own: it decides its benchmark."""
    chosen = under_readings(
        library,
        {
            "benchmark-2024": "2021-average-from-2024",
            "benchmark-2025-keeps-2024": "original-2021",
        },
    )
    assert formula(chosen, "halland-2025", "benchmark") == "national_average_days[2021]"
    assert "2021" in formula(chosen, "halland-2022", "benchmark")


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        (
            {"benchmark-2042": "ten-percent"},
            "--reading names no assumption 'benchmark-2042'\nhint: did you mean 'benchmark-2024'?",
        ),
        (
            {"benchmark-2024": "ten-precent"},
            "assumption benchmark-2024 has no reading 'ten-precent'\n"
            "hint: did you mean 'ten-percent'?",
        ),
        (
            {"benchmark-2024": "depends-on-2023-average"},
            "--reading benchmark-2024=depends-on-2023-average cannot be billed: The minutes do "
            "not say how the lowering would depend on the 2023 average: any rule for it would "
            "invent a number or a function the sources do not give.\n"
            "hint: the readings of benchmark-2024 that can be billed are: 2023-average-from-2024 "
            "(the rules' own), 2021-average-from-2024, 2023-average-from-2024-11, "
            "2023-average-from-2023-11, ten-percent",
        ),
    ],
)
def test_a_reading_that_cannot_be_chosen_is_wrong_usage_with_a_did_you_mean(
    library: Library, chosen: dict[str, str], message: str
) -> None:
    """--reading with a typo, or a reading without rules, stops before anything is billed."""
    with pytest.raises(UsageError) as raised:
        chosen_readings(library, chosen)
    assert str(raised.value) == message


CLASHING = """\
format: agreement-engine/1
kind: agreement
id: clash
title: Two readings of one rule
parties: {region: R, municipalities: [A]}
validity: {from: 2024-01-01}
approval:
  required: all-parties
  by:
    R: {status: approved, evidence: {source: s}}
    A: {status: approved, evidence: {source: s}}
sources: {s: {title: S}}
assumptions:
  - id: first
    reading: One.
    alternatives:
      - {id: other, reading: Other., rules: {net_amount: 2 kr}}
  - id: second
    reading: Two.
    alternatives:
      - {id: other, reading: Other., rules: {net_amount: 3 kr}}
rules:
  net_amount: 1 kr
"""


def test_two_readings_changing_one_rule_are_wrong_usage(tmp_path: Path) -> None:
    """Neither wins by right: the user must choose one of them."""
    (tmp_path / "clash.yaml").write_text(CLASHING, encoding="utf-8")
    found, problems = load([str(tmp_path)])
    assert problems == []
    with pytest.raises(UsageError) as raised:
        under_readings(found, {"first": "other", "second": "other"})
    assert str(raised.value) == (
        "--reading first=other and --reading second=other both change clash rule net_amount\n"
        "hint: choose one of them"
    )


def test_an_alternative_written_as_text_alone_is_listed_but_cannot_be_chosen(
    tmp_path: Path,
) -> None:
    """Files written before readings had ids still load; their readings are kept as text."""
    text = CLASHING.replace(
        "      - {id: other, reading: Other., rules: {net_amount: 2 kr}}", '      - "Another."'
    )
    (tmp_path / "listed.yaml").write_text(text, encoding="utf-8")
    found, _ = load([str(tmp_path)])
    (alternative,) = found.assumptions["first"].alternatives
    assert (alternative.id, alternative.reading, alternative.implemented) == (
        None,
        "Another.",
        False,
    )
    assert found.assumptions["first"].choices == ("bundled",)
