"""The rows of an extract a run used (:func:`.counted_report`, worked out from the runs of lines
that share a footing) against the same worked out a line and a municipality's month at a time,
as before: on lines in any order, months of lines left out (counted in a month billed, but not
billed from the extract), a month other than those billed, municipalities not asked for, and an
episode not yet discharged (no counting month).

The extract runs 2024-09 – 2025-01 and one episode is not discharged; the run bills 2024-10 –
2024-12 under the Halland agreement and, from November, the statute, which count months alike.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from figures import figures_file, national_day_cost

from agreement_engine.api.evaluation import evaluate
from agreement_engine.billing import counted_rows
from agreement_engine.billing.inputs import ROWS_COUNTED, EpisodeData
from agreement_engine.billing.lines import InvoiceBasis
from agreement_engine.data import ReadReport
from agreement_engine.frozen import replace
from agreement_engine.months import YearMonth

AGREEMENTS = Path(__file__).resolve().parents[2] / "agreements"
# Kungsbacka's September and Varberg's January are outside the run; Hylte's is not discharged.
EXTRACT = """\
Vårdtillfälle-ID;Kommun;Utskrivningsklar datum;Underrättelse klockslag;Utskrivningsdatum;\
Inskrivningsmeddelande;Underrättelse;SIP krävs;Kallelse SIP
E1;Kungsbacka;2024-09-01;09:00;2024-09-20;ja;ja;nej;
E2;Kungsbacka;2024-10-01;09:00;2024-10-20;ja;ja;nej;
E3;Varberg;2024-10-03;09:00;2024-10-09;ja;ja;nej;
E4;Varberg;2024-10-13;09:00;2024-10-19;ja;ja;nej;
E5;Kungsbacka;2024-11-04;09:00;2024-11-14;ja;ja;nej;
E6;Laholm;2024-11-10;09:00;2024-11-30;ja;ja;nej;
E7;Falkenberg;2024-12-01;09:00;2024-12-02;ja;ja;nej;
E8;Halmstad;2024-12-02;09:00;2024-12-24;ja;ja;nej;
E9;Varberg;2024-12-20;09:00;2025-01-10;ja;ja;nej;
E10;Hylte;2025-01-02;09:00;;ja;ja;nej;
"""

Run = tuple[ReadReport, InvoiceBasis, EpisodeData]
Found = tuple[int, dict[str, tuple[int, tuple[str, ...]]]]
"""The rows used, and the rows left out by why: how many, and in which months or of whom."""
WHY = {
    "municipality not asked for": "others",
    "month_of(discharge_date) outside 2024-10 – 2024-12": "outside",
    "month_of(discharge_date) other than 2024-11": "outside",
    "month_of(discharge_date) in a month not billed from the extract": "not billed",
    "no counting month: month_of(discharge_date) is empty": "no month",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """What :func:`.counted_report` was given by an evaluation of the extract."""
    folder = tmp_path_factory.mktemp("extract")
    figures = figures_file(folder, national_day_cost({2024: 11000}))
    (folder / "episodes.csv").write_text(EXTRACT, encoding="utf-8")
    given: list[Run] = []
    counted = counted_rows.counted_report

    def kept(report: ReadReport, basis: InvoiceBasis, data: EpisodeData) -> ReadReport:
        given.append((report, basis, data))
        return counted(report, basis, data)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(counted_rows, "counted_report", kept)
        evaluate(
            str(folder / "episodes.csv"),
            YearMonth(2024, 10),
            YearMonth(2024, 12),
            agreements=[str(AGREEMENTS), str(figures)],
        )
    [found] = given
    return found


def careful(report: ReadReport, basis: InvoiceBasis, data: EpisodeData) -> Found:
    """The rows used and left out, a line and a municipality's month at a time."""
    first = next(line.documents[0].id for line in basis.lines if line.documents)
    billed = {
        (line.municipality, line.month.year * 12 + line.month.month - 1)
        for line in basis.lines
        if line.documents and line.documents[0].id in data.counted
    }
    used, left = 0, {why: Counter[str]() for why in WHY.values()}
    for (municipality, index), sums in data.counted[first].items():
        rows = sums.get(ROWS_COUNTED, 0)
        month = YearMonth(index // 12, index % 12 + 1)
        if (municipality, index) in billed:
            used += rows
        elif municipality not in basis.municipalities:
            left["others"][municipality] += rows
        else:
            left["not billed" if month in basis.months else "outside"][str(month)] += rows
    counted = sum(s.get(ROWS_COUNTED, 0) for s in data.counted[first].values())
    left["no month"][""] = report.rows_used - counted
    return used, {
        why: (rows.total(), tuple(sorted(k for k in +rows if k)))
        for why, rows in left.items()
        if rows.total()
    }


def quick(report: ReadReport, basis: InvoiceBasis, data: EpisodeData) -> Found:
    """The same, as :func:`.counted_report` tells it in the report."""
    found = counted_rows.counted_report(report, basis, data)
    left = {WHY[e.reason]: (e.count, e.details) for e in found.excluded}
    return found.rows_used, left


def shuffled(basis: InvoiceBasis, seed: int) -> InvoiceBasis:
    lines = list(basis.lines)
    random.Random(seed).shuffle(lines)
    return replace(basis, lines=tuple(lines))


def test_the_rows_used_by_the_run_as_billed(run: Run) -> None:
    used, left = quick(*run)
    assert (used, left) == careful(*run)
    assert set(left) == {"outside", "no month"}
    assert left["outside"] == (2, ("2024-09", "2025-01"))
    assert left["no month"] == (1, ())


@pytest.mark.parametrize("seed", range(5))
def test_the_lines_in_any_order_used_the_same_rows(run: Run, seed: int) -> None:
    report, basis, data = run
    assert quick(report, shuffled(basis, seed), data) == careful(*run)


def test_lines_left_out_of_a_month_billed_leave_their_rows_not_billed(run: Run) -> None:
    """Varberg's October and all of November (lines in any order): rows counted in months
    billed, but not on a line billed from the extract."""
    report, basis, data = run
    kept = tuple(
        line
        for line in basis.lines
        if line.month != YearMonth(2024, 11)
        and (line.municipality, line.month) != ("Varberg", YearMonth(2024, 10))
    )
    for lines in (kept, shuffled(replace(basis, lines=kept), 1).lines):
        less = replace(basis, lines=lines)
        used, left = quick(report, less, data)
        assert (used, left) == careful(report, less, data)
        assert left["not billed"] == (4, ("2024-10", "2024-11"))


def test_the_rows_of_municipalities_not_asked_for(run: Run) -> None:
    report, basis, data = run
    asked = ("Varberg", "Hylte")
    lines = tuple(line for line in basis.lines if line.municipality in asked)
    fewer = replace(basis, lines=lines, municipalities=asked)
    used, left = quick(report, fewer, data)
    assert (used, left) == careful(report, fewer, data)
    assert left["others"] == (6, ("Falkenberg", "Halmstad", "Kungsbacka", "Laholm"))


def test_one_month_billed(run: Run) -> None:
    report, basis, data = run
    november = YearMonth(2024, 11)
    lines = tuple(line for line in basis.lines if line.month == november)
    one = replace(basis, lines=lines, months=(november,))
    used, left = quick(report, one, data)
    assert (used, left) == careful(report, one, data)
    assert left["outside"][1] == ("2024-09", "2024-10", "2024-12", "2025-01")
