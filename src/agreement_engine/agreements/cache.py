"""A cache of checked agreement sets: an everyday run reads no YAML and parses no formula.

Loading a set of agreement files reads their YAML (PyYAML), checks it against the schema
(jsonschema) and parses every formula (lark): most of a one-month run, and the same work each
time while the files stay as they are. Once a set has loaded and checked with no error, what
that work found is written to an entry; a later run that loads the same files (same paths, same
bytes) under the same readings, with the same engine, builds its documents from the entry.

- **What is stored**, as JSON (never pickle: reading an entry runs no code): each file's path
  and SHA-256; its YAML data, with the place of every key and value, so that every message
  points where it did; and the syntax tree of each formula (:mod:`agreement_engine.formula.trees`).
  The documents are built from these by the code that builds them from YAML (:mod:`.build`),
  compiling each formula's program from its tree: the same documents, without PyYAML,
  jsonschema or lark. The text of each file is the one just read, never a stored copy.
- **Key**: the SHA-256 of the entry format, the engine (its version, and the size and time of
  each of its source files, so that a changed engine never reads an older one's entries), the
  readings chosen, and each file's path and SHA-256. The entry is the file ``<key>.json``.
- **Verified before use**: the entry's own SHA-256 (its first line) over the rest; the files it
  names and their hashes compared with those just read and hashed; the format, engine and
  readings compared; its contents decoded strictly. An entry that fails any of these is not
  used, and is written again once the files have loaded and checked clean.
- **Where**: ``$AGREEMENT_ENGINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/agreement-engine``, else
  ``~/.cache/agreement-engine``: a folder its owner alone may write (made so), else unused.
- **Off**: ``AGREEMENT_ENGINE_CACHE=off``, or ``--no-cache`` (:func:`disabled`).

A problem with the cache never fails a run: a folder that cannot be made or written, a full
disk or an entry that cannot be read leave the files loaded as without it. Only a set that
loaded and checked with no error is written, so errors in agreement files are found and shown
by loading the files, always as they would be without a cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from agreement_engine.agreements.cached_documents import (
    decode_document,
    decode_problems,
    encode_document,
    encode_problems,
)
from agreement_engine.agreements.files import decode_utf8, read_bytes
from agreement_engine.agreements.library import Library, is_scenario_file, load, load_texts
from agreement_engine.agreements.yaml_document import YamlDocument, normal_text
from agreement_engine.diagnostics import Diagnostic, EngineError
from agreement_engine.formula.ast import Expr

FORMAT = 2
"""The form of an entry; another form is never read."""
OFF_VARIABLE = "AGREEMENT_ENGINE_CACHE"
FOLDER_VARIABLE = "AGREEMENT_ENGINE_CACHE_DIR"
KEPT = 64
"""Entries kept: writing one removes the oldest past this many."""
MAX_ENTRY_BYTES = 64 << 20
"""An entry larger than this is not read (agreement sets make entries of a few hundred KiB)."""
_OFF_WORDS = frozenset({"off", "0", "no", "false"})
_off: ContextVar[bool] = ContextVar("agreement_engine_cache_off", default=False)


@contextmanager
def disabled() -> Iterator[None]:
    """Within, agreement files are loaded afresh: the cache is neither read nor written (as
    with ``AGREEMENT_ENGINE_CACHE=off``)."""
    token = _off.set(True)
    try:
        yield
    finally:
        _off.reset(token)


def folder() -> Path | None:
    """Where the cache is; None when it is turned off (or there is no home folder)."""
    if _off.get() or os.environ.get(OFF_VARIABLE, "").strip().lower() in _OFF_WORDS:
        return None
    given = os.environ.get(FOLDER_VARIABLE)
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(base):  # the XDG rule: a relative path is ignored
        return Path(base) / "agreement-engine"
    home = os.path.expanduser("~")
    return Path(home, ".cache", "agreement-engine") if os.path.isabs(home) else None


class AgreementSet:
    """The agreement files of one run, read once and hashed, and their entry in the cache.

    :meth:`cached` gives the library the entry holds, verified; else :meth:`load` loads the
    files as :func:`.library.load` does (the texts read once), and :meth:`store` writes the
    entry for a library that checked clean.
    """

    def __init__(self, paths: Sequence[str], readings: Mapping[str, str]) -> None:
        self.paths = tuple(paths)
        self.readings = sorted(readings.items())
        self.texts: tuple[str, ...] | None = None
        self.hashes: tuple[str, ...] = ()
        self.entry: Path | None = None
        self.trees: dict[str, Expr] = {}
        self.checked: tuple[Diagnostic, ...] | None = None
        """What ``check`` found in the set, when the entry read holds it."""
        self._body: dict[str, Any] | None = None
        where = folder()
        if where is not None and self._read():
            try:
                self.entry = where / f"{self._key()}.json"
            except OSError:  # the engine's own files cannot be listed: no cache, as when off
                self.entry = None

    def _read(self) -> bool:
        """Read and hash every file; False when one cannot be read as text (loading says why)."""
        texts, hashes = [], []
        try:
            for path in self.paths:
                raw = read_bytes(path)
                hashes.append(hashlib.sha256(raw).hexdigest())
                texts.append(decode_utf8(raw, path))
        except EngineError:
            return False
        self.texts, self.hashes = tuple(texts), tuple(hashes)
        return True

    def _key(self) -> str:
        named = [FORMAT, engine(), self.readings, self._files()]
        return hashlib.sha256(json.dumps(named).encode("utf-8")).hexdigest()

    def _files(self) -> list[list[str]]:
        return [[path, digest] for path, digest in zip(self.paths, self.hashes, strict=True)]

    # -- reading -----------------------------------------------------------------------------

    def cached(self) -> Library | None:
        """The library the entry holds, when there is one and it passes every check."""
        if self.entry is None or self.texts is None:
            return None
        body = _verified(self.entry)
        if body is None:
            return None
        try:
            return self._rebuilt(body)
        except Exception:  # an entry that does not hold what it should: load the files
            return None

    def _rebuilt(self, body: Any) -> Library | None:
        expected = {"format": FORMAT, "engine": engine(), "readings": self.readings}
        if any(body.get(name) != _plain(value) for name, value in expected.items()):
            return None
        if body.get("files") != self._files():  # the files as they are now, hashed
            return None
        checked = body.get("checked")
        found = None if checked is None else decode_problems(checked)
        trees = _Trees(body["formulas"])
        documents, skipped = [], []
        assert self.texts is not None
        for path, text, stored in zip(self.paths, self.texts, body["documents"], strict=True):
            yaml = decode_document(path, normal_text(text), stored)
            if is_scenario_file(yaml):
                skipped.append(yaml)
                continue
            from agreement_engine.agreements.documents import build

            document, problems = build(yaml, trees.parse)
            if problems:
                return None
            documents.append(document)
        self._body, self.checked = body, found  # only once all of it has passed
        return Library(tuple(documents), tuple(skipped))

    # -- loading and writing -----------------------------------------------------------------

    def load(self) -> tuple[Library, list[Diagnostic]]:
        """The files loaded and built, and every problem met (:func:`.library.load`), each
        formula's tree kept for :meth:`store`."""
        if self.texts is None:
            return load(self.paths)

        def parse(text: str) -> Expr:
            from agreement_engine.formula.parser import parse as parse_text

            tree = parse_text(text)
            self.trees[text] = tree
            return tree

        return load_texts(zip(self.paths, self.texts, strict=True), parse)

    def store(self, library: Library, checked: Sequence[Diagnostic] | None = None) -> None:
        """Write the entry of a library that loaded from these files and checked clean (under
        the readings chosen), with what ``check`` found in it when given; nothing when the cache
        is off, and never a failure. The entry read (:meth:`cached`) is written again with
        ``checked`` added to it."""
        if self.entry is None:
            return
        body = self._body if self._body is not None else self._body_of(library)
        if body is None:
            return
        if checked is not None:
            body = {**body, "checked": encode_problems(checked)}
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=_refuse)
        _write(self.entry, text.encode("utf-8"))

    def _body_of(self, library: Library) -> dict[str, Any] | None:
        """The entry of a library loaded from the files; None if one of them is not in it, or
        its places are not a tree (the loader makes none such) or lie past 2 GiB."""
        loaded: dict[str, YamlDocument] = {d.path: d.yaml for d in library.documents}
        loaded.update((yaml.path, yaml) for yaml in library.skipped)
        if any(path not in loaded for path in self.paths):
            return None
        try:
            documents = [encode_document(loaded[path]) for path in self.paths]
        except (ValueError, OverflowError):
            return None
        from agreement_engine.formula.trees import to_data

        return {
            "format": FORMAT,
            "engine": engine(),
            "readings": _plain(self.readings),
            "files": self._files(),
            "documents": documents,
            "formulas": {text: to_data(tree) for text, tree in self.trees.items()},
        }


