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

from agreement_engine.data.reading import in_thread

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
    """Whether the file of id hashes holds one twice: each part (:data:`_HASH_PARTS`) sorted."""
    import polars as pl

    hashes = pl.scan_ipc(ids)
    part = pl.col(HASH) // _HASH_PART
    for number in range(_HASH_PARTS):
        found = hashes.filter(part == number).collect()[HASH].sort()
        if (found.slice(1) == found.slice(0, max(0, found.len() - 1))).any():
            return True
    return False
