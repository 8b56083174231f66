"""Which documents govern a municipality's month.

For each municipality and month: the agreement in force (with an extension only once every party
has approved it) and the routines layered on it; where no agreement governs, the statute. An
extension or agreement still awaiting approvals does not govern; it is reported as pending, and can
be evaluated as if approved (results then provisional).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from agreement_engine.agreements.documents import Agreement, Approval, Extension, Routine, Statute
from agreement_engine.agreements.library import Library
from agreement_engine.billing.ruleset import RuleSet, compose
from agreement_engine.months import YearMonth


class Status(StrEnum):
    IN_FORCE = "in force"
    PENDING = "pending approval"
    STATUTE = "statute"
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class Candidate:
    """An agreement (with the extension that covers the month, if any) and its approval state."""

    agreement: Agreement
    extension: Extension | None
    waiting_for: tuple[str, ...]  # parties that have not approved
    rejected_by: tuple[str, ...]

    @property
    def approved(self) -> bool:
        return not self.waiting_for and not self.rejected_by

    @property
    def name(self) -> str:
        return self.extension.id if self.extension else self.agreement.id


@dataclass(frozen=True, slots=True)
class Governance:
    """What governs one municipality's month, and why."""

    municipality: str
    month: YearMonth
    status: Status
    governing: Candidate | None  # in force
    pending: Candidate | None  # awaiting approval (the statute governs meanwhile)
    conflicts: tuple[Candidate, ...]
    statute: Statute | None
    routines: tuple[Routine, ...]

    def ruleset(self, assume_approved: bool = False) -> RuleSet | None:
        """The rules to bill this month by, or None when nothing can (a conflict, no statute)."""
        candidate = self.governing or (self.pending if assume_approved else None)
        if candidate is not None:
            return compose(candidate.agreement, candidate.extension, self.routines_for(candidate))
        if self.status is Status.CONFLICT or self.statute is None:
            return None
        return compose(self.statute, None, ())

    def of(self, municipality: str) -> Governance:
        """The same governance, of another municipality."""
        return Governance(
            municipality,
            self.month,
            self.status,
            self.governing,
            self.pending,
            self.conflicts,
            self.statute,
            self.routines,
        )

    def routines_for(self, candidate: Candidate) -> tuple[Routine, ...]:
        return tuple(r for r in self.routines if candidate.agreement.id in r.applies_to)


def approval_state(
    approvals: tuple[Approval, ...], parties: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The parties that have not yet approved, and those that rejected."""
    status = {a.party: a.status for a in approvals}
    waiting = tuple(p for p in parties if status.get(p, "pending") == "pending")
    rejected = tuple(p for p in parties if status.get(p) == "rejected")
    return waiting, rejected


def candidates(library: Library, municipality: str, month: YearMonth) -> list[Candidate]:
    """Every agreement (or extension of one) that covers this municipality's month."""
    return _candidates_by_party(library).get(municipality, _NO_PARTIES).covering(month)


@dataclass(frozen=True, eq=False)
class _Parties:
    """The candidates some municipalities are party to, in library order: one object for all of
    them, compared and hashed by identity, so that what governs their months is worked out once
    (national data names hundreds of municipalities, party to the same few agreements)."""

    candidates: tuple[Candidate, ...]

    def covering(self, month: YearMonth) -> list[Candidate]:
        return [c for c in self.candidates if (c.extension or c.agreement).validity.covers(month)]


_NO_PARTIES = _Parties(())


@lru_cache(maxsize=8)
def _candidates_by_party(library: Library) -> dict[str, _Parties]:
    """The candidates each municipality is party to, worked out once."""
    by_party: dict[str, list[Candidate]] = {}
    for candidate in _every_candidate(library):
        for municipality in dict.fromkeys(candidate.agreement.municipalities):
            by_party.setdefault(municipality, []).append(candidate)
    shared: dict[tuple[int, ...], _Parties] = {}
    return {
        municipality: shared.setdefault(tuple(map(id, found)), _Parties(tuple(found)))
        for municipality, found in by_party.items()
    }


@lru_cache(maxsize=8)
def _every_candidate(library: Library) -> tuple[Candidate, ...]:
    """Each agreement and each of its extensions with its approval state, worked out once."""
    found = []
    for agreement in library.agreements:
        waiting, rejected = approval_state(agreement.approvals, agreement.parties)
        found.append(Candidate(agreement, None, waiting, rejected))
        for extension in library.extensions:
            if extension.extends == agreement.id:
                waiting, rejected = approval_state(extension.approvals, agreement.parties)
                found.append(Candidate(agreement, extension, waiting, rejected))
    return tuple(found)


@lru_cache(maxsize=65536)
def govern(library: Library, municipality: str, month: YearMonth) -> Governance:
    """What governs this municipality's month: worked out once per library, month and set of
    agreements a municipality is party to (national data names hundreds of municipalities that
    share the same few), and kept."""
    parties = _candidates_by_party(library).get(municipality, _NO_PARTIES)
    return _govern_parties(library, parties, month).of(municipality)


@lru_cache(maxsize=65536)
def _govern_parties(library: Library, parties: _Parties, month: YearMonth) -> Governance:
    """What governs a month for every municipality party to these candidates (named by none)."""
    return _governance(library, "", month, parties.covering(month))


def governance(library: Library, municipality: str, month: YearMonth) -> Governance:
    """What governs this municipality's month, worked out afresh (not kept, unlike govern)."""
    return _governance(library, municipality, month, candidates(library, municipality, month))


def _governance(
    library: Library, municipality: str, month: YearMonth, found: list[Candidate]
) -> Governance:
    in_force = [c for c in found if c.approved]
    pending = next((c for c in found if c.waiting_for and not c.rejected_by), None)
    statute = next((s for s in library.statutes if s.validity.covers(month)), None)
    routines = tuple(r for r in library.routines if r.validity.covers(month))
    if len(in_force) > 1:
        status = Status.CONFLICT
    elif in_force:
        status = Status.IN_FORCE
    elif pending is not None:
        status = Status.PENDING
    else:
        status = Status.STATUTE
    governing = in_force[0] if len(in_force) == 1 else None
    chosen = governing or pending
    routines = tuple(
        r for r in routines if chosen is not None and chosen.agreement.id in r.applies_to
    )
    return Governance(
        municipality=municipality,
        month=month,
        status=status,
        governing=governing,
        pending=pending if governing is None else None,
        conflicts=tuple(in_force) if len(in_force) > 1 else (),
        statute=statute,
        routines=routines,
    )


def agreement_span(library: Library, municipality: str) -> tuple[YearMonth, YearMonth] | None:
    """The first and last month that any agreement of a municipality, or an extension, covers."""
    mine = [a for a in library.agreements if municipality in a.municipalities]
    ids = {a.id for a in mine}
    validities = [a.validity for a in mine] + [
        e.validity for e in library.extensions if e.extends in ids
    ]
    if not validities:
        return None
    first = min(v.first_month for v in validities)
    last = max(v.last_month or v.first_month for v in validities)
    return first, last
