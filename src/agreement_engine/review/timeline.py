"""The timeline: month by month and party by party, what governs and on what footing.

For every municipality and month: the agreement in force (or its extension) with the routines
layered on it, or the statute; the status (in force, pending approval naming who has not approved,
a gap between agreements where the statute governs, or the statute outside every agreement); and
the figures the month's rules need that are missing or only provisional. Months are also grouped
into runs in which municipalities stand alike, so that a reviewer reads the whole history on one
screen (:mod:`agreement_engine.render.timeline` shows them as text, CSV and JSON).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from agreement_engine.agreements.documents import ParameterSeries, Passage
from agreement_engine.agreements.library import Library
from agreement_engine.billing.figures_needed import figures_used
from agreement_engine.billing.ruleset import Typed, type_rules
from agreement_engine.billing.timeline import (
    Governance,
    Governing,
    Status,
    ValidityReading,
    agreement_span,
    validity_readings,
)
from agreement_engine.diagnostics import Text
from agreement_engine.frozen import frozen
from agreement_engine.months import YearMonth

FIGURE_STATES = ("missing", "provisional", "illustrative")  # in the order they are shown


class TimelineStatus(StrEnum):
    """The footing of a month, as a reviewer asks it: is an agreement in force, and if not, why."""

    IN_FORCE = "in force"
    PENDING = "pending approval"  # an agreement or extension awaits approvals; the statute governs
    GAP = "gap"  # between the first and last month of the agreements: the statute governs
    STATUTE = "statute"  # before or after every agreement of the municipality
    CONFLICT = "conflict"  # two agreements in force at once: nothing can bill the month


@frozen
class Regime:
    """What governs a month and on what footing; the same for every month of a run."""

    status: TimelineStatus
    agreement: str | None  # in force, or pending approval
    extension: str | None  # the extension of it that covers the month
    routines: tuple[str, ...]  # in the order they took effect
    statute: str | None  # when the statute governs: gap, statute, and while approval is pending
    awaiting_approval: tuple[str, ...]  # parties that have not approved (pending only)
    conflicts: tuple[str, ...]  # the agreements in force at once (conflict only)
    inferred: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Approvals taken as given with no decision on record: (document, parties)."""
    caveats: tuple[Passage, ...] = ()
    """What the governing documents ask a reviewer to weigh."""
    readings: tuple[str, ...] = ()
    """Which reading decides what governs these months, in words."""

    @property
    def governed_by(self) -> str:
        """The short name of what governs: the extension, the agreement or the statute."""
        if self.conflicts:
            return " and ".join(self.conflicts)
        return self.extension or self.agreement or self.statute or Text("no statute in force")


@frozen
class FigureNote:
    """A figure the month's rules need that is not official: missing, provisional, illustrative."""

    parameter: str
    key: str
    status: str


@frozen
class MonthView:
    """One municipality's month."""

    municipality: str
    month: YearMonth
    regime: Regime
    figures: tuple[FigureNote, ...]


@frozen
class Run:
    """Consecutive months in which these municipalities stand alike (one row of the text view)."""

    first: YearMonth
    last: YearMonth
    municipalities: tuple[str, ...]
    regime: Regime
    figures: tuple[FigureNote, ...]  # of every month of the run, each once

    @property
    def months(self) -> str:
        return span_text(self.first, self.last)


@frozen
class Timeline:
    """Every municipality's months from ``first`` to ``last``, and the same grouped into runs."""

    first: YearMonth
    last: YearMonth
    municipalities: tuple[str, ...]
    months: tuple[MonthView, ...]  # month by month, municipalities in the order of the files
    runs: tuple[Run, ...]
    readings: tuple[tuple[str, str], ...] = ()
    """The readings chosen, other than the files' own."""

    def at(self, municipality: str, month: YearMonth) -> MonthView:
        return next(v for v in self.months if v.municipality == municipality and v.month == month)


def span_text(first: YearMonth, last: YearMonth) -> str:
    """'2022-11 – 2023-10', or one month alone."""
    return str(first) if first == last else f"{first} – {last}"


def default_range(library: Library) -> tuple[YearMonth, YearMonth] | None:
    """The agreements' months plus one either side, so the statute shows before and after."""
    spans = [s for m in library.municipalities if (s := agreement_span(library, m)) is not None]
    if not spans:
        return None
    return min(s[0] for s in spans).previous(), max(s[1] for s in spans).next()


def build_timeline(library: Library, first: YearMonth, last: YearMonth) -> Timeline:
    """What governs each municipality's month from ``first`` to ``last``, grouped into runs."""
    municipalities = tuple(library.municipalities)
    spans = {m: agreement_span(library, m) for m in municipalities}
    probe = _FigureProbe(library)
    governing = Governing(library)
    deciding = validity_readings(library)
    views = tuple(
        MonthView(m, month, regime(g, spans[m], _decided(library, deciding, g)), probe.notes(g))
        for month in YearMonth.range(first, last)
        for m in municipalities
        for g in (governing.govern(m, month),)
    )
    return Timeline(first, last, municipalities, views, group_runs(views), library.readings)


