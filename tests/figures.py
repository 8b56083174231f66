"""Made-up national figures for the tests, written as a parameters file marked illustrative.

The real national figures are partly missing on purpose. A test that needs them writes
``test-figures.yaml`` (id ``test-figures``, ``illustrative: true``) with the figures it chooses;
the engine takes a figure from it only where the real files have none, and says so in the
reasons (see `illustrative`). Each test file names its values itself, next to its arithmetic.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

HEADER = """\
format: agreement-engine/1
kind: parameters
id: test-figures
title: "Made-up figures for the tests - not real"
illustrative: true
sources:
  invented:
    title: "Invented for the tests"
parameters:
"""


def _parameter(name: str, title: str, unit: str, values: Mapping[int, str | int]) -> str:
    lines = [f"  {name}:", f'    title: "{title}"', f"    unit: {unit}", "    period: year"]
    lines.append("    values:")
    for year, value in values.items():
        lines.append(
            f"      {year}: {{value: {json.dumps(value)}, status: provisional, "
            "cite: {source: invented}}"
        )
    return "\n".join(lines) + "\n"


def national_average_days(values: Mapping[int, str]) -> str:
    """The part giving national_average_days by year, in days (written as decimal text)."""
    return _parameter(
        "national_average_days", "Made-up national average, for tests only", "days", values
    )


def national_day_cost(values: Mapping[int, int]) -> str:
    """The part giving national_day_cost by year, in kronor a day."""
    return _parameter(
        "national_day_cost", "Made-up cost of a care day, for tests only", "kr/day", values
    )


def figures_file(folder: Path, *parts: str) -> Path:
    """Write ``test-figures.yaml`` with the chosen parts into the folder and return its path."""
    path = folder / "test-figures.yaml"
    path.write_text(HEADER + "".join(parts), encoding="utf-8")
    return path


def illustrative(kind: str, year: int) -> str:
    """The reason a line gives when it used one of the made-up figures."""
    return f"figure {kind} for {year} is illustrative, made up for examples (test-figures)"
