"""The parts documents are made of: citations, rules, validities, approvals, figures, readings.

Every part remembers where it was written, so later problems point at the right line, and keeps
everything the file says about it, words and citations included.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from agreement_engine.agreements.yaml_document import YamlDocument
from agreement_engine.diagnostics import Location
from agreement_engine.formula.ast import Expr
from agreement_engine.formula.program import Program
from agreement_engine.formula.types import Quantity, Type
from agreement_engine.frozen import field, frozen
from agreement_engine.months import YearMonth

KeyPath = tuple[str | int, ...]
FORMAT = "agreement-engine/1"
BUNDLED = "bundled"
"""The name of an assumption's reading (the one the rules follow) when the file gives none."""


@frozen
class Citation:
    """Where a rule or figure comes from: a source document, a section, a verbatim quote.

    It is written at ``keypath`` of ``yaml`` (the key path of its ``source``); its
    :attr:`location` is found from there when asked for, as a formula's is: a file may cite
    thousands of times (an agreement's evidence of each party's approval), and a location is
    read only when something about the citation is reported. Citations are equal when they say
    the same and are written at the same key path of the same file.
    """

    source: str
    section: str | None
    quote: str | None
    yaml: YamlDocument = field(repr=False)
    keypath: KeyPath

    @property
    def location(self) -> Location:
        """Where its source is named in the file."""
        return self.yaml.locate(self.keypath)


@frozen
class Source:
    id: str
    title: str
    reference: str | None
    date: str | None
    file: str | None  # where a copy of the source document is kept


@frozen
class Passage:
    """Text kept for the record (a provision, how an agreement may be extended, a caveat for
    reviewers), with its citations: nothing is billed from it."""

    text: str
    cites: tuple[Citation, ...]


@frozen
class Formula:
    """A formula as written (text and place) and as compiled when its file was loaded (None
    when it does not parse): billing evaluates the program it holds."""

    text: str
    program: Program | None
    yaml: YamlDocument
    keypath: KeyPath

    @property
    def expr(self) -> Expr | None:
        """The formula's syntax tree; None when it does not parse."""
        return self.program.expr if self.program is not None else None

    def locate(self, start: int, end: int) -> Location:
        """The file position of characters [start, end) of the formula text."""
        start = min(max(0, start), max(0, len(self.text) - 1))
        return self.yaml.locate_in_scalar(self.keypath, start, max(1, end - start))

    @property
    def location(self) -> Location:
        return self.locate(0, len(self.text.split("\n", 1)[0]))


@frozen
class Rule:
    """A named rule: its formula, declared unit, citation and the assumptions it relies on.

    ``document`` is the document it is written in; ``reading`` names the reading
    (``assumption=alternative``) whose rules it is one of, when it is written there.
    """

    name: str
    formula: Formula
    unit: Type | None
    unit_text: str | None
    cites: tuple[Citation, ...]
    assumes: tuple[tuple[str, Location], ...]
    description: str | None
    document: str
    location: Location
    reading: str | None = field(default=None, kw_only=True)


@frozen
class Counting:
    """How an episode-level extract becomes the monthly figures."""

    month: Rule
    rules: dict[str, Rule]
    aggregates: dict[str, Rule]


@frozen
class Validity:
    """First and last day in force (both included); ``end`` None means open-ended."""

    start: dt.date
    end: dt.date | None
    start_location: Location
    end_location: Location | None
    cites: tuple[Citation, ...]

    def covers(self, month: YearMonth) -> bool:
        """Whether the document is in force on any day of the month."""
        return self.start <= month.last_day and (self.end is None or self.end >= month.first_day)

    @property
    def first_month(self) -> YearMonth:
        return YearMonth.of(self.start)

    @property
    def last_month(self) -> YearMonth | None:
        return YearMonth.of(self.end) if self.end else None


