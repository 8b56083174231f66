"""`agreement-engine check`: each kind of mistake gets its exact message; the bundled files pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agreement_engine.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
INVALID = ROOT / "tests" / "fixtures" / "invalid"
MISTAKES = sorted(p for p in INVALID.iterdir() if p.suffix != ".expected")


@pytest.fixture(autouse=True)
def _at_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("fixture", MISTAKES, ids=lambda p: p.stem)
def test_each_kind_of_mistake_is_reported_at_its_place_in_plain_words(fixture: Path) -> None:
    """Legal staff act on these messages: location, wording, caret and hint are all asserted."""
    relative = fixture.relative_to(ROOT).as_posix()
    code, output = run("check", relative)
    expected = fixture.with_name(fixture.stem + ".expected").read_text(encoding="utf-8")
    assert output == expected
    assert code == 1


def test_every_mistake_fixture_has_its_expected_output() -> None:
    """A fixture without its expected output would silently test nothing."""
    expected = {p.stem for p in INVALID.glob("*.expected")}
    assert {p.stem for p in MISTAKES} == expected


def test_the_bundled_files_pass_and_warn_exactly_about_what_the_sources_leave_open() -> None:
    """The gap, the pending 2026 approvals and the missing national figures; nothing else."""
    code, output = run("check", "agreements")
    assert code == 0
    headlines = [
        line for line in output.splitlines() if ": warning: " in line or ": error: " in line
    ]
    assert [h.split(": warning: ", 1)[1] for h in headlines] == [
        "no agreement governs 2024-11 – 2025-09 for Kungsbacka, Varberg, Falkenberg, Halmstad, "
        "Hylte, Laholm, so the statute (lag-2017-612) governs these months",
        "halland-2025-extension-2026 is not in force: approval is still pending from "
        "Region Halland, Kungsbacka, Varberg, Falkenberg, Halmstad, Hylte, Laholm; until every "
        "party approves, the statute governs 2026-01 – 2026-12",
        "figure national_day_cost for 2024 is missing; it is needed for 2024-01 – 2024-12",
        "figure national_day_cost for 2025 is missing; it is needed for 2025-01 – 2025-12",
        "figure national_day_cost for 2026 is missing; it is needed for 2026-01 – 2026-12",
        "figure national_average_days for 2021 is missing; it is needed for 2022-11 – 2023-12",
        "figure national_average_days for 2023 is missing; it is needed for "
        "2024-01 – 2024-10, 2025-10 – 2026-12",
    ]
    assert output.splitlines()[-1] == "checked 7 files: 0 errors, 7 warnings"


def test_the_gap_warning_points_at_the_last_day_of_the_2022_agreement() -> None:
    """A reviewer jumping to the warning lands on the date where the gap begins."""
    _, output = run("check", "agreements")
    assert "agreements/halland/2022-agreement.yaml:42:10: warning: no agreement governs" in output


@pytest.mark.parametrize("folder", ["examples", "examples/vastra-gotaland", "examples/stockholm"])
def test_the_examples_of_other_regions_check_without_errors(folder: str) -> None:
    """The format is not Halland-only: other regions' models are written without code changes."""
    code, output = run("check", folder, "agreements/national")
    assert code == 0, output
    assert ": error: " not in output


def test_the_bundled_files_and_the_examples_check_together() -> None:
    """Ids, assumptions and parameter names of the examples do not clash with the real files."""
    code, output = run("check", "agreements", "examples")
    assert code == 0, output
    assert output.splitlines()[-1] == "checked 13 files: 0 errors, 7 warnings"
    assert output.count("(only a made-up illustrative value is loaded") == 5


def test_json_output_carries_file_line_and_column_for_machines() -> None:
    """Editors and CI read the JSON form; it must locate each problem like the text form."""
    code, output = run("check", "--format", "json", "tests/fixtures/invalid/unknown-name.yaml")
    assert code == 1
    payload = json.loads(output)
    assert payload["errors"] == 1
    assert payload["diagnostics"] == [
        {
            "severity": "error",
            "code": "formula",
            "message": "unknown name 'benchmrk'",
            "file": "tests/fixtures/invalid/unknown-name.yaml",
            "line": 28,
            "column": 38,
            "length": 8,
            "hint": "did you mean 'benchmark'?",
        }
    ]


