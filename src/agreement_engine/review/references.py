"""Ids and the references between files: each id once, each reference to something loaded.

A document's id, an assumption's id and a parameter's name are each given once across the loaded
files; an extension names an agreement, a routine the agreements it applies to, a citation a
source listed in its own file, a rule the assumptions it relies on. Each problem is yielded with
the key path of the part it is about (see :mod:`.canonical`).
"""

from __future__ import annotations

from collections.abc import Iterator

from agreement_engine.agreements.documents import (
    Document,
    Extension,
    ParameterSeries,
    ParameterSet,
    Routine,
)
from agreement_engine.agreements.library import Library
from agreement_engine.agreements.yaml_document import KeyPath as YamlPath
from agreement_engine.diagnostics import Diagnostic, Location, did_you_mean, error
from agreement_engine.review.canonical import citations, rules_of

Problems = Iterator[Diagnostic]

_KIND_WORDS = {
    "agreement": "an agreement",
    "extension": "an extension",
    "routine": "a routine",
    "statute": "a statute",
    "parameters": "a parameters file",
}


def duplicate_documents(
    library: Library, hint: str = "every document needs its own id"
) -> Problems:
    """An error for each document whose id an earlier document has."""
    first: dict[str, Document] = {}
    for doc in library.documents:
        if doc.id in first:
            yield error(
                f"two documents have the id '{doc.id}' (the other is {first[doc.id].path})",
                doc.location,
                hint=hint,
                code="duplicate-id",
                path=(doc.id,),
            )
        first.setdefault(doc.id, doc)


def duplicate_ids(library: Library) -> Problems:
    """Documents, assumptions and parameters given twice."""
    yield from duplicate_documents(library)
    yield from _duplicate_assumptions(library)
    yield from _duplicate_parameters(library)


def _duplicate_assumptions(library: Library) -> Problems:
    declared: dict[str, Location] = {}
    for doc in library.documents:
        for assumption in doc.assumptions:
            if assumption.id in declared:
                other = declared[assumption.id]
                yield error(
                    f"assumption '{assumption.id}' is declared twice "
                    f"(first in {other.path}:{other.line})",
                    assumption.location,
                    hint="declare each assumption once; rules in any file can refer to it",
                    code="duplicate-assumption",
                    path=(doc.id, "assumptions", assumption.id),
                )
            declared.setdefault(assumption.id, assumption.location)


def _duplicate_parameters(library: Library) -> Problems:
    """An error for each parameter series that an earlier file defines too.

    Which figure a formula gets must not depend on the order files are loaded in. The one case
    where two files give the same series is by design: an illustrative file filling in figures a
    real file lacks, kept in the same unit and period.
    """
    first: dict[tuple[str, bool], ParameterSeries] = {}
    for parameter_set in library.of_kind(ParameterSet):
        for name, series in parameter_set.parameters.items():
            other = first.get((name, series.illustrative)) or first.get(
                (name, not series.illustrative)
            )
            if other is not None and (other.unit_text, other.period) != (
                series.unit_text,
                series.period,
            ):
                yield _parameter_kept_otherwise(series, other)
            elif other is not None and other.illustrative == series.illustrative:
                yield _parameter_defined_twice(series, other)
            first.setdefault((name, series.illustrative), series)


def _parameter_defined_twice(series: ParameterSeries, other: ParameterSeries) -> Diagnostic:
    where = other.location
    return error(
        f"parameter '{series.name}' is already defined in {where.path}:{where.line}",
        series.location,
        hint="give each parameter's figures in one file: move these figures there, or give "
        "this parameter another name",
        code="duplicate-parameter",
        path=(series.document, "parameters", series.name),
    )


def _parameter_kept_otherwise(series: ParameterSeries, other: ParameterSeries) -> Diagnostic:
    where = other.location
    return error(
        f"parameter '{series.name}' is kept in {series.unit_text} by {series.period} here, but in "
        f"{other.unit_text} by {other.period} in {where.path}:{where.line}",
        series.location,
        hint="a parameter has one unit and one period in every file: correct this one, or give "
        "it another name",
        code="duplicate-parameter",
        path=(series.document, "parameters", series.name),
    )


def references(library: Library) -> Problems:
    """References to agreements, sources and assumptions that name nothing loaded."""
    agreements = {a.id for a in library.agreements}
    for doc in library.documents:
        if isinstance(doc, Extension) and doc.extends not in agreements:
            yield _not_an_agreement(library, doc.extends, doc, ("extends",))
        if isinstance(doc, Routine):
            for i, target in enumerate(doc.applies_to):
                if target not in agreements:
                    yield _not_an_agreement(library, target, doc, ("applies_to", i))
        yield from _unknown_sources(doc)
        yield from _unknown_assumptions(library, doc)


def _unknown_sources(doc: Document) -> Problems:
    for path, cite in citations(doc):
        if cite.source not in doc.sources:
            yield error(
                f"unknown source '{cite.source}': it is not listed under 'sources' in this file",
                cite.location,
                hint=did_you_mean(cite.source, doc.sources)
                or "add it under 'sources' with its title",
                code="unknown-source",
                path=(doc.id, *path),
            )


def _unknown_assumptions(library: Library, doc: Document) -> Problems:
    assumptions = library.assumptions
    for path, rule in rules_of(doc):
        for assumption, location in rule.assumes:
            if assumption not in assumptions:
                yield error(
                    f"unknown assumption '{assumption}'",
                    location,
                    hint=did_you_mean(assumption, assumptions)
                    or "declare it under 'assumptions' with the reading and alternatives",
                    code="unknown-assumption",
                    path=(doc.id, *path, "assumes"),
                )


def _not_an_agreement(library: Library, name: str, doc: Document, at: YamlPath) -> Diagnostic:
    """The error for a reference to an agreement that names none: unknown, or another kind."""
    agreements = {a.id for a in library.agreements}
    other = library.by_id(name)
    if other is None:
        message = f"unknown agreement '{name}'"
        fallback = f"no loaded file has the id '{name}'"
    else:
        message = f"'{name}' is {_KIND_WORDS.get(other.kind, other.kind)}, not an agreement"
        fallback = "give the id of an agreement (a file with 'kind: agreement')"
        if agreements:
            fallback += ": " + ", ".join(sorted(agreements))
    return error(
        message,
        doc.yaml.locate(at),
        hint=did_you_mean(name, agreements) or fallback,
        code="unknown-reference",
        path=(doc.id, str(at[0])),
    )
