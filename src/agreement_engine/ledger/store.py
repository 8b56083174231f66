"""Opening a ledger (an SQLite file or a PostgreSQL database), its schema, and its transactions.

Every user action is one transaction: all of it is recorded, or nothing. A writing action first
takes the ledger's lock (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: the head row ``FOR UPDATE``),
so that two writers queue up instead of both reading the same head of the chain or the same last
number. Problems of the database (a read-only file, a full disk, a server down, a ledger of a
newer version) become one-line :class:`EngineError` messages that say nothing was changed.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from agreement_engine.diagnostics import EngineError, error
from agreement_engine.ledger import tables
from agreement_engine.ledger.tables import GENESIS, HEAD, REVISIONS

BUSY_SECONDS = 30.0
"""How long a writer waits for another to finish before it gives up (SQLite)."""
PAUSE_VARIABLE = "AGREEMENT_ENGINE_TEST_PAUSE_BEFORE_COMMIT"
"""For tests only: a path. A writing action about to commit creates ``PATH.ready`` and waits
(up to a minute) until ``PATH.go`` exists, so that a test can kill it there or hold its lock."""
_NOTHING = "nothing was recorded"


@dataclass(frozen=True, slots=True)
class Head:
    """The head of the chain and the last number, as a writing action found them."""

    last_seq: int
    last_hash: str
    last_number: int


class Store:
    """A ledger database, opened. ``where`` names it as the user gave it (a password hidden)."""

    def __init__(self, engine: Engine, where: str) -> None:
        self.engine = engine
        self.where = where
        self.dialect = engine.dialect.name

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection that sees one state of the ledger throughout."""
        with translated(self.where, writing=False), self.engine.connect() as conn:
            if self.dialect == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    @contextmanager
    def writing(self) -> Iterator[tuple[Connection, Head]]:
        """A transaction holding the ledger's lock, and the head it found; committed whole when
        the block ends, rolled back if it raises (or the process dies)."""
        with translated(self.where, writing=True), self.engine.connect() as conn:
            conn = conn.execution_options(ledger_write=True)
            with conn.begin():
                found = conn.execute(
                    select(tables.state).where(tables.state.c.id == 1).with_for_update()
                ).one()
                yield conn, Head(found.last_seq, found.last_hash, found.last_number)
                pause_before_commit()

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(where: str, *, create: bool) -> Store:
    """The ledger ``where`` names: a file path, ``sqlite:///path`` or ``postgresql://…``.

    ``create`` makes a new ledger when there is none (a writing command); otherwise a ledger that
    does not exist yet is an error. An older schema is migrated; a newer one is refused.
    """
    url, shown = _url(where, create)
    try:
        engine = _engine(url)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise _problem(f"cannot open the ledger {shown}: {exc}", _URL_HINT) from None
    store = Store(engine, shown)
    try:
        _prepare(store, create)
    except BaseException:
        engine.dispose()
        raise
    return store


_URL_HINT = (
    "give a file path (ledger.sqlite), sqlite:///path/to/ledger.sqlite or "
    "postgresql://user:password@host/database"
)


def _url(where: str, create: bool) -> tuple[URL, str]:
    """The database URL for ``where``, and how to name it in messages."""
    if "://" not in where:
        return _sqlite_url(where, where, create), where
    try:
        url = make_url(where)
    except ArgumentError:
        raise _problem(f"'{where}' is not a ledger URL", _URL_HINT) from None
    shown = url.render_as_string(hide_password=True)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_url(url.database or "", shown, create), shown
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg"), shown
    raise _problem(
        f"cannot open the ledger {shown}: '{backend}' databases are not supported", _URL_HINT
    )


def _sqlite_url(path: str, shown: str, create: bool) -> URL:
    if not path or path == ":memory:":
        raise _problem(f"'{shown}' names no ledger file", _URL_HINT)
    file = Path(path)
    if file.is_dir():
        raise _problem(f"the ledger {shown} is a folder, not a file", "give a file name")
    if not file.parent.is_dir():
        raise _problem(
            f"cannot open the ledger {shown}: the folder {file.parent} does not exist",
            "create the folder first, or give another --ledger",
        )
    if not create and not file.exists():
        raise _problem(
            f"there is no ledger at {shown} yet",
            "'agreement-engine invoice draft' creates it; or give --ledger (or set "
            "AGREEMENT_ENGINE_LEDGER) to name the one you use",
        )
    return URL.create("sqlite", database=str(file))


def _engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": BUSY_SECONDS})
        event.listen(engine, "connect", _sqlite_connected)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 10})


def _sqlite_connected(dbapi_connection: Any, record: Any) -> None:
    # The driver's own transaction handling is switched off: _sqlite_begin says how to begin.
    dbapi_connection.isolation_level = None


