"""What the ledger keeps of a line's inputs, and what it says changed: the counted episodes
(ids and days only), and, for ``invoice stale``, the approvals, figures, agreement files and data
that would change a sent invoice today."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from ledgers import MARCH, MONTH, Library, aggregates, episodes, open_ledger

from agreement_engine import YearMonth

EXTRACT = {
    "E1": ("Alfa", "2024-02-20", "2024-03-01"),  # 10 days
    "E2": ("Alfa", "2024-03-01", "2024-03-03"),  # 2 days
    "E3": ("Alfa", "2024-03-05", "2024-03-05"),  # 0 days: in the month, not counted
    "E4": ("Beta", "2024-03-01", "2024-03-09"),  # 8 days
    "E5": ("Alfa", "2024-02-01", "2024-02-10"),  # February
}


def test_a_line_from_an_extract_keeps_each_counted_episode_s_id_and_days_only(
    tmp_path: Path, library: Library
) -> None:
    """No names, no personal identity numbers, no dates: the id and the days of each episode
    of the municipality's month."""
    where = str(tmp_path / "ledger.sqlite")
    data = episodes(tmp_path, EXTRACT)
    result = open_ledger(where).draft(data, MONTH, agreements=library.paths)
    amounts = {s.municipality: s.amount for s in result.lines}
    # Alfa: 2 episodes, 12 days: (6 − 3.5) × 2 × 1000 = 5 000 kr; Beta: (8 − 3.5) × 1000.
    assert amounts == {"Alfa": Decimal("5000"), "Beta": Decimal("4500"), "Gamma": Decimal("0")}
    with sqlite3.connect(where) as db:
        body = db.execute("SELECT body FROM ledger_events WHERE seq = 1").fetchone()[0]
    assert '"episodes":{"days_ready":[10,2,0],"episode_id":["E1","E2","E3"]}' in body
    assert "2024-02-20" not in body


def test_an_adjustment_names_the_episodes_added_removed_and_changed(
    tmp_path: Path, library: Library
) -> None:
    """A corrected extract: which episode ids came, went or changed, with their days."""
    where = str(tmp_path / "ledger.sqlite")
    ledger = open_ledger(where)
    ledger.draft(episodes(tmp_path, EXTRACT), MONTH, agreements=library.paths)
    corrected = {k: v for k, v in EXTRACT.items() if k != "E2"}
    corrected["E1"] = ("Alfa", "2024-02-25", "2024-03-01")  # 5 days
    corrected["E6"] = ("Alfa", "2024-03-10", "2024-03-14")  # 4 days
    data = episodes(tmp_path, corrected, "corrected.csv")
    [alfa] = ledger.adjust(
        data, MONTH, "Alfa", reason="corrected extract", agreements=library.paths
    ).lines
    assert [c.text for c in alfa.changes if c.what in ("aggregate", "episodes")] == [
        "total_days 12 → 9",
        "1 episode added: E6 (days_ready 4)",
        "1 episode removed: E2 (days_ready 2)",
        "1 episode changed: E1 (days_ready 10 → days_ready 5)",
    ]


def test_stale_is_empty_while_nothing_has_changed(
    tmp_path: Path, library: Library, data: str
) -> None:
    """Computed today from what the ledger holds, every sent invoice comes to what was billed."""
    where = str(tmp_path / "ledger.sqlite")
    ledger = open_ledger(where)
    ledger.draft(data, MONTH, agreements=library.paths)
    ledger.send(MONTH)
    assert ledger.stale(agreements=library.paths) == ()


def test_stale_lists_invoices_an_official_figure_changes_with_the_difference(
    tmp_path: Path, library: Library
) -> None:
    """A provisional price per day replaced by the official one: every line with days over
    the benchmark changes, by the difference, and the figure is named as the cause."""
    library.write(status_2024="provisional")
    data = aggregates(tmp_path, MARCH)
    ledger = open_ledger(str(tmp_path / "ledger.sqlite"))
    ledger.draft(data, MONTH, agreements=library.paths)
    ledger.send(MONTH, accept_provisional="price not yet published")
    library.write(cost_2024="1100", status_2024="official")
    found = ledger.stale(agreements=library.paths)
    assert [(i.invoice.municipality, i.booked, i.today, i.difference) for i in found] == [
        ("Alfa", Decimal("15000"), Decimal("16500"), Decimal("1500")),
        ("Gamma", Decimal("5500"), Decimal("6050"), Decimal("550")),
    ]
    assert [c.text for c in found[0].causes] == [
        "figure national_day_cost for 2024: 1000 (provisional) → 1100 (official)"
    ]


def test_stale_lists_invoices_an_approval_that_arrived_changes(
    tmp_path: Path, library: Library
) -> None:
    """Billed as if the extension were approved? Then nothing changes when it is. Billed while it
    was pending, with nothing governing: not computed, so never sent. Here: 2025 billed as if
    approved (--assume-approved), then approved: the same amounts, not stale; the cause of a
    stale invoice is named when an approval changes what governs."""
    rows = {(m, "2025-03"): v for (m, _), v in MARCH.items()}
    data = aggregates(tmp_path, rows)
    ledger = open_ledger(str(tmp_path / "ledger.sqlite"))
    month = YearMonth(2025, 3)
    drafted = ledger.draft(data, month, agreements=library.paths)
    assert {s.status for s in drafted.lines} == {"not computed"}
    ledger.draft(
        data, month, agreements=library.paths, assume_approved=True, reason="as if approved"
    )
    ledger.send(month, accept_provisional="the extension awaits approval")
    library.write(approved=True)
    assert ledger.stale(agreements=library.paths) == ()
    library.write(approved=True, cost_2024="1000")
    library.folder.joinpath("figures.yaml").write_text(
        library.folder.joinpath("figures.yaml").read_text().replace("value: 1100", "value: 1200"),
        encoding="utf-8",
    )
    found = ledger.stale(agreements=library.paths)
    assert [(i.invoice.municipality, i.difference) for i in found] == [
        ("Alfa", Decimal("1500")),
        ("Gamma", Decimal("550")),
    ]
    assert "figure national_day_cost for 2025: 1100 (provisional) → 1200 (provisional)" in [
        c.text for c in found[0].causes
    ]


