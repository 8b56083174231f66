"""A data file on disk: a regular file, read as a workbook or as CSV text by its extension.

A data file must be a regular file (:func:`check_data_file`): it is read more than once (to tell
what it holds, to find its header, to read its rows), so a pipe or a device is refused before
anything opens it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from agreement_engine.diagnostics import Diagnostic, EngineError, error


def is_xlsx(path: str) -> bool:
    """Whether a data file is read as a workbook (else as CSV), by its extension."""
    return Path(path).suffix.casefold() in (".xlsx", ".xlsm")


def open_data_file(path: str) -> BinaryIO:
    """The data file at ``path``, open to read its bytes, once :func:`check_data_file` has
    found it a regular file."""
    check_data_file(path)
    try:
        return open(path, "rb")
    except OSError as exc:
        raise EngineError([_cannot_read(path, exc.strerror)]) from None


def check_data_file(path: str) -> None:
    """Stop at once unless ``path`` is a regular file: one that exists, and no folder, pipe or
    device.

    A data file is read more than once (to tell what it holds, to find its header, to read its
    rows), but a pipe (``<(...)``, a FIFO) gives its bytes only once and a device such as
    ``/dev/zero`` may never end; a pipe is even waited on, maybe forever, when it is opened. So
    the path is looked at before it is opened.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise EngineError([_cannot_read(path, _missing(path, exc))]) from None
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        hint = "give the path of the data file in the folder"
        raise EngineError([_cannot_read(path, "it is a folder, not a file", hint)])
    kind = "pipe" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
    reason = f"it is a {kind}, not a regular file, so it cannot be read twice"
    hint = "save the data to a file first, and give the path of that file"
    raise EngineError([_cannot_read(path, reason, hint)])


def _missing(path: str, exc: OSError) -> str | None:
    """Why a path that cannot be looked at cannot be read, in words."""
    if os.path.islink(path):
        return f"it is a link to {os.readlink(path)}, which does not exist"
    return "it does not exist" if isinstance(exc, FileNotFoundError) else exc.strerror


def _cannot_read(path: str, reason: str | None, hint: str | None = None) -> Diagnostic:
    return error(f"cannot read {path}: {reason}", hint=hint, code="data-file")
