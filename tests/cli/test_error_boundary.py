"""The one error boundary of the command line: a bug is one line and exit 1, --debug shows it."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from agreement_engine.cli import commands
from agreement_engine.cli.app import app


def _bug(*arguments: object, **options: object) -> tuple[str, int]:
    raise ValueError("bang")


def test_a_bug_in_the_engine_is_one_line_and_exit_1_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Finance must never see a Python traceback; the line says what to do instead."""
    monkeypatch.setattr(commands, "check", _bug)
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 1
    assert result.output == (
        "internal error: ValueError: bang\n"
        "hint: this is a bug in agreement-engine, not in your files; run again with --debug "
        "for the details and report it\n"
    )


def test_debug_lets_the_bug_through_with_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoever reports the bug needs the traceback: --debug, given before the command, shows it."""
    monkeypatch.setattr(commands, "check", _bug)
    result = CliRunner().invoke(app, ["--debug", "check"])
    assert isinstance(result.exception, ValueError)
    assert str(result.exception) == "bang"
