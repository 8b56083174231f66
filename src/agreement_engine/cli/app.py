"""The command line: a thin shell that parses arguments, calls the library and prints.

Exit codes, one contract for every command (see :data:`EPILOG`, and the README's Commands):
0 done, and everything asked for was computed; 1 the files or data have problems, or nothing at
all could be billed; 2 wrong usage; 3 done and the output written, but some lines are not
computed (each says why); 4 ``diff --exit-code`` found a change in meaning; 130 interrupted.

Start-up time counts (``check`` and ``evaluate`` run often, from scripts and editors), so what only
one command needs is imported inside that command: ``evaluate`` does not load ``diff``.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import warnings
from contextlib import nullcontext
from enum import StrEnum
from types import FrameType
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from agreement_engine.api import DEFAULT_AGREEMENTS, without_cache
from agreement_engine.api import explain as explain_lines
from agreement_engine.cli import commands
from agreement_engine.cli import output as files
from agreement_engine.cli.console import INTERRUPTED
from agreement_engine.cli.options import Lang, LangOption
from agreement_engine.diagnostics import EngineError, UsageError, render_text
from agreement_engine.render.i18n import language

EPILOG = (
    "Exit codes: 0 done, everything computed; 1 the files or data have problems, or nothing "
    "could be billed; 2 wrong usage; 3 done, output written, some lines not computed; "
    "4 diff --exit-code: the versions differ in meaning; 130 interrupted."
)


class _Commands(TyperGroup):
    """The commands, those of the invoice ledger made only when one of them is run, or the
    commands are listed (help, a misspelt command): a dozen commands that the others never
    need, and that typer would otherwise build on every run (a few milliseconds)."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands:
            self._add_ledger()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:
        self._add_ledger()
        return super().list_commands(ctx)

    def _add_ledger(self) -> None:
        if "invoice" not in self.commands:
            from agreement_engine.cli.invoice import ledger_commands

            for name, command in ledger_commands().items():
                self.add_command(command, name)


app = typer.Typer(
    cls=_Commands,
    name="agreement-engine",
    help="Rules-as-code for the money side of inter-governmental agreements.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Format(StrEnum):
    text = "text"
    json = "json"


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


AgreementsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--agreements", help="Agreement files or folders (repeatable; default agreements/)."
    ),
]
MonthOption = Annotated[str, typer.Option("--month", help="The month to bill, like 2026-03.")]
DataOption = Annotated[
    str,
    typer.Option("--data", help="Monthly aggregates or an episode-level extract (CSV or XLSX)."),
]


ReadingOption = Annotated[
    list[str] | None,
    typer.Option(
        "--reading",
        help="ASSUMPTION=ALTERNATIVE: compute under another reading of an assumption "
        "(repeatable; 'agreement-engine readings' shows them all).",
    ),
]
AssumeOption = Annotated[
    bool,
    typer.Option(
        "--assume-approved",
        help="Evaluate pending extensions as if approved (results marked provisional).",
    ),
]


@app.callback()
def _main(
    context: typer.Context,
    debug: Annotated[bool, typer.Option(help="Show Python tracebacks on internal errors.")] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Load the agreement files afresh, without the cache of checked sets "
            "(or set AGREEMENT_ENGINE_CACHE=off).",
        ),
    ] = False,
) -> None:
    # Read by guarded: each command's context has this one as its parent.
    context.obj = {"debug": debug, "cache": not no_cache}


@app.command()
def check(
    context: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Agreement files or folders (default: agreements/)."),
    ] = None,
    format: Annotated[Format, typer.Option("--format", help="text or json")] = Format.text,
) -> None:
    """Check agreement files: schema, formulas, references and the timeline."""
    guarded(context, lambda: commands.check(paths or [DEFAULT_AGREEMENTS], format.value))


