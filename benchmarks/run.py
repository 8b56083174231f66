"""Measure ``agreement-engine`` against the floors it cannot beat, side by side.

(a) Episode-level data (``benchmarks/data/episodes.csv``, 10 million rows; ``--episodes N`` for
    a smaller file, generated when missing): the whole ``evaluate`` process, versus only reading
    the same CSV with the fastest reader there is (``polars.read_csv``, every column as text);
    versus a hand-written polars query that checks every field the engine checks and bills the
    same invoice (``benchmarks/checked_query.py``); and versus a hand-written polars query of
    the same counting rule that checks nothing (month of discharge, days ≥ 1, count and sum per
    municipality and month).
(b) Monthly aggregates (296 municipalities × 50 months): the whole ``evaluate`` process, versus
    only starting Python and importing the engine's dependencies, and versus the fastest exact
    program a person would write (``hand_exact.py``: integers, the ``csv`` module; its every
    amount checked against the engine's); and the same with ten times the municipalities, for
    the cost of a line and the peak memory: their goals, met or not (``aggregates.py``).
(c) The everyday commands on the bundled files, from the repository: the README's one-month
    ``evaluate`` (Quick start), ``check``, ``timeline`` and a one-month ``explain``, each versus
    ``python -c "import yaml, jsonschema, lark, typer"``, from a warm cache of checked agreement
    sets (a folder of the benchmark's own, filled by one run of each first).

Each command runs in its own process, ``--repeat`` times (3 by default; ``--quick-repeat``, 15,
for (c)), the commands of a comparison taking turns, so that they share whatever load the
machine has; the best wall time is reported, with the CPU time (user and system, on all cores)
and the peak resident memory of that run (``/usr/bin/time -v`` where present, else the child's
resource usage from ``os.wait4``), and the spread: the slowest run, and the ratio of the two
commands in each round (least–most), which the machine's load moves far less than the times.
After (a), where one evaluate's time goes, phase by phase (``phases.py``). A command that
fails is reported with its error and the rest still run::

    .venv/bin/python benchmarks/run.py
    .venv/bin/python benchmarks/run.py --episodes 1000000 --only episodes --only commands
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from aggregates import aggregate_report  # noqa: E402  (a sibling, found through the path)
from floors import HAND_QUERY, IMPORTS_ONLY, READ_ONLY  # noqa: E402  (a sibling)
from generate import (  # noqa: E402  (the sibling script, found through the path above)
    AGREEMENTS,
    DATA,
    DEFAULT_EPISODES,
    DEFAULT_MONTHS,
    data_paths,
)

TIME = "/usr/bin/time"


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

    @property
    def slowest(self) -> float:
        return max((r.seconds for r in self.runs), default=self.best.seconds)


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


def measure(
    commands: Sequence[tuple[str, Sequence[str]]], repeat: int, quiet: bool = False
) -> list[Result]:
    """The best of ``repeat`` runs of each labelled command, the commands taking turns (one run
    of each per round), and every run; a failing command is not run again."""
    runs: dict[str, list[Run]] = {label: [] for label, _ in commands}
    for round_number in range(1, repeat + 1):
        if not quiet:
            print(f"  round {round_number}:", end="", flush=True)
        for label, command in commands:
            if any(r.error is not None for r in runs[label]):
                continue
            outcome = run_once(command)
            runs[label].append(outcome)
            if not quiet:
                shown = "failed" if outcome.error else f"{outcome.seconds:.2f} s"
                print(f"  {shown}", end="", flush=True)
        if not quiet:
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
    """(a): evaluate over the episodes, then the three floors over the same file."""
    python = sys.executable
    agreement = str(AGREEMENTS / "benchmark-agreement.yaml")
    figures = str(AGREEMENTS / "benchmark-figures.yaml")
    with tempfile.TemporaryDirectory(prefix="benchmark-") as folder:
        out = Path(folder)
        checked = [python, str(HERE / "checked_query.py"), str(episodes), agreement, figures]
        commands = [
            ("evaluate (episodes)", evaluate(episodes, *months, out / "e.csv")),
            ("polars.read_csv, all text", [python, "-c", READ_ONLY, str(episodes)]),
            ("hand query, every field checked", [*checked, str(out / "c.csv")]),
            (
                "hand query, nothing checked",
                [python, "-c", HAND_QUERY, str(episodes), str(out / "q.csv")],
            ),
        ]
        return measure(commands, repeat)


def phases(data: Path, months: tuple[str, str]) -> str:
    """Where one evaluate run's time goes (``phases.py``), once more, for the table."""
    with tempfile.TemporaryDirectory(prefix="benchmark-") as folder:
        command = evaluate(data, *months, Path(folder) / "p.csv")[1:]
        script = [sys.executable, str(HERE / "phases.py"), *command]
        done = subprocess.run(script, capture_output=True, text=True, check=False)
    shown = done.stderr.split("phase (ends at)", 1)[-1]
    return f"  where one evaluate's time goes, in process (phases.py):\n  phase (ends at){shown}"


