"""Where one ``evaluate`` run's time goes, phase by phase, measured inside the process.

``run.py`` compares whole processes; this says what a run's time is made of, so that a goal
that is not met shows what is in the way. It runs the command line as the console script does
(``agreement-engine evaluate …``, the same arguments), with a clock read as each phase ends:

- starting Python and importing the command line (typer, the engine's modules it needs);
- loading the agreement files (from the cache of checked sets when it holds them);
- reading the extract: working out its encoding, importing polars, the checking pass that also
  counts the episodes, and what is made of it (for aggregates: reading the file);
- billing the lines (exact arithmetic, statuses, reasons, derivations);
- rendering the output and writing it.

Phases that overlap (billing begins while the last check of an extract, that no id repeats,
runs in a thread) are counted where the main thread spends them::

    .venv/bin/python benchmarks/phases.py evaluate --month 2022-11 --to 2026-12 \\
        --data benchmarks/data/episodes.csv --agreements benchmarks/agreements --format csv \\
        --output /tmp/basis.csv
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

STARTED = time.perf_counter()
MARKS: list[tuple[str, float]] = []


def mark(label: str) -> None:
    MARKS.append((label, time.perf_counter()))


def timed(owner: Any, name: str, before: str, after: str) -> None:
    """Mark ``before`` as ``owner.name`` is called, and ``after`` as it returns."""
    original: Callable[..., Any] = getattr(owner, name)

    def wrapper(*arguments: Any, **options: Any) -> Any:
        mark(before)
        try:
            return original(*arguments, **options)
        finally:
            mark(after)

    setattr(owner, name, wrapper)


def report(code: int) -> None:
    """The phases, each from the mark before it, on stderr."""
    mark("exit")
    lines, previous = [], 0.0
    for label, at in MARKS:
        elapsed = at - STARTED
        lines.append(f"  {label:48} {1000 * (elapsed - previous):7.0f} ms {1000 * elapsed:7.0f}")
        previous = elapsed
    sys.stderr.write("phase (ends at)                                           took   total\n")
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()
    EXIT(code)


def main() -> None:
    import agreement_engine.cli.app as app
    from agreement_engine.api import evaluation
    from agreement_engine.cli import commands
    from agreement_engine.cli import output as files

    mark("Python started, command line imported")
    timed(
        evaluation,
        "load_library",
        "other start-up (options, data file sniffed)",
        "agreements loaded",
    )
    timed(evaluation, "_bill", "data read and checked (an extract: counted too)", "lines billed")
    timed(commands, "basis_parts", "last checks", "output made (a CSV: as it is written)")
    timed(files, "write_whole", "(between)", "output written (a CSV: made too)")
    os._exit = report  # type: ignore[assignment]  # how the command line ends the process
    sys.argv = ["agreement-engine", *sys.argv[1:]]
    app.main()


EXIT = os._exit

if __name__ == "__main__":
    main()
