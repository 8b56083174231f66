"""Which documents govern a municipality's month.

For each municipality and month: the agreement in force (with an extension only once every party
has approved it) and the routines layered on it; where no agreement governs, the statute. An
extension or agreement still awaiting approvals does not govern; it is reported as pending, and can
be evaluated as if approved (results then provisional).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from agreement_engine.agreements.documents import (
    Agreement,
    Approval,
    Extension,
    Routine,
    Statute,
    Validity,
)
from agreement_engine.agreements.library import Library
from agreement_engine.billing.ruleset import RuleSet, compose
from agreement_engine.diagnostics import Text
from agreement_engine.frozen import field, frozen
from agreement_engine.months import YearMonth


class Status(StrEnum):
    IN_FORCE = "in force"
    PENDING = "pending approval"
    STATUTE = "statute"
    CONFLICT = "conflict"


@frozen
class Candidate:
    """An agreement (with the extension that covers the month, if any) and its approval state;
    ``inferred`` are the approvals given without a decision on record, by document: (id,
    parties)."""

    agreement: Agreement
    extension: Extension | None
    waiting_for: tuple[str, ...]  # parties that have not approved
    rejected_by: tuple[str, ...]
    inferred: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def approved(self) -> bool:
        return not self.waiting_for and not self.rejected_by

    @property
    def name(self) -> str:
        return self.extension.id if self.extension else self.agreement.id

    def covers(self, month: YearMonth) -> bool:
        return (self.extension or self.agreement).validity.covers(month)


@frozen
class Governance:
    """What governs one municipality's month, and why; with the rules it is billed by."""

    municipality: str
    month: YearMonth
    status: Status
    governing: Candidate | None  # in force
    pending: Candidate | None  # awaiting approval (the statute governs meanwhile)
    conflicts: tuple[Candidate, ...]
    statute: Statute | None
    routines: tuple[Routine, ...]
    rules: RuleSet | None = field(default=None, compare=False, repr=False)
    """The rules the month is billed by as things stand; None when nothing can bill it."""
    rules_if_approved: RuleSet | None = field(default=None, compare=False, repr=False)
    """The rules it is billed by once the pending approvals are in (``--assume-approved``)."""
    key: tuple[object, ...] = field(default=(), compare=False, repr=False)
    """What governs the month, by value, the municipality left out: the status and the ids of
    the documents (with the parties still to approve). Months with equal keys are billed by the
    same rules, for the same reasons."""

    def ruleset(self, assume_approved: bool = False) -> RuleSet | None:
        """The rules to bill this month by, or None when nothing can (a conflict, no statute)."""
        return self.rules_if_approved if assume_approved else self.rules

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
            self.rules,
            self.rules_if_approved,
            self.key,
        )


