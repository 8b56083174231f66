"""`agreement-engine test`: the case books beside the agreements run and say what failed."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreement_engine.agreements.source import read_yaml
from agreement_engine.cli.commands import run_tests_command
from agreement_engine.diagnostics import EngineError, UsageError
from agreement_engine.formula import Amount
from agreement_engine.formula.types import DAYS, MONEY, NUMBER, PRICE_PER_DAY
from agreement_engine.formula.values import written
from agreement_engine.scenarios.values import parse_value

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path("tests/fixtures/scenarios")
AGREEMENTS = str(FIXTURES / "agreements")
INVALID = sorted((ROOT / FIXTURES / "invalid").glob("*.yaml"))
CASE_BOOK = "agreements/halland/tests"


@pytest.fixture(autouse=True)
def _at_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*paths: str, agreements: str = AGREEMENTS, output_format: str = "text") -> tuple[str, int]:
    return run_tests_command(list(paths), [agreements], output_format)


def expected(path: Path | str) -> str:
    return (ROOT / Path(path).with_suffix(".expected")).read_text(encoding="utf-8")


# -- the Halland case book ------------------------------------------------------------------------


def test_the_halland_case_book_passes() -> None:
    """What the negotiators wrote down is what the agreement files produce, exactly."""
    output, code = run_tests_command([CASE_BOOK], ["agreements"], "text")
    assert code == 0, output
    assert output.endswith(" passed, 0 failed\n")
    assert output.splitlines() == [output.splitlines()[-1]]  # no problem, no failure


def test_the_vastra_gotaland_rolling_mean_is_what_the_hand_computed_cases_say() -> None:
    """The example of another region's model, its rolling three-month mean a window over
    months, bills what its cases worked out by hand, under both readings of the mean."""
    folder = "examples/vastra-gotaland"
    output, code = run_tests_command([folder], [folder, "agreements/national"], "text")
    assert (code, output) == (0, "7 passed, 0 failed\n")


def test_the_pytest_suite_runs_every_case_of_the_book() -> None:
    """The summary counts every case of every file in the book, none skipped."""
    files = sorted((ROOT / CASE_BOOK).glob("*.yaml"))
    cases = sum(len(_data(read_yaml(str(f)).data)["cases"]) for f in files)
    output, _ = run_tests_command([CASE_BOOK], ["agreements"], "text")
    assert output == f"{cases} passed, 0 failed\n"


def _data(value: Any) -> dict[str, Any]:
    assert isinstance(value, dict)
    return value


def test_the_case_book_covers_every_period_of_the_domain() -> None:
    """The statute before the model, its start, the discount, 2024, the gap, 2025, 2026, 2027."""
    months: set[tuple[str, bool]] = set()
    for file in (ROOT / CASE_BOOK).glob("*.yaml"):
        for case in _data(read_yaml(str(file)).data)["cases"]:
            month = case["month"]
            first = month if isinstance(month, str) else month["from"]
            months.add((first, bool(case.get("assume_approved"))))
    periods = {
        "2022-10",
        "2022-11",
        "2023-11",
        "2024-01",
        "2024-11",
        "2025-03",
        "2025-10",
        "2027-01",
    }
    assert periods <= {month for month, _ in months}
    assert {("2026-03", False), ("2026-03", True)} <= months


# -- the runner's own output ----------------------------------------------------------------------


def test_a_passing_file_prints_only_the_summary() -> None:
    """Nothing to act on: the summary line alone, exit code 0."""
    output, code = run("tests/fixtures/scenarios/cases/passing.yaml")
    assert output == expected(FIXTURES / "cases" / "passing.yaml") == "2 passed, 0 failed\n"
    assert code == 0


def test_a_failing_case_shows_expected_against_actual_with_the_derivation() -> None:
    """One line per failure at the expected value's place, then how the engine got its value."""
    output, code = run("tests/fixtures/scenarios/cases/failing.yaml")
    assert output == expected(FIXTURES / "cases" / "failing.yaml")
    assert code == 1


def test_a_failure_names_the_case_the_month_and_both_values_exactly() -> None:
    """A value that never ends is shown as the fraction to paste, not a rounded decimal."""
    output, _ = run("tests/fixtures/scenarios/cases/failing.yaml")
    assert output.splitlines()[0] == (
        "tests/fixtures/scenarios/cases/failing.yaml:14:21: failed: a third of a day above the "
        "benchmark (Alfa, 2024-03): average_days expected 3.33 days, got 10/3 days "
        "(≈ 3.333333… days)"
    )


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_each_mistake_in_a_test_file_is_reported_at_its_place_in_plain_words(
    fixture: Path,
) -> None:
    """Staff act on these messages: location, wording, caret and hint are all asserted."""
    output, code = run(fixture.relative_to(ROOT).as_posix())
    assert output == expected(fixture)
    assert code == 1


