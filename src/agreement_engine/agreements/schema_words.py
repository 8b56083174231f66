"""The words the schema's messages are made of: what each kind of file, pattern and type is
called, an example for each key, and how a place in a file and a value written there are said.

Kept apart from the messages (:mod:`.schema_messages`) so that the format's vocabulary is read in
one place: a pattern added to the schema (``schemas/agreement-engine.schema.json``) gets its
words in :data:`PATTERN_WORDS` (a test checks that every pattern has them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from agreement_engine.agreements.yaml_document import KeyPath

KINDS = ("agreement", "extension", "routine", "statute", "parameters")

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

KIND_WORDS = {kind: kind for kind in KINDS} | {"parameters": "parameters file"}
TYPE_WORDS = {
    "object": "a mapping of keys",
    "array": "a list",
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "empty",
}
EXAMPLES = {
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
KEY_HINTS = {
    YEAR_PATTERN: "with 'period: year' the figures are given per year; for figures per month,"
    " write 'period: month'",
    MONTH_PATTERN: "with 'period: month' the figures are given per month; for figures per year,"
    " write 'period: year'",
}
MISSING_VALUE_HINT = "give the figure with 'value:', or write 'status: missing' if it is not known"


def name_of(path: KeyPath) -> str:
    """What to call the value at ``path``: 'until', item 2 of 'municipalities', the file."""
    if not path:
        return "the file"
    last = path[-1]
    if isinstance(last, int):
        return f"item {last + 1} of {name_of(path[:-1])}"
    return f"'{last}'"


def shown(value: object) -> str:
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


def alternatives(words: Sequence[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def suggestion(pattern: str, value: str) -> str | None:
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
