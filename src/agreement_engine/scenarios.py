"""Scenario tests: what the agreements must produce for a month, written down beside them.

The people who negotiate an agreement know what it should give for a month long before anyone
reads the rules. They write that down in YAML, in a folder ``tests`` beside the agreement files
(``agreements/halland/tests/*.yaml``), and ``agreement-engine test`` runs it::

    cases:
      - name: just above the benchmark
        municipality: Halmstad
        month: 2023-03
        input: {episodes: 30, total_days: 169}
        output:
          average_days: 169/30 days
          net_amount: 10500 kr
        status: provisional

Each case is one municipality in one month (or a range of months). Its input is the month's
aggregates or a few care episodes written inline; it expects values of rules by name (compared
exactly: no tolerance), a status with reasons, or that the engine refuses the input. Test figures
(``figures:``) fill, for these cases only, the dated figures that no real file gives a value for.

This module reads test files (problems in them are located and worded as ``check`` words them),
runs the cases through :func:`agreement_engine.billing.bill`, and compares.
:mod:`.scenario_output` renders the results.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agreement_engine import scenario_output
from agreement_engine.billing import InvoiceLine, LineStatus, bill
from agreement_engine.checks import check_library
from agreement_engine.commands import AGREEMENT_ERRORS, UsageError
from agreement_engine.data import FIELDS, MonthlyFigures
from agreement_engine.diagnostics import (
    Diagnostic,
    EngineError,
    Location,
    did_you_mean,
    error,
    warning,
)
from agreement_engine.documents import (
    Agreement,
    Extension,
    Figure,
    ParameterSeries,
    ParameterSet,
    Routine,
    Statute,
)
from agreement_engine.formula import Amount, Value, to_decimal
from agreement_engine.formula.types import NUMBER, UNITS, describe, unit_symbol
from agreement_engine.library import YAML_SUFFIXES, Library, load
from agreement_engine.months import YearMonth
from agreement_engine.ruleset import DEFAULT_AGGREGATES
from agreement_engine.schema import validate
from agreement_engine.sources import AggregateData, EpisodeData
from agreement_engine.yamlsource import KeyPath, YamlDocument, read_yaml

if TYPE_CHECKING:
    import polars as pl

FORMAT = "agreement-engine-tests/1"
SCHEMA_FILE = "scenario-tests.schema.json"
DEFAULT_FOLDER = "agreements"
TESTS_FOLDER = "tests"
OUTPUT_FORMATS = ("text", "json")
TEST_FIGURES = "test figures"
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
    "source": "source: krf-2022",
}

_QUANTITY = re.compile(
    r"(?P<number>-?[0-9]+(?:\.[0-9]+)?)(?:\s*/\s*(?P<denominator>[0-9]+))?"
    r"(?:\s*(?P<unit>kr/day|kr|days|day|%))?"
)
_WITH_UNIT = re.compile(r"(?P<number>-?[0-9][0-9.,/ \u00a0\u202f]*?)\s*(?P<unit>[^\s0-9].*)")
_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR = re.compile(r"[0-9]{4}")
_TIME = re.compile(r"([01]?[0-9]|2[0-3])[:.]([0-5][0-9])(?:[:.]([0-5][0-9]))?")
# Units as people write them in Swedish and English, and how the formula language writes them.
_UNIT_WORDS = {
    "kronor": "kr",
    "sek": "kr",
    "kr.": "kr",
    "dagar": "days",
    "dag": "days",
    "dygn": "days",
    "vårddygn": "days",
    "kr/dag": "kr/day",
    "kr/dygn": "kr/day",
    "kr/vårddygn": "kr/day",
    "kr per day": "kr/day",
    "procent": "%",
    "percent": "%",
}
_VALUE_WORDS = "a value like 12345 kr, 5.3 days, 37/3 days or 12"
_YES_NO_FIELDS = ("admission_notice_sent", "ready_notice_sent", "sip_required")


# -- values written like formula literals ---------------------------------------------------------


class BadValue(ValueError):
    """A value that is not written like a formula literal; ``hint`` says how to write it."""

    def __init__(self, hint: str | None) -> None:
        super().__init__(hint or "")
        self.hint = hint


def parse_value(written: object) -> Value:
    """A value written like a formula literal: ``12345 kr``, ``5.3 days``, ``37/3 days``,
    ``35 %``, ``12``, ``true``, ``2023-11`` or ``2023-11-01``. Exact: never a float."""
    if isinstance(written, bool):
        return written
    if isinstance(written, int | Decimal):
        return Amount(Fraction(written), NUMBER)
    text = " ".join(str(written).split())
    found = _QUANTITY.fullmatch(text)
    if found:
        denominator = int(found["denominator"] or 1)
        if denominator == 0:
            raise BadValue("a value cannot be divided by 0")
        value = Fraction(Decimal(found["number"])) / denominator
        unit = found["unit"]
        if unit == "%":
            return Amount(value / 100, NUMBER)
        return Amount(value, UNITS[unit] if unit else NUMBER)
    if text in ("true", "false"):
        return text == "true"
    try:
        if _MONTH.fullmatch(text):
            return YearMonth.parse(text)
        if _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        raise BadValue("there is no such month or day in the calendar") from None
    raise BadValue(_value_hint(text))


def _value_hint(text: str) -> str | None:
    """How to write a value that is almost right: a decimal comma, digit groups, a unit."""
    point = re.sub(r"(?<=[0-9]),(?=[0-9])", ".", text)
    if point != text and _QUANTITY.fullmatch(point):
        return f"write decimals with a point: {point}"
    joined = re.sub(r"(?<=[0-9])[ \u00a0\u202f](?=[0-9]{3}\b)", "", text)
    if joined != text and _QUANTITY.fullmatch(joined):
        return f"write the number without spaces: {joined}"
    with_unit = _WITH_UNIT.fullmatch(text)
    if with_unit and _QUANTITY.fullmatch(with_unit["number"].strip()):
        unit = with_unit["unit"]
        meant = _UNIT_WORDS.get(unit.casefold())
        if meant:
            return f"write the unit as {meant}: {with_unit['number'].strip()} {meant}"
        close = did_you_mean(unit, ["kr", "days", "day", "kr/day", "%"])
        return f"unknown unit '{unit}': {close or 'the units are kr, days, kr/day and %'}"
    return None


# -- the cases ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Written:
    """A text from the test file and where it was written."""

    text: str
    location: Location


@dataclass(frozen=True, slots=True)
class Expectation:
    """A value a rule (or an input) must give, exactly."""

    name: str
    value: Value
    written: str
    location: Location


@dataclass(frozen=True, slots=True)
class ScenarioFigure:
    """A made-up dated figure, for the cases of one file or one case only."""

    parameter: str
    key: str
    value: Decimal
    location: Location


@dataclass(frozen=True, slots=True)
class Aggregates:
    """A municipality's monthly figures, as in SKR's export."""

    episodes: int
    total_days: Decimal
    location: Location


@dataclass(frozen=True, slots=True)
class Episode:
    """One care episode written inline; a field left out is not known."""

    fields: Mapping[str, object]
    location: Location


@dataclass(frozen=True, slots=True)
class Case:
    """One scenario, read and checked, ready to run."""

    name: str
    yaml: YamlDocument
    location: Location
    municipality: str
    months: tuple[YearMonth, ...]
    assume_approved: bool
    figures: Mapping[str, Mapping[str, ScenarioFigure]]
    data: Aggregates | tuple[Episode, ...]
    outputs: tuple[Expectation, ...]
    status: LineStatus | None
    status_location: Location | None
    reasons: tuple[Written, ...]
    error: Written | None
    refused: tuple[Diagnostic, ...]  # what the engine says about input it does not accept


@dataclass(frozen=True, slots=True)
class Failure:
    """One thing a case expected that the engine did not give."""

    case: str
    municipality: str
    month: YearMonth | None
    subject: str  # the rule, or status, reasons, error
    expected: str
    actual: str
    location: Location
    derivation: str

    @property
    def message(self) -> str:
        when = f", {self.month}" if self.month else ""
        return (
            f"{self.case} ({self.municipality}{when}): {self.subject} expected {self.expected}, "
            f"got {self.actual}"
        )


@dataclass(frozen=True, slots=True)
class CaseResult:
    """How one case went: failures, and problems in the case as written."""

    name: str
    location: Location
    ran: bool
    failures: tuple[Failure, ...] = ()
    problems: tuple[Diagnostic, ...] = ()

    @property
    def passed(self) -> bool:
        return self.ran and not self.failures and not any(p.is_error for p in self.problems)


@dataclass(frozen=True, slots=True)
class FileResult:
    """One test file: problems in the file as a whole, and its cases."""

    path: str
    problems: tuple[Diagnostic, ...]
    cases: tuple[CaseResult, ...]


@dataclass(frozen=True, slots=True)
class ScenarioRun:
    """Every file run."""

    files: tuple[FileResult, ...]

    @property
    def cases(self) -> list[CaseResult]:
        return [case for file in self.files for case in file.cases]

    @property
    def passed(self) -> int:
        return sum(case.passed for case in self.cases)

    @property
    def failed(self) -> int:
        return sum(not case.passed for case in self.cases)

    @property
    def summary(self) -> str:
        return f"{self.passed} passed, {self.failed} failed"


# -- the command ----------------------------------------------------------------------------------


def test_command(
    paths: Sequence[str], agreements: Sequence[str], output_format: str
) -> tuple[str, int]:
    """Run every case in the test files found under ``paths`` against the agreement files.

    Exit code 0 when every case passes, 1 when any fails (or has an error in it); wrong usage
    raises :class:`UsageError`, agreement files with errors :class:`EngineError`.
    """
    if output_format not in OUTPUT_FORMATS:
        raise UsageError(f"--format takes text or json, not '{output_format}'")
    files = find_test_files(paths or [DEFAULT_FOLDER])
    library = load_agreements(agreements or [DEFAULT_FOLDER])
    run = run_tests(files, library)
    if output_format == "json":
        output = scenario_output.render_json(run)
    else:
        output = scenario_output.render_text(run)
    return output, 0 if run.failed == 0 else 1


def find_test_files(paths: Iterable[str]) -> list[Path]:
    """The YAML files named, and those in a folder named ``tests`` under the folders named."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            tests = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in YAML_SUFFIXES and p.parent.name == TESTS_FOLDER and p.is_file()
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


