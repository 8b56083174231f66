"""The agreement files, through the public API: found, checked (``check``) and loaded as a
library under the readings chosen (``load_library``), and the switch that turns the cache of
checked agreement sets off (``without_cache``).

Every other part of the API loads its agreement files here; paths that name nothing are wrong
usage, said here once, in the words of the command line.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from agreement_engine.diagnostics import Diagnostic, EngineError, Severity, UsageError
from agreement_engine.frozen import frozen

if TYPE_CHECKING:
    from agreement_engine.agreements.library import Library
    from agreement_engine.agreements.yaml_document import YamlDocument

DEFAULT_AGREEMENTS = "agreements"
AGREEMENT_ERRORS = Diagnostic(
    Severity.NOTE,
    "nothing was computed, because the agreement files have errors",
    hint="run 'agreement-engine check' on them and fix the errors first",
    code="agreements-have-errors",
)
CROSS_FILE_SKIPPED = Diagnostic(
    Severity.NOTE,
    "references between files and the timeline were not checked, because of the errors above",
    hint="fix those errors and run check again",
    code="cross-file-skipped",
)
Readings = Mapping[str, str]
"""Readings chosen, other than the agreements' own: an alternative's id by its assumption's id
(``{"benchmark-2024": "2021-average-from-2024"}``, as ``--reading`` gives them)."""


@frozen
class CheckReport:
    """What ``check`` found: the agreement files checked and every problem, in order."""

    files: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(not d.is_error for d in self.diagnostics)


def check(paths: Sequence[str] = (DEFAULT_AGREEMENTS,)) -> CheckReport:
    """Load and check agreement files: schema, formulas, references and the timeline.

    Paths that do not exist or hold no agreement file are wrong usage (:class:`UsageError`);
    a scenario test file among the files is passed over with a note saying so.
    """
    from agreement_engine.agreements.cache import AgreementSet

    found = _agreement_files(paths)
    agreement_set = AgreementSet([str(f) for f in found], {})  # not walked again
    cached = agreement_set.cached()
    library, problems = (cached, []) if cached is not None else agreement_set.load()
    _refuse_only_scenario_files(library, found, paths)
    skipped = {yaml.path for yaml in library.skipped}
    files = tuple(str(f) for f in found if str(f) not in skipped)
    if agreement_set.checked is not None:  # what checking these files found, kept
        problems = list(agreement_set.checked)
    elif any(d.is_error for d in problems):
        # Checks across files would only echo these errors (a file that cannot be read is missing
        # from the timeline, its assumptions unknown to the others): fix these first.
        problems.append(CROSS_FILE_SKIPPED)
    else:
        from agreement_engine.review.checks import check_library

        problems = problems + check_library(library)
        if not any(d.is_error for d in problems):
            agreement_set.store(library, checked=problems)
    problems += [_skipped_note(yaml) for yaml in library.skipped]
    return CheckReport(files, tuple(problems))


def load_library(
    paths: Sequence[str] = (DEFAULT_AGREEMENTS,), readings: Readings | None = None
) -> Library:
    """The agreement files, checked, as the ``readings`` chosen would have them (the files' own
    readings for the others); :class:`EngineError` with their errors if they have any: nothing
    is billed from bad files.

    Paths that do not exist or hold no agreement file, and readings that name no assumption or
    alternative (or one without rules), are wrong usage (:class:`UsageError`), with a
    did-you-mean.
    """
    from agreement_engine.agreements.cache import AgreementSet
    from agreement_engine.agreements.readings import under_readings

    found = _agreement_files(paths)
    agreement_set = AgreementSet([str(f) for f in found], readings or {})
    cached = agreement_set.cached()  # checked clean when it was stored
    if cached is not None:
        _refuse_only_scenario_files(cached, found, paths)
        return under_readings(cached, readings or {})
    from agreement_engine.review.checks import check_library

    written, problems = agreement_set.load()
    _refuse_only_scenario_files(written, found, paths)
    library = written
    if not any(d.is_error for d in problems):
        library = under_readings(written, readings or {})
        problems = check_library(library, warnings=False, alternatives=False)
    errors = [d for d in problems if d.is_error]
    if errors:
        raise EngineError([*errors, AGREEMENT_ERRORS])
    agreement_set.store(written)
    return library


@contextmanager
def without_cache() -> Iterator[None]:
    """Within, agreement files are loaded and checked afresh: the cache of checked agreement
    sets (:mod:`agreement_engine.agreements.cache`) is neither read nor written, as with the
    environment variable ``AGREEMENT_ENGINE_CACHE=off``."""
    from agreement_engine.agreements.cache import disabled

    with disabled():
        yield


def _agreement_files(paths: Sequence[str]) -> list[Path]:
    """The YAML files the paths name or hold; UsageError for a path that is missing or empty."""
    from agreement_engine.agreements.library import find_files

    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if not os.path.lexists(path):  # a link, pipe or device is found: reading says what it is
            raise UsageError(
                f"no such file or folder: {name}\n"
                "hint: give the folder of agreement files, like agreements/"
            )
        files = find_files([name])
        if not files:
            raise UsageError(
                f"no agreement files in {name}\n"
                "hint: give the folder that holds the agreement .yaml files, like agreements/"
            )
        found += files
    return sorted(dict.fromkeys(found))


def _refuse_only_scenario_files(
    library: Library, found: Sequence[Path], paths: Sequence[str]
) -> None:
    """UsageError when every file given is a scenario test file: there is nothing to check."""
    if not library.skipped or len(library.skipped) < len(found):
        return
    given = " ".join(paths)
    if len(paths) == 1 and len(found) == 1 and Path(paths[0]).is_file():
        problem = f"{given} is a scenario test file, not an agreement file"
    else:
        problem = f"{given} holds scenario test files only, no agreement files"
    raise UsageError(f"{problem}\nhint: scenario tests are run by 'agreement-engine test {given}'")


def _skipped_note(yaml: YamlDocument) -> Diagnostic:
    return Diagnostic(
        Severity.NOTE,
        "skipped: this is a scenario test file, not an agreement file",
        yaml.locate(("format",)),
        hint=f"scenario tests are run by 'agreement-engine test {yaml.path}'",
        code="scenario-file-skipped",
    )
