"""The values a line was computed from, kept as billing computed them; its steps made from them
only when an output asks.

A month's lines of one rule set are evaluated over columns (:mod:`.formula.batch`): their values
are kept as those columns, integers (:class:`ColumnValues`), and each line is a row of them. A
line evaluated alone keeps its values as they came (:class:`LineValues`). Either way, a line's
inputs, its steps (one :class:`.Step` per rule, with its value as an :class:`.Amount`) and its
values by name are made when asked for: ``explain``, JSON, the report and the ledger's records
ask; a CSV or a table of amounts reads the columns of integers instead (:meth:`quantities`), and
no step is ever made for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple, Protocol

from agreement_engine.billing.steps import Step, StepRecord
from agreement_engine.formula import Amount, Value
from agreement_engine.formula.batch import Column
from agreement_engine.formula.ratios import Ratios
from agreement_engine.formula.types import Quantity
from agreement_engine.formula.values import decimal_places
from agreement_engine.frozen import frozen


class Quantities(NamedTuple):
    """The values of one name on a run of lines: the quantities as integers in lowest terms, one
    numerator and denominator for each line (0/1 for a line without one), and the lines with
    another value or none (None), by their place in the run."""

    numerators: list[int]
    denominators: list[int]
    others: dict[int, Value | None]


class Derivation(Protocol):
    """The values of one or more lines, each line a row."""

    def value(self, name: str, row: int) -> Value | None:
        """A row's value of an input or a rule; None for any other name."""

    def inputs(self, row: int) -> dict[str, Amount]:
        """A row's aggregates, in the order the rule set asks for them."""

    def steps(self, row: int) -> tuple[Step, ...]:
        """A row's steps, one per rule in the order they are evaluated."""

    def quantities(self, name: str, start: int, stop: int) -> Quantities:
        """The values of ``name`` on the rows ``start`` to ``stop`` (as :meth:`value` gives
        them), the quantities as integers."""

    def decimals_end(self, name: str, start: int, stop: int) -> bool:
        """Whether the decimals of every quantity of ``name`` on those rows end."""


@dataclass(frozen=True, slots=True, eq=False)
class ColumnValues:
    """The values of one rule set's lines in one month, evaluated over columns: the inputs' and
    the rules' columns, and the values every line has alike (the month, the benchmark, the
    price of a day: rules that depend on the month alone)."""

    records: tuple[StepRecord, ...]
    columns: Mapping[str, Column]
    """The aggregates' and the rules' values (an aggregate hides a rule of its name); quantities
    in lowest terms."""
    units: Mapping[str, Quantity]
    """The unit of each column of quantities."""
    shared: Mapping[str, Value]
    inputs_named: tuple[str, ...]
    known: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        rules = (record.rule for record in self.records)
        object.__setattr__(self, "known", frozenset((*self.inputs_named, *rules)))

    def value(self, name: str, row: int) -> Value | None:
        if name not in self.known:
            return None
        column = self.columns.get(name)
        if column is None:
            return self.shared[name]
        if isinstance(column, Ratios):
            numerators, denominator = column
            below = denominator if isinstance(denominator, int) else denominator[row]
            return Amount(Fraction(numerators[row], below), self.units[name])
        found: Value = column[row]
        return found

    def inputs(self, row: int) -> dict[str, Amount]:
        found = {}
        for name in self.inputs_named:
            value = self.value(name, row)
            assert isinstance(value, Amount)
            found[name] = value
        return found

    def steps(self, row: int) -> tuple[Step, ...]:
        return tuple([Step(record, self._value(record.rule, row)) for record in self.records])

    def _value(self, name: str, row: int) -> Value:
        found = self.value(name, row)
        assert found is not None
        return found

    def quantities(self, name: str, start: int, stop: int) -> Quantities:
        count = stop - start
        column = self.columns.get(name) if name in self.known else None
        if isinstance(column, Ratios):
            numerators, denominator = column
            if isinstance(denominator, int):
                return Quantities(numerators[start:stop], [denominator] * count, {})
            return Quantities(numerators[start:stop], denominator[start:stop], {})
        if column is None and name in self.known and isinstance(self.shared[name], Amount):
            amount = self.shared[name]
            assert isinstance(amount, Amount)
            value = amount.value
            return Quantities([value.numerator] * count, [value.denominator] * count, {})
        others = {at: self.value(name, start + at) for at in range(count)}
        return Quantities([0] * count, [1] * count, others)

    def decimals_end(self, name: str, start: int, stop: int) -> bool:
        column = self.columns.get(name) if name in self.known else None
        if isinstance(column, Ratios):
            denominator = column.denominator
            below = {denominator} if isinstance(denominator, int) else set(denominator[start:stop])
            return all(decimal_places(d) is not None for d in below)
        value = self.shared.get(name) if column is None and name in self.known else None
        return not isinstance(value, Amount) or decimal_places(value.value.denominator) is not None


@frozen(eq=False)
class LineValues:
    """The values of one line evaluated alone (or not computed: then no rule has a value)."""

    records: tuple[StepRecord, ...]
    values: Mapping[str, Value]
    """Every value the line's rules gave, and the values they read."""
    given: dict[str, Amount]
    """The line's aggregates."""

    def value(self, name: str, row: int) -> Value | None:
        if name in self.given:
            return self.given[name]
        return next((self.values[r.rule] for r in self.records if r.rule == name), None)

    def inputs(self, row: int) -> dict[str, Amount]:
        return dict(self.given)

    def steps(self, row: int) -> tuple[Step, ...]:
        return tuple([Step(record, self.values[record.rule]) for record in self.records])

    def quantities(self, name: str, start: int, stop: int) -> Quantities:
        value = self.value(name, start)
        if isinstance(value, Amount):
            return Quantities([value.value.numerator], [value.value.denominator], {})
        return Quantities([0], [1], {0: value})

    def decimals_end(self, name: str, start: int, stop: int) -> bool:
        value = self.value(name, start)
        return not isinstance(value, Amount) or decimal_places(value.value.denominator) is not None


NOTHING = LineValues((), {}, {})
"""The values of a line not computed before any input was read."""