def load_agreements(paths: Sequence[str]) -> Library:
    """The agreement files, refusing to go on when they have errors (as evaluate does)."""
    library, problems = load(paths)
    problems = problems + ([] if any(d.is_error for d in problems) else check_library(library))
    errors = [d for d in problems if d.is_error]
    if errors:
        raise EngineError([*errors, AGREEMENT_ERRORS])
    return library


def run_tests(files: Iterable[Path | str], library: Library) -> ScenarioRun:
    """Read and run every case of every file."""
    return ScenarioRun(tuple(run_file(str(file), library) for file in files))


def run_file(path: str, library: Library) -> FileResult:
    """Read one test file and run its cases; a file that cannot be read runs none."""
    try:
        doc = read_yaml(path)
    except EngineError as exc:
        return FileResult(path, exc.diagnostics, (CaseResult(path, Location(path, 1, 1), False),))
    reader = _FileReader(doc, library)
    problems = reader.check_file()
    if any(p.is_error for p in problems):
        return FileResult(path, tuple(problems), reader.not_run())
    results = []
    for index, entry in enumerate(reader.data["cases"]):
        case, case_problems = reader.case(index, entry)
        if case is None:
            result = CaseResult(entry["name"], reader.at(("cases", index)), False)
        else:
            result = run_case(case, library)
        results.append(_with_problems(result, case_problems))
    return FileResult(path, tuple(problems), tuple(results))


