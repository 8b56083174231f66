"""The README's commands run as written, and the output it quotes is the engine's real output."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agreement_engine.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _at_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def engine_arguments(command: str) -> list[str]:
    """The arguments after `agreement-engine` in a README command (line continuations joined)."""
    words = shlex.split(command.replace("\\\n", " "))
    return words[words.index(next(w for w in words if w.endswith("agreement-engine"))) + 1 :]


def test_the_quick_start_command_produces_the_invoice_basis() -> None:
    """The first thing a newcomer runs must work and show a full, labelled result."""
    first = next(line for line in README.splitlines() if line.startswith("bash scripts/install"))
    evaluate = first.split("&& ")[-1]
    result = CliRunner().invoke(app, engine_arguments(evaluate))
    assert result.exit_code == 0, result.output
    assert "halland-2025 + halland-invoice-basis: 2025-10 (all municipalities)" in result.stdout
    assert "illustrative, made up for examples" in result.stdout


def test_the_benchmark_walkthrough_quotes_the_real_report_and_impact() -> None:
    """Reviewers compare the README with what they see; the quoted lines must be the real ones."""
    command = re.search(r"```sh\n(agreement-engine diff .*?)\n```", README, re.S)
    assert command is not None
    result = CliRunner().invoke(app, engine_arguments(command.group(1)))
    assert result.exit_code == 0  # a change exits 4 only with --exit-code, as in git
    quoted = re.findall(r"```\n(  rule benchmark.*?|municipality   before.*?)```", README, re.S)
    assert len(quoted) == 2
    for block in quoted:
        assert block in result.stdout
