"""Schema validation: every mistake in a file said in the words of the agreement, at its place."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from agreement_engine.agreements.schema import PATTERN_WORDS, SCHEMA_FILE, load_schema, validate
from agreement_engine.agreements.source import load_yaml, read_yaml
from agreement_engine.diagnostics import render_text
from agreement_engine.scenarios.files import SCHEMA_FILE as SCENARIO_SCHEMA

ROOT = Path(__file__).resolve().parents[2]

AGREEMENT = """\
format: agreement-engine/1
kind: agreement
id: halland-2022
title: Överenskommelse om trygg och effektiv utskrivning
sources:
  krf-2022: {title: KRF protokoll våren 2022}
parties:
  region: Region Halland
  municipalities: [Kungsbacka, Varberg]
validity:
  from: 2022-11-01
  until: 2024-10-31
approval:
  required: all-parties
  by:
    Region Halland: {status: approved, evidence: {source: krf-2022}}
    Kungsbacka: {status: pending, evidence: {source: krf-2022}}
    Varberg: {status: approved, date: 2022-06-01, evidence: {source: krf-2022}}
rules:
  benchmark:
    formula: national_average_days[2021]
    unit: days
  net_amount: 0 kr
"""

PARAMETERS = """\
format: agreement-engine/1
kind: parameters
id: national-figures
title: Nationella siffror
parameters:
  day_cost:
    title: Genomsnittlig kostnad för ett vårddygn
    unit: kr/day
    period: year
    values:
      2022: {value: 9300, status: official}
      2023: {value: "10500", status: provisional}
      2024: {status: missing}
  discount_rate:
    title: Rabatt
    unit: number
    period: month
    values:
      2023-11: {value: 0.35, status: official}
"""

EXTENSION = """\
format: agreement-engine/1
kind: extension
id: halland-2026
title: Förlängning 2026
extends: halland-2025
validity: {from: 2026-01-01, until: 2026-12-31}
approval:
  required: all-parties
  by:
    Kungsbacka: {status: pending, evidence: {source: rs240957, quote: "..."}}
"""

ROUTINE = """\
format: agreement-engine/1
kind: routine
id: halland-invoice-basis
title: Justering av fakturaunderlag
applies_to: [halland-2022]
validity: {from: 2023-11-01}
provisions:
  - text: Fel får rättas till dess fakturan skickats.
rules:
  discount: round(gross_amount * 35 %, 0, half_up)
"""

STATUTE = """\
format: agreement-engine/1
kind: statute
id: statute-2017-612
title: Lag (2017:612)
validity: {from: 2018-01-01}
counting:
  month: month_of(discharge_date)
  rules:
    days_ready: discharge_date - ready_date
  aggregates:
    episodes: count(days_ready >= 1 day)
rules:
  net_amount: 0 kr
