"""(b) of ``benchmarks/run.py``: ``evaluate`` over monthly aggregates, and its goals.

Measured side by side, the commands taking turns round by round:

- ``evaluate`` over 296 municipalities × 50 months (14 800 lines, ``aggregates.csv``);
- ``python -c "import yaml, jsonschema, lark, typer"``: starting Python with the stack;
- the hand-written exact script (``hand_exact.py``: integers, the ``csv`` module), whose every
  net amount is checked against the engine's;
- ``python -c "import agreement_engine.cli.app"``: starting Python with the engine's command
  line, which every command pays before it does anything;
- ``evaluate`` over ten times the municipalities (2 906 × 50 = 145 300 lines,
  ``aggregates-2900.csv`` and its agreement, generated when missing), and ``check`` of either
  agreement folder, which loads and checks it as ``evaluate`` does.

The goals: (a) ``evaluate`` at most 1.5× the stack's import and 1.2× the hand-written script;
(b) ten times the lines at most 5 µs a line above the fixed cost (the time the ten times more
lines add, over the lines added, round by round), in at most 150 MB. An agreement of 2 906
parties takes longer to load than one of 296: the cost of a line is also given without that
difference (``check``'s). (b) alone::

    .venv/bin/python benchmarks/aggregates.py --repeat 5
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from generate import AGREEMENTS, DATA, agreements_folder, data_paths

HERE = Path(__file__).resolve().parent
TEN_TIMES = 2900
"""The numbered municipalities of the larger file: ten times Sweden's 290."""
IMPORTS_ONLY = "import yaml, jsonschema, lark, typer"
GOALS = {"imports": 1.5, "hand": 1.2, "line_us": 5.0, "peak_mb": 150.0}

Measure = Callable[[Sequence[tuple[str, Sequence[str]]], int], Sequence[Any]]
"""``run.measure``: each command's runs (``result.runs``), round by round."""


def aggregate_report(measure: Measure, engine: str, episodes: int, months: str, repeat: int) -> str:
    """Measure (b) with ``measure`` and say how far each goal is met."""
    first, _, last = months.partition("..")
    span = (first, last or first)
    usual = data_paths(DATA, episodes)[1]
    larger = _ten_times(episodes, months)
    python = sys.executable
    figures = str(AGREEMENTS / "benchmark-figures.yaml")
    tenfold = agreements_folder(TEN_TIMES)
    with tempfile.TemporaryDirectory(prefix="benchmark-") as name:
        out = Path(name)
        hand = [python, str(HERE / "hand_exact.py"), str(usual), figures, str(out / "h.csv")]
        commands = [
            ("evaluate, 296 × 50", _evaluate(engine, usual, AGREEMENTS, span, out / "a.csv")),
            ("python -c 'import yaml, …'", [python, "-c", IMPORTS_ONLY]),
            ("hand-written exact script", hand),
            ("python -c 'import …cli.app'", [python, "-c", "import agreement_engine.cli.app"]),
            ("evaluate, 2 906 × 50", _evaluate(engine, larger, tenfold, span, out / "b.csv")),
            ("check, 296 parties", [engine, "check", str(AGREEMENTS)]),
            ("check, 2 906 parties", [engine, "check", str(tenfold)]),
        ]
        found = {result.label: result for result in measure(commands, repeat)}
        differing = _differing(out / "a.csv", out / "h.csv")
    rows = [_rows(usual), _rows(larger)]
    return _report(list(found.values()), rows, differing)


def _evaluate(
    engine: str, data: Path, agreements: Path, months: tuple[str, str], output: Path
) -> list[str]:
    first, last = months
    return [
        *(engine, "evaluate", "--month", first, "--to", last),
        *("--data", str(data), "--agreements", str(agreements)),
        *("--format", "csv", "--output", str(output)),
    ]


def _ten_times(episodes: int, months: str) -> Path:
    """The aggregates of ten times the municipalities (their agreement beside them), generated
    first when missing: from as many episodes as the usual file's."""
    path = data_paths(DATA, episodes, TEN_TIMES)[1]
    if not path.exists() or not agreements_folder(TEN_TIMES).exists():
        _generate(episodes, months, "--municipalities", str(TEN_TIMES))
    return path


def _generate(episodes: int, months: str, *more: str) -> None:
    print(f"generating aggregates of {episodes:,} episodes {' '.join(more)} …", flush=True)
    command = [sys.executable, str(HERE / "generate.py"), "--episodes", str(episodes)]
    subprocess.run([*command, "--months", months, "--aggregates-only", *more], check=True)


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig") as file:
        return sum(1 for _ in file) - 1


def _differing(engine_csv: Path, hand_csv: Path) -> int | None:
    """How many lines' net amounts the hand-written script gives otherwise than the engine (a
    line one of them lacks counts); None when either wrote nothing."""
    if not engine_csv.exists() or not hand_csv.exists():
        return None
    with engine_csv.open(encoding="utf-8-sig", newline="") as file:
        engine = {
            (row["month"], row["municipality"]): row["net amount"]
            for row in csv.DictReader(file, delimiter=";")
        }
    with hand_csv.open(encoding="utf-8", newline="") as file:
        hand = {(month, name): net for month, name, net in csv.reader(file, delimiter=";")}
    return sum(engine.get(key) != hand.get(key) for key in engine.keys() | hand.keys())