def test_a_file_nested_too_deeply_is_located_in_json_too(tmp_path: Path) -> None:
    """An editor can only jump to a problem that carries its file, line and column."""
    deep = tmp_path / "deep.yaml"
    deep.write_text("a:\n  " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    code, output = run("check", "--format", "json", str(deep))
    assert code == 1
    first = json.loads(output)["diagnostics"][0]
    assert {k: first[k] for k in ("message", "file", "line", "column")} == {
        "message": "the file is nested too deeply to read (more than 100 levels)",
        "file": str(deep),
        "line": 2,
        "column": 102,
    }


def test_an_alias_that_refers_to_itself_ends_the_check_with_its_place(tmp_path: Path) -> None:
    """Such a file once made check (and test and diff) run forever."""
    looped = tmp_path / "looped.yaml"
    looped.write_text("a: &a [*a]\n", encoding="utf-8")
    code, output = run("check", str(looped))
    assert code == 1
    assert output.startswith(
        f"{looped}:1:4: error: a value refers to itself through an alias ('*')\n"
    )


def test_a_valid_file_passes_with_no_problems() -> None:
    """A clean file gives exit code 0 and a clean summary."""
    code, output = run("check", "tests/fixtures/valid/minimal-agreement.yaml")
    assert (code, output) == (0, "checked 1 file: 0 errors, 0 warnings\n")


def test_a_path_that_does_not_exist_is_wrong_usage_not_a_traceback() -> None:
    """A mistyped folder is misuse of the command (exit 2), as it is for `test`."""
    code, output = run("check", "agreemnts")
    assert (code, output) == (
        2,
        "error: no such file or folder: agreemnts\n"
        "hint: give the folder of agreement files, like agreements/\n",
    )


def test_a_folder_without_agreement_files_is_wrong_usage_not_a_clean_check(
    tmp_path: Path,
) -> None:
    """'checked 0 files: 0 errors' would pass a CI job that checks nothing at all."""
    empty = tmp_path / "emptydir"
    empty.mkdir()
    code, output = run("check", str(empty))
    assert (code, output) == (
        2,
        f"error: no agreement files in {empty}\n"
        "hint: give the folder that holds the agreement .yaml files, like agreements/\n",
    )


def test_evaluate_refuses_a_folder_without_agreement_files_instead_of_billing_nothing(
    tmp_path: Path,
) -> None:
    """An invoice basis of 0 kr with every row excluded is not a result but a wrong path."""
    empty = tmp_path / "emptydir"
    empty.mkdir()
    code, output = run(
        "evaluate", "--month", "2023-03", "--data", "examples/halland/aggregates.csv",
        "--agreements", str(empty),
    )  # fmt: skip
    assert (code, output) == (
        2,
        f"error: no agreement files in {empty}\n"
        "hint: give the folder that holds the agreement .yaml files, like agreements/\n",
    )


def test_wrong_usage_exits_with_code_2() -> None:
    """Scripts tell misuse of the command apart from problems in the files."""
    code, _ = run("check", "--format", "xml")
    assert code == 2


def test_a_scenario_test_file_among_agreements_is_not_read_as_an_agreement(
    tmp_path: Path,
) -> None:
    """Staff keep test files where they like; check passes them over and says so."""
    folder = tmp_path / "agreements"
    folder.mkdir()
    valid = ROOT / "tests" / "fixtures" / "valid" / "minimal-agreement.yaml"
    (folder / "agreement.yaml").write_text(valid.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "cases.yaml").write_text(
        "format: agreement-engine-tests/1\ncases: []\n", encoding="utf-8"
    )
    code, output = run("check", str(folder))
    cases = folder / "cases.yaml"
    assert (code, output) == (
        0,
        f"{cases}:1:9: note: skipped: this is a scenario test file, not an agreement file\n"
        " 1 | format: agreement-engine-tests/1\n"
        "   |         ^^^^^^^^^^^^^^^^^^^^^^^^\n"
        f"hint: scenario tests are run by 'agreement-engine test {cases}'\n"
        "\n"
        "checked 1 file: 0 errors, 0 warnings\n",
    )


def test_check_given_only_a_scenario_test_file_says_to_run_test_instead() -> None:
    """'checked 1 file: 0 errors' for a file that was never checked would mislead."""
    scenario = "agreements/halland/tests/2022-agreement.yaml"
    code, output = run("check", scenario)
    assert (code, output) == (
        2,
        f"error: {scenario} is a scenario test file, not an agreement file\n"
        f"hint: scenario tests are run by 'agreement-engine test {scenario}'\n",
    )