"""


def rendered(text: str) -> list[str]:
    """The problems the schema finds in ``text``, as the user sees them."""
    return [render_text(d) for d in validate(load_yaml("a.yaml", text))]


@pytest.mark.parametrize(
    "text", [AGREEMENT, PARAMETERS, EXTENSION, ROUTINE, STATUTE], ids=lambda t: t.split()[3]
)
def test_a_correct_file_of_each_kind_has_no_problems(text: str) -> None:
    """The schema must accept everything docs/format.md allows."""
    assert rendered(text) == []


def bundled_files() -> list[Path]:
    """Every bundled agreement document (the scenario tests beside them have their own schema)."""
    found = [*ROOT.glob("agreements/**/*.yaml"), *ROOT.glob("examples/**/*.yaml")]
    return sorted(p for p in found if "tests" not in p.relative_to(ROOT).parts)


@pytest.mark.parametrize("path", bundled_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_bundled_files_follow_the_schema(path: Path) -> None:
    """The files the engine ships with must pass its own check."""
    assert [render_text(d) for d in validate(read_yaml(path))] == []


MISTAKES = [
    pytest.param(
        AGREEMENT.replace("validity:\n  from: 2022-11-01\n  until: 2024-10-31\n", "", 1),
        [
            "a.yaml:1:1: error: missing required key 'validity' in this agreement\n"
            " 1 | format: agreement-engine/1\n"
            "   | ^^^^^^\n"
            "hint: for example: validity: {from: 2022-11-01, until: 2024-10-31}",
        ],
        id="missing-key",
    ),
    pytest.param(
        AGREEMENT.replace("  until:", "  untill:", 1),
        [
            "a.yaml:12:3: error: unknown key 'untill' in 'validity'\n"
            " 12 |   untill: 2024-10-31\n"
            "    |   ^^^^^^\n"
            "hint: did you mean 'until'?",
        ],
        id="unknown-key",
    ),
    pytest.param(
        AGREEMENT.replace("status: pending", "status: aproved", 1),
        [
            "a.yaml:17:26: error: 'status' must be one of approved, pending, rejected, "
            "not 'aproved'\n"
            " 17 |     Kungsbacka: {status: aproved, evidence: {source: krf-2022}}\n"
            "    |                          ^^^^^^^\n"
            "hint: did you mean 'approved'?",
        ],
        id="not-one-of",
    ),
    pytest.param(
        AGREEMENT.replace("from: 2022-11-01", "from: 2022-11", 1),
        [
            "a.yaml:11:9: error: 'from' must be a date written YYYY-MM-DD, not '2022-11'\n"
            " 11 |   from: 2022-11\n"
            "    |         ^^^^^^^",
        ],
        id="month-for-date",
    ),
    pytest.param(
        AGREEMENT.replace("kind: agreement", "kind: agrement", 1),
        [
            "a.yaml:2:7: error: unknown kind 'agrement'\n"
            " 2 | kind: agrement\n"
            "   |       ^^^^^^^^\n"
            "hint: did you mean 'agreement'?",
        ],
        id="unknown-kind",
    ),
    pytest.param(
        AGREEMENT.replace("agreement-engine/1", "agreement-engine/2", 1),
        [
            "a.yaml:1:9: error: 'format' must be agreement-engine/1, not "
            "'agreement-engine/2'\n"
            " 1 | format: agreement-engine/2\n"
            "   |         ^^^^^^^^^^^^^^^^^^\n"
            "hint: write format: agreement-engine/1",
        ],
        id="wrong-format",
    ),
    pytest.param(
        AGREEMENT.replace("id: halland-2022", "id: Halland 2022", 1),
        [
            "a.yaml:3:5: error: 'id' must be written in lowercase letters, digits and "
            "'-' (like halland-2022), not 'Halland 2022'\n"
            " 3 | id: Halland 2022\n"
            "   |     ^^^^^^^^^^^^\n"
            "hint: did you mean 'halland-2022'?",
        ],
        id="bad-id",
    ),
    pytest.param(
        AGREEMENT.replace("date: 2022-06-01", "date: 2022-06-31", 1),
        [
            "a.yaml:18:39: error: 'date' must be a real date, not '2022-06-31'\n"
            " 18 |     Varberg: {status: approved, date: 2022-06-31, evidence: {source: "
            "krf-2022}}\n"
            "    |                                       ^^^^^^^^^^\n"
            "hint: there is no such day in the calendar; check the month and the day",
        ],
        id="no-such-day",
    ),
    pytest.param(
        AGREEMENT.replace("net_amount: 0 kr", "net_amount: 0", 1),
        [
            "a.yaml:23:15: error: 'net_amount' must be text or a mapping of keys, not 0\n"
            " 23 |   net_amount: 0\n"
            "    |               ^\n"
            "hint: put it in double quotes to make it text",
        ],
        id="number-as-rule",
    ),
    pytest.param(
        AGREEMENT.replace("net_amount: 0 kr", "net_amount: [0 kr]", 1),
        [
            "a.yaml:23:15: error: 'net_amount' must be text or a mapping of keys, not a "
            "list\n"
            " 23 |   net_amount: [0 kr]\n"
            "    |               ^^^^^^",
        ],
        id="list-as-rule",
    ),
    pytest.param(
        AGREEMENT.replace("    formula: national", "    formla: national", 1),
        [
            "a.yaml:20:3: error: missing required key 'formula' in 'benchmark'\n"
            " 20 |   benchmark:\n"
            "    |   ^^^^^^^^^\n"
            "hint: for example: formula: total_days / episodes",
            "a.yaml:21:5: error: unknown key 'formla' in 'benchmark'\n"
            " 21 |     formla: national_average_days[2021]\n"
            "    |     ^^^^^^\n"
            "hint: did you mean 'formula'?",
        ],
        id="misspelt-formula",
    ),
    pytest.param(
        AGREEMENT.replace("net_amount: 0 kr", "net amount: 0 kr", 1),
        [
            "a.yaml:23:3: error: the key 'net amount' in 'rules' must be a name of "
            "letters, digits and '_' that does not start with a digit (like net_amount)\n"
            " 23 |   net amount: 0 kr\n"
            "    |   ^^^^^^^^^^\n"
            "hint: did you mean 'net_amount'?",
        ],
        id="rule-name",
    ),
    pytest.param(
        AGREEMENT.replace("[Kungsbacka, Varberg]", "Kungsbacka", 1),
        [
            "a.yaml:9:19: error: 'municipalities' must be a list, not 'Kungsbacka'\n"
            " 9 |   municipalities: Kungsbacka\n"
            "   |                   ^^^^^^^^^^\n"
            "hint: write a list: [Kungsbacka, Varberg], or one item per line starting "
            "with '- '",
        ],
        id="text-for-list",
    ),
    pytest.param(
        AGREEMENT.replace("[Kungsbacka, Varberg]", "[Kungsbacka, Varberg, Kungsbacka]", 1),
        [
            "a.yaml:9:41: error: 'Kungsbacka' is listed twice in 'municipalities'\n"
            " 9 |   municipalities: [Kungsbacka, Varberg, Kungsbacka]\n"
            "   |                                         ^^^^^^^^^^\n"
            "hint: remove one of them",
        ],
        id="listed-twice",
    ),
    pytest.param(
        AGREEMENT.replace(
            "{status: pending, evidence: {source: krf-2022}}", "{status: pending}", 1
        ),
        [
            "a.yaml:17:5: error: missing required key 'evidence' in 'Kungsbacka'\n"
            " 17 |     Kungsbacka: {status: pending}\n"
            "    |     ^^^^^^^^^^\n"
            'hint: for example: evidence: {source: krf-2022, quote: "..."}',
        ],
        id="missing-evidence",
    ),
    pytest.param(
        PARAMETERS.replace('value: "10500"', 'value: "10500,50"', 1),
        [
            "a.yaml:12:21: error: 'value' must be a number like 9300 or 0.35, not "
            "'10500,50'\n"
            ' 12 |       2023: {value: "10500,50", status: provisional}\n'
            "    |                     ^^^^^^^^^^\n"
            "hint: did you mean '10500.50'? Write decimals with a point and no spaces",
        ],
        id="decimal-comma",
    ),
    pytest.param(
        PARAMETERS.replace('{value: "10500", status: provisional}', "{status: provisional}", 1),
        [
            "a.yaml:12:7: error: missing required key 'value' in '2023'\n"
            " 12 |       2023: {status: provisional}\n"
            "    |       ^^^^\n"
            "hint: give the figure with 'value:', or write 'status: missing' if it is "
            "not known",
        ],
        id="missing-value",
    ),
    pytest.param(
        PARAMETERS.replace("{status: missing}", "{status: missing, value: 0}", 1),
        [
            "a.yaml:13:31: error: 'value' must be left out when 'status' is missing\n"
            " 13 |       2024: {status: missing, value: 0}\n"
            "    |                               ^^^^^\n"
            "hint: a missing figure has no value: remove 'value', or change 'status' to "
            "official or provisional",
        ],
        id="value-of-missing",
    ),
    pytest.param(
        PARAMETERS.replace("      2024:", "      2024-01:", 1),
        [
            "a.yaml:13:7: error: the key '2024-01' in 'values' must be a year written "
            "YYYY (like 2023)\n"
            " 13 |       2024-01: {status: missing}\n"
            "    |       ^^^^^^^\n"
            "hint: with 'period: year' the figures are given per year; for figures per "
            "month, write 'period: month'",
        ],
        id="month-key-for-year",
    ),
    pytest.param(
        AGREEMENT.replace(
            "title: Överenskommelse om trygg och effektiv utskrivning", 'title: ""', 1
        ),
        [
            "a.yaml:4:8: error: 'title' must not be empty\n"
            ' 4 | title: ""\n'
            "   |        ^^\n"
            'hint: for example: title: "..."',
        ],
        id="empty-title",
    ),
    pytest.param(
        "- a\n- b\n",
        [
            "a.yaml:1:1: error: the file must be a mapping of keys (format, kind, id, "
            "title, ...), not a list\n"
            " 1 | - a\n"
            "   | ^\n"
            "hint: for example: format: agreement-engine/1",
        ],
        id="not-a-mapping",
    ),
]


@pytest.mark.parametrize(("text", "expected"), MISTAKES)
def test_each_mistake_is_said_in_plain_words_at_its_place(text: str, expected: list[str]) -> None:
    """Legal staff fix files from these messages alone, so they are asserted word for word."""
    assert rendered(text) == expected


def test_problems_are_listed_once_each_in_order_of_position() -> None:
    """Several mistakes come out sorted by line, and the format is checked only once."""
    text = (
        AGREEMENT.replace("status: pending", "status: aproved")
        .replace("  until:", "  untill:")
        .replace("agreement-engine/1", "agreement-engine/2")
    )
    assert [str(d.location) for d in validate(load_yaml("a.yaml", text))] == [
        "a.yaml:1:9",
        "a.yaml:12:3",
        "a.yaml:17:26",
    ]


def test_messages_carry_no_schema_jargon() -> None:
    """No JSON pointers, keyword names or jsonschema's own sentences reach the user."""
    jargon = re.compile(
        r"\$defs|#/|is not valid under|additional ?properties|required property|anyOf|oneOf"
        r"|propertyNames|\bschema\b",
        re.IGNORECASE,
    )
    for param in MISTAKES:
        _, expected = param.values
        assert isinstance(expected, list)
        assert not any(jargon.search(line) for line in expected), expected


