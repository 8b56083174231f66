"""The exactness of notes: however a sent line is corrected, again and again, the invoice plus
its notes equals the line computed today, to the öre (hypothesis, hundreds of corrections)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledgers import MONTH, Library

import agreement_engine as engine
from agreement_engine.billing.bill import bill
from agreement_engine.billing.inputs import AggregateData
from agreement_engine.data import MonthlyFigures, ReadReport
from agreement_engine.diagnostics import Location
from agreement_engine.ledger import Billed, Ledger

Figures = tuple[int, int]


class Memory:
    """Bills Alfa's March from figures held in memory (``data`` names them: "episodes,days"),
    so that hundreds of corrections take no file reading."""

    def __init__(self, library: engine.Library) -> None:
        self.library = library

    def bill(
        self,
        data: str,
        first: engine.YearMonth,
        last: engine.YearMonth | None,
        *,
        agreements: Sequence[str],
        assume_approved: bool,
        municipality: str | None,
    ) -> Billed:
        episodes, days = map(int, data.split(","))
        row = MonthlyFigures("Alfa", first, episodes, Decimal(days), None, Location(data, 1, 1))
        source = AggregateData.of([row])
        basis = bill(self.library, source, [first], ["Alfa"])
        report = ReadReport(data, "memory", 1, 1, 1)
        return Billed(basis, source, data, "0" * 64, report, ())

    def load(self, agreements: Sequence[str]) -> engine.Library:
        return self.library


def computed(library: engine.Library, figures: Figures) -> Decimal:
    """The line as billing computes it, without the ledger."""
    line = Memory(library).bill(
        f"{figures[0]},{figures[1]}", MONTH, None, agreements=(), assume_approved=False,
        municipality=None,
    ).basis.lines[0]  # fmt: skip
    assert line.amount is not None
    return line.amount


figures = st.tuples(st.integers(1, 400), st.integers(0, 4000))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=figures, corrections=st.lists(figures, min_size=1, max_size=12))
def test_the_invoice_plus_its_notes_is_the_line_computed_today_to_the_ore(
    tmp_path_factory: object, first: Figures, corrections: list[Figures]
) -> None:
    """Each correction's note is exactly what was still owed or overpaid; a correction to the
    same amount issues nothing; numbers run on without a gap."""
    folder: Path = tmp_path_factory.mktemp("notes")  # type: ignore[attr-defined]
    library = Library(folder / "agreements")
    library.write(cost_2024="1234.57")  # a price per day with öre, so amounts have öre
    loaded = engine.load_library(library.paths)
    ledger = Ledger(str(folder / "ledger.sqlite"), Memory(loaded))
    ledger.draft(f"{first[0]},{first[1]}", MONTH)
    [invoice] = ledger.send(MONTH, "Alfa").documents
    numbers = [invoice.number]
    for figures_now in corrections:
        result = ledger.correct(f"{figures_now[0]},{figures_now[1]}", MONTH, "Alfa", reason="r")
        today = computed(loaded, figures_now)
        billed = sum((d.amount for d in ledger.documents()), Decimal(0))
        assert billed == today == result.computed
        if result.document is None:
            assert result.booked == today
        else:
            numbers.append(result.document.number)
            assert result.document.kind == (
                "credit note" if result.difference < 0 else "debit note"
            )
            assert result.document.refers_to == invoice.number
    assert numbers == list(range(1, len(numbers) + 1))
    assert ledger.verify().problems == ()
