"""What reviewers of the agreement files run, through the public API: what governs each month
(``timeline``), every alternative reading billed (``readings``), two versions compared by meaning
(``diff``, ``canonical_text``, ``git_setup``), and the scenario tests (``run_tests``).

Each loads its agreement files as :func:`.load_library` does, and leaves the work to
:mod:`agreement_engine.review` and :mod:`agreement_engine.scenarios`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from agreement_engine.api.library import DEFAULT_AGREEMENTS, Readings, load_library
from agreement_engine.diagnostics import UsageError
from agreement_engine.frozen import frozen
from agreement_engine.months import YearMonth

if TYPE_CHECKING:
    from agreement_engine.review.diff import Diff
    from agreement_engine.review.impact import Impact
    from agreement_engine.review.sensitivity import Sensitivity
    from agreement_engine.review.timeline import Timeline
    from agreement_engine.scenarios.cases import ScenarioRun


def timeline(
    agreements: Sequence[str] = (DEFAULT_AGREEMENTS,),
    first: YearMonth | None = None,
    last: YearMonth | None = None,
    readings: Readings | None = None,
) -> Timeline:
    """What governs each month for each municipality, by default over the agreements' months
    plus one either side, under the ``readings`` chosen."""
    from agreement_engine.review.timeline import build_timeline, default_range

    library = load_library(agreements, readings)
    default = default_range(library)
    if default is None:
        raise UsageError(
            "no agreement is loaded, so there is no municipality to show; "
            "give the folder of agreement files, like agreements/"
        )
    start, end = _timeline_range(first, last, default)
    return build_timeline(library, start, end)


def _timeline_range(
    start: YearMonth | None, end: YearMonth | None, default: tuple[YearMonth, YearMonth]
) -> tuple[YearMonth, YearMonth]:
    first, last = start or default[0], end or default[1]
    if last < first:
        if start is not None and end is not None:
            raise UsageError(f"--to {last} is before --from {first}")
        if end is not None:
            raise UsageError(
                f"--to {last} is before {first}, where the timeline starts by default; "
                "give --from as well"
            )
        raise UsageError(
            f"--from {first} is after {last}, where the timeline ends by default; give --to as well"
        )
    return first, last


def readings(
    data: str,
    first: YearMonth,
    last: YearMonth | None = None,
    *,
    agreements: Sequence[str] = (DEFAULT_AGREEMENTS,),
    assume_approved: bool = False,
) -> Sensitivity:
    """For every assumption with alternatives, the months ``first`` to ``last`` billed under
    each alternative that has rules, beside the agreements' own reading, on one data file
    (read as :func:`.evaluate` reads it)."""
    from agreement_engine.review.sensitivity import weigh

    if not data:
        raise UsageError("--data needs the name of a data file")
    end = last if last is not None else first
    if end < first:
        raise UsageError(f"--to {end} is before --month {first}")
    library = load_library(agreements)
    months = YearMonth.range(first, end)
    return weigh(library, data, months, library.municipalities, assume_approved=assume_approved)


@frozen
class Comparison:
    """Two versions of agreement files compared by meaning, and, when data was given, what the
    change does to each municipality's money."""

    diff: Diff
    impact: Impact | None


def diff(
    old: str,
    new: str,
    *,
    rev: str | None = None,
    impact_data: str | None = None,
    context: Sequence[str] = (),
    assume_approved: bool = False,
) -> Comparison:
    """What changed in meaning between two versions of agreement files (files, folders, or
    git revisions with ``rev``); ``impact_data`` bills both versions on that data; ``context``
    names the rest of the library that both versions share."""
    from agreement_engine.review.compare import compare_versions

    found, impact = compare_versions(old, new, rev, impact_data, assume_approved, context)
    return Comparison(found, impact)


def run_tests(
    paths: Sequence[str] = (DEFAULT_AGREEMENTS,),
    agreements: Sequence[str] = (DEFAULT_AGREEMENTS,),
) -> ScenarioRun:
    """Run every case of the scenario test files found under ``paths`` against the agreement
    files (loaded as :func:`.evaluate` loads them)."""
    from agreement_engine.scenarios.files import find_test_files
    from agreement_engine.scenarios.run import run_tests as run

    files = find_test_files(paths)
    return run(files, load_library(agreements))


def canonical_text(path: str) -> str:
    """One agreement file's meaning as sorted ``key: value`` lines, for ``git diff``."""
    from agreement_engine.review.revisions import canonical_text as text_of

    return text_of(path)


def git_setup() -> str:
    """The commands that make ``git diff`` show agreement files by meaning."""
    from agreement_engine.review.revisions import git_setup_text

    return git_setup_text()