def regime(
    g: Governance, span: tuple[YearMonth, YearMonth] | None, readings: tuple[str, ...] = ()
) -> Regime:
    """The footing of a governed month; ``span`` is the municipality's agreements' first and last
    month, which tells a gap between agreements from the statute before or after them;
    ``readings`` says which reading decides what governs it."""
    statute = g.statute.id if g.statute is not None else None
    if g.status is Status.CONFLICT:
        names = tuple(c.name for c in g.conflicts)
        return Regime(TimelineStatus.CONFLICT, None, None, (), None, (), names)
    candidate = g.governing or g.pending
    if candidate is not None:
        in_force = g.status is Status.IN_FORCE
        documents = [candidate.agreement, candidate.extension]
        return Regime(
            status=TimelineStatus.IN_FORCE if in_force else TimelineStatus.PENDING,
            agreement=candidate.agreement.id,
            extension=candidate.extension.id if candidate.extension is not None else None,
            routines=tuple(r.id for r in sorted(g.routines, key=lambda r: r.validity.start)),
            statute=None if in_force else statute,
            awaiting_approval=() if in_force else candidate.waiting_for,
            conflicts=(),
            inferred=candidate.inferred,
            caveats=tuple(c for d in documents if d is not None for c in d.caveats),
            readings=readings,
        )
    inside = span is not None and span[0] <= g.month <= span[1]
    status = TimelineStatus.GAP if inside else TimelineStatus.STATUTE
    return Regime(status, None, None, (), statute, (), (), readings=readings)


def _decided(
    library: Library, deciding: Sequence[ValidityReading], g: Governance
) -> tuple[str, ...]:
    """Which reading decides what governs a month, in words (see :func:`.validity_readings`)."""
    found = []
    for reading in deciding:
        if not reading.decides(g.month):
            continue
        chosen = library.reading(reading.assumption)
        if chosen == reading.alternative:
            found.append(
                Text(
                    "{assumption}={chosen}: no agreement on file covers these months; "
                    "{document} is read to cover them ({validity})",
                    assumption=reading.assumption,
                    chosen=chosen,
                    document=reading.document,
                    validity=reading.validity,
                )
            )
        else:
            found.append(
                Text(
                    "{assumption}={chosen}; under {assumption}={alternative}, {document} would "
                    "govern these months",
                    assumption=reading.assumption,
                    chosen=chosen,
                    alternative=reading.alternative,
                    document=reading.document,
                )
            )
    return tuple(found)


@dataclass
class _FigureProbe:
    """The figures each month needs, probed once per combination of documents and month.

    A month pending approval is probed under the pending rules (as ``check`` does): those are the
    figures still needed before that month can be billed by the agreement.
    """

    library: Library
    typed: dict[str, Typed] = field(default_factory=dict)
    found: dict[tuple[str, YearMonth], tuple[FigureNote, ...]] = field(default_factory=dict)

    def notes(self, g: Governance) -> tuple[FigureNote, ...]:
        ruleset = g.ruleset(assume_approved=True)
        if ruleset is None:
            return ()
        key = (ruleset.name, g.month)
        if key not in self.found:
            parameters = self.library.parameters
            if ruleset.name not in self.typed:
                self.typed[ruleset.name] = type_rules(ruleset, parameters)
            used = figures_used(ruleset, self.typed[ruleset.name], g.month, self.library)
            self.found[key] = _notes(used, parameters)
        return self.found[key]


def _notes(
    used: set[tuple[str, str]], parameters: Mapping[str, ParameterSeries]
) -> tuple[FigureNote, ...]:
    notes = []
    for name, key in used:
        series = parameters.get(name)
        figure = series.figures.get(key) if series is not None else None
        if figure is None or figure.value is None:
            notes.append(FigureNote(name, key, "missing"))
        elif figure.illustrative:
            notes.append(FigureNote(name, key, "illustrative"))
        elif figure.status != "official":
            notes.append(FigureNote(name, key, figure.status))
    return _ordered(notes)


def _ordered(notes: Sequence[FigureNote]) -> tuple[FigureNote, ...]:
    def rank(n: FigureNote) -> tuple[int, str, str]:
        state = FIGURE_STATES.index(n.status) if n.status in FIGURE_STATES else len(FIGURE_STATES)
        return state, n.parameter, n.key

    return tuple(sorted(set(notes), key=rank))


def group_runs(views: Sequence[MonthView]) -> tuple[Run, ...]:
    """Each municipality's months cut into runs in which it stands alike; municipalities whose runs
    are the same (same months, standing alike) share one row. Rows are in order of their first
    month, then of the municipalities.

    Standing alike means the same regime and the same figures needed, in the same state. A figure
    looked up for the month's own year (the price of a care day) counts as the same figure from
    year to year, so a run is not cut at every new year; one looked up for a fixed year (the
    benchmark's base year) does not, so a change of base year starts a new run.
    """
    order: dict[str, int] = {}
    stretches: list[list[MonthView]] = []  # one municipality's consecutive months, alike
    current: dict[str, list[MonthView]] = {}
    for v in sorted(views, key=lambda v: v.month):
        order.setdefault(v.municipality, len(order))
        stretch = current.get(v.municipality)
        if (
            stretch is None
            or stretch[-1].month.next() != v.month
            or _signature(stretch[-1]) != _signature(v)
        ):
            stretch = current[v.municipality] = []
            stretches.append(stretch)
        stretch.append(v)
    rows: dict[tuple[YearMonth, YearMonth, object], list[list[MonthView]]] = {}
    for stretch in stretches:
        key = (stretch[0].month, stretch[-1].month, _signature(stretch[0]))
        rows.setdefault(key, []).append(stretch)
    runs = [
        Run(
            first=first,
            last=last,
            municipalities=tuple(s[0].municipality for s in alike),
            regime=alike[0][0].regime,
            figures=_ordered([n for s in alike for v in s for n in v.figures]),
        )
        for (first, last, _), alike in rows.items()
    ]
    return tuple(sorted(runs, key=lambda r: (r.first, order[r.municipalities[0]])))


def _signature(v: MonthView) -> tuple[Regime, frozenset[tuple[str, str, str]]]:
    own = {str(v.month.year), str(v.month)}
    figures = frozenset((n.parameter, n.status, "" if n.key in own else n.key) for n in v.figures)
    return v.regime, figures