class _Trees:
    """The formulas' trees an entry keeps, decoded as the documents are built."""

    def __init__(self, stored: Any) -> None:
        if not isinstance(stored, dict):
            raise ValueError("malformed formulas")
        self.stored: dict[str, Any] = stored
        self.decoded: dict[str, Expr] = {}

    def parse(self, text: str) -> Expr:
        from agreement_engine.formula.trees import from_data

        tree = self.decoded.get(text)
        if tree is None:
            tree = self.decoded[text] = from_data(self.stored[text])  # KeyError: not stored
        return tree


def _plain(value: Any) -> Any:
    """A value as it reads back from JSON (tuples become lists)."""
    return json.loads(json.dumps(value))


def _refuse(value: Any) -> Any:
    raise TypeError(f"not stored in the cache: {type(value).__name__}")


def _verified(entry: Path) -> Any:
    """The entry's contents when its own SHA-256 is right, in a folder only its owner may
    write; None otherwise (or when it cannot be read)."""
    try:
        if not _private(entry.parent):
            return None
        with open(entry, "rb") as file:
            raw = file.read(MAX_ENTRY_BYTES + 1)
    except OSError:
        return None
    digest, _, text = raw.partition(b"\n")
    if len(raw) > MAX_ENTRY_BYTES or digest != hashlib.sha256(text).hexdigest().encode():
        return None
    try:
        # JSON gives mappings, lists, text, whole numbers, true, false and null: no float (the
        # data's decimals are written as text), nor NaN or Infinity.
        body = json.loads(text, parse_float=_refuse, parse_constant=_refuse)
    except (ValueError, TypeError, RecursionError):
        return None
    return body if isinstance(body, dict) else None


