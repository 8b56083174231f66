"""What governs each municipality's month, checked over the span of its agreements.

Two agreements in force in the same month are an error: nothing can bill it. Months no agreement
governs (the statute does), agreements and extensions still awaiting approval, and national
figures that months in force need but no file gives are warnings. Municipalities party to the same
agreements are governed alike, so their months are worked out once and reported together. Each
problem is yielded with the key path of the part it points at (see :mod:`.canonical`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from agreement_engine.agreements.documents import (
    Agreement,
    Extension,
    Figure,
    ParameterSeries,
    ParameterSet,
)
from agreement_engine.agreements.library import Library
from agreement_engine.billing.figures_needed import figures_used
from agreement_engine.billing.ruleset import Typed, type_rules
from agreement_engine.billing.timeline import (
    Governance,
    Status,
    agreement_span,
    governance,
    validity_readings,
)
from agreement_engine.diagnostics import Diagnostic, error, warning
from agreement_engine.frozen import frozen
from agreement_engine.months import YearMonth, describe_runs

Problems = Iterator[Diagnostic]


def timeline_problems(library: Library, *, warnings: bool = True) -> Problems:
    """Overlaps; with ``warnings``, also gaps, pending approvals and missing figures."""
    grid = _grid(library)
    yield from _conflicts(grid)
    if warnings:
        yield from _gaps(library, grid)
        yield from _pending(grid)
        yield from _missing_figures(library, grid)


@frozen
class _Months:
    """What governs each month of a municipality's agreements' span, and the months of note.

    Municipalities party to the same agreements are governed alike, month by month, so their
    months are worked out once and shared (each Governance then names the first of them);
    ``parties`` says which agreements (by their place in the library) they are party to.
    """

    parties: tuple[int, ...]
    governed: tuple[Governance, ...]
    conflicts: tuple[Governance, ...]
    gaps: tuple[YearMonth, ...]
    pending: tuple[Governance, ...]

    @classmethod
    def governing(
        cls, library: Library, municipality: str, parties: tuple[int, ...]
    ) -> _Months | None:
        """The months of a municipality's agreements, or None when it has none."""
        span = agreement_span(library, municipality)
        if span is None:
            return None
        governed = tuple(governance(library, municipality, m) for m in YearMonth.range(*span))
        return cls(
            parties,
            governed,
            tuple(g for g in governed if g.status is Status.CONFLICT),
            tuple(g.month for g in governed if g.status is Status.STATUTE),
            tuple(g for g in governed if g.status is Status.PENDING and g.pending is not None),
        )


# Each municipality (in library order) with its governed months; municipalities party to the
# same agreements share one _Months.
_Grid = list[tuple[str, _Months]]


def _grid(library: Library) -> _Grid:
    agreements_of: dict[str, list[int]] = defaultdict(list)
    for index, agreement in enumerate(library.agreements):
        for municipality in dict.fromkeys(agreement.municipalities):
            agreements_of[municipality].append(index)
    shared: dict[tuple[int, ...], _Months | None] = {}
    grid: _Grid = []
    for municipality in library.municipalities:
        key = tuple(agreements_of[municipality])
        if key not in shared:
            shared[key] = _Months.governing(library, municipality, key)
        months = shared[key]
        if months is not None:
            grid.append((municipality, months))
    return grid


def _distinct(grid: _Grid) -> list[_Months]:
    """Each shared _Months once, in order of its first municipality."""
    return list({months.parties: months for _, months in grid}.values())


def _conflicts(grid: _Grid) -> Problems:
    clashes: dict[tuple[str, ...], list[tuple[str, YearMonth]]] = defaultdict(list)
    firsts: dict[tuple[str, ...], Governance] = {}
    for municipality, months in grid:
        for g in months.conflicts:
            names = tuple(c.name for c in g.conflicts)
            clashes[names].append((municipality, g.month))
            firsts.setdefault(names, g)
    for names, cells in clashes.items():
        first = firsts[names]
        doc = first.conflicts[-1].extension or first.conflicts[-1].agreement
        yield error(
            f"{' and '.join(names)} both govern "
            f"{describe_runs([m for _, m in cells])} for {_parties([p for p, _ in cells])}",
            doc.validity.start_location,
            hint="only one agreement can govern a month: adjust the validity dates",
            code="overlap",
            path=(doc.id, "validity"),
        )


def _parties(parties: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(parties))


def _gaps(library: Library, grid: _Grid) -> Problems:
    by_months: dict[tuple[YearMonth, ...], list[str]] = defaultdict(list)
    for municipality, months in grid:
        if months.gaps:
            by_months[months.gaps].append(municipality)
    for gap_run, municipalities in by_months.items():
        who = ", ".join(municipalities)
        before = _ending_before(library, municipalities[0], gap_run[0])
        statute = next(iter(library.statutes), None)
        hint = (
            "if an agreement for these months exists, add it; otherwise the months are billed "
            "by the statute, which needs episode-level data"
        )
        readings = [
            f"--reading {r.assumption}={r.alternative}"
            for r in validity_readings(library)
            if before is not None and r.document == before.id and r.decides(gap_run[0])
        ]
        if readings:
            hint += f"; the files declare another reading of these months: {', '.join(readings)}"
        yield warning(
            f"no agreement governs {describe_runs(gap_run)} for {who}, so the statute "
            f"({statute.id if statute else 'Lag (2017:612)'}) governs these months",
            before.validity.end_location if before else None,
            hint=hint,
            code="gap",
            path=(before.id, "validity", "until") if before else (),
        )


