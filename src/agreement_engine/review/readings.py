"""``check`` for the readings of assumptions: every alternative checked as strictly as the
rules' own reading.

First the shape of each reading: an id given once, rules that implement it or the reason it has
none, changes to documents that exist and have such parts, rules added that some rule uses.
Then each alternative that has rules is chosen alone (:mod:`.agreements.readings`) and the
library it gives is checked where the alternative changes it: the formulas of every rule set a
changed document takes part in (types, units, names), divisions that can be by zero, and the
timeline and the validities (for errors alone, as ``evaluate`` checks, only where an
alternative moves a validity or a figure). A problem the rules' own
reading has already is not said again; a new one says which reading it was found under.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from agreement_engine.agreements.documents import (
    Agreement,
    Alternative,
    Assumption,
    Change,
    Document,
    ParameterSet,
    Statute,
)
from agreement_engine.agreements.library import Library
from agreement_engine.agreements.readings import under_readings
from agreement_engine.billing.ruleset import dependencies, type_rules
from agreement_engine.diagnostics import Diagnostic, UsageError, did_you_mean, error, warning
from agreement_engine.frozen import replace
from agreement_engine.review.division import zero_divisors
from agreement_engine.review.formulas import RulePlaces, once, rulesets

Problems = Iterator[Diagnostic]
Checks = Callable[[Library], Iterable[Diagnostic]]
"""The checks of a library's timeline and validities (errors, and warnings if asked)."""


def reading_problems(
    library: Library,
    seen: Iterable[Diagnostic],
    timeline: Checks,
    *,
    warnings: bool = True,
    alternatives: bool = True,
) -> Problems:
    """What is wrong with the readings: their shape, then (with ``alternatives``) what each
    alternative gives that the rules' own reading (whose problems are ``seen``) does not."""
    yield from _shapes(library)
    if not alternatives:
        return
    known = {_identity(p) for p in seen}
    for assumption in library.assumptions.values():
        for alternative in assumption.alternatives:
            if not alternative.implemented or not _fits(library, alternative):
                continue
            label = f"{assumption.id}={alternative.id}"
            for problem in _under(library, assumption, alternative, timeline, warnings):
                identity = _identity(problem)
                if identity not in known:
                    known.add(identity)
                    yield replace(problem, notes=(*problem.notes, f"found under --reading {label}"))


def _under(
    library: Library,
    assumption: Assumption,
    alternative: Alternative,
    timeline: Checks,
    warnings: bool,
) -> Iterable[Diagnostic]:
    """The problems of the library with one alternative chosen, where it changes something."""
    try:
        chosen = under_readings(library, {assumption.id: str(alternative.id)})
    except UsageError:
        return []
    changed = {change.document for change in alternative.changes}
    sets = [r for r in rulesets(chosen) if any(layer.id in changed for layer in r.layers)]
    found = [p for r in sets for p in type_rules(r, chosen.parameters).problems]
    if warnings:
        found += zero_divisors(sets, chosen.parameters)
    if warnings or any(c.validity is not None or c.figures for c in alternative.changes):
        found += timeline(chosen)
    return once(found, RulePlaces(chosen))


def _identity(problem: Diagnostic) -> tuple[object, ...]:
    """Two problems are one when of one kind, at one place (and, for errors, in one message):
    a warning about a figure needed in other months is the same warning."""
    where = problem.location
    place = (where.path, where.line, where.column) if where else None
    return problem.code, place, problem.message if problem.is_error else ""


# -- the shape of each reading --------------------------------------------------------------------


def _shapes(library: Library) -> Problems:
    for document in library.documents:
        for assumption in document.assumptions:
            yield from _assumption_shape(library, document, assumption)


def _assumption_shape(library: Library, document: Document, assumption: Assumption) -> Problems:
    ids = [assumption.default]
    for alternative in assumption.alternatives:
        if alternative.id is None:
            continue
        path = (document.id, "assumptions", assumption.id, "alternatives", alternative.id)
        if alternative.id in ids:
            yield error(
                f"assumption {assumption.id} has two readings named '{alternative.id}'",
                alternative.location,
                hint="give each reading its own id (the rules' own reading is named by 'default')",
                code="duplicate-reading",
                path=path,
            )
        ids.append(alternative.id)
        yield from _implemented(assumption, alternative, path)
        for change in alternative.changes:
            yield from _change_shape(library, assumption, alternative, change, path)


