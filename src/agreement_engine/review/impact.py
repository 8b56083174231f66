"""What a change can touch, and what it does to the money.

Two questions a reviewer asks of a change. First, which municipality-months can it move money in?
Both versions of the library are laid out month by month with
:class:`.billing.timeline.Governing`; a changed rule reaches the months whose rule set takes
that rule from the changed document, a changed figure the months whose rules look it up, a changed
validity, party or approval every month the document takes part in. Second, by how much? Both
versions are billed (:func:`.billing.bill.bill`) on the same data, read as ``evaluate``
reads it, over those months. Totals are taken over the lines computed in both versions, so that
before + difference = after always holds; lines either version cannot compute are counted and
left out of them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from agreement_engine.agreements.documents import (
    Agreement,
    Document,
    Extension,
    ParameterSet,
    Routine,
    Rule,
    Statute,
)
from agreement_engine.agreements.library import Library
from agreement_engine.billing.bill import bill
from agreement_engine.billing.figures_needed import figures_used
from agreement_engine.billing.inputs import (
    AggregateData,
    Billing,
    EpisodeData,
    is_episode_file,
    read_episode_data,
)
from agreement_engine.billing.lines import EXACT_SUMS, InvoiceBasis, InvoiceLine
from agreement_engine.billing.ruleset import RuleSet, Typed, type_rules
from agreement_engine.billing.timeline import Governing, agreement_span
from agreement_engine.data import read_aggregates
from agreement_engine.diagnostics import Diagnostic
from agreement_engine.months import YearMonth

Cell = tuple[str, YearMonth]  # a municipality's month
KeyPath = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Scope:
    """The municipality-months a change can move money in.

    ``once_approved`` are those it reaches only through an agreement or extension still awaiting
    approval. ``known`` is False when no agreement is loaded, so no month can be named.
    """

    cells: frozenset[Cell]
    once_approved: frozenset[Cell] = frozenset()
    known: bool = True


_Test = Callable[[RuleSet, int, YearMonth], bool]


class Versions:
    """Both versions of the library, month by month: the rule set that bills each
    municipality's month in each version, as things stand and if pending approvals came in.

    Months run over the union of both versions' agreement spans per municipality; outside them
    only the statute governs, and no change to an agreement can reach there.
    """

    def __init__(self, old: Library, new: Library) -> None:
        self.libraries = (old, new)
        everyone: dict[str, None] = {}
        for library in self.libraries:
            everyone.update(dict.fromkeys(library.municipalities))
        self.everyone = tuple(everyone)
        self.cells: dict[Cell, list[tuple[RuleSet | None, RuleSet | None]]] = {}
        governing = [Governing(lib) for lib in self.libraries]
        for municipality in self.everyone:
            spans = [s for lib in self.libraries if (s := agreement_span(lib, municipality))]
            if not spans:
                continue
            first, last = min(s[0] for s in spans), max(s[1] for s in spans)
            for month in YearMonth.range(first, last):
                governed = [g.govern(municipality, month) for g in governing]
                self.cells[municipality, month] = [(g.ruleset(), g.ruleset(True)) for g in governed]
        self._typed: dict[tuple[int, str], Typed] = {}
        self._used: dict[tuple[int, str, YearMonth], set[tuple[str, str]]] = {}

    def scope(self, test: _Test) -> Scope:
        """The municipality-months whose rule set passes ``test`` in either version, in force or
        once a pending approval is in."""
        cells: set[Cell] = set()
        pending: set[Cell] = set()
        for cell, per_library in self.cells.items():
            month = cell[1]
            in_force = any(
                r is not None and test(r, i, month) for i, (r, _) in enumerate(per_library)
            )
            approved = any(
                r is not None and test(r, i, month) for i, (_, r) in enumerate(per_library)
            )
            if in_force or approved:
                cells.add(cell)
            if approved and not in_force:
                pending.add(cell)
        return Scope(frozenset(cells), frozenset(pending), known=bool(self.cells))

    def document(self, *versions: Document) -> Scope:
        """Where a document takes part in billing: as a layer, or through its figures."""
        doc_id = versions[0].id
        if all(isinstance(v, ParameterSet) for v in versions):
            names = {n for v in versions if isinstance(v, ParameterSet) for n in v.parameters}
            return self.scope(lambda r, i, m: any(n in names for n, _ in self.used(r, i, m)))
        return self.scope(lambda r, i, m: doc_id in {layer.id for layer in r.layers})

    def scope_of(self, versions: tuple[Document, Document], path: KeyPath) -> Scope:
        """Where a change at ``path`` of a document (old and new version) can move money: a rule
        where the rule set takes that rule from this document, the counting where the document
        is the base, a figure where the rules look it up and this document supplies it, anything
        else (validity, parties, approvals, …) wherever the document takes part."""
        doc_id, head = versions[1].id, path[0]
        if head == "rules" and len(path) >= 2:
            name = path[1]
            return self.scope(lambda r, i, m: _rule_from(r.rules.get(name), doc_id))
        if head == "counting":
            return self.scope(lambda r, i, m: r.base.id == doc_id and r.counting is not None)
        if head == "parameters" and len(path) >= 4 and path[2] == "values":
            name, key = path[1], path[3]
            return self.scope(lambda r, i, m: self._figure(r, i, m, name, key, doc_id))
        if head == "parameters":
            name = path[1]
            return self.scope(lambda r, i, m: any(n == name for n, _ in self.used(r, i, m)))
        return self.document(*versions)

    def used(self, ruleset: RuleSet, index: int, month: YearMonth) -> set[tuple[str, str]]:
        """The figures a month's rules look up (probed, cached)."""
        key = (index, ruleset.name, month)
        if key not in self._used:
            library = self.libraries[index]
            typed = self._typed.get((index, ruleset.name))
            if typed is None:
                typed = self._typed[index, ruleset.name] = type_rules(ruleset, library.parameters)
            self._used[key] = figures_used(ruleset, typed, month, library)
        return self._used[key]

    def _figure(
        self, ruleset: RuleSet, index: int, month: YearMonth, name: str, key: str, doc_id: str
    ) -> bool:
        if (name, key) not in self.used(ruleset, index, month):
            return False
        series = self.libraries[index].parameters.get(name)
        figure = series.figures.get(key) if series else None
        return figure is not None and figure.document == doc_id

    def relying_on(self, assumption: str) -> tuple[str, ...]:
        """The rules, in either version, that name an assumption under ``assumes``."""
        found: dict[str, None] = {}
        for library in self.libraries:
            for document in library.documents:
                for label, rule in _all_rules(document):
                    if any(a == assumption for a, _ in rule.assumes):
                        found[f"{document.id} {label}"] = None
        return tuple(sorted(found))