def test_stale_with_newer_data_names_the_data_that_changed(
    tmp_path: Path, library: Library, data: str
) -> None:
    """Newer data given: the lines it changes, the aggregates that changed."""
    ledger = open_ledger(str(tmp_path / "ledger.sqlite"))
    ledger.draft(data, MONTH, agreements=library.paths)
    ledger.send(MONTH)
    newer = aggregates(tmp_path, {**MARCH, ("Beta", "2024-03"): (4, 20)}, "newer.csv")
    [item] = ledger.stale(agreements=library.paths, data=newer)
    assert (item.invoice.number, item.booked, item.today) == (2, Decimal("0"), Decimal("6000"))
    assert item.causes[0].text == "total_days 13 → 20"
    assert item.causes[-1].what == "data"


def test_stale_names_an_agreement_file_that_changed(
    tmp_path: Path, library: Library, data: str
) -> None:
    """The benchmark edited in the agreement file: the file (by hash) is the cause."""
    ledger = open_ledger(str(tmp_path / "ledger.sqlite"))
    ledger.draft(data, MONTH, agreements=library.paths)
    ledger.send(MONTH)
    agreement = library.folder / "agreement.yaml"
    agreement.write_text(agreement.read_text().replace("3.5 days", "3 days"), encoding="utf-8")
    found = ledger.stale(agreements=library.paths)
    assert [(i.invoice.municipality, i.difference) for i in found] == [
        ("Alfa", Decimal("5000")),
        ("Beta", Decimal("1000")),
        ("Gamma", Decimal("1500")),
    ]
    [cause] = found[0].causes
    assert cause.what == "agreement file"
    assert cause.text.startswith("agreement file test-model changed (sha256 ")


ROOT = Path(__file__).resolve().parents[2]


def test_stale_names_the_approval_that_arrived_for_a_month_the_statute_billed(
    tmp_path: Path,
) -> None:
    """The bundled Halland files: 2026-03 billed by the statute while the 2026 extension awaits
    approval; once every party has approved it (in a copy here: no approval is on file), the
    agreement governs, and stale names the approval as the cause, with the difference."""
    import shutil

    agreements = tmp_path / "agreements"
    shutil.copytree(ROOT / "agreements", agreements)
    figures = str(ROOT / "examples/halland/illustrative-figures.yaml")
    extract = str(ROOT / "examples/halland/episodes.csv")
    ledger = open_ledger(str(tmp_path / "ledger.sqlite"))
    month = YearMonth(2026, 3)
    ledger.draft(extract, month, agreements=[str(agreements), figures])
    ledger.send(month, "Hylte", accept_provisional="made-up figures; extension pending")
    extension = agreements / "halland/2026-extension.yaml"
    extension.write_text(extension.read_text().replace("status: pending", "status: approved"))
    [item] = ledger.stale(agreements=[str(agreements), figures], data=extract)
    assert (item.booked, item.today) == (Decimal("192000"), Decimal("53040"))
    assert item.causes[0].text == (
        "every party has now approved halland-2025-extension-2026: it governs this month, "
        "where the statute governed while it awaited approval"
    )
    [without_data] = ledger.stale(agreements=[str(agreements), figures])
    assert without_data.today is None and without_data.why is not None
    assert "give the data with --data" in without_data.why


def test_the_episodes_a_line_counted_are_the_same_kept_from_the_checking_pass_or_read_again() -> (
    None
):
    """The ledger takes each line's episodes from the rows the checking pass kept, rather than
    reading the extract again: ids and days exactly as a second reading gives them, under the
    Halland agreements (the statute counts notice times too)."""
    from agreement_engine import api
    from agreement_engine.api.evaluation import evaluate_run
    from agreement_engine.ledger.episodes import counted_episodes

    agreements = [
        str(ROOT / "agreements"),
        str(ROOT / "examples/halland/illustrative-figures.yaml"),
    ]
    data = str(ROOT / "examples/halland/episodes.csv")
    months = (YearMonth(2022, 11), YearMonth(2026, 12))
    kept = evaluate_run(data, *months, agreements=agreements, keep_counted=True)
    again = api.evaluate(data, *months, agreements=agreements)
    assert kept.source is not None and again.source is not None
    assert kept.source.extract.kept is not None  # type: ignore[union-attr]
    assert again.source.extract.kept is None  # type: ignore[union-attr]
    counted = counted_episodes(kept.basis, kept.source)  # type: ignore[arg-type]
    assert counted == counted_episodes(again.basis, again.source)  # type: ignore[arg-type]
    assert sum(len(c["episode_id"]) for c in counted.values()) > 10_000
