"""``agreement-engine invoice …`` and ``agreement-engine ledger verify``: the invoice ledger.

Every command takes ``--ledger URL_OR_PATH``: an SQLite file (made by the first draft), or
``postgresql://user:password@host/database``; by default ``$AGREEMENT_ENGINE_LEDGER``, else
``ledger.sqlite`` in the current folder. Exit codes as for every command: 0 done; 1 the files,
data or ledger have problems (a refused transition, a broken chain, a database that cannot be
reached or written: nothing changed); 2 wrong usage; 3 done, but some lines not computed;
130 interrupted (nothing recorded).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agreement_engine import api
from agreement_engine.cli import commands
from agreement_engine.cli import output as files
from agreement_engine.cli.boundary import guarded
from agreement_engine.cli.options import AgreementsOption, Lang, LangOption, ToOption
from agreement_engine.diagnostics import Diagnostic, UsageError, render_text
from agreement_engine.render.i18n import Language, language

if TYPE_CHECKING:
    from agreement_engine import Ledger

LEDGER_VARIABLE = "AGREEMENT_ENGINE_LEDGER"
DEFAULT_LEDGER = "ledger.sqlite"
NOT_COMPUTED = 3
INTERRUPTED = 130

invoice_app = typer.Typer(
    help="The invoice ledger: drafts, adjustments, invoices, credit and debit notes.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
ledger_app = typer.Typer(
    help="The ledger itself: check its integrity.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


def ledger_commands() -> dict[str, Any]:
    """The ``invoice`` and ``ledger`` groups as the main app adds them (:mod:`.app`), made when
    first needed: each a group of click commands, built by typer with the main app's settings."""
    holder = typer.Typer(
        add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None
    )
    holder.add_typer(invoice_app, name="invoice")
    holder.add_typer(ledger_app, name="ledger")
    return dict(typer.main.get_group(holder).commands)


