"""Value classes made by :func:`agreement_engine.frozen.frozen` behave as frozen, slotted
dataclasses do: the engine's values were dataclasses, and nothing that uses them may notice."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from agreement_engine.frozen import FrozenInstanceError, field, fields, frozen, replace


@frozen
class Figure:
    key: str
    value: int | None
    note: str = field(default="", compare=False)
    cites: tuple[str, ...] = field(default_factory=tuple, kw_only=True)


@dataclasses.dataclass(frozen=True, slots=True)
class Twin:
    key: str
    value: int | None
    note: str = dataclasses.field(default="", compare=False)
    cites: tuple[str, ...] = dataclasses.field(default_factory=tuple, kw_only=True)


@frozen
class Dated(Figure):
    year: int = 2024
    source: str | None = field(default=None, kw_only=True)


@frozen(eq=False)
class Handle:
    name: str


def test_equality_hashing_and_repr_are_those_of_a_dataclass() -> None:
    """Dicts and sets of values, and any output that shows one, stay as they were."""
    made, twin = Figure("2024", 9300, "as read"), Twin("2024", 9300, "as read")
    assert hash(made) == hash(twin)
    assert repr(made).replace("Figure", "Twin") == repr(twin)
    assert made == Figure("2024", 9300, "another note")
    assert made != Figure("2024", 9301)
    other_class: object = twin  # compared as any object is: mypy would refuse unlike classes
    assert made != other_class  # another class, as dataclasses have it
    assert hash(Figure("x", None)) == hash(("x", None, ()))


def test_a_field_cannot_be_assigned_or_deleted() -> None:
    """Values are immutable; a slip is an error at once, as with dataclasses."""
    made = Figure("2024", 9300)
    with pytest.raises(FrozenInstanceError):
        made.value = 1  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del made.key
    with pytest.raises(AttributeError):
        made.other = 1  # type: ignore[attr-defined]  # slots: no other attribute


def test_defaults_factories_keyword_only_and_inherited_fields_are_taken_in_order() -> None:
    """A subclass's fields follow its base's; keyword-only ones come after the others."""
    made = Dated("2024", 9300, "note", 2023, cites=("source",), source="law")
    assert fields(made) == ("key", "value", "note", "cites", "year", "source")
    assert (made.year, made.cites, made.source) == (2023, ("source",), "law")
    assert Dated("2024", None).cites == ()
    assert Dated.__match_args__ == ("key", "value", "note", "year")
    with pytest.raises(TypeError):
        Dated("2024", 9300, "note", 2023, ("source",))  # type: ignore[call-arg]


def test_replace_copies_a_value_with_some_fields_changed() -> None:
    """As dataclasses.replace, and an unknown field is an error, not a silent no-op."""
    made = Dated("2024", 9300, cites=("a",))
    assert replace(made, value=9400) == Dated("2024", 9400, cites=("a",))
    assert replace(made, value=9400).cites == ("a",)
    with pytest.raises(TypeError):
        replace(made, valeu=9400)


def test_a_value_pickles_and_matches_by_position() -> None:
    """Values cross processes and are taken apart with ``match`` as dataclasses are."""
    made = Dated("2024", 9300, cites=("a",), source="law")
    assert pickle.loads(pickle.dumps(made)) == made
    assert pickle.loads(pickle.dumps(made)).source == "law"
    match made:
        case Dated(key, value):
            assert (key, value) == ("2024", 9300)
        case _:
            pytest.fail("no match")


def test_a_class_made_with_eq_false_is_equal_only_to_itself() -> None:
    """For values compared by identity (a run's handle on something)."""
    first = Handle("a")
    assert first == first
    assert first != Handle("a")
    assert hash(first) == object.__hash__(first)