# -- the schema files themselves: the agreement files' and the scenario test files' ---------------

SCHEMAS = pytest.mark.parametrize(
    "schema_file", [SCHEMA_FILE, SCENARIO_SCHEMA], ids=["agreements", "tests"]
)


@SCHEMAS
def test_the_schema_is_a_valid_draft_2020_12_schema(schema_file: str) -> None:
    """Editors and jsonschema both read it, so it must be valid JSON Schema."""
    Draft202012Validator.check_schema(load_schema(schema_file))


@SCHEMAS
def test_the_schema_for_editors_is_the_one_the_engine_uses(schema_file: str) -> None:
    """schemas/ (named in every file's modeline) holds a copy of the packaged schema (a real
    file, for Windows clones; tests/test_schema_copies.py keeps the bytes equal)."""
    editors = ROOT / "schemas" / schema_file
    assert not editors.is_symlink()
    assert json.loads(editors.read_text(encoding="utf-8")) == load_schema(schema_file)


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


@SCHEMAS
def test_every_pattern_in_the_schema_can_be_said_in_words(schema_file: str) -> None:
    """A pattern the engine cannot explain would surface as a regular expression."""
    patterns = {s["pattern"] for s in walk(load_schema(schema_file)) if "pattern" in s}
    assert patterns <= set(PATTERN_WORDS)


# A property that only narrows one described elsewhere (to a constant, a choice, or - in the
# agreement schema only - the names a figure's values are kept by) needs no help of its own.
@pytest.mark.parametrize(
    ("schema_file", "narrowing"),
    [
        (SCHEMA_FILE, {"const", "enum", "propertyNames"}),
        (SCENARIO_SCHEMA, {"const", "enum"}),
    ],
    ids=["agreements", "tests"],
)
def test_every_key_has_help_for_editors(schema_file: str, narrowing: set[str]) -> None:
    """yaml-language-server shows a title or description as staff type each key."""
    schema = load_schema(schema_file)

    def helped(prop: dict[str, Any]) -> bool:
        target = prop
        if "$ref" in prop:
            target = schema["$defs"][prop["$ref"].rsplit("/", 1)[1]]
        return any(k in prop or k in target for k in ("title", "description"))

    missing = [
        name
        for node in walk(schema)
        for name, prop in (node.get("properties") or {}).items()
        if isinstance(prop, dict) and not prop.keys() <= narrowing and not helped(prop)
    ]
    assert missing == []
