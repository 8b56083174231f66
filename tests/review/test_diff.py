"""`agreement-engine diff`: what changed in meaning, what it can touch, and by how much.

Each kind of change has a fixture pair (tests/fixtures/diff/<kind>/old and new) and its report,
asserted word for word. The laws: a folder compared with itself has no changes, and a file
rewritten in another layout means the same.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from agreement_engine.agreements.documents import build
from agreement_engine.agreements.library import Library, find_files, load, load_texts
from agreement_engine.agreements.schema import validate
from agreement_engine.agreements.source import load_yaml, read_yaml
from agreement_engine.billing.bill import bill
from agreement_engine.billing.inputs import EpisodeData
from agreement_engine.cli.commands import diff_command, git_setup_text, textconv_command
from agreement_engine.data import read_episodes
from agreement_engine.diagnostics import EngineError, UsageError
from agreement_engine.diagnostics import render_text as render_diagnostic
from agreement_engine.formula import parse
from agreement_engine.months import YearMonth
from agreement_engine.render.marks import mark_formulas, mark_words
from agreement_engine.review.canonical import canonical, canonical_formula
from agreement_engine.review.diff import compare
from agreement_engine.review.impact import Impact, assess

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "diff"
PAIRS = sorted(p for p in FIXTURES.iterdir() if (p / "old").is_dir())
BUNDLED_FOLDERS = [
    "agreements",
    "agreements/halland",
    "agreements/national",
    "examples",
    "examples/halland",
    "examples/dalarna",
    "examples/stockholm",
    "examples/vastra-gotaland",
]
BUNDLED_FILES = [str(p.relative_to(ROOT)) for p in find_files([str(ROOT / "agreements")])]
READING_A = "tests/fixtures/diff/benchmark-reading-a/2022-agreement.yaml"
READING_B = "agreements/halland/2022-agreement.yaml"
EXAMPLE_LIBRARY = ["agreements", "examples/halland/illustrative-figures.yaml"]


@pytest.fixture(autouse=True)
def _at_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def diff_pair(kind: str, output_format: str = "text") -> tuple[str, int]:
    folder = f"tests/fixtures/diff/{kind}"
    return diff_command(f"{folder}/old", f"{folder}/new", None, output_format, None, False)


# -- each kind of change, word for word ------------------------------------------------------------


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.name)
def test_each_kind_of_change_is_reported_word_for_word(pair: Path) -> None:
    """Reviewers act on these reports: wording, marks, months and parties are all asserted."""
    output, code = diff_pair(pair.name)
    assert output == (pair / "expected.txt").read_text(encoding="utf-8")
    assert code == (0 if pair.name == "reformatted" else 4)


def test_every_fixture_pair_has_its_expected_report() -> None:
    """A pair without its expected report would silently test nothing."""
    assert PAIRS
    assert all((p / "expected.txt").is_file() and (p / "new").is_dir() for p in PAIRS)


def test_the_formula_report_in_markdown_is_ready_to_paste_into_a_review() -> None:
    """The Markdown report: summary first, each change with what it touches, marked formulas."""
    output, code = diff_pair("formulas", "markdown")
    assert output == (FIXTURES / "formulas" / "expected.md").read_text(encoding="utf-8")
    assert code == 4


def test_the_formula_report_in_json_gives_paths_values_marks_and_months() -> None:
    """Tools read the JSON report; its shape and values are part of the interface."""
    output, _ = diff_pair("formulas", "json")
    assert output == (FIXTURES / "formulas" / "expected.json").read_text(encoding="utf-8")
    payload = json.loads(output)
    assert payload["format"] == "agreement-engine/diff/1"
    discount = payload["documents"][0]["changes"][1]
    assert discount["scope"][0]["months"] == ["2024-01", "2024-02", "2024-03"]


def test_a_file_only_reformatted_exits_zero_and_says_so() -> None:
    """Re-indenting, re-wrapping formulas, other quotes and key order are no change at all."""
    output, code = diff_pair("reformatted")
    assert code == 0
    assert output.splitlines()[-1].startswith("no change in meaning (3 files differ only in layout")


def test_a_change_only_in_words_counts_as_a_change_but_cannot_touch_money() -> None:
    """Titles, notes, citations, provisions: listed as a change; none can change money."""
    output, code = diff_pair("text-only")
    assert code == 4
    assert output.splitlines()[-1] == "6 changes in meaning in 2 documents: none can change money"


def test_a_rule_replaced_by_a_routine_touches_only_the_months_before_the_routine() -> None:
    """The agreement's discount bills only until the routine's discount takes over (2024-04)."""
    output, _ = diff_pair("formulas")
    assert "  rule discount: formula changed\n    - «0 kr»\n    + «5 kr»\n" in output
    assert "    money: 2024-01 – 2024-03 for Alfa, Beta\n" in output


# -- laws -----------------------------------------------------------------------------------------


@settings(max_examples=len(BUNDLED_FOLDERS), deadline=None)
@given(st.sampled_from(BUNDLED_FOLDERS))
def test_a_bundled_folder_compared_with_itself_has_no_changes(folder: str) -> None:
    """diff(a, a) is empty: nothing in the canonical form depends on chance or order."""
    output, code = diff_command(folder, folder, None, "text", None, False)
    assert code == 0
    assert output.splitlines()[-1] == "no change in meaning"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(BUNDLED_FILES),
    st.randoms(use_true_random=False),
    st.booleans(),
    st.integers(min_value=2, max_value=8),
    st.integers(min_value=30, max_value=200),
    st.sampled_from([False, True, None]),
)
def test_a_bundled_file_rewritten_in_another_layout_means_the_same(
    path: str, rnd: random.Random, sort_keys: bool, indent: int, width: int, flow: bool | None
) -> None:
    """Key order, indentation, flow or block style, quoting, line width, formula spacing and
    the order of unordered lists do not change what a file means."""
    original = read_yaml(path)
    data = _shuffled(_respaced(original.data, (), rnd), rnd)
    text = yaml.safe_dump(
        data,
        allow_unicode=True,
        sort_keys=sort_keys,
        indent=indent,
        width=width,
        default_flow_style=flow,
    )
    # PyYAML's emitter does not always read back its own multi-line strings in flow style at
    # wide indents (a line break before spaces comes back as "\ "): skip those cases.
    assume(yaml.safe_load(text) == data)
    rewritten = load_yaml(path, text)
    assert validate(rewritten) == []
    before, after = build(original)[0], build(rewritten)[0]
    assert canonical(after) == canonical(before)
    assert not compare(Library((before,)), Library((after,))).changed


def _respaced(node: Any, path: tuple[str, ...], rnd: random.Random) -> Any:
    """The data with every formula's spaces replaced by other spacing and line breaks."""
    if isinstance(node, dict):
        return {k: _respaced(v, (*path, k), rnd) for k, v in node.items()}
    if isinstance(node, list):
        return [_respaced(v, (*path, str(i)), rnd) for i, v in enumerate(node)]
    if isinstance(node, Decimal):
        return str(node)
    is_formula = path[-1:] == ("formula",) or (
        (len(path) >= 2 and path[-2] in ("rules", "aggregates")) or path == ("counting", "month")
    )
    if isinstance(node, str) and is_formula and '"' not in node:
        return "".join(rnd.choice([" ", "  ", "\n  ", " \n"]) if c == " " else c for c in node)
    return node


