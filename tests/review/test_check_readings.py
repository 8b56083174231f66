"""``check`` verifies every alternative reading as strictly as the rules' own, and says where
approvals rest on inference."""

from __future__ import annotations

from pathlib import Path

from agreement_engine.agreements.library import load
from agreement_engine.diagnostics import Diagnostic, render_text
from agreement_engine.review.checks import check_library

AGREEMENT = """\
format: agreement-engine/1
kind: agreement
id: test-agreement
title: A small agreement with readings
sources: {s: {title: The minutes}}
parties: {region: Region Test, municipalities: [Alfa]}
validity: {from: 2024-01-01, until: 2024-12-31}
approval:
  required: all-parties
  by:
    Region Test: {status: approved, evidence: {source: s}}
    Alfa: {status: approved, evidence: {source: s}}
assumptions:
  - id: price
    default: hundred
    reading: A hundred kronor an episode.
    alternatives:
ALTERNATIVES
rules:
  net_amount:
    formula: episodes * 100 kr
    unit: kr
"""


def problems(tmp_path: Path, alternatives: str, extra: str = "") -> list[Diagnostic]:
    """What check says of the small agreement with these alternatives (and other files)."""
    (tmp_path / "agreement.yaml").write_text(
        AGREEMENT.replace("ALTERNATIVES\n", alternatives), encoding="utf-8"
    )
    if extra:
        (tmp_path / "other.yaml").write_text(extra, encoding="utf-8")
    library, found = load([str(tmp_path)])
    assert found == []
    return check_library(library)


def shown(found: list[Diagnostic]) -> list[str]:
    """The problems as the terminal shows them."""
    return [render_text(d) for d in found]


def test_an_error_in_an_alternatives_rules_is_found_and_says_under_which_reading(
    tmp_path: Path,
) -> None:
    """The rules' own reading checks cleanly; the alternative adds days to money."""
    found = problems(
        tmp_path,
        "      - id: plus-a-day\n"
        "        reading: A day more.\n"
        "        rules:\n"
        "          net_amount: episodes * 100 kr + 1 day\n",
    )
    assert shown(found) == [
        f"{tmp_path}/agreement.yaml:21:23: error: cannot add days to money (kr)\n"
        " 21 |           net_amount: episodes * 100 kr + 1 day\n"
        "    |                       ^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "note: found under --reading price=plus-a-day"
    ]


def test_an_alternative_without_rules_must_say_why(tmp_path: Path) -> None:
    """Nothing is left to guess: either rules, or the reason there are none."""
    found = problems(tmp_path, "      - id: unsaid\n        reading: Something else.\n")
    assert [(d.code, d.message) for d in found] == [
        ("reading-without-rules", "reading price=unsaid has no rules and does not say why")
    ]


def test_two_readings_of_one_id_and_one_named_like_the_default_are_errors(
    tmp_path: Path,
) -> None:
    """A reading is chosen by its id: each id names one reading."""
    found = problems(
        tmp_path,
        "      - {id: hundred, reading: Again., no_rules: Same money.}\n"
        "      - {id: twice, reading: Two., no_rules: Same money.}\n"
        "      - {id: twice, reading: Two again., no_rules: Same money.}\n",
    )
    assert [d.message for d in found] == [
        "assumption price has two readings named 'hundred'",
        "assumption price has two readings named 'twice'",
    ]


def test_a_reading_that_changes_what_is_not_there_is_an_error(tmp_path: Path) -> None:
    """Counting of an agreement that counts nothing; a document no file has."""
    found = problems(
        tmp_path,
        "      - id: counted\n"
        "        reading: Counted otherwise.\n"
        "        counting: {month: month_of(ready_date)}\n"
        "      - id: elsewhere\n"
        "        reading: Elsewhere.\n"
        "        also: {test-agreemnt: {rules: {net_amount: 1 kr}}}\n",
    )
    assert [(d.message, d.hint) for d in found] == [
        (
            "reading price=counted changes the counting of test-agreement, which has no counting",
            "a reading changes only what a document has: rules of agreements, extensions, "
            "routines and the statute, counting where there is one, figures of parameters files",
        ),
        (
            "reading price=elsewhere changes 'test-agreemnt', but no loaded file has that id",
            "did you mean 'test-agreement'?",
        ),
    ]


def test_a_rule_a_reading_adds_that_no_rule_uses_is_warned_about(tmp_path: Path) -> None:
    """Most often a name misspelt: 'net_amout' would replace nothing and bill nothing."""
    found = problems(
        tmp_path,
        "      - id: typo\n        reading: Typo.\n        rules: {net_amout: 2 kr}\n",
    )
    assert [(d.severity.value, d.message, d.hint) for d in found] == [
        (
            "warning",
            "reading price=typo adds 'net_amout' to test-agreement, but no rule uses it",
            "did you mean 'net_amount'?",
        )
    ]


def test_a_validity_read_otherwise_is_checked_on_the_timeline(tmp_path: Path) -> None:
    """A reading that stretches the agreement over another one makes two govern a month."""
    other = AGREEMENT.replace("id: test-agreement", "id: later").replace(
        "validity: {from: 2024-01-01, until: 2024-12-31}", "validity: {from: 2025-01-01}"
    )
    other = other.replace("  - id: price", "  - id: later-price").replace("ALTERNATIVES\n", "")
    other = other.replace("    alternatives:\n", "")
    found = problems(
        tmp_path,
        "      - id: longer\n"
        "        reading: It ran on.\n"
        "        validity: {from: 2024-01-01, until: 2025-06-30}\n",
        other,
    )
    assert [(d.code, d.message, d.notes) for d in found if d.is_error] == [
        (
            "overlap",
            "test-agreement and later both govern 2025-01 – 2025-06 for Alfa",
            ("found under --reading price=longer",),
        )
    ]


def test_an_approval_marked_inferred_is_warned_about_at_approval_by(tmp_path: Path) -> None:
    """Finance must see what rests on inference, and record the real decisions."""
    (tmp_path / "agreement.yaml").write_text(
        AGREEMENT.replace("ALTERNATIVES\n", "")
        .replace("    alternatives:\n", "")
        .replace(
            "Alfa: {status: approved, evidence: {source: s}}",
            "Alfa: {status: approved, inferred: No decision is quoted., evidence: {source: s}}",
        ),
        encoding="utf-8",
    )
    library, _ = load([str(tmp_path)])
    (found,) = check_library(library)
    assert (found.code, found.message, found.path) == (
        "inferred-approval",
        "the approval of test-agreement by Alfa is inferred, not documented: every line it "
        "bills is provisional until the decisions are on record",
        ("test-agreement", "approval", "by"),
    )