def _implemented(
    assumption: Assumption, alternative: Alternative, path: tuple[str, ...]
) -> Problems:
    label = f"{assumption.id}={alternative.id}"
    if not alternative.implemented and alternative.no_rules is None:
        yield error(
            f"reading {label} has no rules and does not say why",
            alternative.location,
            hint="give the rules (or counting, validity, figures) that implement it, or say "
            "under no_rules why it has none",
            code="reading-without-rules",
            path=path,
        )
    if alternative.implemented and alternative.no_rules is not None:
        yield error(
            f"reading {label} has rules and says why it has none (no_rules)",
            alternative.location,
            hint="keep the rules, or no_rules, not both",
            code="reading-without-rules",
            path=path,
        )


def _change_shape(
    library: Library,
    assumption: Assumption,
    alternative: Alternative,
    change: Change,
    path: tuple[str, ...],
) -> Problems:
    label = f"{assumption.id}={alternative.id}"
    target = library.by_id(change.document)
    if target is None:
        ids = [d.id for d in library.documents]
        yield error(
            f"reading {label} changes '{change.document}', but no loaded file has that id",
            change.location,
            hint=did_you_mean(change.document, ids) or "name a document by its id",
            code="unknown-reference",
            path=(*path, "also"),
        )
        return
    for problem in _misfits(target, change):
        yield error(
            f"reading {label} changes {problem}",
            change.location,
            hint="a reading changes only what a document has: rules of agreements, extensions, "
            "routines and the statute, counting where there is one, figures of parameters files",
            code="reading-misfit",
            path=path,
        )
    yield from _unused(target, label, change, path)


def _misfits(target: Document, change: Change) -> Iterator[str]:
    """What a change changes that its document does not have."""
    kind = target.kind
    if change.rules and isinstance(target, ParameterSet):
        yield f"rules of {target.id}, a parameters file"
    if change.counting_month or change.counting_rules or change.aggregates:
        counting = getattr(target, "counting", None)
        if counting is None:
            yield f"the counting of {target.id}, which has no counting"
    if change.validity is not None and isinstance(target, ParameterSet):
        yield f"the validity of {target.id}, a parameters file"
    for name in change.figures:
        if not isinstance(target, ParameterSet):
            yield f"figures of {target.id}, {_article(kind)} {kind}, not a parameters file"
        elif name not in target.parameters:
            yield f"figure {name} of {target.id}, which has no such parameter"


def _article(kind: str) -> str:
    return "an" if kind[0] in "aeiou" else "a"


def _unused(target: Document, label: str, change: Change, path: tuple[str, ...]) -> Problems:
    """A rule a reading adds (not one it replaces) that no rule or aggregate uses: most often a
    name misspelt."""
    existing = dict(getattr(target, "rules", {}))
    counting = getattr(target, "counting", None)
    if isinstance(target, Agreement | Statute) and counting is not None:
        existing.update(counting.rules)
        existing.update(counting.aggregates)
    rules = {**existing, **change.rules, **change.counting_rules, **change.aggregates}
    used: set[str] = set()
    for rule in rules.values():
        if rule.formula.expr is not None:
            used |= dependencies(rule.formula.expr)
    for _, name, rule in change.rule_parts:
        if name in existing or name in used or name in ("month", "net_amount"):
            continue
        yield warning(
            f"reading {label} adds '{name}' to {target.id}, but no rule uses it",
            rule.location,
            hint=did_you_mean(name, existing) or "use it in a rule, or remove it",
            code="reading-rule-unused",
            path=path,
        )


def _fits(library: Library, alternative: Alternative) -> bool:
    """Whether every change names a loaded document (the shape checks say when not)."""
    return all(library.by_id(change.document) is not None for change in alternative.changes)
