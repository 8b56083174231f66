"""Why a line is provisional or not computed, in the words the invoice basis shows.

A line's reasons come from what governs its month (approvals still pending, a conflict, no
statute in force), from the figures it rests on (provisional, or illustrative), and from the
amount itself (not a whole number of öre, or below zero).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.ruleset import RESULT
from agreement_engine.billing.timeline import Governance, Status
from agreement_engine.diagnostics import Text
from agreement_engine.formula import Amount


def approval_reasons(governance: Governance, assume_approved: bool) -> list[str]:
    """Why a line is provisional for its approvals: it assumes one still pending; or, billed by
    the statute meanwhile, it would be billed otherwise once every party approves."""
    pending = governance.pending
    if governance.governing is not None or pending is None:
        return []
    waiting = ", ".join(pending.waiting_for)
    if assume_approved:
        return [
            Text(
                "assumes approval of {name}, still pending from {waiting}",
                name=pending.name,
                waiting=waiting,
            )
        ]
    return [
        Text(
            "{name} awaits approval from {waiting}; until every party approves, the "
            "statute governs this month (--assume-approved bills it as if approved)",
            name=pending.name,
            waiting=waiting,
        )
    ]


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
