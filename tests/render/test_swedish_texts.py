"""The sentences billing, review, the ledger and the formula language make below the renderers
(reasons, notes, what changed) put into Swedish word for word, their English unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from outputs import AGGREGATES, AGREEMENTS, halland

from agreement_engine import api
from agreement_engine.diagnostics import Text
from agreement_engine.ledger.changes import changes
from agreement_engine.months import YearMonth
from agreement_engine.render.i18n import ENGLISH, language
from agreement_engine.render.timeline import render_text as timeline_text

SWEDISH = language("sv")
INFERRED_2022 = (
    "the approval of halland-2022 by Region Halland, Kungsbacka, Varberg, Falkenberg, Halmstad, "
    "Hylte, Laholm is inferred: no decision is on record"
)


def test_an_inferred_approval_and_the_statute_by_default_are_swedish_reasons() -> None:
    """A controller reading a Swedish sheet sees why a line is provisional in Swedish: the
    approval inferred, and the gap month the statute bills by the files' own reading."""
    run = halland("2024-10", "2024-11")
    october, november = run.lines_of("Hylte")
    assert october.reasons[0] == INFERRED_2022
    assert SWEDISH.text(october.reasons[0]) == (
        "godkännandet av halland-2022 från Region Halland, Kungsbacka, Varberg, Falkenberg, "
        "Halmstad, Hylte, Laholm är antaget: inget beslut finns dokumenterat"
    )
    note = next(r for r in november.reasons if r.startswith("no agreement on file"))
    assert note == (
        "no agreement on file governs 2024-11, so the statute (lag-2017-612) applies by default "
        "(reading gap-2024-11-to-2025-09=statute; under gap-2024-11-to-2025-09=continuous, "
        "halland-2022 would govern it)"
    )
    assert SWEDISH.text(note) == (
        "ingen överenskommelse i filerna styr 2024-11, så lagen (lag-2017-612) gäller i stället "
        "(tolkning gap-2024-11-to-2025-09=statute; med gap-2024-11-to-2025-09=continuous skulle "
        "halland-2022 styra den)"
    )


def test_a_gap_month_under_the_continuous_reading_says_so_in_swedish() -> None:
    """The note naming the reading that lets the 2022 agreement govern the gap."""
    run = api.evaluate(
        str(AGGREGATES),
        YearMonth(2025, 3),
        agreements=AGREEMENTS,
        readings={"gap-2024-11-to-2025-09": "continuous"},
    )
    note = run.basis.lines[0].reasons[0]
    assert SWEDISH.text(note) == (
        "ingen överenskommelse i filerna styr 2025-03; med tolkningen "
        "gap-2024-11-to-2025-09=continuous styr halland-2022 den (dess giltighet läst som "
        "2022-11-01 – 2025-09-30)"
    )
    assert ENGLISH.text(note) == str(note)


def test_the_timeline_says_in_swedish_which_reading_decides_the_gap() -> None:
    """The reviewer's line 'reading: …' and the title, in Swedish."""
    timeline = api.timeline(
        [AGREEMENTS[0]],
        YearMonth(2024, 11),
        YearMonth(2024, 11),
        {"gap-2024-11-to-2025-09": "continuous"},
    )
    [run] = timeline.runs
    [decided] = run.regime.readings
    assert SWEDISH.text(decided) == (
        "gap-2024-11-to-2025-09=continuous: ingen överenskommelse i filerna omfattar dessa "
        "månader; halland-2022 läses som att den omfattar dem (2022-11-01 – 2025-09-30)"
    )
    text = timeline_text(timeline, SWEDISH)
    assert text.startswith("tidslinje 2024-11: Kungsbacka, Varberg, Falkenberg, Halmstad, ")
    assert "\n         tolkning: gap-2024-11-to-2025-09=continuous: ingen överenskommelse " in text