def _shuffled(node: Any, rnd: random.Random) -> Any:
    """The data with lists whose order carries no meaning shuffled."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            value = _shuffled(value, rnd)
            if key in ("municipalities", "assumes", "alternatives", "assumptions", "applies_to"):
                value = rnd.sample(value, len(value))
            out[key] = value
        return out
    if isinstance(node, list):
        return [_shuffled(v, rnd) for v in node]
    return node


@pytest.mark.parametrize(
    "written",
    [
        "max(0 days, average_days - benchmark)",
        "max( 0 day ,\n  (average_days - benchmark) )",
        "max(0.00 days, average_days-benchmark)",
    ],
)
def test_formulas_that_mean_the_same_have_one_canonical_spelling(written: str) -> None:
    """Spacing, line breaks, redundant parentheses, trailing zeros and 'day' for 'days'."""
    assert canonical_formula(written) == "max(0 days, average_days - benchmark)"


def test_every_bundled_formula_reads_back_as_its_canonical_spelling() -> None:
    """The canonical spelling parses, and is its own canonical spelling."""
    library, _ = load(["agreements", "examples"])
    for document in library.documents:
        for path, value in canonical(document).items():
            if path[-1] == "formula":
                assert isinstance(value, str)
                parse(value)
                assert canonical_formula(value) == value


def test_only_the_differing_sub_formula_is_marked() -> None:
    """The reviewer's eye goes straight to the part that changed."""
    assert mark_formulas("a + b * c", "a + b * d") == ("a + b * «c»", "a + b * «d»")
    assert mark_formulas("x[2023] - 0.1 days", "x[2021] - 0.1 days") == (
        "x[«2023»] - 0.1 days",
        "x[«2021»] - 0.1 days",
    )
    assert mark_formulas("a + b", "a - b") == ("a «+» b", "a «-» b")
    assert mark_formulas("min(a, b)", "max(a, b)") == ("«min(a, b)»", "«max(a, b)»")


