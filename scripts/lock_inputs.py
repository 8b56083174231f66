"""What the lock files are made from: the dependencies declared in pyproject.toml.

``python scripts/lock_inputs.py`` prints their SHA-256, which ``scripts/lock`` writes at the top of
each lock file; ``--build`` prints the build backend's requirements, one per line, for the lock.
``tests/test_lock.py`` recomputes the digest, so a change to the dependencies that is not locked
fails the tests.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def declared(pyproject: Path = PYPROJECT) -> dict[str, list[str]]:
    """Every dependency pyproject.toml declares, by group: the runtime ones, each extra's, and
    the build backend's."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data["project"]
    groups = {"runtime": list(project.get("dependencies", []))}
    for extra, requirements in sorted(project.get("optional-dependencies", {}).items()):
        groups[f"extra:{extra}"] = list(requirements)
    groups["build"] = list(data.get("build-system", {}).get("requires", []))
    return groups


def digest(pyproject: Path = PYPROJECT) -> str:
    """The SHA-256 of the declared dependencies, written in a canonical form."""
    canonical = json.dumps(declared(pyproject), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


if __name__ == "__main__":
    if sys.argv[1:] == ["--build"]:
        print("\n".join(declared()["build"]))
    else:
        print(digest())