def _ending_before(
    library: Library, municipality: str, month: YearMonth
) -> Agreement | Extension | None:
    """The agreement or extension whose validity ends just before a gap starts."""
    mine = [a for a in library.agreements if municipality in a.municipalities]
    ids = {a.id for a in mine}
    docs: list[Agreement | Extension] = [
        *mine,
        *(e for e in library.extensions if e.extends in ids),
    ]
    ending = [d for d in docs if d.validity.last_month is not None]
    before = [
        d for d in ending if d.validity.last_month is not None and d.validity.last_month < month
    ]
    return max(before, key=lambda d: d.validity.end or d.validity.start, default=None)


def _pending(grid: _Grid) -> Problems:
    pending: dict[str, list[Governance]] = defaultdict(list)
    for months in _distinct(grid):  # the others repeat the same months of the same documents
        for g in months.pending:
            assert g.pending is not None
            pending[g.pending.name].append(g)
    for name, cells in pending.items():
        candidate = cells[0].pending
        assert candidate is not None
        doc = candidate.extension or candidate.agreement
        yield warning(
            f"{name} is not in force: approval is still pending from "
            f"{', '.join(candidate.waiting_for)}; until every party approves, the statute "
            f"governs {describe_runs([g.month for g in cells])}",
            doc.yaml.locate(("approval", "by"), key=True),
            hint="record each decision under approval.by as it is taken "
            "(status, date, decision); 'evaluate --assume-approved' shows the provisional "
            "result",
            code="pending-approval",
            path=(doc.id, "approval", "by"),
        )


def _missing_figures(library: Library, grid: _Grid) -> Problems:
    """Figures that months in force (or pending) need but the parameter files lack."""
    parameters = library.parameters
    for (name, key), months in sorted(_figures_needed(library, grid).items()):
        merged = parameters[name].figures.get(key)
        if merged is not None and merged.value is not None and not merged.illustrative:
            continue
        series = _real_series(library, name)
        if series is None:  # a made-up example figure that no real file claims
            continue
        figure = series.figures.get(key)
        stand_in = (
            f" (only a made-up illustrative value is loaded, from {merged.document})"
            if merged is not None and merged.illustrative
            else ""
        )
        at = ("values", key) if figure else ()
        yield warning(
            f"figure {name} for {key} is missing{stand_in}; it is needed for "
            f"{describe_runs(list(months))}",
            figure.location if figure else series.location,
            hint=f"{_source_words(library, series.document, figure)}add the value with its "
            "status and source when it is known; results for these months cannot be final "
            "until then",
            code="missing-figure",
            path=(series.document, "parameters", name, *at),
        )


def _figures_needed(library: Library, grid: _Grid) -> dict[tuple[str, str], set[YearMonth]]:
    """Each figure the months in force (or pending) look up, with those months."""
    needed: dict[tuple[str, str], set[YearMonth]] = defaultdict(set)
    typed_cache: dict[str, Typed] = {}
    for g in _by_month_and_ruleset(grid):
        ruleset = g.ruleset(assume_approved=True)
        if ruleset is None:
            continue
        if ruleset.name not in typed_cache:
            typed_cache[ruleset.name] = type_rules(ruleset, library.parameters)
        for use in figures_used(ruleset, typed_cache[ruleset.name], g.month, library):
            needed[use].add(g.month)
    return needed


def _by_month_and_ruleset(grid: _Grid) -> list[Governance]:
    """One governed month for each month and rule set it is governed by.

    In the order the pairs first occur, municipality by municipality, each taken from the last
    municipality that has it; that only matters when documents share an id (an error of its own).
    """
    distinct = _distinct(grid)
    pairs = {
        months.parties: [(g.month, _ruleset_key(g)) for g in months.governed] for months in distinct
    }
    chosen: dict[tuple[YearMonth, str], Governance] = {}
    for months in distinct:
        for pair, g in zip(pairs[months.parties], months.governed, strict=True):
            chosen.setdefault(pair, g)
    last_row = {months.parties: row for row, (_, months) in enumerate(grid)}
    for months in sorted(distinct, key=lambda m: last_row[m.parties]):
        chosen.update(zip(pairs[months.parties], months.governed, strict=True))
    return list(chosen.values())


def _real_series(library: Library, name: str) -> ParameterSeries | None:
    """A parameter as the real (not illustrative) files give it, if any does."""
    for parameter_set in library.of_kind(ParameterSet):
        if not parameter_set.illustrative and name in parameter_set.parameters:
            return parameter_set.parameters[name]
    return None


def _ruleset_key(g: Governance) -> str:
    ruleset = g.ruleset(assume_approved=True)
    return ruleset.name if ruleset else ""


def _source_words(library: Library, document_id: str, figure: Figure | None) -> str:
    cites = figure.cites if figure is not None else ()
    doc = library.by_id(document_id)
    if not cites or doc is None:
        return ""
    cite = cites[0]
    source = doc.sources.get(cite.source)
    title = source.title if source else cite.source
    return f"source: {title}; "
