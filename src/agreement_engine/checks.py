"""Everything ``check`` verifies beyond a single file's shape.

References between files (an extension's agreement, a routine's agreements, assumption and source
ids), approvals, validity dates, every formula in every combination of documents that can govern a
month, and the timeline per municipality and month: overlaps are errors; months no agreement
governs, approvals still pending, national figures still missing and divisions that can be by zero
(:mod:`.division_checks`) are warnings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from agreement_engine.diagnostics import Diagnostic, Location, did_you_mean, error, warning
from agreement_engine.division_checks import zero_divisors
from agreement_engine.documents import (
    Agreement,
    Counting,
    Document,
    Extension,
    ParameterSeries,
    ParameterSet,
    Routine,
    Rule,
    Statute,
    Validity,
)
from agreement_engine.figures_needed import figures_used
from agreement_engine.library import Library
from agreement_engine.months import YearMonth, describe_runs
from agreement_engine.ruleset import RuleSet, Typed, compose, type_rules
from agreement_engine.timeline import Governance, Status, agreement_span, governance


def check_library(library: Library, *, warnings: bool = True) -> list[Diagnostic]:
    """Every problem across the loaded documents, in file order.

    With ``warnings=False`` only what can be an error is checked (for evaluate, which refuses
    files with errors but has no use for the timeline's warnings).
    """
    problems: list[Diagnostic] = []
    problems += _duplicate_ids(library)
    problems += _references(library)
    problems += _approvals(library)
    problems += _validities(library)
    problems += _statute_overlaps(library)
    problems += _formulas(library)
    problems += _timeline(library, warnings)
    if warnings:
        problems += zero_divisors(_rulesets(library), library.parameters)
    return _unique(problems)


def _unique(problems: Iterable[Diagnostic]) -> list[Diagnostic]:
    seen: dict[tuple[object, ...], Diagnostic] = {}
    for p in problems:
        loc = p.location
        key = (p.message, loc.path if loc else "", loc.line if loc else 0, loc.column if loc else 0)
        seen.setdefault(key, p)
    return sorted(seen.values(), key=_position)


def _position(d: Diagnostic) -> tuple[int, str, int, int]:
    loc = d.location
    rank = 0 if d.is_error else 1
    return (rank, loc.path if loc else "", loc.line if loc else 0, loc.column if loc else 0)


def duplicate_documents(
    library: Library, hint: str = "every document needs its own id"
) -> list[Diagnostic]:
    """An error for each document whose id an earlier document has."""
    problems = []
    first: dict[str, Document] = {}
    for doc in library.documents:
        if doc.id in first:
            problems.append(
                error(
                    f"two documents have the id '{doc.id}' (the other is {first[doc.id].path})",
                    doc.location,
                    hint=hint,
                    code="duplicate-id",
                )
            )
        first.setdefault(doc.id, doc)
    return problems


def _duplicate_ids(library: Library) -> list[Diagnostic]:
    problems = duplicate_documents(library)
    declared: dict[str, Location] = {}
    for doc in library.documents:
        for assumption in doc.assumptions:
            if assumption.id in declared:
                other = declared[assumption.id]
                problems.append(
                    error(
                        f"assumption '{assumption.id}' is declared twice "
                        f"(first in {other.path}:{other.line})",
                        assumption.location,
                        hint="declare each assumption once; rules in any file can refer to it",
                        code="duplicate-assumption",
                    )
                )
            declared.setdefault(assumption.id, assumption.location)
    return problems + _duplicate_parameters(library)


def _duplicate_parameters(library: Library) -> list[Diagnostic]:
    """An error for each parameter series that an earlier file defines too.

    Which figure a formula gets must not depend on the order files are loaded in. The one case
    where two files give the same series is by design: an illustrative file filling in figures a
    real file lacks, kept in the same unit and period.
    """
    problems = []
    first: dict[tuple[str, bool], ParameterSeries] = {}
    for parameter_set in library.of_kind(ParameterSet):
        for name, series in parameter_set.parameters.items():
            other = first.get((name, series.illustrative)) or first.get(
                (name, not series.illustrative)
            )
            if other is not None and (other.unit_text, other.period) != (
                series.unit_text,
                series.period,
            ):
                problems.append(_parameter_kept_otherwise(series, other))
            elif other is not None and other.illustrative == series.illustrative:
                problems.append(_parameter_defined_twice(series, other))
            first.setdefault((name, series.illustrative), series)
    return problems


def _parameter_defined_twice(series: ParameterSeries, other: ParameterSeries) -> Diagnostic:
    where = other.location
    return error(
        f"parameter '{series.name}' is already defined in {where.path}:{where.line}",
        series.location,
        hint="give each parameter's figures in one file: move these figures there, or give "
        "this parameter another name",
        code="duplicate-parameter",
    )


def _parameter_kept_otherwise(series: ParameterSeries, other: ParameterSeries) -> Diagnostic:
    where = other.location
    return error(
        f"parameter '{series.name}' is kept in {series.unit_text} by {series.period} here, but in "
        f"{other.unit_text} by {other.period} in {where.path}:{where.line}",
        series.location,
        hint="a parameter has one unit and one period in every file: correct this one, or give "
        "it another name",
        code="duplicate-parameter",
    )


def _references(library: Library) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    agreements = {a.id for a in library.agreements}
    assumptions = library.assumptions
    for doc in library.documents:
        if isinstance(doc, Extension) and doc.extends not in agreements:
            problems.append(_not_an_agreement(library, doc.extends, doc, ("extends",)))
        if isinstance(doc, Routine):
            for i, target in enumerate(doc.applies_to):
                if target not in agreements:
                    problems.append(_not_an_agreement(library, target, doc, ("applies_to", i)))
        for cite in doc.citations:
            if cite.source not in doc.sources:
                problems.append(
                    error(
                        f"unknown source '{cite.source}': it is not listed under 'sources' "
                        "in this file",
                        cite.location,
                        hint=did_you_mean(cite.source, doc.sources)
                        or "add it under 'sources' with its title",
                        code="unknown-source",
                    )
                )
        for rule in _all_rules(doc):
            for assumption, location in rule.assumes:
                if assumption not in assumptions:
                    problems.append(
                        error(
                            f"unknown assumption '{assumption}'",
                            location,
                            hint=did_you_mean(assumption, assumptions)
                            or "declare it under 'assumptions' with the reading and alternatives",
                            code="unknown-assumption",
                        )
                    )
    return problems


def _not_an_agreement(
    library: Library, name: str, doc: Document, path: tuple[str | int, ...]
) -> Diagnostic:
    """The error for a reference to an agreement that names none: unknown, or another kind."""
    agreements = {a.id for a in library.agreements}
    other = library.by_id(name)
    if other is None:
        message = f"unknown agreement '{name}'"
        fallback = f"no loaded file has the id '{name}'"
    else:
        message = f"'{name}' is {_KIND_WORDS.get(other.kind, other.kind)}, not an agreement"
        fallback = "give the id of an agreement (a file with 'kind: agreement')"
        if agreements:
            fallback += ": " + ", ".join(sorted(agreements))
    return error(
        message,
        doc.yaml.locate(path),
        hint=did_you_mean(name, agreements) or fallback,
        code="unknown-reference",
    )


_KIND_WORDS = {
    "agreement": "an agreement",
    "extension": "an extension",
    "routine": "a routine",
    "statute": "a statute",
    "parameters": "a parameters file",
}


def _all_rules(doc: Document) -> list[Rule]:
    rules: list[Rule] = list(getattr(doc, "rules", {}).values())
    counting: Counting | None = getattr(doc, "counting", None)
    if counting is not None:
        rules += [counting.month, *counting.rules.values(), *counting.aggregates.values()]
    return rules


def _approvals(library: Library) -> list[Diagnostic]:
    problems = []
    agreements = {a.id: a for a in library.agreements}
    for doc in library.documents:
        if isinstance(doc, Agreement):
            parties = doc.parties
        elif isinstance(doc, Extension) and doc.extends in agreements:
            parties = agreements[doc.extends].parties
        else:
            continue
        listed = {a.party for a in doc.approvals}
        for approval in doc.approvals:
            if approval.party not in parties:
                problems.append(
                    error(
                        f"'{approval.party}' is not a party to "
                        f"{doc.id if isinstance(doc, Agreement) else doc.extends}",
                        approval.location,
                        hint=did_you_mean(approval.party, parties)
                        or "the parties are: " + ", ".join(parties),
                        code="unknown-party",
                    )
                )
        missing = [p for p in parties if p not in listed]
        if missing:
            problems.append(
                error(
                    "no approval recorded for " + ", ".join(missing),
                    doc.yaml.locate(("approval", "by"), key=True),
                    hint="record every party, as pending if its decision is not yet known",
                    code="approval-missing",
                )
            )
    return problems


def _validities(library: Library) -> list[Diagnostic]:
    problems = []
    for doc in library.documents:
        validity = getattr(doc, "validity", None)
        if validity is None:
            continue
        if validity.end is not None and validity.end < validity.start:
            problems.append(
                error(
                    f"'until' ({validity.end}) is before 'from' ({validity.start})",
                    validity.end_location,
                    code="validity-order",
                )
            )
        if not _has_rules(doc):
            continue
        if validity.start.day != 1:
            problems.append(
                error(
                    f"validity starts on {validity.start}, in the middle of a month",
                    validity.start_location,
                    hint=f"billing is monthly: start on the first of a month, like "
                    f"{validity.first_month.first_day}",
                    code="split-month",
                )
            )
        if validity.end is not None and validity.end != YearMonth.of(validity.end).last_day:
            problems.append(
                error(
                    f"validity ends on {validity.end}, in the middle of a month",
                    validity.end_location,
                    hint=f"billing is monthly: end on the last day of a month, like "
                    f"{YearMonth.of(validity.end).last_day}",
                    code="split-month",
                )
            )
    return problems


def _statute_overlaps(library: Library) -> list[Diagnostic]:
    """An error for each two statutes in force in the same month: only one can govern it.

    Reported at the validity of the one that starts later, as two agreements are.
    """
    problems = []
    statutes = library.statutes
    for index, earlier in enumerate(statutes):
        for later in statutes[index + 1 :]:
            first, second = sorted((earlier, later), key=lambda s: s.validity.first_month)
            months = _shared_months(first.validity, second.validity)
            if months is None:
                continue
            problems.append(
                error(
                    f"{first.id} and {second.id} both govern {months}",
                    second.validity.start_location,
                    hint=_statute_overlap_hint(first, second),
                    code="overlap",
                )
            )
    return problems


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


def _has_rules(doc: Document) -> bool:
    return bool(getattr(doc, "rules", None)) or isinstance(doc, Agreement | Statute)


def _rulesets(library: Library) -> list[RuleSet]:
    """Every combination of documents that can govern some month, each base alone included."""
    agreements = {a.id: a for a in library.agreements}
    sets: list[RuleSet] = [compose(a, None, ()) for a in library.agreements]
    sets += [compose(s, None, ()) for s in library.statutes]
    for extension in library.extensions:
        if extension.extends in agreements:
            sets.append(compose(agreements[extension.extends], extension, ()))
    for routine in library.routines:
        for target in routine.applies_to:
            if routine.rules and target in agreements:
                sets.append(compose(agreements[target], None, (routine,)))
    return sets


def _formulas(library: Library) -> list[Diagnostic]:
    parameters = library.parameters
    problems: list[Diagnostic] = []
    for ruleset in _rulesets(library):
        problems.extend(type_rules(ruleset, parameters).problems)
    return problems


def _timeline(library: Library, warnings: bool) -> list[Diagnostic]:
    grid = _grid(library)
    problems: list[Diagnostic] = []
    problems += _conflicts(grid)
    if warnings:
        problems += _gaps(library, grid)
        problems += _pending(grid)
        problems += _missing_figures(library, grid)
    return problems


@dataclass(frozen=True, slots=True)
class _Months:
    """What governs each month of a municipality's agreements' span, and the months of note.

    Municipalities party to the same agreements are governed alike, month by month, so their
    months are worked out once and shared (each Governance then names the first of them).
    """

    governed: tuple[Governance, ...]
    conflicts: tuple[Governance, ...]
    gaps: tuple[YearMonth, ...]
    pending: tuple[Governance, ...]

    @classmethod
    def governing(cls, library: Library, municipality: str) -> _Months | None:
        """The months of a municipality's agreements, or None when it has none."""
        span = agreement_span(library, municipality)
        if span is None:
            return None
        governed = tuple(governance(library, municipality, m) for m in YearMonth.range(*span))
        return cls(
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
            shared[key] = _Months.governing(library, municipality)
        months = shared[key]
        if months is not None:
            grid.append((municipality, months))
    return grid


def _distinct(grid: _Grid) -> list[_Months]:
    """Each shared _Months once, in order of its first municipality."""
    return list({id(months): months for _, months in grid}.values())


def _conflicts(grid: _Grid) -> list[Diagnostic]:
    clashes: dict[tuple[str, ...], list[tuple[str, YearMonth]]] = defaultdict(list)
    firsts: dict[tuple[str, ...], Governance] = {}
    for municipality, months in grid:
        for g in months.conflicts:
            names = tuple(c.name for c in g.conflicts)
            clashes[names].append((municipality, g.month))
            firsts.setdefault(names, g)
    problems = []
    for names, cells in clashes.items():
        first = firsts[names]
        doc = first.conflicts[-1].extension or first.conflicts[-1].agreement
        problems.append(
            error(
                f"{' and '.join(names)} both govern "
                f"{describe_runs([m for _, m in cells])} for {_parties([p for p, _ in cells])}",
                doc.validity.start_location,
                hint="only one agreement can govern a month: adjust the validity dates",
                code="overlap",
            )
        )
    return problems


def _parties(parties: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(parties))


def _gaps(library: Library, grid: _Grid) -> list[Diagnostic]:
    by_months: dict[tuple[YearMonth, ...], list[str]] = defaultdict(list)
    for municipality, months in grid:
        if months.gaps:
            by_months[months.gaps].append(municipality)
    problems = []
    for gap_run, municipalities in by_months.items():
        who = ", ".join(municipalities)
        before = _ending_before(library, municipalities[0], gap_run[0])
        statute = next(iter(library.statutes), None)
        problems.append(
            warning(
                f"no agreement governs {describe_runs(gap_run)} for {who}, so the statute "
                f"({statute.id if statute else 'Lag (2017:612)'}) governs these months",
                before.validity.end_location if before else None,
                hint="if an agreement for these months exists, add it; otherwise the months are "
                "billed by the statute, which needs episode-level data",
                code="gap",
            )
        )
    return problems


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


def _pending(grid: _Grid) -> list[Diagnostic]:
    pending: dict[str, list[Governance]] = defaultdict(list)
    for months in _distinct(grid):  # the others repeat the same months of the same documents
        for g in months.pending:
            assert g.pending is not None
            pending[g.pending.name].append(g)
    problems = []
    for name, cells in pending.items():
        candidate = cells[0].pending
        assert candidate is not None
        doc = candidate.extension or candidate.agreement
        problems.append(
            warning(
                f"{name} is not in force: approval is still pending from "
                f"{', '.join(candidate.waiting_for)}; until every party approves, the statute "
                f"governs {describe_runs([g.month for g in cells])}",
                doc.yaml.locate(("approval", "by"), key=True),
                hint="record each decision under approval.by as it is taken "
                "(status, date, decision); 'evaluate --assume-approved' shows the provisional "
                "result",
                code="pending-approval",
            )
        )
    return problems


def _missing_figures(library: Library, grid: _Grid) -> list[Diagnostic]:
    """Figures that months in force (or pending) need but the parameter files lack."""
    parameters = library.parameters
    needed: dict[tuple[str, str], set[YearMonth]] = defaultdict(set)
    typed_cache: dict[str, Typed] = {}
    for g in _by_month_and_ruleset(grid):
        ruleset = g.ruleset(assume_approved=True)
        if ruleset is None:
            continue
        if ruleset.name not in typed_cache:
            typed_cache[ruleset.name] = type_rules(ruleset, parameters)
        typed = typed_cache[ruleset.name]
        for use in figures_used(ruleset, typed, g.month, library):
            needed[use].add(g.month)
    problems = []
    for (name, key), months in sorted(needed.items()):
        merged = parameters[name].figures.get(key)
        if merged is not None and merged.value is not None and not merged.illustrative:
            continue
        series = _real_series(library, name)
        if series is None:  # a made-up example figure that no real file claims
            continue
        figure = series.figures.get(key)
        source = _source_words(library, series.document, figure)
        stand_in = (
            f" (only a made-up illustrative value is loaded, from {merged.document})"
            if merged is not None and merged.illustrative
            else ""
        )
        problems.append(
            warning(
                f"figure {name} for {key} is missing{stand_in}; it is needed for "
                f"{describe_runs(list(months))}",
                figure.location if figure else series.location,
                hint=f"{source}add the value with its status and source when it is known; "
                "results for these months cannot be final until then",
                code="missing-figure",
            )
        )
    return problems


def _by_month_and_ruleset(grid: _Grid) -> list[Governance]:
    """One governed month for each month and rule set it is governed by.

    In the order the pairs first occur, municipality by municipality, each taken from the last
    municipality that has it; that only matters when documents share an id (an error of its own).
    """
    distinct = _distinct(grid)
    pairs = {
        id(months): [(g.month, _ruleset_key(g)) for g in months.governed] for months in distinct
    }
    chosen: dict[tuple[YearMonth, str], Governance] = {}
    for months in distinct:
        for pair, g in zip(pairs[id(months)], months.governed, strict=True):
            chosen.setdefault(pair, g)
    last_row = {id(months): row for row, (_, months) in enumerate(grid)}
    for months in sorted(distinct, key=lambda m: last_row[id(m)]):
        chosen.update(zip(pairs[id(months)], months.governed, strict=True))
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


def _source_words(library: Library, document_id: str, figure: object) -> str:
    cites = getattr(figure, "cites", ())
    doc = library.by_id(document_id)
    if not cites or doc is None:
        return ""
    cite = cites[0]
    source = doc.sources.get(cite.source)
    title = source.title if source else cite.source
    return f"source: {title}; "
