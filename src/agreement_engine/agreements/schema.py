"""Checking a loaded file against the format's JSON Schema, with problems in the user's words.

The schema (``schemas/agreement-engine.schema.json``, shipped with the package) is the same one
editors use to complete and check files as staff type. Other files of the engine (the scenario
tests) are checked the same way against their own schema, with their own examples. jsonschema
finds the problems; this module says them the way the reader of an agreement would, at the line
and column where they are::

    agreements/halland/2022.yaml:9:3: error: unknown key 'untill' in 'validity'
    hint: did you mean 'until'?

No JSON pointers, schema keywords or Python names reach the user.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from agreement_engine.agreements.yaml_document import KeyPath, YamlDocument
from agreement_engine.diagnostics import Diagnostic, Location, did_you_mean, error
from agreement_engine.frozen import frozen

KINDS = ("agreement", "extension", "routine", "statute", "parameters")
SCHEMA_FILE = "agreement-engine.schema.json"

ID_PATTERN = "^[a-z0-9][a-z0-9-]*$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
YEAR_PATTERN = r"^\d{4}$"
NAME_PATTERN = "^[A-Za-z_À-ÖØ-öø-ÿ][A-Za-z0-9_À-ÖØ-öø-ÿ]*$"
NUMBER_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"

# How each pattern of the schema is said in words: "'from' must be <this>, not '2022-11'".
PATTERN_WORDS = {
    ID_PATTERN: "written in lowercase letters, digits and '-' (like halland-2022)",
    DATE_PATTERN: "a date written YYYY-MM-DD",
    MONTH_PATTERN: "a month written YYYY-MM (like 2023-11)",
    YEAR_PATTERN: "a year written YYYY (like 2023)",
    NAME_PATTERN: "a name of letters, digits and '_' that does not start with a digit "
    "(like net_amount)",
    NUMBER_PATTERN: "a number like 9300 or 0.35",
}

_KIND_WORDS = {kind: kind for kind in KINDS} | {"parameters": "parameters file"}
_TYPE_WORDS = {
    "object": "a mapping of keys",
    "array": "a list",
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "empty",
}
_EXAMPLES = {
    "format": "format: agreement-engine/1",
    "kind": "kind: agreement",
    "id": "id: halland-2022",
    "title": 'title: "..."',
    "validity": "validity: {from: 2022-11-01, until: 2024-10-31}",
    "from": "from: 2022-11-01",
    "approval": "approval: {required: all-parties, by: {...}}",
    "required": "required: all-parties",
    "by": 'by: {Kungsbacka: {status: pending, evidence: {source: krf-2022, quote: "..."}}}',
    "status": "status: approved",
    "evidence": 'evidence: {source: krf-2022, quote: "..."}',
    "source": "source: krf-2022",
    "parties": "parties: {region: Region Halland, municipalities: [Kungsbacka, Varberg]}",
    "region": "region: Region Halland",
    "municipalities": "municipalities: [Kungsbacka, Varberg]",
    "applies_to": "applies_to: [halland-2022]",
    "extends": "extends: halland-2022",
    "rules": "rules: {net_amount: gross_amount - discount}",
    "formula": "formula: total_days / episodes",
    "counting": "counting: {month: month_of(discharge_date), aggregates: {...}}",
    "month": "month: month_of(discharge_date)",
    "aggregates": "aggregates: {episodes: count(days_ready >= 1 day)}",
    "parameters": "parameters: {day_cost: {unit: kr/day, period: year, values: {...}}}",
    "unit": "unit: kr/day",
    "period": "period: year",
    "values": "values: {2023: {value: 10500, status: official}}",
    "reading": 'reading: "From 2024-01 the benchmark is ..."',
    "text": 'text: "..."',
}
_KEY_HINTS = {
    YEAR_PATTERN: "with 'period: year' the figures are given per year; for figures per month,"
    " write 'period: month'",
    MONTH_PATTERN: "with 'period: month' the figures are given per month; for figures per year,"
    " write 'period: year'",
}
_MISSING_VALUE_HINT = "give the figure with 'value:', or write 'status: missing' if it is not known"

_Explainer = Callable[[ValidationError, "_Context"], list[Diagnostic]]


@frozen
class _Context:
    """The document being checked, and what to call it ("this agreement")."""

    doc: YamlDocument
    kind_word: str
    examples: Mapping[str, str]


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
    word = file_word or (_KIND_WORDS.get(kind, "file") if isinstance(kind, str) else "file")
    context = _Context(doc, word, _EXAMPLES if examples is None else examples)
    errors = _without_shadowed(list(_validator(schema_file).iter_errors(data)))
    return _tidy(d for e in errors for d in _explain(e, context))


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


def _explain(e: ValidationError, context: _Context) -> list[Diagnostic]:
    explainer = _EXPLAINERS.get(str(e.validator), _not_valid)
    return explainer(e, context)


# -- words for paths and values -------------------------------------------------------------------


def _path(e: ValidationError) -> KeyPath:
    return tuple(e.absolute_path)


def _name(path: KeyPath) -> str:
    """What to call the value at ``path``: 'until', item 2 of 'municipalities', the file."""
    if not path:
        return "the file"
    last = path[-1]
    if isinstance(last, int):
        return f"item {last + 1} of {_name(path[:-1])}"
    return f"'{last}'"


def _where(path: KeyPath, context: _Context) -> str:
    return f"this {context.kind_word}" if not path else _name(path)


def _show(value: object) -> str:
    """A value as the user wrote it, for 'not ...' in a message."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 60 else f"'{value[:57]}...'"
    if isinstance(value, dict):
        return "a mapping of keys"
    return "a list" if isinstance(value, list) else "this value"