@app.command()
def evaluate(
    context: typer.Context,
    month: MonthOption,
    data: DataOption,
    to: Annotated[str | None, typer.Option("--to", help="Last month of a range.")] = None,
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
            progress=files.progress if sys.stderr.isatty() else None,
            readings=reading or [],
        )
        if sys.stderr.isatty():
            sys.stderr.write("\r\033[K")
        for line in commands.report_lines(run, words):
            typer.echo(line, err=True)
        code = commands.billed_code(run.basis)
        if code == 1:  # nothing at all billed: no output, which a script could take for done
            raise EngineError([commands.nothing_billed(run.basis)])
        payload = commands.render_basis(run, chosen, words)
        if output:
            read = [data, *(document.path for document in run.library.documents)]
            files.write_whole(output, payload, inputs=read)
            typer.echo(words._("wrote {path}", path=output), err=True)
            return "", code
        return payload.decode("utf-8"), code

    guarded(context, action)


@app.command()
def report(
    context: typer.Context,
    month: MonthOption,
    data: DataOption,
    output: Annotated[str, typer.Option("--output", help="The HTML file to write.")],
    to: Annotated[str | None, typer.Option("--to", help="Last month of a range.")] = None,
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
            progress=files.progress if sys.stderr.isatty() else None,
            readings=reading or [],
        )
        if sys.stderr.isatty():
            sys.stderr.write("\r\033[K")
        for line in commands.report_lines(run, words):
            typer.echo(line, err=True)
        code = commands.billed_code(run.basis)
        if code == 1:  # nothing at all billed: no report, as evaluate writes no output
            raise EngineError([commands.nothing_billed(run.basis)])
        read = [data, *(document.path for document in run.library.documents)]
        files.write_whole(output, page, inputs=read)
        typer.echo(words._("wrote {path}", path=output), err=True)
        return "", code

    guarded(context, action)


