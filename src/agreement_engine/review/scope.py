"""Which municipality-months a change to the agreement files can move money in.

Both versions of the library are laid out month by month with
:class:`.billing.timeline.Governing`: a changed rule reaches the months whose rule set
takes that rule from the changed document, a changed figure the months whose rules look it up, a
changed validity, party or approval every month the document takes part in. Only the timeline
and the rules' types are needed for that, never the data or the billing of lines, so comparing
two files (:mod:`.diff`) does not depend on them; :mod:`.impact` bills the months found here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from agreement_engine.agreements.documents import Document, ParameterSet, Rule
from agreement_engine.agreements.library import Library
from agreement_engine.billing.figures_needed import figures_used
from agreement_engine.billing.ruleset import RuleSet, Typed, type_rules
from agreement_engine.billing.timeline import Governing, agreement_span
from agreement_engine.frozen import frozen
from agreement_engine.months import YearMonth
from agreement_engine.review.canonical import KeyPath, describe, rules_of

Cell = tuple[str, YearMonth]  # a municipality's month


@frozen
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
        """The rules, in either version, that name an assumption under ``assumes`` (the rules
        the files bill by, not those of the readings they declare)."""
        found: dict[str, None] = {}
        for library in self.libraries:
            for document in library.documents:
                for path, rule in rules_of(document):
                    if path[0] == "assumptions":
                        continue
                    if any(a == assumption for a, _ in rule.assumes):
                        found[f"{document.id} {describe(path)[0]}"] = None
        return tuple(sorted(found))


def _rule_from(rule: Rule | None, doc_id: str) -> bool:
    return rule is not None and rule.document == doc_id


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
