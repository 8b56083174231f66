"""Scenario test files: found beside the agreements, checked, and read into cases ready to run.

A test file is checked against its schema first; then each case is read on its own, so that a
mistake in one case keeps only that case from running. Every problem is located in the file and
worded as ``check`` words the agreement files' problems. A case's input is read by :mod:`.inputs`,
the test figures by :mod:`.figures`; :mod:`.run` runs the cases.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agreement_engine.agreements.documents import (
    Agreement,
    Extension,
    Routine,
    Statute,
)
from agreement_engine.agreements.library import YAML_SUFFIXES, Library
from agreement_engine.agreements.readings import chosen_readings
from agreement_engine.agreements.schema import validate
from agreement_engine.agreements.yaml_document import KeyPath, YamlDocument
from agreement_engine.billing.lines import LineStatus
from agreement_engine.billing.ruleset import DEFAULT_AGGREGATES
from agreement_engine.diagnostics import (
    Diagnostic,
    Location,
    UsageError,
    did_you_mean,
    error,
)
from agreement_engine.formula import Value
from agreement_engine.months import YearMonth
from agreement_engine.scenarios.cases import (
    Case,
    Expectation,
    ScenarioFigure,
    Written,
)
from agreement_engine.scenarios.figures import merged, read_figures
from agreement_engine.scenarios.inputs import read_input
from agreement_engine.scenarios.values import VALUE_WORDS, BadValue, as_written, parse_value

FORMAT = "agreement-engine-tests/1"
SCHEMA_FILE = "scenario-tests.schema.json"
TESTS_FOLDER = "tests"
STATUSES = {status.value: status for status in LineStatus}

# The hints of schema problems, by key: "for example: month: 2023-11".
EXAMPLES = {
    "format": f"format: {FORMAT}",
    "cases": "cases: [{name: ..., municipality: Varberg, month: 2023-11, input: {...}}]",
    "name": 'name: "exactly at the benchmark, pays nothing"',
    "municipality": "municipality: Varberg",
    "month": "month: 2023-11",
    "from": "from: 2022-11",
    "to": "to: 2023-10",
    "input": "input: {episodes: 10, total_days: 66}",
    "episodes": "episodes: 10",
    "total_days": "total_days: 66 days",
    "care_episodes": "care_episodes: [{ready_date: 2025-03-03, notice_time: 11:59, "
    "discharge_date: 2025-03-10}]",
    "ready_date": "ready_date: 2025-03-03",
    "discharge_date": "discharge_date: 2025-03-10",
    "notice_time": "notice_time: 11:59",
    "output": "output: {net_amount: 93000 kr}",
    "status": "status: provisional",
    "reasons": 'reasons: ["national_day_cost for 2022 is provisional"]',
    "error": 'error: "before the ready_date"',
    "figures": "figures: {national_average_days: {2021: 5.6 days}}",
    "assume_approved": "assume_approved: true",
    "readings": "readings: {benchmark-2024: 2021-average-from-2024}",
    "source": "source: krf-2022",
}


# -- finding test files ---------------------------------------------------------------------------


def find_test_files(paths: Iterable[str]) -> list[Path]:
    """The YAML files named, and those in a folder named ``tests`` under the folders named."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if os.path.lexists(path) and not path.is_dir():  # a pipe or a link too: reading says so
            found.append(path)
        elif path.is_dir():
            tests = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in YAML_SUFFIXES and p.parent.name == TESTS_FOLDER and not p.is_dir()
            )
            if not tests:
                raise UsageError(
                    f"no test files in {name}: test files are YAML files in a folder named "
                    f"'{TESTS_FOLDER}', like agreements/halland/tests/2022-agreement.yaml"
                )
            found.extend(tests)
        else:
            raise UsageError(f"no such file or folder: {name}")
    return sorted(dict.fromkeys(found))


# -- reading a test file --------------------------------------------------------------------------


