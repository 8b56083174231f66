"""The command line: a thin shell that parses arguments, calls the library and prints.

This module holds the typer app: the options every command takes (``--debug``, ``--no-cache``),
the commands in the order help lists them (their definitions are in :mod:`.billing`,
:mod:`.review` and :mod:`.invoice`; each is made by typer only when needed), and :func:`main`,
which runs the app and ends the process. Each command's errors become its exit code in
:func:`.boundary.guarded`.

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
from collections.abc import Callable
from types import FrameType
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from agreement_engine.cli import billing, commands, review
from agreement_engine.cli.console import GC_THRESHOLDS, INTERRUPTED

EPILOG = (
    "Exit codes: 0 done, everything computed; 1 the files or data have problems, or nothing "
    "could be billed; 2 wrong usage; 3 done, output written, some lines not computed; "
    "4 diff --exit-code: the versions differ in meaning; 130 interrupted."
)


class _Commands(TyperGroup):
    """The commands, each made by typer only when it is run, or when the commands are listed
    (help, a misspelt command): typer builds a command's options from its function's signature,
    and building all of them on every run took longer (8 ms) than parsing the one run. Those of
    the invoice ledger are made together, from :mod:`.invoice`, which nothing else imports."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands:
            if cmd_name in COMMANDS:
                self._add(_made({cmd_name: COMMANDS[cmd_name]}))
            else:  # the ledger's, or a name misspelt: then every one, for "did you mean"
                self.list_commands(ctx)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:
        self._add(_made({name: c for name, c in COMMANDS.items() if name not in self.commands}))
        self._add_ledger()
        return super().list_commands(ctx)

    def _add(self, commands: dict[str, Any]) -> None:
        for name, command in commands.items():
            self.add_command(command, name)
        # Help lists them in the order of COMMANDS, the ledger's after, however they were made.
        order = {name: at for at, name in enumerate(COMMANDS)}
        self.commands = dict(
            sorted(self.commands.items(), key=lambda item: order.get(item[0], len(order)))
        )

    def _add_ledger(self) -> None:
        if "invoice" not in self.commands:
            from agreement_engine.cli.invoice import ledger_commands

            self._add(ledger_commands())


def _made(functions: dict[str, Callable[..., None]]) -> dict[str, Any]:
    """Click commands made by typer from ``functions``, with the app's settings."""
    if not functions:
        return {}
    holder = typer.Typer(
        add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None
    )
    for name, function in functions.items():
        holder.command(name)(function)
    holder.callback()(_nothing)  # a group, even of one command
    return dict(typer.main.get_group(holder).commands)


def _nothing() -> None:
    """The callback of a holder of commands: never run."""


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


COMMANDS: dict[str, Callable[..., None]] = {
    "check": review.check,
    "evaluate": billing.evaluate,
    "report": billing.report,
    "explain": billing.explain,
    "timeline": review.timeline,
    "readings": billing.readings,
    "diff": review.diff,
    "test": review.test_,
}
"""The commands by name, in the order help lists them (the ledger's come after); each made when
needed (:class:`_Commands`)."""


def main() -> None:
    """Run the command line and end the process (the console script's :mod:`.console` calls it).

    Ctrl-C ends the run with exit code 130 and the message ``interrupted``, never a traceback.

    A run builds tens of thousands of objects that live until it ends (lines, steps, figures);
    with Python's default thresholds the collector would sweep them all again and again. A run
    is short and makes few reference cycles, so it collects far less often; and it ends without
    freeing them one by one (0.15 s for a national run), once its output is flushed: mypy does
    both the same way. What the command's run made is kept to the end for that
    (:func:`.commands.keep_to_the_end`): else it would be freed as the command returned. (The
    API removed the run's temporary files as the command ended, however it ended.)
    """
    gc.set_threshold(*GC_THRESHOLDS)  # already, when started by the console script
    commands.keep_to_the_end()
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
