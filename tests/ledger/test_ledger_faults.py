"""Faults and concurrency, with real processes on a real SQLite file and a real PostgreSQL
server: a run killed in the middle of sending or correcting, two sends at once, a full disk, a
read-only file, a wrong URL, a server that is down. Each leaves the ledger as it was (verify
finds it sound, no number used twice or skipped) and says so in one line with exit 1.

A run is paused just before it commits with the test-only variable
``AGREEMENT_ENGINE_TEST_PAUSE_BEFORE_COMMIT`` (see :mod:`agreement_engine.ledger.store`): it
creates ``PATH.ready`` and waits for ``PATH.go``, so the test can kill it there, or hold its lock.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from ledgers import MARCH, MONTH, Library, aggregates, open_ledger
from typer.testing import CliRunner

from agreement_engine import EngineError, YearMonth
from agreement_engine.cli.app import app
from agreement_engine.ledger.store import PAUSE_VARIABLE

COMMAND = str(Path(sys.executable).parent / "agreement-engine")
WAIT = 60.0


def start(
    *args: str, pause: Path | None = None, setup: Callable[[], None] | None = None
) -> subprocess.Popen[str]:
    """The command line in a process of its own; paused before committing if ``pause``."""
    env = dict(os.environ)
    env.pop(PAUSE_VARIABLE, None)
    if pause is not None:
        env[PAUSE_VARIABLE] = str(pause)
    return subprocess.Popen(
        [COMMAND, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=setup,
    )


def wait_for(path: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"the command ended first: {process.communicate()}")
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def drafted(where: str, library: Library, data: str) -> None:
    open_ledger(where).draft(data, MONTH, agreements=library.paths)


def send_args(where: str) -> list[str]:
    return ["invoice", "send", "--month", "2024-03", "--ledger", where]


def test_a_send_killed_before_it_commits_leaves_no_invoice_and_no_gap(
    where: str, library: Library, data: str, tmp_path: Path
) -> None:
    """SIGKILL mid-send: the month is still all drafts; the next send takes numbers 1–3."""
    drafted(where, library, data)
    pause = tmp_path / "pause"
    process = start(*send_args(where), pause=pause)
    wait_for(Path(f"{pause}.ready"), process)
    process.send_signal(signal.SIGKILL)
    process.wait(WAIT)
    ledger = open_ledger(where)
    assert ledger.documents() == ()
    assert ledger.verify().problems == ()
    assert [d.number for d in ledger.send(MONTH).documents] == [1, 2, 3]


def test_a_correction_killed_before_it_commits_issues_no_note(
    where: str, library: Library, data: str, tmp_path: Path
) -> None:
    """SIGKILL mid-correct: no note, no number taken; the correction run again gets number 4."""
    drafted(where, library, data)
    ledger = open_ledger(where)
    ledger.send(MONTH)
    lower = aggregates(tmp_path, {**MARCH, ("Alfa", "2024-03"): (10, 45)}, "lower.csv")
    pause = tmp_path / "pause"
    args = ["invoice", "correct", "--month", "2024-03", "--municipality", "Alfa"]
    args += ["--data", lower, "--agreements", *library.paths, "--reason", "x", "--ledger", where]
    process = start(*args, pause=pause)
    wait_for(Path(f"{pause}.ready"), process)
    process.send_signal(signal.SIGKILL)
    process.wait(WAIT)
    assert [d.number for d in ledger.documents()] == [1, 2, 3]
    assert ledger.verify().problems == ()
    note = ledger.correct(lower, MONTH, "Alfa", reason="x", agreements=library.paths).document
    assert note is not None and (note.number, note.amount) == (4, Decimal("-5000"))


def test_two_sends_at_once_one_succeeds_the_other_is_told_it_is_sent(
    where: str, library: Library, data: str, tmp_path: Path
) -> None:
    """The first holds the ledger's lock until it commits; the second waits for it, then finds
    the month sent: exactly one succeeds, and the numbers are 1–3, each once."""
    drafted(where, library, data)
    pause = tmp_path / "pause"
    first = start(*send_args(where), pause=pause)
    wait_for(Path(f"{pause}.ready"), first)
    second = start(*send_args(where))
    time.sleep(0.5)  # the second is waiting for the lock by now (or soon will be)
    assert second.poll() is None, second.communicate()
    Path(f"{pause}.go").touch()
    outcomes = [process.wait(WAIT) for process in (first, second)]
    assert outcomes == [0, 1]
    _, error = second.communicate()
    assert error.splitlines()[0] == (
        "error: 2024-03 is already sent (invoice 1, 2, 3); nothing was sent"
    )
    ledger = open_ledger(where)
    assert [d.number for d in ledger.documents()] == [1, 2, 3]
    assert ledger.verify().problems == ()


def test_sends_racing_from_threads_give_each_number_once(
    where: str, library: Library, tmp_path: Path
) -> None:
    """Four senders started together on two months: each month is sent once, numbers 1–6
    without a gap, and the others are refused."""
    rows = {**MARCH, **{(m, "2024-04"): v for (m, _), v in MARCH.items()}}
    data = aggregates(tmp_path, rows)
    open_ledger(where).draft(data, MONTH, YearMonth(2024, 4), agreements=library.paths)
    months = [MONTH, YearMonth(2024, 4), MONTH, YearMonth(2024, 4)]
    barrier = threading.Barrier(len(months))
    results: list[str] = []

    def send(month: YearMonth) -> None:
        ledger = open_ledger(where)
        barrier.wait()
        try:
            ledger.send(month)
            results.append(f"sent {month}")
        except EngineError as exc:
            results.append(exc.diagnostics[0].message.split(" (")[0])

    threads = [threading.Thread(target=send, args=(m,)) for m in months]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert sorted(results) == [
        "2024-03 is already sent",
        "2024-04 is already sent",
        "sent 2024-03",
        "sent 2024-04",
    ]
    ledger = open_ledger(where)
    assert sorted(d.number for d in ledger.documents()) == [1, 2, 3, 4, 5, 6]
    assert ledger.verify().problems == ()


def _small_files(limit: int) -> Callable[[], None]:
    def setup() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return setup


def test_a_full_disk_is_one_line_exit_1_and_nothing_recorded(
    library: Library, tmp_path: Path
) -> None:
    """No file may grow past the ledger's size (RLIMIT_FSIZE): drafting a year more fails
    whole, with one line, and the ledger is as it was."""
    where = str(tmp_path / "ledger.sqlite")
    rows = {(m, f"2024-{n:02}"): (10, 50) for n in range(1, 13) for m in ("Alfa", "Beta", "Gamma")}
    data = aggregates(tmp_path, rows)
    open_ledger(where).draft(data, MONTH, agreements=library.paths)
    size = Path(where).stat().st_size
    args = ["invoice", "draft", "--month", "2024-01", "--to", "2024-12", "--data", data]
    process = start(*args, "--agreements", *library.paths, "--ledger", where,
                    setup=_small_files(size))  # fmt: skip
    _, error = process.communicate(timeout=WAIT)
    assert process.returncode == 1, error
    # SQLite reports a write past RLIMIT_FSIZE as a disk I/O error (a disk out of space, as
    # "database or disk is full": the message then says the disk is full).
    assert error.splitlines()[-3:-1] == [
        f"error: the ledger {where} could not be written: the disk is full or failing (a disk "
        "I/O error); nothing was recorded",
        "hint: free some space, check the disk, and run the command again",
    ]
    ledger = open_ledger(where)
    assert [e.month for e in ledger.entries()] == [MONTH] * 3
    assert ledger.verify().problems == ()


def _as_nobody() -> Callable[[], None] | None:
    """Root may write any file: when the tests run as root, the command runs without the
    capabilities that allow it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH dropped from the bounding
    set before it starts), as an ordinary user would."""
    if os.geteuid() != 0:
        return None

    def setup() -> None:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "cannot drop a capability")

    return setup


def test_a_read_only_ledger_is_one_line_exit_1_and_unchanged(library: Library) -> None:
    """A ledger file that may not be written: sending is refused whole; reading still works."""
    folder = Path(tempfile.mkdtemp(prefix="ledger-read-only-"))
    try:
        where = str(folder / "ledger.sqlite")
        data = aggregates(folder, MARCH)
        agreements = folder / "agreements"
        Library(agreements).write()
        open_ledger(where).draft(data, MONTH, agreements=[str(agreements)])
        Path(where).chmod(0o444)
        process = start(*send_args(where), setup=_as_nobody())
        _, error = process.communicate(timeout=WAIT)
        assert process.returncode == 1, error
        assert error.splitlines()[:2] == [
            f"error: cannot write to the ledger {where}: the file is read-only; nothing was "
            "recorded",
            "hint: ask for write access to the file (and its folder), or use another --ledger",
        ]
        listed = start("invoice", "list", "--ledger", where, setup=_as_nobody())
        output, _ = listed.communicate(timeout=WAIT)
        assert listed.returncode == 0 and output.splitlines()[2].startswith("2024-03  Alfa")
        assert open_ledger(where).documents() == ()
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "mysql://ledger@localhost/ledger",
            "error: cannot open the ledger mysql://ledger@localhost/ledger: 'mysql' databases "
            "are not supported",
        ),
        ("sqlite://", "error: 'sqlite://' names no ledger file"),
        (
            "/no/such/folder/ledger.sqlite",
            "error: cannot open the ledger /no/such/folder/ledger.sqlite: the folder "
            "/no/such/folder does not exist",
        ),
        (
            "postgresql://ledger:secret@127.0.0.1:1/ledger",
            "error: cannot reach the ledger's database postgresql://ledger:***@127.0.0.1:1/"
            'ledger: connection failed: connection to server at "127.0.0.1", port 1 failed: '
            "Connection refused; nothing was recorded",
        ),
    ],
    ids=["unsupported", "no-file", "no-folder", "server-down"],
)
def test_a_wrong_url_or_a_server_that_is_down_is_one_line_exit_1(given: str, expected: str) -> None:
    """Nothing is made, and the password is never shown."""
    result = CliRunner().invoke(app, [*send_args(given)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == expected
    assert result.stderr.splitlines()[1].startswith("hint: ")
    assert "secret" not in result.stderr


def test_a_ledger_of_a_newer_version_is_one_line_exit_1(
    tmp_path: Path, library: Library, data: str
) -> None:
    """The command line says what the API says, and changes nothing."""
    import sqlite3

    where = str(tmp_path / "ledger.sqlite")
    drafted(where, library, data)
    with sqlite3.connect(where) as db:
        db.execute("UPDATE alembic_version SET version_num = '0099'")
    result = CliRunner().invoke(app, [*send_args(where)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f"error: the ledger {where} was written by a newer version of agreement-engine (schema "
        "revision 0099; this version knows up to 0002); nothing was changed",
        "hint: upgrade agreement-engine to use this ledger",
    ]
