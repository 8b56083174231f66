"""The cache of checked agreement sets: used only when verified, never changing an output byte,
never failing a run, and turned off when asked."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agreement_engine import api
from agreement_engine.agreements import cache
from agreement_engine.agreements.cache import AgreementSet
from agreement_engine.api.library import _agreement_files
from agreement_engine.cli.app import app
from agreement_engine.diagnostics import EngineError
from agreement_engine.formula.parser import parse
from agreement_engine.formula.trees import from_data, to_data

ROOT = Path(__file__).resolve().parent.parent.parent
HALLAND = ["agreements", "examples/halland/illustrative-figures.yaml"]
AGGREGATES = "examples/halland/aggregates.csv"
EPISODES = "examples/halland/episodes.csv"
COMMANDS = [
    ["check"],
    ["check", "--format", "json", "agreements", "examples"],
    ["evaluate", "--month", "2025-10", "--data", AGGREGATES, "--format", "csv"],
    ["evaluate", "--month", "2025-10", "--to", "2026-03", "--data", EPISODES, "--format", "json"],
    ["explain", "--month", "2025-02", "--municipality", "Hylte", "--data", EPISODES],
    ["timeline", "--format", "csv"],
    ["evaluate", "--month", "2024-03", "--data", AGGREGATES, "--reading", "x=y"],
]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder of the test's own, the commands run from the repository."""
    where = tmp_path / "cache" / "agreement-engine"
    monkeypatch.setenv(cache.FOLDER_VARIABLE, str(where))
    monkeypatch.delenv(cache.OFF_VARIABLE, raising=False)
    monkeypatch.chdir(ROOT)
    yield where


def entries(where: Path) -> list[Path]:
    return sorted(where.glob("*.json")) if where.exists() else []


def run(arguments: list[str]) -> tuple[int, str, str]:
    """A command, with the Halland files (but ``check``), its exit code, output and errors."""
    options = [] if arguments[0] == "check" else [x for p in HALLAND for x in ("--agreements", p)]
    done = CliRunner().invoke(app, [*arguments, *options])
    return done.exit_code, done.stdout, done.stderr


def rewrite(entry: Path, change: Callable[[Any], object]) -> None:
    """Change an entry's contents and sign them again, as someone who knew the format would."""
    body = json.loads(entry.read_bytes().partition(b"\n")[2])
    change(body)
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    entry.write_bytes(hashlib.sha256(text).hexdigest().encode() + b"\n" + text)