ROLLING = """\
format: agreement-engine/1
kind: agreement
id: rolling
title: A rolling three-month mean
sources: {s: {title: Made up for the test}}
parties: {region: Region Test, municipalities: [Alfa]}
validity: {from: 2024-01-01}
approval:
  required: all-parties
  by:
    Region Test: {status: approved, evidence: {source: s}}
    Alfa: {status: approved, evidence: {source: s}}
rules:
  average_days: if episodes = 0 then 0 days else total_days / episodes
  rolling_mean:
    formula: mean(average_days over 3 months)
    unit: days
  per_episode:
    formula: total_days / (episodes - episodes)
    unit: days
  net_amount:
    formula: max(0 days, rolling_mean - 3 days + 0 * per_episode) * episodes * 1000 kr/day
    unit: kr
"""


def _rolling(tmp_path: Path, months: dict[str, tuple[int, int]]) -> tuple[str, str]:
    (tmp_path / "rolling.yaml").write_text(ROLLING, encoding="utf-8")
    data = tmp_path / "aggregates.csv"
    rows = [f"Alfa;{month};{e};{d}" for month, (e, d) in months.items()]
    data.write_text("Kommun;Månad;Vårdtillfällen;Totalt antal dagar\n" + "\n".join(rows) + "\n")
    return str(tmp_path / "rolling.yaml"), str(data)


def test_a_window_that_needs_a_month_the_data_lacks_says_so_in_swedish(tmp_path: Path) -> None:
    """The month named, and what the data lacks, in Swedish."""
    agreement, data = _rolling(tmp_path, {"2023-11": (2, 6), "2024-01": (1, 9)})
    run = api.evaluate(data, YearMonth(2024, 1), agreements=[agreement])
    [reason] = run.basis.lines[0].reasons
    assert reason == (
        "episodes at 2023-12 is needed, but the data has no row for Alfa 2023-12 (while "
        "computing rolling_mean)"
    )
    assert SWEDISH.text(reason) == (
        "episodes för 2023-12 behövs, men data saknar rad för Alfa 2023-12 (vid beräkning av "
        "rolling_mean)"
    )


def test_a_division_by_zero_in_a_month_is_a_swedish_reason(tmp_path: Path) -> None:
    """A value the formula language cannot give is put into words too."""
    months = {"2023-11": (2, 6), "2023-12": (1, 6), "2024-01": (1, 9)}
    agreement, data = _rolling(tmp_path, months)
    run = api.evaluate(data, YearMonth(2024, 1), agreements=[agreement])
    [reason] = run.basis.lines[0].reasons
    assert reason == "division by zero (while computing per_episode)"
    assert SWEDISH.text(reason) == "division med noll (vid beräkning av per_episode)"


def _body(governance: dict[str, Any], cost: dict[str, Any], days: str) -> dict[str, Any]:
    return {
        "line": {
            "governance": governance,
            "documents": {},
            "figures": [{"parameter": "national_day_cost", "key": "2025", **cost}],
            "inputs": {"total_days": days},
        }
    }


def test_what_changed_in_a_line_is_said_in_swedish() -> None:
    """What the ledger shows an adjustment, a note and a stale invoice rest on."""
    waiting = {"governing": None, "pending": "ext", "waiting_for": ["Alfa"]}
    approved: dict[str, object] = {"governing": "ext", "pending": None, "waiting_for": []}
    old = _body(waiting, {"value": "11500", "status": "provisional", "illustrative": True}, "50")
    new = _body(approved, {"value": "11800", "status": "official"}, "45")
    found = [c.text for c in changes(old, new)]
    assert found == [
        "every party has now approved ext: it governs this month, where the statute governed "
        "while it awaited approval",
        "figure national_day_cost for 2025: 11500 (provisional, illustrative) → 11800 (official)",
        "total_days 50 → 45",
    ]
    assert [SWEDISH.text(text) for text in found] == [
        "alla parter har nu godkänt ext: den styr denna månad, där lagen styrde medan den "
        "inväntade godkännande",
        "uppgiften national_day_cost för 2025: 11500 (preliminär, illustrativ) → 11800 (officiell)",
        "total_days 50 → 45",
    ]


def test_sentences_joined_by_a_separator_are_each_put_into_words() -> None:
    """A stale invoice's reasons, joined by '; ', each translated, the separator kept."""
    joined = Text.joined("; ", [Text("division by zero"), "E1"])
    assert joined == "division by zero; E1"
    assert SWEDISH.text(joined) == "division med noll; E1"