def test_every_mistake_fixture_has_its_expected_output() -> None:
    """A fixture without its expected output would silently test nothing."""
    outputs = {p.stem for p in (ROOT / FIXTURES / "invalid").glob("*.expected")}
    assert {p.stem for p in INVALID} == outputs


# -- counting and exit codes ----------------------------------------------------------------------


def test_the_summary_counts_every_case_of_every_file() -> None:
    """Two files: 2 + 1 passed, 4 failed; the summary is the last line, alone."""
    output, code = run(
        "tests/fixtures/scenarios/cases/passing.yaml",
        "tests/fixtures/scenarios/cases/failing.yaml",
    )
    assert output.splitlines()[-1] == "3 passed, 4 failed"
    assert code == 1


def test_a_case_with_a_mistake_fails_while_the_others_of_its_file_run(tmp_path: Path) -> None:
    """A misspelt municipality stops its own case, not its neighbours."""
    text = (ROOT / FIXTURES / "cases" / "passing.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("municipality: Beta", "municipality: Betta"), "utf-8")
    output, code = run(str(broken))
    assert output.splitlines()[-1] == "1 passed, 1 failed"
    assert "error: unknown municipality 'Betta'" in output
    assert code == 1


def test_every_case_of_a_file_with_a_mistake_in_its_shape_counts_as_failed() -> None:
    """The wrong format stops the file: both its cases count as failed, none as passed."""
    output, _ = run("tests/fixtures/scenarios/invalid/wrong-format.yaml")
    assert output.splitlines()[-1] == "0 passed, 2 failed"


def test_a_file_that_cannot_be_read_counts_as_one_failed() -> None:
    """Its cases cannot be counted, but it must never pass silently."""
    output, _ = run("tests/fixtures/scenarios/invalid/quote-not-closed.yaml")
    assert output.splitlines()[-1] == "0 passed, 1 failed"


def test_a_warning_does_not_fail_a_case(tmp_path: Path) -> None:
    """A test figure that a real figure overrides is pointed out, and the case still passes."""
    text = (ROOT / FIXTURES / "cases" / "passing.yaml").read_text(encoding="utf-8")
    shadowed = tmp_path / "shadowed.yaml"
    shadowed.write_text(
        text.replace(
            "2023: 3 days   # made up", "2023: 3 days\n  national_day_cost: {2024: 1 kr/day}"
        ),
        "utf-8",
    )
    output, code = run(str(shadowed))
    assert code == 0
    assert (
        "warning: the real figure national_day_cost for 2024 is known (1000 kr/day, "
        "testland-figures), so this test figure is not used"
    ) in output
    assert output.splitlines()[-1] == "2 passed, 0 failed"


def test_wrong_usage_is_a_usage_error(tmp_path: Path) -> None:
    """Exit code 2 at the command line: an unknown format, a missing path, no test files."""
    with pytest.raises(UsageError, match="--format takes text or json, not 'xml'"):
        run("tests/fixtures/scenarios/cases/passing.yaml", output_format="xml")
    with pytest.raises(UsageError, match="no such file or folder: nowhere"):
        run("nowhere")
    with pytest.raises(UsageError, match="no test files in"):
        run(str(tmp_path))


def test_agreement_files_with_errors_stop_the_run() -> None:
    """Nothing is computed from broken agreements (exit code 1, as for evaluate)."""
    with pytest.raises(EngineError) as raised:
        run(
            "tests/fixtures/scenarios/cases/passing.yaml",
            agreements="tests/fixtures/invalid/money-plus-days.yaml",
        )
    assert raised.value.diagnostics[-1].code == "agreements-have-errors"


# -- finding test files ---------------------------------------------------------------------------


def test_only_yaml_files_in_folders_named_tests_are_test_files(tmp_path: Path) -> None:
    """Agreement files beside the tests folder are not run as tests."""
    source = (ROOT / FIXTURES / "cases" / "passing.yaml").read_text(encoding="utf-8")
    for relative in (
        "a/tests/one.yaml",
        "a/b/tests/two.yml",
        "a/agreement.yaml",
        "a/tests/x/no.yaml",
    ):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source if "tests" in relative else "not: a test", "utf-8")
    output, code = run(str(tmp_path))
    assert output == "4 passed, 0 failed\n"
    assert code == 0


def test_the_defaults_run_the_case_books_under_agreements() -> None:
    """`agreement-engine test` with no arguments runs agreements/**/tests/*.yaml."""
    output, code = run_tests_command([], [], "text")
    assert code == 0, output
    assert output == run_tests_command([CASE_BOOK], ["agreements"], "text")[0]


def test_agreement_folders_skip_the_tests_beside_them() -> None:
    """The case book is not loaded as agreement documents."""
    from agreement_engine.agreements.library import load

    library, problems = load(["agreements"])
    assert not any(d.yaml.path.startswith(CASE_BOOK) for d in library.documents)
    assert not any(p.is_error for p in problems)


