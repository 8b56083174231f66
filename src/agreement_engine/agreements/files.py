"""Reading an agreement (or scenario test) file's text: a regular file, not too large, UTF-8.

Kept apart from the YAML loader (:mod:`.source`), so that the cache of checked agreement sets
(:mod:`.cache`) reads and hashes the files exactly as loading them does, without PyYAML.
"""

from __future__ import annotations

import os
import stat

from agreement_engine.diagnostics import Diagnostic, EngineError, Location, error


def read_text(path: str | os.PathLike[str]) -> str:
    """The text of an agreement (or scenario test) file, read only if it is a regular file of
    at most :data:`MAX_FILE_BYTES`: a pipe would block the reading, a device such as
    ``/dev/zero`` never end, and a link that leads nowhere is a mistake to show, never a file
    to pass over. The file is opened without waiting (a pipe would wait for a writer) and
    looked at once open, so it cannot be swapped for another kind in between."""
    name = os.fspath(path)
    return decode_utf8(read_bytes(name), name)


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of an agreement (or scenario test) file, checked as :func:`read_text` says;
    :data:`MAX_FILE_BYTES` and one more at most (which :func:`decode_utf8` refuses)."""
    name = os.fspath(path)
    try:
        handle = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise EngineError([_unreadable(name, exc)]) from None
    with os.fdopen(handle, "rb") as stream:
        kind = _kind(os.fstat(handle).st_mode)
        if kind is not None:
            raise EngineError([_not_a_file(name, kind)])
        return stream.read(MAX_FILE_BYTES + 1)


MAX_FILE_BYTES = 1 << 20
"""The largest agreement or scenario test file read: the bundled ones are 2–14 KiB."""


def _kind(mode: int) -> str | None:
    """What a file that is not a regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    return "a socket" if stat.S_ISSOCK(mode) else "a device"


def _not_a_file(name: str, kind: str) -> Diagnostic:
    link = f"a link to '{os.readlink(name)}', " if os.path.islink(name) else ""
    return error(
        f"the file is {link}{kind}, not a regular file, so it cannot be read",
        Location(name, 1, 1),
        hint="agreement files are plain text files: put the file itself here, or remove this",
        code="not-a-file",
    )


def _unreadable(name: str, exc: OSError) -> Diagnostic:
    where = Location(name, 1, 1)
    if os.path.islink(name) and not os.path.exists(name):
        message = f"the file is a link to '{os.readlink(name)}', which does not exist"
        hint = "point the link at the agreement file, or remove it"
        return error(message, where, hint=hint, code="not-a-file")
    if isinstance(exc, FileNotFoundError):
        return error("the file does not exist", where)
    if isinstance(exc, IsADirectoryError):
        return _not_a_file(name, "a folder")
    return error(f"the file cannot be read: {exc.strerror or exc}", where)


def decode_utf8(raw: bytes, name: str) -> str:
    """A file's bytes as UTF-8 text (a byte-order mark is allowed), or the error at its line;
    an error too past :data:`MAX_FILE_BYTES`."""
    if len(raw) > MAX_FILE_BYTES:
        message = f"the file is larger than {MAX_FILE_BYTES >> 20} MiB, the most it may be"
        hint = "an agreement file holds one document; split a larger one into several files"
        raise EngineError([error(message, Location(name, 1, 1), hint=hint, code="file-limit")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = "save the file as UTF-8 (most editors offer this under 'Save as' or 'Encoding')"
        marked = _UNICODE_MARKS.get(raw[:2])
        message = (
            f"the file is {marked} text, not UTF-8" if marked else "the file is not UTF-8 text"
        )
        where = Location(name, 1 if marked else line, 1)
        raise EngineError([error(message, where, hint=hint)]) from None


_UNICODE_MARKS = {b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}
"""The first bytes of a file in UTF-16 (or UTF-32, whose marks begin the same way) with a
byte-order mark."""
