"""What each CLI command does, as plain functions returning (output text, exit code).

The CLI module only parses arguments and prints; the work and the rendering live here and in the
modules they call, so every command can be run and tested without a terminal.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from agreement_engine.agreements.library import Library, find_files, load
from agreement_engine.agreements.source import YamlDocument
from agreement_engine.billing.bill import bill
from agreement_engine.billing.inputs import (
    AggregateData,
    Billing,
    EpisodeData,
    is_episode_file,
    read_episode_data,
)
from agreement_engine.billing.lines import InvoiceBasis
from agreement_engine.data import ReadReport, read_aggregates
from agreement_engine.diagnostics import (
    Diagnostic,
    EngineError,
    Severity,
    did_you_mean,
    render_text,
    summary,
    to_json,
)
from agreement_engine.months import YearMonth
from agreement_engine.render import invoice as invoice_output
from agreement_engine.review.checks import check_library

DEBUG = False
AGREEMENT_ERRORS = Diagnostic(
    Severity.NOTE,
    "nothing was computed, because the agreement files have errors",
    hint="run 'agreement-engine check' on them and fix the errors first",
    code="agreements-have-errors",
)


class UsageError(Exception):
    """The command was called wrongly (exit code 2)."""


CROSS_FILE_SKIPPED = Diagnostic(
    Severity.NOTE,
    "references between files and the timeline were not checked, because of the errors above",
    hint="fix those errors and run check again",
    code="cross-file-skipped",
)
Action = Callable[[], tuple[str, int]]


def check(paths: Sequence[str], output_format: str) -> tuple[str, int]:
    """Load and check agreement files; exit code 1 when any error is found.

    Paths that do not exist or hold no agreement file are wrong usage (:class:`UsageError`);
    a scenario test file among the files is passed over with a note saying so.
    """
    found = _agreement_files(paths)
    library, problems = load([str(f) for f in found])  # not walked again
    _refuse_only_scenario_files(library, found, paths)
    skipped = {yaml.path for yaml in library.skipped}
    files = [f for f in found if str(f) not in skipped]
    if any(d.is_error for d in problems):
        # Checks across files would only echo these errors (a file that cannot be read is missing
        # from the timeline, its assumptions unknown to the others): fix these first.
        problems.append(CROSS_FILE_SKIPPED)
    else:
        problems = problems + check_library(library)
    problems += [_skipped_note(yaml) for yaml in library.skipped]
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


@dataclass(frozen=True, slots=True)
class Run:
    """What evaluate and explain share: the files, the data and the invoice basis."""

    library: Library
    basis: InvoiceBasis
    report: ReadReport
    warnings: tuple[Diagnostic, ...]
    source: AggregateData | EpisodeData | None = None
    """The data the lines were billed from (for where their aggregates came from)."""


def evaluate(
    agreements: Sequence[str],
    data: str,
    first: str,
    last: str | None,
    assume_approved: bool,
    municipality: str | None = None,
    progress: Callable[[YearMonth, int, int], None] | None = None,
) -> Run:
    """Load the files (refusing to go on if they have errors), read the data and bill."""
    if not data:
        raise UsageError("--data needs the name of a data file")
    start = _month(first, "--month")
    end = _month(last, "--to") if last is not None else start
    if end < start:
        raise UsageError(f"--to {end} is before --month {start}")
    _read_ahead(data)
    library = load_without_errors(agreements)
    municipalities = library.municipalities
    if municipality is not None:
        municipalities = [_municipality(municipality, municipalities)]
    months = YearMonth.range(start, end)

    def billed(source: AggregateData | EpisodeData) -> InvoiceBasis:
        return bill(
            library,
            source,
            months,
            municipalities,
            assume_approved=assume_approved,
            progress=progress,
        )

    if is_episode_file(data):
        # Billed while the extract's last check runs; kept only once the extract has passed.
        billing = Billing(library, months, municipalities, assume_approved)
        ([source], basis), report, warnings = read_episode_data(
            data, [billing], library.municipalities, lambda found: (found, billed(found[0]))
        )
        return Run(library, basis, report, tuple(warnings), source)
    single = start if start == end else None
    try:
        figures, report, warnings = read_aggregates(
            data,
            month=single,
            municipalities=library.municipalities,
            within=None if single else (start, end),
        )
    except EngineError as exc:
        if single is None and any(d.code == "data-no-month" for d in exc.diagnostics):
            raise UsageError(
                f"{data} has no month column, so it holds one month: give that month with "
                "--month alone, without --to"
            ) from None
        raise
    aggregates = AggregateData.of(figures)
    return Run(library, billed(aggregates), report, tuple(warnings), aggregates)


def _read_ahead(data: str) -> None:
    """Have a CSV extract's encoding worked out while the agreements load (see
    :func:`.csv_file.read_ahead`). A data file with a problem is left to say so in its turn,
    after the agreements."""
    from agreement_engine.data.bulk import is_xlsx
    from agreement_engine.data.csv_file import read_ahead

    try:
        if not is_xlsx(data) and is_episode_file(data):
            read_ahead(data)
    except EngineError:
        pass


def load_without_errors(agreements: Sequence[str]) -> Library:
    """The agreement files, or EngineError with their errors: nothing is billed from bad files.

    Paths that do not exist or hold no agreement file are wrong usage (:class:`UsageError`),
    not an empty set of agreements that would bill nothing.
    """
    found = _agreement_files(agreements)
    library, problems = load([str(f) for f in found])
    _refuse_only_scenario_files(library, found, agreements)
    if not any(d.is_error for d in problems):
        problems = check_library(library, warnings=False)
    errors = [d for d in problems if d.is_error]
    if errors:
        raise EngineError([*errors, AGREEMENT_ERRORS])
    return library


def _agreement_files(paths: Sequence[str]) -> list[Path]:
    """The YAML files the paths name or hold; UsageError for a path that is missing or empty."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if not path.is_dir() and not path.is_file():
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