def test_a_long_text_is_cut_to_the_words_around_its_change() -> None:
    """Notes run to paragraphs; the changed words and a few on each side are what matter."""
    before = "one two three four five six seven eight nine ten eleven twelve thirteen"
    after = before.replace("seven", "SEVEN")
    assert mark_words(before, after) == (
        "one two three four five six «seven» eight nine ten eleven twelve thirteen",
        "one two three four five six «SEVEN» eight nine ten eleven twelve thirteen",
    )
    longer = " ".join(f"w{i}" for i in range(30))
    changed = longer.replace("w15", "X")
    assert (
        mark_words(longer, changed)[1] == "… w9 w10 w11 w12 w13 w14 «X» w16 w17 w18 w19 w20 w21 …"
    )


# -- the two readings of the 2024 benchmark, and their impact --------------------------------------


def benchmark_readings(output_format: str = "text") -> tuple[str, int]:
    return diff_command(
        READING_B,
        READING_A,
        None,
        output_format,
        "examples/halland/aggregates.csv",
        False,
        context=EXAMPLE_LIBRARY,
    )


def test_the_two_readings_of_the_2024_benchmark_differ_in_one_formula_and_one_reading() -> None:
    """The benchmark formula, marked where it differs, touches every month of the 2022
    agreement; the assumption's reading touches no money and names the rules relying on it."""
    output, code = benchmark_readings()
    assert code == 4
    assert (
        "  rule benchmark: formula changed\n"
        "    - if month >= 2024-01 then national_average_days[«2023»] - 0.1 days "
        "else national_average_days[2021]\n"
        "    + if month >= 2024-01 then national_average_days[«2021»] - 0.1 days "
        "else national_average_days[2021]\n"
        "    money: 2022-11 – 2024-10 for Kungsbacka, Varberg, Falkenberg, Halmstad, Hylte, "
        "Laholm\n"
    ) in output
    assert (
        "    no effect on money; relied on by halland-2022 rule benchmark, "
        "halland-2025 rule benchmark\n"
    ) in output
    assert (
        "2 changes in meaning in 1 document: 1 can change money in 2022-11 – 2024-10, 1 cannot"
    ) in output


def test_reading_a_bills_falkenberg_44330_kr_less_for_january_2024() -> None:
    """Hand-computed on examples/halland/aggregates.csv with the illustrative figures.

    Falkenberg 2024-01: 31 episodes, 196 days; price 11 000 kr/day (illustrative 2024);
    35 % discount (routine halland-invoice-basis).
    Reading B (bundled): benchmark 5.4 − 0.1 = 5.3 days; excess × episodes = 196 − 31 × 5.3
      = 31.7 days; gross 31.7 × 11 000 = 348 700 kr; discount 122 045; net 226 655 kr.
    Reading A (fixture): benchmark 5.6 − 0.1 = 5.5 days; 196 − 31 × 5.5 = 25.5 days;
      gross 280 500 kr; discount 98 175; net 182 325 kr.
    Difference: 182 325 − 226 655 = −44 330 kr (= −6.2 days × 11 000 × 0.65).
    Kungsbacka 2024-02: 49 episodes, 261 days. B: 261 − 259.7 = 1.3 days; gross 14 300;
      net 9 295 kr. A: 261 − 269.5 < 0, so no excess: net 0 kr. Difference −9 295 kr.
    """
    output, _ = benchmark_readings()
    assert "Falkenberg    2024-01  226655  182325      -44330\n" in output
    assert "Kungsbacka    2024-02    9295       0       -9295\n" in output
    payload = json.loads(benchmark_readings("json")[0])
    lines = {(x["municipality"], x["month"]): x for x in payload["impact"]["lines"]}
    assert lines["Falkenberg", "2024-01"] == {
        "municipality": "Falkenberg",
        "month": "2024-01",
        "before": "226655",
        "after": "182325",
        "difference": "-44330",
        "before_status": "provisional",
        "after_status": "provisional",
    }
    assert lines["Falkenberg", "2023-12"]["difference"] == "0"


def test_the_impact_totals_add_up_and_months_before_2024_are_unchanged() -> None:
    """before + difference = after, per municipality and overall; 2022-11 – 2023-12 is the
    same under both readings, so only 2024 lines differ."""
    payload = json.loads(benchmark_readings("json")[0])["impact"]
    totals = [*payload["totals"].values(), payload["total"]]
    for total in totals:
        assert Decimal(total["before"]) + Decimal(total["difference"]) == Decimal(total["after"])
    assert sum(Decimal(t["difference"]) for t in payload["totals"].values()) == Decimal(
        payload["total"]["difference"]
    )
    changed = [x for x in payload["lines"] if x["difference"] != "0"]
    assert changed and all(x["month"].startswith("2024-") for x in changed)
    assert len(payload["lines"]) == 6 * 24  # six municipalities, 2022-11 – 2024-10


