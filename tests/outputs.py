"""Helpers the tests of the outputs share: the Halland example billed once, and the programs
(Chromium, LibreOffice) the browser and spreadsheet tests need.

On CI (``CI`` set) a program that is missing fails the test that needs it: CI installs them
(``.ci/run``), and a test that skipped there would pass without testing anything. Elsewhere it
skips, naming what to install.
"""

from __future__ import annotations

import os
import shutil
from functools import lru_cache
from pathlib import Path

import pytest

from agreement_engine.api import Evaluation, evaluate
from agreement_engine.months import YearMonth

ROOT = Path(__file__).resolve().parent.parent
AGREEMENTS = (str(ROOT / "agreements"), str(ROOT / "examples/halland/illustrative-figures.yaml"))
AGGREGATES = ROOT / "examples/halland/aggregates.csv"
EPISODES = ROOT / "examples/halland/episodes.csv"


@lru_cache(maxsize=8)
def halland(first: str = "2025-08", last: str = "2025-12", data: Path = AGGREGATES) -> Evaluation:
    """The Halland example billed from the bundled data: from 2025-08 to 2025-12, the statute's
    months are not computed from aggregates and the 2025 agreement's are provisional."""
    return evaluate(str(data), YearMonth.parse(first), YearMonth.parse(last), agreements=AGREEMENTS)


def program(name: str, package: str) -> str:
    """The path of a program the test needs; fails on CI, skips elsewhere, when it is missing."""
    found = shutil.which(name)
    if found is None:
        message = f"{name} is not installed (Debian: apt-get install {package})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found
