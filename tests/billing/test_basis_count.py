"""A basis counts its lines of each status as reading every line's status does."""

from __future__ import annotations

from pathlib import Path

from agreement_engine.api import LineStatus, evaluate
from agreement_engine.months import YearMonth

ROOT = Path(__file__).resolve().parents[2]
HALLAND = ROOT / "examples" / "halland"


def test_the_count_of_each_status_is_that_of_the_lines() -> None:
    basis = evaluate(
        str(HALLAND / "aggregates.csv"),
        YearMonth(2022, 11),
        YearMonth(2026, 12),
        agreements=[str(ROOT / "agreements"), str(HALLAND / "illustrative-figures.yaml")],
    ).basis
    counted = {status: basis.count(status) for status in LineStatus}
    assert counted == {s: sum(line.status is s for line in basis.lines) for s in LineStatus}
    assert sum(counted.values()) == len(basis.lines)
    assert counted[LineStatus.NOT_COMPUTED] and counted[LineStatus.PROVISIONAL]  # both kinds
