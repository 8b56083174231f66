"""Every formula, in every combination of documents that can govern a month.

A rule's formula is type-checked in the rule set it bills in: an agreement or the statute alone,
an agreement with its extension, an agreement with each routine that applies to it. The names a
formula sees, and their types, come from the whole rule set, so a routine's rule is checked over
each agreement it applies to. A rule shared by several rule sets is checked in each, and a problem
is yielded once: a second problem of the same kind (code) in the same rule at the same place is
the same problem, found again, whatever its message says. So the wording is that of the first
rule set it is found in: the base document alone, then with its extension, then with each routine.
The same goes for the warning about a division that can be by zero (:mod:`.division`).

Each problem is said about the rule it is in, as a key path (see :mod:`.canonical`): the
document's id, then ``rules`` and the rule's name, or ``counting`` and the counting rule's.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator

from agreement_engine.agreements.documents import Agreement, Extension, Routine, Statute
from agreement_engine.agreements.library import Library
from agreement_engine.billing.ruleset import RuleSet, compose, type_rules
from agreement_engine.diagnostics import Diagnostic, Location
from agreement_engine.frozen import replace
from agreement_engine.review.canonical import KeyPath, rules_of
from agreement_engine.review.division import zero_divisors

Problems = Iterator[Diagnostic]


def formula_problems(library: Library) -> Problems:
    """What is wrong with the formulas, in each rule set that can govern a month, each once."""
    parameters = library.parameters
    found = (p for r in rulesets(library) for p in type_rules(r, parameters).problems)
    return once(found, RulePlaces(library))


def division_problems(library: Library) -> Problems:
    """Divisions that can be by zero when a month is billed (:mod:`.division`), each once."""
    found = zero_divisors(rulesets(library), library.parameters)
    return once(found, RulePlaces(library))


def once(found: Iterable[Diagnostic], rules: RulePlaces) -> Problems:
    """Each problem with the key path of its rule, the first time it is found."""
    seen: set[tuple[object, ...]] = set()
    for each in found:
        problem = replace(each, path=rules.about(each))
        identity = _identity(problem)
        if identity not in seen:
            seen.add(identity)
            yield problem


def _identity(problem: Diagnostic) -> tuple[object, ...]:
    """What makes two problems one: the same kind of problem, in the same rule, at the same
    place."""
    where = problem.location
    place = (where.path, where.line, where.column, where.length) if where else None
    return problem.code, problem.path, place


def rulesets(library: Library) -> list[RuleSet]:
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


class RulePlaces:
    """Which rule a place in a file belongs to: the last rule whose key comes at or before it.

    The rule checker puts a problem at a rule's key, inside its formula (which follows the key,
    before the next rule's) or at the ``rules`` key itself (no rule ``net_amount``), so the keys
    of the rules and of ``rules``, in file order, tell every problem's rule.
    """

    def __init__(self, library: Library) -> None:
        self._files: dict[str, tuple[str, list[tuple[tuple[int, int], KeyPath]]]] = {}
        for doc in library.documents:
            if not isinstance(doc, Agreement | Extension | Routine | Statute):
                continue
            keys: list[tuple[Location, KeyPath]] = [
                (doc.yaml.locate(("rules",), key=True), ("rules",))
            ]
            keys += [(rule.location, path) for path, rule in rules_of(doc)]
            places = sorted(((where.line, where.column), path) for where, path in keys)
            self._files.setdefault(doc.path, (doc.id, places))

    def about(self, problem: Diagnostic) -> tuple[str, ...]:
        """The key path of the rule the problem is in: the document's id, then the rule's."""
        where = problem.location
        if where is None or where.path not in self._files:
            return problem.path
        doc_id, places = self._files[where.path]
        index = bisect_right(places, (where.line, where.column), key=lambda p: p[0]) - 1
        return (doc_id, *places[index][1]) if index >= 0 else (doc_id,)
