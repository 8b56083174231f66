"""What a document says, fact by fact, under key paths: its canonical form.

A document's canonical form is a flat mapping from a key path such as
``("rules", "benchmark", "formula")`` to a canonical value. It is read off the typed document
(:mod:`agreement_engine.agreements.documents`), the one model of what an agreement file says,
never off the YAML: formulas are parsed and printed back in one spelling, prose has its line
breaks and runs of spaces folded, numbers lose trailing zeros, and lists whose order carries no
meaning (municipalities, ``assumes``, citations, …) become sets. Two files that differ only in
layout, quoting, key order or the wrapping of a formula have the same canonical form.

The key paths name the parts of a document as a reviewer finds them in the file: a rule by its
name (``rules.benchmark``, ``counting.aggregates.episodes``), an assumption by its id, a figure by
its parameter and key (``parameters.national_day_cost.values.2024``), an approval by its party, a
provision by its number (from 1). ``diff`` reports changes under them, ``diff --textconv`` prints
them, and ``check`` says what a problem is about with the document's id followed by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from enum import StrEnum

from agreement_engine.agreements.documents import (
    BUNDLED,
    Agreement,
    Alternative,
    Approval,
    ApprovalTerms,
    Assumption,
    Change,
    Citation,
    Document,
    Extension,
    Figure,
    ParameterSeries,
    ParameterSet,
    Passage,
    Routine,
    Rule,
    Source,
    Statute,
    Validity,
)
from agreement_engine.formula import FormulaError, parse, unparse
from agreement_engine.formula import ast as fa
from agreement_engine.frozen import frozen, replace

KeyPath = tuple[str, ...]
Leaf = str | tuple[str, ...]  # a tuple is a set of values, sorted


class Style(StrEnum):
    """How a value is best shown: inline, as marked text, as a marked formula, or as a set."""

    VALUE = "value"
    PROSE = "prose"
    FORMULA = "formula"
    SET = "set"


@frozen
class Fact:
    """One thing a document says: its canonical value, how it is best shown, and, for a
    citation, the citations as written."""

    value: Leaf
    style: Style
    cites: tuple[Citation, ...] = ()


def canonical(document: Document) -> dict[KeyPath, Leaf]:
    """The document's meaning as flat key paths and canonical values (empty values left out)."""
    return {path: fact.value for path, fact in facts(document).items()}


def facts(document: Document) -> dict[KeyPath, Fact]:
    """Every fact the document states, by key path (empty values left out)."""
    return {path: fact for path, fact in _document(document) if fact.value not in ("", ())}


def citations(document: Document) -> Iterator[tuple[KeyPath, Citation]]:
    """Every citation of the document, under the key path of the part that cites it."""
    for path, fact in _document(document):
        for cite in fact.cites:
            yield path, cite


def rules_of(document: Document) -> Iterator[tuple[KeyPath, Rule]]:
    """Every rule written in the document under its key path: the counting's first, then the
    rules, then those of its assumptions' readings."""
    if isinstance(document, Agreement | Statute) and document.counting is not None:
        counting = document.counting
        yield ("counting", "month"), counting.month
        yield from ((("counting", "rules", n), r) for n, r in counting.rules.items())
        yield from ((("counting", "aggregates", n), r) for n, r in counting.aggregates.items())
    if isinstance(document, Agreement | Extension | Routine | Statute):
        yield from ((("rules", n), r) for n, r in document.rules.items())
    for assumption in document.assumptions:
        for alternative in assumption.alternatives:
            for change in alternative.changes:
                prefix = change_path(document, assumption, alternative, change)
                for part, name, rule in change.rule_parts:
                    yield (*prefix, *_part_path(part, name)), rule


def _part_path(part: str, name: str) -> KeyPath:
    """Where a rule of a reading's change is, under the change: rules, counting, aggregates."""
    if part == "rules":
        return ("rules", name)
    if part == "aggregates":
        return ("counting", "aggregates", name)
    return ("counting", "month") if name == "month" else ("counting", "rules", name)


def change_path(
    document: Document, assumption: Assumption, alternative: Alternative, change: Change
) -> KeyPath:
    """The key path of what a reading changes in a document: the alternative's, and ``also``
    with the document's id when it changes another document than the one it is written in."""
    path: KeyPath = ("assumptions", assumption.id, "alternatives", str(alternative.id))
    return path if change.document == document.id else (*path, "also", change.document)


