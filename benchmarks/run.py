"""Measure ``agreement-engine evaluate`` against the floors it cannot beat, side by side.

(a) Episode-level data (``benchmarks/data/episodes.csv``, 10 million rows; ``--episodes N`` for
    a smaller file, generated when missing): the whole ``evaluate`` process, versus only reading
    the same CSV with the fastest reader there is (``polars.read_csv``, every column as text),
    and versus a hand-written polars query of the same counting rule (month of discharge,
    days ≥ 1, count and sum per municipality and month).
(b) Monthly aggregates (296 municipalities × 50 months): the whole ``evaluate`` process, versus
    only starting Python and importing the engine's dependencies, and versus the fastest exact
    program a person would write (``hand_exact.py``: integers, the ``csv`` module; its every
    amount checked against the engine's); and the same with ten times the municipalities, for
    the cost of a line and the peak memory: their goals, met or not (``aggregates.py``).

Each command runs in its own process, ``--repeat`` times (3 by default), the commands of a
comparison taking turns, so that they share whatever load the machine has; the best wall time is
reported, with the CPU time (user and system, on all cores) and the peak resident memory of that
run (``/usr/bin/time -v`` where present, else the child's resource usage from ``os.wait4``). A
command that fails is reported with its error and the rest still run::

    .venv/bin/python benchmarks/run.py
    .venv/bin/python benchmarks/run.py --episodes 1000000
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from aggregates import aggregate_report  # noqa: E402  (a sibling, found through the path)
from generate import (  # noqa: E402  (the sibling script, found through the path above)
    AGREEMENTS,
    DATA,
    DEFAULT_EPISODES,
    DEFAULT_MONTHS,
    data_paths,
)

TIME = "/usr/bin/time"

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


@dataclass(frozen=True, slots=True)
class Run:
    """One run of a command: wall time (s), peak resident memory (MB), CPU time (s) and any
    failure."""

    seconds: float
    peak_mb: float | None
    error: str | None = None
    cpu: float | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """The best of several runs of one command, under a label, and every run, round by round."""

    label: str
    best: Run
    runs: tuple[Run, ...] = ()


# --- running a command -------------------------------------------------------------------------


def run_once(command: Sequence[str]) -> Run:
    """Run ``command`` once, timing it and taking its peak memory."""
    try:
        if Path(TIME).exists():
            return _run_with_time(command)
        return _run_with_wait4(command)
    except OSError as exc:  # the command could not be started at all
        return Run(0.0, None, f"cannot run {command[0]!r}: {exc.strerror or exc}")


def _run_with_time(command: Sequence[str]) -> Run:
    began = time.perf_counter()
    done = subprocess.run(
        [TIME, "-v", *command], capture_output=True, text=True, errors="replace", check=False
    )
    seconds = time.perf_counter() - began
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    peak = int(found[1]) / 1024 if found else None
    times = re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", done.stderr)
    cpu = sum(map(float, times)) if len(times) == 2 else None
    own_stderr = done.stderr.split("\tCommand being timed:")[0]
    own_stderr = re.sub(r"Command exited with non-zero status \d+\s*$", "", own_stderr.strip())
    return Run(seconds, peak, _failure(done.returncode, own_stderr), cpu)


def _run_with_wait4(command: Sequence[str]) -> Run:
    """Without /usr/bin/time: the child's own rusage, which ``os.wait4`` returns (the
    per-child form of ``getrusage(RUSAGE_CHILDREN)``; ``ru_maxrss`` in kB on Linux)."""
    with tempfile.TemporaryFile() as errors:
        began = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        text = errors.read().decode("utf-8", errors="replace")
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss / scale, _failure(child.returncode, text), cpu)


def _failure(code: int, stderr: str) -> str | None:
    if code == 0:
        return None
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    shown = "\n".join(lines[-12:]) if lines else "(no error output)"
    return f"exit {code}: {shown}"


def measure(commands: Sequence[tuple[str, Sequence[str]]], repeat: int) -> list[Result]:
    """The best of ``repeat`` runs of each labelled command, the commands taking turns (one run
    of each per round); a failing command is not run again."""
    runs: dict[str, list[Run]] = {label: [] for label, _ in commands}
    for round_number in range(1, repeat + 1):
        print(f"  round {round_number}:", end="", flush=True)
        for label, command in commands:
            if any(r.error is not None for r in runs[label]):
                continue
            outcome = run_once(command)
            runs[label].append(outcome)
            print(
                f"  {'failed' if outcome.error else f'{outcome.seconds:.2f} s'}", end="", flush=True
            )
        print()
    results = []
    for label, found in runs.items():
        failed = [r for r in found if r.error is not None]
        best = failed[0] if failed else min(found, key=lambda r: r.seconds)
        results.append(Result(label, best, tuple(found)))
    return results


# --- the comparisons ---------------------------------------------------------------------------


def engine() -> str:
    """The ``agreement-engine`` command of this Python environment."""
    beside = Path(sys.executable).parent / "agreement-engine"
    return str(beside) if beside.exists() else (shutil.which("agreement-engine") or "")


def evaluate(data: Path, first: str, last: str, output: Path) -> list[str]:
    """The ``evaluate`` command over ``data`` with the benchmark agreements, CSV output."""
    return [
        engine(),
        "evaluate",
        "--month",
        first,
        "--to",
        last,
        "--data",
        str(data),
        "--agreements",
        str(AGREEMENTS),
        "--format",
        "csv",
        "--output",
        str(output),
    ]


def episode_results(episodes: Path, months: tuple[str, str], repeat: int) -> list[Result]:
    """(a): evaluate over the episodes, then the two floors over the same file."""
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="benchmark-") as folder:
        out = Path(folder)
        commands = [
            ("evaluate (episodes)", evaluate(episodes, *months, out / "e.csv")),
            ("polars.read_csv, all text", [python, "-c", READ_ONLY, str(episodes)]),
            (
                "hand-written polars query",
                [python, "-c", HAND_QUERY, str(episodes), str(out / "q.csv")],
            ),
        ]
        return measure(commands, repeat)


# --- reporting ---------------------------------------------------------------------------------


def table(title: str, results: Sequence[Result]) -> str:
    """The results side by side; the ratios are the first row (the engine) over each other."""
    engine_run = results[0].best
    heading = f"{'best wall':>10} {'its CPU':>9} {'peak RSS':>10} {'engine ÷ this':>14}"
    lines = [title, f"  {'':30} {heading}"]
    for result in results:
        run = result.best
        wall = "failed" if run.error else f"{run.seconds:.2f} s"
        cpu = f"{run.cpu:.2f} s" if run.cpu is not None and not run.error else "?"
        memory = f"{run.peak_mb:,.0f} MB" if run.peak_mb is not None else "?"
        ratio = _ratio(engine_run, run) if result is not results[0] else ""
        lines.append(f"  {result.label:30} {wall:>10} {cpu:>9} {memory:>10} {ratio:>14}")
    for result in results:
        if result.best.error:
            lines.append(f"\n  {result.label} failed, {result.best.error}")
    return "\n".join(lines)


def _ratio(engine_run: Run, other: Run) -> str:
    if engine_run.error or other.error or other.seconds == 0:
        return "n/a"
    time_ratio = engine_run.seconds / other.seconds
    if engine_run.peak_mb and other.peak_mb:
        return f"{time_ratio:.1f}× / {engine_run.peak_mb / other.peak_mb:.1f}×"
    return f"{time_ratio:.1f}×"


def compile_engine() -> None:
    """Write the engine's bytecode, as installing a wheel does: an editable install leaves it to
    be written on first import, which PYTHONDONTWRITEBYTECODE (set on some machines) forbids,
    and then every run would compile the engine's modules afresh."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("agreement_engine")
    folders = spec.submodule_search_locations if spec is not None else None
    for folder in folders or []:
        compileall.compile_dir(folder, quiet=1)


