"""Whether a file of episode id hashes holds one twice (:func:`.repeats._repeats`, sorted a
quarter of the hashes at a time, each quarter picked by comparisons with its bounds): every hash
falls in one quarter, and a hash repeated is found whatever its quarter, at the bounds too, as a
sort of all the hashes finds it."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agreement_engine.data import repeats
from agreement_engine.data.repeats import HASH

QUARTER = 1 << 62
BOUNDS = [0, 1, QUARTER - 1, QUARTER, 2 * QUARTER - 1, 2 * QUARTER, 3 * QUARTER - 1, 3 * QUARTER]
LAST = (1 << 64) - 1
HASHES = st.lists(st.one_of(st.sampled_from([*BOUNDS, LAST]), st.integers(0, LAST)), max_size=40)


def written(folder: Path, hashes: list[int]) -> Path:
    ids = folder / "ids.ipc"
    pl.DataFrame({HASH: pl.Series(hashes, dtype=pl.UInt64)}).write_ipc(ids)
    return ids


def test_every_hash_falls_in_one_quarter() -> None:
    frame = pl.DataFrame({HASH: pl.Series([*BOUNDS, LAST], dtype=pl.UInt64)})
    found = [frame.filter(repeats._part(n))[HASH].to_list() for n in range(4)]
    assert found == [
        [0, 1, QUARTER - 1],
        [QUARTER, 2 * QUARTER - 1],
        [2 * QUARTER, 3 * QUARTER - 1],
        [3 * QUARTER, LAST],
    ]


@settings(max_examples=60, deadline=None)
@given(hashes=HASHES)
def test_a_repeated_hash_is_found_as_a_sort_of_all_finds_it(
    tmp_path_factory: pytest.TempPathFactory, hashes: list[int]
) -> None:
    folder = tmp_path_factory.mktemp("ids")
    assert repeats._repeats(written(folder, hashes)) == (len(set(hashes)) < len(hashes))


def test_a_hash_repeated_at_each_bound_is_found(tmp_path: Path) -> None:
    for bound in [*BOUNDS, LAST]:
        others = [b for b in BOUNDS if b != bound]
        assert repeats._repeats(written(tmp_path, [*others, bound, LAST - 5, bound]))
    assert not repeats._repeats(written(tmp_path, [*BOUNDS, LAST]))