def describe(path: KeyPath) -> tuple[str, str]:
    """The part a key path is about, and the aspect of it, in plain words: ``("rules",
    "benchmark", "cite")`` is rule benchmark, citation."""
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
    if head in _SINGULAR and rest:
        return f"{_SINGULAR[head]} {rest[0]}", aspect(rest[1:])
    return head.replace("_", " "), aspect(rest)


_SINGULAR = {
    "parameters": "parameter",
    "assumptions": "assumption",
    "sources": "source",
    "provisions": "provision",
    "caveats": "caveat",
}


def canonical_formula(text: str) -> str:
    """A formula in the one spelling that :func:`~agreement_engine.formula.unparse` gives.

    Numbers lose trailing zeros (``0.10`` is ``0.1``), ``day`` is written ``days`` and ``month``
    (after a number) ``months``, so equal formulas print equal. A formula that does not parse
    is kept as written, spaces folded.
    """
    try:
        return unparse(_normal(parse(text)))
    except FormulaError:
        return _fold(text)


# -- the walk over a document ---------------------------------------------------------------------

_Facts = Iterator[tuple[KeyPath, Fact]]


def _document(doc: Document) -> _Facts:
    """Every fact of the document, empty ones too. Two assumptions with one id (an error
    ``check`` reports) give the same paths: what the later one says wins."""
    yield ("format",), _value(doc.format)
    yield ("kind",), _value(doc.kind)
    yield ("id",), _value(doc.id)
    yield ("title",), _prose(doc.title)
    yield ("notes",), _prose(doc.notes)
    for number, caveat in enumerate(doc.caveats, start=1):
        yield from _passage(("caveats", str(number)), caveat)
    for source in doc.sources.values():
        yield from _source(source)
    for assumption in doc.assumptions:
        yield from _assumption(doc, assumption)
    if isinstance(doc, Agreement):
        yield ("parties", "region"), _value(doc.region)
        yield ("parties", "municipalities"), _members(doc.municipalities)
        if doc.extendable is not None:
            yield from _passage(("extendable",), doc.extendable)
    if isinstance(doc, Extension):
        yield ("extends",), _value(doc.extends)
    if isinstance(doc, Routine):
        yield ("applies_to",), _members(doc.applies_to)
        for number, provision in enumerate(doc.provisions, start=1):
            yield from _passage(("provisions", str(number)), provision)
    if isinstance(doc, Agreement | Extension):
        yield from _approval(doc.approval, doc.approvals)
    if isinstance(doc, Agreement | Extension | Routine | Statute):
        yield from _validity(doc.validity)
    for path, rule in rules_of(doc):
        yield from _rule(path, rule)
    if isinstance(doc, ParameterSet):
        if doc.illustrative:
            yield ("illustrative",), _value("true")
        for series in doc.parameters.values():
            yield from _parameter(series)


def _source(source: Source) -> _Facts:
    path = ("sources", source.id)
    yield (*path, "title"), _prose(source.title)
    yield (*path, "reference"), _folded(source.reference)
    yield (*path, "date"), _value(source.date)
    yield (*path, "file"), _value(source.file)


def _assumption(document: Document, assumption: Assumption) -> _Facts:
    path = ("assumptions", assumption.id)
    yield (*path, "reading"), _prose(assumption.reading)
    yield (*path, "default"), _value(None if assumption.default == BUNDLED else assumption.default)
    listed = [a for a in assumption.alternatives if a.id is None]
    yield (*path, "alternatives"), _members(_fold(a.reading) for a in listed)
    yield (*path, "cite"), _cites(assumption.cites)
    for alternative in assumption.alternatives:
        if alternative.id is not None:
            yield from _alternative(document, assumption, alternative)


def _alternative(document: Document, assumption: Assumption, alternative: Alternative) -> _Facts:
    path = ("assumptions", assumption.id, "alternatives", str(alternative.id))
    yield (*path, "reading"), _prose(alternative.reading)
    yield (*path, "no_rules"), _prose(alternative.no_rules)
    yield (*path, "cite"), _cites(alternative.cites)
    for change in alternative.changes:
        at = change_path(document, assumption, alternative, change)
        if change.validity is not None:
            yield from (((*at, *p), f) for p, f in _validity(change.validity))
        for name, figures in change.figures.items():
            for key, figure in figures.items():
                yield from _figure((*at, "parameters", name, "values", key), figure)


