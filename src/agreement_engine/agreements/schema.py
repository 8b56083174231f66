"""Checking a loaded file against the format's JSON Schema, with problems in the user's words.

The schema (``schemas/agreement-engine.schema.json``, shipped with the package) is the same one
editors use to complete and check files as staff type. Other files of the engine (the scenario
tests) are checked the same way against their own schema, with their own examples. jsonschema
finds the problems; they are said the way the reader of an agreement would say them, at the line
and column where they are::

    agreements/halland/2022.yaml:9:3: error: unknown key 'untill' in 'validity'
    hint: did you mean 'until'?

No JSON pointers, schema keywords or Python names reach the user. This module loads the schema
and runs the check; each problem is put into words by :mod:`.schema_messages`, from the format's
vocabulary in :mod:`.schema_words`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from agreement_engine.agreements.schema_messages import Context, explain
from agreement_engine.agreements.schema_words import EXAMPLES, KIND_WORDS, KINDS, PATTERN_WORDS
from agreement_engine.agreements.yaml_document import YamlDocument
from agreement_engine.diagnostics import Diagnostic

__all__ = ["KINDS", "PATTERN_WORDS", "SCHEMA_FILE", "load_schema", "validate"]

SCHEMA_FILE = "agreement-engine.schema.json"


@functools.cache
def load_schema(name: str = SCHEMA_FILE) -> dict[str, Any]:
    """A JSON Schema shipped in the package data (by default the agreement format's)."""
    text = files("agreement_engine").joinpath("schemas", name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(
        _without_references(load_schema(name)), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


# Keywords that only describe (they never fail), and keywords whose values are data, not schemas.
_ANNOTATIONS = frozenset({"title", "description", "$comment", "examples", "default", "deprecated"})
_DATA_VALUED = frozenset({"const", "enum", "default", "examples"})
_DEFS = "#/$defs/"


def _without_references(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with each reference to one of its ``$defs`` replaced by the definition itself.

    jsonschema looks a reference up every time it meets one: in a file with hundreds of parties
    and citations that is a third of the time it takes. Replacing the reference by what it names
    finds the same problems, at the same paths, with the same messages: jsonschema adds nothing of
    a ``$ref`` to a problem's path, and the title and description written beside a ``$ref`` never
    reach a problem (its schema is the definition's). A definition that refers to itself, however
    indirectly, stays a reference.
    """
    definitions = schema.get("$defs", {})
    expanded: dict[str, Any] = {}

    def expand(node: Any, within: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [expand(item, within) for item in node]
        if not isinstance(node, dict):
            return node
        reference = node.get("$ref")
        if (
            isinstance(reference, str)
            and reference.startswith(_DEFS)
            and set(node) - {"$ref"} <= _ANNOTATIONS
        ):
            name = reference.removeprefix(_DEFS)
            if isinstance(definitions.get(name), dict) and name not in within:
                if name not in expanded:
                    expanded[name] = expand(definitions[name], within | {name})
                return expanded[name]
        return {k: v if k in _DATA_VALUED else expand(v, within) for k, v in node.items()}

    result: dict[str, Any] = expand(schema, frozenset())
    return result


def validate(
    doc: YamlDocument,
    *,
    schema_file: str = SCHEMA_FILE,
    examples: Mapping[str, str] | None = None,
    file_word: str | None = None,
) -> list[Diagnostic]:
    """Every way the document breaks the format, in the user's words, in order of position.

    By default the document is an agreement file. Another packaged schema can be named with
    ``schema_file``, with the examples its hints give (by key) and what to call such a file.
    """
    data = doc.data
    kind = data.get("kind") if isinstance(data, dict) else None
    word = file_word or (KIND_WORDS.get(kind, "file") if isinstance(kind, str) else "file")
    context = Context(doc, word, EXAMPLES if examples is None else examples)
    errors = _without_shadowed(list(_validator(schema_file).iter_errors(data)))
    return _tidy(d for e in errors for d in explain(e, context))


def _without_shadowed(errors: list[ValidationError]) -> list[ValidationError]:
    """Drop 'not a real date' where the value is not even written like a date."""
    badly_written = {tuple(e.absolute_path) for e in errors if e.validator == "pattern"}
    return [
        e
        for e in errors
        if not (e.validator == "format" and tuple(e.absolute_path) in badly_written)
    ]


def _tidy(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Each problem once, in order of position."""
    unique: dict[tuple[int, int, str], Diagnostic] = {}
    for d in diagnostics:
        line, column = (d.location.line, d.location.column) if d.location else (0, 0)
        unique.setdefault((line, column, d.message), d)
    return [unique[k] for k in sorted(unique)]