def _sqlite_begin(conn: Connection) -> None:
    writing = conn.get_execution_options().get("ledger_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def _prepare(store: Store, create: bool) -> None:
    """Check the schema's revision: new ledgers are made, older ones migrated, newer refused."""
    with store.reading() as conn:
        found = _revision(conn, store.where)
    if found == HEAD:
        return
    if found is not None and found not in REVISIONS:
        raise _newer(store.where, found)
    if found is None and not create:
        raise _problem(
            f"{store.where} holds no ledger yet",
            "'agreement-engine invoice draft' creates it",
        )
    with translated(store.where, writing=True), store.engine.connect() as conn:
        conn = conn.execution_options(ledger_write=True)
        with conn.begin():
            if store.dialect == "postgresql":  # two first runs at once: one makes the tables
                conn.execute(text("SELECT pg_advisory_xact_lock(4242013)"))
            found = _revision(conn, store.where)
            if found is None:
                _create(conn)
            elif found not in REVISIONS:
                raise _newer(store.where, found)
            elif found != HEAD:
                _migrate(conn)


def _revision(conn: Connection, where: str) -> str | None:
    """The schema's revision; None for an empty database; an error for one that holds other
    tables."""
    names = set(inspect(conn).get_table_names())
    if "alembic_version" in names:
        return conn.execute(select(tables.alembic_version.c.version_num)).scalar_one_or_none()
    if names:
        raise _problem(
            f"{where} is not a ledger: it holds other tables ({', '.join(sorted(names)[:3])})",
            "give an empty database, or a new file, for the ledger",
        )
    return None


def _create(conn: Connection) -> None:
    """A new ledger at the newest revision: the tables as :mod:`.tables` defines them (with the
    append-only triggers), stamped as Alembic would stamp it, and the head of an empty chain."""
    tables.metadata.create_all(conn)
    conn.execute(tables.alembic_version.insert().values(version_num=HEAD))
    conn.execute(tables.state.insert().values(id=1, last_seq=0, last_hash=GENESIS, last_number=0))


def _migrate(conn: Connection) -> None:
    """Bring an older ledger to the newest revision with Alembic, in this transaction."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


def migrate_to(where: str, revision: str) -> None:
    """Make or move a ledger to one revision with Alembic (for tests of migrations)."""
    from alembic import command
    from alembic.config import Config

    url, _ = _url(where, create=True)
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(ledger_write=True)
            with conn.begin():
                config = Config()
                config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
                config.attributes["connection"] = conn
                current = _revision(conn, where)
                if current is not None and REVISIONS.index(revision) < REVISIONS.index(current):
                    command.downgrade(config, revision)
                else:
                    command.upgrade(config, revision)
    finally:
        engine.dispose()


def _newer(where: str, found: str) -> EngineError:
    return _problem(
        f"the ledger {where} was written by a newer version of agreement-engine (schema "
        f"revision {found}; this version knows up to {HEAD}); nothing was changed",
        "upgrade agreement-engine to use this ledger",
    )


def pause_before_commit() -> None:
    """The test-only pause point (see :data:`PAUSE_VARIABLE`)."""
    path = os.environ.get(PAUSE_VARIABLE)
    if not path:
        return
    Path(path + ".ready").touch()
    deadline = time.monotonic() + 60
    while not Path(path + ".go").exists() and time.monotonic() < deadline:
        time.sleep(0.01)


def _problem(message: str, hint: str | None = None) -> EngineError:
    return EngineError([error(message, hint=hint, code="ledger")])


@contextmanager
def translated(where: str, *, writing: bool) -> Iterator[None]:
    """Database errors as one-line problems in the user's words."""
    try:
        yield
    except DBAPIError as exc:
        raise _database_problem(where, exc, writing) from None
    except SQLAlchemyError as exc:
        raise _problem(f"the ledger {where} cannot be used: {_first_line(str(exc))}") from None
    except OSError as exc:
        raise _problem(f"the ledger {where} cannot be used: {exc.strerror or exc}") from None


_SQLITE_PROBLEMS = (
    (
        "readonly database",
        "cannot write to the ledger {where}: the file is read-only; " + _NOTHING,
        "ask for write access to the file (and its folder), or use another --ledger",
    ),
    (
        "disk is full",
        "the disk that holds the ledger {where} is full; " + _NOTHING,
        "free some space and run the command again",
    ),
    (
        "disk I/O error",
        "the ledger {where} could not be written: the disk is full or failing (a disk I/O "
        "error); " + _NOTHING,
        "free some space, check the disk, and run the command again",
    ),
    (
        "database is locked",
        "the ledger {where} is busy: another command has been writing to it for over "
        f"{BUSY_SECONDS:.0f} seconds; " + _NOTHING,
        "run the command again when the other is done",
    ),
    (
        "file is not a database",
        "{where} is not a ledger: it is not an SQLite database file",
        "give the ledger's file, or a new file name",
    ),
    (
        "unable to open database file",
        "cannot open the ledger {where}",
        "check that the file and its folder can be read and written",
    ),
    (
        "append-only",
        "the ledger {where} refused to change a recorded event (it is append-only); " + _NOTHING,
        None,
    ),
)


def _database_problem(where: str, exc: DBAPIError, writing: bool) -> EngineError:
    message = _first_line(str(exc.orig) if exc.orig is not None else str(exc))
    for needle, problem, hint in _SQLITE_PROBLEMS:
        if needle in message:
            return _problem(problem.format(where=where), hint)
    if exc.connection_invalidated or _unreachable(message):
        return _problem(
            f"cannot reach the ledger's database {where}: {message}; " + _NOTHING,
            "check that the database server is running and that the URL is right",
        )
    done = _NOTHING if writing else "nothing was changed"
    return _problem(f"the ledger's database {where} refused: {message}; {done}")


def _unreachable(message: str) -> bool:
    return bool(
        re.search(
            r"connection (to server .* failed|refused)|could not connect|could not translate "
            r"host|timeout expired|password authentication failed|does not exist|"
            r"server closed the connection",
            message,
        )
    )


def _first_line(message: str) -> str:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return lines[0] if lines else "unknown problem"