@frozen
class Approval:
    """One party's decision on a document, and what shows it.

    A decision on record has its ``evidence``, the citation of the decision, and the ``body``,
    ``date`` and ``decision`` (its reference) as far as the sources give them. A decision the
    sources do not quote is ``inferred``: the text says why it is taken as given, and
    ``evidence`` what it rests on.
    """

    party: str
    status: str  # approved, pending or rejected
    date: str | None
    decision: str | None  # the decision's reference, e.g. "KF § 12"
    evidence: tuple[Citation, ...]
    yaml: YamlDocument = field(repr=False)  # as a citation's
    keypath: KeyPath  # of the entry under ``approval.by``, its key the party
    body: str | None = field(default=None, kw_only=True)  # who decided, e.g. "kommunfullmäktige"
    inferred: str | None = field(default=None, kw_only=True)

    @property
    def location(self) -> Location:
        """Where the party is named under ``approval.by`` (found when asked for, as a
        citation's is: an agreement may have thousands of parties)."""
        return self.yaml.locate(self.keypath, key=True)

    @property
    def decided(self) -> bool:
        """Whether the status is a decision taken (approved or rejected), not one awaited."""
        return self.status != "pending"

    @property
    def documented(self) -> bool:
        """Whether the decision is on record (its evidence cites it), not inferred."""
        return self.inferred is None


@frozen
class ApprovalTerms:
    """Who must approve a document before it is in force (``all-parties`` in format 1), and
    where that is written."""

    required: str
    cites: tuple[Citation, ...]


@frozen
class Figure:
    """One dated value of a parameter; ``value`` is None exactly when the status is missing."""

    key: str
    value: Decimal | None
    status: str  # official, provisional or missing
    cites: tuple[Citation, ...]
    location: Location
    illustrative: bool  # made up for examples: every result using it says so
    document: str
    note: str | None = None


@frozen
class ParameterSeries:
    name: str
    title: str
    unit: Quantity
    unit_text: str
    period: str  # year or month
    figures: dict[str, Figure]
    illustrative: bool
    document: str
    location: Location
    description: str | None = None
    notes: str | None = None


# -- readings -------------------------------------------------------------------------------------


@frozen
class Change:
    """What a reading changes in one document: rules replaced or added, parts of the counting,
    the validity, figures. Under the reading the document is billed as if it said so."""

    document: str
    rules: dict[str, Rule]
    counting_month: Rule | None
    counting_rules: dict[str, Rule]
    aggregates: dict[str, Rule]
    validity: Validity | None
    figures: dict[str, dict[str, Figure]]  # by parameter, then by key
    location: Location
    keypath: KeyPath
    """Where the change is written in the declaring file: the alternative, or its ``also``."""

    @property
    def rule_parts(self) -> tuple[tuple[str, str, Rule], ...]:
        """Every rule of the change: (part, name, rule), part being ``rules``, ``counting`` or
        ``aggregates``."""
        found: list[tuple[str, str, Rule]] = [("rules", n, r) for n, r in self.rules.items()]
        if self.counting_month is not None:
            found.append(("counting", "month", self.counting_month))
        found += [("counting", n, r) for n, r in self.counting_rules.items()]
        found += [("aggregates", n, r) for n, r in self.aggregates.items()]
        return tuple(found)


@frozen
class Alternative:
    """A reading not taken, with the changes that implement it. An alternative written as text
    alone has no id and cannot be chosen; one with an id and no changes says why (``no_rules``):
    it changes no money on the data, or cannot be written without inventing a number."""

    id: str | None
    reading: str
    changes: tuple[Change, ...]
    no_rules: str | None
    cites: tuple[Citation, ...]
    location: Location

    @property
    def implemented(self) -> bool:
        return bool(self.changes)


@frozen
class Assumption:
    """A declared reading of ambiguous source text (named ``default``), with the readings not
    taken."""

    id: str
    reading: str
    alternatives: tuple[Alternative, ...]
    cites: tuple[Citation, ...]
    document: str
    location: Location
    default: str = field(default=BUNDLED, kw_only=True)

    def alternative(self, alternative_id: str) -> Alternative | None:
        """The alternative of that id, if there is one."""
        return next((a for a in self.alternatives if a.id == alternative_id), None)

    @property
    def choices(self) -> tuple[str, ...]:
        """The ids a reading of this assumption can be chosen by: the default, then each
        alternative that has one."""
        return (self.default, *(a.id for a in self.alternatives if a.id is not None))