def _with_problems(result: CaseResult, problems: Sequence[Diagnostic]) -> CaseResult:
    return CaseResult(
        result.name,
        result.location,
        result.ran,
        result.failures,
        (*problems, *result.problems),
    )


# -- reading a test file --------------------------------------------------------------------------


@dataclass
class _FileReader:
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
        self.figures, figure_problems = self.read_figures(("figures",))
        return figure_problems

    def not_run(self) -> tuple[CaseResult, ...]:
        """Every case of a file that could not be read, each counted as failed."""
        cases = self.data.get("cases")
        if not isinstance(cases, list) or not cases:
            return (CaseResult(self.doc.path, self.at(()), False),)
        return tuple(
            CaseResult(_case_name(entry, index), self.at(("cases", index)), False)
            for index, entry in enumerate(cases)
        )

    def case(self, index: int, entry: dict[str, Any]) -> tuple[Case | None, list[Diagnostic]]:
        """One case, or None with the problems that keep it from running."""
        path: KeyPath = ("cases", index)
        problems: list[Diagnostic] = []
        municipality = self._municipality(path, entry["municipality"], problems)
        months = self._months((*path, "month"), entry["month"], problems)
        own, figure_problems = self.read_figures((*path, "figures"))
        problems += figure_problems
        data, refused = self._input((*path, "input"), entry["input"], problems)
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
            figures=_merged(self.figures, own),
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

    def _input(
        self, path: KeyPath, written: dict[str, Any], problems: list[Diagnostic]
    ) -> tuple[Aggregates | tuple[Episode, ...] | None, list[Diagnostic]]:
        """The input, and what the engine would refuse in it (an episode's dates, ...)."""
        if "care_episodes" in written:
            if "episodes" in written or "total_days" in written:
                problems.append(
                    error(
                        "give either 'episodes' and 'total_days', or 'care_episodes', not both",
                        self.at((*path, "care_episodes"), key=True),
                        hint="the aggregates are counted from the care episodes",
                        code="invalid-value",
                    )
                )
                return None, []
            return self._episodes((*path, "care_episodes"), written["care_episodes"], problems)
        missing = [key for key in ("episodes", "total_days") if key not in written]
        for key in missing:
            problems.append(
                error(
                    f"missing required key '{key}' in 'input'",
                    self.at(path, key=True),
                    hint="give both episodes and total_days (for example: input: "
                    "{episodes: 10, total_days: 66}), or the care episodes under 'care_episodes'",
                    code="missing-key",
                )
            )
        if missing:
            return None, []
        return self._aggregates(path, written, problems)

    def _aggregates(
        self, path: KeyPath, written: dict[str, Any], problems: list[Diagnostic]
    ) -> tuple[Aggregates | None, list[Diagnostic]]:
        where = self.at((*path, "total_days"))
        days = self._value("total_days", written["total_days"], where, problems)
        if days is None:
            return None, []
        if not isinstance(days, Amount) or days.unit not in (NUMBER, UNITS["days"]):
            message = f"'total_days' must be a number of days, like 66 or 66 days, not {days}"
            problems.append(error(message, where, code="invalid-value"))
            return None, []
        total = to_decimal(days.value)
        if total is None or total < 0:
            message = f"'total_days' must be 0 or more days, written as a decimal, not {days}"
            problems.append(error(message, where, code="invalid-value"))
            return None, []
        episodes: int = written["episodes"]
        refused = []
        if episodes == 0 and total > 0:
            refused.append(
                error(
                    f"'total_days' is {written['total_days']}, but 'episodes' is 0",
                    where,
                    hint="days can only be counted in episodes; check the figures",
                    code="data-value",
                )
            )
        return Aggregates(episodes, total, self.at(path)), refused

    def _episodes(
        self, path: KeyPath, written: list[dict[str, Any]], problems: list[Diagnostic]
    ) -> tuple[tuple[Episode, ...] | None, list[Diagnostic]]:
        episodes, refused = [], []
        for index, entry in enumerate(written):
            where: KeyPath = (*path, index)
            fields: dict[str, object] = {}
            for name, value in entry.items():
                if name in ("ready_date", "discharge_date"):
                    fields[name] = dt.date.fromisoformat(value)
                elif name == "notice_time":
                    fields[name] = self._time((*where, name), value, problems)
                elif name == "care_type":
                    fields[name] = value.lower()
                else:
                    fields[name] = value
            ready, discharged = fields.get("ready_date"), fields.get("discharge_date")
            if (
                isinstance(ready, dt.date)
                and isinstance(discharged, dt.date)
                and discharged < ready
            ):
                refused.append(
                    error(
                        f"'discharge_date' is {discharged}, before the 'ready_date' {ready}",
                        self.at((*where, "discharge_date")),
                        hint="a patient is discharged on or after the day they are ready; "
                        "check both dates",
                        code="data-dates",
                    )
                )
            episodes.append(Episode(fields, self.at(where)))
        return tuple(episodes), refused

    def _time(self, path: KeyPath, written: str, problems: list[Diagnostic]) -> dt.time | None:
        found = _TIME.fullmatch(written.strip())
        if found is None:
            problems.append(
                error(
                    f"'notice_time' must be a time of day like 13:45, not '{written}'",
                    self.at(path),
                    code="invalid-value",
                )
            )
            return None
        return dt.time(int(found[1]), int(found[2]), int(found[3] or 0))

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
            value = self._value(name, text, where, problems)
            if value is not None:
                expectations.append(Expectation(name, value, _shown(text), where))
        return tuple(expectations)

    def _value(
        self, name: str, written: object, where: Location, problems: list[Diagnostic]
    ) -> Value | None:
        try:
            return parse_value(written)
        except BadValue as bad:
            message = f"'{name}' must be {_VALUE_WORDS}, not '{_shown(written)}'"
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

    # -- test figures

    def read_figures(
        self, path: KeyPath
    ) -> tuple[dict[str, dict[str, ScenarioFigure]], list[Diagnostic]]:
        """The test figures under ``path`` (of the file, or of a case), checked."""
        node: Any = self.data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        problems: list[Diagnostic] = []
        found: dict[str, dict[str, ScenarioFigure]] = {}
        series = self.library.parameters
        for name, figures in (node or {}).items():
            if name not in series:
                hint = did_you_mean(name, series) or "the figures are " + ", ".join(sorted(series))
                where = self.at((*path, name), key=True)
                problems.append(
                    error(f"unknown figure '{name}'", where, hint=hint, code="unknown-name")
                )
                continue
            for key, written in figures.items():
                figure = self._figure(series[name], (*path, name, key), key, written, problems)
                if figure is not None:
                    found.setdefault(name, {})[key] = figure
        return found, problems

    def _figure(
        self,
        series: ParameterSeries,
        path: KeyPath,
        key: str,
        written: object,
        problems: list[Diagnostic],
    ) -> ScenarioFigure | None:
        pattern, example = (_YEAR, "2021") if series.period == "year" else (_MONTH, "2023-11")
        if not pattern.fullmatch(key):
            problems.append(
                error(
                    f"the figures of '{series.name}' are kept by {series.period}: write the "
                    f"{series.period} like {example}, not '{key}'",
                    self.at(path, key=True),
                    code="invalid-value",
                )
            )
            return None
        where = self.at(path)
        value = self._value(series.name, written, where, problems)
        if value is None:
            return None
        number = to_decimal(value.value) if isinstance(value, Amount) else None
        if not isinstance(value, Amount) or value.unit != series.unit or number is None:
            problems.append(
                error(
                    f"'{series.name}' is {describe(series.unit)}, so its figure must be too, "
                    f"written as a decimal, not '{_shown(written)}'",
                    where,
                    hint=f"for example: {key}: {_example_figure(series)}",
                    code="invalid-value",
                )
            )
            return None
        real = series.figures.get(key)
        if real is not None and real.value is not None:
            problems.append(
                warning(
                    f"the real figure {series.name} for {key} is known ({real.value} "
                    f"{series.unit_text}, {real.document}), so this test figure is not used",
                    where,
                    hint="test figures only fill figures that no real file gives a value for; "
                    "remove this one",
                    code="test-figure-unused",
                )
            )
        return ScenarioFigure(series.name, key, number, where)


