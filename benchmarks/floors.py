"""What ``run.py`` measures the engine against, as the scripts a person would write by hand.

Each runs with ``python -c`` in a process of its own (the checking query, longer, is a file of its
own: ``checked_query.py``).
"""

READ_ONLY = """\
import sys, polars as pl
frame = pl.read_csv(sys.argv[1], separator=";", infer_schema=False)
print(frame.height)
"""

HAND_QUERY = """\
import sys, polars as pl
days = (pl.col("Utskrivningsdatum") - pl.col("Utskrivningsklar datum")).dt.total_days()
result = (
    pl.scan_csv(sys.argv[1], separator=";", infer_schema=False)
    .select(
        pl.col("Kommun"),
        pl.col("Utskrivningsklar datum").str.to_date("%Y-%m-%d"),
        pl.col("Utskrivningsdatum").str.to_date("%Y-%m-%d"),
    )
    .with_columns(days=days, month=pl.col("Utskrivningsdatum").dt.strftime("%Y-%m"))
    .filter(pl.col("days") >= 1)
    .group_by("Kommun", "month")
    .agg(episodes=pl.len(), total_days=pl.col("days").sum())
    .sort("Kommun", "month")
    .collect()
)
result.write_csv(sys.argv[2], separator=";")
print(result.height)
"""

IMPORTS_ONLY = "import yaml, jsonschema, lark, typer"

HAND_EXACT = """\
import csv, sys
from fractions import Fraction
import yaml, jsonschema, lark, typer
figures = yaml.safe_load(open(sys.argv[2], encoding="utf-8"))["parameters"]
cost = {int(y): Fraction(f["value"]) for y, f in figures["national_day_cost"]["values"].items()}
benchmark, discount_from = Fraction(7, 2), (2023, 11)
lines = []
with open(sys.argv[1], encoding="utf-8-sig", newline="") as file:
    rows = csv.reader(file, delimiter=";")
    next(rows)
    for name, month, episodes, days, *_ in rows:
        n, year, number = int(episodes), int(month[:4]), int(month[5:])
        average = Fraction(int(days), n) if n else Fraction(0)
        gross = max(Fraction(0), average - benchmark) * n * cost[year]
        net = gross * Fraction(65, 100) if (year, number) >= discount_from else gross
        whole = (2 * net.numerator + net.denominator) // (2 * net.denominator)  # half up
        lines.append(f"{month};{name};{n};{days};{whole}")
with open(sys.argv[3], "w", encoding="utf-8") as file:
    file.write("\\n".join(lines) + "\\n")
print(len(lines))
"""