def test_without_a_change_that_can_touch_money_nothing_is_billed() -> None:
    """An impact run on a words-only change says so instead of billing."""
    folder = "tests/fixtures/diff/text-only"
    output, _ = diff_command(
        f"{folder}/old", f"{folder}/new", None, "text", "examples/halland/aggregates.csv", False
    )
    assert output.endswith(
        "impact on examples/halland/aggregates.csv: no change can move money, "
        "so nothing was billed\n"
    )


def test_the_impact_is_an_empty_table_when_no_month_is_reached() -> None:
    """Totals of nothing are zero, and nothing is left out."""
    impact = Impact("data.csv", (), (), (), False)
    total = impact.total()
    zero = Decimal(0)
    assert (total.before, total.after, total.difference, total.left_out) == (zero, zero, zero, 0)


# -- usage and file problems ----------------------------------------------------------------------


def test_an_unknown_format_is_wrong_usage() -> None:
    """Exit 2 territory: the command, not the files, is wrong."""
    with pytest.raises(UsageError, match="--format takes text, markdown or json, not 'html'"):
        diff_command("agreements", "agreements", None, "html", None, False)


def test_a_missing_path_is_a_file_problem() -> None:
    """Exit 1 with the engine's own message, as check gives it."""
    with pytest.raises(EngineError, match="no such file or folder: nowhere"):
        diff_command("nowhere", "agreements", None, "text", None, False)


def test_files_with_errors_are_not_compared(tmp_path: Path) -> None:
    """A diff of a broken file would mislead; the errors are shown instead."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: agreement-engine/1\nkind: [\n", encoding="utf-8")
    with pytest.raises(EngineError) as caught:
        diff_command("agreements", str(broken), None, "text", None, False)
    messages = [d.message for d in caught.value.diagnostics]
    assert messages[-1] == "nothing was compared, because the files have errors"


def test_two_documents_with_one_id_on_one_side_cannot_be_matched(tmp_path: Path) -> None:
    """Documents are matched by id, so a side must not have two with the same."""
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(FIXTURES / "validity" / "old" / "agreement.yaml", tmp_path / name)
    with pytest.raises(EngineError) as caught:
        diff_command(str(tmp_path), str(tmp_path), None, "text", None, False)
    assert caught.value.diagnostics[0].message.startswith(
        "two documents have the id 'test-agreement' (the other is "
    )


def test_load_texts_reads_what_load_reads() -> None:
    """Files read from git go through the same schema and builder as files on disk."""
    files = find_files(["agreements"])
    from_disk, disk_problems = load(["agreements"])
    from_text, text_problems = load_texts(
        (str(f), f.read_text(encoding="utf-8-sig")) for f in files
    )
    assert [canonical(d) for d in from_text.documents] == [
        canonical(d) for d in from_disk.documents
    ]
    assert text_problems == disk_problems


# -- git ------------------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with the validity fixture's old files committed, then the new ones."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    git(tmp_path, "init", "-q")
    shutil.copytree(FIXTURES / "validity" / "old", tmp_path / "agreements")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "old")
    shutil.copy(FIXTURES / "validity" / "new" / "agreement.yaml", tmp_path / "agreements")
    git(tmp_path, "commit", "-qam", "new")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    return tmp_path


VALIDITY_CHANGE = (
    "  validity: until 2024-06-30 → 2024-09-30\n    money: 2024-01 – 2024-09 for Alfa, Beta\n"
)


def test_rev_compares_a_path_at_a_revision_with_the_working_tree(repo: Path) -> None:
    """`--rev HEAD~1`: the reviewer's question on a branch, without checking anything out."""
    output, code = diff_command("agreements", "agreements", "HEAD~1", "text", None, False)
    assert code == 4
    assert output.startswith(
        "HEAD~1:agreements → agreements\n\n"
        "test-agreement (agreement): HEAD~1:agreements/agreement.yaml → agreements/agreement.yaml\n"
    )
    assert VALIDITY_CHANGE in output


def test_rev_with_two_dots_compares_two_revisions(repo: Path) -> None:
    """`--rev A..B`: both sides from git; the working tree plays no part."""
    (repo / "agreements" / "agreement.yaml").write_text("not: [valid", encoding="utf-8")
    output, code = diff_command("agreements", "agreements", "HEAD~1..HEAD", "text", None, False)
    assert code == 4
    assert VALIDITY_CHANGE in output
    _, same = diff_command("agreements", "agreements", "HEAD..HEAD", "text", None, False)
    assert same == 0