def _passage(path: KeyPath, passage: Passage) -> _Facts:
    yield (*path, "text"), _prose(passage.text)
    yield (*path, "cite"), _cites(passage.cites)


def _approval(terms: ApprovalTerms, approvals: Iterable[Approval]) -> _Facts:
    yield ("approval", "required"), _value(terms.required)
    yield ("approval", "cite"), _cites(terms.cites)
    for approval in approvals:
        path = ("approval", "by", approval.party)
        yield (*path, "status"), _value(approval.status)
        yield (*path, "body"), _folded(approval.body)
        yield (*path, "date"), _value(approval.date)
        yield (*path, "decision"), _folded(approval.decision)
        yield (*path, "inferred"), _prose(approval.inferred)
        yield (*path, "evidence"), _cites(approval.evidence)


def _validity(validity: Validity) -> _Facts:
    yield ("validity", "from"), _value(validity.start.isoformat())
    yield ("validity", "until"), _value(validity.end.isoformat() if validity.end else None)
    yield ("validity", "cite"), _cites(validity.cites)


def _rule(path: KeyPath, rule: Rule) -> _Facts:
    yield (*path, "formula"), Fact(canonical_formula(rule.formula.text), Style.FORMULA)
    yield (*path, "unit"), _value(rule.unit_text)
    yield (*path, "cite"), _cites(rule.cites)
    yield (*path, "assumes"), _members(name for name, _ in rule.assumes)
    yield (*path, "description"), _prose(rule.description)


def _parameter(series: ParameterSeries) -> _Facts:
    path = ("parameters", series.name)
    yield (*path, "title"), _prose(series.title)
    yield (*path, "unit"), _value(series.unit_text)
    yield (*path, "period"), _value(series.period)
    yield (*path, "description"), _prose(series.description)
    yield (*path, "notes"), _prose(series.notes)
    for key, figure in series.figures.items():
        yield from _figure((*path, "values", key), figure)


def _figure(at: KeyPath, figure: Figure) -> _Facts:
    number = None if figure.value is None else format(_decimal(figure.value), "f")
    yield (*at, "value"), _value(number)
    yield (*at, "status"), _value(figure.status)
    yield (*at, "cite"), _cites(figure.cites)
    yield (*at, "note"), _prose(figure.note)


# -- canonical values -----------------------------------------------------------------------------


def _value(text: str | None) -> Fact:
    return Fact("" if text is None else text, Style.VALUE)


def _folded(text: str | None) -> Fact:
    """A short text (a reference, a decision) whose line breaks are layout, shown inline."""
    return Fact(_fold(text or ""), Style.VALUE)


def _prose(text: str | None) -> Fact:
    return Fact(_fold(text or ""), Style.PROSE)


def _members(items: Iterable[str]) -> Fact:
    return Fact(tuple(sorted(set(items))), Style.SET)


def _cites(cites: tuple[Citation, ...]) -> Fact:
    return Fact(tuple(sorted({_citation(c) for c in cites})), Style.SET, cites)


def _citation(cite: Citation) -> str:
    parts = [cite.source]
    if cite.section:
        parts.append(f'section "{_fold(cite.section)}"')
    if cite.quote:
        parts.append(f'quote "{_fold(cite.quote)}"')
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
            unit = {"day": "days", "month": "months"}.get(unit or "", unit)
            return replace(node, value=_decimal(value), unit=unit)
        case fa.Lookup(key=key):
            return replace(node, key=_normal(key))
        case fa.Call(args=args):
            return replace(node, args=tuple(_normal(a) for a in args))
        case fa.Window(body=body, size=size, end=end):
            last = None if end is None else _normal(end)
            return replace(node, body=_normal(body), size=_normal(size), end=last)
        case fa.Unary(operand=operand):
            return replace(node, operand=_normal(operand))
        case fa.Binary(left=left, right=right):
            return replace(node, left=_normal(left), right=_normal(right))
        case fa.Conditional(condition=c, then=t, otherwise=o):
            return replace(node, condition=_normal(c), then=_normal(t), otherwise=_normal(o))
    return node