def ensure_data(count: int, months: str) -> tuple[Path, Path]:
    """The data files for ``count`` episodes, generated first when missing."""
    episodes, aggregates = data_paths(DATA, count)
    if not (episodes.exists() and aggregates.exists()):
        print(f"generating {count:,} episodes (benchmarks/generate.py) …", flush=True)
        script = str(HERE / "generate.py")
        command = [sys.executable, script, "--episodes", str(count), "--months", months]
        subprocess.run(command, check=True)
    return episodes, aggregates


def main(argv: Sequence[str] | None = None) -> None:
    """Run every measurement and print the two tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=DEFAULT_EPISODES, metavar="N")
    parser.add_argument("--months", default=DEFAULT_MONTHS, metavar="A..B")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    first, _, last = args.months.partition("..")
    months = (first, last or first)
    episodes, aggregates = ensure_data(args.episodes, args.months)
    compile_engine()
    size = episodes.stat().st_size / 1e6
    print(f"(a) episode level: {episodes.name}, {args.episodes:,} episodes, {size:,.0f} MB")
    episode_level = episode_results(episodes, months, args.repeat)
    print(f"(b) aggregates: {aggregates.name}, and ten times the municipalities")
    aggregate_level = aggregate_report(measure, engine(), args.episodes, args.months, args.repeat)
    print()
    print(table(f"(a) episode level, {args.episodes:,} episodes", episode_level))
    print()
    print(aggregate_level)
    print(
        f"\nbest of {args.repeat} runs, the commands of each comparison taking turns; the ratios"
        " are wall time / memory of evaluate over each row."
    )


if __name__ == "__main__":
    main()
