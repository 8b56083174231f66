"""`agreement-engine timeline`: what governs each municipality's month, grouped into runs."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agreement_engine.agreements.library import Library, load
from agreement_engine.api import AGREEMENT_ERRORS
from agreement_engine.cli.commands import timeline_command
from agreement_engine.diagnostics import EngineError, UsageError
from agreement_engine.months import YearMonth
from agreement_engine.review.timeline_view import (
    CSV_COLUMNS,
    FigureNote,
    Timeline,
    TimelineStatus,
    build_timeline,
    default_range,
)

ROOT = Path(__file__).resolve().parents[2]
AGREEMENTS = str(ROOT / "agreements")
HALLAND = ("Kungsbacka", "Varberg", "Falkenberg", "Halmstad", "Hylte", "Laholm")
PARTIES = ("Region Halland", *HALLAND)
INVOICE_BASIS = "halland-invoice-basis"
COLLABORATION = "halland-samverkansrutin-2026"
STATUTE = "lag-2017-612"
S = TimelineStatus


def ym(text: str) -> YearMonth:
    return YearMonth.parse(text)


def bundled() -> Timeline:
    library, problems = load([AGREEMENTS])
    assert not problems
    return build_timeline(library, ym("2022-10"), ym("2027-01"))


# What the sources say governs each month, for every Halland municipality alike:
# (first, last, status, agreement, extension, routines, statute).
HALLAND_PERIODS = [
    ("2022-10", "2022-10", S.STATUTE, None, None, (), STATUTE),
    ("2022-11", "2023-10", S.IN_FORCE, "halland-2022", None, (), None),
    ("2023-11", "2024-10", S.IN_FORCE, "halland-2022", None, (INVOICE_BASIS,), None),
    ("2024-11", "2025-09", S.GAP, None, None, (), STATUTE),
    ("2025-10", "2025-12", S.IN_FORCE, "halland-2025", None, (INVOICE_BASIS,), None),
    (
        "2026-01",
        "2026-12",
        S.PENDING,
        "halland-2025",
        "halland-2025-extension-2026",
        (INVOICE_BASIS, COLLABORATION),
        STATUTE,
    ),
    ("2027-01", "2027-01", S.STATUTE, None, None, (), STATUTE),
]


def expected_halland(month: YearMonth) -> tuple[object, ...]:
    for first, last, *governed in HALLAND_PERIODS:
        if ym(first) <= month <= ym(last):
            return tuple(governed)
    raise AssertionError(f"no period for {month}")


def test_every_month_of_every_halland_municipality_is_governed_as_the_sources_say() -> None:
    """The 2022 model, the discount routine, the gap, 2025, the pending 2026 extension, then law."""
    timeline = bundled()
    months = YearMonth.range(ym("2022-10"), ym("2027-01"))
    assert [(v.month, v.municipality) for v in timeline.months] == [
        (m, name) for m in months for name in HALLAND
    ]
    for v in timeline.months:
        r = v.regime
        governed = (r.status, r.agreement, r.extension, r.routines, r.statute)
        assert governed == expected_halland(v.month), (v.municipality, str(v.month))
        assert r.awaiting_approval == (PARTIES if r.status is S.PENDING else ())
        assert r.conflicts == ()


def test_the_2024_benchmark_change_is_seen_in_the_figures_from_2024_01() -> None:
    """Same documents, different figures: the benchmark's base year moves from 2021 to 2023."""
    timeline = bundled()
    assert timeline.at("Hylte", ym("2023-12")).figures == (
        FigureNote("national_average_days", "2021", "missing"),
        FigureNote("national_day_cost", "2023", "provisional"),
    )
    assert timeline.at("Hylte", ym("2024-01")).figures == (
        FigureNote("national_average_days", "2023", "missing"),
        FigureNote("national_day_cost", "2024", "missing"),
    )


def test_a_pending_month_lists_the_figures_the_pending_rules_would_need() -> None:
    """The statute governs until approval, but reviewers must see what the extension will need."""
    assert bundled().at("Laholm", ym("2026-06")).figures == (
        FigureNote("national_average_days", "2023", "missing"),
        FigureNote("national_day_cost", "2026", "missing"),
    )


