"""Building the typed documents (:mod:`.documents`) from schema-valid YAML.

Each formula is parsed and compiled here, once, when its file is loaded: the document holds the
program (:class:`.Formula`), and billing never compiles again. A formula that does not parse is
kept, and its syntax error reported about the rule it is in. An assumption's readings are built
by :mod:`.alternatives` from the same parts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from agreement_engine.agreements.documents import (
    Agreement,
    Document,
    Extension,
    ParameterSet,
    Routine,
    Statute,
)
from agreement_engine.agreements.parts import (
    Approval,
    ApprovalTerms,
    Citation,
    Counting,
    Figure,
    Formula,
    KeyPath,
    ParameterSeries,
    Passage,
    Rule,
    Source,
    Validity,
)
from agreement_engine.agreements.yaml_document import YamlDocument
from agreement_engine.diagnostics import Diagnostic, error
from agreement_engine.formula.ast import Expr
from agreement_engine.formula.problems import FormulaError
from agreement_engine.formula.program import Program
from agreement_engine.formula.types import DECLARABLE, UNITS

Parse = Callable[[str], Expr]
"""Formula text to its syntax tree, raising :class:`FormulaError`: the parser, or the trees a
cache entry keeps (:mod:`.cache`)."""


def parse_formula(text: str) -> Expr:
    """The formula parsed by the language's parser (imported, with lark, when first needed)."""
    from agreement_engine.formula.parser import parse

    return parse(text)


def build_document(
    yaml: YamlDocument, parse: Parse = parse_formula
) -> tuple[Document, list[Diagnostic]]:
    """The typed document for a schema-valid YAML file, and any formula syntax errors in it;
    its formulas parsed by ``parse``."""
    builder = _DocumentBuilder(yaml, parse)
    document = builder.document()
    return document, builder.problems


class PartBuilder:
    """Builds the parts of one file (citations, rules, counting, validities, figures), each at
    a key path, remembering where it was written; collects formula syntax errors."""

    def __init__(self, yaml: YamlDocument, parse: Parse = parse_formula) -> None:
        self.yaml = yaml
        self.parse = parse
        assert isinstance(yaml.data, dict)  # the schema has checked the shape
        self.data: dict[str, Any] = yaml.data
        self.id = str(self.data["id"])
        self.problems: list[Diagnostic] = []

    def at(self, path: KeyPath) -> Any:
        """The value at a key path of the file (None where there is none)."""
        node: Any = self.data
        for key in path:
            if isinstance(node, dict):
                node = node.get(key)
            elif isinstance(node, list) and isinstance(key, int) and key < len(node):
                node = node[key]
            else:
                return None
        return node

    def cites(self, value: Any, path: KeyPath) -> tuple[Citation, ...]:
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
            yaml=self.yaml,
            keypath=(*path, "source"),
        )

    def passages(self, path: KeyPath) -> tuple[Passage, ...]:
        """A list of ``{text, cite}`` (provisions, caveats)."""
        return tuple(
            Passage(item["text"].strip(), self.cites(item.get("cite"), (*path, i, "cite")))
            for i, item in enumerate(self.at(path) or [])
        )

    def validity(self, path: KeyPath = ("validity",)) -> Validity:
        validity = self.at(path)
        until = validity.get("until")
        return Validity(
            start=dt.date.fromisoformat(validity["from"]),
            end=dt.date.fromisoformat(until) if until else None,
            start_location=self.yaml.locate((*path, "from")),
            end_location=self.yaml.locate((*path, "until")) if until else None,
            cites=self.cites(validity.get("cite"), (*path, "cite")),
        )

    def rules(self, path: KeyPath, reading: str | None = None) -> dict[str, Rule]:
        return {
            name: self.rule((*path, name), name, value, reading)
            for name, value in (self.at(path) or {}).items()
        }

    def rule(self, path: KeyPath, name: str, value: Any, reading: str | None = None) -> Rule:
        if isinstance(value, str):
            text, entry = value, {}
            formula_path = path
        else:
            text, entry = str(value["formula"]), value
            formula_path = (*path, "formula")
        unit_text = entry.get("unit")
        return Rule(
            name=name,
            formula=self.formula(formula_path, text, path),
            unit=DECLARABLE.get(unit_text) if unit_text else None,
            unit_text=unit_text,
            cites=self.cites(entry.get("cite"), (*path, "cite")),
            assumes=tuple(
                (a, self.yaml.locate((*path, "assumes", i)))
                for i, a in enumerate(entry.get("assumes") or [])
            ),
            description=prose(entry.get("description")),
            document=self.id,
            location=self.yaml.locate(path, key=True),
            reading=reading,
        )

    def formula(self, path: KeyPath, text: str, rule: KeyPath) -> Formula:
        """The formula at ``path`` parsed and compiled, once: the program the document holds;
        a syntax error is reported about ``rule``."""
        try:
            expr = self.parse(text)
        except FormulaError as exc:
            formula = Formula(text, None, self.yaml, path)
            span = exc.problem.span
            self.problems.append(
                error(
                    exc.problem.message,
                    formula.locate(span.start, span.end),
                    hint=exc.problem.hint,
                    code="formula-syntax",
                    path=(self.id, *map(str, rule)),
                )
            )
            return formula
        return Formula(text, Program.of(expr), self.yaml, path)

    def counting(self, path: KeyPath = ("counting",)) -> Counting:
        counting = self.at(path)
        return Counting(
            month=self.rule((*path, "month"), "month", counting["month"]),
            rules=self.rules((*path, "rules")),
            aggregates=self.rules((*path, "aggregates")),
        )

    def figures(self, path: KeyPath, values: Any, illustrative: bool) -> dict[str, Figure]:
        """The figures of a parameter, by key, as written under ``values`` at ``path``."""
        return {
            key: Figure(
                key=key,
                value=_decimal(figure.get("value")),
                status=figure["status"],
                cites=self.cites(figure.get("cite"), (*path, key, "cite")),
                location=self.yaml.locate((*path, key), key=True),
                illustrative=illustrative,
                document=self.id,
                note=prose(figure.get("note")),
            )
            for key, figure in (values or {}).items()
        }


