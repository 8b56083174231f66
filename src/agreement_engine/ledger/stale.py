"""``invoice stale``: the sent municipality-months whose amount would differ if computed today.

Today means: under the agreement files as they are now (an approval that arrived, an official
figure that replaced a provisional one, a file that changed), from the inputs the ledger stored
for each line, or from newer data when it is given. Each is listed with the difference against
what was billed (the invoice and its notes) and the causes.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import localcontext
from typing import TYPE_CHECKING, Any

from agreement_engine.billing.lines import EXACT_SUMS, InvoiceLine
from agreement_engine.diagnostics import Text
from agreement_engine.ledger.changes import changes
from agreement_engine.ledger.drafting import Prepared
from agreement_engine.ledger.history import History, document, histories
from agreement_engine.ledger.recompute import job, recompute
from agreement_engine.ledger.records import line_record
from agreement_engine.ledger.results import Change, StaleItem
from agreement_engine.ledger.store import Store
from agreement_engine.months import YearMonth

if TYPE_CHECKING:
    from agreement_engine.ledger.book import Engine


def stale(
    store: Store, engine: Engine, agreements: Sequence[str], data: str | None
) -> tuple[StaleItem, ...]:
    with store.reading() as conn:
        sent = [h for h in histories(conn).values() if h.invoice is not None]
    if not sent:
        return ()
    today: dict[tuple[str, str], tuple[InvoiceLine, dict[str, Any]]] = {}
    for assume in (False, True):
        group = [h for h in sent if _assumed(h) == assume]
        if group:
            today.update(_today(engine, agreements, data, group, assume))
    items = []
    for history in sent:
        found = today.get((history.municipality, history.month))
        if found is not None:
            item = _item(history, *found)
            if item is not None:
                items.append(item)
    return tuple(items)


def _assumed(history: History) -> bool:
    return bool(history.latest.content["line"]["governance"]["assume_approved"])


def _today(
    engine: Engine,
    agreements: Sequence[str],
    data: str | None,
    group: list[History],
    assume: bool,
) -> dict[tuple[str, str], tuple[InvoiceLine, dict[str, Any]]]:
    """Each line computed today, with the body it would be recorded with."""
    if data is not None:
        start = min(YearMonth.parse(h.month) for h in group)
        end = max(YearMonth.parse(h.month) for h in group)
        billed = engine.bill(
            data, start, end, agreements=agreements, assume_approved=assume, municipality=None
        )
        wanted = {(h.municipality, h.month) for h in group}
        return {
            (v.line.municipality, str(v.line.month)): (v.line, v.whole)
            for v in Prepared(billed).lines
            if (v.line.municipality, str(v.line.month)) in wanted
        }
    library = engine.load(agreements)
    jobs = [job(h.municipality, h.month, h.latest.content) for h in group]
    out = {}
    for history, line in zip(group, recompute(library, jobs, assume), strict=True):
        body = {**history.latest.content, "line": line_record(line, assume)}
        out[(history.municipality, history.month)] = (line, body)
    return out


def _item(history: History, line: InvoiceLine, body: dict[str, Any]) -> StaleItem | None:
    assert history.invoice is not None
    booked = history.booked
    causes = changes(history.latest.content, body)
    if line.amount is not None:
        with localcontext(EXACT_SUMS):
            if line.amount == booked:
                return None
        if not causes:
            causes = (Change("amount", Text("the line comes to another amount"), {}),)
        return StaleItem(document(history.invoice), booked, line.amount, causes)
    # Not computable today: what changed in what governs is the cause; the inputs and figures
    # of a line that could not be computed say nothing.
    causes = tuple(c for c in causes if c.what in ("approval", "agreement file"))
    if not causes:
        return None
    why = Text.joined("; ", line.reasons)
    return StaleItem(document(history.invoice), booked, None, causes, why)
