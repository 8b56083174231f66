"""A line's steps: each rule evaluated, with its formula, the value it gave and where it comes
from; and what a rule read at other months. Shared by the lines' derivations (:mod:`.derivation`),
made only when an output asks for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from agreement_engine.agreements.documents import Citation, Rule
from agreement_engine.formula import Amount, Value
from agreement_engine.frozen import frozen
from agreement_engine.months import YearMonth


@frozen
class StepRecord:
    """A rule's step without its value: the same on every line the rule set computes, and shared
    by the steps of all those lines."""

    rule: str
    formula: str
    document: str
    cites: tuple[Citation, ...]
    assumes: tuple[str, ...]
    description: str | None
    reading: str | None = None
    """The reading (``assumption=alternative``) whose rule this is, when one was chosen."""

    @classmethod
    def of(cls, rule: Rule) -> StepRecord:
        return cls(
            rule=rule.name,
            formula=one_line(rule.formula.text),
            document=rule.document,
            cites=rule.cites,
            assumes=tuple(a for a, _ in rule.assumes),
            description=rule.description,
            reading=rule.reading,
        )


def one_line(text: str) -> str:
    """A formula as written, on one line (formulas may be wrapped over several in a file).

    >>> one_line("max(0 days,\\n    excess)")
    'max(0 days, excess)'
    """
    return " ".join(text.split())


class Step(NamedTuple):
    """One rule evaluated: its formula, the value it gave, and where it comes from (a line has
    one for each rule, tens of thousands in a run: a tuple is the cheapest to make)."""

    record: StepRecord
    value: Value

    @property
    def rule(self) -> str:
        return self.record.rule

    @property
    def formula(self) -> str:
        return self.record.formula

    @property
    def document(self) -> str:
        return self.record.document

    @property
    def cites(self) -> tuple[Citation, ...]:
        return self.record.cites

    @property
    def assumes(self) -> tuple[str, ...]:
        return self.record.assumes

    @property
    def description(self) -> str | None:
        return self.record.description


@frozen
class Read:
    """A value a rule read at a month (a look-up by month, or each month of a window): the
    expression read, its value there, and that month's inputs, for ``explain``."""

    rule: str
    expression: str
    month: YearMonth
    value: Value
    inputs: Mapping[str, Amount]
