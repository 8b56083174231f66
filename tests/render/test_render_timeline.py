"""`agreement-engine timeline` as people and machines read it: text, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
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

from agreement_engine.cli.commands import timeline_command
from agreement_engine.render.timeline import CSV_COLUMNS

HALLAND_VIEW = """\
timeline 2022-10 – 2027-01: Kungsbacka, Varberg, Falkenberg, Halmstad, Hylte, Laholm
readings: the agreement files' own

months             parties               governed by                  status
-----------------  --------------------  ---------------------------  --------------------
2022-10            all 6 municipalities  lag-2017-612                 statute
                   provisional figures: national_day_cost 2022
2022-11 – 2023-10  all 6 municipalities  halland-2022                 in force
                   approval inferred: halland-2022 by Region Halland, Kungsbacka, Varberg,
                     Falkenberg, Halmstad, Hylte, Laholm: no decision on record
                   missing figures: national_average_days 2021
                   provisional figures: national_day_cost 2022, 2023
2023-11 – 2023-12  all 6 municipalities  halland-2022                 in force
                   routines: halland-invoice-basis
                   approval inferred: halland-2022 by Region Halland, Kungsbacka, Varberg,
                     Falkenberg, Halmstad, Hylte, Laholm: no decision on record
                   missing figures: national_average_days 2021
                   provisional figures: national_day_cost 2023
2024-01 – 2024-10  all 6 municipalities  halland-2022                 in force
                   routines: halland-invoice-basis
                   approval inferred: halland-2022 by Region Halland, Kungsbacka, Varberg,
                     Falkenberg, Halmstad, Hylte, Laholm: no decision on record
                   missing figures: national_average_days 2023; national_day_cost 2024
2024-11 – 2025-09  all 6 municipalities  lag-2017-612                 gap: statute governs
                   reading: gap-2024-11-to-2025-09=statute; under gap-2024-11-to-2025-09=continuous,
                     halland-2022 would govern these months
                   missing figures: national_day_cost 2024, 2025
2025-10 – 2025-12  all 6 municipalities  halland-2025                 in force
                   routines: halland-invoice-basis
                   approval inferred: halland-2025 by Region Halland, Kungsbacka, Varberg,
                     Falkenberg, Halmstad, Hylte, Laholm: no decision on record
                   missing figures: national_average_days 2023; national_day_cost 2025
2026-01 – 2026-12  all 6 municipalities  halland-2025-extension-2026  pending approval
                   routines: halland-invoice-basis, halland-samverkansrutin-2026
                   awaiting approval from: Region Halland, Kungsbacka, Varberg, Falkenberg,
                     Halmstad, Hylte, Laholm; until every party has approved, lag-2017-612 governs
                   approval inferred: halland-2025 by Region Halland, Kungsbacka, Varberg,
                     Falkenberg, Halmstad, Hylte, Laholm: no decision on record
                   caveat: The 2025 agreement may be extended three months at a time, provided that
                     all parties approve; this extension runs a whole year, 2026-01-01 to
                     2026-12-31. Whether a one-year extension is one the agreement allows, or a
                     change of it that the parties approve as such, the sources do not say.
                     (rs240957, Sammanfattning: "med möjlighet till förlängning tre månader i taget
                     under förutsättning att det godkänts av alla parter."; rs240957,
                     Sammanfattning: "förlängs med 1 år från 2026-01-01")
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


@pytest.fixture
def differing(tmp_path: Path) -> str:
    return write_files(tmp_path, DIFFERING)


DIFFERING_VIEW = """\
timeline 2023-12 – 2026-01: Alpha, Beta, Gamma, Delta
readings: the agreement files' own

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


def test_json_has_one_object_per_municipality_and_month_and_the_runs_of_the_text_view() -> None:
    """Machines get every month spelt out, and the same runs a person sees."""
    text, code = timeline_command([AGREEMENTS], None, None, "json")
    data = json.loads(text)
    assert code == 0
    assert list(data) == ["format", "from", "to", "municipalities", "readings", "runs", "months"]
    assert data["readings"] == {}
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
        "inferred_approvals": [{"document": "halland-2025", "parties": list(PARTIES)}],
        "decided_by_reading": [],
        "caveats": [
            "The 2025 agreement may be extended three months at a time, provided that all "
            "parties approve; this extension runs a whole year, 2026-01-01 to 2026-12-31. "
            "Whether a one-year extension is one the agreement allows, or a change of it that "
            "the parties approve as such, the sources do not say."
        ],
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


def test_the_example_in_the_reviewers_page_is_the_real_output() -> None:
    """docs/timeline.md shows the bundled view; it must not drift from what the command prints."""
    page = (ROOT / "docs" / "timeline.md").read_text(encoding="utf-8")
    assert "```\n" + HALLAND_VIEW + "```\n" in page
