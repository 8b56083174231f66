"""Rules that read other months: a rolling mean over the months of the data, each month worked
out once however many windows read it, and a window that needs a month the data lacks."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from agreement_engine import api
from agreement_engine.billing import bill as billing
from agreement_engine.billing.across import History
from agreement_engine.diagnostics import EngineError, render_text
from agreement_engine.months import YearMonth

ROLLING = """\
format: agreement-engine/1
kind: agreement
id: rolling
title: A rolling three-month mean
sources: {s: {title: Made up for the test}}
parties: {region: Region Test, municipalities: [Alfa, Beta]}
validity: {from: 2024-01-01}
approval:
  required: all-parties
  by:
    Region Test: {status: approved, evidence: {source: s}}
    Alfa: {status: approved, evidence: {source: s}}
    Beta: {status: approved, evidence: {source: s}}
rules:
  average_days: if episodes = 0 then 0 days else total_days / episodes
  rolling_mean:
    formula: mean(average_days over 3 months)
    unit: days
  last_month: average_days[month - 1 month]
  net_amount:
    formula: max(0 days, rolling_mean - 3 days) * episodes * 1000 kr/day
    unit: kr
"""
# Alfa's average days by month: 2023-11 3, 2023-12 6, 2024-01 9, 2024-02 3, 2024-03 5
ROWS = {
    "2023-11": (2, 6),
    "2023-12": (1, 6),
    "2024-01": (1, 9),
    "2024-02": (3, 9),
    "2024-03": (2, 10),
}


def files(tmp_path: Path, rows: dict[str, tuple[int, int]] | None = None) -> tuple[str, str]:
    """The agreement and an aggregates file of Alfa's and Beta's months (Beta's alike)."""
    (tmp_path / "rolling.yaml").write_text(ROLLING, encoding="utf-8")
    lines = ["Kommun;Månad;Vårdtillfällen;Totalt antal dagar"]
    given = ROWS if rows is None else rows
    lines += [f"{m};{month};{e};{d}" for month, (e, d) in given.items() for m in ("Alfa", "Beta")]
    data = tmp_path / "aggregates.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(tmp_path / "rolling.yaml"), str(data)


def test_a_rolling_mean_reads_the_months_before_exactly(tmp_path: Path) -> None:
    """2024-01: (3 + 6 + 9) / 3 = 6 days; 3 days over the threshold × 1 episode × 1 000 kr."""
    agreement, data = files(tmp_path)
    run = api.evaluate(data, YearMonth(2024, 1), YearMonth(2024, 3), agreements=[agreement])
    january, february, march = run.lines_of("Alfa")
    assert str(january.value("rolling_mean")) == "6 days"
    assert str(january.value("last_month")) == "6 days"
    assert january.amount == Decimal(3000)
    # 2024-02: (6 + 9 + 3) / 3 = 6 days; 3 × 3 episodes × 1 000 = 9 000 kr
    assert february.amount == Decimal(9000)
    # 2024-03: (9 + 3 + 5) / 3 = 17/3 days; 8/3 × 2 × 1 000 = 16 000/3: not whole öre
    assert str(march.value("rolling_mean")) == "5.666667… days (17/3 exactly)"
    assert [(r.expression, str(r.month)) for r in january.across if r.rule == "rolling_mean"] == [
        ("average_days", "2023-11"),
        ("average_days", "2023-12"),
        ("average_days", "2024-01"),
    ]


def test_a_single_month_reads_the_rows_its_windows_need(tmp_path: Path) -> None:
    """--month 2024-02 alone still reads 2023-12 and 2024-01 from a file with a month column,
    and says it used those rows."""
    agreement, data = files(tmp_path)
    run = api.evaluate(data, YearMonth(2024, 2), agreements=[agreement])
    assert [line.amount for line in run.basis.lines] == [Decimal(9000), Decimal(9000)]
    assert (run.report.rows_read, run.report.rows_used) == (10, 6)


def test_a_window_that_needs_a_month_the_data_does_not_have_leaves_the_line_not_computed(
    tmp_path: Path,
) -> None:
    """The reason names the month and what the data lacks."""
    rows = {month: row for month, row in ROWS.items() if month != "2023-12"}
    agreement, data = files(tmp_path, rows)
    run = api.evaluate(data, YearMonth(2024, 1), agreements=[agreement])
    line = run.lines_of("Alfa")[0]
    assert (line.status.value, line.amount) == ("not computed", None)
    assert line.reasons == (
        "episodes at 2023-12 is needed, but the data has no row for Alfa 2023-12 (while "
        "computing rolling_mean)",
    )


def test_each_month_is_worked_out_once_however_many_windows_read_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Linear in the months: 3 months billed for 2 municipalities, reading 2 months more, is
    4 rules × 3 months + 1 rule (average_days) × 2 months, per municipality; never a month's
    rule again for each window that reads it."""
    made: list[History] = []

    class Counted(History):
        """The run's history, kept to be looked at."""

        def __init__(self, *args: object) -> None:
            super().__init__(*args)  # type: ignore[arg-type]
            made.append(self)

    monkeypatch.setattr(billing, "History", Counted)
    agreement, data = files(tmp_path)
    api.evaluate(data, YearMonth(2024, 1), YearMonth(2024, 3), agreements=[agreement])
    (history,) = made
    assert history.evaluated == 2 * (4 * 3 + 1 * 2)
    assert len(history.months) == 2 * 5


def test_a_rule_reading_its_own_value_at_another_month_is_refused_by_check(
    tmp_path: Path,
) -> None:
    """That would go back month after month without end: a cycle across months."""
    (tmp_path / "rolling.yaml").write_text(
        ROLLING.replace(
            "  last_month: average_days[month - 1 month]",
            "  last_month: last_month[month - 1 month]",
        ),
        encoding="utf-8",
    )
    with pytest.raises(EngineError) as raised:
        api.load_library([str(tmp_path)])
    first = render_text(raised.value.diagnostics[0])
    assert first.startswith(
        f"{tmp_path}/rolling.yaml:19:3: error: these rules depend on each other in a circle, "
        "across months: last_month → last_month\n"
    )
    assert "hint: a rule cannot read its own value, or a value that needs it, at another " in first