HALLAND_VIEW = """\
timeline 2022-10 – 2027-01: Kungsbacka, Varberg, Falkenberg, Halmstad, Hylte, Laholm

months             parties               governed by                  status
-----------------  --------------------  ---------------------------  --------------------
2022-10            all 6 municipalities  lag-2017-612                 statute
                   provisional figures: national_day_cost 2022
2022-11 – 2023-10  all 6 municipalities  halland-2022                 in force
                   missing figures: national_average_days 2021
                   provisional figures: national_day_cost 2022, 2023
2023-11 – 2023-12  all 6 municipalities  halland-2022                 in force
                   routines: halland-invoice-basis
                   missing figures: national_average_days 2021
                   provisional figures: national_day_cost 2023
2024-01 – 2024-10  all 6 municipalities  halland-2022                 in force
                   routines: halland-invoice-basis
                   missing figures: national_average_days 2023; national_day_cost 2024
2024-11 – 2025-09  all 6 municipalities  lag-2017-612                 gap: statute governs
                   missing figures: national_day_cost 2024, 2025
2025-10 – 2025-12  all 6 municipalities  halland-2025                 in force
                   routines: halland-invoice-basis
                   missing figures: national_average_days 2023; national_day_cost 2025
2026-01 – 2026-12  all 6 municipalities  halland-2025-extension-2026  pending approval
                   routines: halland-invoice-basis, halland-samverkansrutin-2026
                   awaiting approval from: Region Halland, Kungsbacka, Varberg, Falkenberg,
                     Halmstad, Hylte, Laholm; until every party has approved, lag-2017-612 governs
                   missing figures: national_average_days 2023; national_day_cost 2026
2027-01            all 6 municipalities  lag-2017-612                 statute
                   missing figures: national_day_cost 2027
"""


def test_the_bundled_timeline_reads_on_one_screen_word_for_word() -> None:
    """Reviewers read this view; its wording, order and wrapping are part of the interface."""
    text, code = timeline_command([AGREEMENTS], None, None, "text")
    assert code == 0
    assert text == HALLAND_VIEW
    assert max(len(line) for line in text.splitlines()) <= 100


def test_months_before_the_statute_came_into_force_show_no_statute_in_force() -> None:
    """The statute is loaded but governs from 2018-01: before that nothing governs, which the
    view must not put down to a statute file missing."""
    text, _ = timeline_command([AGREEMENTS], "2017-11", "2018-01", "text")
    rows = [line.split("  ") for line in text.splitlines() if line[:1].isdigit()]
    governed = [[cell.strip() for cell in row if cell.strip()][2] for row in rows]
    assert governed == ["no statute in force", STATUTE]


def test_by_default_the_timeline_shows_the_statute_one_month_either_side() -> None:
    """Before the first and after the last agreement month, the reviewer sees the statute."""
    library, _ = load([AGREEMENTS])
    assert default_range(library) == (ym("2022-10"), ym("2027-01"))


def test_a_range_asked_for_cuts_the_runs_at_its_ends() -> None:
    """--from and --to choose the months; a run that starts earlier is shown from --from."""
    text, _ = timeline_command([AGREEMENTS], "2025-09", "2026-01", "text")
    rows = [line for line in text.splitlines() if line[:1].isdigit()]
    assert rows == [
        "2025-09            all 6 municipalities  lag-2017-612                 "
        "gap: statute governs",
        "2025-10 – 2025-12  all 6 municipalities  halland-2025                 in force",
        "2026-01            all 6 municipalities  halland-2025-extension-2026  pending approval",
    ]


