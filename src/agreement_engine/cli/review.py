"""The commands on the agreement files themselves, for those who write and review them:
``check``, ``timeline``, ``diff`` and ``test``: their options and help. The app (:mod:`.app`)
adds them; their bodies are :mod:`.commands`', their errors and exit codes
:func:`.boundary.guarded`'s.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from agreement_engine.api import DEFAULT_AGREEMENTS
from agreement_engine.cli import commands
from agreement_engine.cli.boundary import guarded
from agreement_engine.cli.options import (
    AgreementsOption,
    AssumeOption,
    Lang,
    LangOption,
    ReadingOption,
)
from agreement_engine.diagnostics import UsageError
from agreement_engine.render.i18n import language


class Format(StrEnum):
    text = "text"
    json = "json"


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


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
