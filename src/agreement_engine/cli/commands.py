"""What each command does, as plain functions returning (output text, exit code).

Each calls the public API (:mod:`agreement_engine.api`) and renders the result with
:mod:`agreement_engine.render`; the typer app (:mod:`.app`) only parses arguments and prints, so
every command can be run and tested without a terminal. Options given as text (months, formats)
are read here, where their names are known.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from agreement_engine import api
from agreement_engine.diagnostics import (
    Diagnostic,
    EngineError,
    Severity,
    UsageError,
    render_text,
    summary,
    to_json,
)
from agreement_engine.months import YearMonth
from agreement_engine.render.i18n import ENGLISH, Language

if TYPE_CHECKING:
    from agreement_engine.api import Evaluation, InvoiceBasis

Action = Callable[[], tuple[str, int]]
_T = TypeVar("_T")
SOME_NOT_COMPUTED = 3
"""The exit code of a run that wrote its output, but with some lines not computed."""


_KEPT: list[object] | None = None
"""What the run made, kept until the process ends, when it ends without freeing it
(:func:`keep_to_the_end`)."""


def keep_to_the_end() -> None:
    """Keep what each run makes until the process ends, for a process that ends without freeing
    it (:func:`.app.main`): a national run's lines, steps and figures are hundreds of thousands
    of objects, and freeing them one by one as the command returns would cost a tenth of its
    time. A caller that goes on (a test, a notebook) does not call this, and frees them."""
    global _KEPT
    _KEPT = []


def _kept(make: Callable[[], _T]) -> _T:
    """What ``make`` makes, kept to the end when the process ends without freeing it; then made
    with the garbage collector paused, and put out of its reach (``gc.freeze``) before it goes
    on: sweeping what is kept would look at each of its objects (70 ms for 2 906 municipalities
    × 50 months) and find nothing to free. What is dropped while it is made is freed as it is
    dropped, by its count of references; a cycle of objects dropped meanwhile stays to the end
    with the rest (a run makes few: the peak memory of a national run is the same)."""
    if _KEPT is None:
        return make()
    gc.disable()
    try:
        made = make()
        gc.freeze()
    finally:
        gc.enable()
    _KEPT.append(made)
    return made


def check(paths: Sequence[str], output_format: str) -> tuple[str, int]:
    """``agreement-engine check``: exit code 1 when any error is found."""
    report = api.check(paths)
    problems = report.diagnostics
    code = 1 if report.errors else 0
    if output_format == "json":
        payload = {
            "files": list(report.files),
            "errors": report.errors,
            "warnings": report.warnings,
            "diagnostics": [to_json(d) for d in problems],
        }
        return json.dumps(payload, ensure_ascii=False, indent=2), code
    lines = [render_text(d) + "\n" for d in problems]
    noun = "file" if len(report.files) == 1 else "files"
    lines.append(f"checked {len(report.files)} {noun}: {summary(problems)}")
    return "\n".join(lines), code


def evaluate(
    agreements: Sequence[str],
    data: str,
    first: str,
    last: str | None,
    assume_approved: bool,
    municipality: str | None = None,
    progress: api.Progress | None = None,
    readings: Sequence[str] = (),
) -> Evaluation:
    """The invoice basis of ``evaluate`` and ``explain``, from the options as given."""
    start = month(first, "--month")
    end = month(last, "--to") if last is not None else None
    chosen = reading_options(readings)
    try:
        return _kept(
            lambda: api.evaluate(
                data,
                start,
                end,
                agreements=agreements,
                assume_approved=assume_approved,
                municipality=municipality,
                progress=progress,
                readings=chosen,
            )
        )
    except EngineError as exc:
        if end is not None and any(d.code == "data-no-month" for d in exc.diagnostics):
            raise UsageError(
                f"{data} has no month column, so it holds one month: give that month with "
                "--month alone, without --to"
            ) from None
        raise


def report(
    agreements: Sequence[str],
    data: str,
    first: str,
    last: str | None,
    assume_approved: bool,
    lang: Language,
    progress: api.Progress | None = None,
    readings: Sequence[str] = (),
) -> tuple[Evaluation, bytes]:
    """``agreement-engine report``: the months billed, and the report's HTML as bytes."""
    from agreement_engine.render.report import render_report

    start = month(first, "--month")
    end = month(last, "--to") if last is not None else None
    made = _kept(
        lambda: api.report(
            data,
            start,
            end,
            agreements=agreements,
            assume_approved=assume_approved,
            progress=progress,
            readings=reading_options(readings),
        )
    )
    run = made.evaluation
    source = run.source
    origins = source.origin if source is not None else None
    page = render_report(run.basis, made.timeline, run.report, origins, lang)
    return run, page.encode("utf-8")