def _month(text: str, option: str) -> YearMonth:
    try:
        return YearMonth.parse(text)
    except ValueError:
        raise UsageError(
            f"{option} takes a month written YYYY-MM, like 2026-03, not '{text}'"
        ) from None


def _municipality(name: str, known: Sequence[str]) -> str:
    """The municipality ``--municipality`` names, spelt as data files may spell it ('hylte',
    ' Hylte ', 'Hylte kommun'); else wrong usage, with a suggestion."""
    from agreement_engine.data.dialect import match_municipality

    found = match_municipality(name, known)
    if found is not None:
        return found
    hint = did_you_mean(name, known) or "the municipalities are: " + ", ".join(known)
    raise UsageError(f"unknown municipality '{name}'; {hint}")


def render_basis(basis: InvoiceBasis, output_format: str, run: Run | None = None) -> bytes:
    """The invoice basis in the format asked for, as the bytes to write; JSON says, from
    ``run``, which data file it was computed from and how that was read."""
    if output_format == "csv":
        return invoice_output.render_csv(basis).encode("utf-8")
    if output_format == "json":
        data = data_json(run) if run is not None else None
        return invoice_output.render_json(basis, data).encode("utf-8")
    if output_format == "xlsx":
        return invoice_output.render_xlsx(basis)
    return invoice_output.render_table(basis).encode("utf-8")


def data_json(run: Run) -> dict[str, object]:
    """The data file a run read, for the JSON output: its path and SHA-256 (as the documents
    have theirs), how it was read, the rows left out and why, and the warnings met."""
    report = run.report
    digest = hashlib.sha256()
    with open(report.path, "rb") as file:
        while chunk := file.read(1 << 22):
            digest.update(chunk)
    return {
        "path": report.path,
        "sha256": digest.hexdigest(),
        "form": report.form,
        "rows_read": report.rows_read,
        "rows_used": report.rows_used,
        "excluded": [
            {"reason": e.reason, "rows": e.count, "first_rows": list(e.rows)}
            for e in report.excluded
        ],
        "warnings": [to_json(w) for w in run.warnings],
    }


def report_lines(run: Run) -> list[str]:
    """What reading the data did, for the terminal: rows read, used and left out, and why."""
    return [*run.report.lines(), *(render_text(w) for w in run.warnings)]


def write_whole(path: str, data: bytes, inputs: Collection[str] = ()) -> None:
    """Write a file whole or not at all: to a temporary file beside it, then renamed over it.

    A link is followed: the file it points to is written and the link kept. A pipe or a device
    (``/dev/stdout``) cannot be replaced, so it is written straight. The file keeps the
    permissions it had; a new one gets those the umask gives. None of ``inputs`` (the files the
    run read) is overwritten: that is wrong usage.
    """
    if path.endswith(("/", os.sep)):
        raise UsageError(f"cannot write {path}: that names a folder; give a file name")
    target = Path(os.path.realpath(path))
    for source in inputs:
        if Path(os.path.realpath(source)) == target:
            raise UsageError(
                f"--output {path} is {source}, which this run reads; give another file name"
            )
    if target.exists() and not target.is_dir() and not target.is_file():
        _write_straight(path, target, data)
        return
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: the folder {Path(path).parent} does not exist")
    mode = stat.S_IMODE(target.stat().st_mode) if target.is_file() else 0o666 & ~_umask()
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            os.fchmod(stream.fileno(), mode)
        os.replace(temporary, target)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write {path}: {exc.strerror}") from None
        raise


def _write_straight(path: str, target: Path, data: bytes) -> None:
    """Write to a pipe or device, which cannot be replaced by a whole file."""
    try:
        with open(target, "wb") as stream:
            stream.write(data)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def _umask() -> int:
    """The process's umask (read by setting it, and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def explain_text(run: Run, municipality: str) -> str:
    """The derivation of each month of one municipality."""
    from agreement_engine.render.explain import explain as explain_line  # only explain needs it

    lines = [line for line in run.basis.lines if line.municipality == municipality]
    source = run.source
    return "\n".join(
        explain_line(line, run.library, source.origin(municipality, line.month) if source else None)
        for line in lines
    )
