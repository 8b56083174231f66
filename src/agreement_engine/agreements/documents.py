"""The typed model of agreement files: agreements, extensions, routines, the statute, parameters.

Documents are built from YAML that has already passed the JSON Schema, so the shapes here can be
trusted; what the schema cannot see (formulas, references between files, the timeline) is checked
in :mod:`.review.checks`. Every part remembers where it was written, so later problems
point at the right line. The model keeps everything a file says, words and citations included:
``diff`` compares files by the canonical form read off it (:mod:`.review.canonical`), never by
walking the YAML again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from agreement_engine.agreements.source import YamlDocument
from agreement_engine.diagnostics import Diagnostic, Location, error
from agreement_engine.formula import Expr, FormulaError, Program, parse
from agreement_engine.formula.types import DECLARABLE, UNITS, Quantity, Type
from agreement_engine.months import YearMonth

KeyPath = tuple[str | int, ...]
FORMAT = "agreement-engine/1"


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a rule or figure comes from: a source document, a section, a verbatim quote."""

    source: str
    section: str | None
    quote: str | None
    location: Location


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    reference: str | None
    date: str | None
    file: str | None  # where a copy of the source document is kept


@dataclass(frozen=True, slots=True)
class Passage:
    """Text kept for the record (a provision, how an agreement may be extended), with its
    citations: nothing is billed from it."""

    text: str
    cites: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Assumption:
    """A declared reading of ambiguous source text, with the readings not taken."""

    id: str
    reading: str
    alternatives: tuple[str, ...]
    cites: tuple[Citation, ...]
    document: str
    location: Location


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula as written (text and place) and as compiled when its file was loaded (None
    when it does not parse): billing evaluates the program it holds."""

    text: str
    program: Program | None
    yaml: YamlDocument
    keypath: KeyPath

    @property
    def expr(self) -> Expr | None:
        """The formula's syntax tree; None when it does not parse."""
        return self.program.expr if self.program is not None else None

    def locate(self, start: int, end: int) -> Location:
        """The file position of characters [start, end) of the formula text."""
        start = min(max(0, start), max(0, len(self.text) - 1))
        return self.yaml.locate_in_scalar(self.keypath, start, max(1, end - start))

    @property
    def location(self) -> Location:
        return self.locate(0, len(self.text.split("\n", 1)[0]))


@dataclass(frozen=True, slots=True)
class Rule:
    """A named rule: its formula, declared unit, citation and the assumptions it relies on."""

    name: str
    formula: Formula
    unit: Type | None
    unit_text: str | None
    cites: tuple[Citation, ...]
    assumes: tuple[tuple[str, Location], ...]
    description: str | None
    document: str
    location: Location


@dataclass(frozen=True, slots=True)
class Counting:
    """How an episode-level extract becomes the monthly figures."""

    month: Rule
    rules: dict[str, Rule]
    aggregates: dict[str, Rule]


@dataclass(frozen=True, slots=True)
class Validity:
    """First and last day in force (both included); ``end`` None means open-ended."""

    start: dt.date
    end: dt.date | None
    start_location: Location
    end_location: Location | None
    cites: tuple[Citation, ...]

    def covers(self, month: YearMonth) -> bool:
        """Whether the document is in force on any day of the month."""
        return self.start <= month.last_day and (self.end is None or self.end >= month.first_day)

    @property
    def first_month(self) -> YearMonth:
        return YearMonth.of(self.start)

    @property
    def last_month(self) -> YearMonth | None:
        return YearMonth.of(self.end) if self.end else None


@dataclass(frozen=True, slots=True)
class Approval:
    party: str
    status: str  # approved, pending or rejected
    date: str | None
    decision: str | None
    evidence: tuple[Citation, ...]
    location: Location


@dataclass(frozen=True, slots=True)
class ApprovalTerms:
    """Who must approve a document before it is in force (``all-parties`` in format 1), and
    where that is written."""

    required: str
    cites: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Figure:
    """One dated value of a parameter; ``value`` is None exactly when the status is missing."""

    key: str
    value: Decimal | None
    status: str  # official, provisional or missing
    cites: tuple[Citation, ...]
    location: Location
    illustrative: bool  # made up for examples: every result using it says so
    document: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ParameterSeries:
    name: str
    title: str
    unit: Quantity
    unit_text: str
    period: str  # year or month
    figures: dict[str, Figure]
    illustrative: bool
    document: str
    location: Location
    description: str | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """What every kind of file has."""

    kind: str
    id: str
    title: str
    path: str
    sha256: str
    sources: dict[str, Source]
    assumptions: tuple[Assumption, ...]
    yaml: YamlDocument
    format: str = field(default=FORMAT, kw_only=True)
    notes: str | None = field(default=None, kw_only=True)

    @property
    def location(self) -> Location:
        return self.yaml.locate(("id",))