def month(text: str, option: str) -> YearMonth:
    """The month an option gives, written YYYY-MM; wrong usage otherwise."""
    try:
        return YearMonth.parse_option(text)
    except ValueError:
        raise UsageError(
            f"{option} takes a month written YYYY-MM, like 2026-03, not '{text}'"
        ) from None


def reading_options(texts: Sequence[str]) -> dict[str, str]:
    """The readings ``--reading ASSUMPTION=ALTERNATIVE`` (repeatable) chooses; wrong usage when
    one is not written so, or an assumption is given two readings."""
    chosen: dict[str, str] = {}
    for text in texts:
        assumption, equals, alternative = (part.strip() for part in text.partition("="))
        if not equals or not assumption or not alternative:
            raise UsageError(
                f"--reading takes ASSUMPTION=ALTERNATIVE, like "
                f"benchmark-2024=2021-average-from-2024, not '{text}'"
            )
        if chosen.get(assumption, alternative) != alternative:
            raise UsageError(
                f"--reading gives {assumption} two readings, {chosen[assumption]} and "
                f"{alternative}: choose one"
            )
        chosen[assumption] = alternative
    return chosen


def basis_parts(
    evaluation: Evaluation, output_format: str, lang: Language = ENGLISH
) -> Iterator[bytes]:
    """The invoice basis in the format asked for, in a language, as the parts of the bytes to
    write, made as they are written (a CSV a part of its lines at a time, so that a large basis
    is never held whole); JSON says which data file it was computed from and how that was read
    (the workbook too)."""
    from agreement_engine.render import invoice as invoice_output

    data = None
    if output_format == "json":
        report, warnings = evaluation.report, evaluation.warnings
        data = invoice_output.data_json(report, evaluation.data_sha256(), warnings)
    basis = evaluation.basis
    return invoice_output.basis_parts(basis, output_format, data, lang, evaluation.report)


def billed_code(basis: InvoiceBasis) -> int:
    """The exit code of a run that billed: 0 when every line was computed, 3 when some were not
    (each line says why), 1 when none was: nothing at all could be billed, and a script must
    not take the run for done (:func:`nothing_billed` says why)."""
    from agreement_engine.api import LineStatus

    missing = basis.count(LineStatus.NOT_COMPUTED)
    if not missing:
        return 0
    return SOME_NOT_COMPUTED if missing < len(basis.lines) else 1


def nothing_billed(basis: InvoiceBasis, written: bool = False) -> Diagnostic:
    """The error for a run none of whose lines could be computed, naming the first reasons;
    ``written`` when the output (an explanation) was shown all the same."""
    count = len(basis.lines)
    shown: dict[str, None] = {}
    for line in basis.lines:  # the first reason of a line not computed says why
        shown.setdefault(f"{line.municipality} {line.month}: {line.reasons[0]}")
    notes = list(shown)[:_REASONS_SHOWN]
    if len(shown) > len(notes):
        notes.append(f"and {len(shown) - len(notes)} more lines not computed")
    what = "the one line could not" if count == 1 else f"none of the {count} lines could"
    hint = "the notes say why, and the report above what was read from the data"
    return Diagnostic(
        Severity.ERROR,
        f"nothing could be billed: {what} be computed",
        hint=hint if written else f"no output was written; {hint}",
        code="nothing-billed",
        notes=tuple(notes),
    )


_REASONS_SHOWN = 3


def report_lines(evaluation: Evaluation, lang: Language = ENGLISH) -> list[str]:
    """What reading the data did, for the terminal: rows read, used and left out, and why
    (the warnings of reading stay in English, as every message about a file's contents)."""
    read = [lang.text(line) for line in evaluation.report.lines()]
    return [*read, *(render_text(w) for w in evaluation.warnings)]


def timeline_command(
    paths: Sequence[str],
    first: str | None,
    last: str | None,
    output_format: str,
    lang: Language = ENGLISH,
    readings: Sequence[str] = (),
) -> tuple[str, int]:
    """``agreement-engine timeline``: what governs each month, party by party."""
    from agreement_engine.render.timeline import RENDERERS

    render = RENDERERS.get(output_format)
    if render is None:
        raise UsageError(f"--format takes text, csv or json, not '{output_format}'")
    start = month(first, "--from") if first is not None else None
    end = month(last, "--to") if last is not None else None
    chosen = reading_options(readings)
    return render(api.timeline(paths, start, end, chosen), lang), 0


