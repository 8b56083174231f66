"""How scenario test results are shown: one line per failure with its derivation, and a summary.

A failure reads like a compiler's message, at the place in the test file where the expected value
was written, followed by the part of ``explain``'s derivation that made the value::

    agreements/halland/tests/2022-agreement.yaml:103:19: failed: just above the benchmark
    (Halmstad, 2023-03): net_amount expected 10501 kr, got 10500 kr
        Inputs:
          episodes = 30
        ...

The last line is the summary, exactly ``N passed, N failed``, in English whatever the language
of the rest: CI systems read it. ``--verbose`` shows a failure's whole derivation (all of
``explain``) instead of the part that made the failing value; :mod:`.junit` gives the same run as
JUnit XML.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from agreement_engine.agreements.library import Library
from agreement_engine.billing.lines import InvoiceLine
from agreement_engine.billing.ruleset import dependencies
from agreement_engine.diagnostics import render_text as render_diagnostic
from agreement_engine.diagnostics import to_json
from agreement_engine.formula import parse
from agreement_engine.render.explain import explain
from agreement_engine.render.i18n import ENGLISH, N_, Language

if TYPE_CHECKING:
    from agreement_engine.scenarios.cases import CaseResult, Failure, ScenarioRun

_STEP = re.compile(r"\s*[0-9]+\. (\S+) = ")
_INDENT = "    "


# -- the derivation of a failing value ------------------------------------------------------------


def derivation(line: InvoiceLine, library: Library, subject: str, lang: Language = ENGLISH) -> str:
    """The part of ``explain``'s text that derives ``subject`` (a rule, status or reasons).

    A rule's value: the inputs, the steps of that rule and of every rule it rests on, and the
    result. Anything else (the status, the reasons, a value not computed): why these rules govern
    the month, the inputs and the result with its reasons.
    """
    sections = _sections(explain(line, library, lang=lang), lang)
    steps_heading = lang._("Steps:")
    steps = dict(_steps(sections.get(steps_heading, [])))
    inputs, result = sections.get(lang._("Inputs:"), []), sections.get("Result", [])
    if subject in steps:
        needed = _needed(line, subject)
        chosen = [text for rule, block in steps.items() if rule in needed for text in block]
        parts = [inputs, [steps_heading, *chosen], result]
    elif subject in line.inputs:
        parts = [inputs, result]
    else:
        why = sections.get(lang._("Why these rules govern this month:"), [])
        parts = [why, inputs, result]
    return "\n".join(text for part in parts for text in part)


def failure_derivation(failure: Failure, lang: Language = ENGLISH, verbose: bool = False) -> str:
    """The derivation shown with a failure: of its subject, in the line it was expected of;
    ``verbose``: the line's whole derivation."""
    if failure.line is None or failure.library is None:
        return ""
    if verbose:
        return explain(failure.line, failure.library, lang=lang).rstrip("\n")
    return derivation(failure.line, failure.library, failure.subject, lang)


def failure_message(failure: Failure, lang: Language = ENGLISH) -> str:
    """What failed, in one line: 'case (Halmstad, 2023-03): net_amount expected 10501 kr, got
    10500 kr'."""
    if lang.english:
        return failure.message
    template = (
        "{case} ({municipality}, {month}): {subject} expected {expected}, got {actual}"
        if failure.month
        else "{case} ({municipality}): {subject} expected {expected}, got {actual}"
    )
    return lang._(
        template,
        case=failure.case,
        municipality=failure.municipality,
        month=failure.month,
        subject=failure.subject,
        expected=failure.expected,
        actual=failure.actual,
    )


_MESSAGES = (
    N_("{case} ({municipality}, {month}): {subject} expected {expected}, got {actual}"),
    N_("{case} ({municipality}): {subject} expected {expected}, got {actual}"),
)


def _sections(text: str, lang: Language) -> dict[str, list[str]]:
    """explain's text by section, each keyed by its heading ('Result' for the result)."""
    result = lang._("Result: not computed, because:").split(":")[0] + ":"
    sections: dict[str, list[str]] = {}
    for block in text.rstrip("\n").split("\n\n"):
        lines = block.split("\n")
        heading = "Result" if lines[0].startswith(result) else lines[0]
        sections[heading] = lines
    return sections


def _steps(lines: list[str]) -> list[tuple[str, list[str]]]:
    """The numbered steps of explain's 'Steps:' section, each with its lines."""
    steps: list[tuple[str, list[str]]] = []
    for text in lines[1:]:
        found = _STEP.match(text)
        if found:
            steps.append((found[1], [text]))
        elif steps:
            steps[-1][1].append(text)
    return steps


def _needed(line: InvoiceLine, rule: str) -> set[str]:
    """The rule and every rule of the line it rests on."""
    uses = {step.rule: dependencies(parse(step.formula)) for step in line.steps}
    needed, todo = set(), [rule]
    while todo:
        name = todo.pop()
        if name not in needed and name in uses:
            needed.add(name)
            todo.extend(uses[name])
    return needed


# -- the whole run --------------------------------------------------------------------------------


def render_text(run: ScenarioRun, lang: Language = ENGLISH, verbose: bool = False) -> str:
    """Problems in the test files, one line per failure with its derivation, and the summary."""
    blocks: list[str] = []
    for file in run.files:
        blocks += [render_diagnostic(d) for d in file.problems]
        for case in file.cases:
            blocks += [render_diagnostic(d) for d in case.problems]
            blocks += [_failure_text(f, lang, verbose) for f in case.failures]
    blocks.append(run.summary)
    return "\n\n".join(blocks) + "\n"


def _failure_text(failure: Failure, lang: Language, verbose: bool) -> str:
    failed = lang._("failed")
    lines = [f"{failure.location}: {failed}: {failure_message(failure, lang)}"]
    shown = failure_derivation(failure, lang, verbose)
    lines += [f"{_INDENT}{text}".rstrip() for text in shown.splitlines()]
    return "\n".join(lines)


def render_json(run: ScenarioRun) -> str:
    """The run as JSON: counts, the problems in the test files, and every case's outcome."""
    problems = [
        d
        for file in run.files
        for d in (*file.problems, *(p for c in file.cases for p in c.problems))
    ]
    payload = {
        "passed": run.passed,
        "failed": run.failed,
        "files": [file.path for file in run.files],
        "diagnostics": [to_json(d) for d in problems],
        "cases": [_case_json(case) for case in run.cases],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def _case_json(case: CaseResult) -> dict[str, object]:
    return {
        "name": case.name,
        "file": case.location.path,
        "line": case.location.line,
        "outcome": "passed" if case.passed else "failed",
        "failures": [_failure_json(f) for f in case.failures],
    }


def _failure_json(failure: Failure) -> dict[str, object]:
    return {
        "file": failure.location.path,
        "line": failure.location.line,
        "column": failure.location.column,
        "case": failure.case,
        "municipality": failure.municipality,
        "month": str(failure.month) if failure.month else None,
        "subject": failure.subject,
        "expected": failure.expected,
        "actual": failure.actual,
        "message": failure.message,
        "derivation": failure_derivation(failure),
    }
