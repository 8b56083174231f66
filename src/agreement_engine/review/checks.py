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
- :mod:`.division`: divisions that can be by zero when a month is billed (warnings).

:func:`iter_problems` chains them, as they are found; none yields a problem twice (a formula
checked in several combinations is reported once, see :mod:`.formulas`). :func:`check_library`
returns them in order of :func:`relevance`: errors before warnings before notes, then by file,
line and column; problems at the same place keep the order above.
"""

from __future__ import annotations

from collections.abc import Iterator

from agreement_engine.agreements.library import Library
from agreement_engine.diagnostics import Diagnostic, Severity
from agreement_engine.review.formulas import division_problems, formula_problems
from agreement_engine.review.governance import timeline_problems
from agreement_engine.review.references import duplicate_ids, references
from agreement_engine.review.validity import approvals, statute_overlaps, validities

_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTE: 2}


def iter_problems(library: Library, *, warnings: bool = True) -> Iterator[Diagnostic]:
    """Every problem across the loaded documents, as the checks find them.

    With ``warnings=False`` only what can be an error is checked (for evaluate, which refuses
    files with errors but has no use for the timeline's warnings).
    """
    yield from duplicate_ids(library)
    yield from references(library)
    yield from approvals(library)
    yield from validities(library)
    yield from statute_overlaps(library)
    yield from formula_problems(library)
    yield from timeline_problems(library, warnings=warnings)
    if warnings:
        yield from division_problems(library)


def check_library(library: Library, *, warnings: bool = True) -> list[Diagnostic]:
    """Every problem across the loaded documents, in order of relevance."""
    return sorted(iter_problems(library, warnings=warnings), key=relevance)


def relevance(diagnostic: Diagnostic) -> tuple[int, str, int, int]:
    """A sort key putting errors before warnings before notes, then by file, line and column
    (a problem with no place first)."""
    where = diagnostic.location
    if where is None:
        return _RANK[diagnostic.severity], "", 0, 0
    return _RANK[diagnostic.severity], where.path, where.line, where.column