READINGS_FORMATS = ("text", "json", "csv")


def readings_command(
    agreements: Sequence[str],
    data: str,
    first: str,
    last: str | None,
    output_format: str,
    assume_approved: bool,
    lang: Language = ENGLISH,
) -> tuple[str, list[str], int]:
    """``agreement-engine readings``: every alternative reading billed beside the files' own;
    the output, what reading the data did (for the terminal), and the exit code: 3 when some
    line of some reading is not computed, 1 when nothing at all could be billed."""
    from agreement_engine.render.invoice import data_json
    from agreement_engine.render.readings import RENDERERS

    render = RENDERERS.get(output_format)
    if render is None:
        raise UsageError(f"--format takes text, json or csv, not '{output_format}'")
    start = month(first, "--month")
    end = month(last, "--to") if last is not None else None
    found = api.readings(data, start, end, agreements=agreements, assume_approved=assume_approved)
    runs = [run for run in found.runs if run.basis is not None]
    own = runs[0].basis
    assert own is not None
    if billed_code(own) == 1:
        raise EngineError([nothing_billed(own)])
    missing = any(run.not_computed() for run in runs)
    read = [lang.text(line) for line in found.report.lines()]
    report = [*read, *(render_text(w) for w in found.warnings)]
    details = None
    if output_format == "json":
        details = data_json(found.report, _sha256(found.report.path), found.warnings)
    return render(found, details, lang), report, SOME_NOT_COMPUTED if missing else 0


def _sha256(path: str) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


DIFF_FORMATS = ("text", "markdown", "json")
CHANGED = 4
"""The exit code of ``diff --exit-code`` when the versions differ in meaning."""


def diff_command(
    old: str,
    new: str,
    rev: str | None,
    output_format: str,
    impact_data: str | None,
    assume_approved: bool,
    context: Sequence[str] = (),
    lang: Language = ENGLISH,
) -> tuple[str, int]:
    """``agreement-engine diff OLD NEW``: what changed in meaning, and 4 when anything did (the
    code of ``diff --exit-code``; without that flag the CLI exits 0 either way)."""
    from agreement_engine.render import diff as diff_output

    if output_format not in DIFF_FORMATS:
        raise UsageError(f"--format takes text, markdown or json, not '{output_format}'")
    found = api.diff(
        old,
        new,
        rev=rev,
        impact_data=impact_data,
        context=context,
        assume_approved=assume_approved,
    )
    if output_format == "json":
        text = diff_output.render_json(found.diff, found.impact)
    elif output_format == "markdown":
        text = diff_output.render_markdown(found.diff, found.impact, lang)
    else:
        text = diff_output.render_text(found.diff, found.impact, lang)
    return text, CHANGED if found.diff.changed else 0


def textconv_command(path: str) -> tuple[str, int]:
    """``agreement-engine diff --textconv FILE``: one file's canonical form, for ``git diff``."""
    return api.canonical_text(path), 0


def git_setup_text() -> str:
    """``agreement-engine diff --git-setup``."""
    return api.git_setup()


TEST_FORMATS = ("text", "json")


def run_tests_command(
    paths: Sequence[str],
    agreements: Sequence[str],
    output_format: str,
    lang: Language = ENGLISH,
    verbose: bool = False,
    junit: str | None = None,
) -> tuple[str, int]:
    """``agreement-engine test``: exit code 0 when every case passes, 1 when any fails (or has
    an error in it); ``junit`` names a file to write the run to as JUnit XML as well."""
    from agreement_engine.cli.output import write_whole
    from agreement_engine.render import scenarios as scenario_output

    if output_format not in TEST_FORMATS:
        raise UsageError(f"--format takes text or json, not '{output_format}'")
    run = api.run_tests(paths or [api.DEFAULT_AGREEMENTS], agreements or [api.DEFAULT_AGREEMENTS])
    if junit is not None:
        from agreement_engine.render.junit import render_junit

        read = [file.path for file in run.files]
        write_whole(junit, render_junit(run, lang, verbose).encode("utf-8"), inputs=read)
    if output_format == "json":
        output = scenario_output.render_json(run)
    else:
        output = scenario_output.render_text(run, lang, verbose)
    return output, 0 if run.failed == 0 else 1
