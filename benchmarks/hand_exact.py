"""The benchmark's aggregates billed by hand: the fastest exact program a person would write.

It reads the same aggregates file as ``evaluate`` and the benchmark's figures file, and writes
each municipality's net amount for each month (``month;municipality;net``), by the benchmark
agreement's rules typed in, on whole numbers: with the benchmark of 3.5 days as 7/2,

    gross = max(0 days, total_days / episodes - 3.5 days) × episodes × day_cost
          = max(0, 2 × total_days - 7 × episodes) × day_cost / 2        (episodes > 0)

less 35 % from 2023-11, rounded half up to whole kronor: exact, with no fraction, no Decimal
and no float. Nothing is checked (no statuses, reasons or derivations); ``benchmarks/run.py``
checks that every amount is the engine's. Whole days and whole prices, as the generated files
have them (a value that is not whole stops it)::

    python benchmarks/hand_exact.py aggregates.csv benchmark-figures.yaml out.csv
"""

import csv
import sys

import yaml


def main() -> None:
    data, figures, output = sys.argv[1:4]
    with open(figures, encoding="utf-8") as file:
        prices = yaml.safe_load(file)["parameters"]["national_day_cost"]["values"]
    cost = {str(year): int(figure["value"]) for year, figure in prices.items()}
    with open(data, encoding="utf-8-sig", newline="") as file:
        rows = csv.reader(file, delimiter=";")
        next(rows)
        billed = [
            _line(name, month, int(episodes), int(days), cost)
            for name, month, episodes, days, *_ in rows
        ]
    with open(output, "w", encoding="utf-8", newline="") as file:
        csv.writer(file, delimiter=";", lineterminator="\n").writerows(billed)
    print(len(billed))


def _line(
    name: str, month: str, episodes: int, days: int, cost: dict[str, int]
) -> tuple[str, str, int]:
    twice_gross = max(0, 2 * days - 7 * episodes) * cost[month[:4]] if episodes else 0
    if month >= "2023-11":  # 65 % of gross / 2, half up: (x × 65 + 100) // 200
        return month, name, (twice_gross * 65 + 100) // 200
    return month, name, (twice_gross + 1) // 2


if __name__ == "__main__":
    main()