def test_every_output_is_the_same_with_the_cache_off_cold_and_warm(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache may make a run faster, never different: every byte and exit code as without."""
    monkeypatch.setenv(cache.OFF_VARIABLE, "off")
    without = [run(arguments) for arguments in COMMANDS]
    assert entries(folder) == []
    monkeypatch.delenv(cache.OFF_VARIABLE)
    cold = [run(arguments) for arguments in COMMANDS]
    assert entries(folder)
    warm = [run(arguments) for arguments in COMMANDS]
    assert cold == without
    assert warm == without


def test_a_set_that_checked_clean_comes_back_from_its_entry_as_the_same_documents(
    folder: Path,
) -> None:
    """The documents built from an entry equal those built from the YAML, places included."""
    loaded = api.load_library(HALLAND)
    [entry] = entries(folder)
    found = AgreementSet([d.path for d in loaded.documents], {})
    cached = found.cached()
    assert cached is not None
    assert cached.documents == loaded.documents
    for before, after in zip(loaded.documents, cached.documents, strict=True):
        for name, rule in getattr(before, "rules", {}).items():
            old, new = rule.formula, getattr(after, "rules", {})[name].formula
            assert new.location == old.location
            assert new.locate(3, 7) == old.locate(3, 7)
    assert entry.stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700


def test_a_run_from_the_cache_imports_neither_yaml_jsonschema_nor_lark(folder: Path) -> None:
    """The point of the cache: an everyday evaluate does not load the checking machinery."""
    options = [x for p in HALLAND for x in ("--agreements", p)]
    command = ["evaluate", "--month", "2025-10", "--data", AGGREGATES, *options]
    main = "from agreement_engine.cli.console import main; main()"
    timed = [sys.executable, "-X", "importtime", "-c", main, *command]
    first = subprocess.run(timed, capture_output=True, text=True, check=True)
    again = subprocess.run(timed, capture_output=True, text=True, check=True)

    def imported(stderr: str) -> set[str]:
        found = {line.rpartition("|")[2].strip() for line in stderr.splitlines()}
        return found & {"yaml", "jsonschema", "lark", "polars"}

    assert imported(first.stderr) == {"yaml", "jsonschema", "lark"}
    assert imported(again.stderr) == set()
    assert again.stdout == first.stdout


def test_an_entry_changed_by_a_byte_is_not_used_and_is_written_again(folder: Path) -> None:
    """Its own SHA-256 no longer matches: the files are loaded, and the entry made whole."""
    api.load_library(HALLAND)
    [entry] = entries(folder)
    good = entry.read_bytes()
    entry.write_bytes(good.replace(b'"Kungsbacka"', b'"Kungsbacko"', 1))
    paths = [str(p) for p in _agreement_files(HALLAND)]
    assert AgreementSet(paths, {}).cached() is None
    api.load_library(HALLAND)
    assert entry.read_bytes() == good


def test_an_entry_signed_again_but_naming_other_files_is_not_used(folder: Path) -> None:
    """The files' hashes in the entry are compared with those of the files just read."""
    api.load_library(HALLAND)
    [entry] = entries(folder)
    rewrite(entry, lambda body: body["files"][0].__setitem__(1, "0" * 64))
    paths = [str(p) for p in _agreement_files(HALLAND)]
    assert AgreementSet(paths, {}).cached() is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda body: body["documents"][0]["data"].__setitem__("id", 3.5),
        lambda body: body["documents"][0].__setitem__("spans", [1, 2, 3]),
        lambda body: body["formulas"].clear(),
        lambda body: body["formulas"].update({k: ["nothing"] for k in body["formulas"]}),
        lambda body: body.__setitem__("engine", "0.0.1+0"),
        lambda body: body.__setitem__("readings", [["benchmark-2024", "other"]]),
        lambda body: body.__setitem__("checked", [["error", "made up"]]),
    ],
)
def test_an_entry_whose_contents_do_not_decode_or_do_not_fit_is_not_used(
    folder: Path, damage: Callable[[Any], object]
) -> None:
    """A float, a broken place, a tree missing or malformed, another engine or reading: the
    entry is passed over (what check found with it too) and the files loaded as without a
    cache."""
    with api.without_cache():
        without = [run(COMMANDS[2]), run(COMMANDS[0])]
    api.check(["agreements"])
    api.load_library(HALLAND)
    for entry in entries(folder):
        rewrite(entry, damage)
    paths = [str(p) for p in _agreement_files(HALLAND)]
    assert AgreementSet(paths, {}).cached() is None
    for entry in entries(folder):  # what check found, kept with the damage
        rewrite(entry, lambda body: body.setdefault("checked", []))
    assert [run(COMMANDS[2]), run(COMMANDS[0])] == without


