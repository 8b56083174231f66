"""Agreement files and git: read at a revision, and shown by meaning in ``git diff``.

A reviewer compares the files of a pull request with those of the main branch. Each side of a
comparison is a path (a file or a folder) read either from the working tree or from a revision;
git itself is asked (``git ls-tree``, ``git show``), so nothing is checked out and the working
tree is never touched. Folders are searched as :func:`.agreements.library.find_files` does:
YAML files only, scenario-test folders skipped.

For ``git diff`` itself, :func:`canonical_text` gives one file in its canonical form (sorted
``key: value`` lines, formulas in their canonical spelling), which git compares instead of the
raw text once :func:`git_setup_text`'s two commands have been run.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path, PurePosixPath

from agreement_engine.agreements.documents import build
from agreement_engine.agreements.library import (
    SKIPPED_FOLDERS,
    YAML_SUFFIXES,
    Library,
    find_files,
    load_texts,
)
from agreement_engine.agreements.schema import validate
from agreement_engine.agreements.source import decode_utf8, read_text, read_yaml
from agreement_engine.diagnostics import Diagnostic, EngineError, Location, error
from agreement_engine.frozen import frozen
from agreement_engine.review.canonical import KeyPath, Leaf, canonical

TEXTCONV = "agreement-engine diff --textconv"
GIT_ATTRIBUTES = "agreements/**/*.yaml diff=agreement"
UNREADABLE = "# agreement-engine: not readable as an agreement file (run check); shown as written"


class RevisionError(Exception):
    """A revision that git does not know, or git missing where a revision was asked for."""


@frozen
class Revisions:
    """Where each side is read from: a revision, or the working tree (None)."""

    old: str | None
    new: str | None


def parse_revisions(text: str | None) -> Revisions:
    """``--rev`` as given: none (both sides on disk), ``REV`` (old side at REV, new on disk),
    ``A..B`` (old at A, new at B) or ``A...B`` (old where B branched off A, new at B: what a pull
    request shows). An empty end stands for HEAD, as in git.
    """
    if text is None:
        return Revisions(None, None)
    if not text.strip():
        raise RevisionError("--rev needs a revision, like main~1 or v1..v2")
    _git("rev-parse", "--git-dir")  # inside a repository, or a clear message
    if "..." in text:
        base, _, tip = text.partition("...")
        tip = tip or "HEAD"
        return Revisions(_merge_base(base or "HEAD", tip), _commit(tip))
    if ".." in text:
        old, _, new = text.partition("..")
        return Revisions(_commit(old or "HEAD"), _commit(new or "HEAD"))
    return Revisions(_commit(text), None)


def read_side(path: str, revision: str | None) -> list[tuple[str, str]]:
    """The agreement files at ``path`` as (name, text) pairs, on disk or at a revision.

    Names are the paths as a reviewer knows them; at a revision they read ``REV:path``.
    """
    if revision is None:
        files = find_files([path])
        return [(str(file), read_text(file)) for file in files]
    names = _listed(path, revision)
    if not names:
        raise EngineError(
            [
                error(
                    f"no such file or folder at {revision}: {path}",
                    hint="check the path and the revision (git ls-tree -r REV shows its files)",
                    code="no-such-path",
                )
            ]
        )
    return [(f"{revision}:{shown}", _show(revision, full, shown)) for full, shown in names]


def load_side(path: str, revision: str | None) -> tuple[Library, list[Diagnostic]]:
    """The documents at ``path`` (on disk or at a revision), and the problems met reading them."""
    return load_texts(read_side(path, revision))


def label(path: str, revision: str | None) -> str:
    """How a side is named in reports: ``agreements`` or ``main~1:agreements``."""
    return path if revision is None else f"{revision}:{path}"


def _listed(path: str, revision: str) -> list[tuple[str, str]]:
    """The YAML files under ``path`` at a revision: (path in the repository, path as shown)."""
    output = _git("ls-tree", "-r", "--full-name", "--name-only", revision, "--", path)
    root = Path(_git("rev-parse", "--show-toplevel").strip())
    base = PurePosixPath(Path(path).as_posix())
    found = []
    for full in sorted(output.splitlines()):
        shown = Path(os.path.relpath(root / full)).as_posix()
        if PurePosixPath(full).suffix not in YAML_SUFFIXES:
            continue
        inside = PurePosixPath(shown).relative_to(base).parts if _below(shown, base) else ()
        if any(part in SKIPPED_FOLDERS for part in inside[:-1]):
            continue
        found.append((full, shown))
    return found


def _below(shown: str, base: PurePosixPath) -> bool:
    try:
        PurePosixPath(shown).relative_to(base)
    except ValueError:
        return False
    return True


def _show(revision: str, full: str, shown: str) -> str:
    raw = _git_bytes("show", f"{revision}:{full}")
    return decode_utf8(raw, f"{revision}:{shown}")


def _commit(revision: str) -> str:
    """The revision as given, once git confirms it names a commit."""
    try:
        _git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    except RevisionError:
        raise RevisionError(
            f"'{revision}' is not a revision git knows here (try a branch, a tag or a commit)"
        ) from None
    return revision


def _merge_base(base: str, tip: str) -> str:
    _commit(base)
    _commit(tip)
    found = _git("merge-base", base, tip).strip()
    return found[:12]


def _git(*args: str) -> str:
    return _git_bytes(*args).decode("utf-8", errors="replace")


def _git_bytes(*args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], capture_output=True, check=False)
    except OSError:
        raise RevisionError("--rev needs git, and git was not found") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        if message and "not a git repository" in message[0]:
            raise RevisionError("--rev works only inside a git repository")
        raise RevisionError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


# -- git diff by meaning (textconv) ----------------------------------------------------------------


def canonical_text(path: str) -> str:
    """One file's canonical form as text, for ``git diff`` (``diff --textconv FILE``).

    A file that is not a readable agreement file is shown as written, under a comment line, so
    that ``git diff`` still works on it; a file that does not exist is an :class:`EngineError`.
    """
    if not Path(path).is_file():
        raise EngineError([error("the file does not exist", Location(path, 1, 1))])
    try:
        yaml = read_yaml(path)
    except EngineError:
        raw = Path(path).read_bytes().decode("utf-8", errors="replace")
        return f"{UNREADABLE}\n{raw}"
    if validate(yaml):
        return f"{UNREADABLE}\n{yaml.text}"
    document, _ = build(yaml)
    return render_canonical(canonical(document))


def git_setup_text() -> str:
    """The commands that make ``git diff`` show agreement files by meaning."""
    return (
        "# Show agreement files by meaning in `git diff`, from the repository root.\n"
        "# Once per clone:\n"
        f'git config diff.agreement.textconv "{TEXTCONV}"\n'
        "# Once per repository (then commit .gitattributes):\n"
        f"echo '{GIT_ATTRIBUTES}' >> .gitattributes\n"
    )


def render_canonical(facts: dict[KeyPath, Leaf]) -> str:
    """A document as sorted ``key: value`` lines; a set gives one line per member."""
    lines: list[str] = []
    for path in sorted(facts):
        key, leaf = ".".join(path), facts[path]
        members = leaf if isinstance(leaf, tuple) else (leaf,)
        lines.extend(f"{key}: {member}" for member in members)
    return "\n".join(lines) + "\n"