# A region whose municipalities part ways in 2025: Gamma signs its own agreement, the others wait
# for Beta to approve an extension, fall into a gap, and sign a new agreement for the autumn.
APPROVED = "{status: approved, evidence: {source: minutes}}"
DIFFERING = {
    "1-north-2024.yaml": f"""
        format: agreement-engine/1
        kind: agreement
        id: north-2024
        title: Agreement of Region Norr 2024
        sources:
          minutes: {{title: Minutes of the Norr council}}
        parties:
          region: Region Norr
          municipalities: [Alpha, Beta, Gamma, Delta]
        validity: {{from: 2024-01-01, until: 2024-12-31}}
        approval:
          required: all-parties
          by:
            Region Norr: {APPROVED}
            Alpha: {APPROVED}
            Beta: {APPROVED}
            Gamma: {APPROVED}
            Delta: {APPROVED}
        rules:
          day_cost: day_price[year_of(month)]
          net_amount: round(total_days * day_cost, 0, half_up)
        """,
    "2-north-2024-extension-2025.yaml": f"""
        format: agreement-engine/1
        kind: extension
        id: north-2024-extension-2025
        title: Extension of the Norr agreement to mid-2025
        sources:
          minutes: {{title: Minutes of the Norr council}}
        extends: north-2024
        validity: {{from: 2025-01-01, until: 2025-06-30}}
        approval:
          required: all-parties
          by:
            Region Norr: {APPROVED}
            Alpha: {APPROVED}
            Beta: {{status: pending, evidence: {{source: minutes}}}}
            Gamma: {APPROVED}
            Delta: {APPROVED}
        """,
    "3-north-routine.yaml": """
        format: agreement-engine/1
        kind: routine
        id: north-routine
        title: Working routine of Region Norr
        applies_to: [north-2024]
        validity: {from: 2024-07-15}
        provisions:
          - text: The parties meet monthly.
        """,
    "4-gamma-2025.yaml": f"""
        format: agreement-engine/1
        kind: agreement
        id: gamma-2025
        title: Agreement of Region Norr and Gamma 2025
        sources:
          minutes: {{title: Minutes of the Norr council}}
        parties:
          region: Region Norr
          municipalities: [Gamma]
        validity: {{from: 2025-01-01, until: 2025-12-31}}
        approval:
          required: all-parties
          by:
            Region Norr: {APPROVED}
            Gamma: {APPROVED}
        rules:
          net_amount: round(total_days * 9000 kr/day, 0, half_up)
        """,
    "5-north-2025-q4.yaml": f"""
        format: agreement-engine/1
        kind: agreement
        id: north-2025-q4
        title: Agreement of Region Norr for the last quarter of 2025
        sources:
          minutes: {{title: Minutes of the Norr council}}
        parties:
          region: Region Norr
          municipalities: [Alpha, Beta, Delta]
        validity: {{from: 2025-10-01, until: 2025-12-31}}
        approval:
          required: all-parties
          by:
            Region Norr: {APPROVED}
            Alpha: {APPROVED}
            Beta: {APPROVED}
            Delta: {APPROVED}
        rules:
          day_cost: day_price[year_of(month)]
          net_amount: round(total_days * day_cost, 0, half_up)
        """,
    "6-statute.yaml": """
        format: agreement-engine/1
        kind: statute
        id: test-statute
        title: The statutory default, for tests
        validity: {from: 2018-01-01}
        counting:
          month: month_of(discharge_date)
          rules:
            liable_days: discharge_date - ready_date
          aggregates:
            liable_days_total: sum(liable_days)
        rules:
          day_cost: day_price[year_of(month)]
          net_amount: round(liable_days_total * day_cost, 0, half_up)
        """,
    "7-figures.yaml": """
        format: agreement-engine/1
        kind: parameters
        id: test-figures
        title: Figures for tests
        sources:
          notice: {title: The notice that sets the day price}
        parameters:
          day_price:
            title: Price of a care day
            unit: kr/day
            period: year
            values:
              2023: {value: 9000, status: official, cite: {source: notice}}
              2024: {value: 9500, status: provisional, cite: {source: notice}}
              2025: {status: missing, cite: {source: notice}}
        """,
}


def write_files(folder: Path, files: dict[str, str]) -> str:
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return str(folder)


@pytest.fixture
def differing(tmp_path: Path) -> str:
    return write_files(tmp_path, DIFFERING)


DIFFERING_VIEW = """\
timeline 2023-12 – 2026-01: Alpha, Beta, Gamma, Delta

months             parties               governed by                status
-----------------  --------------------  -------------------------  --------------------
2023-12            all 4 municipalities  test-statute               statute
2024-01 – 2024-06  all 4 municipalities  north-2024                 in force
                   provisional figures: day_price 2024
2024-07 – 2024-12  all 4 municipalities  north-2024                 in force
                   routines: north-routine
                   provisional figures: day_price 2024
2025-01 – 2025-06  all but Gamma         north-2024-extension-2025  pending approval
                   routines: north-routine
                   awaiting approval from: Beta; until every party has approved, test-statute
                     governs
                   missing figures: day_price 2025
2025-01 – 2025-12  Gamma                 gamma-2025                 in force
2025-07 – 2025-09  all but Gamma         test-statute               gap: statute governs
                   missing figures: day_price 2025
2025-10 – 2025-12  all but Gamma         north-2025-q4              in force
                   missing figures: day_price 2025
2026-01            all 4 municipalities  test-statute               statute
                   missing figures: day_price 2026
"""