@dataclass
class FileReader:
    """Checks a test file against the schema, then reads its cases one by one."""

    doc: YamlDocument
    library: Library
    data: dict[str, Any] = field(default_factory=dict)
    figures: dict[str, dict[str, ScenarioFigure]] = field(default_factory=dict)

    def at(self, keypath: KeyPath, *, key: bool = False) -> Location:
        return self.doc.locate(keypath, key=key)

    def check_file(self) -> list[Diagnostic]:
        """Problems of the file as a whole: its shape, and the figures it gives every case."""
        if not isinstance(self.doc.data, dict):
            hint = f"start the file with 'format: {FORMAT}' and put the cases under 'cases:'"
            message = "a test file is a mapping of keys (format, cases, ...), not a list"
            if not isinstance(self.doc.data, list):
                message = "a test file is a mapping of keys (format, cases, ...)"
            return [error(message, self.at(()), hint=hint, code="invalid-value")]
        self.data = self.doc.data
        problems = validate(
            self.doc, schema_file=SCHEMA_FILE, examples=EXAMPLES, file_word="test file"
        )
        if problems:
            return problems
        self.figures, figure_problems = read_figures(self, ("figures",))
        return figure_problems

    def case_places(self) -> tuple[tuple[str, Location], ...]:
        """The name and place of every case, as far as a file that cannot be read shows them."""
        cases = self.data.get("cases")
        if not isinstance(cases, list) or not cases:
            return ((self.doc.path, self.at(())),)
        return tuple(
            (_case_name(entry, index), self.at(("cases", index)))
            for index, entry in enumerate(cases)
        )

    def case(self, index: int, entry: dict[str, Any]) -> tuple[Case | None, list[Diagnostic]]:
        """One case, or None with the problems that keep it from running."""
        path: KeyPath = ("cases", index)
        problems: list[Diagnostic] = []
        municipality = self._municipality(path, entry["municipality"], problems)
        months = self._months((*path, "month"), entry["month"], problems)
        own, figure_problems = read_figures(self, (*path, "figures"))
        problems += figure_problems
        readings = self._readings(path, entry, problems)
        data, refused = read_input(self, (*path, "input"), entry["input"], problems)
        outputs = self._outputs((*path, "output"), entry.get("output") or {}, problems)
        self._expects_something(path, entry, problems)
        if any(p.is_error for p in problems) or data is None:
            return None, problems
        status = entry.get("status")
        return Case(
            name=entry["name"],
            yaml=self.doc,
            location=self.at((*path, "name")),
            municipality=municipality,
            months=months,
            assume_approved=bool(entry.get("assume_approved", False)),
            readings=readings,
            figures=merged(self.figures, own),
            data=data,
            outputs=outputs,
            status=STATUSES[status] if status else None,
            status_location=self.at((*path, "status")) if status else None,
            reasons=tuple(
                Written(text, self.at((*path, "reasons", i)))
                for i, text in enumerate(entry.get("reasons") or [])
            ),
            error=Written(entry["error"], self.at((*path, "error"))) if "error" in entry else None,
            refused=tuple(refused),
        ), problems

    # -- parts of a case

    def _readings(
        self, path: KeyPath, entry: dict[str, Any], problems: list[Diagnostic]
    ) -> dict[str, str]:
        """The readings the case is computed under: the file's, then its own."""
        chosen: dict[str, str] = {}
        for where in (("readings",), (*path, "readings")):
            given = (self.data if len(where) == 1 else entry).get("readings") or {}
            for assumption, alternative in given.items():
                try:
                    chosen_readings(self.library, {assumption: alternative})
                except UsageError as exc:
                    message, _, hint = str(exc).partition("\nhint: ")
                    message = message.replace("--reading names", "the readings name")
                    at = self.at((*where, assumption), key=True)
                    problems.append(error(message, at, hint=hint or None, code="unknown-name"))
                chosen[assumption] = alternative
        return chosen

    def _municipality(self, path: KeyPath, name: str, problems: list[Diagnostic]) -> str:
        known = self.library.municipalities
        if name not in known:
            hint = did_you_mean(name, known) or "the municipalities are " + ", ".join(known)
            where = self.at((*path, "municipality"))
            problems.append(
                error(f"unknown municipality '{name}'", where, hint=hint, code="unknown-name")
            )
        return name

    def _months(
        self, path: KeyPath, written: str | dict[str, str], problems: list[Diagnostic]
    ) -> tuple[YearMonth, ...]:
        if isinstance(written, str):
            return (YearMonth.parse(written),)
        first, last = YearMonth.parse(written["from"]), YearMonth.parse(written["to"])
        if last < first:
            problems.append(
                error(
                    f"the range of months ends ({last}) before it starts ({first})",
                    self.at((*path, "to")),
                    hint="'from' is the first month of the range and 'to' the last",
                    code="invalid-value",
                )
            )
        return YearMonth.range(first, last)

    def _outputs(
        self, path: KeyPath, written: dict[str, Any], problems: list[Diagnostic]
    ) -> tuple[Expectation, ...]:
        known = _rule_names(self.library)
        expectations = []
        for name, text in written.items():
            if name not in known:
                hint = did_you_mean(name, known) or "the rules are " + ", ".join(sorted(known))
                where = self.at((*path, name), key=True)
                problems.append(
                    error(
                        f"unknown rule '{name}' in 'output'", where, hint=hint, code="unknown-rule"
                    )
                )
                continue
            where = self.at((*path, name))
            value = self.value(name, text, where, problems)
            if value is not None:
                expectations.append(Expectation(name, value, as_written(text), where))
        return tuple(expectations)

    def value(
        self, name: str, written: object, where: Location, problems: list[Diagnostic]
    ) -> Value | None:
        try:
            return parse_value(written)
        except BadValue as bad:
            message = f"'{name}' must be {VALUE_WORDS}, not '{as_written(written)}'"
            problems.append(error(message, where, hint=bad.hint, code="invalid-value"))
            return None

    def _expects_something(
        self, path: KeyPath, entry: dict[str, Any], problems: list[Diagnostic]
    ) -> None:
        expects = [key for key in ("output", "status", "reasons") if key in entry]
        if "error" in entry and expects:
            problems.append(
                error(
                    f"a case that expects an error cannot also expect '{expects[0]}'",
                    self.at((*path, "error"), key=True),
                    hint="an input the engine refuses gives no values: make it two cases",
                    code="invalid-value",
                )
            )
        elif "error" not in entry and not expects:
            problems.append(
                error(
                    f"the case '{entry['name']}' expects nothing",
                    self.at((*path, "name")),
                    hint="say what the engine must give: output, status (and reasons) or error",
                    code="missing-key",
                )
            )


def _case_name(entry: object, index: int) -> str:
    name = entry.get("name") if isinstance(entry, dict) else None
    return name if isinstance(name, str) and name else f"case {index + 1}"


def _rule_names(library: Library) -> set[str]:
    """Every name a case may expect a value of: rules and the monthly aggregates, those a
    reading adds included."""
    names = set(DEFAULT_AGGREGATES)
    for document in library.documents:
        if isinstance(document, Agreement | Extension | Routine | Statute):
            names.update(document.rules)
        if isinstance(document, Agreement | Statute) and document.counting is not None:
            names.update(document.counting.aggregates)
        for assumption in document.assumptions:
            for alternative in assumption.alternatives:
                for change in alternative.changes:
                    names.update(change.rules, change.aggregates)
    return names