QUICK_START = [
    "evaluate",
    "--month",
    "2025-10",
    "--data",
    "examples/halland/aggregates.csv",
    "--agreements",
    "agreements",
    "--agreements",
    "examples/halland/illustrative-figures.yaml",
]
EVERYDAY = {
    "evaluate --month 2025-10 (README)": QUICK_START,
    "check": ["check"],
    "timeline": ["timeline"],
    "explain --month 2025-10 Halmstad": [
        "explain",
        "--month",
        "2025-10",
        "--municipality",
        "Halmstad",
        *QUICK_START[3:],
    ],
}


def command_results(repeat: int) -> list[Result]:
    """(c): the import of the stack, then each everyday command, in turns, from a warm cache."""
    commands = [("python -c 'import …'", [sys.executable, "-c", IMPORTS_ONLY])]
    commands += [(label, [engine(), *arguments]) for label, arguments in EVERYDAY.items()]
    with tempfile.TemporaryDirectory(prefix="benchmark-cache-") as folder, _cache(folder):
        measure(commands[1:], 1, quiet=True)  # fills the cache
        return measure(commands, repeat)


@contextlib.contextmanager
def _cache(folder: str) -> Iterator[None]:
    """The engine's children use a cache folder of their own, run from the repository."""
    saved, where = dict(os.environ), os.getcwd()
    os.environ["AGREEMENT_ENGINE_CACHE_DIR"] = folder
    os.environ.pop("AGREEMENT_ENGINE_CACHE", None)
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(where)
        os.environ.clear()
        os.environ.update(saved)


# --- reporting ---------------------------------------------------------------------------------


def table(title: str, results: Sequence[Result], first_over_others: bool = True) -> str:
    """The results side by side. The ratios are the first row (the engine) over each other, or
    with ``first_over_others=False`` each row over the first (the floor): of the best times
    and peak memories, and (least–most) of the two commands' times in each round."""
    heading = f"{'best wall':>10} {'slowest':>8} {'its CPU':>8} {'peak RSS':>9}  "
    heading += "engine ÷ this" if first_over_others else "this ÷ first"
    lines = [title, f"  {'':34} {heading}"]
    for result in results:
        run = result.best
        wall = "failed" if run.error else _seconds(run.seconds)
        slowest = "" if run.error else _seconds(result.slowest)
        cpu = _seconds(run.cpu) if run.cpu is not None and not run.error else "?"
        memory = f"{run.peak_mb:,.0f} MB" if run.peak_mb is not None else "?"
        ratio = ""
        if result is not results[0]:
            pair = (results[0], result) if first_over_others else (result, results[0])
            ratio = _ratio(*pair)
        lines.append(f"  {result.label:34} {wall:>10} {slowest:>8} {cpu:>8} {memory:>9}  {ratio}")
    for result in results:
        if result.best.error:
            lines.append(f"\n  {result.label} failed, {result.best.error}")
    return "\n".join(lines)


def _seconds(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def _ratio(over: Result, under: Result) -> str:
    """The ratio of the best times (and peak memories), and its spread round by round."""
    top, bottom = over.best, under.best
    if top.error or bottom.error or bottom.seconds == 0:
        return "n/a"
    text = f"{top.seconds / bottom.seconds:.2f}×"
    rounds = [
        a.seconds / b.seconds for a, b in zip(over.runs, under.runs, strict=False) if b.seconds
    ]
    if len(rounds) > 1:
        text += f" ({min(rounds):.2f}–{max(rounds):.2f})"
    if top.peak_mb and bottom.peak_mb:
        text += f" / {top.peak_mb / bottom.peak_mb:.1f}× memory"
    return text


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


SECTIONS = ("episodes", "aggregates", "commands")


def main(argv: Sequence[str] | None = None) -> None:
    """Run the measurements asked for (all by default) and print their tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=DEFAULT_EPISODES, metavar="N")
    parser.add_argument("--months", default=DEFAULT_MONTHS, metavar="A..B")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick-repeat", type=int, default=15, metavar="N")
    parser.add_argument("--only", action="append", choices=SECTIONS, help="repeatable")
    args = parser.parse_args(argv)
    only = args.only or SECTIONS
    first, _, last = args.months.partition("..")
    months = (first, last or first)
    compile_engine()
    tables = []
    if "episodes" in only or "aggregates" in only:
        episodes, aggregates = ensure_data(args.episodes, args.months)
    if "episodes" in only:
        size = episodes.stat().st_size / 1e6
        print(f"(a) episode level: {episodes.name}, {args.episodes:,} episodes, {size:,.0f} MB")
        found = episode_results(episodes, months, args.repeat)
        tables.append(table(f"(a) episode level, {args.episodes:,} episodes", found))
        tables.append(phases(episodes, months))
    if "aggregates" in only:
        print(f"(b) aggregates: {aggregates.name}, and ten times the municipalities")
        tables.append(aggregate_report(measure, engine(), args.episodes, args.months, args.repeat))
    if "commands" in only:
        print("(c) everyday commands, warm cache")
        found = command_results(args.quick_repeat)
        tables.append(table("(c) everyday commands", found, first_over_others=False))
    print()
    print("\n\n".join(tables))
    print(
        f"\nbest of {args.repeat} runs ({args.quick_repeat} for (c)), the commands of each"
        " comparison taking turns; ratios of best times, (least–most) of the rounds' ratios,"
        " and of peak memory."
    )


if __name__ == "__main__":
    main()
