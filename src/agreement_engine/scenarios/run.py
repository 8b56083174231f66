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

:mod:`.files` reads the test files (problems in them are located and worded as
``check`` words them); this module runs the cases through :func:`agreement_engine.billing.bill.bill`
and compares. :mod:`agreement_engine.render.scenarios` renders the results.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agreement_engine.agreements.documents import Figure, ParameterSeries, ParameterSet
from agreement_engine.agreements.library import Library
from agreement_engine.agreements.readings import under_readings
from agreement_engine.agreements.source import YamlDocument, read_yaml
from agreement_engine.billing.bill import bill
from agreement_engine.billing.inputs import AggregateData, EpisodeData
from agreement_engine.billing.lines import InvoiceLine, LineStatus
from agreement_engine.data import FIELDS, MonthlyFigures
from agreement_engine.diagnostics import Diagnostic, EngineError, Location, error
from agreement_engine.formula import Amount, values
from agreement_engine.formula.types import NUMBER, describe, unit_symbol
from agreement_engine.scenarios.cases import (
    Aggregates,
    Case,
    CaseResult,
    Episode,
    Expectation,
    Failure,
    FileResult,
    ScenarioFigure,
    ScenarioRun,
)
from agreement_engine.scenarios.files import FileReader

if TYPE_CHECKING:
    import polars as pl

TEST_FIGURES = "test figures"
_YES_NO_FIELDS = ("admission_notice_sent", "ready_notice_sent", "sip_required")


# -- running the files ----------------------------------------------------------------------------


def run_tests(files: Iterable[Path | str], library: Library) -> ScenarioRun:
    """Read and run every case of every file."""
    return ScenarioRun(tuple(run_file(str(file), library) for file in files))


def run_file(path: str, library: Library) -> FileResult:
    """Read one test file and run its cases; a file that cannot be read runs none."""
    try:
        doc = read_yaml(path)
    except EngineError as exc:
        return FileResult(path, exc.diagnostics, (CaseResult(path, Location(path, 1, 1), False),))
    reader = FileReader(doc, library)
    problems = reader.check_file()
    if any(p.is_error for p in problems):
        not_run = (CaseResult(name, where, False) for name, where in reader.case_places())
        return FileResult(path, tuple(problems), tuple(not_run))
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


# -- running a case -------------------------------------------------------------------------------


def run_case(case: Case, library: Library) -> CaseResult:
    """Bill the case's months and compare with what it expects."""
    if case.refused:
        return _refused(case)
    if case.error is not None:
        return _error_not_given(case, "no error: the engine accepted the input")
    library = with_figures(under_readings(library, case.readings), case.figures, case.yaml)
    basis = bill(
        library,
        _data(case, library),
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
    failure = Failure(case.name, case.municipality, None, "error", expected, actual, where)
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
        yaml=yaml,
        illustrative=True,
        parameters=parameters,
    )
    return Library(
        (*library.documents, document), readings=library.readings, bundled=library.bundled
    )


def _data(case: Case, library: Library) -> AggregateData | EpisodeData:
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
    return EpisodeData(_frame(case.municipality, case.data), parameters=library.parameters)


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
            self.line,
            self.library,
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
        return self._fail(expected.name, expected.written, values.shown(actual), expected.location)

    def _nothing(self, name: str) -> str:
        line = self.line
        if line.status is LineStatus.NOT_COMPUTED:
            return "nothing: not computed (" + "; ".join(line.reasons) + ")"
        governing = " + ".join(document.id for document in line.documents)
        return f"nothing: the rules that govern {line.month} ({governing}) have no rule '{name}'"


def _unit_problem(expected: Expectation, actual: Amount) -> Diagnostic:
    assert isinstance(expected.value, Amount)
    number = values.written(Amount(expected.value.value, NUMBER))
    return error(
        f"'{expected.name}' gives {describe(actual.unit)}, but its expected value "
        f"'{expected.written}' is {describe(expected.value.unit)}",
        expected.location,
        hint=f"write the unit: {number} {unit_symbol(actual.unit)}".rstrip(),
        code="unit-mismatch",
    )