def test_a_changed_file_is_loaded_afresh_and_its_errors_shown_as_without_a_cache(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stale entry is never used: the key names every file's SHA-256. A set with an error
    is reported exactly as without a cache, and no entry is written for it."""
    copy = tmp_path / "agreements"
    shutil.copytree(ROOT / "agreements", copy, ignore=shutil.ignore_patterns("tests"))
    monkeypatch.chdir(tmp_path)
    api.load_library(["agreements"])
    assert len(entries(folder)) == 1
    rules = copy / "halland" / "2022-agreement.yaml"
    text = rules.read_text("utf-8").replace("average_days - benchmark)", "average_days - benchmrk)")
    rules.write_text(text, "utf-8")
    with pytest.raises(EngineError) as cached_run:
        api.load_library(["agreements"])
    with api.without_cache(), pytest.raises(EngineError) as fresh_run:
        api.load_library(["agreements"])
    assert cached_run.value.diagnostics == fresh_run.value.diagnostics
    assert "benchmrk" in cached_run.value.diagnostics[0].message
    assert len(entries(folder)) == 1


def test_a_cache_folder_that_cannot_be_made_or_written_never_fails_a_run(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder that cannot be made (a file is in the way) or a full disk: the run goes on,
    as without a cache."""
    monkeypatch.setenv(cache.OFF_VARIABLE, "off")
    without = run(COMMANDS[2])
    monkeypatch.delenv(cache.OFF_VARIABLE)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(cache.FOLDER_VARIABLE, str(blocked / "agreement-engine"))
    assert run(COMMANDS[2]) == without
    monkeypatch.setenv(cache.FOLDER_VARIABLE, str(folder))

    def full(*arguments: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    assert run(COMMANDS[2]) == without
    assert entries(folder) == []
    assert list(folder.iterdir()) == []  # no temporary file left behind


def test_a_cache_folder_others_may_write_is_neither_read_nor_written(folder: Path) -> None:
    """Anyone who can write the folder could write an entry: it is not used."""
    api.load_library(HALLAND)
    folder.chmod(0o777)
    try:
        paths = [str(p) for p in _agreement_files(HALLAND)]
        assert AgreementSet(paths, {}).cached() is None
    finally:
        folder.chmod(0o700)


def test_the_cache_is_off_with_the_variable_and_with_no_cache(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AGREEMENT_ENGINE_CACHE=off and --no-cache: nothing read or written."""
    monkeypatch.setenv(cache.OFF_VARIABLE, "off")
    api.load_library(HALLAND)
    assert entries(folder) == []
    monkeypatch.delenv(cache.OFF_VARIABLE)
    done = CliRunner().invoke(app, ["--no-cache", "check"])
    assert done.exit_code == 0
    assert entries(folder) == []
    with api.without_cache():
        assert cache.folder() is None
    assert cache.folder() == folder


def test_the_cache_lives_by_xdg_unless_a_folder_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """$AGREEMENT_ENGINE_CACHE_DIR, else $XDG_CACHE_HOME/agreement-engine (an absolute path),
    else ~/.cache/agreement-engine."""
    monkeypatch.delenv(cache.OFF_VARIABLE, raising=False)
    monkeypatch.delenv(cache.FOLDER_VARIABLE, raising=False)
    monkeypatch.setenv("HOME", "/home/someone")
    monkeypatch.setenv("XDG_CACHE_HOME", "/var/cache/someone")
    assert cache.folder() == Path("/var/cache/someone/agreement-engine")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert cache.folder() == Path("/home/someone/.cache/agreement-engine")
    monkeypatch.setenv(cache.FOLDER_VARIABLE, "/tmp/elsewhere")
    assert cache.folder() == Path("/tmp/elsewhere")


def test_only_the_newest_entries_are_kept(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each change of the files makes a new entry; the oldest past the limit are removed."""
    monkeypatch.setattr(cache, "KEPT", 2)
    api.load_library(["agreements"])
    [first] = entries(folder)
    api.load_library(HALLAND)
    api.load_library(HALLAND, {"benchmark-2024": "2021-average-from-2024"})
    kept = entries(folder)
    assert len(kept) == 2
    assert first not in kept


@pytest.mark.parametrize(
    "text",
    [
        "max(0 days, average_days - benchmark)",
        "if month >= 2023-11 then round(gross * 35 %, 0, half_up) else gross",
        "mean(average_days over 3 months to month - 1 month)",
        'count(discharged_at >= 12:00 and ward = "B") + national_day_cost[2024]',
        "not (a or b) and 2024-01-31 < discharge_date",
    ],
)
def test_a_formula_tree_comes_back_from_json_with_its_spans(text: str) -> None:
    """The cache keeps trees, not text: each node and span as the parser made it."""
    tree = parse(text)
    back = from_data(json.loads(json.dumps(to_data(tree))))
    assert back == tree
    assert repr(back) == repr(tree)  # spans are left out of equality, not out of repr


@pytest.mark.parametrize(
    "data", [None, [], ["nothing"], ["name", 3, [0, 1]], ["number", "1.5", None, [0]]]
)
def test_a_malformed_tree_is_refused(data: object) -> None:
    """Decoding says no (ValueError) to anything that is not a tree, never makes one up."""
    with pytest.raises(ValueError):
        from_data(data)
