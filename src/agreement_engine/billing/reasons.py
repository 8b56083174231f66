"""Why a line is provisional or not computed, in the words the invoice basis shows.

A line's reasons come from what governs its month (approvals still pending or inferred, a
conflict, no statute in force), from the figures it rests on (provisional, or illustrative),
and from the amount itself (not a whole number of öre, or below zero). A line may also carry
notes that do not make it provisional (:func:`governance_notes`): no agreement on file governs
the month, so the statute applies by default, and which reading decided that.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from agreement_engine.agreements.library import Library
from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.ruleset import RESULT
from agreement_engine.billing.timeline import Candidate, Governance, Status, validity_readings
from agreement_engine.diagnostics import Text
from agreement_engine.formula import Amount


def approval_reasons(governance: Governance, assume_approved: bool) -> list[str]:
    """Why a line is provisional for its approvals: it rests on an approval inferred, with no
    decision on record; it assumes one still pending; or, billed by the statute meanwhile, it
    would be billed otherwise once every party approves."""
    pending = governance.pending
    if governance.governing is not None:
        return _inferred(governance.governing)
    if pending is None:
        return []
    waiting = ", ".join(pending.waiting_for)
    if assume_approved:
        return [
            Text(
                "assumes approval of {name}, still pending from {waiting}",
                name=pending.name,
                waiting=waiting,
            ),
            *_inferred(pending),
        ]
    return [
        Text(
            "{name} awaits approval from {waiting}; until every party approves, the "
            "statute governs this month (--assume-approved bills it as if approved)",
            name=pending.name,
            waiting=waiting,
        )
    ]


def _inferred(candidate: Candidate) -> list[str]:
    return [
        Text(
            "the approval of {document} by {parties} is inferred: no decision is on record",
            document=document,
            parties=", ".join(parties),
        )
        for document, parties in candidate.inferred
    ]


def governance_notes(governance: Governance, library: Library) -> tuple[list[str], list[str]]:
    """What a line says of its month's footing without being provisional for it: no agreement
    on file governs it, so the statute applies by default; and, when a reading decides what
    governs the month (an agreement's validity read otherwise), which reading does. With the
    assumptions whose readings decide it."""
    month, statute = governance.month, governance.statute
    decided = [r for r in validity_readings(library) if r.decides(month)]
    notes: list[str] = []
    if governance.status is Status.STATUTE and statute is not None:
        note = Text(
            "no agreement on file governs {month}, so the statute ({statute}) applies by default",
            month=month,
            statute=statute.id,
        )
        for reading in decided:
            note = Text(
                "{note} (reading {assumption}={chosen}; under {assumption}={alternative}, "
                "{document} would govern it)",
                note=note,
                assumption=reading.assumption,
                chosen=library.reading(reading.assumption),
                alternative=reading.alternative,
                document=reading.document,
            )
        notes.append(note)
    elif governance.governing is not None:
        governing = governance.governing.agreement.id
        for reading in decided:
            if (
                reading.document == governing
                and library.reading(reading.assumption) == reading.alternative
            ):
                notes.append(
                    Text(
                        "no agreement on file governs {month}; under reading "
                        "{assumption}={alternative}, {document} governs it (its validity read "
                        "as {validity})",
                        month=month,
                        assumption=reading.assumption,
                        alternative=reading.alternative,
                        document=governing,
                        validity=reading.validity,
                    )
                )
    return notes, [reading.assumption for reading in decided]


def figure_reasons(used: Sequence[FigureUse]) -> list[str]:
    """Why a line is provisional for the figures it rests on: any not official."""
    reasons: list[str] = []
    for use in used:
        figure = use.figure
        if figure is None:
            continue
        if figure.illustrative:
            reasons.append(
                Text(
                    "figure {parameter} for {key} is illustrative, made up for examples "
                    "({document})",
                    parameter=use.parameter,
                    key=use.key,
                    document=figure.document,
                )
            )
        elif figure.status != "official":
            reasons.append(
                Text(
                    "figure {parameter} for {key} is {status}",
                    parameter=use.parameter,
                    key=use.key,
                    status=Text(figure.status),
                )
            )
    return reasons


def unpriced_days(use: FigureUse) -> str | None:
    """Why episodes' days priced day by day (``sum_per_day``) cannot be billed, if they cannot:
    some fall in a year (or month) whose figure is missing, or not in whole kronor."""
    figure, name = use.figure, use.parameter
    if use.key in ("before", "after"):
        keys = sorted(use.series.figures)
        if not keys:
            edge = Text("before") if use.key == "before" else Text("after")
        elif use.key == "before":
            edge = Text("before {key}", key=keys[0])
        else:
            edge = Text("after {key}", key=keys[-1])
        return Text(
            "figure {parameter} is missing for days {edge} (the episodes' days reach them)",
            parameter=name,
            edge=edge,
        )
    if figure is None or figure.value is None:
        return Text(
            "figure {parameter} for {key} is missing (the episodes' days in {key} are priced by "
            "it)",
            parameter=name,
            key=use.key,
        )
    if figure.value != figure.value.to_integral_value():
        return Text(
            "figure {parameter} for {key} is {value}, not whole kronor: days are priced day by "
            "day in whole kronor",
            parameter=name,
            key=use.key,
            value=figure.value,
        )
    return None


def ungoverned(governance: Governance) -> str:
    """Why no rules can bill a month."""
    if governance.status is Status.CONFLICT:
        names = " and ".join(c.name for c in governance.conflicts)
        return Text("{names} both govern this month: run check", names=names)
    # A statute may be loaded and yet not in force (Lag 2017:612 is from 2018-01-01).
    return Text("no agreement governs this month and no statute is in force")


def not_in_ore(net: Amount) -> str:
    """Why a net amount cannot be billed as it is: it is no whole number of öre."""
    return Text(
        "{result} is {net} — not a whole number of öre; the agreement must say how it is rounded",
        result=RESULT,
        net=net,
    )


def below_zero(amount: Decimal) -> str:
    """Why nothing is billed for a net amount below zero."""
    return Text(
        "{result} came out below zero ({amount} kr); nothing is billed",
        result=RESULT,
        amount=amount,
    )


def past_ore(amount: Decimal) -> bool:
    """Whether an amount in kronor has decimals past the öre (0.125 kr): to_decimal gives it
    with no more decimals than it needs."""
    exponent = amount.as_tuple().exponent
    return isinstance(exponent, int) and exponent < -2
