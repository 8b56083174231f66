"""Fuzz the engine for as long as you like: the properties of ``tests/test_fuzz.py``, with
fresh random examples round after round, until the time is up.

    .venv/bin/python benchmarks/fuzz.py --minutes 10
    .venv/bin/python benchmarks/fuzz.py --minutes 2 --only formulas --only workbooks

The properties (``tests/fuzzing.py``): a formula generated from the grammar is parsed, printed
back to the same tree and type-checked, or refused with a located problem; in an agreement it is
checked and billed, or reported; an aggregates file, an episode extract and a workbook
corrupted at random (bytes inserted, deleted or replaced, among them separators, quotes, line
ends, byte-order marks, NUL and no-break spaces) are read, or refused with their problems.
Never a Python exception, and never an example slower than ``--deadline`` seconds (a hang).

The suite runs a few dozen examples of each, to stay fast; this runs thousands a minute. A
failure stops the run with the smallest example hypothesis finds, exit code 1.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import fuzzing  # noqa: E402  (the properties the suite checks too)
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

ROUND = 200
"""Examples of each property per round: each round draws new ones."""


def _formulas(text: str) -> None:
    fuzzing.formula_round_trip(text)


def _agreements(text: str) -> None:
    fuzzing.agreement_with(text)


def _aggregates(mutations: list[fuzzing.Mutation]) -> None:
    fuzzing.read_corrupted(fuzzing.AGGREGATES, mutations, fuzzing.read_aggregates_file)


def _episodes(mutations: list[fuzzing.Mutation]) -> None:
    fuzzing.read_corrupted(fuzzing.EPISODES, mutations, fuzzing.read_episodes_file)


def _workbooks(mutations: list[fuzzing.Mutation], part: str) -> None:
    fuzzing.read_corrupted_workbook(mutations, part)


PROPERTIES: dict[str, tuple[Callable[..., None], tuple[st.SearchStrategy[object], ...]]] = {
    "formulas": (_formulas, (fuzzing.grammar_formulas(),)),
    "agreements": (
        _agreements,
        (st.one_of(fuzzing.grammar_formulas(), fuzzing.number_formulas()),),
    ),
    "aggregates": (_aggregates, (fuzzing.MUTATIONS,)),
    "episodes": (_episodes, (fuzzing.MUTATIONS,)),
    "workbooks": (_workbooks, (fuzzing.MUTATIONS, st.sampled_from(sorted(fuzzing.WORKBOOK)))),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--minutes", type=float, default=5, help="how long to run (default 5)")
    parser.add_argument("--deadline", type=float, default=10, help="seconds an example may take")
    parser.add_argument("--only", action="append", choices=sorted(PROPERTIES), help="repeatable")
    options = parser.parse_args(argv)
    chosen = {name: PROPERTIES[name] for name in options.only or PROPERTIES}
    rounds = settings(
        max_examples=ROUND,
        deadline=timedelta(seconds=options.deadline),
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    tests = {
        name: rounds(given(*strategies)(check)) for name, (check, strategies) in chosen.items()
    }
    warnings.filterwarnings("ignore", module="openpyxl")  # as the command line does
    stop = time.monotonic() + options.minutes * 60
    done = dict.fromkeys(tests, 0)
    while time.monotonic() < stop:
        for name, test in tests.items():
            try:
                test()
            except Exception:
                print(f"{name}: FAILED after {done[name]} examples; the smallest example is above")
                raise
            done[name] += ROUND
            if time.monotonic() >= stop:
                break
    for name, count in done.items():
        print(f"{name}: {count} examples, no failure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
