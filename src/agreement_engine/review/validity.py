"""When each document is in force: its validity dates, and the approvals it needs.

An agreement or extension records a decision for every party, and for parties only (a decision
marked inferred, with no decision on record, is warned about); a validity
ends no earlier than it starts; a document that bills starts on the first of a month and ends on
the last day of one (billing is monthly); two statutes are never in force in the same month.
Each problem is yielded with the key path of the part it is about (see :mod:`.canonical`).
"""

from __future__ import annotations

from collections.abc import Iterator

from agreement_engine.agreements.documents import Agreement, Document, Extension, Statute, Validity
from agreement_engine.agreements.library import Library
from agreement_engine.diagnostics import Diagnostic, did_you_mean, error, warning
from agreement_engine.months import YearMonth, describe_runs

Problems = Iterator[Diagnostic]


def approvals(library: Library) -> Problems:
    """Approvals by someone not a party, and parties with no approval recorded."""
    agreements = {a.id: a for a in library.agreements}
    for doc in library.documents:
        if isinstance(doc, Agreement):
            parties = doc.parties
        elif isinstance(doc, Extension) and doc.extends in agreements:
            parties = agreements[doc.extends].parties
        else:
            continue
        yield from _strangers(doc, parties)
        missing = [p for p in parties if p not in {a.party for a in doc.approvals}]
        if missing:
            yield error(
                "no approval recorded for " + ", ".join(missing),
                doc.yaml.locate(("approval", "by"), key=True),
                hint="record every party, as pending if its decision is not yet known",
                code="approval-missing",
                path=(doc.id, "approval", "by"),
            )


def approval_warnings(library: Library) -> Problems:
    """Approvals marked ``inferred``: taken as given although no decision is on record. Every
    line such a document bills is provisional until the decisions are recorded."""
    for doc in library.documents:
        if not isinstance(doc, Agreement | Extension):
            continue
        inferred = [a.party for a in doc.approvals if a.decided and not a.documented]
        if inferred:
            yield warning(
                f"the approval of {doc.id} by {', '.join(inferred)} is inferred, not documented: "
                "every line it bills is provisional until the decisions are on record",
                doc.yaml.locate(("approval", "by"), key=True),
                hint="record each decision under approval.by as the sources give it (body, "
                "date, decision, and evidence quoting it) and remove 'inferred'",
                code="inferred-approval",
                path=(doc.id, "approval", "by"),
            )


def _strangers(doc: Agreement | Extension, parties: tuple[str, ...]) -> Problems:
    agreement = doc.id if isinstance(doc, Agreement) else doc.extends
    for approval in doc.approvals:
        if approval.party not in parties:
            yield error(
                f"'{approval.party}' is not a party to {agreement}",
                approval.location,
                hint=did_you_mean(approval.party, parties)
                or "the parties are: " + ", ".join(parties),
                code="unknown-party",
                path=(doc.id, "approval", "by", approval.party),
            )


def validities(library: Library) -> Problems:
    """Validities that end before they start, and billing documents that split a month."""
    for doc in library.documents:
        validity: Validity | None = getattr(doc, "validity", None)
        if validity is None:
            continue
        if validity.end is not None and validity.end < validity.start:
            yield error(
                f"'until' ({validity.end}) is before 'from' ({validity.start})",
                validity.end_location,
                code="validity-order",
                path=(doc.id, "validity", "until"),
            )
        if _has_rules(doc):
            yield from _split_months(doc.id, validity)


def _split_months(doc_id: str, validity: Validity) -> Problems:
    if validity.start.day != 1:
        yield error(
            f"validity starts on {validity.start}, in the middle of a month",
            validity.start_location,
            hint=f"billing is monthly: start on the first of a month, like "
            f"{validity.first_month.first_day}",
            code="split-month",
            path=(doc_id, "validity", "from"),
        )
    if validity.end is not None and validity.end != YearMonth.of(validity.end).last_day:
        yield error(
            f"validity ends on {validity.end}, in the middle of a month",
            validity.end_location,
            hint=f"billing is monthly: end on the last day of a month, like "
            f"{YearMonth.of(validity.end).last_day}",
            code="split-month",
            path=(doc_id, "validity", "until"),
        )


def _has_rules(doc: Document) -> bool:
    return bool(getattr(doc, "rules", None)) or isinstance(doc, Agreement | Statute)


def statute_overlaps(library: Library) -> Problems:
    """An error for each two statutes in force in the same month: only one can govern it.

    Reported at the validity of the one that starts later, as two agreements are.
    """
    statutes = library.statutes
    for index, earlier in enumerate(statutes):
        for later in statutes[index + 1 :]:
            first, second = sorted((earlier, later), key=lambda s: s.validity.first_month)
            months = _shared_months(first.validity, second.validity)
            if months is None:
                continue
            yield error(
                f"{first.id} and {second.id} both govern {months}",
                second.validity.start_location,
                hint=_statute_overlap_hint(first, second),
                code="overlap",
                path=(second.id, "validity"),
            )


def _statute_overlap_hint(first: Statute, second: Statute) -> str:
    hint = "only one statute can govern a month: adjust the validity dates"
    if first.validity.first_month < second.validity.first_month:
        day_before = second.validity.first_month.previous().last_day
        hint += f", e.g. end {first.id} with 'until: {day_before}'"
    return hint


def _shared_months(first: Validity, second: Validity) -> str | None:
    """The months both validities cover, in words, or None; ``second`` starts no earlier."""
    start = second.first_month
    ends = [v.last_month for v in (first, second) if v.last_month is not None]
    end = min(ends, default=None)
    if end is None:
        return f"{start} and every month after"
    if end < start:
        return None
    return describe_runs(YearMonth.range(start, end))
