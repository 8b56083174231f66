"""What one run holds while it reads data files, and lets go of when it ends.

Reading a large extract makes temporary folders (the UTF-8 copy of a file in another encoding,
the id hashes being sorted in a thread) and may begin work in a thread beforehand (an extract's
encoding, worked out while the agreements load). A :class:`Reading` owns both: the caller makes
one for a run, passes it to the readers, and closes it when the run ends, however it ends
(``with Reading() as reading:``). Its temporary folders are then removed, even one a thread is
still reading or an object of the run still names: a process that ends at once (``os._exit``)
leaves nothing behind.

A reader given no Reading makes one of its own and leaves it open: its folders are removed when
the objects that hold them are freed, or when the interpreter exits.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from agreement_engine.data.encoding import Encoding, find_encoding
from agreement_engine.data.sniffing import DataFile, Form, Kind

if TYPE_CHECKING:
    import tempfile
    from concurrent.futures import Future

T = TypeVar("T")

_Identity = tuple[int, int, int, int]
"""A regular file as the system knows it: device, inode, size and time of the last change."""


class Reading:
    """The encodings being worked out ahead, by the file they are of, and the temporary folders
    made, of one run (see the module)."""

    def __init__(self) -> None:
        self._ahead: dict[_Identity, Future[Encoding]] = {}
        self._folders: list[tempfile.TemporaryDirectory[str]] = []

    def __enter__(self) -> Reading:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()

    def read_ahead(self, file: DataFile) -> Future[Encoding] | None:
        """Begin reading a CSV extract through for its encoding (:func:`.find_encoding`) in a
        thread, for :meth:`encoding` to take: on a large extract this takes a tenth of a second
        or more, which goes on while the caller does other work (loads the agreements, imports
        polars); the thread waits on the disk, mostly, not on Python. Gives the encoding to
        come; None for any other file, which is left alone, and for a path that is no regular
        file: it is not to be read twice, and opening it says why."""
        if file.kind is not Kind.EPISODES or file.form is not Form.CSV:
            return None
        identity = _identity(file.path)
        if identity is None:
            return None
        if identity not in self._ahead:
            self._ahead[identity] = in_thread(partial(find_encoding, file.path), "read-ahead")
        return self._ahead[identity]

    def encoding(self, path: str) -> Encoding:
        """:func:`.find_encoding` of a file: as read ahead if it was, and the file is still the
        one read (its errors raised here, as if it were read now), which is then let go."""
        identity = _identity(path)
        ahead = self._ahead.pop(identity, None) if identity is not None else None
        if ahead is None:
            return find_encoding(path)
        return ahead.result()

    def temporary_folder(self) -> tempfile.TemporaryDirectory[str]:
        """A new temporary folder, removed when this reading closes if not before. Removing it
        never fails: a thread and the reading may remove it at once."""
        import tempfile  # for extracts only

        folder = tempfile.TemporaryDirectory(prefix="agreement-engine-", ignore_cleanup_errors=True)
        self._folders.append(folder)
        return folder

    def close(self) -> None:
        """Remove every temporary folder made that is still on disk."""
        for folder in self._folders:
            folder.cleanup()
        self._folders.clear()


def in_thread(work: Callable[[], T], name: str) -> Future[T]:
    """``work`` begun in a thread of its own, which ends with it; its result (or error) when
    asked for."""
    from concurrent.futures import ThreadPoolExecutor  # for extracts only

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
    try:
        return pool.submit(work)
    finally:
        pool.shutdown(wait=False)


def _identity(path: str) -> _Identity | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(found.st_mode):
        return None
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns
