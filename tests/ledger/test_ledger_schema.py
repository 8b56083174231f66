"""The ledger's schema is versioned with Alembic: a new ledger is made at the newest revision,
an older one is migrated when opened, a newer one is refused; what is not a ledger is refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from ledgers import MONTH, Library, fresh_schema, open_ledger
from sqlalchemy import create_engine, inspect, text

from agreement_engine import EngineError
from agreement_engine.ledger.store import migrate_to
from agreement_engine.ledger.tables import HEAD, REVISIONS


def message(exc: pytest.ExceptionInfo[EngineError]) -> str:
    return "\n".join(d.message for d in exc.value.diagnostics)


def _url(where: str) -> str:
    if "://" not in where:
        return f"sqlite:///{where}"
    return where.replace("postgresql://", "postgresql+psycopg://", 1)


def schema(where: str) -> dict[str, Any]:
    """The tables, columns, indexes, constraints and triggers, as the database reports them."""
    engine = create_engine(_url(where))
    try:
        with engine.connect() as conn:
            found = inspect(conn)
            tables = sorted(found.get_table_names())
            described: dict[str, Any] = {
                name: (
                    [(c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(name)],
                    sorted((i["name"], tuple(i["column_names"])) for i in found.get_indexes(name)),
                    sorted(tuple(u["column_names"]) for u in found.get_unique_constraints(name)),
                    found.get_pk_constraint(name)["constrained_columns"],
                )
                for name in tables
            }
            if conn.dialect.name == "sqlite":
                query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            else:
                query = (
                    "SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "WHERE NOT tgisinternal AND c.relnamespace = current_schema()::regnamespace"
                )
            described["triggers"] = sorted(row[0] for row in conn.execute(text(query)))
            described["revision"] = conn.execute(
                text("SELECT version_num FROM alembic_version")
            ).scalar_one()
            return described
    finally:
        engine.dispose()


def test_the_revisions_named_in_code_are_the_migration_scripts(tmp_path: Path) -> None:
    """tables.REVISIONS lists the scripts' revisions, oldest first, ending at the head."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    import agreement_engine.ledger

    config = Config()
    folder = Path(agreement_engine.ledger.__file__).parent / "migrations"
    config.set_main_option("script_location", str(folder))
    scripts = ScriptDirectory.from_config(config)
    walked = [s.revision for s in scripts.walk_revisions()]
    assert tuple(reversed(walked)) == REVISIONS
    assert scripts.get_current_head() == HEAD


def test_a_new_ledger_is_made_as_the_migrations_would_make_it(
    where: str, tmp_path: Path, library: Library, data: str
) -> None:
    """Made from the table definitions and stamped, it is the same as one migrated step by step
    from nothing (same tables, columns, indexes, constraints and triggers)."""
    open_ledger(where).draft(data, MONTH, agreements=library.paths)
    made = schema(where)
    migrated = fresh_schema(where) if "://" in where else str(tmp_path / "migrated.sqlite")
    migrate_to(migrated, HEAD)
    assert schema(migrated) == made
    assert made["revision"] == HEAD


def test_an_older_ledger_is_migrated_when_opened_and_keeps_its_events(
    where: str, library: Library, data: str
) -> None:
    """A ledger at revision 0001 (before the append-only triggers) is brought to the newest
    revision by the next command, its events intact."""
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, agreements=library.paths)
    migrate_to(where, "0001")
    old = schema(where)
    assert (old["revision"], old["triggers"]) == ("0001", [])
    sent = ledger.send(MONTH)
    assert [d.number for d in sent.documents] == [1, 2, 3]
    now = schema(where)
    assert now["revision"] == HEAD and now["triggers"]
    assert ledger.verify().problems == ()


def test_a_ledger_of_a_newer_version_is_refused_and_left_as_it_is(
    where: str, library: Library, data: str
) -> None:
    """A revision this version does not know: one line, nothing changed."""
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, agreements=library.paths)
    engine = create_engine(_url(where))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(EngineError) as refused:
        ledger.send(MONTH)
    assert message(refused) == (
        f"the ledger {ledger_name(where)} was written by a newer version of agreement-engine "
        f"(schema revision 0099; this version knows up to {HEAD}); nothing was changed"
    )
    assert refused.value.diagnostics[0].hint == "upgrade agreement-engine to use this ledger"
    assert schema(where)["revision"] == "0099"


def ledger_name(where: str) -> str:
    if "://" not in where:
        return where
    from sqlalchemy.engine import make_url

    return make_url(where).render_as_string(hide_password=True)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    """A spreadsheet given as the ledger, say."""
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(b"PK\x03\x04 this is a workbook, not a ledger" * 40)
    with pytest.raises(EngineError) as refused:
        open_ledger(str(path)).entries()
    assert message(refused) == f"{path} is not a ledger: it is not an SQLite database file"


def test_a_database_with_other_tables_is_refused(tmp_path: Path) -> None:
    """The ledger does not move into someone else's database."""
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(EngineError) as refused:
        open_ledger(str(path)).entries()
    assert message(refused) == f"{path} is not a ledger: it holds other tables (customers)"
