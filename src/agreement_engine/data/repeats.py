"""Whether an episode id repeats in an extract too large to hold: its ids' hashes, sorted.

The checking pass writes a 64-bit hash of each episode id to a file; sorting them takes a
quarter of a second for ten million episodes, so it is done in a thread while the reader's
caller goes on with the episodes. Equal ids have equal hashes: without a repeated hash, no id
repeats; a repeated hash has the in-memory reader decide, and say where.

polars is imported inside the functions, so that importing this module stays cheap.
"""

from __future__ import annotations

import tempfile
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

from agreement_engine.data.reading import in_thread

if TYPE_CHECKING:
    import polars as pl

HASH = "_hash"
"""The column of the id hashes in the file."""

_HASH_PARTS, _HASH_PART = 4, 1 << 62
"""Id hashes are sorted in four parts, by their top two bits, to hold a quarter at a time."""


class Repeats:
    """Whether the file of id hashes that a pass wrote holds one twice: sorting the hashes takes a
    quarter of a second for ten million episodes, so it is done in a thread while the reader's
    caller goes on with the episodes (see :func:`.read_episodes_then`). The file's folder is
    removed when the answer is known."""

    def __init__(self, folder: tempfile.TemporaryDirectory[str], ids: Path) -> None:
        def work() -> bool:
            try:
                return _repeats(ids)
            finally:
                folder.cleanup()

        self._answer: Future[bool] = in_thread(work, "repeated-ids")

    def found(self) -> bool:
        """Whether an id hash repeats, once known; True when the file could not be read (then
        the in-memory reader must vouch for the ids)."""
        import polars as pl

        try:
            return self._answer.result()
        except (pl.exceptions.PolarsError, OSError):
            return True


def _repeats(ids: Path) -> bool:
    """Whether the file of id hashes holds one twice: each part (:data:`_HASH_PARTS`) sorted.

    Each part is picked by comparisons with its bounds (cheaper than dividing every hash) and
    sorted in this thread alone: the sort runs while billing goes on, and polars' sort on all
    cores took a third more processor time (1 M hashes: 34 -> 22 ms, 10 M: 350 -> 245 ms) to
    take the cores billing needs."""
    import polars as pl

    hashes = pl.scan_ipc(ids)
    for number in range(_HASH_PARTS):
        found = hashes.filter(_part(number)).collect()[HASH].sort(multithreaded=False)
        if (found.slice(1) == found.slice(0, max(0, found.len() - 1))).any():
            return True
    return False


def _part(number: int) -> pl.Expr:
    """Whether a hash is in a part: its top two bits are ``number``."""
    import polars as pl

    hash_ = pl.col(HASH)
    low, high = number * _HASH_PART, (number + 1) * _HASH_PART
    if number == 0:
        return hash_ < high
    if number == _HASH_PARTS - 1:  # its high bound is 2^64, past the largest UInt64
        return hash_ >= low
    return (hash_ >= low) & (hash_ < high)