def test_rev_with_three_dots_compares_with_where_the_branch_began(repo: Path) -> None:
    """`--rev main...HEAD` is what a pull request shows: the branch's own changes."""
    git(repo, "branch", "-M", "feature")
    git(repo, "branch", "base", "HEAD~1")
    output, code = diff_command("agreements", "agreements", "base...feature", "text", None, False)
    assert code == 4
    assert VALIDITY_CHANGE in output


def test_an_unknown_revision_is_wrong_usage(repo: Path) -> None:
    """A misspelt branch name is the command's fault, not the files'."""
    with pytest.raises(UsageError, match="'mian' is not a revision git knows here"):
        diff_command("agreements", "agreements", "mian", "text", None, False)


def test_a_path_missing_at_the_revision_is_a_file_problem(repo: Path) -> None:
    """The path did not exist then: said plainly, with the revision."""
    (repo / "later").mkdir()
    shutil.copy(repo / "agreements" / "figures.yaml", repo / "later" / "figures.yaml")
    with pytest.raises(EngineError, match="no such file or folder at HEAD: later"):
        diff_command("later", "later", "HEAD", "text", None, False)


def test_rev_outside_a_git_repository_is_wrong_usage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a repository there are no revisions to read."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    with pytest.raises(UsageError, match="--rev works only inside a git repository"):
        diff_command("agreements", "agreements", "HEAD", "text", None, False)


def test_git_setup_gives_the_two_commands_to_run() -> None:
    """Legal staff paste these; they must be exactly right."""
    assert git_setup_text() == (
        "# Show agreement files by meaning in `git diff`, from the repository root.\n"
        "# Once per clone:\n"
        'git config diff.agreement.textconv "agreement-engine diff --textconv"\n'
        "# Once per repository (then commit .gitattributes):\n"
        "echo 'agreements/**/*.yaml diff=agreement' >> .gitattributes\n"
    )


def test_textconv_shows_a_file_as_sorted_key_value_lines() -> None:
    """One line per fact, formulas in their canonical spelling, sets one member per line."""
    output, code = textconv_command("tests/fixtures/diff/reformatted/new/agreement.yaml")
    assert code == 0
    assert output == textconv_command("tests/fixtures/diff/reformatted/old/agreement.yaml")[0]
    lines = output.splitlines()
    assert lines == sorted(lines, key=lambda line: line.split(": ", 1)[0].split("."))
    assert "rules.excess.formula: max(0 days, average_days - benchmark)" in lines
    assert "parties.municipalities: Alfa" in lines and "parties.municipalities: Beta" in lines


EVERY_KEY = {
    "agreement.yaml": """\
format: agreement-engine/1
kind: agreement
id: every-key
title: "An agreement
  using every key"
notes: Kept for
  reviewers.
sources:
  minutes: {title: Minutes, reference: "RS  1", date: 2024-01-02, file: seeds/minutes.txt}
assumptions:
  - id: whole-kronor
    default: half-up
    reading: Rounded  to whole kronor.
    alternatives:
      - " öre "
      - half even
      - id: down
        reading: Cut  off.
        cite: {source: minutes}
        rules: {net_amount: "round(episodes * 100 kr, 0, down)"}
        also: {every-key-figures: {parameters: {day_price: {values: {2025: {status: missing}}}}}}
      - {id: later, reading: Later., validity: {from: 2024-01-01, until: 2025-12-31}}
      - {id: unsaid, reading: Unsaid., no_rules: Same  money.}
    cite: [{source: minutes, section: "§ 1", quote: "hela  kronor"}]
caveats:
  - {text: Weigh  this., cite: {source: minutes}}
parties: {region: Region Test, municipalities: [Beta, Alfa]}
validity: {from: 2024-01-01, until: 2024-12-31, cite: {source: minutes}}
approval:
  required: all-parties
  cite: {source: minutes, section: "§ 9"}
  by:
    Region Test:
      status: approved
      body: Region  council
      date: 2024-01-02
      decision: "RS  1"
      evidence: {source: minutes}
    Alfa: {status: approved, inferred: No  decision quoted., evidence: {source: minutes}}
    Beta: {status: pending, evidence: {source: minutes}}
extendable: {text: Three months  at a time., cite: {source: minutes}}
counting:
  month: month_of(discharge_date)
  aggregates: {episodes: count(discharge_date >= ready_date)}
rules:
  net_amount:
    formula: round(episodes * 100.00 kr, 0, half_up)
    unit: kr
    cite: {source: minutes}
    assumes: [whole-kronor]
    description: " What is billed. "
""",
    "routine.yaml": """\
format: agreement-engine/1
kind: routine
id: every-key-routine
title: A routine
sources: {minutes: {title: Minutes}}
applies_to: [every-key]
validity: {from: 2024-01-01}
provisions:
  - {text: Meet  monthly., cite: {source: minutes}}
  - {text: Write it down.}
""",
    "figures.yaml": """\
format: agreement-engine/1
kind: parameters
id: every-key-figures
title: Figures
illustrative: true
sources: {notice: {title: Notice}}
parameters:
  day_price:
    title: Price  of a day
    unit: kr/day
    period: year
    description: What a day  costs.
    notes: From the notice.
    values:
      2024: {value: "9300.00", status: official, cite: {source: notice}, note: As  set.}
      2025: {status: missing}
""",
}


