"""Generate synthetic national-scale benchmark data, and the agreement files to bill it with.

Writes, into ``benchmarks/data/`` (gitignored):

- ``episodes.csv``: 10 million care episodes (``--episodes N`` for another size; the file is then
  ``episodes-N.csv``) of 296 municipalities ("Kommun 001" … "Kommun 290" and the six Halland
  municipalities), discharged in the months of ``--months`` (default 2022-11..2026-12), in the
  Swedish dialect of ``examples/halland/episodes.csv`` (``;``, UTF-8 with BOM, CRLF);
- ``aggregates.csv`` (``aggregates-N.csv``): the monthly figures of those episodes by the
  Halland counting rule, one row per municipality and month (296 × 50 rows by default),
  so that both inputs must give the same invoice;

``--municipalities M`` numbers M municipalities instead of 290 (the files then end in ``-M``:
``aggregates-2900.csv``), and ``--aggregates-only`` writes the aggregates alone;
and into ``benchmarks/agreements/`` (committed; for another ``--municipalities``, into
``benchmarks/data/agreements-M/``): one agreement with the Halland 2022 model's
structure covering every municipality, in force and approved over the whole period, with a
literal benchmark of 3.5 days, and an illustrative parameters file with a made-up price per
day for 2022–2026, so that ``agreement-engine evaluate`` computes every line.

Everything is synthetic and deterministic: the random numbers are a SplitMix64 hash of the row
number and a seed, computed with polars' wrapping 64-bit integer arithmetic (no numpy), so a
given ``--episodes``, ``--months`` and ``--seed`` always write the same bytes.

polars is imported inside the functions: ``run.py`` imports this module for its paths, and a
child process's peak memory starts at its parent's size when forked, so the measuring process
must stay small.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
AGREEMENTS = HERE / "agreements"
DEFAULT_EPISODES = 10_000_000
DEFAULT_MONTHS = "2022-11..2026-12"
SEED = 20221101

HALLAND = {
    "Kungsbacka": 85_000,
    "Varberg": 66_000,
    "Falkenberg": 47_000,
    "Halmstad": 105_000,
    "Hylte": 11_000,
    "Laholm": 26_000,
}
OTHERS = 290

ZERO_DAY_SHARE = 0.25
"""Same-day discharges (0 days), left out by the Halland model."""
MEAN_DAYS = 4.0
"""Before the stay factor (0.8–1.2): about half the municipality-months end above the
benchmark agreement's 3.5 days."""
LONGEST_STAY = 30
PSYCHIATRIC_SHARE = 0.14
NOON_SHARE = 0.04
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 1, 2, 5, 12, 16, 16, 14, 10, 12, 12, 9, 5, 3, 2, 2, 2, 1, 1, 1)

_GOLDEN = 0x9E3779B97F4A7C15
_MIX1, _MIX2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
_STREAMS = 16


# --- municipalities and months -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Municipality:
    """A synthetic municipality: its name, made-up size and made-up tendency to long stays."""

    name: str
    inhabitants: int
    stay_factor: float


def municipalities(seed: int, others: int = OTHERS) -> list[Municipality]:
    """The ``others`` numbered municipalities (290: log-normal sizes, median about 16 000
    inhabitants, as in Sweden) and the six Halland ones with their real, rounded populations."""
    rng = random.Random(seed)
    found = []
    for number in range(1, others + 1):
        inhabitants = min(1_000_000, max(2_500, int(math.exp(9.7 + _gauss(rng)))))
        found.append(Municipality(f"Kommun {number:03d}", inhabitants, 0.8 + 0.4 * rng.random()))
    for name, inhabitants in HALLAND.items():
        found.append(Municipality(name, inhabitants, 0.8 + 0.4 * rng.random()))
    return found


def _gauss(rng: random.Random) -> float:
    """A standard normal draw (Box–Muller on ``random()`` only, stable across Python versions)."""
    return math.sqrt(-2 * math.log(1 - rng.random())) * math.cos(2 * math.pi * rng.random())