def _example_figure(series: ParameterSeries) -> str:
    """A figure written as this parameter needs, for hints."""
    examples = {"kr/day": "11000 kr/day", "kr": "100000 kr", "days": "5.6 days", "day": "5.6 days"}
    return examples.get(series.unit_text, "0.35")


def _case_name(entry: object, index: int) -> str:
    name = entry.get("name") if isinstance(entry, dict) else None
    return name if isinstance(name, str) and name else f"case {index + 1}"


def _shown(written: object) -> str:
    if isinstance(written, bool):
        return "true" if written else "false"
    return str(written)


def _merged(
    first: Mapping[str, Mapping[str, ScenarioFigure]],
    then: Mapping[str, Mapping[str, ScenarioFigure]],
) -> dict[str, dict[str, ScenarioFigure]]:
    """The file's test figures with a case's own on top."""
    merged = {name: dict(figures) for name, figures in first.items()}
    for name, figures in then.items():
        merged.setdefault(name, {}).update(figures)
    return merged


def _rule_names(library: Library) -> set[str]:
    """Every name a case may expect a value of: rules and the monthly aggregates."""
    names = set(DEFAULT_AGGREGATES)
    for document in library.documents:
        if isinstance(document, Agreement | Extension | Routine | Statute):
            names.update(document.rules)
        if isinstance(document, Agreement | Statute) and document.counting is not None:
            names.update(document.counting.aggregates)
    return names


