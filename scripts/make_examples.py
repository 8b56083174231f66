"""Write the synthetic Halland example data in ``examples/halland/``.

Every figure written is made up: no real patient, episode or monthly figure is in these files.
The generator is seeded and uses only the standard library's ``random.Random.random`` (whose
sequence for a given seed is stable across Python versions), so a run writes the same bytes
every time::

    .venv/bin/python scripts/make_examples.py

It writes, in the Swedish spreadsheet dialect (``;`` between columns, decimal comma, UTF-8 with
a byte order mark, CRLF line ends, as Excel saves "CSV UTF-8"):

- ``episodes.csv``: one row per care episode of the six Halland municipalities, discharged
  2022-11-01 to 2026-12-31;
- ``aggregates.csv``: the monthly figures counted from those episodes by the Halland rule (an
  episode counts in the month of its discharge date; days discharge-ready = discharge date −
  ready date; only episodes with 1 day or more), so that the two inputs give the same invoice
  for months a Halland agreement governs;
- ``national-export-2026-03.csv``: one month of those figures in the layout of SKR's export
  (no month column).
"""

from __future__ import annotations

import argparse
import calendar
import math
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

SEED = 20221101
FIRST_MONTH = (2022, 11)
LAST_MONTH = (2026, 12)
NATIONAL_EXPORT_MONTH = (2026, 3)
OUTPUT = Path(__file__).resolve().parent.parent / "examples" / "halland"

EPISODE_HEADER = (
    "Vårdtillfälle-ID",
    "Kommun",
    "Utskrivningsklar datum",
    "Underrättelse klockslag",
    "Utskrivningsdatum",
    "Inskrivningsmeddelande",
    "Underrättelse",
    "SIP krävs",
    "Kallelse SIP",
    "Vårdtyp",
)
AGGREGATE_HEADER = ("Kommun", "Månad", "Vårdtillfällen", "Totalt antal dagar", "Snitt")
EXPORT_HEADER = ("Kommun", "Vårdtillfällen", "Totalt antal dagar", "Snitt")