def test_municipalities_whose_timelines_differ_get_rows_naming_them(differing: str) -> None:
    """Gamma's own agreement is one row; the others' pending months, gap and new agreement too."""
    text, code = timeline_command([differing], None, None, "text")
    assert code == 0
    assert text == DIFFERING_VIEW


def test_a_municipality_outside_an_extension_is_not_held_up_by_its_pending_approval(
    differing: str,
) -> None:
    """Gamma's own agreement governs 2025 while Beta has not approved the extension for the rest."""
    library, _ = load([differing])
    timeline = build_timeline(library, ym("2025-01"), ym("2025-12"))
    gamma = timeline.at("Gamma", ym("2025-03")).regime
    beta = timeline.at("Beta", ym("2025-03")).regime
    assert (gamma.status, gamma.agreement, gamma.awaiting_approval) == (
        S.IN_FORCE,
        "gamma-2025",
        (),
    )
    assert (beta.status, beta.extension, beta.awaiting_approval, beta.statute) == (
        S.PENDING,
        "north-2024-extension-2025",
        ("Beta",),
        "test-statute",
    )
    assert timeline.at("Delta", ym("2025-08")).regime.status is S.GAP


def test_two_agreements_in_force_at_once_show_as_a_conflict_naming_both(tmp_path: Path) -> None:
    """The library shows the clash month by month; the command refuses such files outright."""
    overlapping = DIFFERING["4-gamma-2025.yaml"].replace("2025-01-01", "2024-11-01")
    folder = write_files(tmp_path, {**DIFFERING, "4-gamma-2025.yaml": overlapping})
    library, _ = load([folder])
    regime = build_timeline(library, ym("2024-11"), ym("2024-11")).at("Gamma", ym("2024-11")).regime
    assert (regime.status, regime.governed_by) == (S.CONFLICT, "north-2024 and gamma-2025")
    with pytest.raises(EngineError) as refused:
        timeline_command([folder], None, None, "text")
    assert refused.value.diagnostics[-1] == AGREEMENT_ERRORS


def test_json_has_one_object_per_municipality_and_month_and_the_runs_of_the_text_view() -> None:
    """Machines get every month spelt out, and the same runs a person sees."""
    text, code = timeline_command([AGREEMENTS], None, None, "json")
    data = json.loads(text)
    assert code == 0
    assert list(data) == ["format", "from", "to", "municipalities", "runs", "months"]
    assert (data["format"], data["from"], data["to"]) == (
        "agreement-engine/timeline/1",
        "2022-10",
        "2027-01",
    )
    assert data["municipalities"] == list(HALLAND)
    assert len(data["months"]) == 52 * 6
    assert [(r["from"], r["to"]) for r in data["runs"]] == [
        ("2022-10", "2022-10"),
        ("2022-11", "2023-10"),
        ("2023-11", "2023-12"),
        ("2024-01", "2024-10"),
        ("2024-11", "2025-09"),
        ("2025-10", "2025-12"),
        ("2026-01", "2026-12"),
        ("2027-01", "2027-01"),
    ]
    pending = {
        "status": "pending approval",
        "agreement": "halland-2025",
        "extension": "halland-2025-extension-2026",
        "routines": [INVOICE_BASIS, COLLABORATION],
        "statute": STATUTE,
        "awaiting_approval": list(PARTIES),
        "conflicts": [],
        "figures": [
            {"parameter": "national_average_days", "key": "2023", "status": "missing"},
            {"parameter": "national_day_cost", "key": "2026", "status": "missing"},
        ],
    }
    assert data["runs"][6] == {
        "from": "2026-01",
        "to": "2026-12",
        "municipalities": list(HALLAND),
        **pending,
    }
    assert next(
        m for m in data["months"] if m["month"] == "2026-03" and m["municipality"] == "Hylte"
    ) == {"month": "2026-03", "municipality": "Hylte", **pending}