@dataclass(frozen=True, slots=True)
class Agreement(Document):
    region: str
    municipalities: tuple[str, ...]
    validity: Validity
    approvals: tuple[Approval, ...]
    counting: Counting | None
    rules: dict[str, Rule]
    approval: ApprovalTerms = field(kw_only=True)
    extendable: Passage | None = field(kw_only=True)

    @property
    def parties(self) -> tuple[str, ...]:
        return (self.region, *self.municipalities)


@dataclass(frozen=True, slots=True)
class Extension(Document):
    extends: str
    validity: Validity
    approvals: tuple[Approval, ...]
    rules: dict[str, Rule]
    approval: ApprovalTerms = field(kw_only=True)


@dataclass(frozen=True, slots=True)
class Routine(Document):
    applies_to: tuple[str, ...]
    validity: Validity
    rules: dict[str, Rule]
    provisions: tuple[Passage, ...] = field(kw_only=True)


@dataclass(frozen=True, slots=True)
class Statute(Document):
    validity: Validity
    counting: Counting
    rules: dict[str, Rule]


@dataclass(frozen=True, slots=True)
class ParameterSet(Document):
    illustrative: bool
    parameters: dict[str, ParameterSeries]


def build(yaml: YamlDocument) -> tuple[Document, list[Diagnostic]]:
    """The typed document for a schema-valid YAML file, and any formula syntax errors in it."""
    builder = _Builder(yaml)
    document = builder.document()
    return document, builder.problems


