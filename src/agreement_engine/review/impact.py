"""What a change to the agreement files does to the money.

Both versions of the library are billed (:func:`agreement_engine.billing.bill.bill`) on the same
data, read as ``evaluate`` reads it, over the municipality-months the change can touch (found by
:mod:`.scope`). Totals are taken over the lines computed in both versions, so that
before + difference = after always holds; lines either version cannot compute are counted and
left out of them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal, localcontext

from agreement_engine.agreements.library import Library
from agreement_engine.billing.bill import bill
from agreement_engine.billing.inputs import (
    AggregateData,
    Billing,
    EpisodeData,
    read_episode_data,
)
from agreement_engine.billing.lines import EXACT_SUMS, InvoiceBasis, InvoiceLine
from agreement_engine.data import Kind, Reading, read_aggregates, sniff
from agreement_engine.diagnostics import Diagnostic
from agreement_engine.frozen import frozen
from agreement_engine.months import YearMonth
from agreement_engine.review.scope import Cell


@frozen
class ImpactLine:
    """One municipality's month, as billed before and after the change."""

    municipality: str
    month: YearMonth
    before: InvoiceLine
    after: InvoiceLine

    @property
    def difference(self) -> Decimal | None:
        """After minus before; None when either version could not compute the month."""
        if self.before.amount is None or self.after.amount is None:
            return None
        with localcontext(EXACT_SUMS):
            return self.after.amount - self.before.amount

    @property
    def changed(self) -> bool:
        """Whether the amount billed differs (a month computed in one version only differs)."""
        return self.before.amount != self.after.amount


@frozen
class Total:
    """Sums over the lines computed in both versions; ``left_out`` lines were not."""

    before: Decimal
    after: Decimal
    left_out: int

    @property
    def difference(self) -> Decimal:
        with localcontext(EXACT_SUMS):
            return self.after - self.before


@frozen
class Impact:
    """Every municipality-month the change can touch, billed both ways."""

    data: str
    lines: tuple[ImpactLine, ...]  # by municipality (in the libraries' order), then month
    municipalities: tuple[str, ...]
    warnings: tuple[Diagnostic, ...]  # met while reading the data
    assume_approved: bool

    def total(self, municipality: str | None = None) -> Total:
        chosen = [
            line for line in self.lines if municipality is None or line.municipality == municipality
        ]
        both = [line for line in chosen if line.difference is not None]
        with localcontext(EXACT_SUMS):  # exact, however many digits
            before = sum((line.before.amount or Decimal(0) for line in both), Decimal(0))
            after = sum((line.after.amount or Decimal(0) for line in both), Decimal(0))
        return Total(before, after, left_out=len(chosen) - len(both))

    @property
    def changed(self) -> list[ImpactLine]:
        return [line for line in self.lines if line.changed]


def assess(
    old: Library,
    new: Library,
    data: str,
    cells: Collection[Cell],
    everyone: Sequence[str],
    *,
    assume_approved: bool = False,
) -> Impact:
    """Bill both versions on ``data`` for the municipality-months in ``cells``.

    ``everyone`` is every municipality of both versions: the data reader uses it to tell a
    misspelt municipality from another one.
    """
    months = sorted({month for _, month in cells})
    municipalities = [m for m in everyone if any(p == m for p, _ in cells)]
    if not months:
        return Impact(data, (), (), (), assume_approved)
    file = sniff(data)
    if file.kind is Kind.EPISODES:
        # Each version counts episodes by its own rules, both in the pass that checks the file.
        versions = [Billing(v, months, municipalities, assume_approved) for v in (old, new)]

        def both(found: list[EpisodeData]) -> tuple[InvoiceBasis, InvoiceBasis]:
            by_old, by_new = found
            return (
                bill(old, by_old, months, municipalities, assume_approved=assume_approved),
                bill(new, by_new, months, municipalities, assume_approved=assume_approved),
            )

        with Reading() as reading:  # its temporary files removed once both are billed
            (before, after), _, warnings = read_episode_data(
                file, versions, everyone, both, reading
            )
    else:
        single = months[0] if len(months) == 1 else None
        figures, _, warnings = read_aggregates(
            file.path, month=single, municipalities=list(everyone)
        )
        source = AggregateData.of(figures)
        before = bill(old, source, months, municipalities, assume_approved=assume_approved)
        after = bill(new, source, months, municipalities, assume_approved=assume_approved)
    was = {(line.municipality, line.month): line for line in before.lines}
    now = {(line.municipality, line.month): line for line in after.lines}
    lines = tuple(
        ImpactLine(municipality, month, was[municipality, month], now[municipality, month])
        for municipality in municipalities
        for month in months
        if (municipality, month) in cells
    )
    return Impact(data, lines, tuple(municipalities), tuple(warnings), assume_approved)
