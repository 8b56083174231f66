"""The commands that bill a data file for months: ``evaluate``, ``report``, ``explain`` and
``readings``: their options and help, and what each prints. The app (:mod:`.app`) adds them;
their bodies are :mod:`.commands`', their errors and exit codes :func:`.boundary.guarded`'s.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from agreement_engine.api import DEFAULT_AGREEMENTS
from agreement_engine.api import explain as explain_lines
from agreement_engine.cli import commands
from agreement_engine.cli import output as files
from agreement_engine.cli.boundary import guarded
from agreement_engine.cli.options import (
    AgreementsOption,
    AssumeOption,
    Lang,
    LangOption,
    ReadingOption,
    ToOption,
)
from agreement_engine.diagnostics import EngineError, UsageError, render_text
from agreement_engine.render.i18n import language

if TYPE_CHECKING:
    from agreement_engine.api import Evaluation, Progress
    from agreement_engine.render.i18n import Language


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


MonthOption = Annotated[str, typer.Option("--month", help="The month to bill, like 2026-03.")]
DataOption = Annotated[
    str,
    typer.Option("--data", help="Monthly aggregates or an episode-level extract (CSV or XLSX)."),
]


def evaluate(
    context: typer.Context,
    month: MonthOption,
    data: DataOption,
    to: ToOption = None,
    agreements: AgreementsOption = None,
    format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            help="Default: by the --output file's extension (.csv, .json, .xlsx), else table.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[str | None, typer.Option("--output", help="Write to this file.")] = None,
    assume_approved: AssumeOption = False,
    reading: ReadingOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """Produce the invoice basis for a month or a range of months."""
    chosen = format.value if format else files.format_of(output)
    words = language(lang.value)

    def action() -> tuple[str, int]:
        if chosen == "xlsx" and not output:
            raise UsageError("--format xlsx needs --output FILE")
        run = commands.evaluate(
            agreements or [DEFAULT_AGREEMENTS],
            data,
            month,
            to,
            assume_approved,
            progress=_progress(),
            readings=reading or [],
        )
        code = _billed(run, words)
        parts = commands.basis_parts(run, chosen, words)
        if output:
            _write(output, parts, run, data, words)
            return "", code
        return b"".join(parts).decode("utf-8"), code

    guarded(context, action)


def report(
    context: typer.Context,
    month: MonthOption,
    data: DataOption,
    output: Annotated[str, typer.Option("--output", help="The HTML file to write.")],
    to: ToOption = None,
    agreements: AgreementsOption = None,
    assume_approved: AssumeOption = False,
    reading: ReadingOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """Write the report for people: one HTML file with charts, for the screen and for print."""
    words = language(lang.value)

    def action() -> tuple[str, int]:
        run, page = commands.report(
            agreements or [DEFAULT_AGREEMENTS],
            data,
            month,
            to,
            assume_approved,
            words,
            progress=_progress(),
            readings=reading or [],
        )
        code = _billed(run, words)
        _write(output, page, run, data, words)
        return "", code

    guarded(context, action)


def _progress() -> Progress | None:
    """Each month shown as billing starts it, when stderr is a terminal."""
    return files.progress if sys.stderr.isatty() else None


def _billed(run: Evaluation, words: Language) -> int:
    """Once billing is done: the progress line cleared, what reading the data did said, and the
    exit code; :class:`EngineError` when nothing at all could be billed, so that no output (or
    report) is written, which a script could take for done."""
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    for line in commands.report_lines(run, words):
        typer.echo(line, err=True)
    code = commands.billed_code(run.basis)
    if code == 1:
        raise EngineError([commands.nothing_billed(run.basis)])
    return code


def _write(
    output: str, payload: bytes | Iterable[bytes], run: Evaluation, data: str, words: Language
) -> None:
    """The output file written whole (from its parts as they are made), made from the data file
    and the agreement files."""
    read = [data, *(document.path for document in run.library.documents)]
    files.write_whole(output, payload, inputs=read)
    typer.echo(words._("wrote {path}", path=output), err=True)


def explain(
    context: typer.Context,
    month: MonthOption,
    municipality: Annotated[str, typer.Option("--municipality", help="The municipality.")],
    data: DataOption,
    to: ToOption = None,
    agreements: AgreementsOption = None,
    assume_approved: AssumeOption = False,
    reading: ReadingOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """Show the derivation of one municipality's month, step by step."""
    words = language(lang.value)

    def action() -> tuple[str, int]:
        run = commands.evaluate(
            agreements or [DEFAULT_AGREEMENTS],
            data,
            month,
            to,
            assume_approved,
            municipality,
            readings=reading or [],
        )
        for line in commands.report_lines(run, words):  # what reading the data did
            typer.echo(line, err=True)
        name = run.basis.municipalities[0]
        code = commands.billed_code(run.basis)
        if code == 1:  # the derivation says why; the exit code says that nothing was billed
            typer.echo(render_text(commands.nothing_billed(run.basis, written=True)), err=True)
        return explain_lines(run, name, words), code

    guarded(context, action)


def readings(
    context: typer.Context,
    month: MonthOption,
    data: DataOption,
    to: ToOption = None,
    agreements: AgreementsOption = None,
    format: Annotated[str, typer.Option("--format", help="text, json or csv")] = "text",
    assume_approved: AssumeOption = False,
    lang: LangOption = Lang.en,
) -> None:
    """Bill every alternative reading of the open questions beside the agreements' own."""
    words = language(lang.value)

    def action() -> tuple[str, int]:
        paths = agreements or [DEFAULT_AGREEMENTS]
        output, report, code = commands.readings_command(
            paths, data, month, to, format, assume_approved, words
        )
        for line in report:  # what reading the data did, as evaluate says
            typer.echo(line, err=True)
        return output, code

    guarded(context, action)