class _Builder:
    def __init__(self, yaml: YamlDocument) -> None:
        self.yaml = yaml
        assert isinstance(yaml.data, dict)  # the schema has checked the shape
        self.data: dict[str, Any] = yaml.data
        self.problems: list[Diagnostic] = []

    def document(self) -> Document:
        kind = self.data["kind"]
        common = self._common()
        if kind == "agreement":
            parties = self.data["parties"]
            return Agreement(
                **common,
                region=parties["region"],
                municipalities=tuple(parties["municipalities"]),
                validity=self._validity(),
                approvals=self._approvals(),
                counting=self._counting() if "counting" in self.data else None,
                rules=self._rules(("rules",)),
                approval=self._approval_terms(),
                extendable=self._extendable(),
            )
        if kind == "extension":
            return Extension(
                **common,
                extends=self.data["extends"],
                validity=self._validity(),
                approvals=self._approvals(),
                rules=self._rules(("rules",)),
                approval=self._approval_terms(),
            )
        if kind == "routine":
            return Routine(
                **common,
                applies_to=tuple(self.data["applies_to"]),
                validity=self._validity(),
                rules=self._rules(("rules",)),
                provisions=self._provisions(),
            )
        if kind == "statute":
            return Statute(
                **common,
                validity=self._validity(),
                counting=self._counting(),
                rules=self._rules(("rules",)),
            )
        return ParameterSet(
            **common,
            illustrative=bool(self.data.get("illustrative", False)),
            parameters=self._parameters(),
        )

    def _common(self) -> dict[str, Any]:
        sources = {
            key: Source(
                key,
                value["title"],
                value.get("reference"),
                _text(value.get("date")),
                value.get("file"),
            )
            for key, value in (self.data.get("sources") or {}).items()
        }
        assumptions = tuple(
            self._assumption(i, item) for i, item in enumerate(self.data.get("assumptions") or [])
        )
        return {
            "kind": self.data["kind"],
            "id": self.data["id"],
            "title": self.data["title"],
            "path": self.yaml.path,
            "sha256": hashlib.sha256(self.yaml.text.encode("utf-8")).hexdigest(),
            "sources": sources,
            "assumptions": assumptions,
            "yaml": self.yaml,
            "format": self.data["format"],
            "notes": _prose(self.data.get("notes")),
        }

    def _cites(self, value: Any, path: KeyPath) -> tuple[Citation, ...]:
        """One citation or a list of them, as written under `cite`."""
        if isinstance(value, list):
            found = (self._cite(item, (*path, i)) for i, item in enumerate(value))
            return tuple(c for c in found if c is not None)
        cite = self._cite(value, path)
        return (cite,) if cite is not None else ()

    def _cite(self, value: Any, path: KeyPath) -> Citation | None:
        if not isinstance(value, dict) or "source" not in value:
            return None
        return Citation(
            source=value["source"],
            section=value.get("section"),
            quote=value.get("quote"),
            location=self.yaml.locate((*path, "source")),
        )

    def _assumption(self, index: int, item: dict[str, Any]) -> Assumption:
        path: KeyPath = ("assumptions", index)
        return Assumption(
            id=item["id"],
            reading=item["reading"].strip(),
            alternatives=tuple(a.strip() for a in item.get("alternatives") or []),
            cites=self._cites(item.get("cite"), (*path, "cite")),
            document=self.data["id"],
            location=self.yaml.locate((*path, "id")),
        )

    def _validity(self) -> Validity:
        validity = self.data["validity"]
        until = validity.get("until")
        return Validity(
            start=dt.date.fromisoformat(validity["from"]),
            end=dt.date.fromisoformat(until) if until else None,
            start_location=self.yaml.locate(("validity", "from")),
            end_location=self.yaml.locate(("validity", "until")) if until else None,
            cites=self._cites(validity.get("cite"), ("validity", "cite")),
        )

    def _approval_terms(self) -> ApprovalTerms:
        approval = self.data["approval"]
        cites = self._cites(approval.get("cite"), ("approval", "cite"))
        return ApprovalTerms(approval["required"], cites)

    def _extendable(self) -> Passage | None:
        extendable = self.data.get("extendable")
        if extendable is None:
            return None
        if isinstance(extendable, str):
            return Passage(extendable.strip(), ())
        cites = self._cites(extendable.get("cite"), ("extendable", "cite"))
        return Passage(extendable["text"].strip(), cites)

    def _provisions(self) -> tuple[Passage, ...]:
        return tuple(
            Passage(item["text"].strip(), self._cites(item.get("cite"), ("provisions", i, "cite")))
            for i, item in enumerate(self.data.get("provisions") or [])
        )

    def _approvals(self) -> tuple[Approval, ...]:
        by = self.data["approval"].get("by") or {}
        return tuple(
            Approval(
                party=party,
                status=entry["status"],
                date=_text(entry.get("date")),
                decision=_text(entry.get("decision")),
                evidence=self._cites(entry.get("evidence"), ("approval", "by", party, "evidence")),
                location=self.yaml.locate(("approval", "by", party), key=True),
            )
            for party, entry in by.items()
        )

    def _formula(self, path: KeyPath, text: str, rule: KeyPath) -> Formula:
        """The formula at ``path`` parsed and compiled, once: the program the document holds;
        a syntax error is reported about ``rule``."""
        try:
            expr = parse(text)
        except FormulaError as exc:
            formula = Formula(text, None, self.yaml, path)
            span = exc.problem.span
            self.problems.append(
                error(
                    exc.problem.message,
                    formula.locate(span.start, span.end),
                    hint=exc.problem.hint,
                    code="formula-syntax",
                    path=(self.data["id"], *map(str, rule)),
                )
            )
            return formula
        return Formula(text, Program.of(expr), self.yaml, path)

    def _rules(self, path: KeyPath) -> dict[str, Rule]:
        node: Any = self.data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        return {
            name: self._rule((*path, name), name, value) for name, value in (node or {}).items()
        }

    def _rule(self, path: KeyPath, name: str, value: Any) -> Rule:
        if isinstance(value, str):
            text, entry = value, {}
            formula_path = path
        else:
            text, entry = str(value["formula"]), value
            formula_path = (*path, "formula")
        unit_text = entry.get("unit")
        return Rule(
            name=name,
            formula=self._formula(formula_path, text, path),
            unit=DECLARABLE.get(unit_text) if unit_text else None,
            unit_text=unit_text,
            cites=self._cites(entry.get("cite"), (*path, "cite")),
            assumes=tuple(
                (a, self.yaml.locate((*path, "assumes", i)))
                for i, a in enumerate(entry.get("assumes") or [])
            ),
            description=_prose(entry.get("description")),
            document=self.data["id"],
            location=self.yaml.locate(path, key=True),
        )

    def _counting(self) -> Counting:
        counting = self.data["counting"]
        return Counting(
            month=self._rule(("counting", "month"), "month", counting["month"]),
            rules=self._rules(("counting", "rules")),
            aggregates=self._rules(("counting", "aggregates")),
        )

    def _parameters(self) -> dict[str, ParameterSeries]:
        illustrative = bool(self.data.get("illustrative", False))
        out = {}
        for name, entry in self.data["parameters"].items():
            path: KeyPath = ("parameters", name)
            figures = {
                key: Figure(
                    key=key,
                    value=_decimal(figure.get("value")),
                    status=figure["status"],
                    cites=self._cites(figure.get("cite"), (*path, "values", key, "cite")),
                    location=self.yaml.locate((*path, "values", key), key=True),
                    illustrative=illustrative,
                    document=self.data["id"],
                    note=_prose(figure.get("note")),
                )
                for key, figure in entry["values"].items()
            }
            out[name] = ParameterSeries(
                name=name,
                title=entry["title"],
                unit=UNITS[entry["unit"]],
                unit_text=entry["unit"],
                period=entry["period"],
                figures=figures,
                illustrative=illustrative,
                document=self.data["id"],
                location=self.yaml.locate(path, key=True),
                description=_prose(entry.get("description")),
                notes=_prose(entry.get("notes")),
            )
        return out


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _prose(value: Any) -> str | None:
    """Free text as written, without the blank space around it; None when there is none."""
    return (value or "").strip() or None