def _private(where: Path) -> bool:
    """Whether a folder is its owner's alone to write: owned by this user, and writable by no
    group or other (where the system knows owners)."""
    status = os.stat(where)
    if hasattr(os, "getuid") and status.st_uid != os.getuid():
        return False
    return not status.st_mode & 0o022


def _write(entry: Path, body: bytes) -> None:
    """Write an entry whole (a temporary file renamed over it), in a folder made private; any
    problem (a read-only folder, a full disk) leaves things as they were."""
    where = entry.parent
    content = hashlib.sha256(body).hexdigest().encode() + b"\n" + body
    import tempfile

    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(where):
            return
        handle, temporary = tempfile.mkstemp(dir=where, prefix=".entry-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(content)
            os.replace(temporary, entry)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        _prune(where)
    except OSError:
        return


def _prune(where: Path) -> None:
    """Remove the oldest entries past :data:`KEPT`, and temporary files left a day."""
    entries = []
    with os.scandir(where) as found:
        for item in found:
            if item.name.endswith(".json"):
                entries.append((item.stat().st_mtime, item.path))
            elif item.name.startswith(".entry-") and _older_than_a_day(item):
                os.unlink(item.path)
    for _, path in sorted(entries)[:-KEPT]:
        os.unlink(path)


def _older_than_a_day(item: os.DirEntry[str]) -> bool:
    import time

    return item.stat().st_mtime < time.time() - 86_400


@cache
def engine() -> str:
    """The engine as an entry names it: its version, and a digest of the size and time of each
    of its source files, grammar and schemas (a changed engine is another engine)."""
    # The package is imported, as this module's parent; importing it by name would, for the
    # layer contracts, import everything it exports.
    version = sys.modules["agreement_engine"].__version__
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    folders = [root]
    while folders:
        current = folders.pop()
        with os.scandir(current) as found:
            for item in sorted(found, key=lambda each: each.name):
                if item.is_dir():
                    if item.name != "__pycache__":
                        folders.append(Path(item.path))
                elif item.name.endswith((".py", ".lark", ".json")):
                    status = item.stat()
                    digest.update(f"{item.path}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return f"{version}+{digest.hexdigest()[:16]}"
