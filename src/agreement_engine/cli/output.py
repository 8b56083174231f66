"""Writing an output file whole or not at all, and the progress shown on a terminal."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import BinaryIO

from agreement_engine.diagnostics import UsageError
from agreement_engine.months import YearMonth


def write_whole(path: str, data: bytes | Iterable[bytes], inputs: Collection[str] = ()) -> None:
    """Write a file whole or not at all: to a temporary file beside it, then renamed over it.
    ``data``: the bytes, or their parts, each written as it is made (a part that cannot be
    made, or a write that fails, leaves the file as it was).

    A link is followed: the file it points to is written and the link kept. A pipe or a device
    (``/dev/stdout``) cannot be replaced, so it is written straight. The file keeps the
    permissions it had; a new one gets those the umask gives. None of ``inputs`` (the files the
    run read) is overwritten: that is wrong usage.
    """
    if path.endswith(("/", os.sep)):
        raise UsageError(f"cannot write {path}: that names a folder; give a file name")
    target = Path(os.path.realpath(path))
    for source in inputs:
        if Path(os.path.realpath(source)) == target:
            raise UsageError(
                f"--output {path} is {source}, which this run reads; give another file name"
            )
    if target.exists() and not target.is_dir() and not target.is_file():
        _write_straight(path, target, data)
        return
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(_no_folder(path, folder))
    mode = stat.S_IMODE(target.stat().st_mode) if target.is_file() else 0o666 & ~_umask()
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            _write_parts(stream, data)
            os.fchmod(stream.fileno(), mode)
        os.replace(temporary, target)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write {path}: {exc.strerror}") from None
        raise


def _no_folder(path: str, folder: Path) -> str:
    """Why ``path`` cannot be written, its folder (where links lead) not being one: naming the
    folder that is missing, not the link's own (which exists)."""
    given = Path(path).parent
    what = "is not a folder" if folder.exists() else "does not exist"
    if os.path.islink(path):
        return f"cannot write {path}: it is a link to {os.readlink(path)}, and {folder} {what}"
    if any(part.is_symlink() for part in (given, *given.parents)):
        return f"cannot write {path}: the folder {given} leads to {folder}, which {what}"
    return f"cannot write {path}: the folder {given} {what}"


def _write_straight(path: str, target: Path, data: bytes | Iterable[bytes]) -> None:
    """Write to a pipe or device, which cannot be replaced by a whole file."""
    try:
        with open(target, "wb") as stream:
            _write_parts(stream, data)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def _write_parts(stream: BinaryIO, data: bytes | Iterable[bytes]) -> None:
    for part in (data,) if isinstance(data, bytes) else data:
        stream.write(part)


def _umask() -> int:
    """The process's umask (read by setting it, and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def progress(month: YearMonth, number: int, count: int) -> None:
    """Progress on a terminal (never in a pipe): which month, of how many."""
    sys.stderr.write(f"\rbilling {month} ({number}/{count})")
    sys.stderr.flush()


def format_of(output: str | None) -> str:
    """The format an output file's extension names (csv, json, xlsx); else the table."""
    suffix = os.path.splitext(output or "")[1].lower().lstrip(".")
    return suffix if suffix in ("csv", "json", "xlsx") else "table"