def parse_months(text: str) -> tuple[date, date]:
    """``2022-11..2026-12`` as the first day of the first month and the last of the last."""
    first, _, last = text.partition("..")
    start = _month_start(first)
    end_start = _month_start(last or first)
    following = date(end_start.year + end_start.month // 12, end_start.month % 12 + 1, 1)
    end = date.fromordinal(following.toordinal() - 1)
    if end < start:
        raise argparse.ArgumentTypeError(f"'{text}': the last month is before the first")
    return start, end


def _month_start(text: str) -> date:
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return date(year, month, 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a month like 2022-11") from None


# --- random numbers, vectorised ----------------------------------------------------------------


def uniform(index: pl.Series, seed: int, stream: int) -> pl.Series:
    """A uniform number in [0, 1) per row: SplitMix64 of (seed, row, stream), wrapping u64."""
    import polars as pl

    z = pl.select(
        pl.lit(seed, dtype=pl.UInt64) + (index * _STREAMS + (stream + 1)) * _u64(_GOLDEN)
    ).to_series()
    z = (z ^ (z // 2**30)) * _u64(_MIX1)
    z = (z ^ (z // 2**27)) * _u64(_MIX2)
    z = z ^ (z // 2**31)
    return (z // 2**11).cast(pl.Float64) * 2.0**-53


def _u64(value: int) -> pl.Series:
    import polars as pl

    return pl.Series([value], dtype=pl.UInt64)


def pick(cumulative: Sequence[float], draws: pl.Series) -> pl.Series:
    """The index each draw falls in, for cumulative weights ending at 1."""
    import polars as pl

    bounds = pl.Series(cumulative, dtype=pl.Float64)
    return bounds.search_sorted(draws, side="right").cast(pl.UInt32)


def cumulative(weights: Sequence[float]) -> list[float]:
    """The running share of the total after each weight (the last is 1)."""
    total, running, out = sum(weights), 0.0, []
    for weight in weights:
        running += weight
        out.append(running / total)
    return out


# --- episodes ----------------------------------------------------------------------------------


def episodes_frame(
    count: int, start: date, end: date, seed: int, others: int = OTHERS
) -> pl.DataFrame:
    """``count`` synthetic episodes discharged from ``start`` to ``end``, sorted by discharge."""
    import polars as pl

    towns = municipalities(seed, others)
    row = pl.select(pl.int_range(0, count, dtype=pl.UInt64)).to_series()

    def draw(stream: int) -> pl.Series:
        return uniform(row, seed, stream)

    who = pick(cumulative([t.inhabitants for t in towns]), draw(0))
    span = (end - start).days + 1
    discharge = (draw(1) * span).floor().cast(pl.Int32) + (start - date(1970, 1, 1)).days
    factor = pl.Series([t.stay_factor for t in towns]).gather(who)
    days = _days(draw(2), draw(3), factor)
    names = [t.name for t in towns]
    frame = pl.DataFrame(
        {
            "Kommun": pl.Series(names, dtype=pl.Enum(names)).gather(who),
            "Utskrivningsklar datum": (discharge - days).cast(pl.Date),
            "Underrättelse klockslag": _notice_time(draw(4), draw(5), draw(6)),
            "Utskrivningsdatum": discharge.cast(pl.Date),
            "Inskrivningsmeddelande": _yes_no(draw(7), yes=0.95, blank=0.02),
            "Underrättelse": _yes_no(draw(8), yes=0.96, blank=0.02),
            "SIP krävs": _yes_no(draw(9), yes=0.20, blank=0.0),
        }
    )
    invitation = _yes_no(draw(10), yes=0.88, blank=0.04)
    frame = frame.with_columns(
        pl.when(pl.col("SIP krävs") == "ja")
        .then(invitation)
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias("Kallelse SIP"),
        pl.when(draw(11) < PSYCHIATRIC_SHARE)
        .then(pl.lit("psykiatrisk"))
        .otherwise(pl.lit("somatisk"))
        .alias("Vårdtyp"),
    )
    frame = frame.sort("Utskrivningsdatum", "Utskrivningsklar datum", maintain_order=True)
    ids = pl.concat_str(pl.lit("VT"), pl.int_range(1, count + 1).cast(pl.String).str.zfill(9))
    return frame.select(ids.alias("Vårdtillfälle-ID"), pl.all())


def _days(zero: pl.Series, tail: pl.Series, factor: pl.Series) -> pl.Series:
    """Days discharge-ready: 0 for a share of episodes, else 1–30, a truncated exponential tail
    (inverse CDF, so no draw piles up at 30)."""
    import polars as pl

    scale = factor * (MEAN_DAYS - 1)
    reach = 1 - (-LONGEST_STAY / scale).exp()
    longer = 1 + (-(1 - tail * reach).log() * scale).floor().cast(pl.Int32)
    longer = longer.clip(1, LONGEST_STAY)
    return pl.select(pl.when(zero < ZERO_DAY_SHARE).then(0).otherwise(longer)).to_series()


def _notice_time(noon: pl.Series, hour_draw: pl.Series, minute_draw: pl.Series) -> pl.Series:
    """Times over the day, mostly office hours; a share exactly 12:00."""
    import polars as pl

    hour = pick(cumulative(HOUR_WEIGHTS), hour_draw).cast(pl.Int32)
    minute = (minute_draw * 60).floor().cast(pl.Int32)
    drawn = pl.time(pl.col("hour"), pl.col("minute"))
    at = pl.when(pl.col("noon") < NOON_SHARE).then(pl.time(12, 0)).otherwise(drawn)
    return pl.DataFrame({"noon": noon, "hour": hour, "minute": minute}).select(at).to_series()


def _yes_no(draw: pl.Series, *, yes: float, blank: float) -> pl.Series:
    """``ja``, ``nej``, or null (written as an empty field) for a blank."""
    import polars as pl

    blank_word = pl.lit(None, dtype=pl.String)
    word = pl.when(draw < yes).then(pl.lit("ja")).when(draw < yes + blank).then(blank_word)
    return pl.select(word.otherwise(pl.lit("nej"))).to_series()


# --- monthly figures ---------------------------------------------------------------------------


def aggregates_frame(
    episodes: pl.DataFrame, names: Sequence[str], start: date, end: date
) -> pl.DataFrame:
    """Every municipality × month: episodes with 1 day or more counted in the month of
    discharge, their total days, and the average rounded to one decimal half up."""
    import polars as pl

    days = (pl.col("Utskrivningsdatum") - pl.col("Utskrivningsklar datum")).dt.total_days()
    counted = (
        episodes.select(
            pl.col("Kommun").cast(pl.String),
            pl.col("Utskrivningsdatum").dt.strftime("%Y-%m").alias("Månad"),
            days.alias("days"),
        )
        .filter(pl.col("days") >= 1)
        .group_by("Kommun", "Månad")
        .agg(pl.len().cast(pl.Int64).alias("Vårdtillfällen"), pl.col("days").sum().alias("total"))
    )
    grid = pl.DataFrame({"Kommun": list(names)}).join(
        pl.DataFrame({"Månad": month_names(start, end)}), how="cross"
    )
    full = grid.join(counted, on=["Kommun", "Månad"], how="left", maintain_order="left")
    full = full.fill_null(0)
    tenths = (20 * pl.col("total") + pl.col("Vårdtillfällen")) // (
        2 * pl.col("Vårdtillfällen")
    ).clip(1)
    average = pl.format("{},{}", tenths // 10, tenths % 10)
    return full.select(
        "Kommun",
        "Månad",
        "Vårdtillfällen",
        pl.col("total").alias("Totalt antal dagar"),
        average.alias("Snitt"),
    )


def month_names(start: date, end: date) -> list[str]:
    """Every month from ``start`` to ``end`` as ``YYYY-MM``."""
    names, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        names.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return names


def write_swedish_csv(frame: pl.DataFrame, path: Path) -> None:
    """As Swedish Excel saves CSV: ``;``, UTF-8 with BOM, CRLF, ISO dates, times ``13:45``."""

    frame.write_csv(
        path,
        separator=";",
        line_terminator="\r\n",
        include_bom=True,
        date_format="%Y-%m-%d",
        time_format="%H:%M",
        null_value="",
    )


# --- agreement files ---------------------------------------------------------------------------

_HEADER = """\
# yaml-language-server: $schema=../../schemas/agreement-engine.schema.json
# Written by benchmarks/generate.py: edit the script, not this file.
format: agreement-engine/1
"""

_AGREEMENT = """\
kind: agreement
id: benchmark-model
title: "SYNTETISKT BENCHMARK – genomsnittsmodell enligt Hallands modell från 2022, alla kommuner"

sources:
  synthetic:
    title: "Synthetic benchmark written for the agreement engine – not a real agreement"

notes: |
  SYNTHETIC, FOR THE BENCHMARK ONLY. Not a real agreement: the parties, the approvals, the
  validity and the benchmark of 3.5 days are made up. It has the structure of the Halland 2022
  average model (agreements/halland/2022-agreement.yaml) for {count} municipalities at once, in
  force and approved for every month 2022-11 to 2026-12, so that every line can be computed.

parties:
  region: Benchmarkregionen
  municipalities:
{parties}

validity:
  from: 2022-11-01
  until: 2026-12-31
  cite: {{source: synthetic, section: "benchmark"}}

approval:
  required: all-parties
  cite: {{source: synthetic, section: "benchmark"}}
  by:
{approvals}

counting:
  month: month_of(discharge_date)
  rules:
    days_ready:
      formula: discharge_date - ready_date
      unit: days
  aggregates:
    episodes:
      formula: count(days_ready >= 1 day)
      unit: number
    total_days:
      formula: sum(days_ready, days_ready >= 1 day)
      unit: days

rules:
  benchmark:
    formula: 3.5 days
    unit: days
    cite: {{source: synthetic, section: "made-up benchmark"}}
  average_days:
    formula: if episodes = 0 then 0 days else total_days / episodes
    unit: days
  excess:
    formula: max(0 days, average_days - benchmark)
    unit: days
  day_cost:
    formula: national_day_cost[year_of(month)]
    unit: kr/day
  gross_amount:
    formula: excess * episodes * day_cost
    unit: kr
  discount:
    formula: if month >= 2023-11 then gross_amount * 35 % else 0 kr
    unit: kr
  net_amount:
    formula: round(gross_amount - discount, 0, half_up)
    unit: kr
"""

_FIGURES = """\
kind: parameters
id: benchmark-figures
title: "SYNTETISKT BENCHMARK – påhittade dygnspriser, inte Socialstyrelsens belopp"
illustrative: true

sources:
  synthetic:
    title: "Invented for the benchmark — not a real figure"

notes: |
  MADE-UP FIGURES for the benchmark only; not Socialstyrelsen's amounts. Results computed from
  them are marked as illustrative.

parameters:
  national_day_cost:
    title: "PÅHITTAD kostnad per vårddygn (benchmark)"
    unit: kr/day
    period: year
    values:
{values}
"""

BENCHMARK_DAY_COST = {2022: 9_000, 2023: 9_500, 2024: 10_000, 2025: 10_500, 2026: 11_000}


def agreement_text(names: Sequence[str]) -> str:
    """The benchmark agreement: every municipality a party, every party approved."""
    parties = "\n".join(f'    - "{name}"' for name in names)
    evidence = '{status: approved, evidence: {source: synthetic, section: "benchmark"}}'
    approvals = "\n".join(f'    "{name}": {evidence}' for name in ["Benchmarkregionen", *names])
    body = _AGREEMENT.format(count=len(names), parties=parties, approvals=approvals)
    return _HEADER + body


def figures_text() -> str:
    """The benchmark's parameters file: made-up prices per day, 2022–2026."""
    cite = '{source: synthetic, section: "illustrative figure"}'
    values = "\n".join(
        f"      {year}: {{value: {value}, status: provisional, cite: {cite}}}"
        for year, value in BENCHMARK_DAY_COST.items()
    )
    return _HEADER + _FIGURES.format(values=values)


def write_agreements(folder: Path, names: Sequence[str]) -> None:
    """Write the two agreement files (the same bytes for the same municipalities)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "benchmark-agreement.yaml").write_text(agreement_text(names), encoding="utf-8")
    (folder / "benchmark-figures.yaml").write_text(figures_text(), encoding="utf-8")


# --- command line ------------------------------------------------------------------------------


def data_paths(folder: Path, count: int, others: int = OTHERS) -> tuple[Path, Path]:
    """The episodes and aggregates files for ``count`` episodes (of ``others`` numbered
    municipalities and the six of Halland)."""
    suffix = "" if count == DEFAULT_EPISODES else f"-{count}"
    suffix += "" if others == OTHERS else f"-{others}"
    return folder / f"episodes{suffix}.csv", folder / f"aggregates{suffix}.csv"


def agreements_folder(others: int = OTHERS) -> Path:
    """Where the agreement files billing ``others`` numbered municipalities are: the committed
    ones for the usual 290, generated data beside the data files for any other number."""
    return AGREEMENTS if others == OTHERS else DATA / f"agreements-{others}"


def main(argv: Sequence[str] | None = None) -> None:
    """Generate the data and the agreement files, and say how long it took."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=DEFAULT_EPISODES, metavar="N")
    parser.add_argument("--months", type=parse_months, default=DEFAULT_MONTHS, metavar="A..B")
    parser.add_argument("--municipalities", type=int, default=OTHERS, metavar="M")
    parser.add_argument(
        "--aggregates-only", action="store_true", help="write the aggregates, not the episodes"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=DATA, help="folder for the data files")
    args = parser.parse_args(argv)
    start, end = args.months
    others = args.municipalities
    names = [t.name for t in municipalities(args.seed, others)]
    write_agreements(agreements_folder(others), names)
    began = time.perf_counter()
    episodes = episodes_frame(args.episodes, start, end, args.seed, others)
    built = time.perf_counter()
    args.output.mkdir(parents=True, exist_ok=True)
    episodes_path, aggregates_path = data_paths(args.output, args.episodes, others)
    written = [aggregates_path]
    if not args.aggregates_only:
        write_swedish_csv(episodes, episodes_path)
        written.insert(0, episodes_path)
    write_swedish_csv(aggregates_frame(episodes, names, start, end), aggregates_path)
    done = time.perf_counter()
    took = f"built in {built - began:.1f} s, written in {done - built:.1f} s"
    print(f"{episodes.height:,} episodes: {took}")
    for path in written:
        print(f"{path}: {path.stat().st_size / 1e6:,.1f} MB")


if __name__ == "__main__":
    main()
