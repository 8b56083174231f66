"""One explainer per JSON Schema keyword: a problem jsonschema found, said in the user's words,
at the line and column where it is.

:func:`explain` picks the explainer by the keyword that failed (``required``: a missing key,
``additionalProperties``: an unknown key with a did-you-mean, ``pattern``: a value badly
written, ...); an ``anyOf`` or ``oneOf`` is explained by the alternative that fits what was
written. A keyword without an explainer says the value is not valid here. The words come from
:mod:`.schema_words`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from jsonschema.exceptions import ValidationError, best_match

from agreement_engine.agreements.schema_words import (
    KEY_HINTS,
    KINDS,
    MISSING_VALUE_HINT,
    PATTERN_WORDS,
    TYPE_WORDS,
    alternatives,
    name_of,
    shown,
    suggestion,
)
from agreement_engine.agreements.yaml_document import KeyPath, YamlDocument
from agreement_engine.diagnostics import Diagnostic, Location, did_you_mean, error
from agreement_engine.frozen import frozen

_Explainer = Callable[[ValidationError, "Context"], list[Diagnostic]]


@frozen
class Context:
    """The document being checked, and what to call it ("this agreement")."""

    doc: YamlDocument
    kind_word: str
    examples: Mapping[str, str]


def explain(e: ValidationError, context: Context) -> list[Diagnostic]:
    """The problems one error of jsonschema stands for, in the user's words."""
    explainer = _EXPLAINERS.get(str(e.validator), _not_valid)
    return explainer(e, context)


# -- places and values ----------------------------------------------------------------------------


def _path(e: ValidationError) -> KeyPath:
    return tuple(e.absolute_path)


def _where(path: KeyPath, context: Context) -> str:
    return f"this {context.kind_word}" if not path else name_of(path)


def _types(expected: object) -> list[str]:
    return [expected] if isinstance(expected, str) else _listed(expected)


def _listed(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _example(path: KeyPath, context: Context) -> str | None:
    key = path[-1] if path else None
    example = context.examples.get(key) if isinstance(key, str) else None
    return f"for example: {example}" if example else None


def _at(context: Context, path: KeyPath, *, key: bool = False) -> Location:
    return context.doc.locate(path, key=key)


def _invalid(message: str, where: Location, hint: str | None = None) -> Diagnostic:
    return error(message, where, hint=hint, code="invalid-value")


# -- one explainer per schema keyword -------------------------------------------------------------


def _missing_key(e: ValidationError, context: Context) -> list[Diagnostic]:
    path, instance = _path(e), e.instance
    if not isinstance(instance, dict):
        return []
    where = _at(context, path, key=True)
    return [
        error(
            f"missing required key '{key}' in {_where(path, context)}",
            where,
            hint=MISSING_VALUE_HINT if key == "value" else _example((key,), context),
            code="missing-key",
        )
        for key in _listed(e.validator_value)
        if key not in instance
    ]


def _unknown_key(e: ValidationError, context: Context) -> list[Diagnostic]:
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


def _not_one_of(e: ValidationError, context: Context) -> list[Diagnostic]:
    path, value, choices = _path(e), e.instance, _listed(e.validator_value)
    close = did_you_mean(value, choices) if isinstance(value, str) else None
    where = _at(context, path)
    if path == ("kind",):
        hint = close or f"the kind is one of {', '.join(KINDS)}"
        return [error(f"unknown kind {shown(value)}", where, hint=hint, code="unknown-kind")]
    message = f"{name_of(path)} must be one of {', '.join(choices)}, not {shown(value)}"
    return [_invalid(message, where, close)]


def _not_the_value(e: ValidationError, context: Context) -> list[Diagnostic]:
    path, expected = _path(e), e.validator_value
    message = f"{name_of(path)} must be {expected}, not {shown(e.instance)}"
    hint = f"write {path[-1]}: {expected}" if path and isinstance(path[-1], str) else None
    return [_invalid(message, _at(context, path), hint)]


def _badly_written(e: ValidationError, context: Context) -> list[Diagnostic]:
    path, pattern, value = _path(e), str(e.validator_value), e.instance
    words = PATTERN_WORDS.get(pattern, "written in the form expected here")
    if "propertyNames" in e.absolute_schema_path:
        message = f"the key '{value}' in {_where(path, context)} must be {words}"
        where = _at(context, (*path, str(value)), key=True)
        hint = suggestion(pattern, str(value)) or KEY_HINTS.get(pattern)
        return [_invalid(message, where, hint)]
    message = f"{name_of(path)} must be {words}, not {shown(value)}"
    return [_invalid(message, _at(context, path), suggestion(pattern, str(value)))]


def _not_a_real_date(e: ValidationError, context: Context) -> list[Diagnostic]:
    path = _path(e)
    message = f"{name_of(path)} must be a real date, not {shown(e.instance)}"
    hint = "there is no such day in the calendar; check the month and the day"
    return [_invalid(message, _at(context, path), hint)]


def _wrong_type(e: ValidationError, context: Context) -> list[Diagnostic]:
    return [_type_problem(_path(e), _types(e.validator_value), e.instance, context)]


def _type_problem(
    path: KeyPath, expected: list[str], value: object, context: Context
) -> Diagnostic:
    words = alternatives([TYPE_WORDS.get(t, t) for t in expected])
    where = _at(context, path)
    if not path:
        message = f"the file must be {words} (format, kind, id, title, ...), not {shown(value)}"
        return _invalid(message, where, _example(("format",), context))
    hint = _example(path, context)
    if "string" in expected and isinstance(value, int | Decimal | bool):
        hint = "put it in double quotes to make it text"
    elif "array" in expected and isinstance(value, str):
        hint = "write a list: [Kungsbacka, Varberg], or one item per line starting with '- '"
    return _invalid(f"{name_of(path)} must be {words}, not {shown(value)}", where, hint)


def _empty(e: ValidationError, context: Context) -> list[Diagnostic]:
    path, least = _path(e), e.validator_value
    if least == 1:
        message = f"{name_of(path)} must not be empty"
    else:
        message = f"{name_of(path)} must have at least {least} items"
    return [_invalid(message, _at(context, path), _example(path, context))]


def _repeated(e: ValidationError, context: Context) -> list[Diagnostic]:
    path, items = _path(e), e.instance
    if not isinstance(items, list):
        return []
    for later, item in enumerate(items):
        if item in items[:later]:
            message = f"{shown(item)} is listed twice in {name_of(path)}"
            return [_invalid(message, _at(context, (*path, later)), "remove one of them")]
    return []


def _forbidden(e: ValidationError, context: Context) -> list[Diagnostic]:
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


def _one_of_several(e: ValidationError, context: Context) -> list[Diagnostic]:
    """An ``anyOf``/``oneOf``: explain the branch that fits what was written."""
    branch = _fitting_branch(e)
    if branch is not None:
        return [d for sub in branch for d in explain(sub, context)]
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


def _not_valid(e: ValidationError, context: Context) -> list[Diagnostic]:
    path, schema = _path(e), e.schema
    hint = schema.get("description") if isinstance(schema, dict) else None
    return [_invalid(f"{name_of(path)} is not valid here", _at(context, path), hint)]


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