def _rule_from(rule: Rule | None, doc_id: str) -> bool:
    return rule is not None and rule.document == doc_id


def _all_rules(document: Document) -> Iterable[tuple[str, Rule]]:
    """Every rule of a document, named as the diff names it."""
    if isinstance(document, Agreement | Statute) and document.counting is not None:
        counting = document.counting
        yield "counting month", counting.month
        yield from ((f"episode rule {n}", r) for n, r in counting.rules.items())
        yield from ((f"aggregate {n}", r) for n, r in counting.aggregates.items())
    if isinstance(document, Agreement | Extension | Routine | Statute):
        yield from ((f"rule {n}", r) for n, r in document.rules.items())


def scope_groups(
    scope: Scope, everyone: Sequence[str]
) -> list[tuple[tuple[YearMonth, ...], tuple[str, ...], bool]]:
    """A scope as groups of (months, the municipalities with exactly those months, whether only
    once approved), in the order of the municipalities."""
    groups: dict[tuple[tuple[YearMonth, ...], bool], list[str]] = {}
    for pending in (False, True):
        for municipality in everyone:
            months = tuple(
                sorted(
                    m
                    for (p, m) in scope.cells
                    if p == municipality and ((p, m) in scope.once_approved) == pending
                )
            )
            if months:
                groups.setdefault((months, pending), []).append(municipality)
    return [(months, tuple(who), pending) for (months, pending), who in groups.items()]


# -- billing both versions -------------------------------------------------------------------------


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
        with localcontext(EXACT_SUMS):
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
        with localcontext(EXACT_SUMS):
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
    if is_episode_file(data):
        # Each version counts episodes by its own rules, both in the pass that checks the file.
        versions = [Billing(v, months, municipalities, assume_approved) for v in (old, new)]

        def both(found: list[EpisodeData]) -> tuple[InvoiceBasis, InvoiceBasis]:
            by_old, by_new = found
            return (
                bill(old, by_old, months, municipalities, assume_approved=assume_approved),
                bill(new, by_new, months, municipalities, assume_approved=assume_approved),
            )

        (before, after), _, warnings = read_episode_data(data, versions, everyone, both)
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
