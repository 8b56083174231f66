"""Each command is made by typer only when it is run, or when the commands are listed: help
lists every one in its order, a misspelt name is answered with the right one, and the command
run is the only one made."""

from __future__ import annotations

import typer.core
import typer.main
from typer.testing import CliRunner

from agreement_engine.cli import app as cli

RUNNER = CliRunner()
ORDER = [*cli.COMMANDS, "invoice", "ledger"]


def test_help_lists_every_command_in_its_order() -> None:
    result = RUNNER.invoke(cli.app, ["--help"])
    assert result.exit_code == 0
    listed = result.output.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    names = [line.split()[0] for line in listed.splitlines() if line.startswith("  ")]
    assert names == ORDER


def test_a_misspelt_command_is_answered_with_the_right_one() -> None:
    for typo, meant in (("evaluat", "evaluate"), ("invoce", "invoice"), ("timelin", "timeline")):
        result = RUNNER.invoke(cli.app, [typo])
        assert result.exit_code == 2
        assert f"No such command '{typo}'. Did you mean '{meant}'?" in result.output


def test_a_command_run_is_made_alone() -> None:
    group = typer.main.get_command(cli.app)
    assert isinstance(group, typer.core.TyperGroup)
    context = group.make_context("agreement-engine", ["timeline"])
    assert group.get_command(context, "timeline") is not None
    assert list(group.commands) == ["timeline"]
    assert group.list_commands(context) == ORDER