# -- running a case -------------------------------------------------------------------------------


def run_case(case: Case, library: Library) -> CaseResult:
    """Bill the case's months and compare with what it expects."""
    if case.refused:
        return _refused(case)
    if case.error is not None:
        return _error_not_given(case, "no error: the engine accepted the input")
    library = with_figures(library, case.figures, case.yaml)
    basis = bill(
        library,
        _data(case),
        case.months,
        [case.municipality],
        assume_approved=case.assume_approved,
    )
    failures: list[Failure] = []
    problems: dict[tuple[str, str], Diagnostic] = {}
    for line in basis.lines:
        comparison = _Comparison(case, line, library)
        failures += comparison.failures()
        for problem in comparison.problems:
            problems.setdefault((str(problem.location), problem.message), problem)
    return CaseResult(case.name, case.location, True, tuple(failures), tuple(problems.values()))


def _refused(case: Case) -> CaseResult:
    """A case whose input the engine refuses: right only when it expects that error."""
    if case.error is None:
        return CaseResult(case.name, case.location, True, problems=case.refused)
    messages = [problem.message for problem in case.refused]
    if any(_contains(message, case.error.text) for message in messages):
        return CaseResult(case.name, case.location, True)
    return _error_not_given(case, "; ".join(f'"{m}"' for m in messages))