class _DocumentBuilder(PartBuilder):
    def document(self) -> Document:
        kind = self.data["kind"]
        common = self._common()
        if kind == "agreement":
            parties = self.data["parties"]
            return Agreement(
                **common,
                region=parties["region"],
                municipalities=tuple(parties["municipalities"]),
                validity=self.validity(),
                approvals=self._approvals(),
                counting=self.counting() if "counting" in self.data else None,
                rules=self.rules(("rules",)),
                approval=self._approval_terms(),
                extendable=self._extendable(),
            )
        if kind == "extension":
            return Extension(
                **common,
                extends=self.data["extends"],
                validity=self.validity(),
                approvals=self._approvals(),
                rules=self.rules(("rules",)),
                approval=self._approval_terms(),
            )
        if kind == "routine":
            return Routine(
                **common,
                applies_to=tuple(self.data["applies_to"]),
                validity=self.validity(),
                rules=self.rules(("rules",)),
                provisions=self.passages(("provisions",)),
            )
        if kind == "statute":
            return Statute(
                **common,
                validity=self.validity(),
                counting=self.counting(),
                rules=self.rules(("rules",)),
            )
        return ParameterSet(
            **common,
            illustrative=bool(self.data.get("illustrative", False)),
            parameters=self._parameters(),
        )

    def _common(self) -> dict[str, Any]:
        from agreement_engine.agreements.alternatives import assumptions

        sources = {
            key: Source(
                key,
                value["title"],
                value.get("reference"),
                text(value.get("date")),
                value.get("file"),
            )
            for key, value in (self.data.get("sources") or {}).items()
        }
        return {
            "kind": self.data["kind"],
            "id": self.id,
            "title": self.data["title"],
            "path": self.yaml.path,
            "sha256": hashlib.sha256(self.yaml.text.encode("utf-8")).hexdigest(),
            "sources": sources,
            "assumptions": assumptions(self),
            "yaml": self.yaml,
            "format": self.data["format"],
            "notes": prose(self.data.get("notes")),
            "caveats": self.passages(("caveats",)),
        }

    def _approval_terms(self) -> ApprovalTerms:
        approval = self.data["approval"]
        cites = self.cites(approval.get("cite"), ("approval", "cite"))
        return ApprovalTerms(approval["required"], cites)

    def _extendable(self) -> Passage | None:
        extendable = self.data.get("extendable")
        if extendable is None:
            return None
        if isinstance(extendable, str):
            return Passage(extendable.strip(), ())
        cites = self.cites(extendable.get("cite"), ("extendable", "cite"))
        return Passage(extendable["text"].strip(), cites)

    def _approvals(self) -> tuple[Approval, ...]:
        by = self.data["approval"].get("by") or {}
        return tuple(
            Approval(
                party=party,
                status=entry["status"],
                date=text(entry.get("date")),
                decision=text(entry.get("decision")),
                evidence=self.cites(entry.get("evidence"), ("approval", "by", party, "evidence")),
                yaml=self.yaml,
                keypath=("approval", "by", party),
                body=text(entry.get("body")),
                inferred=prose(entry.get("inferred")),
            )
            for party, entry in by.items()
        )

    def _parameters(self) -> dict[str, ParameterSeries]:
        illustrative = bool(self.data.get("illustrative", False))
        out = {}
        for name, entry in self.data["parameters"].items():
            path: KeyPath = ("parameters", name)
            out[name] = ParameterSeries(
                name=name,
                title=entry["title"],
                unit=UNITS[entry["unit"]],
                unit_text=entry["unit"],
                period=entry["period"],
                figures=self.figures((*path, "values"), entry["values"], illustrative),
                illustrative=illustrative,
                document=self.id,
                location=self.yaml.locate(path, key=True),
                description=prose(entry.get("description")),
                notes=prose(entry.get("notes")),
            )
        return out


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value))


def text(value: Any) -> str | None:
    return None if value is None else str(value)


def prose(value: Any) -> str | None:
    """Free text as written, without the blank space around it; None when there is none."""
    return (value or "").strip() or None
