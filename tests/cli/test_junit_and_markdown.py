"""`test --junit` for CI systems, and `diff --format markdown` for reviews."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from outputs import ROOT
from typer.testing import CliRunner, Result

from agreement_engine.cli.app import app
from agreement_engine.cli.commands import diff_command
from agreement_engine.render.i18n import language

FAILING = "tests/fixtures/scenarios/cases/failing.yaml"
PASSING = "tests/fixtures/scenarios/cases/passing.yaml"
AGREEMENTS = "tests/fixtures/scenarios/agreements"


@pytest.fixture(autouse=True)
def _at_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def junit(tmp_path: Path, *args: str) -> tuple[Result, ET.Element]:
    target = tmp_path / "results.xml"
    result = run("test", *args, "--agreements", AGREEMENTS, "--junit", target)
    return result, ET.fromstring(target.read_bytes())


def test_junit_has_a_testcase_per_case_and_a_failure_per_wrong_value(tmp_path: Path) -> None:
    """CI shows each case, green or red, at its file and line, with the counts it expects."""
    result, root = junit(tmp_path, PASSING, FAILING)
    assert result.exit_code == 1
    suites = root.findall("testsuite")
    assert sorted(s.get("name") or "" for s in suites) == [FAILING, PASSING]
    cases = root.findall("testsuite/testcase")
    assert root.get("tests") == str(len(cases))
    failed = [case for case in cases if case.find("failure") is not None]
    assert root.get("failures") == str(len(failed)) and 0 < len(failed) < len(cases)
    assert all(case.get("file") and case.get("line") for case in cases)
    assert result.stdout.endswith(" failed\n")  # the text on the terminal as before


def test_a_failure_says_the_failing_figure_in_its_message_and_its_derivation_below(
    tmp_path: Path,
) -> None:
    """Short where CI lists failures; the derivation of that figure, not the whole line."""
    _, root = junit(tmp_path, FAILING)
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == (
        "a third of a day above the benchmark (Alfa, 2024-03): average_days expected 3.33 days, "
        "got 10/3 days (≈ 3.333333… days)"
    )
    text = failure.text or ""
    assert text.startswith("Inputs:") and "average_days = " in text
    assert "Why these rules govern this month:" not in text


def test_verbose_shows_the_whole_derivation(tmp_path: Path) -> None:
    """The rest is there when asked for: --verbose gives the line's whole explanation."""
    _, root = junit(tmp_path, FAILING, "--verbose")
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and "Why these rules govern this month:" in (failure.text or "")
    verbose = run("test", FAILING, "--agreements", AGREEMENTS, "--verbose").stdout
    assert "Why these rules govern this month:" in verbose


def test_the_junit_file_is_the_same_for_the_same_run(tmp_path: Path) -> None:
    """No timestamps or durations: CI artefacts compare equal when nothing changed."""
    first = (junit(tmp_path, FAILING), (tmp_path / "results.xml").read_bytes())[1]
    assert (junit(tmp_path, FAILING), (tmp_path / "results.xml").read_bytes())[1] == first


def test_a_swedish_failure_keeps_the_summary_line_in_english() -> None:
    """Words for people in Swedish; 'N passed, N failed' stays as CI systems read it."""
    result = run("test", FAILING, "--agreements", AGREEMENTS, "--lang", "sv")
    assert ": underkänt: a third of a day above the benchmark (Alfa, 2024-03): " in result.stdout
    assert "förväntades" in result.stdout and "\nSteg:\n" not in result.stdout
    assert result.stdout.splitlines()[-1].endswith(" failed")


READING_A = "tests/fixtures/diff/benchmark-reading-a/2022-agreement.yaml"
READING_B = "agreements/halland/2022-agreement.yaml"
LIBRARY = ["agreements", "examples/halland/illustrative-figures.yaml"]
DATA = "examples/halland/aggregates.csv"


@pytest.fixture(scope="module")
def markdown() -> str:
    return diff_command(READING_B, READING_A, None, "markdown", DATA, False, context=LIBRARY)[0]


def test_a_long_impact_table_is_folded_and_says_how_many_rows_it_holds(markdown: str) -> None:
    """A review comment stays readable: the 90-odd changed months behind one click."""
    assert "<details><summary>" in markdown and "municipality-months changed</summary>" in markdown
    start = markdown.index("<details><summary>")
    folded = markdown[start : markdown.index("</details>", start)]
    assert folded.count("\n| ") > 10
    assert "\n\n| municipality | month | before | after | difference |\n" in folded


def test_markdown_amounts_have_thousands_separators(markdown: str) -> None:
    """226,655 kr reads at a glance; 226655 does not."""
    assert "| Falkenberg | 2024-01 | 226,655 | 182,325 | -44,330 |" in markdown


def test_a_short_table_stays_open(markdown: str) -> None:
    """Totals for six municipalities are shown as they are."""
    totals = markdown[markdown.index("| total | before |") :]
    assert not totals.startswith("<details>") and "| **all** |" in totals


def test_the_swedish_markdown_groups_with_spaces() -> None:
    """The same table for a Swedish review, amounts the Swedish way."""
    text, _ = diff_command(
        READING_B, READING_A, None, "markdown", DATA, False, context=LIBRARY, lang=language("sv")
    )
    assert "| Falkenberg | 2024-01 | 226\u00a0655 | 182\u00a0325 | -44\u00a0330 |" in text
    assert "kommunmånader ändrade</summary>" in text
