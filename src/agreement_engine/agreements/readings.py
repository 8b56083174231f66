"""A library under chosen readings: each document as the chosen alternatives would have it.

Every assumption names the reading its rules follow (``default``) and the alternatives not
taken, each with the changes that implement it (:class:`.Change`). Choosing readings
(``--reading benchmark-2024=2021-average``) gives a new :class:`.Library` whose documents carry
those changes: a rule replaced or added, a part of the counting, a validity, figures. Nothing
else differs, so billing, the timeline and ``check`` work on it as on any library, and every
result says which readings it was computed under (:attr:`.Library.readings`).

Two readings chosen together may change the same part of a document. The reading of an
assumption the document itself declares wins (``benchmark-2025-keeps-2024``, declared by the
2025 agreement, decides its benchmark over ``benchmark-2024``, carried from 2022); any other
clash is wrong usage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from agreement_engine.agreements.documents import (
    Agreement,
    Alternative,
    Assumption,
    Change,
    Document,
    Extension,
    ParameterSet,
    Routine,
    Statute,
)
from agreement_engine.agreements.library import Library
from agreement_engine.diagnostics import UsageError, did_you_mean
from agreement_engine.frozen import replace

Chosen = Mapping[str, str]
"""Readings chosen: an alternative's id by its assumption's id."""


def chosen_readings(library: Library, chosen: Chosen) -> dict[str, Alternative]:
    """The alternatives chosen, by assumption id; the default reading chosen by name changes
    nothing and is left out. Wrong usage (:class:`UsageError`, with a did-you-mean) for an
    assumption or alternative that does not exist, or one that has no rules to bill by."""
    found: dict[str, Alternative] = {}
    for assumption_id, alternative_id in chosen.items():
        assumption = library.assumptions.get(assumption_id)
        if assumption is None:
            raise UsageError(_unknown_assumption(library, assumption_id))
        if alternative_id == assumption.default:
            continue
        alternative = assumption.alternative(alternative_id)
        if alternative is None:
            raise UsageError(_unknown_alternative(assumption, alternative_id))
        if not alternative.implemented:
            why = alternative.no_rules or "it has no rules"
            raise UsageError(
                f"--reading {assumption_id}={alternative_id} cannot be billed: {why}\n"
                f"hint: {_implemented_words(assumption)}"
            )
        found[assumption_id] = alternative
    return found


def under_readings(library: Library, chosen: Chosen) -> Library:
    """The library with the chosen readings' changes in its documents (see the module)."""
    alternatives = chosen_readings(library, chosen)
    if not alternatives:
        return library
    by_document = _changes(library, alternatives)
    documents = tuple(_changed(d, by_document.get(d.id, ())) for d in library.documents)
    readings = tuple((a, str(alt.id)) for a, alt in alternatives.items())
    return Library(documents, library.skipped, readings=readings, bundled=library.as_written)


def _changes(library: Library, chosen: Mapping[str, Alternative]) -> dict[str, list[Change]]:
    """The changes to each document, in the order chosen; a part changed twice goes to the
    reading declared by the document itself, else is wrong usage."""
    owner: dict[tuple[str, str, str], str] = {}
    changes: dict[str, list[Change]] = {}
    for assumption_id, alternative in chosen.items():
        declared_by = library.assumptions[assumption_id].document
        for change in alternative.changes:
            for part in _parts(change):
                key = (change.document, *part)
                other = owner.get(key)
                if other is None:
                    owner[key] = assumption_id
                    continue
                theirs = library.assumptions[other].document == change.document
                mine = declared_by == change.document
                if theirs == mine:
                    raise UsageError(_clash(key, other, assumption_id, chosen))
                if mine:
                    owner[key] = assumption_id
            changes.setdefault(change.document, []).append(change)
    return {
        doc: [_only(c, owner, library, chosen) for c in found] for doc, found in changes.items()
    }