LedgerOption = Annotated[
    str | None,
    typer.Option(
        "--ledger",
        help=f"SQLite file or postgresql:// URL (default: ${LEDGER_VARIABLE}, else "
        f"{DEFAULT_LEDGER}).",
        show_default=False,
    ),
]
MonthOption = Annotated[str, typer.Option("--month", help="The month, like 2026-03.")]
DataOption = Annotated[
    str, typer.Option("--data", help="Monthly aggregates or an episode-level extract.")
]
MunicipalityOption = Annotated[str, typer.Option("--municipality", help="The municipality.")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why: recorded with the change.")]
ByOption = Annotated[
    str | None, typer.Option("--by", help="Who acts (default: the user logged in).")
]
AssumeOption = Annotated[
    bool,
    typer.Option(
        "--assume-approved",
        help="Bill pending extensions as if approved (the lines are provisional).",
    ),
]
AcceptOption = Annotated[
    str | None,
    typer.Option(
        "--accept-provisional",
        help="Send provisional lines anyway, for this reason (recorded on the document).",
    ),
]


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


def ledger_of(given: str | None) -> Ledger:
    """The ledger named by --ledger, else by the environment, else ledger.sqlite here."""
    return api.open_ledger(given or os.environ.get(LEDGER_VARIABLE) or DEFAULT_LEDGER)


def _where(given: str | None) -> str:
    return given or os.environ.get(LEDGER_VARIABLE) or DEFAULT_LEDGER


def _report(read: Iterable[str], warnings: Iterable[Diagnostic], lang: Language) -> None:
    """What reading the data did, on stderr, as evaluate says it (in a language; the warnings
    about the file's contents in English, as every such message)."""
    for line in [*map(lang.text, read), *(render_text(w) for w in warnings)]:
        typer.echo(line, err=True)


def _run(context: typer.Context, action: commands.Action) -> None:
    """The error boundary of every command (:func:`.boundary.guarded`), and Ctrl-C as exit 130."""
    try:
        guarded(context, action)
    except KeyboardInterrupt:
        typer.echo("error: interrupted; nothing was recorded", err=True)
        raise typer.Exit(INTERRUPTED) from None


@invoice_app.command()
def draft(
    context: typer.Context,
    month: MonthOption,
    data: DataOption,
    to: ToOption = None,
    agreements: AgreementsOption = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why drafts already made change.")
    ] = None,
    by: ByOption = None,
    assume_approved: AssumeOption = False,
    ledger: LedgerOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """Compute the invoice basis and record it as drafts, one per municipality and month."""
    from agreement_engine.render.ledger import render_draft

    words = language(lang.value)

    def action() -> tuple[str, int]:
        first = commands.month(month, "--month")
        last = commands.month(to, "--to") if to is not None else None
        result = ledger_of(ledger).draft(
            data,
            first,
            last,
            agreements=agreements or [api.DEFAULT_AGREEMENTS],
            assume_approved=assume_approved,
            reason=reason,
            by=by,
        )
        _report(result.billed.report.lines(), result.billed.warnings, words)
        code = NOT_COMPUTED if result.not_computed else 0
        return render_draft(result, _where(ledger), words), code

    _run(context, action)


@invoice_app.command()
def adjust(
    context: typer.Context,
    month: MonthOption,
    municipality: MunicipalityOption,
    data: DataOption,
    reason: ReasonOption,
    agreements: AgreementsOption = None,
    by: ByOption = None,
    assume_approved: AssumeOption = False,
    ledger: LedgerOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """Compute one municipality-month again from corrected data, before it is sent."""
    from agreement_engine.render.ledger import render_draft

    words = language(lang.value)

    def action() -> tuple[str, int]:
        result = ledger_of(ledger).adjust(
            data,
            commands.month(month, "--month"),
            municipality,
            reason=reason,
            agreements=agreements or [api.DEFAULT_AGREEMENTS],
            assume_approved=assume_approved,
            by=by,
        )
        _report(result.billed.report.lines(), result.billed.warnings, words)
        code = NOT_COMPUTED if result.not_computed else 0
        return render_draft(result, _where(ledger), words), code

    _run(context, action)


@invoice_app.command()
def send(
    context: typer.Context,
    month: MonthOption,
    municipality: Annotated[
        str | None, typer.Option("--municipality", help="Send this one only.")
    ] = None,
    accept_provisional: AcceptOption = None,
    by: ByOption = None,
    ledger: LedgerOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """Send a month's drafts: each gets the next invoice number."""
    from agreement_engine.render.ledger import render_send

    words = language(lang.value)

    def action() -> tuple[str, int]:
        result = ledger_of(ledger).send(
            commands.month(month, "--month"),
            municipality,
            accept_provisional=accept_provisional,
            by=by,
        )
        return render_send(result, _where(ledger), words), 0

    _run(context, action)


@invoice_app.command()
def correct(
    context: typer.Context,
    month: MonthOption,
    municipality: MunicipalityOption,
    data: DataOption,
    reason: ReasonOption,
    agreements: AgreementsOption = None,
    accept_provisional: AcceptOption = None,
    by: ByOption = None,
    assume_approved: AssumeOption = False,
    ledger: LedgerOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """After sending: issue a credit or debit note for what the line comes to now."""
    from agreement_engine.render.ledger import render_note

    words = language(lang.value)

    def action() -> tuple[str, int]:
        result = ledger_of(ledger).correct(
            data,
            commands.month(month, "--month"),
            municipality,
            reason=reason,
            agreements=agreements or [api.DEFAULT_AGREEMENTS],
            assume_approved=assume_approved,
            accept_provisional=accept_provisional,
            by=by,
        )
        _report(result.billed.report.lines(), result.billed.warnings, words)
        return render_note(result, _where(ledger), words), 0

    _run(context, action)


@invoice_app.command()
def stale(
    context: typer.Context,
    data: Annotated[
        str | None, typer.Option("--data", help="Newer data to compute from (optional).")
    ] = None,
    agreements: AgreementsOption = None,
    ledger: LedgerOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """The sent invoices whose amount would differ if computed today, and why."""
    from agreement_engine.render.ledger import render_stale

    words = language(lang.value)

    def action() -> tuple[str, int]:
        found = ledger_of(ledger).stale(
            agreements=agreements or [api.DEFAULT_AGREEMENTS], data=data
        )
        return render_stale(found, words), 0

    _run(context, action)


@invoice_app.command("list")
def list_(
    context: typer.Context,
    month: Annotated[str | None, typer.Option("--month", help="One month only.")] = None,
    ledger: LedgerOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """Every municipality-month in the ledger: its line, invoice and notes."""
    from agreement_engine.render.ledger import render_entries

    words = language(lang.value)

    def action() -> tuple[str, int]:
        chosen = commands.month(month, "--month") if month is not None else None
        return render_entries(ledger_of(ledger).entries(chosen), words), 0

    _run(context, action)


@invoice_app.command()
def show(
    context: typer.Context,
    number: Annotated[int, typer.Argument(help="The document's number.")],
    ledger: LedgerOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """A document as sent, with its derivation as explain shows it."""
    from agreement_engine.render.ledger import render_show

    words = language(lang.value)
    _run(context, lambda: (render_show(ledger_of(ledger).show(number), words), 0))


@invoice_app.command()
def export(
    context: typer.Context,
    number: Annotated[int, typer.Argument(help="The document's number.")],
    format: Annotated[ExportFormat, typer.Option("--format", help="csv, json or xlsx")],
    output: Annotated[str | None, typer.Option("--output", help="Write to this file.")] = None,
    ledger: LedgerOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """A document as it is sent to the municipality: CSV, JSON or XLSX."""
    from agreement_engine.render.ledger import render_export

    words = language(lang.value)

    def action() -> tuple[str, int]:
        if format is ExportFormat.xlsx and not output:
            raise UsageError("--format xlsx needs --output FILE")
        payload = render_export(ledger_of(ledger).show(number), format.value, words)
        if output:
            files.write_whole(output, payload)
            typer.echo(words._("wrote {path}", path=output), err=True)
            return "", 0
        sys.stdout.write(payload.decode("utf-8"))
        return "", 0

    _run(context, action)


@ledger_app.command()
def verify(context: typer.Context, ledger: LedgerOption = None, lang: LangOption = Lang.en) -> None:
    """Check the chain of events and compute every sent document again, to the öre."""
    from agreement_engine.render.ledger import render_verify

    words = language(lang.value)

    def action() -> tuple[str, int]:
        report = ledger_of(ledger).verify()
        if report.problems:
            typer.echo(render_verify(report, _where(ledger), words), err=True)
            return "", 1
        return render_verify(report, _where(ledger), words), 0

    _run(context, action)
