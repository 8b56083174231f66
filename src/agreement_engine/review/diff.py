"""What changed in meaning between two versions of the agreement files.

Each document is first brought to a canonical form (:func:`canonical`): a flat mapping from a key
path such as ``("rules", "benchmark", "formula")`` to a canonical value. Formulas are parsed and
printed back in one spelling, prose has its line breaks and runs of spaces folded, numbers lose
trailing zeros, and lists whose order carries no meaning (municipalities, ``assumes``,
citations, …) become sets. Two files that differ only in layout, quoting, key order or the
wrapping of a formula have the same canonical form, so the diff of the canonical forms is what
changed in meaning.

Documents are matched by id. Each change is classified by what it can touch: nothing billed
(titles, notes, citations, provisions, descriptions, assumption readings), or money in the months
where the changed part bills — found with :class:`.billing.timeline.Governing` over both versions
of the library, rule by rule and figure by figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from agreement_engine.agreements.documents import Document
from agreement_engine.agreements.library import Library
from agreement_engine.formula import FormulaError, parse, unparse
from agreement_engine.formula import ast as fa
from agreement_engine.review.impact import Cell, Scope, Versions

KeyPath = tuple[str, ...]
Leaf = str | tuple[str, ...]  # a tuple is a set of values, sorted

# Text whose line breaks and runs of spaces are layout, not meaning.
_PROSE = frozenset({"title", "notes", "reading", "description", "text", "quote", "section", "note"})
_FOLDED = _PROSE | {"reference", "decision", "alternatives"}
# Lists whose order carries no meaning.
_SETS = frozenset({"municipalities", "applies_to", "assumes", "alternatives"})
_CITES = frozenset({"cite", "evidence"})
# Parts of a document that appear or disappear whole: (pattern, where None matches any key).
_ENTITIES: tuple[tuple[str | None, ...], ...] = (
    ("rules", None),
    ("assumptions", None),
    ("sources", None),
    ("provisions", None),
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
    "extendable",
    "sources",
    "notes",
)


class Style(StrEnum):
    """How a value is best shown: inline, as marked text, as a marked formula, or as a set."""

    VALUE = "value"
    PROSE = "prose"
    FORMULA = "formula"
    SET = "set"


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


# -- the canonical form ---------------------------------------------------------------------------


def canonical(document: Document) -> dict[KeyPath, Leaf]:
    """The document's meaning as flat key paths and canonical values (empty values left out)."""
    out: dict[KeyPath, Leaf] = {}
    data = document.yaml.data
    assert isinstance(data, dict)
    for key, value in data.items():
        _walk(value, (key,), out)
    return {path: leaf for path, leaf in out.items() if leaf not in ("", ())}


def canonical_formula(text: str) -> str:
    """A formula in the one spelling that :func:`~agreement_engine.formula.unparse` gives.

    Numbers lose trailing zeros (``0.10`` is ``0.1``) and ``day`` is written ``days``, so equal
    formulas print equal. A formula that does not parse is kept as written, spaces folded.
    """
    try:
        return unparse(_normal(parse(text)))
    except FormulaError:
        return _fold(text)


def style_of(path: KeyPath) -> Style:
    key = path[-1] if path else ""
    if key == "formula":
        return Style.FORMULA
    if key in _CITES or key in _SETS:
        return Style.SET
    return Style.PROSE if key in _PROSE else Style.VALUE


def _walk(node: Any, path: KeyPath, out: dict[KeyPath, Leaf]) -> None:
    key = path[-1]
    if _is_rule(path):
        entry = node if isinstance(node, dict) else {"formula": node}
        for name, value in entry.items():
            if name == "formula":
                out[(*path, name)] = canonical_formula(str(value))
            else:
                _walk(value, (*path, name), out)
    elif _is_name(path):  # a source, parameter, party or year, whatever it is called
        _walk_mapping(node, path, out)
    elif key in _CITES:
        out[path] = _citations(node)
    elif key in _SETS:
        out[path] = tuple(sorted({_scalar(key, v) for v in node}))
    elif path == ("assumptions",):
        for item in node:
            fields = {k: v for k, v in item.items() if k != "id"}
            _walk_mapping(fields, (*path, item["id"]), out)
    elif path == ("extendable",) and isinstance(node, str):
        out[(*path, "text")] = _fold(node)
    elif isinstance(node, list):
        for index, value in enumerate(node, start=1):
            _walk_mapping(value, (*path, str(index)), out)
    elif isinstance(node, dict):
        _walk_mapping(node, path, out)
    else:
        out[path] = _scalar(key, node)


def _walk_mapping(node: Any, path: KeyPath, out: dict[KeyPath, Leaf]) -> None:
    if isinstance(node, dict):
        for name, value in node.items():
            _walk(value, (*path, str(name)), out)
    else:
        out[path] = _scalar(path[-1], node)


def _is_name(path: KeyPath) -> bool:
    """Whether the last key is a name chosen by the file's author, not a key of the format."""
    parent = path[:-1]
    return parent in (("sources",), ("parameters",), ("approval", "by")) or (
        len(parent) == 3 and parent[0] == "parameters" and parent[2] == "values"
    )


def _is_rule(path: KeyPath) -> bool:
    return (
        (len(path) == 2 and path[0] == "rules")
        or path == ("counting", "month")
        or (len(path) == 3 and path[:2] in (("counting", "rules"), ("counting", "aggregates")))
    )


