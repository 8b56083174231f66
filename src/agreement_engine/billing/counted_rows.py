"""Which rows of an episode extract a run used: those counted in a line it billed.

Reading an extract checks every row and leaves out those of municipalities no agreement names;
which of the rest a run uses is known only once it is billed: a one-month run over an extract
of four years counts the episodes of one month. The counting took, for each municipality and
month, how many rows it counted there (:data:`.episode_counts.ROWS_COUNTED`), so the report can
say, as the aggregates report does, how many rows were used and why the others were not: in
another month, of a municipality not asked for, or in no month at all (an episode not yet
discharged, counted by its discharge date).

The rows a month's line counts are those whose counting month (by the governing document's
counting rules) is that month. When the documents billing a run count months alike (the same
month formula, through the same rules), each row counts in one month at most and the sums are
exact. Documents that count months differently could count one row in two lines; the report is
then left as reading made it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby, repeat
from typing import NamedTuple

from agreement_engine.agreements.documents import Counting
from agreement_engine.billing.inputs import ROWS_COUNTED, EpisodeData
from agreement_engine.billing.lines import (
    Footing,
    InvoiceBasis,
    line_footings,
    line_municipalities,
)
from agreement_engine.billing.ruleset import dependencies
from agreement_engine.data import ReadReport
from agreement_engine.data.report import Exclusion
from agreement_engine.diagnostics import Text
from agreement_engine.formula import unparse
from agreement_engine.formula.ast import Expr
from agreement_engine.frozen import replace
from agreement_engine.months import YearMonth


def counted_report(report: ReadReport, basis: InvoiceBasis, data: EpisodeData) -> ReadReport:
    """The read report with the rows the run's lines did not count moved to the excluded."""
    footings = line_footings(basis.lines)
    countings = _countings(dict.fromkeys(footings), data)  # distinct footings, in line order
    definitions = {_month_definition(counting) for counting in countings.values()}
    if len(definitions) != 1:
        return report  # nothing counted, or months counted in more than one way
    counted = data.counted[next(iter(countings))]
    rows = {key: sums.get(ROWS_COUNTED, 0) for key, sums in counted.items()}
    billed = _billed(line_municipalities(basis.lines), footings, countings)
    unbilled = rows.keys() - billed  # most are billed: the rows used are those of the rest
    total = sum(rows.values())
    used = total - sum(rows[key] for key in unbilled)
    left = _left_out(rows, unbilled, basis, report.rows_used - total)
    month = next(iter(countings.values())).month.formula.text
    excluded = _merged(report.excluded, _exclusions(left, basis, month))
    return replace(report, rows_used=used, excluded=excluded)


def _countings(footings: Iterable[Footing], data: EpisodeData) -> dict[str, Counting]:
    """The counting rules of the documents that bill the run's lines from the extract, by id,
    in the order of the lines (the first names the counting month in the report)."""
    found: dict[str, Counting] = {}
    for footing in footings:
        base = footing.documents[0] if footing.documents else None
        counting = getattr(base, "counting", None)
        if base is not None and isinstance(counting, Counting) and base.id in data.counted:
            found[base.id] = counting
    return found


def _billed(
    municipalities: Sequence[str], footings: Sequence[Footing], countings: Mapping[str, Counting]
) -> set[tuple[str, int]]:
    """The municipality and month (:func:`_index`) of each line billed from the extract, taken
    a run of lines on one footing at a time (a month's lines of a rule set share one): the
    footing says for all of them whether they are counted, and their month."""
    billed: set[tuple[str, int]] = set()
    at = 0
    for footing, run in groupby(footings):
        end = at + len(list(run))
        documents = footing.documents
        if documents and documents[0].id in countings:
            billed.update(zip(municipalities[at:end], repeat(_index(footing.month))))
        at = end
    return billed


def _month_definition(counting: Counting) -> tuple[str, ...]:
    """The counting month's formula and those of the counting rules it reads, canonically."""
    seen: dict[str, None] = {}
    waiting = sorted(_uses(counting.month.formula.expr) & counting.rules.keys())
    while waiting:
        name = waiting.pop()
        if name not in seen:
            seen[name] = None
            waiting += sorted(_uses(counting.rules[name].formula.expr) & counting.rules.keys())
    rules = [f"{name}: {_text(counting.rules[name].formula.expr)}" for name in sorted(seen)]
    return (_text(counting.month.formula.expr), *rules)


def _uses(expr: Expr | None) -> set[str]:
    return dependencies(expr) if expr is not None else set()


def _text(expr: Expr | None) -> str:
    return unparse(expr) if expr is not None else ""


def _index(month: YearMonth) -> int:
    return month.year * 12 + month.month - 1


def _month(index: int) -> YearMonth:
    return YearMonth(index // 12, index % 12 + 1)


class _Left(NamedTuple):
    """The rows counted in no line of the run, by why."""

    others: dict[str, int]
    """Of municipalities not asked for, by name."""
    outside: dict[str, int]
    """Counted in months not billed, by month."""
    uncounted: dict[str, int]
    """Counted in months billed, but whose lines are not counted from the extract."""
    unmonthed: int
    """Counted in no month: the counting month is empty."""


def _left_out(
    rows: Mapping[tuple[str, int], int],
    unbilled: set[tuple[str, int]],
    basis: InvoiceBasis,
    unmonthed: int,
) -> _Left:
    """The rows of the municipalities' months not billed (``unbilled``), by why."""
    asked = set(basis.municipalities)
    months = {_index(month) for month in basis.months}
    left = _Left({}, {}, {}, unmonthed)
    by_month: dict[int, int] = {}
    for key in unbilled:  # in any order: the counts are summed, the keys sorted
        municipality, index = key
        if municipality not in asked:
            left.others[municipality] = left.others.get(municipality, 0) + rows[key]
        else:
            by_month[index] = by_month.get(index, 0) + rows[key]
    for index, count in by_month.items():  # each month named once, not once a municipality
        found = left.uncounted if index in months else left.outside
        found[str(_month(index))] = count
    return left


def _exclusions(left: _Left, basis: InvoiceBasis, month: str) -> list[Exclusion]:
    """The rows left out, one exclusion per reason (counted, so no row numbers are shown)."""
    first, last = basis.months[0], basis.months[-1]
    outside = (
        Text("{month} other than {first}", month=month, first=first)
        if first == last
        else Text("{month} outside {first} – {last}", month=month, first=first, last=last)
    )
    found = [
        _exclusion(Text("municipality not asked for"), left.others),
        _exclusion(outside, left.outside),
        _exclusion(
            Text("{month} in a month not billed from the extract", month=month), left.uncounted
        ),
    ]
    if left.unmonthed:
        empty = Text("no counting month: {month} is empty", month=month)
        found.append(Exclusion(empty, left.unmonthed, ()))
    return [e for e in found if e.count]


def _exclusion(reason: str, rows: Mapping[str, int]) -> Exclusion:
    shown = tuple(sorted(key for key, count in rows.items() if count))
    return Exclusion(reason, sum(rows.values()), (), shown)


def _merged(read: tuple[Exclusion, ...], counted: list[Exclusion]) -> tuple[Exclusion, ...]:
    """The exclusions of reading and of counting, those for the same reason as one."""
    found = {e.reason: e for e in read}
    for e in counted:
        known = found.get(e.reason)
        if known is not None:
            details = tuple(sorted({*known.details, *e.details}))
            e = Exclusion(e.reason, known.count + e.count, known.rows, details)
        found[e.reason] = e
    return tuple(found.values())
