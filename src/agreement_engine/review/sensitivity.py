"""What each reading of an open question does to the money: every alternative billed beside the
rules' own reading, so that a reviewer sees at once which open questions matter and how much.

For every assumption with alternatives, each alternative that has rules is chosen alone
(:mod:`.agreements.readings`) and the months asked for are billed under it, on the same data,
read once (an episode extract is counted in one pass for every reading whose counting differs).
The rules' own reading is billed once and stands beside each. An alternative without rules is
listed with the reason it has none.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from agreement_engine.agreements.documents import Alternative, Assumption
from agreement_engine.agreements.library import Library
from agreement_engine.agreements.readings import under_readings
from agreement_engine.billing.bill import bill
from agreement_engine.billing.inputs import (
    AggregateData,
    Billing,
    EpisodeData,
    read_episode_data,
)
from agreement_engine.billing.lines import InvoiceBasis, LineStatus
from agreement_engine.data import DataFile, Kind, Reading, ReadReport, read_aggregates, sniff
from agreement_engine.diagnostics import Diagnostic, Text
from agreement_engine.frozen import frozen
from agreement_engine.months import YearMonth


@frozen
class ReadingRun:
    """One reading of an assumption, and the money billed under it (``basis``; None for an
    alternative without rules, ``no_rules`` saying why)."""

    reading: str
    text: str
    own: bool  # the rules' own reading (the assumption's default)
    basis: InvoiceBasis | None
    no_rules: str | None = None

    def total(self, municipality: str | None = None) -> Decimal | None:
        """The sum of the amounts computed (of one municipality, or all); None without rules."""
        return self.basis.total(municipality) if self.basis is not None else None

    def not_computed(self, municipality: str | None = None) -> int:
        """How many lines (of one municipality, or all) could not be computed."""
        if self.basis is None:
            return 0
        return sum(
            line.status is LineStatus.NOT_COMPUTED
            for line in self.basis.lines
            if municipality is None or line.municipality == municipality
        )


@frozen
class AssumptionReadings:
    """An assumption, with its own reading first, then each alternative."""

    assumption: Assumption
    runs: tuple[ReadingRun, ...]


@frozen
class Sensitivity:
    """Every assumption with alternatives, each reading billed over the same months and data."""

    months: tuple[YearMonth, ...]
    municipalities: tuple[str, ...]
    assumptions: tuple[AssumptionReadings, ...]
    report: ReadReport
    warnings: tuple[Diagnostic, ...]
    assume_approved: bool
    episodes: bool = False
    """Whether the data is an episode extract (else monthly aggregates, given as counted: a
    reading of how episodes are counted changes nothing on them)."""

    @property
    def runs(self) -> list[ReadingRun]:
        """Every reading billed (the rules' own once)."""
        own = [a.runs[0] for a in self.assumptions[:1]]
        return own + [run for a in self.assumptions for run in a.runs if not run.own]


def weigh(
    library: Library,
    data: str,
    months: Sequence[YearMonth],
    municipalities: Sequence[str],
    *,
    assume_approved: bool = False,
) -> Sensitivity:
    """Bill the months under the rules' own readings and under each alternative with rules."""
    asked = [a for a in library.assumptions.values() if a.alternatives]
    chosen = [
        (a, alt) for a in asked for alt in a.alternatives if alt.implemented and alt.id is not None
    ]
    libraries = [library] + [under_readings(library, {a.id: str(alt.id)}) for a, alt in chosen]
    file = sniff(data)
    bases, report, warnings = _billed(libraries, file, months, municipalities, assume_approved)
    billed = dict(zip([(a.id, alt.id) for a, alt in chosen], bases[1:], strict=True))
    found = []
    for assumption in asked:
        runs = [ReadingRun(assumption.default, assumption.reading, True, bases[0])]
        runs += [_run(alt, billed.get((assumption.id, alt.id))) for alt in assumption.alternatives]
        found.append(AssumptionReadings(assumption, tuple(runs)))
    return Sensitivity(
        tuple(months),
        tuple(municipalities),
        tuple(found),
        report,
        tuple(warnings),
        assume_approved,
        episodes=file.kind is Kind.EPISODES,
    )


def _run(alternative: Alternative, basis: InvoiceBasis | None) -> ReadingRun:
    name = alternative.id if alternative.id is not None else "(no id)"
    why = alternative.no_rules
    if alternative.id is None:
        why = Text("it is written as text alone, with no id and no rules")
    return ReadingRun(name, alternative.reading, False, basis, why if basis is None else None)


def _billed(
    libraries: Sequence[Library],
    file: DataFile,
    months: Sequence[YearMonth],
    municipalities: Sequence[str],
    assume_approved: bool,
) -> tuple[list[InvoiceBasis], ReadReport, list[Diagnostic]]:
    """Each library billed on the data, read once: an extract is counted in the one pass that
    checks it, for each library whose counting differs from the first's."""
    first = libraries[0]
    if file.kind is Kind.EPISODES:
        counts = [i for i, lib in enumerate(libraries) if i == 0 or _counts_otherwise(lib)]
        billings = [Billing(libraries[i], months, municipalities, assume_approved) for i in counts]

        def billed(found: list[EpisodeData]) -> list[InvoiceBasis]:
            by = dict(zip(counts, found, strict=True))
            return [
                bill(
                    lib,
                    by.get(i, found[0]),
                    months,
                    municipalities,
                    assume_approved=assume_approved,
                )
                for i, lib in enumerate(libraries)
            ]

        with Reading() as reading:  # its temporary files removed once every reading is billed
            bases, report, warnings = read_episode_data(
                file, billings, first.municipalities, billed, reading
            )
        return bases, report, warnings
    single = months[0] if len(months) == 1 else None
    figures, report, warnings = read_aggregates(
        file.path,
        month=single,
        municipalities=first.municipalities,
        within=None if single else (months[0], months[-1]),
    )
    source = AggregateData.of(figures)
    bases = [
        bill(lib, source, months, municipalities, assume_approved=assume_approved)
        for lib in libraries
    ]
    return bases, report, list(warnings)


def counts_only(assumption: Assumption) -> bool:
    """Whether every alternative with rules changes only how episodes are counted."""
    changes = [c for a in assumption.alternatives for c in a.changes]
    return bool(changes) and all(
        not (c.rules or c.validity or c.figures)
        and bool(c.counting_month or c.counting_rules or c.aggregates)
        for c in changes
    )


def _counts_otherwise(library: Library) -> bool:
    """Whether a reading changes how episodes are counted, or which documents count them."""
    written = library.as_written
    chosen = dict(library.readings)
    for assumption_id, alternative_id in chosen.items():
        alternative = written.assumptions[assumption_id].alternative(alternative_id)
        if alternative is None:
            continue
        for change in alternative.changes:
            if change.counting_month or change.counting_rules or change.aggregates:
                return True
            if change.validity is not None or change.figures:
                return True
    return False
