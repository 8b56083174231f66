"""What a command's run made is freed when the command returns, unless the process is to end
without freeing it (the console script's ``app.main``), which keeps it to the end instead."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from agreement_engine.cli import commands

ROOT = Path(__file__).resolve().parents[2]
HALLAND = ROOT / "examples" / "halland"
AGREEMENTS = [str(ROOT / "agreements"), str(HALLAND / "illustrative-figures.yaml")]


@pytest.fixture
def not_kept() -> Iterator[None]:
    """Each test starts and ends as a caller that goes on (a test, a notebook) does."""
    commands._KEPT = None
    yield
    commands._KEPT = None
    gc.unfreeze()  # what a kept run put out of the collector's reach: back, for the tests after


def _library_of_a_run() -> weakref.ref[object]:
    run = commands.evaluate(AGREEMENTS, str(HALLAND / "aggregates.csv"), "2025-10", None, False)
    return weakref.ref(run.library)  # the run holds it; the library is made for each run


def test_a_caller_that_goes_on_frees_what_a_run_made(not_kept: None) -> None:
    library = _library_of_a_run()
    gc.collect()
    assert library() is None


def test_a_process_that_ends_without_freeing_keeps_what_each_run_made(not_kept: None) -> None:
    commands.keep_to_the_end()
    first, second = _library_of_a_run(), _library_of_a_run()
    gc.collect()
    assert first() is not None and second() is not None


def test_what_a_kept_run_made_is_out_of_the_collectors_reach(not_kept: None) -> None:
    commands.keep_to_the_end()
    before = gc.get_freeze_count()
    _library_of_a_run()
    assert gc.get_freeze_count() > before
    assert gc.isenabled()
