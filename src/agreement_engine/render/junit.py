"""Scenario test results as JUnit XML, the report CI systems read (``test --junit FILE``).

One ``testsuite`` per test file and one ``testcase`` per case, named by the case and placed
by file and line. A failing case has one ``failure`` per value it got wrong: its ``message`` is
the short line (the failing figure, expected and got), its text the derivation of that figure
(the line's whole derivation with ``verbose``). Problems in a case as written are ``error``; a
problem in a file as a whole is an ``error`` of a testcase named after the file. The same run
gives the same bytes (no timestamps, no times).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from agreement_engine.diagnostics import Diagnostic, render_text
from agreement_engine.render.i18n import ENGLISH, Language
from agreement_engine.render.scenarios import failure_derivation, failure_message

if TYPE_CHECKING:
    from agreement_engine.scenarios.cases import CaseResult, FileResult, ScenarioRun


def render_junit(run: ScenarioRun, lang: Language = ENGLISH, verbose: bool = False) -> str:
    """The run as JUnit XML text."""
    suites = [_suite(file, lang, verbose) for file in run.files]
    root = ET.Element(
        "testsuites",
        name="agreement-engine",
        tests=str(sum(int(s.get("tests", "0")) for s in suites)),
        failures=str(sum(int(s.get("failures", "0")) for s in suites)),
        errors=str(sum(int(s.get("errors", "0")) for s in suites)),
    )
    root.extend(suites)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _suite(file: FileResult, lang: Language, verbose: bool) -> ET.Element:
    cases = [_case(file.path, case, lang, verbose) for case in file.cases]
    problems = [d for d in file.problems if d.is_error]
    if problems:
        cases.insert(0, _file_problems(file.path, problems))
    suite = ET.Element(
        "testsuite",
        name=file.path,
        tests=str(len(cases)),
        failures=str(sum(case.find("failure") is not None for case in cases)),
        errors=str(sum(case.find("error") is not None for case in cases)),
        skipped="0",
        file=file.path,
    )
    suite.extend(cases)
    return suite


def _case(path: str, case: CaseResult, lang: Language, verbose: bool) -> ET.Element:
    element = ET.Element(
        "testcase",
        classname=_classname(path),
        name=case.name,
        file=path,
        line=str(case.location.line),
    )
    for failure in case.failures:
        failed = ET.SubElement(element, "failure", message=failure_message(failure, lang))
        failed.set("type", failure.subject)
        failed.text = failure_derivation(failure, lang, verbose)
    for problem in case.problems:
        if problem.is_error:
            _error(element, problem)
    if not case.ran and not case.failures and not case.problems:
        ET.SubElement(element, "error", message="not run")
    return element


def _file_problems(path: str, problems: list[Diagnostic]) -> ET.Element:
    element = ET.Element("testcase", classname=_classname(path), name=path, file=path)
    for problem in problems:
        _error(element, problem)
    return element


def _error(element: ET.Element, problem: Diagnostic) -> None:
    error = ET.SubElement(element, "error", message=problem.message, type=problem.code)
    error.text = render_text(problem)


def _classname(path: str) -> str:
    """'agreements/halland/tests/2022.yaml' → 'agreements.halland.tests.2022'."""
    stem = path.rsplit(".", 1)[0] if path.endswith((".yaml", ".yml")) else path
    return stem.replace("/", ".").replace("\\", ".")