EPISODES_PER_THOUSAND = 0.52
"""Episodes with 1 day or more per month per 1 000 inhabitants (made up)."""
SAME_DAY_SHARE = 0.30
"""Same-day discharges (0 days) per episode with 1 day or more (made up)."""
PSYCHIATRIC_SHARE = 0.14
LONGEST_STAY = 30
NOTICE_HOURS = (
    # weight of each hour of the day for the discharge-ready notice: mostly office hours
    (0, 1), (1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 2), (7, 5), (8, 12), (9, 16),
    (10, 16), (11, 14), (12, 10), (13, 12), (14, 12), (15, 9), (16, 5), (17, 3),
    (18, 2), (19, 2), (20, 2), (21, 1), (22, 1), (23, 1),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Municipality:
    """A municipality, its (rounded, real) population and a made-up tendency to long stays."""

    name: str
    inhabitants: int
    stay_factor: float


MUNICIPALITIES = (
    Municipality("Kungsbacka", 85_000, 1.12),
    Municipality("Varberg", 66_000, 0.86),
    Municipality("Falkenberg", 47_000, 1.00),
    Municipality("Halmstad", 105_000, 1.06),
    Municipality("Hylte", 11_000, 0.92),
    Municipality("Laholm", 26_000, 1.20),
)


@dataclass(frozen=True, slots=True)
class Episode:
    """One synthetic care episode; the yes/no fields are ``ja``, ``nej`` or ``""``."""

    municipality: str
    ready_date: date
    notice_time: str
    discharge_date: date
    admission_notice: str
    ready_notice: str
    sip_required: str
    sip_invitation: str
    care_type: str

    @property
    def days(self) -> int:
        return (self.discharge_date - self.ready_date).days


# --- drawing values ----------------------------------------------------------------------------


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson-distributed count (Knuth's method; fine for the small means used here)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def weighted(rng: random.Random, choices: Sequence[tuple[str, float]]) -> str:
    """One of ``choices`` (value, weight), drawn by weight."""
    point = rng.random() * sum(w for _, w in choices)
    for value, weight in choices:
        point -= weight
        if point < 0:
            return value
    return choices[-1][0]


def yes_no(rng: random.Random, yes: float, blank: float) -> str:
    """``ja`` with probability ``yes``, empty with ``blank``, else ``nej``."""
    return weighted(rng, (("ja", yes), ("", blank), ("nej", 1 - yes - blank)))


def notice_time(rng: random.Random) -> str:
    """A time of day for the discharge-ready notice; now and then exactly 12:00."""
    if rng.random() < 0.04:
        return "12:00"
    hour = int(weighted(rng, [(str(h), w) for h, w in NOTICE_HOURS]))
    minute = int(rng.random() * 60) if rng.random() < 0.7 else 15 * int(rng.random() * 4)
    return f"{hour:02d}:{minute:02d}"


def stay_days(rng: random.Random, mean: float) -> int:
    """Days discharge-ready, 1 to 30: a long tail, exponential-like (longer draws are redrawn,
    so the tail thins out instead of piling up at 30)."""
    while True:
        days = 1 + int(-math.log(1.0 - rng.random()) * (mean - 1))
        if days <= LONGEST_STAY:
            return days


# --- episodes ----------------------------------------------------------------------------------


def months(first: tuple[int, int], last: tuple[int, int]) -> Iterator[tuple[int, int]]:
    """Every (year, month) from ``first`` to ``last``, both included."""
    year, month = first
    while (year, month) <= last:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def seasonal(month: int) -> float:
    """More episodes in winter (peak in January), fewer in summer."""
    return 1 + 0.15 * math.cos(2 * math.pi * (month - 1) / 12)


def mean_stay(who: Municipality, year: int, care_type: str) -> float:
    """The made-up mean days discharge-ready: per municipality, slowly falling, longer in
    psychiatric care."""
    base = 5.4 * who.stay_factor * (1 - 0.03 * (year - 2022))
    return base * (1.5 if care_type == "psykiatrisk" else 1.0)


def episode(
    rng: random.Random, who: Municipality, discharge: date, days: int, care_type: str
) -> Episode:
    """An episode with the given dates; notices and SIP drawn."""
    sip = "ja" if rng.random() < (0.35 if care_type == "psykiatrisk" else 0.18) else "nej"
    return Episode(
        municipality=who.name,
        ready_date=discharge - timedelta(days=days),
        notice_time=notice_time(rng),
        discharge_date=discharge,
        admission_notice=yes_no(rng, 0.95, 0.02),
        ready_notice=yes_no(rng, 0.96, 0.02),
        sip_required=sip,
        sip_invitation=yes_no(rng, 0.88, 0.04) if sip == "ja" else "",
        care_type=care_type,
    )


def month_episodes(rng: random.Random, who: Municipality, year: int, month: int) -> list[Episode]:
    """One municipality's episodes discharged in one month: some same-day, most 1 day or more."""
    expected = who.inhabitants / 1000 * EPISODES_PER_THOUSAND * seasonal(month)
    longer = poisson(rng, expected)
    same_day = poisson(rng, expected * SAME_DAY_SHARE)
    last_day = calendar.monthrange(year, month)[1]
    found = []
    for index in range(longer + same_day):
        discharge = date(year, month, 1 + int(rng.random() * last_day))
        psychiatric = rng.random() < PSYCHIATRIC_SHARE
        care_type = "psykiatrisk" if psychiatric else "somatisk"
        days = stay_days(rng, mean_stay(who, year, care_type)) if index < longer else 0
        found.append(episode(rng, who, discharge, days, care_type))
    return found


def boundary_episodes(rng: random.Random) -> list[Episode]:
    """Episodes that test the month and year boundaries, one municipality after another."""
    cases: list[tuple[date, int]] = [(date(2022, 11, 1), 4), (date(2026, 12, 31), 0)]
    cases += [(date(2026, 12, 31), 3)]
    for year in range(2023, 2027):
        cases += [
            (date(year, 1, 1), 1),  # ready on new year's eve, counts in January
            (date(year - 1, 12, 31), 0),  # ready and discharged on new year's eve
            (date(year, 1, 2), 9),  # ready before Christmas, discharged after new year
            (date(year, 3, 1), 1),  # ready on the last day of February
        ]
    return [
        episode(rng, MUNICIPALITIES[n % len(MUNICIPALITIES)], discharge, days, "somatisk")
        for n, (discharge, days) in enumerate(cases)
    ]


def all_episodes(rng: random.Random) -> list[Episode]:
    """Every episode, in the order an extract would list them: by discharge and ready date."""
    found = []
    for year, month in months(FIRST_MONTH, LAST_MONTH):
        for who in MUNICIPALITIES:
            found.extend(month_episodes(rng, who, year, month))
    found.extend(boundary_episodes(rng))
    order = {m.name: n for n, m in enumerate(MUNICIPALITIES)}
    found.sort(key=lambda e: (e.discharge_date, e.ready_date, order[e.municipality]))
    return found


# --- monthly figures ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figures:
    """A municipality's month by the Halland rule: episodes with 1 day or more, and their days."""

    municipality: str
    year: int
    month: int
    episodes: int
    total_days: int

    @property
    def average(self) -> str:
        """Total days / episodes, rounded to one decimal half up, with a decimal comma."""
        if self.episodes == 0:
            return "0,0"
        tenths = (20 * self.total_days + self.episodes) // (2 * self.episodes)
        return f"{tenths // 10},{tenths % 10}"


def count_months(episodes: Iterable[Episode]) -> list[Figures]:
    """The Halland counting rule over the episodes, every municipality and month (0 if none)."""
    totals: dict[tuple[str, int, int], tuple[int, int]] = {}
    for found in episodes:
        if found.days < 1:
            continue
        key = (found.municipality, found.discharge_date.year, found.discharge_date.month)
        count, days = totals.get(key, (0, 0))
        totals[key] = (count + 1, days + found.days)
    return [
        Figures(who.name, year, month, *totals.get((who.name, year, month), (0, 0)))
        for year, month in months(FIRST_MONTH, LAST_MONTH)
        for who in MUNICIPALITIES
    ]


# --- writing -----------------------------------------------------------------------------------


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write a CSV file as Swedish Excel saves one; return the number of data rows."""
    count = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        file.write(";".join(header) + "\r\n")
        for row in rows:
            assert not any(";" in v or '"' in v for v in row), row
            file.write(";".join(row) + "\r\n")
            count += 1
    return count


def episode_rows(episodes: Sequence[Episode]) -> Iterator[tuple[str, ...]]:
    """The episodes as CSV fields, numbered ``VT0000001``… in the order given."""
    for number, found in enumerate(episodes, start=1):
        yield (
            f"VT{number:07d}",
            found.municipality,
            found.ready_date.isoformat(),
            found.notice_time,
            found.discharge_date.isoformat(),
            found.admission_notice,
            found.ready_notice,
            found.sip_required,
            found.sip_invitation,
            found.care_type,
        )


def aggregate_rows(figures: Sequence[Figures]) -> Iterator[tuple[str, ...]]:
    """The monthly figures as CSV fields, with a month column."""
    for f in figures:
        month = f"{f.year:04d}-{f.month:02d}"
        yield (f.municipality, month, str(f.episodes), str(f.total_days), f.average)


def export_rows(figures: Sequence[Figures], year: int, month: int) -> Iterator[tuple[str, ...]]:
    """One month as in SKR's export: municipalities in alphabetical order, no month column."""
    chosen = sorted((f for f in figures if (f.year, f.month) == (year, month)), key=_name)
    for f in chosen:
        yield (f.municipality, str(f.episodes), str(f.total_days), f.average)


def _name(figures: Figures) -> str:
    return figures.municipality


def main(argv: Sequence[str] | None = None) -> None:
    """Generate the examples and say what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="folder to write to")
    args = parser.parse_args(argv)
    folder: Path = args.output
    folder.mkdir(parents=True, exist_ok=True)
    episodes = all_episodes(random.Random(SEED))
    figures = count_months(episodes)
    year, month = NATIONAL_EXPORT_MONTH
    written = {
        "episodes.csv": write_csv(folder / "episodes.csv", EPISODE_HEADER, episode_rows(episodes)),
        "aggregates.csv": write_csv(
            folder / "aggregates.csv", AGGREGATE_HEADER, aggregate_rows(figures)
        ),
        f"national-export-{year:04d}-{month:02d}.csv": write_csv(
            folder / f"national-export-{year:04d}-{month:02d}.csv",
            EXPORT_HEADER,
            export_rows(figures, year, month),
        ),
    }
    for name, rows in written.items():
        size = (folder / name).stat().st_size
        print(f"{folder / name}: {rows} rows, {size:,} bytes")


if __name__ == "__main__":
    main()
