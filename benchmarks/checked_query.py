"""A hand-written polars query that checks every field ``evaluate`` checks, and bills the result.

The floor ``evaluate`` over an episode extract is measured against (``benchmarks/run.py``): what
a careful person would write by hand to bill the benchmark's extract with the benchmark's
agreement, checking the extract as the engine does, but for this one file and rule and
without saying where a problem is (it stops at the first kind found):

- every field stripped of spaces; the episode id, municipality and ready date filled on every
  row that has anything in it; each episode id once in the file;
- every municipality one the agreement names;
- the dates written YYYY-MM-DD (or YYYY-M-D) and real dates of the years 1–9999; the time of the
  notice HH:MM, HH.MM or HH:MM:SS; the yes/no columns ja/nej, yes/no, true/false, sant/falskt
  or 1/0 in any case, or empty; the discharge date not before the ready date;

then counts the episodes discharged in each month one day or more after they were ready, and
their days, per municipality (the agreement's counting rules), and works out each line's net
amount exactly (its rules typed in: a benchmark of 3.5 days, the day cost of the year, 35 %
off from 2023-11, rounded half up), writing ``municipality;month;episodes;days;net`` lines.
Every column is read as text and each checked as polars' streaming engine runs; the ids'
uniqueness is one ``n_unique`` over them all. A file with a problem exits 1 naming the check.

    .venv/bin/python benchmarks/checked_query.py EXTRACT AGREEMENT FIGURES OUTPUT
"""

from __future__ import annotations

import sys
from fractions import Fraction

import polars as pl
import yaml

DATE = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$"
TIME = r"^[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2})?$"
YES_NO = ["ja", "nej", "yes", "no", "true", "false", "sant", "falskt", "1", "0"]
COLUMNS = {
    "Vårdtillfälle-ID": "id",
    "Kommun": "municipality",
    "Utskrivningsklar datum": "ready",
    "Underrättelse klockslag": "notice",
    "Utskrivningsdatum": "discharged",
    "Inskrivningsmeddelande": "admission_notice",
    "Underrättelse": "ready_notice",
    "SIP krävs": "sip_required",
    "Kallelse SIP": "sip_invitation",
    "Vårdtyp": "care_type",
}
YES_NO_COLUMNS = ("admission_notice", "ready_notice", "sip_required", "sip_invitation")


def date(name: str) -> pl.Expr:
    """A date column's value; null when empty, and where it is not a date (checked below)."""
    text = pl.col(name)
    return pl.when(text.str.contains(DATE)).then(text.str.to_date("%Y-%m-%d", strict=False))


def checks(known: list[str]) -> list[pl.Expr]:
    """How many rows fail each check (each of them must be 0)."""
    filled = pl.any_horizontal(pl.col(list(COLUMNS.values())) != "")
    ready, discharged = date("ready"), date("discharged")
    bad_date = [
        ((pl.col(c) != "") & (date(c).is_null() | (date(c).dt.year() < 1))).sum().alias(f"{c}")
        for c in ("ready", "discharged")
    ]
    notice = pl.col("notice").str.replace(".", ":", literal=True)
    time = pl.coalesce(
        notice.str.to_time("%H:%M", strict=False), notice.str.to_time("%H:%M:%S", strict=False)
    )
    bad_notice = (pl.col("notice") != "") & ~(
        pl.col("notice").str.contains(TIME) & time.is_not_null()
    )
    return [
        (filled & ((pl.col("id") == "") | (pl.col("ready") == ""))).sum().alias("missing"),
        (filled & ~pl.col("municipality").is_in(known)).sum().alias("municipality"),
        *bad_date,
        bad_notice.sum().alias("notice"),
        *(
            ((pl.col(c) != "") & ~pl.col(c).str.to_lowercase().is_in(YES_NO)).sum().alias(c)
            for c in YES_NO_COLUMNS
        ),
        (discharged < ready).sum().alias("discharged before ready"),
        (pl.len() - pl.col("id").filter(filled).n_unique() - (~filled).sum()).alias("repeated"),
    ]


def main(extract: str, agreement: str, figures: str, output: str) -> None:
    with open(agreement, encoding="utf-8") as file:
        known = list(yaml.safe_load(file)["parties"]["municipalities"])
    with open(figures, encoding="utf-8") as file:
        costs = yaml.safe_load(file)["parameters"]["national_day_cost"]
    cost = {int(year): Fraction(str(f["value"])) for year, f in costs["values"].items()}
    rows = pl.scan_csv(extract, separator=";", infer_schema=False).select(
        pl.col(written).fill_null("").str.strip_chars().alias(name)
        for written, name in COLUMNS.items()
    )
    days = (date("discharged") - date("ready")).dt.total_days()
    counted = (
        rows.with_columns(days=days, month=date("discharged").dt.strftime("%Y-%m"))
        .filter(pl.col("days") >= 1)
        .group_by("municipality", "month")
        .agg(episodes=pl.len(), total_days=pl.col("days").sum())
    )
    found, sums = pl.collect_all([rows.select(checks(known)), counted], engine="streaming")
    failed = [name for name, count in found.row(0, named=True).items() if count]
    if failed:
        sys.exit(f"the extract has problems: {', '.join(failed)}")
    lines = []
    for name, month, episodes, total in sums.sort("municipality", "month").iter_rows():
        year, number = int(month[:4]), int(month[5:])
        average = Fraction(total, episodes)
        gross = max(Fraction(0), average - Fraction(7, 2)) * episodes * cost[year]
        net = gross * Fraction(65, 100) if (year, number) >= (2023, 11) else gross
        whole = (2 * net.numerator + net.denominator) // (2 * net.denominator)  # half up
        lines.append(f"{name};{month};{episodes};{total};{whole}")
    with open(output, "w", encoding="utf-8") as file:
        file.write("\n".join(lines) + "\n")
    print(len(lines))


if __name__ == "__main__":
    main(*sys.argv[1:5])