def test_textconv_shows_every_key_of_the_format_from_the_document_model(tmp_path: Path) -> None:
    """The canonical form is read off the typed documents: each key a file may hold is there."""
    for name, text in EVERY_KEY.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    shown = {name: textconv_command(str(tmp_path / name))[0] for name in EVERY_KEY}
    assert shown["agreement.yaml"] == (
        "approval.by.Alfa.evidence: minutes\n"
        "approval.by.Alfa.inferred: No decision quoted.\n"
        "approval.by.Alfa.status: approved\n"
        "approval.by.Beta.evidence: minutes\n"
        "approval.by.Beta.status: pending\n"
        "approval.by.Region Test.body: Region council\n"
        "approval.by.Region Test.date: 2024-01-02\n"
        "approval.by.Region Test.decision: RS 1\n"
        "approval.by.Region Test.evidence: minutes\n"
        "approval.by.Region Test.status: approved\n"
        'approval.cite: minutes, section "§ 9"\n'
        "approval.required: all-parties\n"
        "assumptions.whole-kronor.alternatives: half even\n"
        "assumptions.whole-kronor.alternatives: öre\n"
        "assumptions.whole-kronor.alternatives.down.also.every-key-figures.parameters.day_price"
        ".values.2025.status: missing\n"
        "assumptions.whole-kronor.alternatives.down.cite: minutes\n"
        "assumptions.whole-kronor.alternatives.down.reading: Cut off.\n"
        "assumptions.whole-kronor.alternatives.down.rules.net_amount.formula: "
        "round(episodes * 100 kr, 0, down)\n"
        "assumptions.whole-kronor.alternatives.later.reading: Later.\n"
        "assumptions.whole-kronor.alternatives.later.validity.from: 2024-01-01\n"
        "assumptions.whole-kronor.alternatives.later.validity.until: 2025-12-31\n"
        "assumptions.whole-kronor.alternatives.unsaid.no_rules: Same money.\n"
        "assumptions.whole-kronor.alternatives.unsaid.reading: Unsaid.\n"
        'assumptions.whole-kronor.cite: minutes, section "§ 1", quote "hela kronor"\n'
        "assumptions.whole-kronor.default: half-up\n"
        "assumptions.whole-kronor.reading: Rounded to whole kronor.\n"
        "caveats.1.cite: minutes\n"
        "caveats.1.text: Weigh this.\n"
        "counting.aggregates.episodes.formula: count(discharge_date >= ready_date)\n"
        "counting.month.formula: month_of(discharge_date)\n"
        "extendable.cite: minutes\n"
        "extendable.text: Three months at a time.\n"
        "format: agreement-engine/1\n"
        "id: every-key\n"
        "kind: agreement\n"
        "notes: Kept for reviewers.\n"
        "parties.municipalities: Alfa\n"
        "parties.municipalities: Beta\n"
        "parties.region: Region Test\n"
        "rules.net_amount.assumes: whole-kronor\n"
        "rules.net_amount.cite: minutes\n"
        "rules.net_amount.description: What is billed.\n"
        "rules.net_amount.formula: round(episodes * 100 kr, 0, half_up)\n"
        "rules.net_amount.unit: kr\n"
        "sources.minutes.date: 2024-01-02\n"
        "sources.minutes.file: seeds/minutes.txt\n"
        "sources.minutes.reference: RS 1\n"
        "sources.minutes.title: Minutes\n"
        "title: An agreement using every key\n"
        "validity.cite: minutes\n"
        "validity.from: 2024-01-01\n"
        "validity.until: 2024-12-31\n"
    )
    assert shown["routine.yaml"].splitlines()[:5] == [
        "applies_to: every-key",
        "format: agreement-engine/1",
        "id: every-key-routine",
        "kind: routine",
        "provisions.1.cite: minutes",
    ]
    assert (
        "provisions.1.text: Meet monthly.\nprovisions.2.text: Write it down.\n"
        in (shown["routine.yaml"])
    )
    assert shown["figures.yaml"].splitlines()[:3] == [
        "format: agreement-engine/1",
        "id: every-key-figures",
        "illustrative: true",
    ]
    assert "\n".join(
        line for line in shown["figures.yaml"].splitlines() if line.startswith("parameters.")
    ) == (
        "parameters.day_price.description: What a day costs.\n"
        "parameters.day_price.notes: From the notice.\n"
        "parameters.day_price.period: year\n"
        "parameters.day_price.title: Price of a day\n"
        "parameters.day_price.unit: kr/day\n"
        "parameters.day_price.values.2024.cite: notice\n"
        "parameters.day_price.values.2024.note: As set.\n"
        "parameters.day_price.values.2024.status: official\n"
        "parameters.day_price.values.2024.value: 9300\n"
        "parameters.day_price.values.2025.status: missing"
    )


