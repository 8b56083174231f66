"""The invoice's life through the public API: drafts, adjustments, sending, notes, and every
refusal, on an SQLite file and on PostgreSQL (the same tests, both databases)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from ledgers import MARCH, MONTH, Library, aggregates, open_ledger

from agreement_engine import EngineError, UsageError, YearMonth
from agreement_engine.ledger import DraftOutcome


def message(exc: pytest.ExceptionInfo[EngineError]) -> str:
    return "\n".join(d.message for d in exc.value.diagnostics)


def test_a_draft_records_one_line_per_municipality_and_month(
    where: str, library: Library, data: str
) -> None:
    """Drafting computes the invoice basis and keeps each line, exactly, as a draft."""
    result = open_ledger(where).draft(data, MONTH, agreements=library.paths, by="anna")
    assert [(s.municipality, s.outcome, s.amount, s.status) for s in result.lines] == [
        ("Alfa", DraftOutcome.DRAFTED, Decimal("15000.00"), "final"),
        ("Beta", DraftOutcome.DRAFTED, Decimal("0.00"), "final"),
        ("Gamma", DraftOutcome.DRAFTED, Decimal("5500.00"), "final"),
    ]
    entries = open_ledger(where).entries()
    assert [(e.municipality, e.amount, e.invoice, e.changed_by) for e in entries] == [
        ("Alfa", Decimal("15000.00"), None, "anna"),
        ("Beta", Decimal("0.00"), None, "anna"),
        ("Gamma", Decimal("5500.00"), None, "anna"),
    ]


def test_drafting_again_with_nothing_changed_records_nothing(
    where: str, library: Library, data: str
) -> None:
    """The same data again is no change: no event, whatever the reason given."""
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, agreements=library.paths)
    again = ledger.draft(data, MONTH, agreements=library.paths)
    assert {s.outcome for s in again.lines} == {DraftOutcome.UNCHANGED}
    assert again.recorded == 0
    assert ledger.verify().events == 3


def test_drafting_a_changed_month_without_a_reason_is_refused_and_records_nothing(
    where: str, library: Library, data: str, tmp_path: Path
) -> None:
    """A draft that changes needs --reason: the refusal names what would change."""
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, agreements=library.paths)
    changed = aggregates(tmp_path, {**MARCH, ("Alfa", "2024-03"): (10, 60)}, "new.csv")
    with pytest.raises(UsageError) as refused:
        ledger.draft(changed, MONTH, agreements=library.paths)
    assert str(refused.value).startswith(
        "--reason is needed: drafts not yet sent would change: "
        "Alfa 2024-03 (15000 kr → 25000 kr); nothing was recorded"
    )
    assert ledger.verify().events == 3


def test_drafting_a_changed_month_with_a_reason_records_an_adjustment_of_that_line(
    where: str, library: Library, data: str, tmp_path: Path
) -> None:
    """Only the line that changed is adjusted; what changed in its inputs is recorded."""
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, agreements=library.paths)
    changed = aggregates(tmp_path, {**MARCH, ("Alfa", "2024-03"): (10, 60)}, "new.csv")
    result = ledger.draft(changed, MONTH, agreements=library.paths, reason="late registrations")
    outcomes = {s.municipality: s.outcome for s in result.lines}
    assert outcomes == {
        "Alfa": DraftOutcome.ADJUSTED,
        "Beta": DraftOutcome.UNCHANGED,
        "Gamma": DraftOutcome.UNCHANGED,
    }
    [alfa] = [s for s in result.lines if s.municipality == "Alfa"]
    assert alfa.previous == Decimal("15000.00") and alfa.amount == Decimal("25000.00")
    assert [c.text for c in alfa.changes][:1] == ["total_days 50 → 60"]
    assert alfa.changes[-1].what == "data"


def test_an_adjustment_records_old_and_new_line_the_changes_the_reason_and_who(
    where: str, library: Library, data: str, tmp_path: Path
) -> None:
    """invoice adjust: one municipality-month computed again from corrected data."""
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, agreements=library.paths)
    corrected = aggregates(tmp_path, {**MARCH, ("Gamma", "2024-03"): (4, 16)}, "fixed.csv")
    result = ledger.adjust(
        corrected, MONTH, "gamma", reason="a duplicate removed", by="bo", agreements=library.paths
    )
    [gamma] = result.lines
    assert (gamma.outcome, gamma.previous, gamma.amount) == (
        DraftOutcome.ADJUSTED,
        Decimal("5500.00"),
        Decimal("2000.00"),
    )
    assert [c.text for c in gamma.changes if c.what == "aggregate"] == ["episodes 3 → 4"]
    [entry] = [e for e in ledger.entries() if e.municipality == "Gamma"]
    assert (entry.amount, entry.changed_by) == (Decimal("2000.00"), "bo")


def test_an_adjustment_of_a_month_never_drafted_is_refused(
    where: str, library: Library, tmp_path: Path
) -> None:
    """There is nothing to adjust before a draft (April is drafted, March is not)."""
    data = aggregates(tmp_path, {**MARCH, ("Alfa", "2024-04"): (1, 1)})
    ledger = open_ledger(where)
    ledger.draft(data, YearMonth(2024, 4), agreements=library.paths)
    with pytest.raises(EngineError) as refused:
        ledger.adjust(data, MONTH, "Alfa", reason="x", agreements=library.paths)
    assert message(refused) == "there is no draft of Alfa 2024-03 to adjust"


def test_a_ledger_that_does_not_exist_is_not_made_by_reading_or_adjusting(
    library: Library, data: str, tmp_path: Path
) -> None:
    """Only a draft makes a new ledger file; the others say there is none yet."""
    where = str(tmp_path / "none.sqlite")
    with pytest.raises(EngineError) as refused:
        open_ledger(where).adjust(data, MONTH, "Alfa", reason="x", agreements=library.paths)
    assert message(refused) == f"there is no ledger at {where} yet"
    assert not Path(where).exists()


def test_an_adjustment_needs_a_reason(where: str, library: Library, data: str) -> None:
    """Every change says why."""
    with pytest.raises(UsageError, match="an adjustment needs --reason"):
        open_ledger(where).adjust(data, MONTH, "Alfa", reason=" ", agreements=library.paths)


def test_sending_numbers_the_month_s_invoices_from_one_unbroken_series(
    where: str, library: Library, data: str
) -> None:
    """Each draft becomes an invoice with the next number, 1, 2, 3."""
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, agreements=library.paths)
    sent = ledger.send(MONTH, by="cecilia")
    assert [(d.number, d.municipality, d.amount, d.kind) for d in sent.documents] == [
        (1, "Alfa", Decimal("15000.00"), "invoice"),
        (2, "Beta", Decimal("0.00"), "invoice"),
        (3, "Gamma", Decimal("5500.00"), "invoice"),
    ]
    assert {d.recorded_by for d in sent.documents} == {"cecilia"}


def test_sending_one_municipality_leaves_the_others_as_drafts(
    where: str, library: Library, data: str
) -> None:
    """--municipality sends that one alone; the next send takes the next numbers."""
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, agreements=library.paths)
    assert [d.number for d in ledger.send(MONTH, "gamma").documents] == [1]
    assert [(d.number, d.municipality) for d in ledger.send(MONTH).documents] == [
        (2, "Alfa"),
        (3, "Beta"),
    ]
    assert [d.municipality for d in ledger.documents()] == ["Gamma", "Alfa", "Beta"]


def test_a_month_already_sent_is_not_sent_again(where: str, library: Library, data: str) -> None:
    """The second send finds nothing to send and says which invoices there are."""
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, agreements=library.paths)
    ledger.send(MONTH)
    with pytest.raises(EngineError) as refused:
        ledger.send(MONTH)
    assert message(refused) == "2024-03 is already sent (invoice 1, 2, 3); nothing was sent"


def test_a_month_never_drafted_cannot_be_sent(where: str, library: Library, tmp_path: Path) -> None:
    """Sending needs drafts (April is drafted, March is not)."""
    data = aggregates(tmp_path, {("Alfa", "2024-04"): (1, 1)})
    ledger = open_ledger(where)
    ledger.draft(data, YearMonth(2024, 4), agreements=library.paths)
    with pytest.raises(EngineError) as refused:
        ledger.send(MONTH)
    assert message(refused) == "there are no drafts of 2024-03 to send; nothing was sent"


def test_lines_not_computed_cannot_be_sent_and_are_named(
    where: str, library: Library, tmp_path: Path
) -> None:
    """A line missing its data is refused, naming it; nothing of the month is sent."""
    partial = aggregates(tmp_path, {("Alfa", "2024-03"): (10, 50)}, "partial.csv")
    ledger = open_ledger(where)
    result = ledger.draft(partial, MONTH, agreements=library.paths)
    assert [s.municipality for s in result.not_computed] == ["Beta", "Gamma"]
    with pytest.raises(EngineError) as refused:
        ledger.send(MONTH)
    assert message(refused) == (
        "lines not computed cannot be sent: Beta (the data has no row for Beta 2024-03); "
        "Gamma (the data has no row for Gamma 2024-03); nothing of 2024-03 was sent"
    )
    assert [d.municipality for d in ledger.send(MONTH, "Alfa").documents] == ["Alfa"]


def test_provisional_lines_are_sent_only_with_a_reason_recorded_on_the_invoice(
    where: str, library: Library, tmp_path: Path
) -> None:
    """A provisional price per day: refused, then sent with --accept-provisional."""
    library.write(status_2024="provisional")
    data = aggregates(tmp_path, MARCH)
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, agreements=library.paths)
    with pytest.raises(EngineError) as refused:
        ledger.send(MONTH)
    assert message(refused).startswith(
        "provisional lines are sent only with --accept-provisional REASON: Alfa, Beta, Gamma "
        "(figure national_day_cost for 2024 is provisional); nothing of 2024-03 was sent"
    )
    sent = ledger.send(MONTH, accept_provisional="the price is not yet published")
    assert {(d.status, d.reason) for d in sent.documents} == {
        ("provisional", "the price is not yet published")
    }
    assert ledger.show(1).provisional_reason == "the price is not yet published"


def test_an_adjustment_after_sending_is_refused_pointing_to_a_correction(
    where: str, library: Library, data: str
) -> None:
    """A sent invoice is never changed."""
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, agreements=library.paths)
    ledger.send(MONTH)
    with pytest.raises(EngineError) as refused:
        ledger.adjust(data, MONTH, "Alfa", reason="x", agreements=library.paths)
    problem = refused.value.diagnostics[0]
    assert problem.message.startswith("Alfa 2024-03 was sent as invoice 1 on ")
    assert problem.message.endswith("; a sent invoice is never changed")
    assert problem.hint is not None and "invoice correct" in problem.hint


def test_a_correction_before_sending_is_refused_pointing_to_an_adjustment(
    where: str, library: Library, data: str
) -> None:
    """Until it is sent, the draft itself is changed."""
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, agreements=library.paths)
    with pytest.raises(EngineError) as refused:
        ledger.correct(data, MONTH, "Alfa", reason="x", agreements=library.paths)
    problem = refused.value.diagnostics[0]
    assert problem.message == "Alfa 2024-03 is not sent yet, so there is no invoice to correct"
    assert problem.hint is not None and "invoice adjust" in problem.hint


def test_a_correction_issues_a_credit_note_then_a_debit_note_referring_to_the_invoice(
    where: str, library: Library, data: str, tmp_path: Path
) -> None:
    """Less: a credit note; more again: a debit note against invoice plus the earlier note."""
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, agreements=library.paths)
    ledger.send(MONTH)
    lower = aggregates(tmp_path, {**MARCH, ("Alfa", "2024-03"): (10, 45)}, "lower.csv")
    credit = ledger.correct(
        lower, MONTH, "Alfa", reason="episodes removed", agreements=library.paths
    )
    assert credit.document is not None
    assert (credit.document.kind, credit.document.number, credit.document.amount) == (
        "credit note",
        4,
        Decimal("-5000.00"),
    )
    assert credit.document.refers_to == 1
    higher = aggregates(tmp_path, {**MARCH, ("Alfa", "2024-03"): (10, 51)}, "higher.csv")
    debit = ledger.correct(higher, MONTH, "Alfa", reason="one came back", agreements=library.paths)
    assert debit.document is not None
    assert (debit.document.kind, debit.document.amount, debit.booked) == (
        "debit note",
        Decimal("6000.00"),
        Decimal("10000.00"),
    )
    shown = ledger.show(5)
    assert shown.booked == Decimal("16000.00") == shown.line.amount
    assert [d.number for d in shown.related] == [1, 4, 5]


def test_a_correction_that_comes_to_the_same_amount_issues_nothing(
    where: str, library: Library, data: str
) -> None:
    """0 kr difference: no note, no number used, nothing recorded."""
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, agreements=library.paths)
    ledger.send(MONTH)
    result = ledger.correct(data, MONTH, "Gamma", reason="checked", agreements=library.paths)
    assert result.document is None and result.difference == 0
    assert ledger.verify().events == 6


def test_verify_finds_a_ledger_in_order_and_every_document_computed_again(
    where: str, library: Library, data: str, tmp_path: Path
) -> None:
    """The chain, the numbers and the amounts, to the öre, after a whole life."""
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, agreements=library.paths)
    ledger.send(MONTH)
    lower = aggregates(tmp_path, {**MARCH, ("Alfa", "2024-03"): (10, 45)}, "lower.csv")
    ledger.correct(lower, MONTH, "Alfa", reason="x", agreements=library.paths)
    report = ledger.verify()
    assert (report.events, report.documents, report.recomputed, report.problems) == (7, 4, 4, ())


def test_a_second_month_continues_the_numbers(where: str, library: Library, tmp_path: Path) -> None:
    """One series for every month: April's first invoice follows March's last."""
    rows = {**MARCH, **{(m, "2024-04"): v for (m, _), v in MARCH.items()}}
    data = aggregates(tmp_path, rows)
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, YearMonth(2024, 4), agreements=library.paths)
    ledger.send(MONTH)
    assert [d.number for d in ledger.send(YearMonth(2024, 4)).documents] == [4, 5, 6]
    assert [d.number for d in ledger.documents(YearMonth(2024, 4))] == [4, 5, 6]
