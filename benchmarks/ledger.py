"""Measure ``invoice draft`` into a fresh SQLite ledger against ``evaluate`` of the same months.

Drafting computes exactly what ``evaluate`` computes, then records every line (its inputs, the
counted episodes' ids and days for an extract, the agreement texts once, each event hashed into
the chain) in one transaction. The goal of issue 13: drafting 2022-11 – 2026-12 for the
benchmark's 296 municipalities costs no more than 1.5 × ``evaluate`` of the same range.

Both commands run in processes of their own, taking turns, ``--repeat`` times (3 by default);
the best wall time is reported with its CPU time and peak memory, and the ratio. Each draft
writes a new ledger file (removed before the run, by the shell that then becomes the engine).
The data come from ``benchmarks/generate.py`` (generated on first use, ``--episodes N``), or are
named with ``--aggregates`` and ``--extract``::

    .venv/bin/python benchmarks/ledger.py --episodes 300000
    .venv/bin/python benchmarks/ledger.py --aggregates A.csv --extract E.csv
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import AGREEMENTS, DEFAULT_MONTHS  # noqa: E402  (siblings, found through the path)
from run import Result, compile_engine, engine, ensure_data, evaluate, measure  # noqa: E402


def draft(data: Path, first: str, last: str, ledger: Path) -> list[str]:
    """``invoice draft`` over ``data`` into a ledger file made new for each run."""
    command = [engine(), "invoice", "draft", "--month", first, "--to", last]
    command += ["--data", str(data), "--agreements", str(AGREEMENTS), "--ledger", str(ledger)]
    return ["sh", "-c", 'rm -f "$0" && exec "$@" >/dev/null', str(ledger), *command]


def compare(label: str, data: Path, months: tuple[str, str], repeat: int) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="benchmark-ledger-") as folder:
        out = Path(folder)
        commands = [
            (f"invoice draft ({label})", draft(data, *months, out / "ledger.sqlite")),
            (f"evaluate ({label})", evaluate(data, *months, out / "basis.csv")),
        ]
        return measure(commands, repeat)


def table(title: str, results: Sequence[Result]) -> str:
    """The two side by side, and draft ÷ evaluate."""
    lines = [title, f"  {'':28} {'best wall':>10} {'its CPU':>9} {'peak RSS':>10}"]
    for result in results:
        run = result.best
        wall = "failed" if run.error else f"{run.seconds:.2f} s"
        cpu = f"{run.cpu:.2f} s" if run.cpu is not None and not run.error else "?"
        memory = f"{run.peak_mb:,.0f} MB" if run.peak_mb is not None else "?"
        lines.append(f"  {result.label:28} {wall:>10} {cpu:>9} {memory:>10}")
    drafted, evaluated = (r.best for r in results)
    if drafted.error or evaluated.error:
        lines += [f"  {r.label} failed, {r.best.error}" for r in results if r.best.error]
    else:
        ratio = drafted.seconds / evaluated.seconds
        goal = "met" if ratio <= 1.5 else "not met"
        lines.append(f"  draft ÷ evaluate: {ratio:.2f}× (goal ≤ 1.5×: {goal})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=300_000, metavar="N")
    parser.add_argument("--months", default=DEFAULT_MONTHS, metavar="A..B")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--aggregates", type=Path, help="monthly aggregates to use")
    parser.add_argument("--extract", type=Path, help="an episode extract to use")
    args = parser.parse_args(argv)
    first, _, last = args.months.partition("..")
    months = (first, last or first)
    extract, aggregates = args.extract, args.aggregates
    if extract is None or aggregates is None:
        generated = ensure_data(args.episodes, args.months)
        extract, aggregates = extract or generated[0], aggregates or generated[1]
    compile_engine()
    tables = []
    for label, data in (("aggregates", aggregates), ("episodes", extract)):
        print(f"{label}: {data}", flush=True)
        tables.append(table(f"{label}: {data.name}", compare(label, data, months, args.repeat)))
    print()
    print("\n\n".join(tables))
    print(f"\nbest of {args.repeat} runs each, the two commands taking turns.")


if __name__ == "__main__":
    main()
