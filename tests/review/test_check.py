"""`agreement-engine check`: each kind of mistake gets its exact message; the bundled files pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agreement_engine.cli.app import app
from agreement_engine.diagnostics import Diagnostic, Location, Severity, error, warning
from agreement_engine.review.checks import relevance

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
    """The gap, the approvals inferred, the pending 2026 approvals and the missing national
    figures (one of them needed only under another reading); nothing else."""
    code, output = run("check", "agreements")
    assert code == 0
    headlines = [
        line for line in output.splitlines() if ": warning: " in line or ": error: " in line
    ]
    assert [h.split(": warning: ", 1)[1] for h in headlines] == [
        "no agreement governs 2024-11 – 2025-09 for Kungsbacka, Varberg, Falkenberg, Halmstad, "
        "Hylte, Laholm, so the statute (lag-2017-612) governs these months",
        "the approval of halland-2022 by Region Halland, Kungsbacka, Varberg, Falkenberg, "
        "Halmstad, Hylte, Laholm is inferred, not documented: every line it bills is provisional "
        "until the decisions are on record",
        "the approval of halland-2025 by Region Halland, Kungsbacka, Varberg, Falkenberg, "
        "Halmstad, Hylte, Laholm is inferred, not documented: every line it bills is provisional "
        "until the decisions are on record",
        "halland-2025-extension-2026 is not in force: approval is still pending from "
        "Region Halland, Kungsbacka, Varberg, Falkenberg, Halmstad, Hylte, Laholm; until every "
        "party approves, the statute governs 2026-01 – 2026-12",
        "figure national_day_cost for 2021 is missing; it is needed for 2022-11 – 2023-12",
        "figure national_day_cost for 2024 is missing; it is needed for 2024-01 – 2024-12",
        "figure national_day_cost for 2025 is missing; it is needed for 2025-01 – 2025-12",
        "figure national_day_cost for 2026 is missing; it is needed for 2026-01 – 2026-12",
        "figure national_average_days for 2021 is missing; it is needed for 2022-11 – 2023-12",
        "figure national_average_days for 2023 is missing; it is needed for "
        "2024-01 – 2024-10, 2025-10 – 2026-12",
    ]
    assert output.splitlines()[-1] == "checked 7 files: 0 errors, 10 warnings"
    assert "note: found under --reading day-cost-year=benchmark-year" in output


def test_the_gap_warning_points_at_the_last_day_of_the_2022_agreement() -> None:
    """A reviewer jumping to the warning lands on the date where the gap begins, and learns of
    the other reading the files declare of those months."""
    _, output = run("check", "agreements")
    assert "agreements/halland/2022-agreement.yaml:47:10: warning: no agreement governs" in output
    assert (
        "the files declare another reading of these months: "
        "--reading gap-2024-11-to-2025-09=continuous"
    ) in output


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
    assert output.splitlines()[-1] == "checked 13 files: 0 errors, 10 warnings"
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
            "path": ["test-agreement", "rules", "excess"],
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


def codes_and_paths(*paths: str) -> list[tuple[str, list[str] | None]]:
    _, output = run("check", "--format", "json", *paths)
    return [(d["code"], d.get("path")) for d in json.loads(output)["diagnostics"]]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "unknown-source.yaml",
            [("unknown-source", ["test-agreement", "rules", "gross_amount", "cite"])],
        ),
        (
            "unknown-assumption.yaml",
            [("unknown-assumption", ["test-agreement", "rules", "net_amount", "assumes"])],
        ),
        (
            "approval-by-a-stranger.yaml",
            [
                ("approval-missing", ["test-agreement", "approval", "by"]),
                ("unknown-party", ["test-agreement", "approval", "by", "Betta"]),
                ("pending-approval", ["test-agreement", "approval", "by"]),
            ],
        ),
        ("missing-net-amount.yaml", [("no-net-amount", ["test-agreement", "rules"])]),
        ("rules-in-a-circle.yaml", [("rule-cycle", ["test-agreement", "rules", "benchmark"])]),
        (
            "declared-unit-wrong.yaml",
            [
                ("unit-mismatch", ["test-agreement", "rules", "day_cost"]),
                ("unit-mismatch", ["test-agreement", "rules", "gross_amount"]),
            ],
        ),
        ("until-before-from.yaml", [("validity-order", ["test-agreement", "validity", "until"])]),
        (
            "unfinished-formula.yaml",
            [
                ("formula-syntax", ["test-agreement", "rules", "average_days"]),
                ("cross-file-skipped", None),
            ],
        ),
        ("two-agreements-overlap", [("overlap", ["test-agreement-2", "validity"])]),
        (
            "parameter-defined-twice",
            [("duplicate-parameter", ["test-more-figures", "parameters", "national_day_cost"])],
        ),
        ("extension-of-a-routine", [("unknown-reference", ["test-extension", "extends"])]),
    ],
)
def test_json_says_which_document_and_part_each_problem_is_about(
    fixture: str, expected: list[tuple[str, list[str] | None]]
) -> None:
    """Tools group and link problems by the key path: document id, then the keys to the part."""
    assert codes_and_paths(f"tests/fixtures/invalid/{fixture}") == expected


def test_the_warnings_on_the_bundled_files_name_the_document_and_part_they_point_at() -> None:
    """The gap at the 2022 agreement's end, the approvals inferred and pending, each missing
    figure by key."""
    figures = ["national-figures", "parameters"]
    assert codes_and_paths("agreements") == [
        ("gap", ["halland-2022", "validity", "until"]),
        ("inferred-approval", ["halland-2022", "approval", "by"]),
        ("inferred-approval", ["halland-2025", "approval", "by"]),
        ("pending-approval", ["halland-2025-extension-2026", "approval", "by"]),
        *(
            ("missing-figure", [*figures, name, "values", year])
            for name, year in [
                ("national_day_cost", "2021"),
                ("national_day_cost", "2024"),
                ("national_day_cost", "2025"),
                ("national_day_cost", "2026"),
                ("national_average_days", "2021"),
                ("national_average_days", "2023"),
            ]
        ),
    ]


def test_problems_about_no_one_part_have_no_path_in_json() -> None:
    """JSON outputs of other commands, whose problems have no key path, keep their shape."""
    _, output = run("check", "--format", "json", "tests/fixtures/invalid/unfinished-formula.yaml")
    note = json.loads(output)["diagnostics"][-1]
    assert note["code"] == "cross-file-skipped"
    assert "path" not in note


SHARED_RULE_FILES = {
    "agreement.yaml": (INVALID / "unknown-name.yaml").read_text(encoding="utf-8"),
    "extension.yaml": """\