def test_textconv_shows_an_unreadable_file_as_written(tmp_path: Path) -> None:
    """git diff must still work on a file that is not (yet) a valid agreement file."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: [\n", encoding="utf-8")
    output, code = textconv_command(str(broken))
    assert code == 0
    assert output == (
        "# agreement-engine: not readable as an agreement file (run check); shown as written\n"
        "kind: [\n"
    )
    with pytest.raises(EngineError, match="the file does not exist"):
        textconv_command(str(tmp_path / "missing.yaml"))


def test_git_diff_with_the_textconv_shows_changes_in_meaning_only(repo: Path) -> None:
    """Set up as git_setup_text says (with this Python standing in for the installed command):
    a re-wrapped formula shows nothing in `git diff`; a changed number shows that one line."""
    textconv = (
        f"'{sys.executable}' -c 'import sys; "
        "from agreement_engine.cli.commands import textconv_command; "
        "out, code = textconv_command(sys.argv[1]); sys.stdout.write(out); sys.exit(code)'"
    )
    git(repo, "config", "diff.agreement.textconv", textconv)
    (repo / ".gitattributes").write_text("agreements/**/*.yaml diff=agreement\n", encoding="utf-8")
    agreement = repo / "agreements" / "agreement.yaml"
    text = agreement.read_text(encoding="utf-8")
    rewrapped = text.replace(
        "  excess: max(0 days, average_days - benchmark)\n",
        "  excess: >-\n    max(0 days,\n        average_days - benchmark)\n",
    )
    assert rewrapped != text
    agreement.write_text(rewrapped, encoding="utf-8")
    assert git(repo, "diff", "--", "agreements") == ""
    assert git(repo, "diff", "--no-textconv", "--", "agreements") != ""
    agreement.write_text(rewrapped.replace("benchmark: 3 days", "benchmark: 3.5 days"), "utf-8")
    changed = [
        line
        for line in git(repo, "diff", "--", "agreements").splitlines()
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert changed == ["-rules.benchmark.formula: 3 days", "+rules.benchmark.formula: 3.5 days"]


def test_months_named_in_a_scope_are_real_months() -> None:
    """A scope's months come from the timeline, never from text: each parses back."""
    payload = json.loads(benchmark_readings("json")[0])
    months = [
        m
        for d in payload["documents"]
        for c in d["changes"]
        for group in c.get("scope", [])
        for m in group["months"]
    ]
    assert months and all(str(YearMonth.parse(m)) == m for m in months)


# -- the documentation shows real output ---------------------------------------------------------


def _blocks(markdown: str) -> list[str]:
    """The contents of the fenced code blocks without a language (report excerpts)."""
    parts = markdown.split("\n```")
    return [p.split("\n", 1)[1] + "\n" for p in parts[1::2] if p.startswith("\n")]


def test_the_walk_through_in_docs_shows_the_report_as_the_engine_prints_it() -> None:
    """docs/diff.md is what a reviewer learns from; its reports must be the real ones."""
    docs = (ROOT / "docs" / "diff.md").read_text(encoding="utf-8")
    blocks = _blocks(docs)
    output, _ = benchmark_readings()
    walk_through = [b for b in blocks if b.startswith(("agreements/halland", "impact on"))]
    assert len(walk_through) == 2
    assert all(block in output for block in walk_through)
    example = next(b for b in blocks if b.startswith("tests/fixtures/diff/parameters"))
    assert example == (FIXTURES / "parameters" / "expected.txt").read_text(encoding="utf-8")
    assert f"```sh\n{git_setup_text()}```" in docs


