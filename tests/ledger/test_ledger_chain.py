"""The hash chain: a row edited, deleted or moved behind the engine's back (with plain
``sqlite3``, as anyone with the file could) is found and named by ``ledger verify``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from ledgers import MARCH, MONTH, Library, aggregates, open_ledger

from agreement_engine import EngineError


@pytest.fixture
def sent(tmp_path: Path, library: Library, data: str) -> str:
    """A ledger with March drafted and sent, and Alfa corrected by a credit note: 7 events."""
    where = str(tmp_path / "ledger.sqlite")
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, agreements=library.paths)
    ledger.send(MONTH)
    lower = aggregates(tmp_path, {**MARCH, ("Alfa", "2024-03"): (10, 45)}, "lower.csv")
    ledger.correct(lower, MONTH, "Alfa", reason="x", agreements=library.paths)
    assert ledger.verify().problems == ()
    return where


def tamper(where: str, *statements: str) -> None:
    """Change the file as an outsider would: the append-only triggers dropped first."""
    with sqlite3.connect(where) as db:
        for trigger in ("update", "delete"):
            for table in ("ledger_events", "ledger_blobs"):
                db.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{trigger}")
        for statement in statements:
            db.execute(statement)


def problems(where: str) -> tuple[str, ...]:
    return open_ledger(where).verify().problems


def test_the_database_itself_refuses_to_update_or_delete_an_event(sent: str) -> None:
    """Triggers make events append-only, even for a plain sqlite3 client."""
    with sqlite3.connect(sent) as db, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE ledger_events SET amount = '1' WHERE seq = 4")
    with sqlite3.connect(sent) as db, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM ledger_events WHERE seq = 4")


def test_an_edited_amount_is_named(sent: str) -> None:
    """The invoice's amount changed in the table: its hash no longer matches, and it no longer
    matches its line computed again."""
    tamper(sent, "UPDATE ledger_events SET amount = '150000' WHERE seq = 4")
    assert problems(sent) == (
        "event 4 (invoice, Alfa 2024-03) was edited: its content does not match its hash",
        "invoice 1 (Alfa 2024-03): billed 150000 kr, but its line comes to 15000 kr",
        "credit note 4 (Alfa 2024-03): the line comes to 10000 kr and 150000 kr was billed "
        "before, so the note should be -140000 kr, not -5000 kr",
    )


def test_an_edited_body_is_named(sent: str) -> None:
    """The line's stored inputs changed: the hash says so, and the draft then computes to
    another amount than the one recorded."""
    tamper(sent, "UPDATE ledger_events SET body = replace(body, '\"50\"', '\"60\"') WHERE seq = 1")
    assert problems(sent) == (
        "event 1 (draft, Alfa 2024-03) was edited: its content does not match its hash",
        "invoice 1 (Alfa 2024-03): computed again it comes to 25000 kr, not 15000 kr as recorded",
    )


def test_an_edited_row_whose_hash_was_made_again_breaks_the_chain_after_it(sent: str) -> None:
    """Making the row's hash again does not help: the next row still names the old one."""
    tamper(sent, "UPDATE ledger_events SET recorded_by = 'mallory' WHERE seq = 2")
    with sqlite3.connect(sent) as db:
        row = db.execute("SELECT * FROM ledger_events WHERE seq = 2").fetchone()
    from agreement_engine.ledger.records import Event

    event = Event(*row)
    tamper(sent, f"UPDATE ledger_events SET hash = '{event.computed_hash()}' WHERE seq = 2")
    assert problems(sent) == (
        "event 3 does not follow event 2: the chain is broken there (a row was edited and its "
        "hash made again, or rows were removed)",
        "invoice 2: the draft it sent (event 2) was changed since",
    )


def test_a_deleted_row_is_named(sent: str) -> None:
    """A gap in the sequence of events."""
    tamper(sent, "DELETE FROM ledger_events WHERE seq = 2")
    assert problems(sent) == (
        "event 2 is missing: the row was deleted",
        "invoice 2: the draft it sent (event 2) is missing",
    )


def test_a_deleted_last_row_is_named(sent: str) -> None:
    """The head of the chain remembers the last event: the note deleted is missed."""
    tamper(sent, "DELETE FROM ledger_events WHERE seq = 7")
    assert problems(sent)[0] == "event 7 is missing: the row was deleted from the end"


def test_two_rows_swapped_are_named(sent: str) -> None:
    """Each row says which event it holds."""
    tamper(
        sent,
        "UPDATE ledger_events SET seq = -5 WHERE seq = 5",
        "UPDATE ledger_events SET seq = 5 WHERE seq = 6",
        "UPDATE ledger_events SET seq = 6 WHERE seq = -5",
    )
    assert problems(sent)[:2] == (
        "row 5 holds event 6: rows were reordered",
        "row 6 holds event 5: rows were reordered",
    )


def test_an_edited_agreement_text_is_named(sent: str) -> None:
    """The stored agreement files are kept by their SHA-256."""
    tamper(sent, "UPDATE ledger_blobs SET text = replace(text, '3.5 days', '2.5 days') "
           "WHERE kind = 'agreement file'")  # fmt: skip
    found = problems(sent)
    assert found[0].startswith("the stored text ")
    assert found[0].endswith(" was edited: its content does not match its hash")
    # and the documents computed under the edited text come to other amounts:
    assert found[1:] == (
        "invoice 1 (Alfa 2024-03): computed again it comes to 25000 kr, not 15000 kr as recorded",
        "invoice 2 (Beta 2024-03): computed again it comes to 3000 kr, not 0 kr as recorded",
        "invoice 3 (Gamma 2024-03): computed again it comes to 8500 kr, not 5500 kr as recorded",
        "credit note 4 (Alfa 2024-03): computed again it comes to 20000 kr, not 10000 kr as "
        "recorded",
    )


def test_a_document_number_changed_is_named(sent: str) -> None:
    """Numbers run unbroken: one moved leaves a gap, and its row no longer matches its hash."""
    tamper(sent, "UPDATE ledger_events SET number = 9 WHERE seq = 7")
    assert problems(sent) == (
        "event 7 (credit note, Alfa 2024-03) was edited: its content does not match its hash",
        "document number 4 missing",
    )


def test_a_lost_shared_text_is_named_and_the_document_cannot_be_shown(sent: str) -> None:
    """show computes the document again from what the ledger holds: a text gone is an error,
    and verify names every event that names it."""
    tamper(sent, "DELETE FROM ledger_blobs WHERE kind = 'shared'")
    with pytest.raises(EngineError, match="the ledger has lost the stored text"):
        open_ledger(sent).show(1)
    found = problems(sent)
    assert found[0].startswith("event 4: the ledger has lost the stored text ")
    assert [p.split(":")[0] for p in found] == ["event 4", "event 5", "event 6", "event 7"]
