"""What a change does to the money: both versions billed on the same data, side by side.

The reviewer's question about a change in an agreement is "who pays how much more, and when?".
Both versions of the library are billed (:func:`agreement_engine.billing.bill`) on the same data,
read as ``evaluate`` reads it, over the municipality-months the change can touch; each line shows
the amount before, after, and the difference. Totals are taken over the lines computed in both
versions, so that before + difference = after always holds; lines that either version cannot
compute are counted and left out of them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from agreement_engine.billing import InvoiceLine, bill
from agreement_engine.data import read_aggregates, read_episodes_frame
from agreement_engine.diagnostics import Diagnostic
from agreement_engine.library import Library
from agreement_engine.months import YearMonth
from agreement_engine.sources import AggregateData, EpisodeData, is_episode_file

Cell = tuple[str, YearMonth]


@dataclass(frozen=True, slots=True)
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
        return self.after.amount - self.before.amount

    @property
    def changed(self) -> bool:
        """Whether the amount billed differs (a month computed in one version only differs)."""
        return self.before.amount != self.after.amount


@dataclass(frozen=True, slots=True)
class Total:
    """Sums over the lines computed in both versions; ``left_out`` lines were not."""

    before: Decimal
    after: Decimal
    left_out: int

    @property
    def difference(self) -> Decimal:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class Impact:
    """Every municipality-month the change can touch, billed both ways."""

    data: str
    lines: tuple[ImpactLine, ...]  # by municipality (in the libraries' order), then month
    municipalities: tuple[str, ...]
    warnings: tuple[Diagnostic, ...]  # met while reading the data
    assume_approved: bool

    def total(self, municipality: str | None = None) -> Total:
        chosen = [
            line
            for line in self.lines
            if municipality is None or line.municipality == municipality
        ]
        both = [line for line in chosen if line.difference is not None]
        return Total(
            before=sum((line.before.amount or Decimal(0) for line in both), Decimal(0)),
            after=sum((line.after.amount or Decimal(0) for line in both), Decimal(0)),
            left_out=len(chosen) - len(both),
        )

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
    if is_episode_file(data):
        frame, _, warnings = read_episodes_frame(data, municipalities=list(everyone))
        # Each version counts episodes by its own rules (counts are cached per agreement id).
        before = bill(old, EpisodeData(frame), months, municipalities, assume_approved=assume_approved)
        after = bill(new, EpisodeData(frame), months, municipalities, assume_approved=assume_approved)
    else:
        single = months[0] if len(months) == 1 else None
        figures, _, warnings = read_aggregates(data, month=single, municipalities=list(everyone))
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
