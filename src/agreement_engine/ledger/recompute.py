"""Computing lines again from what the ledger holds: the agreement files' texts it stored, and
each line's stored inputs (aggregates; the counted episodes' aggregates for an extract)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from agreement_engine.agreements.library import Library, load_texts
from agreement_engine.billing.bill import bill
from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.lines import InvoiceLine
from agreement_engine.billing.monthly import MonthColumns, gathered
from agreement_engine.billing.ruleset import RuleSet, Typed
from agreement_engine.diagnostics import EngineError, Text, error
from agreement_engine.formula import Amount
from agreement_engine.formula.types import NUMBER, Quantity
from agreement_engine.ledger import tables
from agreement_engine.months import YearMonth


@dataclass(frozen=True, slots=True)
class StoredInputs:
    """Monthly figures as the ledger stored them, line by line (exact text)."""

    inputs: Mapping[tuple[str, YearMonth], Mapping[str, str]]

    def aggregates(
        self, ruleset: RuleSet, typed: Typed, municipality: str, month: YearMonth
    ) -> dict[str, Amount] | str:
        stored = self.inputs.get((municipality, month))
        if stored is None:
            return Text(
                "the ledger holds no line of {municipality} {month}",
                municipality=municipality,
                month=month,
            )
        needed = typed.aggregate_types
        missing = sorted(name for name in needed if name not in stored)
        if missing:
            return Text(
                "{document} governs it now and needs {missing}, which the ledger does not hold "
                "for it (it holds: {held}); give the data with --data",
                document=ruleset.base.id,
                missing=", ".join(missing),
                held=", ".join(sorted(stored)) or Text("none"),
            )
        return {
            name: Amount(Fraction(stored[name]), t if isinstance(t, Quantity) else NUMBER)
            for name, t in needed.items()
        }

    def month_columns(
        self, ruleset: RuleSet, typed: Typed, municipalities: Sequence[str], month: YearMonth
    ) -> MonthColumns:
        return gathered(self, ruleset, typed, municipalities, month)

    def counted_figures(
        self, ruleset: RuleSet, municipality: str, month: YearMonth
    ) -> tuple[FigureUse, ...]:
        """None: the stored aggregates were counted when the line was drafted; the figures
        they rest on are kept in the line's stored record."""
        return ()

    def caveats(self, ruleset: RuleSet) -> tuple[str, ...]:
        """None: the figures are the ones stored, as counted. Why the stored line was
        provisional (a column its extract lacked, say) is kept in its stored reasons; a line
        computed again is compared with it by amount."""
        return ()


@dataclass
class Libraries:
    """The libraries the ledger stored, each loaded once, by the hash of its file list."""

    conn: Connection
    loaded: dict[str, Library] = field(default_factory=dict)

    def __call__(self, sha: str) -> Library:
        found = self.loaded.get(sha)
        if found is None:
            found = self.loaded[sha] = _load(self.conn, sha)
        return found


def blobs(conn: Connection, shas: Iterable[str]) -> dict[str, str]:
    column = tables.blobs.c.sha256
    query = select(column, tables.blobs.c.text).where(column.in_(list(shas)))
    return {row.sha256: row.text for row in conn.execute(query)}


def _load(conn: Connection, sha: str) -> Library:
    listed = blobs(conn, [sha]).get(sha)
    if listed is None:
        raise _missing(f"the list of agreement files {sha[:12]}")
    files = json.loads(listed)
    found = blobs(conn, [entry["sha256"] for entry in files])
    for entry in files:
        if entry["sha256"] not in found:
            raise _missing(f"the agreement file {entry['path']} (sha256 {entry['sha256'][:12]})")
    library, problems = load_texts((entry["path"], found[entry["sha256"]]) for entry in files)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise EngineError(errors)
    return library


def _missing(what: str) -> EngineError:
    return EngineError(
        [
            error(
                f"the ledger has lost {what} that its events name",
                hint="run agreement-engine ledger verify",
                code="ledger-integrity",
            )
        ]
    )


@dataclass(frozen=True, slots=True)
class Job:
    """A line to compute again: whose, which month, and its stored inputs."""

    municipality: str
    month: YearMonth
    inputs: Mapping[str, str]


def recompute(library: Library, jobs: Sequence[Job], assume_approved: bool) -> list[InvoiceLine]:
    """The lines of ``jobs`` computed again under ``library``, in the order of the jobs. A
    municipality-month may come more than once (its versions): each is computed on its own."""
    lines: list[InvoiceLine | None] = [None] * len(jobs)
    rounds: list[dict[tuple[str, YearMonth], int]] = []
    for index, job in enumerate(jobs):
        key = (job.municipality, job.month)
        free = next((r for r in rounds if key not in r), None)
        if free is None:
            free = {}
            rounds.append(free)
        free[key] = index
    for taken in rounds:
        months: dict[YearMonth, list[str]] = {}
        for municipality, month in taken:
            months.setdefault(month, []).append(municipality)
        data = StoredInputs({key: jobs[index].inputs for key, index in taken.items()})
        for month, municipalities in months.items():
            basis = bill(library, data, [month], municipalities, assume_approved=assume_approved)
            for line in basis.lines:
                lines[taken[(line.municipality, month)]] = line
    assert all(line is not None for line in lines)
    return [line for line in lines if line is not None]


def job(municipality: str, month: str, body: Mapping[str, Any]) -> Job:
    return Job(municipality, YearMonth.parse(month), body["line"]["inputs"])