def _error_not_given(case: Case, actual: str) -> CaseResult:
    assert case.error is not None
    expected, where = f'"{case.error.text}"', case.error.location
    failure = Failure(case.name, case.municipality, None, "error", expected, actual, where, "")
    return CaseResult(case.name, case.location, True, (failure,))


def with_figures(
    library: Library, figures: Mapping[str, Mapping[str, ScenarioFigure]], yaml: YamlDocument
) -> Library:
    """The library with a case's test figures added as an illustrative parameters file."""
    if not figures:
        return library
    real = library.parameters
    parameters = {
        name: ParameterSeries(
            name=name,
            title=real[name].title,
            unit=real[name].unit,
            unit_text=real[name].unit_text,
            period=real[name].period,
            figures={
                key: Figure(key, f.value, "provisional", (), f.location, True, TEST_FIGURES)
                for key, f in by_key.items()
            },
            illustrative=True,
            document=TEST_FIGURES,
            location=next(iter(by_key.values())).location,
        )
        for name, by_key in figures.items()
        if by_key
    }
    document = ParameterSet(
        kind="parameters",
        id=TEST_FIGURES,
        title="Test figures",
        path=yaml.path,
        sha256=hashlib.sha256(yaml.text.encode("utf-8")).hexdigest(),
        sources={},
        assumptions=(),
        citations=(),
        yaml=yaml,
        illustrative=True,
        parameters=parameters,
    )
    return Library((*library.documents, document))


