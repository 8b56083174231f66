"""Frozen value classes that cost little to define: :func:`frozen`, :func:`field`, :func:`replace`.

The engine's values are immutable records with typed fields, equal when their fields are. The
standard ``@dataclass(frozen=True, slots=True)`` makes them, but defining one costs about half a
millisecond (it compiles six methods one by one, then builds the class a second time for its
slots), and a command starts by defining a hundred: most of what a one-month ``evaluate`` takes
beyond starting Python. :func:`frozen` makes the same classes (typed fields, ``__slots__``, an
``__init__`` taking the fields in order, keyword-only fields after, defaults and default
factories; equality, hashing and ``repr`` over the fields; ``match`` by position; assigning a
field raises :class:`dataclasses.FrozenInstanceError`; pickling) in about a tenth of the time:
one small ``__init__`` compiled per class, the other methods shared. Type checkers read it as a
dataclass (:func:`typing.dataclass_transform`).

>>> @frozen
... class Span:
...     start: int
...     end: int = field(default=0, compare=False)
>>> Span(3, 7), Span(3, 7) == Span(3, 9), replace(Span(3, 7), start=4)
(Span(start=3, end=7), True, Span(start=4, end=7))
>>> Span(3).start = 5
Traceback (most recent call last):
dataclasses.FrozenInstanceError: cannot assign to field 'start'

Where a class needs what only a dataclass offers (``cached_property``, ordering, ``__post_init__``)
it stays one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

__all__ = ["FrozenInstanceError", "field", "fields", "frozen", "replace"]

T = TypeVar("T")
_MISSING: Any = object()


class Field:
    """A field's options, as :func:`field` gives them."""

    __slots__ = ("compare", "default", "factory", "kw_only", "repr")

    def __init__(
        self, default: Any, factory: Any, kw_only: bool, compare: bool, repr: bool
    ) -> None:
        self.default, self.factory, self.kw_only = default, factory, kw_only
        self.compare, self.repr = compare, repr


@overload
def field(*, default: T, kw_only: bool = False, compare: bool = True, repr: bool = True) -> T: ...
@overload
def field(
    *,
    default_factory: Callable[[], T],
    kw_only: bool = False,
    compare: bool = True,
    repr: bool = True,
) -> T: ...
@overload
def field(*, kw_only: bool = False, compare: bool = True, repr: bool = True) -> Any: ...
def field(
    *,
    default: Any = _MISSING,
    default_factory: Any = _MISSING,
    kw_only: bool = False,
    compare: bool = True,
    repr: bool = True,
) -> Any:
    """A field with a default (or a factory of one), keyword-only, or left out of equality,
    hashing or ``repr``: as :func:`dataclasses.field`."""
    return Field(default, default_factory, kw_only, compare, repr)


@overload
def frozen(cls: type[T], /) -> type[T]: ...
@overload
def frozen(*, eq: bool = True) -> Callable[[type[T]], type[T]]: ...
@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen(cls: type[T] | None = None, /, *, eq: bool = True) -> Any:
    """The class made a frozen, slotted value class of its annotated fields (see the module);
    ``eq=False`` keeps identity for equality and hashing."""

    def make(cls: type[T]) -> type[T]:
        return _make(cls, eq)

    return make if cls is None else make(cls)


def fields(value: object) -> tuple[str, ...]:
    """The names of a frozen value's fields, in order."""
    return tuple(type(value).__fields__)  # type: ignore[attr-defined]


def replace(value: T, /, **changes: Any) -> T:
    """A copy of a frozen value with some fields changed (as :func:`dataclasses.replace`)."""
    names = type(value).__fields__  # type: ignore[attr-defined]
    unknown = changes.keys() - names.keys()
    if unknown:
        raise TypeError(f"{type(value).__name__} has no field {sorted(unknown)[0]!r}")
    given = {name: getattr(value, name) for name in names if name not in changes}
    return type(value)(**given, **changes)


# -- the class ------------------------------------------------------------------------------------


def _make(cls: type[T], eq: bool) -> type[T]:
    own = cls.__dict__.get("__annotations__", {})  # noqa: RUF063  (as written: never evaluated)
    found: dict[str, Field] = dict(getattr(cls, "__fields__", {}))
    for name in own:
        value = cls.__dict__.get(name, _MISSING)
        found[name] = (
            value if isinstance(value, Field) else Field(value, _MISSING, False, True, True)
        )
    namespace = {
        key: value
        for key, value in cls.__dict__.items()
        if key not in own and key not in ("__dict__", "__weakref__")
    }
    positional = tuple(name for name, f in found.items() if not f.kw_only)
    namespace.update(
        __slots__=tuple(own),
        __fields__=found,
        __match_args__=positional,
        __setattr__=_setattr,
        __delattr__=_delattr,
        __getstate__=_getstate,
        __setstate__=_setstate,
        _frozen_shown=tuple(name for name, f in found.items() if f.repr),
    )
    methods: dict[str, Any] = {"__init__": _init(cls.__qualname__, found), "__repr__": _repr}
    if eq:
        compared = [name for name, f in found.items() if f.compare]
        key = attrgetter(*compared) if len(compared) > 1 else _one(compared)
        methods.update(__eq__=_eq, __hash__=_hash, _frozen_key=staticmethod(key))
    for name, method in methods.items():  # as dataclasses do, a method the class writes wins
        namespace.setdefault(name, method)
    made: type[T] = type(cls.__name__, cls.__bases__, namespace)
    made.__qualname__ = cls.__qualname__
    return made


def _one(compared: list[str]) -> Callable[[object], tuple[Any, ...]]:
    """The key of a value compared by one field (or none): a tuple, as dataclasses hash it."""
    if not compared:
        return lambda value: ()
    get = attrgetter(compared[0])
    return lambda value: (get(value),)


def _init(qualname: str, found: dict[str, Field]) -> Callable[..., None]:
    """The ``__init__`` taking the fields: positional ones in order, then keyword-only ones."""
    names: dict[str, Any] = {"_set": object.__setattr__, "_MISSING": _MISSING}
    parameters: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    for name, spec in found.items():
        text = name
        if spec.default is not _MISSING:
            names[f"_default_{name}"] = spec.default
            text = f"{name}=_default_{name}"
        elif spec.factory is not _MISSING:
            names[f"_factory_{name}"] = spec.factory
            text = f"{name}=_MISSING"
        (keyword if spec.kw_only else parameters).append(text)
        value = f"_factory_{name}() if {name} is _MISSING else {name}"
        body.append(f"    _set(self, {name!r}, {value if spec.factory is not _MISSING else name})")
    if keyword:
        parameters += ["*", *keyword]
    source = f"def __init__(self, {', '.join(parameters)}):\n" + ("\n".join(body) or "    pass")
    made: dict[str, Any] = {}
    exec(source, names, made)  # one small function per class, as dataclasses make it
    init: Callable[..., None] = made["__init__"]
    init.__qualname__ = f"{qualname}.__init__"
    return init


def _setattr(self: object, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._frozen_shown)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        return self._frozen_key(self) == other._frozen_key(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self._frozen_key(self))  # a tuple of the fields, as dataclasses hash


def _getstate(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, name) for name in type(self).__fields__)


def _setstate(self: Any, state: tuple[Any, ...]) -> None:
    for name, value in zip(type(self).__fields__, state, strict=True):
        object.__setattr__(self, name, value)
