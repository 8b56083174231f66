"""What governs each municipality's month, and how months are grouped into runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from timelines import (
    AGREEMENTS,
    COLLABORATION,
    DIFFERING,
    HALLAND,
    INVOICE_BASIS,
    PARTIES,
    ROOT,
    STATUTE,
    write_files,
)

from agreement_engine.agreements.library import Library, load
from agreement_engine.api import AGREEMENT_ERRORS
from agreement_engine.cli.commands import timeline_command
from agreement_engine.diagnostics import EngineError, UsageError
from agreement_engine.months import YearMonth
from agreement_engine.review.timeline import (
    FigureNote,
    Timeline,
    TimelineStatus,
    build_timeline,
    default_range,
)

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


def test_by_default_the_timeline_shows_the_statute_one_month_either_side() -> None:
    """Before the first and after the last agreement month, the reviewer sees the statute."""
    library, _ = load([AGREEMENTS])
    assert default_range(library) == (ym("2022-10"), ym("2027-01"))


@pytest.fixture
def differing(tmp_path: Path) -> str:
    return write_files(tmp_path, DIFFERING)


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
