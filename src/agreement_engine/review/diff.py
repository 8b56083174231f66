"""What changed in meaning between two versions of the agreement files.

Each document is brought to its canonical form (:mod:`.canonical`): every fact it states, under
a key path such as ``("rules", "benchmark", "formula")``, in one spelling. The diff of the
canonical forms is what changed in meaning; layout, quoting, key order and the wrapping of a
formula are not.

Documents are matched by id. Each change is classified by what it can touch: nothing billed
(titles, notes, citations, provisions, descriptions, assumption readings), or money in the months
where the changed part bills (:mod:`.scope`, from the timeline of both versions, rule by rule and
figure by figure). Nothing here reads data or bills a line: that is :mod:`.impact`'s work.
"""

from __future__ import annotations

from collections.abc import Mapping

from agreement_engine.agreements.documents import Document
from agreement_engine.agreements.library import Library
from agreement_engine.frozen import field, frozen
from agreement_engine.review.canonical import Fact, KeyPath, Leaf, Style, describe, facts
from agreement_engine.review.scope import Cell, Scope, Versions

# Parts of a document that appear or disappear whole: (pattern, where None matches any key).
_ENTITIES: tuple[tuple[str | None, ...], ...] = (
    ("rules", None),
    ("assumptions", None),
    ("sources", None),
    ("provisions", None),
    ("caveats", None),
    ("parameters", None),
    ("counting", "rules", None),
    ("counting", "aggregates", None),
    ("approval", "by", None),
    ("parameters", None, "values", None),
)
# The order changes are listed in: what can move money first.
_SECTIONS = (
    "kind",
    "format",
    "extends",
    "applies_to",
    "validity",
    "parties",
    "approval",
    "illustrative",
    "parameters",
    "counting",
    "rules",
    "assumptions",
    "title",
    "provisions",
    "caveats",
    "extendable",
    "sources",
    "notes",
)


@frozen
class Change:
    """One change in meaning: what it is, before and after, and what it can touch."""

    document: str
    path: KeyPath
    subject: str  # "rule benchmark", "figure national_day_cost 2024", "validity"
    aspect: str  # "formula", "value", "until"; empty when the subject itself changed
    before: Leaf | None  # None: added
    after: Leaf | None  # None: removed
    style: Style
    scope: Scope | None  # None: no effect on money
    relied_on_by: tuple[str, ...] = ()  # for assumptions: the rules that rely on them

    @property
    def action(self) -> str:
        return "added" if self.before is None else "removed" if self.after is None else "changed"

    @property
    def touches_money(self) -> bool:
        return self.scope is not None


@frozen
class DocumentDiff:
    """The changes in one document, matched by id across the two versions."""

    id: str
    kind: str
    title: str
    old_path: str | None  # None: the document was added
    new_path: str | None  # None: the document was removed
    changes: tuple[Change, ...]

    @property
    def status(self) -> str:
        if self.old_path is None:
            return "added"
        return "removed" if self.new_path is None else "changed"


@frozen
class Diff:
    """Every change in meaning between two versions, and the files that changed only in form."""

    old: str
    new: str
    documents: tuple[DocumentDiff, ...]
    reformatted: tuple[str, ...]  # paths of files whose text changed but not their meaning
    everyone: tuple[str, ...] = field(default=())  # every municipality, in the libraries' order

    @property
    def changes(self) -> list[Change]:
        return [c for d in self.documents for c in d.changes]

    @property
    def changed(self) -> bool:
        return bool(self.documents)

    @property
    def cells(self) -> frozenset[Cell]:
        """Every municipality-month that some change can move money in."""
        return frozenset(cell for c in self.changes if c.scope for cell in c.scope.cells)


# -- comparing ------------------------------------------------------------------------------------


def compare(
    old: Library,
    new: Library,
    *,
    context: Library | None = None,
    old_label: str = "old",
    new_label: str = "new",
) -> Diff:
    """Every change in meaning from ``old`` to ``new``, each classified by what it can touch.

    ``context`` holds documents that belong to both versions (the rest of the library: the
    national figures, the statute, …); a document named by either side replaces its copy there.
    It is used only to tell which months and parties a change can touch.
    """
    versions = Versions(*in_context(old, new, context))
    before = {d.id: d for d in old.documents}
    after = {d.id: d for d in new.documents}
    diffs: list[DocumentDiff] = []
    reformatted: list[str] = []
    for doc_id in [*before, *(i for i in after if i not in before)]:
        diff = _document_diff(before.get(doc_id), after.get(doc_id), versions)
        if diff is not None:
            diffs.append(diff)
        elif before[doc_id].yaml.text != after[doc_id].yaml.text:
            reformatted.append(after[doc_id].path)
    diffs.sort(key=lambda d: d.new_path or d.old_path or "")
    return Diff(old_label, new_label, tuple(diffs), tuple(reformatted), versions.everyone)


def in_context(old: Library, new: Library, context: Library | None) -> tuple[Library, Library]:
    """Both versions completed by the documents of ``context`` that neither side names."""
    named = {d.id for d in (*old.documents, *new.documents)}
    kept = tuple(d for d in (context.documents if context else ()) if d.id not in named)
    return Library(kept + old.documents), Library(kept + new.documents)


