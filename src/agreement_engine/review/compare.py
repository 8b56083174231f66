"""Comparing two versions of agreement files, read from disk or from git, and billing both.

The work behind ``agreement-engine diff``: each side is loaded (from files and folders, or from
git revisions), refused if it has errors, and compared by meaning (:mod:`.diff`); with data, both
versions are billed over the months the change can touch (:mod:`.impact`).
"""

from __future__ import annotations

from collections.abc import Sequence

from agreement_engine.agreements.library import Library, load
from agreement_engine.data import check_data_file
from agreement_engine.diagnostics import Diagnostic, EngineError, Severity, UsageError
from agreement_engine.review.diff import Diff, compare, in_context
from agreement_engine.review.impact import Impact, assess
from agreement_engine.review.references import duplicate_documents
from agreement_engine.review.revisions import RevisionError, label, load_side, parse_revisions

FILES_HAVE_ERRORS = Diagnostic(
    Severity.NOTE,
    "nothing was compared, because the files have errors",
    hint="run 'agreement-engine check' on them and fix the errors first",
    code="agreements-have-errors",
)


def compare_versions(
    old: str,
    new: str,
    rev: str | None,
    impact_data: str | None,
    assume_approved: bool,
    context: Sequence[str] = (),
) -> tuple[Diff, Impact | None]:
    """What changed in meaning from ``old`` to ``new``, and what it does to the money.

    ``rev`` reads OLD (and NEW, for ``A..B``) from git; ``impact_data`` bills both versions on
    that data; ``context`` names the rest of the library (files or folders read from disk) that
    both versions share, to tell which months a change touches and to bill them.
    """
    if impact_data is not None:  # said at once, even when no change needs the data
        check_data_file(impact_data)
    try:
        revisions = parse_revisions(rev)
        old_library = _side(*load_side(old, revisions.old), name=old)
        new_library = _side(*load_side(new, revisions.new), name=new)
    except RevisionError as exc:
        raise UsageError(str(exc)) from None
    shared = _side(*load(context)) if context else None
    result = compare(
        old_library,
        new_library,
        context=shared,
        old_label=label(old, revisions.old),
        new_label=label(new, revisions.new),
    )
    impact = None
    if impact_data is not None:
        before, after = in_context(old_library, new_library, shared)
        impact = assess(
            before,
            after,
            impact_data,
            result.cells,
            result.everyone,
            assume_approved=assume_approved,
        )
    return result, impact


def _side(library: Library, problems: list[Diagnostic], name: str = "") -> Library:
    """A side's documents, or the errors that keep it from being compared; wrong usage when
    it holds scenario test files only (which would compare as empty: no change)."""
    if library.skipped and not library.documents:
        raise UsageError(
            f"{name} holds scenario test files only, no agreement files: diff compares "
            "agreement files\nhint: a scenario test file is run by 'agreement-engine test'"
        )
    errors = [d for d in problems if d.is_error]
    errors += duplicate_documents(
        library, hint="documents are matched by id: every document needs its own"
    )
    if errors:
        raise EngineError([*errors, FILES_HAVE_ERRORS])
    return library
