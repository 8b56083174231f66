"""Fuzzing: formulas from the grammar and data files corrupted at random never crash the engine.

Each property runs a few dozen examples here, so the suite stays fast (a few seconds in all);
``benchmarks/fuzz.py --minutes N`` runs the same properties for as long as one likes. What the
properties are is written in ``tests/fuzzing.py``.
"""

from __future__ import annotations

from datetime import timedelta

import fuzzing
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

QUICK = settings(
    max_examples=60,
    deadline=timedelta(seconds=5),  # each example takes milliseconds: more means a hang
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)


@QUICK
@given(fuzzing.grammar_formulas())
def test_any_formula_the_grammar_makes_is_parsed_printed_back_and_checked_or_refused(
    text: str,
) -> None:
    """A formula is parsed and type-checked, or refused with a located problem: no crash."""
    fuzzing.formula_round_trip(text)


@settings(QUICK, max_examples=25)
@given(st.one_of(fuzzing.grammar_formulas(), fuzzing.number_formulas()))
def test_any_formula_in_an_agreement_is_checked_and_billed_or_reported(text: str) -> None:
    """Through the whole engine: errors are diagnostics and lines not computed, never a crash."""
    fuzzing.agreement_with(text)


@settings(QUICK, max_examples=40)
@given(fuzzing.MUTATIONS)
def test_a_corrupted_aggregates_file_is_read_or_refused_with_its_problems(
    mutations: list[fuzzing.Mutation],
) -> None:
    """Random bytes inserted, deleted or replaced: read, or refused with diagnostics."""
    fuzzing.read_corrupted(fuzzing.AGGREGATES, mutations, fuzzing.read_aggregates_file)


@settings(QUICK, max_examples=25)
@given(fuzzing.MUTATIONS)
def test_a_corrupted_episode_extract_is_read_or_refused_with_its_problems(
    mutations: list[fuzzing.Mutation],
) -> None:
    """The same for an episode extract, read by its streaming check and in memory."""
    fuzzing.read_corrupted(fuzzing.EPISODES, mutations, fuzzing.read_episodes_file)


# openpyxl warns of parts it drops from a corrupted workbook (styles, extensions), as the
# command line has it do silently (cli/app.py): not the engine's to say.
@pytest.mark.filterwarnings("ignore::UserWarning:openpyxl")
@settings(QUICK, max_examples=25)
@given(fuzzing.MUTATIONS, st.sampled_from(sorted(fuzzing.WORKBOOK)))
def test_a_workbook_with_a_corrupted_part_is_read_or_refused_with_its_problems(
    mutations: list[fuzzing.Mutation], part: str
) -> None:
    """openpyxl raises all kinds of errors on XML it cannot make sense of: each is said as a
    workbook that cannot be read, never a traceback."""
    fuzzing.read_corrupted_workbook(mutations, part)