def _alternatives(words: Sequence[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _types(expected: object) -> list[str]:
    return [expected] if isinstance(expected, str) else _listed(expected)


def _listed(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _example(path: KeyPath, context: _Context) -> str | None:
    key = path[-1] if path else None
    example = context.examples.get(key) if isinstance(key, str) else None
    return f"for example: {example}" if example else None


def _at(context: _Context, path: KeyPath, *, key: bool = False) -> Location:
    return context.doc.locate(path, key=key)


def _invalid(message: str, where: Location, hint: str | None = None) -> Diagnostic:
    return error(message, where, hint=hint, code="invalid-value")


# -- one explainer per schema keyword -------------------------------------------------------------


def _missing_key(e: ValidationError, context: _Context) -> list[Diagnostic]:
    path, instance = _path(e), e.instance
    if not isinstance(instance, dict):
        return []
    where = _at(context, path, key=True)
    return [
        error(
            f"missing required key '{key}' in {_where(path, context)}",
            where,
            hint=_MISSING_VALUE_HINT if key == "value" else _example((key,), context),
            code="missing-key",
        )
        for key in _listed(e.validator_value)
        if key not in instance
    ]


def _unknown_key(e: ValidationError, context: _Context) -> list[Diagnostic]:
    path, instance, schema = _path(e), e.instance, e.schema
    if not isinstance(instance, dict) or not isinstance(schema, dict):
        return []
    allowed = sorted(schema.get("properties", {}))
    return [
        error(
            f"unknown key '{key}' in {_where(path, context)}",
            _at(context, (*path, key), key=True),
            hint=did_you_mean(key, allowed) or f"the keys allowed here are {', '.join(allowed)}",
            code="unknown-key",
        )
        for key in instance
        if key not in allowed
    ]


def _not_one_of(e: ValidationError, context: _Context) -> list[Diagnostic]:
    path, value, choices = _path(e), e.instance, _listed(e.validator_value)
    close = did_you_mean(value, choices) if isinstance(value, str) else None
    where = _at(context, path)
    if path == ("kind",):
        hint = close or f"the kind is one of {', '.join(KINDS)}"
        return [error(f"unknown kind {_show(value)}", where, hint=hint, code="unknown-kind")]
    message = f"{_name(path)} must be one of {', '.join(choices)}, not {_show(value)}"
    return [_invalid(message, where, close)]


def _not_the_value(e: ValidationError, context: _Context) -> list[Diagnostic]:
    path, expected = _path(e), e.validator_value
    message = f"{_name(path)} must be {expected}, not {_show(e.instance)}"
    hint = f"write {path[-1]}: {expected}" if path and isinstance(path[-1], str) else None
    return [_invalid(message, _at(context, path), hint)]


def _badly_written(e: ValidationError, context: _Context) -> list[Diagnostic]:
    path, pattern, value = _path(e), str(e.validator_value), e.instance
    words = PATTERN_WORDS.get(pattern, "written in the form expected here")
    if "propertyNames" in e.absolute_schema_path:
        message = f"the key '{value}' in {_where(path, context)} must be {words}"
        where = _at(context, (*path, str(value)), key=True)
        hint = _suggestion(pattern, str(value)) or _KEY_HINTS.get(pattern)
        return [_invalid(message, where, hint)]
    message = f"{_name(path)} must be {words}, not {_show(value)}"
    return [_invalid(message, _at(context, path), _suggestion(pattern, str(value)))]


def _suggestion(pattern: str, value: str) -> str | None:
    """A corrected spelling of a badly written id, name or number, when one is easy to see."""
    if pattern == ID_PATTERN:
        fixed = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    elif pattern == NAME_PATTERN:
        fixed = re.sub(r"[\s-]+", "_", value.strip())
    elif pattern == NUMBER_PATTERN:
        fixed = re.sub(r"\s", "", value).replace(",", ".")
        if fixed != value and re.search(pattern, fixed):
            return f"did you mean '{fixed}'? Write decimals with a point and no spaces"
        return None
    else:
        return None
    return f"did you mean '{fixed}'?" if fixed != value and re.search(pattern, fixed) else None


def _not_a_real_date(e: ValidationError, context: _Context) -> list[Diagnostic]:
    path = _path(e)
    message = f"{_name(path)} must be a real date, not {_show(e.instance)}"
    hint = "there is no such day in the calendar; check the month and the day"
    return [_invalid(message, _at(context, path), hint)]


def _wrong_type(e: ValidationError, context: _Context) -> list[Diagnostic]:
    return [_type_problem(_path(e), _types(e.validator_value), e.instance, context)]


def _type_problem(
    path: KeyPath, expected: list[str], value: object, context: _Context
) -> Diagnostic:
    words = _alternatives([_TYPE_WORDS.get(t, t) for t in expected])
    where = _at(context, path)
    if not path:
        message = f"the file must be {words} (format, kind, id, title, ...), not {_show(value)}"
        return _invalid(message, where, _example(("format",), context))
    hint = _example(path, context)
    if "string" in expected and isinstance(value, int | Decimal | bool):
        hint = "put it in double quotes to make it text"
    elif "array" in expected and isinstance(value, str):
        hint = "write a list: [Kungsbacka, Varberg], or one item per line starting with '- '"
    return _invalid(f"{_name(path)} must be {words}, not {_show(value)}", where, hint)


def _empty(e: ValidationError, context: _Context) -> list[Diagnostic]:
    path, least = _path(e), e.validator_value
    if least == 1:
        message = f"{_name(path)} must not be empty"
    else:
        message = f"{_name(path)} must have at least {least} items"
    return [_invalid(message, _at(context, path), _example(path, context))]


def _repeated(e: ValidationError, context: _Context) -> list[Diagnostic]:
    path, items = _path(e), e.instance
    if not isinstance(items, list):
        return []
    for later, item in enumerate(items):
        if item in items[:later]:
            message = f"{_show(item)} is listed twice in {_name(path)}"
            return [_invalid(message, _at(context, (*path, later)), "remove one of them")]
    return []


def _forbidden(e: ValidationError, context: _Context) -> list[Diagnostic]:
    """A ``not: {required: [...]}``: keys that must be left out (a missing figure's value)."""
    path, instance, rule = _path(e), e.instance, e.validator_value
    if not isinstance(instance, dict) or not isinstance(rule, dict) or "required" not in rule:
        return _not_valid(e, context)
    diagnostics = []
    for key in rule["required"]:
        where = _at(context, (*path, key), key=True)
        if key == "value" and instance.get("status") == "missing":
            message = "'value' must be left out when 'status' is missing"
            hint = "a missing figure has no value: remove 'value', or change 'status' to official"
            hint += " or provisional"
        else:
            message, hint = f"'{key}' is not allowed in {_where(path, context)}", None
        diagnostics.append(_invalid(message, where, hint))
    return diagnostics


def _one_of_several(e: ValidationError, context: _Context) -> list[Diagnostic]:
    """An ``anyOf``/``oneOf``: explain the branch that fits what was written."""
    branch = _fitting_branch(e)
    if branch is not None:
        return [d for sub in branch for d in _explain(sub, context)]
    expected = [
        t for sub in e.context if sub.validator == "type" for t in _types(sub.validator_value)
    ]
    if not expected:
        return _not_valid(e, context)
    unique = list(dict.fromkeys(expected))
    return [_type_problem(_path(e), unique, e.instance, context)]


def _fitting_branch(e: ValidationError) -> list[ValidationError] | None:
    """The errors of the alternative meant: one whose type (and kind) matches the value."""
    branches: dict[object, list[ValidationError]] = {}
    for sub in e.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    fitting = [errs for errs in branches.values() if not any(map(_misfit, errs))]
    if not fitting:
        return None
    best = best_match(sub for errs in fitting for sub in errs)
    return next((errs for errs in fitting if best in errs), fitting[0])


def _misfit(e: ValidationError) -> bool:
    """Whether the error says the value is not of this alternative's kind at all."""
    where = list(e.relative_path)
    if e.validator == "type":
        return not where
    return e.validator in ("const", "enum") and where in ([], ["kind"])


def _not_valid(e: ValidationError, context: _Context) -> list[Diagnostic]:
    path, schema = _path(e), e.schema
    hint = schema.get("description") if isinstance(schema, dict) else None
    return [_invalid(f"{_name(path)} is not valid here", _at(context, path), hint)]


_EXPLAINERS: dict[str, _Explainer] = {
    "required": _missing_key,
    "additionalProperties": _unknown_key,
    "enum": _not_one_of,
    "const": _not_the_value,
    "pattern": _badly_written,
    "format": _not_a_real_date,
    "type": _wrong_type,
    "minLength": _empty,
    "minItems": _empty,
    "minProperties": _empty,
    "uniqueItems": _repeated,
    "not": _forbidden,
    "anyOf": _one_of_several,
    "oneOf": _one_of_several,
}
