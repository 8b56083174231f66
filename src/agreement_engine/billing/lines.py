"""The invoice basis as billing gives it: lines, their status and what they stand on.

A line is one municipality's month: what governs it, the aggregates that went in, every rule
evaluated (a :class:`Step`, with the formula, the document and the clause it comes from), the
figures it rests on, and the amount billed. A line is **final** only when every figure it rests on
is official and every approval is in; otherwise it is **provisional** with the reasons, or **not
computed** when something it needs is missing. What the lines of one rule set in one month stand
on alike is one :class:`Footing`, shared; their values are kept as billing computed them
(:mod:`.derivation`), and their steps made from those only when asked for.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
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
from operator import attrgetter, countOf, itemgetter

from agreement_engine.agreements.documents import Document
from agreement_engine.agreements.library import Library
from agreement_engine.billing.derivation import Derivation, Quantities
from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.steps import Read, Step, StepRecord, one_line
from agreement_engine.billing.timeline import Governance
from agreement_engine.formula import Amount, Value
from agreement_engine.frozen import frozen
from agreement_engine.months import YearMonth

__all__ = [
    "COLUMNS",
    "EXACT_SUMS",
    "Footing",
    "InvoiceBasis",
    "InvoiceLine",
    "LineStatus",
    "Quantities",
    "Read",
    "Run",
    "Step",
    "StepRecord",
    "decimals_end",
    "kept_amounts",
    "line_footings",
    "line_municipalities",
    "line_runs",
    "one_line",
    "quantities",
    "runs_within",
]

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


@frozen(eq=False)
class Footing:
    """What a line stands on, shared by the lines of one rule set in one month that stand on it
    alike: what governs the month, the documents, the status and its reasons, the figures,
    assumptions and readings relied on, and what the rules read at other months.

    Two footings are the same only when they are one object: lines that share one share it as
    it is, and outputs work out what it says once for all of them."""

    month: YearMonth
    governance: Governance
    """What governs the month (of the municipality of the first line that stood on it)."""
    documents: tuple[Document, ...]
    status: LineStatus
    reasons: tuple[str, ...]
    figures: tuple[FigureUse, ...]
    assumptions: tuple[str, ...]
    readings: tuple[tuple[str, str], ...]
    across: tuple[Read, ...] = ()


class InvoiceLine:
    """One municipality's month: the amount billed, and what it stands on (:class:`Footing`);
    ``across``, what its rules read at other months.

    ``reasons`` say why a line is provisional or not computed (for a line not computed, the
    first says why); a line may also carry notes among them that do not make it provisional (a
    final line billed by the statute says that no agreement governs its month).

    Its inputs, steps and values are made from the values billing kept (``derivation``, of which
    the line is row ``row``) each time they are asked for: a run of tens of thousands of lines
    makes none of them for a CSV of amounts. Lines are equal when everything they say is.

    A line never changes once made: every attribute is read-only. (Not a frozen dataclass: a
    run makes one line for each municipality and month, and a frozen dataclass takes four times
    as long to make.)"""

    __slots__ = ("_amount", "_derivation", "_footing", "_municipality", "_row")

    def __init__(
        self,
        municipality: str,
        amount: Decimal | int | None,
        footing: Footing,
        derivation: Derivation,
        row: int = 0,
    ) -> None:
        self._municipality = municipality
        self._amount = amount  # whole kronor as an int: a third of a Decimal's memory
        self._footing = footing
        self._derivation = derivation
        self._row = row

    @property
    def municipality(self) -> str:
        return self._municipality

    @property
    def amount(self) -> Decimal | None:
        """The net amount billed; None when not computed."""
        amount = self._amount
        return Decimal(amount) if isinstance(amount, int) else amount

    @property
    def footing(self) -> Footing:
        return self._footing

    @property
    def derivation(self) -> Derivation:
        return self._derivation

    @property
    def row(self) -> int:
        return self._row

    def __repr__(self) -> str:
        return (
            f"InvoiceLine({self.municipality!r}, {self.month}, {self.status.value}, {self.amount})"
        )

    @property
    def month(self) -> YearMonth:
        return self._footing.month

    @property
    def governance(self) -> Governance:
        governance = self._footing.governance
        if governance.municipality == self.municipality:
            return governance
        return governance.of(self.municipality)

    @property
    def documents(self) -> tuple[Document, ...]:
        return self._footing.documents

    @property
    def status(self) -> LineStatus:
        return self._footing.status

    @property
    def reasons(self) -> tuple[str, ...]:
        return self._footing.reasons

    @property
    def figures(self) -> tuple[FigureUse, ...]:
        return self._footing.figures

    @property
    def assumptions(self) -> tuple[str, ...]:
        return self._footing.assumptions

    @property
    def readings(self) -> tuple[tuple[str, str], ...]:
        """The reading of each assumption the line relies on (or that decides what governs its
        month), by assumption id: the rules' own (``default``), or the one chosen."""
        return self._footing.readings

    @property
    def across(self) -> tuple[Read, ...]:
        return self._footing.across

    @property
    def inputs(self) -> dict[str, Amount]:
        """The aggregates that went in, by name."""
        return self._derivation.inputs(self._row)

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every rule evaluated, in order, with its value."""
        return self._derivation.steps(self._row)

    def value(self, name: str) -> Value | None:
        """The value of an input or a rule; None for any other name."""
        return self._derivation.value(name, self._row)

    def values(self) -> dict[str, Value]:
        """Every value of the line by name, as :meth:`value` gives each."""
        found: dict[str, Value] = {}
        for step in self.steps:
            found.setdefault(step.rule, step.value)
        found.update(self.inputs)
        return found

    def said(self) -> tuple[object, ...]:
        """Everything the line says, for comparing lines."""
        return (
            self.municipality,
            self.month,
            self.governance,
            self.documents,
            self.status,
            self.reasons,
            self.inputs,
            self.steps,
            self.figures,
            self.assumptions,
            self.amount,
            self.across,
            self.readings,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, InvoiceLine):
            return NotImplemented
        return self is other or self.said() == other.said()

    __hash__ = None  # type: ignore[assignment]  # equal by what they say, which can change


EXACT_SUMS = Context(
    prec=MAX_PREC,
    Emax=MAX_EMAX,
    Emin=MIN_EMIN,
    traps=[InvalidOperation, DivisionByZero, Overflow, Inexact],
)
"""The decimal context totals are added in. The default context keeps 28 digits and rounds the
rest away without a word; this one keeps as many as Python can, so that every sum of amounts is
exact, and it would stop with an error rather than round."""


@frozen
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

    def count(self, status: LineStatus) -> int:
        """How many lines have ``status``: counted from their footings, in C (a property read
        for each of tens of thousands of lines took 22 ms of a national run)."""
        return countOf(map(_STATUS, line_footings(self.lines)), status)

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


Run = tuple[Derivation, int, int, int]
"""A run of consecutive lines that are consecutive rows of one derivation: (derivation, first
row, row after the last, place of the run's first line among the lines)."""


def kept_amounts(lines: Sequence[InvoiceLine]) -> list[int | Decimal | None]:
    """The amount billed on each line as billing kept it: whole kronor as an int (most), any
    other amount a Decimal, None when not computed. :attr:`InvoiceLine.amount` is each as a
    Decimal; a column of tens of thousands of whole kronor is written without making them."""
    return list(map(_KEPT_AMOUNT, lines))


def line_footings(lines: Sequence[InvoiceLine]) -> list[Footing]:
    """Each line's :attr:`~InvoiceLine.footing`, for a column of tens of thousands of lines."""
    return list(map(_KEPT_FOOTING, lines))


def line_municipalities(lines: Sequence[InvoiceLine]) -> list[str]:
    """Each line's :attr:`~InvoiceLine.municipality`, for a column of tens of thousands."""
    return list(map(_KEPT_MUNICIPALITY, lines))


# The slots read as they are: a property read for each of tens of thousands of lines takes
# three times as long (a call of Python code for each).
_KEPT_AMOUNT = attrgetter("_amount")
_STATUS = attrgetter("status")
_KEPT_FOOTING = attrgetter("_footing")
_KEPT_MUNICIPALITY = attrgetter("_municipality")


def quantities(runs: Sequence[Run], names: Sequence[str]) -> dict[str, Quantities]:
    """The values of each name on each of the lines (as :meth:`InvoiceLine.value` gives them),
    the quantities as integers: what a CSV or a table of tens of thousands of lines shows, read
    from the columns billing kept, a run of lines at a time (``runs``: :func:`line_runs`)."""
    found = {}
    for name in names:
        numerators: list[int] = []
        denominators: list[int] = []
        others: dict[int, Value | None] = {}
        for derivation, start, stop, first in runs:
            part = derivation.quantities(name, start, stop)
            numerators += part.numerators
            denominators += part.denominators
            others.update((first + at, value) for at, value in part.others.items())
        found[name] = Quantities(numerators, denominators, others)
    return found


def decimals_end(runs: Sequence[Run], names: Sequence[str]) -> set[str]:
    """The names whose every quantity on the lines has decimals that end (any other value, or
    none, does not count), found a run of lines at a time (``runs``: :func:`line_runs`)."""
    return {
        name
        for name in names
        if all(derivation.decimals_end(name, start, stop) for derivation, start, stop, _ in runs)
    }


def line_runs(lines: Sequence[InvoiceLine]) -> list[Run]:
    """The lines as runs of consecutive rows of one derivation (:data:`Run`), found in one
    walk over the lines: an output finds them once for all its parts (:func:`runs_within`)."""
    runs: list[Run] = []
    derivation: Derivation | None = None
    start = stop = 0
    for at, line in enumerate(lines):
        if line._derivation is not derivation or line._row != stop:
            if derivation is not None:
                runs.append((derivation, start, stop, at - (stop - start)))
            derivation, start, stop = line._derivation, line._row, line._row
        stop += 1
    if derivation is not None:
        runs.append((derivation, start, stop, len(lines) - (stop - start)))
    return runs


def runs_within(runs: Sequence[Run], first: int, end: int) -> list[Run]:
    """The runs of the lines ``first`` to ``end`` (not included) of the lines whose runs are
    given: those runs that reach into them, cut to them, placed from ``first``. The first is
    found by bisection: lines not computed are a run each, and a part looks at its own only."""
    within = []
    at = max(bisect_right(runs, first, key=_PLACE) - 1, 0)
    for derivation, start, stop, place in runs[at:]:
        if place >= end:
            break
        low, high = max(place, first), min(place + stop - start, end)
        if low < high:
            row = start + low - place
            within.append((derivation, row, row + high - low, low - first))
    return within


_PLACE = itemgetter(3)
