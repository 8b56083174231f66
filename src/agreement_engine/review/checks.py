"""Everything ``check`` verifies beyond a single file's shape, as generators of diagnostics.

Each concern is a generator over the loaded library, yielding a :class:`.Diagnostic` per problem
with the key path of the part it is about (see :mod:`.canonical`), as jsonschema's
``iter_errors`` yields errors with their ``path``:

- :mod:`.references`: ids given twice; references to agreements, sources and assumptions that
  name nothing loaded;
- :mod:`.validity`: approvals by someone not a party or missing for a party; validity dates out
  of order or splitting a month; two statutes in force at once;
- :mod:`.formulas`: every formula in every combination of documents that can govern a month;
- :mod:`.governance`: the timeline per municipality and month: overlaps are errors; months no
  agreement governs, approvals still pending and national figures still missing are warnings;
- :mod:`.division`: divisions that can be by zero when a month is billed (warnings);
- :mod:`.validity` again: approvals inferred, or taken without a decision on record (warnings);
- :mod:`.readings`: each assumption's readings, shaped as they must be, and each alternative
  checked as strictly as the rules' own reading.

:func:`iter_problems` chains them, as they are found; none yields a problem twice (a formula
checked in several combinations is reported once, see :mod:`.formulas`). :func:`check_library`
returns them in order of :func:`relevance`: errors before warnings before notes, then by file,
line and column; problems at the same place keep the order above.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from agreement_engine.agreements.library import Library
from agreement_engine.diagnostics import Diagnostic, Severity
from agreement_engine.review.formulas import division_problems, formula_problems
from agreement_engine.review.governance import timeline_problems
from agreement_engine.review.readings import reading_problems
from agreement_engine.review.references import duplicate_ids, references
from agreement_engine.review.validity import (
    approval_warnings,
    approvals,
    statute_overlaps,
    validities,
)

_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTE: 2}


def iter_problems(
    library: Library, *, warnings: bool = True, alternatives: bool = True
) -> Iterator[Diagnostic]:
    """Every problem across the loaded documents, as the checks find them: the rules' own
    readings first, then each alternative reading (:mod:`.readings`).

    With ``warnings=False`` only what can be an error is checked (for evaluate, which refuses
    files with errors but has no use for the timeline's warnings). With ``alternatives=False``
    the readings not chosen are checked for their shape only (evaluate checks the library
    under the readings it bills by).
    """
    seen: list[Diagnostic] = []
    found = chain(
        duplicate_ids(library),
        references(library),
        approvals(library),
        validities(library),
        statute_overlaps(library),
        formula_problems(library),
        timeline_problems(library, warnings=warnings),
        division_problems(library) if warnings else (),
        approval_warnings(library) if warnings else (),
    )
    for problem in found:
        seen.append(problem)
        yield problem

    def timeline(chosen: Library) -> list[Diagnostic]:
        return [*validities(chosen), *timeline_problems(chosen, warnings=warnings)]

    yield from reading_problems(
        library, seen, timeline, warnings=warnings, alternatives=alternatives
    )


def check_library(
    library: Library, *, warnings: bool = True, alternatives: bool = True
) -> list[Diagnostic]:
    """Every problem across the loaded documents, in order of relevance."""
    found = iter_problems(library, warnings=warnings, alternatives=alternatives)
    return sorted(found, key=relevance)


def relevance(diagnostic: Diagnostic) -> tuple[int, str, int, int]:
    """A sort key putting errors before warnings before notes, then by file, line and column
    (a problem with no place first)."""
    where = diagnostic.location
    if where is None:
        return _RANK[diagnostic.severity], "", 0, 0
    return _RANK[diagnostic.severity], where.path, where.line, where.column
