"""The places of a document as the cache keeps them: a tree of places, each under its parent."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agreement_engine.agreements.cached_documents import (
    StoredPlaces,
    _packed,
    _unpacked,
    decode_document,
    encode_document,
)
from agreement_engine.agreements.source import read_yaml
from agreement_engine.agreements.yaml_document import YamlDocument

ROOT = Path(__file__).resolve().parents[2]
FILES = ["agreements/halland/2022-agreement.yaml", "agreements/national/national-figures.yaml"]


def loaded(name: str) -> YamlDocument:
    return read_yaml(ROOT / name)


@pytest.mark.parametrize("name", FILES)
def test_a_document_comes_back_from_json_with_every_place_at_its_key_path(name: str) -> None:
    """Every key and value is found where the YAML put it, so every message points as before."""
    yaml = loaded(name)
    stored = json.loads(json.dumps(encode_document(yaml)))
    back = decode_document(yaml.path, yaml.text, stored)
    assert back == yaml
    assert list(back.places) == list(yaml.places)
    assert len(back.places) == len(yaml.places)
    assert all(back.places[path] == place for path, place in yaml.places.items())
    assert back.places.get(("approval", "by", "nobody")) is None


def _set(column: str, index: int, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda stored: stored[column].__setitem__(index, value)


@pytest.mark.parametrize(
    "damage",
    [
        lambda stored: stored["parents"].reverse(),  # the root not first, children first
        _set("parents", 1, -1),  # a second root
        _set("parents", 2, 2),  # a place its own parent
        _set("parents", 1, 5),  # a parent after its child
        _set("keys", 1, ["a", "list"]),
        _set("keys", 1, None),
        lambda stored: stored["keys"].pop(),
        lambda stored: stored.__setitem__("parents", []),
        lambda stored: stored.__setitem__("spans", [0, 1, 0, 1, 0, 1]),  # numbers, not packed
        lambda stored: stored.__setitem__("spans", "not base64!"),
        lambda stored: stored.__setitem__("spans", stored["spans"][:-8]),  # 6 bytes short
        lambda stored: stored.__setitem__("spans", stored["spans"][:-12] + "===="),
    ],
)
def test_places_that_are_not_a_tree_of_key_paths_are_refused(
    damage: Callable[[dict[str, Any]], None],
) -> None:
    """An entry whose places could loop, or name a place twice, is not used."""
    stored = encode_document(loaded(FILES[0]))
    damage(stored)
    with pytest.raises(ValueError):
        StoredPlaces(stored)


def test_two_places_of_one_key_under_one_parent_are_refused() -> None:
    """Each key path names one place: a copy of a place's parent and key is not taken."""
    stored = copy.deepcopy(encode_document(loaded(FILES[0])))
    stored["parents"][2], stored["keys"][2] = stored["parents"][1], stored["keys"][1]
    with pytest.raises(ValueError, match="twice"):
        StoredPlaces(stored)


def test_spans_packed_come_back_as_the_numbers_they_were() -> None:
    """Every span from the start of a text to 2 GiB, and the -1 of a place without a key."""
    numbers = [-1, -1, 0, 1, 255, 256, 65_536, 2**31 - 1]
    assert list(_unpacked(json.loads(json.dumps(_packed(numbers))))) == numbers
    with pytest.raises(OverflowError):
        _packed([2**31])