def test_the_impact_on_an_episode_extract_counts_each_version_by_its_own_rules(
    tmp_path: Path,
) -> None:
    """Both versions are counted in the one pass that checks the extract, each by its own
    counting rules: here the new version counts only episodes ready two days or more, and each
    side bills exactly what billing that version alone gives."""
    changed = tmp_path / "agreements"
    shutil.copytree(ROOT / "agreements", changed)
    agreement = changed / "halland" / "2022-agreement.yaml"
    head, counting = agreement.read_text(encoding="utf-8").split("\ncounting:\n", 1)
    counting, rules = counting.split("\nrules:\n", 1)  # the counting itself, not a reading's
    assert counting.count("days_ready >= 1 day") == 2
    counting = counting.replace("days_ready >= 1 day", "days_ready >= 2 days")
    agreement.write_text(f"{head}\ncounting:\n{counting}\nrules:\n{rules}", "utf-8")
    figures = str(ROOT / "examples" / "halland" / "illustrative-figures.yaml")
    old, _ = load([str(ROOT / "agreements"), figures])
    new, _ = load([str(changed), figures])
    months = YearMonth.range(YearMonth(2022, 11), YearMonth(2023, 4))
    cells = {(m, month) for m in old.municipalities for month in months}
    data = str(ROOT / "examples" / "halland" / "episodes.csv")
    impact = assess(old, new, data, cells, old.municipalities)
    episodes, _, _ = read_episodes(data, municipalities=old.municipalities)
    for version, side in ((old, "before"), (new, "after")):
        alone = bill(version, EpisodeData(episodes), months, old.municipalities)
        expected = {(x.municipality, x.month): (x.inputs, x.amount) for x in alone.lines}
        found = {
            (x.municipality, x.month): (getattr(x, side).inputs, getattr(x, side).amount)
            for x in impact.lines
        }
        assert found == expected, side
    assert any(line.before.amount != line.after.amount for line in impact.lines)


def test_a_side_with_two_documents_of_one_id_is_refused_at_the_second(tmp_path: Path) -> None:
    """Documents are matched by id, so a side with a repeated id cannot be compared: the error
    points at the second document's id and names the first."""
    new = tmp_path / "agreements"
    shutil.copytree(ROOT / "agreements", new)
    copy = new / "halland" / "2022-agreement-copy.yaml"
    shutil.copy(new / "halland" / "2022-agreement.yaml", copy)
    with pytest.raises(EngineError) as raised:
        diff_command(str(ROOT / "agreements"), str(new), None, "text", None, False)
    messages = [render_diagnostic(d) for d in raised.value.diagnostics]
    repeated = [m for m in messages if "two documents have the id 'halland-2022'" in m]
    assert len(repeated) == 1
    second, first = new / "halland" / "2022-agreement.yaml", copy  # the copy is listed first
    assert repeated[0].startswith(
        f"{second}:4:5: error: two documents have the id 'halland-2022' (the other is {first})"
    )
    assert "hint: documents are matched by id: every document needs its own" in repeated[0]


def test_the_money_impact_is_exact_however_many_digits_the_amounts_have() -> None:
    """Before + difference = after, to the öre, past Decimal's 28 digits too."""
    from decimal import Decimal

    from agreement_engine.review.impact import Total

    before, after = Decimal("1" * 35 + ".01"), Decimal("2" * 35 + ".03")
    assert Total(before, after, left_out=0).difference == Decimal("1" * 35 + ".02")


def test_a_scenario_test_file_is_not_diffed_as_an_empty_set_of_agreements() -> None:
    """Two versions of a test file would otherwise both read as nothing: 'no change', always."""
    book = str(ROOT / "agreements" / "halland" / "tests" / "2022-agreement.yaml")
    with pytest.raises(UsageError, match="holds scenario test files only, no agreement files"):
        diff_command(book, book, None, "text", None, False)


def test_an_impact_data_file_that_cannot_be_read_is_said_even_when_nothing_changed() -> None:
    """A mistyped --impact path must not pass as 'nothing to bill'."""
    folder = str(ROOT / "agreements")
    with pytest.raises(EngineError) as raised:
        diff_command(folder, folder, None, "text", "no-such-extract.csv", False)
    assert [d.message for d in raised.value.diagnostics] == [
        "cannot read no-such-extract.csv: it does not exist"
    ]


def test_comparing_two_files_needs_neither_the_billing_of_lines_nor_the_data_readers() -> None:
    """diff depends on the documents and the timeline only: a change to billing or to reading
    data cannot change what diff says, nor slow its start."""
    script = (
        "import sys, agreement_engine.review.diff\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(("
        "'agreement_engine.billing.bill', 'agreement_engine.billing.inputs', "
        "'agreement_engine.billing.episode_data', 'agreement_engine.billing.episode_counts', "
        "'agreement_engine.data', 'agreement_engine.review.impact', 'polars')))\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout == "[]\n"
