"""--lang on every command that shows results, and `agreement-engine report`."""

from __future__ import annotations

from pathlib import Path

import pytest
from outputs import AGGREGATES, AGREEMENTS, ROOT
from typer.testing import CliRunner, Result

from agreement_engine.cli.app import app

FILES = ("--data", str(AGGREGATES), "--agreements", AGREEMENTS[0], "--agreements", AGREEMENTS[1])


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


@pytest.mark.parametrize(
    ("command", "english", "swedish"),
    [
        (("evaluate", "--month", "2025-10", *FILES), "net amount", "nettobelopp"),
        (("explain", "--month", "2025-10", "--municipality", "Hylte", *FILES), "Steps:", "Steg:"),
        (("timeline", "--agreements", AGREEMENTS[0]), "governed by", "styrs av"),
        (("test", str(ROOT / "agreements")), "passed", "passed"),
    ],
    ids=["evaluate", "explain", "timeline", "test"],
)
def test_lang_sv_gives_swedish_and_the_default_stays_english(
    command: tuple[str, ...], english: str, swedish: str
) -> None:
    """English by default, so every script reading today's output goes on working."""
    default, chosen = run(*command), run(*command, "--lang", "sv")
    assert default.exit_code == chosen.exit_code
    assert english in default.stdout and swedish in chosen.stdout
    assert run(*command, "--lang", "en").stdout == default.stdout


def test_the_environment_can_choose_the_language_and_the_option_wins() -> None:
    """AGREEMENT_ENGINE_LANG=sv for a Swedish desk; --lang en still gives English."""
    args = ("evaluate", "--month", "2025-10", *FILES)
    assert "nettobelopp" in run(*args, env={"AGREEMENT_ENGINE_LANG": "sv"}).stdout
    assert "net amount" in run(*args, "--lang", "en", env={"AGREEMENT_ENGINE_LANG": "sv"}).stdout


def test_an_unknown_language_is_wrong_usage() -> None:
    """--lang de exits 2 naming the choices, as any wrong option does."""
    result = run("evaluate", "--month", "2025-10", *FILES, "--lang", "de")
    assert result.exit_code == 2 and "'en', 'sv'" in result.stderr


def test_swedish_text_output_writes_amounts_the_swedish_way() -> None:
    """7 102 000 kr, decimal comma: Babel's Swedish, the exact amount."""
    result = run("evaluate", "--month", "2025-10", "--to", "2025-11", *FILES, "--lang", "sv")
    assert "summa Falkenberg: 142\u00a0025 kr" in result.stdout
    assert "27\u00a0772,5" in result.stdout  # Halmstad's discount in 2025-10
    assert "300 rader lästa, 12 använda, 288 uteslutna" in result.stderr


def test_report_writes_one_html_file_and_exits_as_evaluate_does(tmp_path: Path) -> None:
    """Exit 3 when some lines are not computed (the statute's months from aggregates), 0 when
    all are, and the file written whole."""
    target = tmp_path / "report.html"
    some = run("report", "--month", "2025-09", "--to", "2025-10", *FILES, "--output", target)
    assert some.exit_code == 3 and some.stderr.endswith(f"wrote {target}\n")
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    every = run("report", "--month", "2025-10", *FILES, "--output", target, "--lang", "sv")
    assert every.exit_code == 0 and "Sammanfattning" in target.read_text(encoding="utf-8")


def test_report_writes_nothing_when_nothing_could_be_billed(tmp_path: Path) -> None:
    """Exit 1, and no report that a reader could take for one."""
    target = tmp_path / "report.html"
    result = run("report", "--month", "2025-09", *FILES, "--output", target)
    assert result.exit_code == 1 and "nothing could be billed" in result.stderr
    assert not target.exists()


def test_report_needs_an_output_file() -> None:
    """A page of HTML on a terminal helps nobody: --output is required (wrong usage)."""
    assert run("report", "--month", "2025-10", *FILES).exit_code == 2
