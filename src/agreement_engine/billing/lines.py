"""The invoice basis as billing gives it: lines, their steps and their status.

A line is one municipality's month: what governs it, the aggregates that went in, every rule
evaluated (a :class:`Step`, with the formula, the document and the clause it comes from), the
figures it rests on, and the amount billed. A line is **final** only when every figure it rests on
is official and every approval is in; otherwise it is **provisional** with the reasons, or **not
computed** when something it needs is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from enum import StrEnum
from typing import NamedTuple

from agreement_engine.agreements.documents import Citation, Document, Rule
from agreement_engine.agreements.library import Library
from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.timeline import Governance
from agreement_engine.formula import Amount, Value
from agreement_engine.months import YearMonth

# The rules shown as columns of the invoice basis when an agreement has them.
COLUMNS = (
    "benchmark",
    "average_days",
    "excess",
    "episodes",
    "day_cost",
    "gross_amount",
    "discount",
    "net_amount",
)


class LineStatus(StrEnum):
    """How far a line can be trusted: final, provisional (with reasons) or not computed."""

    FINAL = "final"
    PROVISIONAL = "provisional"
    NOT_COMPUTED = "not computed"


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Read:
    """A value a rule read at a month (a look-up by month, or each month of a window): the
    expression read, its value there, and that month's inputs, for ``explain``."""

    rule: str
    expression: str
    month: YearMonth
    value: Value
    inputs: Mapping[str, Amount]


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One municipality's month; ``across`` what its rules read at other months.

    ``reasons`` say why a line is provisional or not computed (for a line not computed, the
    first says why); a line may also carry notes among them that do not make it provisional (a
    final line billed by the statute says that no agreement governs its month)."""

    municipality: str
    month: YearMonth
    governance: Governance
    documents: tuple[Document, ...]
    status: LineStatus
    reasons: tuple[str, ...]
    inputs: dict[str, Amount]
    steps: tuple[Step, ...]
    figures: tuple[FigureUse, ...]
    assumptions: tuple[str, ...]
    amount: Decimal | None  # the net amount billed; None when not computed
    across: tuple[Read, ...] = ()
    readings: tuple[tuple[str, str], ...] = ()
    """The reading of each assumption the line relies on (or that decides what governs its
    month), by assumption id: the rules' own (``default``), or the one chosen."""

    def value(self, name: str) -> Value | None:
        if name in self.inputs:
            return self.inputs[name]
        return next((s.value for s in self.steps if s.rule == name), None)

    def values(self) -> dict[str, Value]:
        """Every value of the line by name, as :meth:`value` gives each."""
        found: dict[str, Value] = {}
        for step in self.steps:
            found.setdefault(step.rule, step.value)
        found.update(self.inputs)
        return found


EXACT_SUMS = Context(
    prec=MAX_PREC,
    Emax=MAX_EMAX,
    Emin=MIN_EMIN,
    traps=[InvalidOperation, DivisionByZero, Overflow, Inexact],
)
"""The decimal context totals are added in. The default context keeps 28 digits and rounds the
rest away without a word; this one keeps as many as Python can, so that every sum of amounts is
exact, and it would stop with an error rather than round."""


@dataclass(frozen=True, slots=True)
class InvoiceBasis:
    """Every line of a run, in order of month then municipality."""

    lines: tuple[InvoiceLine, ...]
    months: tuple[YearMonth, ...]
    municipalities: tuple[str, ...]
    assume_approved: bool
    library: Library

    def library_document(self, document_id: str) -> Document:
        """A loaded document by id (the figures files a line rests on, for the record)."""
        found = self.library.by_id(document_id)
        assert found is not None
        return found

    def total(self, municipality: str | None = None) -> Decimal:
        """The sum of the computed amounts (of one municipality, or all), exact however many
        digits it has (see :data:`EXACT_SUMS`)."""
        with localcontext(EXACT_SUMS):
            return sum(
                (
                    line.amount
                    for line in self.lines
                    if line.amount is not None
                    and (municipality is None or line.municipality == municipality)
                ),
                Decimal(0),
            )