def _document_diff(
    old: Document | None, new: Document | None, versions: Versions
) -> DocumentDiff | None:
    either = new or old
    assert either is not None
    if old is None or new is None:
        change = Change(
            either.id,
            (),
            either.kind,
            "",
            None if old is None else old.title,
            None if new is None else new.title,
            Style.VALUE,
            versions.document(either),
        )
        changes: tuple[Change, ...] = (change,)
    else:
        changes = tuple(_changes(old, new, versions))
        if not changes:
            return None
    return DocumentDiff(
        either.id,
        either.kind,
        either.title,
        old.path if old else None,
        new.path if new else None,
        changes,
    )


def _changes(old: Document, new: Document, versions: Versions) -> list[Change]:
    stated = facts(old), facts(new)
    before, after = (_values(side) for side in stated)
    changes: list[Change] = []
    whole: list[KeyPath] = []  # parts present on one side only, reported as one change each
    for entity in _entities(before, after):
        if any(entity[: len(w)] == w for w in whole):
            continue
        was, now = _under(before, entity), _under(after, entity)
        if not (was and now):
            whole.append(entity)
            summaries = (_summary(entity, was), _summary(entity, now))
            changes.append(_change((old, new), entity, *summaries, Style.VALUE, versions))
    for path in sorted(set(before) | set(after)):
        if before.get(path) == after.get(path) or any(path[: len(w)] == w for w in whole):
            continue
        style = _style(path, *stated)
        change = _change((old, new), path, before.get(path), after.get(path), style, versions)
        changes.append(change)
    changes.sort(key=_order)
    return changes


def _values(stated: Mapping[KeyPath, Fact]) -> dict[KeyPath, Leaf]:
    return {path: fact.value for path, fact in stated.items()}


def _style(path: KeyPath, *sides: Mapping[KeyPath, Fact]) -> Style:
    """How the value at a path is shown: as the documents state it (alike on either side)."""
    return next(side[path].style for side in sides if path in side)


def _entities(*sides: Mapping[KeyPath, Leaf]) -> list[KeyPath]:
    """Every whole part (a rule, a figure, an assumption, …) present on either side."""
    found: dict[KeyPath, None] = {}
    for side in sides:
        for path in side:
            for pattern in _ENTITIES:
                if len(path) > len(pattern) and all(
                    p is None or p == k for p, k in zip(pattern, path, strict=False)
                ):
                    found[path[: len(pattern)]] = None
    return sorted(found, key=lambda e: (len(e), e))


def _under(side: Mapping[KeyPath, Leaf], prefix: KeyPath) -> dict[KeyPath, Leaf]:
    return {p[len(prefix) :]: v for p, v in side.items() if p[: len(prefix)] == prefix}


def _summary(entity: KeyPath, part: Mapping[KeyPath, Leaf]) -> str | None:
    """A whole part in one line: a rule's formula, a figure's value and status, …"""
    if not part:
        return None
    if entity[-2:-1] == ("values",) and len(entity) == 4:
        status = str(part.get(("status",), ""))
        value = part.get(("value",))
        return f"{value} ({status})" if value is not None else status
    for key in ("formula", "reading", "status", "title", "text"):
        if (key,) in part:
            return str(part[(key,)])
    return ""


def _order(change: Change) -> tuple[int, KeyPath, bool, KeyPath]:
    """By section (what can move money first), then by subject, money first within it."""
    head = change.path[0] if change.path else ""
    rank = _SECTIONS.index(head) if head in _SECTIONS else len(_SECTIONS)
    subject = change.path if _is_entity(change.path) else change.path[:-1]
    return rank, subject, not change.touches_money, change.path


def _change(
    pair: tuple[Document, Document],
    path: KeyPath,
    before: Leaf | None,
    after: Leaf | None,
    style: Style,
    versions: Versions,
) -> Change:
    subject, aspect = describe(path)
    scope = versions.scope_of(pair, path) if _moves_money(path) else None
    relied = versions.relying_on(path[1]) if path[0] == "assumptions" else ()
    return Change(pair[1].id, path, subject, aspect, before, after, style, scope, relied)


def _is_entity(path: KeyPath) -> bool:
    return any(
        len(path) == len(p) and all(x is None or x == k for x, k in zip(p, path, strict=True))
        for p in _ENTITIES
    )


def _moves_money(path: KeyPath) -> bool:
    """Whether a change at this path can change what is billed (amounts, or whether a line is
    final): dates, parties, approvals, formulas, figures. Words never can."""
    head, last = path[0], path[-1]
    if head in ("kind", "format", "extends", "applies_to", "illustrative", "parties"):
        return True
    if head == "validity":
        return last in ("from", "until")
    if head == "approval":  # an approval inferred makes the lines resting on it provisional
        return last in ("required", "status", "inferred") or (len(path) == 3 and path[1] == "by")
    if head in ("rules", "counting"):
        return last == "formula" or _is_entity(path)
    if head == "parameters":
        return last in ("value", "status", "unit", "period") or _is_entity(path)
    return False