# --- the report -------------------------------------------------------------------------------


def _report(results: list[Any], rows: list[int], differing: int | None) -> str:
    evaluate, imports, hand, cli, larger, check, check_larger = results
    lines = ["(b) monthly aggregates", f"  {'':30} {'best':>8} {'slowest':>8} {'peak RSS':>9}"]
    for result in results:
        times = [run.seconds for run in result.runs if run.error is None]
        if not times:
            lines.append(f"  {result.label:30} failed, {result.runs[-1].error}")
            continue
        peak = max((run.peak_mb or 0 for run in result.runs), default=0)
        lines.append(
            f"  {result.label:30} {min(times):>6.2f} s {max(times):>6.2f} s {peak:>6,.0f} MB"
        )
    lines += ["", "  goals (best of the rounds; in brackets, least–most over the rounds):"]
    lines.append(_goal("(a) evaluate ÷ the stack's import", evaluate, imports, GOALS["imports"]))
    lines.append(_goal("(a) evaluate ÷ the hand-written script", evaluate, hand, GOALS["hand"]))
    if differing is not None:
        verdict = "every one the same" if differing == 0 else f"{differing} differ"
        lines.append(f"      the hand-written script's net amounts: {verdict}, of {rows[0]:,}")
    lines.append(_goal("    (evaluate ÷ importing the engine's CLI)", evaluate, cli, None))
    added = rows[1] - rows[0]
    lines.append(_per_line("(b) µs a line above the fixed cost", larger, evaluate, added))
    lines.append(
        _per_line(
            "    less the larger agreement's loading", larger, evaluate, added, check_larger, check
        )
    )
    lines.append(_fixed(larger, evaluate, rows))
    peak = max((run.peak_mb or 0 for run in larger.runs), default=0)
    met = "met" if peak <= GOALS["peak_mb"] else "not met"
    lines.append(
        f"  (b) peak memory, 2 906 × 50: {peak:,.0f} MB (goal ≤ {GOALS['peak_mb']:.0f}: {met})"
    )
    return "\n".join(lines)


def _seconds(result: Any) -> list[float | None]:
    return [None if run.error else run.seconds for run in result.runs]


def _goal(title: str, over: Any, under: Any, goal: float | None) -> str:
    pairs = [(a, b) for a, b in zip(_seconds(over), _seconds(under), strict=False) if a and b]
    if not pairs:
        return f"  {title}: n/a"
    best = min(a for a, _ in pairs) / min(b for _, b in pairs)
    ratios = [a / b for a, b in pairs]
    text = f"  {title}: {best:.2f}× ({min(ratios):.2f}–{max(ratios):.2f})"
    if goal is not None:
        text += f", goal ≤ {goal}: {'met' if best <= goal else 'not met'}"
    return text


def _per_line(
    title: str, larger: Any, usual: Any, added: int, less: Any = None, than: Any = None
) -> str:
    """(larger − usual [− (less − than)]) / the lines added, in µs, round by round."""
    columns = [_seconds(larger), _seconds(usual)]
    if less is not None:
        columns += [_seconds(less), _seconds(than)]
    rounds = [
        (found[0] - found[1] - (found[2] - found[3] if len(found) > 2 else 0)) / added * 1e6
        for found in zip(*columns, strict=False)
        if all(t is not None for t in found)
    ]
    if not rounds:
        return f"  {title}: n/a"
    best = min(rounds)
    met = "met" if best <= GOALS["line_us"] else "not met"
    return f"  {title}: {best:.2f} µs ({min(rounds):.2f}–{max(rounds):.2f}), goal ≤ 5: {met}"


def _fixed(larger: Any, usual: Any, rows: list[int]) -> str:
    pairs = [(a, b) for a, b in zip(_seconds(larger), _seconds(usual), strict=False) if a and b]
    if not pairs:
        return "  (b) fixed cost: n/a"
    fixed = [b - rows[0] * (a - b) / (rows[1] - rows[0]) for a, b in pairs]
    return f"      the fixed cost (296 × 50 less its lines): {min(fixed):.2f} s"


def main() -> None:
    """(b) alone, as ``run.py`` measures it."""
    import argparse

    from generate import DEFAULT_EPISODES, DEFAULT_MONTHS
    from run import compile_engine, engine, measure

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=DEFAULT_EPISODES, metavar="N")
    parser.add_argument("--months", default=DEFAULT_MONTHS, metavar="A..B")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not data_paths(DATA, args.episodes)[1].exists():
        _generate(args.episodes, args.months)
    compile_engine()
    print(aggregate_report(measure, engine(), args.episodes, args.months, args.repeat))


if __name__ == "__main__":
    main()