# -- JSON -----------------------------------------------------------------------------------------


def test_json_output_has_counts_problems_and_each_failure() -> None:
    """For tools: the same facts as the text, one object per case and per failure."""
    output, code = run("tests/fixtures/scenarios/cases/failing.yaml", output_format="json")
    payload = json.loads(output)
    assert code == 1
    assert (payload["passed"], payload["failed"]) == (1, 4)
    assert payload["diagnostics"] == []
    first = payload["cases"][0]["failures"][0]
    assert {k: first[k] for k in ("line", "column", "month", "subject", "expected", "actual")} == {
        "line": 14,
        "column": 21,
        "month": "2024-03",
        "subject": "average_days",
        "expected": "3.33 days",
        "actual": "10/3 days (≈ 3.333333… days)",
    }
    assert first["derivation"].startswith("Inputs:\n  episodes = 3\n")
    assert [c["outcome"] for c in payload["cases"]] == ["failed"] * 4 + ["passed"]


def test_json_output_carries_the_problems_of_the_test_file() -> None:
    """A mistake in a test file reaches tools with its place."""
    output, _ = run("tests/fixtures/scenarios/invalid/unknown-rule.yaml", output_format="json")
    [problem] = json.loads(output)["diagnostics"]
    assert (problem["line"], problem["column"], problem["message"]) == (
        11,
        7,
        "unknown rule 'benchmrk' in 'output'",
    )


# -- values written like formula literals ---------------------------------------------------------

UNITS = st.sampled_from([MONEY, DAYS, NUMBER, PRICE_PER_DAY])
FRACTIONS = st.fractions(max_denominator=1000).filter(lambda f: abs(f) < 10**12)


@given(FRACTIONS, UNITS)
def test_a_value_written_as_the_runner_shows_it_reads_back_exactly(
    value: Fraction, unit: Any
) -> None:
    """What a failure shows as 'got' can be pasted into the test file as the expectation."""
    amount = Amount(value, unit)
    assert parse_value(written(amount)) == amount


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12345 kr", Amount(Fraction(12345), MONEY)),
        ("5.3 days", Amount(Fraction(53, 10), DAYS)),
        ("1 day", Amount(Fraction(1), DAYS)),
        ("37/3 days", Amount(Fraction(37, 3), DAYS)),
        ("35 %", Amount(Fraction(35, 100), NUMBER)),
        ("11000 kr/day", Amount(Fraction(11000), PRICE_PER_DAY)),
        (12, Amount(Fraction(12), NUMBER)),
    ],
)
def test_values_are_read_like_formula_literals(text: object, value: Amount) -> None:
    """Exact from the text on: no float, no tolerance."""
    assert parse_value(text) == value


# -- the schema file (itself tested in test_schema.py) --------------------------------------------


def test_every_case_book_file_names_the_schema_in_its_modeline() -> None:
    """Editors complete and check the case book as staff type."""
    for file in (ROOT / CASE_BOOK).glob("*.yaml"):
        first = file.read_text(encoding="utf-8").splitlines()[0]
        assert (
            first == "# yaml-language-server: $schema=../../../schemas/scenario-tests.schema.json"
        )


def test_a_case_s_own_figures_win_over_the_file_s_and_fill_what_it_lacks(tmp_path: Path) -> None:
    """docs/scenario-tests.md: a case's 'figures:' win over the file's. Under the statute (2027,
    no agreement on file) one episode ready 02-01 after noon, discharged 02-08, is liable from
    02-05: 3 days × the day cost."""
    episode = (
        "{ready_date: %s-02-01, notice_time: '13:00', discharge_date: %s-02-08, "
        "admission_notice_sent: true, ready_notice_sent: true, sip_required: false}"
    )
    cases = "\n".join(
        f"""  - name: {name}
    municipality: Halmstad
    month: {year}-02
    figures: {{national_day_cost: {{{year}: 10000 kr/day}}}}
    input: {{care_episodes: [{episode % (year, year)}]}}
    output: {{net_amount: 30000 kr}}   # 3 days × 10 000 kr, not × the file's 12 500 kr"""
        for name, year in (("the case's figure wins", 2027), ("the case's figure alone", 2028))
    )
    path = tmp_path / "tests" / "figures.yaml"
    path.parent.mkdir()
    path.write_text(
        "format: agreement-engine-tests/1\ntitle: Case figures\n"
        f"figures: {{national_day_cost: {{2027: 12500 kr/day}}}}\ncases:\n{cases}\n",
        encoding="utf-8",
    )
    output, code = run(str(path), agreements="agreements")  # the real files: the statute
    assert (output.splitlines()[-1], code) == ("2 passed, 0 failed", 0)