def _scalar(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if key == "value" or isinstance(value, Decimal):
        return format(_decimal(Decimal(str(value))), "f")
    text = "" if value is None else str(value)
    return _fold(text) if key in _FOLDED else text


def _citations(node: Any) -> tuple[str, ...]:
    items = node if isinstance(node, list) else [node]
    return tuple(sorted({_citation(item) for item in items if isinstance(item, dict)}))


def _citation(item: Mapping[str, Any]) -> str:
    parts = [str(item["source"])]
    if item.get("section"):
        parts.append(f'section "{_fold(str(item["section"]))}"')
    if item.get("quote"):
        parts.append(f'quote "{_fold(str(item["quote"]))}"')
    return ", ".join(parts)


def _fold(text: str) -> str:
    return " ".join(text.split())


def _decimal(value: Decimal) -> Decimal:
    """The same number without trailing zeros, and never in exponent form (``1E+1``)."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    return normal.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else normal


def _normal(node: fa.Expr) -> fa.Expr:
    """The same tree with numbers and units in one spelling."""
    match node:
        case fa.Number(value=value, unit=unit):
            return replace(node, value=_decimal(value), unit="days" if unit == "day" else unit)
        case fa.Lookup(key=key):
            return replace(node, key=_normal(key))
        case fa.Call(args=args):
            return replace(node, args=tuple(_normal(a) for a in args))
        case fa.Unary(operand=operand):
            return replace(node, operand=_normal(operand))
        case fa.Binary(left=left, right=right):
            return replace(node, left=_normal(left), right=_normal(right))
        case fa.Conditional(condition=c, then=t, otherwise=o):
            return replace(node, condition=_normal(c), then=_normal(t), otherwise=_normal(o))
    return node


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
    before, after = canonical(old), canonical(new)
    changes: list[Change] = []
    whole: list[KeyPath] = []  # parts present on one side only, reported as one change each
    for entity in _entities(before, after):
        if any(entity[: len(w)] == w for w in whole):
            continue
        was, now = _under(before, entity), _under(after, entity)
        if not (was and now):
            whole.append(entity)
            summaries = (_summary(entity, was), _summary(entity, now))
            changes.append(_change((old, new), entity, *summaries, versions))
    for path in sorted(set(before) | set(after)):
        if before.get(path) == after.get(path) or any(path[: len(w)] == w for w in whole):
            continue
        changes.append(_change((old, new), path, before.get(path), after.get(path), versions))
    changes.sort(key=_order)
    return changes


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


def _under(facts: Mapping[KeyPath, Leaf], prefix: KeyPath) -> dict[KeyPath, Leaf]:
    return {p[len(prefix) :]: v for p, v in facts.items() if p[: len(prefix)] == prefix}


def _summary(entity: KeyPath, facts: Mapping[KeyPath, Leaf]) -> str | None:
    """A whole part in one line: a rule's formula, a figure's value and status, …"""
    if not facts:
        return None
    if entity[-2:-1] == ("values",) and len(entity) == 4:
        status = str(facts.get(("status",), ""))
        value = facts.get(("value",))
        return f"{value} ({status})" if value is not None else status
    for key in ("formula", "reading", "status", "title", "text"):
        if (key,) in facts:
            return str(facts[(key,)])
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
    versions: Versions,
) -> Change:
    subject, aspect = describe(path)
    scope = versions.scope_of(pair, path) if _moves_money(path) else None
    relied = versions.relying_on(path[1]) if path[0] == "assumptions" else ()
    style = Style.VALUE if _is_entity(path) else style_of(path)
    return Change(pair[1].id, path, subject, aspect, before, after, style, scope, relied)


def _is_entity(path: KeyPath) -> bool:
    return any(
        len(path) == len(p) and all(x is None or x == k for x, k in zip(p, path, strict=True))
        for p in _ENTITIES
    )


def describe(path: KeyPath) -> tuple[str, str]:
    """The subject a key path is about, and the aspect of it that changed, in plain words."""
    head, rest = path[0], path[1:]
    aspects = {"cite": "citation", "evidence": "evidence"}

    def aspect(keys: KeyPath) -> str:
        return " ".join(aspects.get(k, k) for k in keys)

    if head == "rules":
        return f"rule {rest[0]}", aspect(rest[1:])
    if head == "counting":
        if rest[0] == "month":
            return "counting month", aspect(rest[1:])
        noun = "episode rule" if rest[0] == "rules" else "aggregate"
        return f"{noun} {rest[1]}", aspect(rest[2:])
    if head == "parameters" and len(rest) >= 3 and rest[1] == "values":
        return f"figure {rest[0]} {rest[2]}", aspect(rest[3:]).replace("citation", "source")
    if head == "approval" and rest[:1] == ("by",) and len(rest) >= 2:
        return f"approval by {rest[1]}", aspect(rest[2:])
    singular = {
        "parameters": "parameter",
        "assumptions": "assumption",
        "sources": "source",
        "provisions": "provision",
    }
    if head in singular and rest:
        return f"{singular[head]} {rest[0]}", aspect(rest[1:])
    return head.replace("_", " "), aspect(rest)


def _moves_money(path: KeyPath) -> bool:
    """Whether a change at this path can change what is billed (amounts, or whether a line is
    final): dates, parties, approvals, formulas, figures. Words never can."""
    head, last = path[0], path[-1]
    if head in ("kind", "format", "extends", "applies_to", "illustrative", "parties"):
        return True
    if head == "validity":
        return last in ("from", "until")
    if head == "approval":
        return last in ("required", "status") or (len(path) == 3 and path[1] == "by")
    if head in ("rules", "counting"):
        return last == "formula" or _is_entity(path)
    if head == "parameters":
        return last in ("value", "status", "unit", "period") or _is_entity(path)
    return False
