"""The typed model of agreement files: agreements, extensions, routines, the statute, parameters.

Documents are built from YAML that has already passed the JSON Schema (:mod:`.build`), so the
shapes here can be trusted; what the schema cannot see (formulas, references between files, the
timeline) is checked in :mod:`.review.checks`. Every part remembers where it was written
(:mod:`.parts`), so later problems point at the right line. The model keeps everything a file
says, words and citations included: ``diff`` compares files by the canonical form read off it
(:mod:`.review.canonical`), never by walking the YAML again.
"""

from __future__ import annotations

from collections.abc import Callable

from agreement_engine.agreements.parts import (
    BUNDLED,
    FORMAT,
    Alternative,
    Approval,
    ApprovalTerms,
    Assumption,
    Change,
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
from agreement_engine.diagnostics import Diagnostic, Location
from agreement_engine.formula.ast import Expr
from agreement_engine.frozen import field, frozen

__all__ = [
    "BUNDLED",
    "FORMAT",
    "Agreement",
    "Alternative",
    "Approval",
    "ApprovalTerms",
    "Assumption",
    "Change",
    "Citation",
    "Counting",
    "Document",
    "Extension",
    "Figure",
    "Formula",
    "KeyPath",
    "ParameterSeries",
    "ParameterSet",
    "Passage",
    "Routine",
    "Rule",
    "Source",
    "Statute",
    "Validity",
    "build",
]


@frozen
class Document:
    """What every kind of file has. ``caveats`` are points a reviewer must weigh, shown in the
    timeline beside the months the document covers."""

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
    caveats: tuple[Passage, ...] = field(default=(), kw_only=True)

    @property
    def location(self) -> Location:
        return self.yaml.locate(("id",))


@frozen
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


@frozen
class Extension(Document):
    extends: str
    validity: Validity
    approvals: tuple[Approval, ...]
    rules: dict[str, Rule]
    approval: ApprovalTerms = field(kw_only=True)


@frozen
class Routine(Document):
    applies_to: tuple[str, ...]
    validity: Validity
    rules: dict[str, Rule]
    provisions: tuple[Passage, ...] = field(kw_only=True)


@frozen
class Statute(Document):
    validity: Validity
    counting: Counting
    rules: dict[str, Rule]


@frozen
class ParameterSet(Document):
    illustrative: bool
    parameters: dict[str, ParameterSeries]


def build(
    yaml: YamlDocument, parse: Callable[[str], Expr] | None = None
) -> tuple[Document, list[Diagnostic]]:
    """The typed document for a schema-valid YAML file, and any formula syntax errors in it;
    its formulas parsed by ``parse`` (by default, the language's parser)."""
    from agreement_engine.agreements.build import build_document, parse_formula

    return build_document(yaml, parse or parse_formula)