format: agreement-engine/1
kind: extension
id: test-extension
title: An extension for tests
sources:
  minutes: {title: Minutes of the test council}
extends: test-agreement
validity: {from: 2025-01-01, until: 2025-12-31}
approval:
  required: all-parties
  by:
    Region Test: {status: approved, evidence: {source: minutes}}
    Alfa: {status: approved, evidence: {source: minutes}}
    Beta: {status: approved, evidence: {source: minutes}}
rules:
  discount: 1 kr
""",
    "routine.yaml": """\
format: agreement-engine/1
kind: routine
id: test-routine
title: A routine for tests
applies_to: [test-agreement]
validity: {from: 2024-06-01}
rules:
  discount: 2 kr
""",
}


def test_a_formula_error_in_a_rule_of_several_rule_sets_is_reported_once(tmp_path: Path) -> None:
    """The agreement's rule is checked alone, with the extension and with the routine: one error."""
    for name, text in SHARED_RULE_FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    code, output = run("check", "--format", "json", str(tmp_path))
    formula = [d for d in json.loads(output)["diagnostics"] if d["code"] == "formula"]
    assert code == 1
    assert [(d["message"], d["path"]) for d in formula] == [
        ("unknown name 'benchmrk'", ["test-agreement", "rules", "excess"])
    ]


def test_errors_come_before_warnings_whatever_the_file_order() -> None:
    """The error a reviewer must fix first is on top, though its file sorts after the warnings'."""
    code, output = run("check", "agreements", "tests/fixtures/invalid/rules-in-a-circle.yaml")
    headlines = [
        line for line in output.splitlines() if ": error: " in line or ": warning: " in line
    ]
    assert code == 1
    assert headlines[0].startswith("tests/fixtures/invalid/rules-in-a-circle.yaml:26:3: error: ")
    places = [h.split(": warning: ")[0] for h in headlines[1:]]
    assert places == [
        "agreements/halland/2022-agreement.yaml:47:10",
        "agreements/halland/2022-agreement.yaml:59:3",
        "agreements/halland/2025-agreement.yaml:59:3",
        "agreements/halland/2026-extension.yaml:62:3",
        "agreements/national/national-figures.yaml:59:7",
        "agreements/national/national-figures.yaml:70:7",
        "agreements/national/national-figures.yaml:73:7",
        "agreements/national/national-figures.yaml:76:7",
        "agreements/national/national-figures.yaml:85:7",
        "agreements/national/national-figures.yaml:88:7",
    ]


def test_relevance_orders_errors_warnings_notes_then_file_line_and_column() -> None:
    """The order of check_library, spelt out on made-up problems."""
    note = Diagnostic(Severity.NOTE, "n", Location("a.yaml", 1, 1))
    late_error = error("e2", Location("b.yaml", 9, 1))
    early_error = error("e1", Location("b.yaml", 2, 5))
    placeless_warning = warning("w0")
    warning_in_a = warning("w1", Location("a.yaml", 3, 1))
    shuffled = [note, warning_in_a, late_error, placeless_warning, early_error]
    assert sorted(shuffled, key=relevance) == [
        early_error,
        late_error,
        placeless_warning,
        warning_in_a,
        note,
    ]