def _data(case: Case) -> AggregateData | EpisodeData:
    if isinstance(case.data, Aggregates):
        figures = case.data
        return AggregateData.of(
            MonthlyFigures(
                case.municipality,
                month,
                figures.episodes,
                figures.total_days,
                None,
                figures.location,
            )
            for month in case.months
        )
    return EpisodeData(_frame(case.municipality, case.data))


def _frame(municipality: str, episodes: Sequence[Episode]) -> pl.DataFrame:
    """The episodes as the episode reader gives them: typed columns, unknown fields null."""
    import polars as pl

    types: dict[str, Any] = dict.fromkeys(FIELDS, pl.String)
    types.update(ready_date=pl.Date, discharge_date=pl.Date, notice_time=pl.Time)
    types.update(dict.fromkeys((*_YES_NO_FIELDS, "sip_invitation_sent"), pl.Boolean))
    columns: dict[str, list[object]] = {
        name: [episode.fields.get(name) for episode in episodes] for name in FIELDS
    }
    columns["episode_id"] = [str(number) for number in range(1, len(episodes) + 1)]
    columns["municipality"] = [municipality] * len(episodes)
    columns["row"] = list(range(1, len(episodes) + 1))
    return pl.DataFrame(columns, schema={**types, "row": pl.Int64})


def _contains(text: str, part: str) -> bool:
    """Whether ``part`` is in ``text``, ignoring case and how spaces are written."""
    return " ".join(part.split()).casefold() in " ".join(text.split()).casefold()


@dataclass
class _Comparison:
    """One billed month against what the case expects."""

    case: Case
    line: InvoiceLine
    library: Library
    problems: list[Diagnostic] = field(default_factory=list)

    def failures(self) -> list[Failure]:
        found = [self._status(), *self._reasons(), *map(self._output, self.case.outputs)]
        failures = [f for f in found if f is not None]
        return sorted(failures, key=lambda f: (f.location.line, f.location.column))

    def _fail(self, subject: str, expected: str, actual: str, where: Location) -> Failure:
        return Failure(
            self.case.name,
            self.case.municipality,
            self.line.month,
            subject,
            expected,
            actual,
            where,
            scenario_output.derivation(self.line, self.library, subject),
        )

    def _status(self) -> Failure | None:
        wanted, where = self.case.status, self.case.status_location
        if wanted is None or where is None or wanted is self.line.status:
            return None
        return self._fail("status", wanted.value, self.line.status.value, where)

    def _reasons(self) -> list[Failure]:
        reasons = self.line.reasons
        actual = "; ".join(f'"{r}"' for r in reasons) or "no reasons"
        return [
            self._fail("reasons", f'"{wanted.text}"', actual, wanted.location)
            for wanted in self.case.reasons
            if not any(_contains(reason, wanted.text) for reason in reasons)
        ]

    def _output(self, expected: Expectation) -> Failure | None:
        actual = self.line.value(expected.name)
        if actual is None:
            return self._fail(
                expected.name, expected.written, self._nothing(expected.name), expected.location
            )
        if (
            isinstance(actual, Amount)
            and isinstance(expected.value, Amount)
            and actual.unit != expected.value.unit
        ):
            self.problems.append(_unit_problem(expected, actual))
            return None
        if actual == expected.value:
            return None
        return self._fail(
            expected.name, expected.written, scenario_output.shown(actual), expected.location
        )

    def _nothing(self, name: str) -> str:
        line = self.line
        if line.status is LineStatus.NOT_COMPUTED:
            return "nothing: not computed (" + "; ".join(line.reasons) + ")"
        governing = " + ".join(document.id for document in line.documents)
        return f"nothing: the rules that govern {line.month} ({governing}) have no rule '{name}'"


def _unit_problem(expected: Expectation, actual: Amount) -> Diagnostic:
    assert isinstance(expected.value, Amount)
    number = scenario_output.written(Amount(expected.value.value, NUMBER))
    return error(
        f"'{expected.name}' gives {describe(actual.unit)}, but its expected value "
        f"'{expected.written}' is {describe(expected.value.unit)}",
        expected.location,
        hint=f"write the unit: {number} {unit_symbol(actual.unit)}".rstrip(),
        code="unit-mismatch",
    )
