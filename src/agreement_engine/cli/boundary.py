"""The one error boundary of every command (:func:`guarded`): a known problem becomes its
message and exit code, anything else is a bug, shown as one line; then the output is printed and
the command exits with its code (the exit codes are listed in :mod:`.app`)."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from typing import TYPE_CHECKING

import typer

from agreement_engine.api import without_cache
from agreement_engine.diagnostics import EngineError, UsageError, render_text

if TYPE_CHECKING:
    from agreement_engine.cli.commands import Action


def guarded(context: typer.Context, action: Action) -> None:
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