def approval_state(
    approvals: tuple[Approval, ...], parties: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The parties that have not yet approved, and those that rejected."""
    status = {a.party: a.status for a in approvals}
    waiting = tuple(p for p in parties if status.get(p, "pending") == "pending")
    rejected = tuple(p for p in parties if status.get(p) == "rejected")
    return waiting, rejected


def inferred_by(approvals: tuple[Approval, ...]) -> tuple[str, ...]:
    """The parties whose approval is taken as given without a decision on record (marked
    ``inferred``)."""
    return tuple(a.party for a in approvals if a.status == "approved" and not a.documented)


def candidates(library: Library, municipality: str, month: YearMonth) -> list[Candidate]:
    """Every agreement (or extension of one) that covers this municipality's month."""
    return [
        c
        for c in _every_candidate(library)
        if municipality in c.agreement.municipalities and c.covers(month)
    ]


def _every_candidate(library: Library) -> tuple[Candidate, ...]:
    """Each agreement and each of its extensions with its approval state, in library order."""
    found = []
    for agreement in library.agreements:
        waiting, rejected = approval_state(agreement.approvals, agreement.parties)
        own = _inferred(agreement.id, agreement.approvals)
        found.append(Candidate(agreement, None, waiting, rejected, own))
        for extension in library.extensions:
            if extension.extends == agreement.id:
                waiting, rejected = approval_state(extension.approvals, agreement.parties)
                inferred = (*own, *_inferred(extension.id, extension.approvals))
                found.append(Candidate(agreement, extension, waiting, rejected, inferred))
    return tuple(found)


def _inferred(
    document: str, approvals: tuple[Approval, ...]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    parties = inferred_by(approvals)
    return ((document, parties),) if parties else ()


Parties = list[tuple[tuple[int, ...], list[int]]]
"""Municipalities by the agreements they are party to (:meth:`Governing.parties`): each group's
agreements, by their places among the candidates, and its municipalities, by their places."""


class Governing:
    """What governs each municipality's month under one library, asked again and again (for
    every line of a run): worked out once for each month and set of agreements a municipality
    is party to, and kept by this object. National data names hundreds of municipalities, party
    to the same few agreements."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._candidates = _every_candidate(library)
        self._parties: dict[str, tuple[int, ...]] = {}
        """The candidates each municipality is party to, by their place in ``_candidates``."""
        for index, candidate in enumerate(self._candidates):
            for municipality in dict.fromkeys(candidate.agreement.municipalities):
                self._parties[municipality] = (*self._parties.get(municipality, ()), index)
        self._governed: dict[tuple[tuple[int, ...], YearMonth], Governance] = {}

    def govern(self, municipality: str, month: YearMonth) -> Governance:
        """What governs this municipality's month."""
        return self.shared(municipality, month).of(municipality)

    def parties(self, municipalities: Sequence[str]) -> Parties:
        """These municipalities by the agreements they are party to: those party to the same
        agreements together (by their places among ``municipalities``, in order). It does not
        change from month to month, so a run works it out once (:meth:`grouped` takes it)."""
        together: dict[tuple[int, ...], list[int]] = {}
        parties = self._parties
        for at, municipality in enumerate(municipalities):
            together.setdefault(parties.get(municipality, ()), []).append(at)
        return list(together.items())

    def grouped(self, parties: Parties, month: YearMonth) -> list[tuple[Governance, list[int]]]:
        """What governs the month of each group of municipalities :meth:`parties` made: each
        group with what governs them all (its ``municipality`` is none of theirs: ``""``)."""
        return [(self._of_parties(party_to, month), at) for party_to, at in parties]

    def shared(self, municipality: str, month: YearMonth) -> Governance:
        """What governs this municipality's month, as it governs every municipality party to
        the same agreements (its ``municipality`` is none of theirs: ``""``)."""
        return self._of_parties(self._parties.get(municipality, ()), month)

    def _of_parties(self, parties: tuple[int, ...], month: YearMonth) -> Governance:
        found = self._governed.get((parties, month))
        if found is None:
            covering = [c for i in parties if (c := self._candidates[i]).covers(month)]
            found = _governance(self.library, "", month, covering)
            self._governed[parties, month] = found
        return found


def governance(library: Library, municipality: str, month: YearMonth) -> Governance:
    """What governs this municipality's month (for a question asked once; :class:`Governing`
    for many)."""
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
    pending = pending if governing is None else None
    conflicts = tuple(in_force) if len(in_force) > 1 else ()
    rules = _rules(governing, status, statute, routines)
    return Governance(
        municipality=municipality,
        month=month,
        status=status,
        governing=governing,
        pending=pending,
        conflicts=conflicts,
        statute=statute,
        routines=routines,
        rules=rules,
        rules_if_approved=rules if pending is None else _rules(pending, status, statute, routines),
        key=(
            status,
            _named(governing),
            _named(pending),
            tuple(map(_named, conflicts)),
            statute.id if statute else None,
            tuple(r.id for r in routines),
        ),
    )


def _named(candidate: Candidate | None) -> tuple[str, tuple[str, ...]] | None:
    """A candidate by value: its name and the parties still to approve it."""
    return (candidate.name, candidate.waiting_for) if candidate is not None else None


def _rules(
    candidate: Candidate | None,
    status: Status,
    statute: Statute | None,
    routines: tuple[Routine, ...],
) -> RuleSet | None:
    """The rules a candidate bills by, with the routines that apply to it; the statute's when
    there is no candidate; None when nothing can bill (a conflict, no statute in force)."""
    if candidate is not None:
        applying = tuple(r for r in routines if candidate.agreement.id in r.applies_to)
        return compose(candidate.agreement, candidate.extension, applying)
    if status is Status.CONFLICT or statute is None:
        return None
    return compose(statute, None, ())


@frozen
class ValidityReading:
    """A reading that moves a document's validity: the months it decides are those the
    document covers under one reading and not the other."""

    assumption: str
    alternative: str
    document: str
    bundled: Validity
    read: Validity

    def decides(self, month: YearMonth) -> bool:
        return self.bundled.covers(month) != self.read.covers(month)

    @property
    def validity(self) -> str:
        start = self.read.start.isoformat()
        if self.read.end is None:
            return Text("{start} – with no end", start=start)
        return f"{start} – {self.read.end.isoformat()}"


def validity_readings(library: Library) -> list[ValidityReading]:
    """Every alternative reading that moves a document's validity (as its files read)."""
    written = library.as_written
    found = []
    for assumption in written.assumptions.values():
        for alternative in assumption.alternatives:
            for change in alternative.changes:
                document = written.by_id(change.document)
                validity: Validity | None = getattr(document, "validity", None)
                if change.validity is not None and validity is not None:
                    found.append(
                        ValidityReading(
                            assumption.id,
                            str(alternative.id),
                            change.document,
                            validity,
                            change.validity,
                        )
                    )
    return found


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