def _only(
    change: Change,
    owner: Mapping[tuple[str, str, str], str],
    library: Library,
    chosen: Mapping[str, Alternative],
) -> Change:
    """The change without the parts another chosen reading owns."""
    mine = next(a for a, alt in chosen.items() if change in alt.changes)

    def kept(part: str, name: str) -> bool:
        return owner.get((change.document, part, name), mine) == mine

    return replace(
        change,
        rules={n: r for n, r in change.rules.items() if kept("rules", n)},
        counting_month=change.counting_month if kept("counting", "month") else None,
        counting_rules={n: r for n, r in change.counting_rules.items() if kept("counting", n)},
        aggregates={n: r for n, r in change.aggregates.items() if kept("aggregates", n)},
        validity=change.validity if kept("validity", "") else None,
        figures={
            p: {k: f for k, f in figures.items() if kept(p, k)}
            for p, figures in change.figures.items()
        },
    )


def _parts(change: Change) -> Iterable[tuple[str, str]]:
    """What a change changes, each as (part, name)."""
    yield from ((part, name) for part, name, _ in change.rule_parts)
    if change.validity is not None:
        yield ("validity", "")
    for parameter, figures in change.figures.items():
        yield from ((parameter, key) for key in figures)


def _changed(document: Document, changes: Iterable[Change]) -> Document:
    """A document with changes made (each applies only where the document has such parts:
    ``check`` reports a change that does not fit its document)."""
    for change in changes:
        document = _change(document, change)
    return document


def _change(document: Document, change: Change) -> Document:
    if isinstance(document, ParameterSet):
        parameters = dict(document.parameters)
        for name, figures in change.figures.items():
            if name in parameters:
                series = parameters[name]
                parameters[name] = replace(series, figures={**series.figures, **figures})
        return replace(document, parameters=parameters)
    if not isinstance(document, Agreement | Extension | Routine | Statute):
        return document
    rules = {**document.rules, **change.rules}
    validity = change.validity or document.validity
    if isinstance(document, Agreement | Statute) and document.counting is not None:
        counting = document.counting
        counting = replace(
            counting,
            month=change.counting_month or counting.month,
            rules={**counting.rules, **change.counting_rules},
            aggregates={**counting.aggregates, **change.aggregates},
        )
        return replace(document, rules=rules, validity=validity, counting=counting)
    return replace(document, rules=rules, validity=validity)


# -- words ----------------------------------------------------------------------------------------


def _unknown_assumption(library: Library, name: str) -> str:
    switchable = sorted(a.id for a in library.assumptions.values() if _implemented(a))
    hint = did_you_mean(name, list(library.assumptions)) or (
        "the assumptions with readings to choose are: " + ", ".join(switchable)
        if switchable
        else "no loaded assumption has alternatives to choose"
    )
    return f"--reading names no assumption '{name}'\nhint: {hint}"


def _unknown_alternative(assumption: Assumption, name: str) -> str:
    hint = did_you_mean(name, list(assumption.choices)) or _implemented_words(assumption)
    return f"assumption {assumption.id} has no reading '{name}'\nhint: {hint}"


def _implemented(assumption: Assumption) -> bool:
    return any(a.implemented for a in assumption.alternatives)


def _implemented_words(assumption: Assumption) -> str:
    ids = [f"{a.id}" for a in assumption.alternatives if a.implemented]
    listed = f"{assumption.default} (the rules' own)" + "".join(f", {i}" for i in ids)
    return f"the readings of {assumption.id} that can be billed are: {listed}"


def _clash(
    key: tuple[str, str, str], first: str, second: str, chosen: Mapping[str, Alternative]
) -> str:
    document, part, name = key
    what = {"rules": "rule", "counting": "counting rule", "aggregates": "aggregate"}.get(
        part, "figure " + part if name else part
    )
    shown = f"{what} {name}".strip()
    return (
        f"--reading {first}={chosen[first].id} and --reading {second}={chosen[second].id} "
        f"both change {document} {shown}\nhint: choose one of them"
    )
