"""What each CLI command does, as plain functions returning (output text, exit code).

The CLI module only parses arguments and prints; the work and the rendering live here and in the
modules they call, so every command can be run and tested without a terminal.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from agreement_engine.checks import check_library
from agreement_engine.diagnostics import Diagnostic, Severity, render_text, summary, to_json
from agreement_engine.library import find_files, load

DEBUG = False
CROSS_FILE_SKIPPED = Diagnostic(
    Severity.NOTE,
    "references between files and the timeline were not checked, because of the errors above",
    hint="fix those errors and run check again",
    code="cross-file-skipped",
)
Action = Callable[[], tuple[str, int]]


def check(paths: Sequence[str], output_format: str) -> tuple[str, int]:
    """Load and check agreement files; exit code 1 when any error is found."""
    files = find_files(paths)
    library, problems = load(paths)
    if any(d.is_error for d in problems):
        # Checks across files would only echo these errors (a file that cannot be read is missing
        # from the timeline, its assumptions unknown to the others): fix these first.
        problems.append(CROSS_FILE_SKIPPED)
    else:
        problems = problems + check_library(library)
    code = 1 if any(d.is_error for d in problems) else 0
    if output_format == "json":
        payload = {
            "files": [str(f) for f in files],
            "errors": sum(d.is_error for d in problems),
            "warnings": sum(not d.is_error for d in problems),
            "diagnostics": [to_json(d) for d in problems],
        }
        return json.dumps(payload, ensure_ascii=False, indent=2), code
    lines = [render_text(d) + "\n" for d in problems]
    noun = "file" if len(files) == 1 else "files"
    lines.append(f"checked {len(files)} {noun}: {summary(problems)}")
    return "\n".join(lines), code
