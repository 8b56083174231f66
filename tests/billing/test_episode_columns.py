"""An extract's months as columns (:meth:`EpisodeData.month_columns`, made straight from the
counts) against the same months made line by line (:func:`.gathered`, from each line's
:meth:`EpisodeData.aggregates` and :meth:`EpisodeData.counted_figures`), on the tricky cases:
months outside the extract's span, municipalities with no episode in a month, a rule set with no
counting rules, and days priced day by day whose figure is missing (lines not computed) or
illustrative (provisional).

The extract runs 2024-10 – 2025-01: October under the Halland agreement, the rest in the gap
2024-11 – 2025-09, where the statute prices the days by national_day_cost: by the year of the
month billed, or (reading statute-day-cost-year=per-day) each day by its own year, counted day by
day. The test figures give 2024 only (made up, illustrative), so days of 2025 cannot be priced.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from figures import figures_file, national_average_days, national_day_cost

from agreement_engine.agreements.library import Library, load
from agreement_engine.agreements.readings import under_readings
from agreement_engine.billing.bill import bill
from agreement_engine.billing.inputs import EpisodeData
from agreement_engine.billing.lines import InvoiceBasis
from agreement_engine.billing.monthly import MonthColumns, gathered
from agreement_engine.billing.ruleset import RuleSet, Typed, type_rules
from agreement_engine.billing.timeline import Governing
from agreement_engine.cli import commands
from agreement_engine.data import read_episodes_frame
from agreement_engine.frozen import replace
from agreement_engine.months import YearMonth

ROOT = Path(__file__).resolve().parents[2]
AGREEMENTS = ROOT / "agreements"
MUNICIPALITIES = ("Kungsbacka", "Varberg", "Falkenberg", "Halmstad", "Hylte", "Laholm")
MONTHS = YearMonth.range(YearMonth(2024, 8), YearMonth(2025, 4))
HEADER = (
    "Vårdtillfälle-ID;Kommun;Utskrivningsklar datum;Underrättelse klockslag;Utskrivningsdatum;"
    "Inskrivningsmeddelande;Underrättelse;SIP krävs;Kallelse SIP"
)
# Municipality, ready, notice time, discharged. Hylte has no episode; Laholm only in November;
# Varberg's January stay has days in 2024 and 2025 (the 2025 ones cannot be priced).
EPISODES = (
    ("Kungsbacka", "2024-10-01", "09:00", "2024-10-20"),
    ("Varberg", "2024-10-03", "13:00", "2024-10-09"),
    ("Kungsbacka", "2024-11-04", "08:15", "2024-11-14"),
    ("Laholm", "2024-11-10", "10:00", "2024-11-30"),
    ("Falkenberg", "2024-12-01", "10:00", "2024-12-02"),
    ("Halmstad", "2024-12-02", "12:30", "2024-12-24"),
    ("Varberg", "2024-12-20", "09:00", "2025-01-10"),
    ("Kungsbacka", "2025-01-02", "09:00", "2025-01-05"),
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The extract and the test figures."""
    folder = tmp_path_factory.mktemp("extract")
    figures_file(folder, national_day_cost({2024: 11000}), national_average_days({2023: "5.4"}))
    rows = [
        f"E{n};{who};{ready};{notice};{out};ja;ja;nej;"
        for n, (who, ready, notice, out) in enumerate(EPISODES, 1)
    ]
    (folder / "episodes.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return folder


PER_DAY = "statute-day-cost-year=per-day"


@pytest.fixture(scope="module", params=[(), (PER_DAY,)], ids=["by-month", "per-day"])
def readings(request: pytest.FixtureRequest) -> tuple[str, ...]:
    """The files' own reading, or each of the statute's days priced by its own year."""
    chosen: tuple[str, ...] = request.param
    return chosen


@pytest.fixture(scope="module")
def library(folder: Path, readings: tuple[str, ...]) -> Library:
    library, problems = load([str(AGREEMENTS), str(folder / "test-figures.yaml")])
    assert not [p for p in problems if p.is_error]
    chosen = dict(reading.split("=") for reading in readings)
    return under_readings(library, chosen)


def extract(library: Library, folder: Path, kind: type[EpisodeData] = EpisodeData) -> EpisodeData:
    """The extract read into memory (counted when first asked, by :func:`.count`)."""
    frame, _, _ = read_episodes_frame(folder / "episodes.csv", municipalities=MUNICIPALITIES)
    return kind(frame, path=str(folder / "episodes.csv"), parameters=library.parameters)


class LineByLine(EpisodeData):
    """The same extract, its months made line by line, as before they were made as columns."""

    def month_columns(
        self, ruleset: RuleSet, typed: Typed, municipalities: Sequence[str], month: YearMonth
    ) -> MonthColumns:
        return gathered(self, ruleset, typed, municipalities, month)


def rule_sets(library: Library) -> list[tuple[YearMonth, RuleSet, Typed]]:
    """Each month's rule sets (every municipality's, once), and each again without its counting
    rules (as a document that has none)."""
    governing, found = Governing(library), []
    for month in MONTHS:
        rulesets = {}
        for municipality in MUNICIPALITIES:
            ruleset = governing.govern(municipality, month).ruleset()
            if ruleset is not None:
                rulesets[ruleset.name] = ruleset
        for ruleset in rulesets.values():
            typed = type_rules(ruleset, library.parameters)
            found += [(month, ruleset, typed), (month, replace(ruleset, counting=None), typed)]
    return found


def test_a_months_columns_are_the_columns_of_its_lines_made_one_by_one(
    library: Library, folder: Path
) -> None:
    """Every month, inside the extract's span or not, with or without counting rules, for every
    municipality and for a few (some of them without episodes): the same aggregates, reasons
    and figures counted day by day as the lines made one at a time."""
    data = extract(library, folder)
    every = rule_sets(library)
    assert any(ruleset.counting is None for _, ruleset, _ in every)
    for month, ruleset, typed in every:
        for municipalities in (MUNICIPALITIES, ("Hylte", "Laholm"), ()):
            columns = data.month_columns(ruleset, typed, municipalities, month)
            assert columns == gathered(data, ruleset, typed, municipalities, month), (
                month,
                ruleset.name,
                municipalities,
            )


def billed(data: EpisodeData, library: Library) -> InvoiceBasis:
    return bill(library, data, MONTHS, MUNICIPALITIES)


def test_an_extract_billed_by_columns_gives_the_lines_billed_line_by_line(
    library: Library, folder: Path, readings: tuple[str, ...]
) -> None:
    """The lines users read (amounts, statuses, reasons, figures) do not depend on how the
    months' counts were handed to billing; the cases this file is about all occur."""
    columns = billed(extract(library, folder), library)
    by_line = billed(extract(library, folder, LineByLine), library)
    assert columns.lines == by_line.lines
    reasons = [reason for line in columns.lines for reason in line.reasons]
    assert any("the episode extract covers 2024-10 – 2025-01" in r for r in reasons)
    assert any("figure national_day_cost for 2025 is missing" in r for r in reasons)
    assert any("illustrative" in r for r in reasons)
    statuses = {line.status.value for line in columns.lines}
    assert {"provisional", "not computed"} <= statuses
    if readings:  # the days of 2025 priced day by day: a figure the counting looked up
        assert any("the episodes' days in 2025 are priced by it" in r for r in reasons)


def test_the_checked_pass_bills_the_extract_as_the_lines_made_one_by_one(
    library: Library, folder: Path, readings: tuple[str, ...]
) -> None:
    """The evaluate command, whose pass over the file takes the counts (the sums of
    :mod:`.episode_scan`), gives the lines the extract read into memory gives line by line."""
    paths = [str(AGREEMENTS), str(folder / "test-figures.yaml")]
    data = str(folder / "episodes.csv")
    first, last = str(MONTHS[0]), str(MONTHS[-1])
    evaluated = commands.evaluate(paths, data, first, last, False, readings=readings).basis
    by_line = billed(extract(library, folder, LineByLine), library)
    assert [line.municipality for line in evaluated.lines] == [
        line.municipality for line in by_line.lines
    ]
    assert [(line.amount, line.status, line.reasons) for line in evaluated.lines] == [
        (line.amount, line.status, line.reasons) for line in by_line.lines
    ]