def test_csv_has_one_semicolon_separated_row_per_municipality_and_month() -> None:
    """Spreadsheets and scripts read one row per municipality and month, lists inside a cell."""
    text, code = timeline_command([AGREEMENTS], "2024-10", "2024-11", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r[0], r[1]) for r in rows[1:]] == [
        (m, name) for m in ("2024-10", "2024-11") for name in HALLAND
    ]
    assert text.splitlines()[1] == (
        "2024-10;Kungsbacka;in force;halland-2022;;halland-invoice-basis;;;;"
        "national_average_days[2023], national_day_cost[2024];;"
    )
    assert text.splitlines()[7] == (
        "2024-11;Kungsbacka;gap;;;;lag-2017-612;;;national_day_cost[2024];;"
    )


@pytest.mark.parametrize(
    ("first", "last", "output_format", "message"),
    [
        (
            "2022-13",
            None,
            "text",
            "--from takes a month written YYYY-MM, like 2026-03, not '2022-13'",
        ),
        (None, "jan", "text", "--to takes a month written YYYY-MM, like 2026-03, not 'jan'"),
        ("2026-01", "2025-01", "text", "--to 2025-01 is before --from 2026-01"),
        (
            None,
            "2020-01",
            "text",
            "--to 2020-01 is before 2022-10, where the timeline starts by default; "
            "give --from as well",
        ),
        (
            "2030-01",
            None,
            "text",
            "--from 2030-01 is after 2027-01, where the timeline ends by default; "
            "give --to as well",
        ),
        (None, None, "xml", "--format takes text, csv or json, not 'xml'"),
    ],
)
def test_wrong_usage_is_refused_with_a_message_saying_what_to_write(
    first: str | None, last: str | None, output_format: str, message: str
) -> None:
    """A bad month, a backwards range or an unknown format is wrong usage (exit code 2)."""
    with pytest.raises(UsageError) as refused:
        timeline_command([AGREEMENTS], first, last, output_format)
    assert str(refused.value) == message


def test_files_without_an_agreement_are_refused_as_wrong_usage() -> None:
    """The national figures alone name no municipality, so there is no timeline to show."""
    with pytest.raises(UsageError) as refused:
        timeline_command([str(ROOT / "agreements" / "national")], None, None, "text")
    assert str(refused.value) == (
        "no agreement is loaded, so there is no municipality to show; "
        "give the folder of agreement files, like agreements/"
    )


def test_files_with_errors_are_refused_before_any_timeline_is_shown() -> None:
    """A timeline over broken files would mislead; the errors come first, as for evaluate."""
    broken = str(ROOT / "tests" / "fixtures" / "invalid" / "amount-in-days.yaml")
    with pytest.raises(EngineError) as refused:
        timeline_command([AGREEMENTS, broken], None, None, "text")
    assert refused.value.diagnostics[0].is_error
    assert refused.value.diagnostics[-1] == AGREEMENT_ERRORS


LIBRARY: Library = load([AGREEMENTS])[0]
near = st.integers(0, 100).map(YearMonth(2020, 1).plus)


@settings(max_examples=30, deadline=None)
@given(near, near)
def test_every_municipality_month_falls_in_exactly_one_run_showing_its_regime(
    a: YearMonth, b: YearMonth
) -> None:
    """The compact view hides no month and shows none twice, whatever the range."""
    first, last = min(a, b), max(a, b)
    timeline = build_timeline(LIBRARY, first, last)
    covered = [
        (name, month)
        for run in timeline.runs
        for month in YearMonth.range(run.first, run.last)
        for name in run.municipalities
    ]
    assert sorted(covered, key=str) == sorted(
        ((v.municipality, v.month) for v in timeline.months), key=str
    )
    for run in timeline.runs:
        for month in YearMonth.range(run.first, run.last):
            for name in run.municipalities:
                view = timeline.at(name, month)
                assert view.regime == run.regime
                assert set(view.figures) <= set(run.figures)


def test_the_example_in_the_reviewers_page_is_the_real_output() -> None:
    """docs/timeline.md shows the bundled view; it must not drift from what the command prints."""
    page = (ROOT / "docs" / "timeline.md").read_text(encoding="utf-8")
    assert "```\n" + HALLAND_VIEW + "```\n" in page