@app.command()
def explain(
    context: typer.Context,
    month: MonthOption,
    municipality: Annotated[str, typer.Option("--municipality", help="The municipality.")],
    data: DataOption,
    to: Annotated[str | None, typer.Option("--to", help="Last month of a range.")] = None,
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


@app.command()
def timeline(
    context: typer.Context,
    first: Annotated[str | None, typer.Option("--from", help="First month, like 2022-01.")] = None,
    last: Annotated[str | None, typer.Option("--to", help="Last month, like 2027-12.")] = None,
    agreements: AgreementsOption = None,
    format: Annotated[str, typer.Option("--format", help="text, csv or json")] = "text",
    reading: ReadingOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """Show which documents govern which months, party by party."""
    paths = agreements or [DEFAULT_AGREEMENTS]
    words = language(lang.value)
    guarded(
        context, lambda: commands.timeline_command(paths, first, last, format, words, reading or [])
    )


@app.command()
def readings(
    context: typer.Context,
    month: MonthOption,
    data: DataOption,
    to: Annotated[str | None, typer.Option("--to", help="Last month of a range.")] = None,
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


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


@app.command()
def diff(
    context: typer.Context,
    old: Annotated[str | None, typer.Argument(help="The old file or folder.")] = None,
    new: Annotated[str | None, typer.Argument(help="The new file or folder.")] = None,
    rev: Annotated[
        str | None,
        typer.Option("--rev", help="Git revision(s): REV (against the working tree), A..B, A...B."),
    ] = None,
    format: Annotated[DiffFormat, typer.Option("--format")] = DiffFormat.text,
    impact: Annotated[
        str | None, typer.Option("--impact", help="Bill both versions on this data.")
    ] = None,
    with_: Annotated[
        list[str] | None,
        typer.Option("--with", help="Documents both sides share (figures, statute); repeatable."),
    ] = None,
    assume_approved: AssumeOption = False,
    textconv: Annotated[
        str | None, typer.Option("--textconv", help="Print one file's meaning, for git diff.")
    ] = None,
    git_setup: Annotated[
        bool, typer.Option("--git-setup", help="Print how to make git diff use the engine.")
    ] = False,
    exit_code: Annotated[
        bool,
        typer.Option("--exit-code", help="Exit 4 when the versions differ in meaning (as git)."),
    ] = False,
    lang: LangOption = Lang.en,
) -> None:
    """Compare two versions of agreement files by meaning, and what the change does to money."""

    def action() -> tuple[str, int]:
        if git_setup:
            return commands.git_setup_text(), 0
        if textconv:
            return commands.textconv_command(textconv)
        if old is None or new is None:
            raise UsageError("diff needs OLD and NEW (or --textconv FILE, or --git-setup)")
        text, changed = commands.diff_command(
            old,
            new,
            rev,
            format.value,
            impact,
            assume_approved,
            context=with_ or [],
            lang=language(lang.value),
        )
        return text, changed if exit_code else 0

    guarded(context, action)


@app.command("test")
def test_(
    context: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Scenario test files or folders (default: agreements/)."),
    ] = None,
    agreements: AgreementsOption = None,
    format: Annotated[Format, typer.Option("--format", help="text or json")] = Format.text,
    junit: Annotated[
        str | None,
        typer.Option("--junit", help="Also write the results to this file as JUnit XML, for CI."),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", help="Show a failing line's whole derivation."),
    ] = False,
    lang: LangOption = Lang.en,
) -> None:
    """Run the scenario tests written beside the agreements."""
    tests = paths or [DEFAULT_AGREEMENTS]
    where = agreements or [DEFAULT_AGREEMENTS]
    words = language(lang.value)
    guarded(
        context,
        lambda: commands.run_tests_command(tests, where, format.value, words, verbose, junit),
    )


def guarded(context: typer.Context, action: commands.Action) -> None:
    """The one error boundary: a known problem becomes its message and exit code; anything else
    is a bug, shown as one line (with its traceback under --debug, which the app's callback
    keeps on the root of ``context``)."""
    options = context.find_root().obj or {}
    try:
        with nullcontext() if options.get("cache", True) else without_cache():
            output, code = action()
    except EngineError as exc:
        for d in exc.diagnostics:
            typer.echo(render_text(d) + "\n", err=True)
        raise typer.Exit(1) from None
    except UsageError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except Exception as exc:
        if options.get("debug"):
            raise
        typer.echo(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "hint: this is a bug in agreement-engine, not in your files; run again with "
            "--debug for the details and report it",
            err=True,
        )
        raise typer.Exit(1) from None
    if output:
        sys.stdout.write(output if output.endswith("\n") else output + "\n")
    raise typer.Exit(code)


def main() -> None:
    """Run the command line and end the process (the console script's :mod:`.console` calls it).

    Ctrl-C ends the run with exit code 130 and the message ``interrupted``, never a traceback.

    A run builds tens of thousands of objects that live until it ends (lines, steps, figures);
    with Python's default thresholds the collector would sweep them all again and again. A run
    is short and makes few reference cycles, so it collects far less often; and it ends without
    freeing them one by one (0.15 s for a national run), once its output is flushed: mypy does
    both the same way. (The API removed the run's temporary files as the command ended, however
    it ended.)
    """
    gc.set_threshold(200_000, 30, 30)
    signal.signal(signal.SIGINT, _interrupt)
    # openpyxl warns of what it tidies in a workbook from another program, in its own words
    # and with its source path: not a message for the user, who gets ours if it cannot read.
    warnings.filterwarnings("ignore", module="openpyxl")
    try:
        app()
    except SystemExit as done:
        status = _status(done)
    except Interrupted:
        sys.stderr.write("interrupted\n")
        status = INTERRUPTED
    else:  # pragma: no cover  (click ends every run with SystemExit)
        status = 0
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the output is out: nothing left to stop
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # the reader went away (a pipe closed early): nothing more to say
        pass
    os._exit(status)


class Interrupted(BaseException):
    """Ctrl-C while a command runs. Not a KeyboardInterrupt, which click would turn into
    'Aborted!' and exit code 1: this unwinds to :func:`main`, removing on its way any output
    file half-written (:func:`.output.write_whole`), which ends with exit code 130."""


def _interrupt(signal_number: int, frame: FrameType | None) -> None:
    raise Interrupted


def _status(done: SystemExit) -> int:
    """The exit status a SystemExit stands for, as the interpreter would take it."""
    if done.code is None or isinstance(done.code, int):
        return done.code or 0
    print(done.code, file=sys.stderr)
    return 1


if __name__ == "__main__":  # pragma: no cover
    main()
