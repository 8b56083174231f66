"""Scenario cases as read from a test file, and how they went when run.

A :class:`Case` is one municipality in one month (or a range of months), read and checked by
:mod:`.files`; :mod:`.run` runs it into a :class:`CaseResult`, whose failures
:mod:`agreement_engine.render.scenarios` shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from agreement_engine.agreements.library import Library
from agreement_engine.agreements.yaml_document import YamlDocument
from agreement_engine.billing.lines import InvoiceLine, LineStatus
from agreement_engine.diagnostics import Diagnostic, Location
from agreement_engine.formula import Value
from agreement_engine.months import YearMonth

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
    readings: Mapping[str, str]
    figures: Mapping[str, Mapping[str, ScenarioFigure]]
    data: Aggregates | tuple[Episode, ...]
    outputs: tuple[Expectation, ...]
    status: LineStatus | None
    status_location: Location | None
    reasons: tuple[Written, ...]
    error: Written | None
    refused: tuple[Diagnostic, ...]  # what the engine says about input it does not accept


# -- how they went --------------------------------------------------------------------------------


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
    line: InvoiceLine | None = None
    """The line the value was expected of (its derivation is shown with the failure)."""
    library: Library | None = None
    """The documents the line was billed under, with the case's test figures."""

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
