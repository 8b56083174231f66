"""The lock files install what pyproject.toml declares, on every machine alike."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
REFRESH = "pyproject.toml and the lock files disagree: run 'bash scripts/lock' and commit all three"


def lock_inputs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lock_inputs", ROOT / "scripts/lock_inputs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pins(lock: str) -> dict[str, tuple[Version, int]]:
    """Each package a lock file pins: its version and how many hashes it lists."""
    found: dict[str, tuple[Version, int]] = {}
    text = (ROOT / lock).read_text(encoding="utf-8")
    for entry in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9._-]+)==([^\s;\\]+)", entry)
        if match:
            hashes = len(re.findall(r"--hash=sha256:[0-9a-f]{64}", entry))
            found[canonicalize_name(match[1])] = (Version(match[2]), hashes)
    return found


def header_digest(lock: str) -> str | None:
    text = (ROOT / lock).read_text(encoding="utf-8")
    match = re.search(r"^# pyproject-dependencies-sha256: ([0-9a-f]{64})$", text, re.MULTILINE)
    return match[1] if match else None


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_each_lock_file_was_made_from_the_dependencies_pyproject_declares_today(lock: str) -> None:
    """Changing a dependency in pyproject.toml without locking again must fail, so that no
    machine installs something other than what the project declares."""
    assert header_digest(lock) == lock_inputs().digest(), REFRESH


@pytest.mark.parametrize(
    ("lock", "groups"),
    [
        ("requirements.lock", ["runtime", "build"]),
        ("requirements-dev.lock", ["runtime", "extra:dev", "build"]),
    ],
)
def test_every_declared_dependency_is_pinned_to_a_version_it_allows(
    lock: str, groups: list[str]
) -> None:
    """A pin outside a declared range would install a version the project does not support."""
    declared = lock_inputs().declared()
    pinned = pins(lock)
    for group in groups:
        for text in declared[group]:
            requirement = Requirement(text)
            name = canonicalize_name(requirement.name)
            assert name in pinned, f"{requirement.name} is not in {lock}: {REFRESH}"
            version = pinned[name][0]
            assert requirement.specifier.contains(version, prereleases=True), (
                f"{lock} pins {requirement.name} {version}, outside '{text}': {REFRESH}"
            )


def test_every_pin_carries_a_hash_so_a_changed_file_is_refused() -> None:
    """pip installs with --require-hashes: a package without a hash could not be installed."""
    for lock in ("requirements.lock", "requirements-dev.lock"):
        unhashed = [name for name, (_, hashes) in pins(lock).items() if hashes == 0]
        assert pins(lock) and unhashed == [], f"{lock}: no hash for {unhashed}"


def test_the_engine_runs_with_the_same_versions_in_development_and_in_use() -> None:
    """The tests must run the versions a user installs, or a green suite proves nothing."""
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    differ = {
        n: (v, dev.get(n, (None,))[0])
        for n, (v, _) in runtime.items()
        if dev.get(n, (None,))[0] != v
    }
    assert differ == {}
