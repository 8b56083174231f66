"""What one entry of the table of operations holds, and what the entries share.

An :class:`Operation` is one operator or function: its type rule, its exact value on one line's
values and on columns of quantities, and its polars expression for counting episodes (or why it
has none). A function has a :class:`Signature` too: how it is called. The entries are written in
the modules beside this one, by concept; the package (:mod:`agreement_engine.formula.operations`)
puts them in one table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from agreement_engine.formula.types import Type
from agreement_engine.frozen import frozen

if TYPE_CHECKING:  # polars is imported only when episodes are counted
    import polars as pl

Counted = Callable[[Sequence["pl.Expr"], Sequence[bool]], "pl.Expr"]
"""A polars expression from the arguments' expressions and whether each is a date."""


@frozen
class Signature:
    """How a function is called: how many arguments, of which types, and an example."""

    min_args: int
    max_args: int | None
    example: str
    text: str
    parameters: tuple[tuple[Type, ...], ...] = ()
    """The types each argument may have, where they are fixed (``year_of``: a month or a date)."""
    aggregate: bool = False
    """Whether it adds up a month's episodes (``count``, ``sum``)."""

    def arity_ok(self, n: int) -> bool:
        return n >= self.min_args and (self.max_args is None or n <= self.max_args)

    @property
    def arity_words(self) -> str:
        if self.max_args is None:
            return f"{self.min_args} or more arguments"
        if self.min_args == self.max_args:
            return f"{self.min_args} argument{'s' if self.min_args != 1 else ''}"
        return f"{self.min_args} or {self.max_args} arguments"


@frozen
class Operation:
    """One operator or function: its type, its exact value (on one line's values, and on
    columns of quantities) and its polars expression."""

    typed: Callable[..., Type | None]
    exact: Callable[..., Any]
    counted: Counted | None
    uncounted: tuple[str, str] | None = None
    """Why it cannot be computed per episode, if it cannot: a message and a hint."""
    signature: Signature | None = None
    """For a function: how it is called."""
    on_ratios: Callable[..., Any] | None = None
    """Its exact value on columns of quantities (:class:`.ratios.Ratios`), the lines' values
    where ``exact`` gives one line's; None when it takes no quantities."""


PER_EPISODE = "episode rules count whole days and episodes; "
"""How the hint begins for an operation that cannot be computed per episode."""


def polars_module() -> ModuleType:
    """polars, imported only when episodes are counted. A blank in the data (a null) leaves a
    condition unmet: ``fill_null(False)``."""
    import polars

    return polars
