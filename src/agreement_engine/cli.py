"""The command line: a thin shell that parses arguments, calls the library and prints.

Exit codes: 0 all well, 1 the files or data have problems, 2 wrong usage.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from agreement_engine import commands
from agreement_engine.diagnostics import EngineError, render_text

app = typer.Typer(
    name="agreement-engine",
    help="Rules-as-code for the money side of inter-governmental agreements.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DEFAULT_AGREEMENTS = "agreements"


class Format(StrEnum):
    text = "text"
    json = "json"


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option(help="Show Python tracebacks on internal errors.")] = False,
) -> None:
    commands.DEBUG = debug


@app.command()
def check(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Agreement files or folders (default: agreements/)."),
    ] = None,
    format: Annotated[Format, typer.Option("--format", help="text or json")] = Format.text,
) -> None:
    """Check agreement files: schema, formulas, references and the timeline."""
    _run(lambda: commands.check(paths or [DEFAULT_AGREEMENTS], format.value))


def _run(action: commands.Action) -> None:
    try:
        output, code = action()
    except EngineError as exc:
        for d in exc.diagnostics:
            typer.echo(render_text(d), err=True)
        raise typer.Exit(1) from None
    if output:
        sys.stdout.write(output if output.endswith("\n") else output + "\n")
    raise typer.Exit(code)


def main() -> None:
    """Entry point of the console script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
