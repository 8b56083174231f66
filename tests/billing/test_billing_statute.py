"""The statute's day counting (Lag 2017:612, 5 kap.) from an episode extract, worked by hand.

The months are in the gap 2024-11 – 2025-09, where no Halland agreement is on file and the statute
governs. Its price, Socialstyrelsen's national_day_cost, is missing for 2024 and 2025 in the real
file, so a test-only file marked ``illustrative: true`` gives made-up values: 11 000 kr (2024)
and 11 500 kr (2025).

The reading declared in the statute file: liability starts 3 days after the discharge-ready
notice (4 days when it was sent after 12:00; exactly 12:00 counts as by 12:00); liable days run
up to, not including, the discharge day; an episode is billed in the month of its discharge,
at that year's price.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from figures import figures_file, national_day_cost

from agreement_engine.billing.lines import InvoiceBasis, InvoiceLine
from agreement_engine.cli import commands
from agreement_engine.formula.values import exact

ROOT = Path(__file__).resolve().parents[2]
AGREEMENTS = ROOT / "agreements"
MUNICIPALITIES = ("Kungsbacka", "Varberg", "Falkenberg", "Halmstad", "Hylte", "Laholm")

DAY_COSTS = national_day_cost({2024: 11000, 2025: 11500})
HEADER = (
    "Vårdtillfälle-ID;Kommun;Utskrivningsklar datum;Underrättelse klockslag;Utskrivningsdatum;"
    "Inskrivningsmeddelande;Underrättelse;SIP krävs;Kallelse SIP"
)
COST_2024 = "figure national_day_cost for 2024 is illustrative, made up for examples (test-figures)"
COST_2025 = "figure national_day_cost for 2025 is illustrative, made up for examples (test-figures)"
STATUTE = ("lag-2017-612",)


def episode(
    ready: str,
    notice: str,
    discharge: str,
    *,
    municipality: str = "Kungsbacka",
    admission: str = "ja",
    ready_notice: str = "ja",
    sip: str = "nej",
    invitation: str = "",
) -> str:
    """One row of the extract: every notice sent and no SIP required, unless said otherwise."""
    fields = [municipality, ready, notice, discharge, admission, ready_notice, sip, invitation]
    return ";".join(fields)


def bill(
    tmp_path: Path, rows: list[str], month: str, to: str | None = None, *, figures: bool = True
) -> InvoiceBasis:
    """Write the extract (ids E1, E2, …) and bill it under the real files."""
    data = tmp_path / "episodes.csv"
    lines = [HEADER] + [f"E{number};{row}" for number, row in enumerate(rows, 1)]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    agreements = [str(AGREEMENTS)]
    if figures:
        agreements.append(str(figures_file(tmp_path, DAY_COSTS)))
    return commands.evaluate(agreements, str(data), month, to, False).basis


def line_of(basis: InvoiceBasis, municipality: str, month: str) -> InvoiceLine:
    (line,) = (x for x in basis.lines if x.municipality == municipality and str(x.month) == month)
    return line


NO_AGREEMENT = "no agreement on file governs"
"""How the note of a month the statute governs by default starts (tested on its own below)."""


def outcome(line: InvoiceLine) -> tuple[Decimal | None, str, tuple[str, ...], tuple[str, ...]]:
    """What an invoice line says: net amount, status, reasons (without the note that no
    agreement governs the month) and governing documents."""
    reasons = tuple(r for r in line.reasons if not r.startswith(NO_AGREEMENT))
    return line.amount, line.status.value, reasons, tuple(d.id for d in line.documents)


def liable(line: InvoiceLine) -> tuple[str, str]:
    """The month's liable days and the number of episodes with at least one."""
    return exact(line.inputs["liable_days_total"]), exact(line.inputs["episodes"])


# --- when liability starts: 5 kap. 4 § ----------------------------------------------------------


@pytest.mark.parametrize(
    ("notice", "days", "net"),
    [
        # Sent before 12:00 on 11-04: liable from 11-04 + 3 = 11-07; 11-14 − 11-07 = 7 days;
        # 7 × 11 000 = 77 000 kr.
        ("08:15", "7", 77000),
        ("11:59", "7", 77000),
        # Exactly 12:00 counts as by 12:00: from 11-07, 7 days, 77 000 kr.
        ("12:00", "7", 77000),
        # After 12:00: liable from 11-04 + 4 = 11-08; 11-14 − 11-08 = 6 days; 66 000 kr.
        ("12:01", "6", 66000),
        ("23:59", "6", 66000),
    ],
)
def test_liability_starts_three_days_after_a_morning_notice_and_four_after_noon(
    tmp_path: Path, notice: str, days: str, net: int
) -> None:
    """5 kap. 4 §: the hour of the notice moves the first liable day; 12:00 is still morning."""
    basis = bill(tmp_path, [episode("2024-11-04", notice, "2024-11-14")], "2024-11")
    line = line_of(basis, "Kungsbacka", "2024-11")
    assert liable(line) == (days, "1")
    assert outcome(line) == (Decimal(net), "provisional", (COST_2024,), STATUTE)


@pytest.mark.parametrize(
    ("notice", "discharge", "days"),
    [
        # Morning notice, liable from 11-07; discharged 11-06: max(0, 6 − 7) = 0 days.
        ("10:00", "2024-11-06", "0"),
        # Discharged on the first liable day itself: 7 − 7 = 0 days (that day is not counted).
        ("10:00", "2024-11-07", "0"),
        # One day later: 8 − 7 = 1 day.
        ("10:00", "2024-11-08", "1"),
        # Afternoon notice, liable from 11-08; discharged 11-08: 0 days; 11-09: 1 day.
        ("14:30", "2024-11-08", "0"),
        ("14:30", "2024-11-09", "1"),
        # Discharged the day the patient was ready: 4 − 7 < 0, so 0 days.
        ("10:00", "2024-11-04", "0"),
    ],
)
def test_a_discharge_before_or_on_the_first_liable_day_costs_nothing(
    tmp_path: Path, notice: str, discharge: str, days: str
) -> None:
    """Liable days never go below zero, and the discharge day itself is not a liable day."""
    basis = bill(tmp_path, [episode("2024-11-04", notice, discharge)], "2024-11")
    line = line_of(basis, "Kungsbacka", "2024-11")
    # The month's amount: days × 11 000 kr; an episode counts only with 1 liable day or more.
    assert liable(line) == (days, "1" if days != "0" else "0")
    assert line.amount == Decimal(int(days) * 11000)


# --- the preconditions: 5 kap. 3 § ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("admission", "ready_notice", "sip", "invitation", "days"),
    [
        # Everything sent, no SIP needed: from 11-07 to 11-14, 7 days.
        ("ja", "ja", "nej", "", "7"),
        # SIP needed and invited: 7 days.
        ("ja", "ja", "ja", "ja", "7"),
        # No admission notice (inskrivningsmeddelande): no liability, 0 days.
        ("nej", "ja", "nej", "", "0"),
        # Not known whether the admission notice was sent: not shown, so 0 days.
        ("", "ja", "nej", "", "0"),
        # No discharge-ready notice (underrättelse): 0 days.
        ("ja", "nej", "nej", "", "0"),
        # SIP required but no invitation (kallelse) sent: 0 days.
        ("ja", "ja", "ja", "nej", "0"),
        # SIP required, invitation not known: not shown, so 0 days.
        ("ja", "ja", "ja", "", "0"),
    ],
)
def test_without_the_notices_the_statute_requires_the_municipality_is_not_liable(
    tmp_path: Path, admission: str, ready_notice: str, sip: str, invitation: str, days: str
) -> None:
    """5 kap. 3 §: no admission notice, no discharge-ready notice, or no SIP invitation: 0 days."""
    row = episode(
        "2024-11-04",
        "10:00",
        "2024-11-14",
        admission=admission,
        ready_notice=ready_notice,
        sip=sip,
        invitation=invitation,
    )
    basis = bill(tmp_path, [row], "2024-11")
    line = line_of(basis, "Kungsbacka", "2024-11")
    # 7 days × 11 000 = 77 000 kr, or 0 × 11 000 = 0 kr.
    assert liable(line) == (days, "1" if days != "0" else "0")
    assert outcome(line) == (Decimal(int(days) * 11000), "provisional", (COST_2024,), STATUTE)


# --- which month, which price --------------------------------------------------------------------


def test_an_episode_across_a_month_end_is_billed_in_the_month_of_discharge(
    tmp_path: Path,
) -> None:
    """Ready in November, discharged in December: all its liable days belong to December."""
    # Ready 11-28, notice 10:00: liable from 12-01; discharged 12-05: 5 − 1 = 4 days;
    # 4 × 11 000 = 44 000 kr in 2024-12, nothing in 2024-11. The extract covers November too:
    # it holds an episode discharged then (the same day it was ready: no liable day).
    rows = [
        episode("2024-11-28", "10:00", "2024-12-05"),
        episode("2024-11-01", "10:00", "2024-11-01"),
    ]
    basis = bill(tmp_path, rows, "2024-11", "2024-12")
    november = line_of(basis, "Kungsbacka", "2024-11")
    december = line_of(basis, "Kungsbacka", "2024-12")
    assert liable(november) == ("0", "0")
    assert outcome(november) == (Decimal(0), "provisional", (COST_2024,), STATUTE)
    assert liable(december) == ("4", "1")
    assert outcome(december) == (Decimal(44000), "provisional", (COST_2024,), STATUTE)


def test_an_episode_across_new_year_is_priced_at_the_year_of_discharge(tmp_path: Path) -> None:
    """Liable days in December 2024 and January 2025 are all billed in January at 2025's price."""
    rows = [
        # Ready 12-28 09:00: liable from 12-31; discharged 2025-01-05: 12-31 … 01-04 = 5 days.
        episode("2024-12-28", "09:00", "2025-01-05"),
        # Ready 12-30 13:00 (after noon): liable from 2025-01-03; discharged 01-10: 7 days.
        episode("2024-12-30", "13:00", "2025-01-10"),
        # Ready 12-31 10:00: liable from 2025-01-03; discharged 01-02: max(0, −1) = 0 days.
        episode("2024-12-31", "10:00", "2025-01-02"),
        # Discharged the day it was ready, in December: the extract covers December.
        episode("2024-12-01", "10:00", "2024-12-01"),
    ]
    basis = bill(tmp_path, rows, "2024-12", "2025-01")
    december = line_of(basis, "Kungsbacka", "2024-12")
    january = line_of(basis, "Kungsbacka", "2025-01")
    assert liable(december) == ("0", "0")
    assert december.amount == Decimal(0)
    # 5 + 7 + 0 = 12 days, 2 episodes with a liable day; 12 × 11 500 = 138 000 kr
    # (at 2024's 11 000 kr it would have been 132 000 kr).
    assert liable(january) == ("12", "2")
    assert outcome(january) == (Decimal(138000), "provisional", (COST_2025,), STATUTE)
    day_cost = january.value("day_cost")
    assert day_cost is not None
    assert exact(day_cost) == "11500"


def test_each_municipality_pays_for_its_own_episodes(tmp_path: Path) -> None:
    """5 kap. 2 §: the municipality the episode is recorded under pays; no one else does."""
    rows = [
        # Varberg: 11-04 10:00 → from 11-07, to 11-14: 7 days; 11-10 12:30 → from 11-14,
        # to 11-20: 6 days. 7 + 6 = 13 days × 11 000 = 143 000 kr.
        episode("2024-11-04", "10:00", "2024-11-14", municipality="Varberg"),
        episode("2024-11-10", "12:30", "2024-11-20", municipality="Varberg"),
        # Laholm: 11-01 07:00 → from 11-04, to 11-30: 26 days × 11 000 = 286 000 kr.
        episode("2024-11-01", "07:00", "2024-11-30", municipality="Laholm"),
        # Hylte: still in hospital (no discharge date): not billed in any month yet.
        episode("2024-11-01", "07:00", "", municipality="Hylte"),
    ]
    basis = bill(tmp_path, rows, "2024-11")
    amounts = {line.municipality: line.amount for line in basis.lines}
    assert amounts == {
        "Kungsbacka": Decimal(0),
        "Varberg": Decimal(143000),
        "Falkenberg": Decimal(0),
        "Halmstad": Decimal(0),
        "Hylte": Decimal(0),
        "Laholm": Decimal(286000),
    }
    assert liable(line_of(basis, "Varberg", "2024-11")) == ("13", "2")
    # 143 000 + 286 000 = 429 000 kr.
    assert basis.total() == Decimal(429000)


# --- figures ------------------------------------------------------------------------------------


def test_without_a_price_for_the_year_the_month_is_not_computed(tmp_path: Path) -> None:
    """The real national_day_cost for 2024 is missing; nothing is invented in its place."""
    basis = bill(tmp_path, [episode("2024-11-04", "10:00", "2024-11-14")], "2024-11", figures=False)
    for name in MUNICIPALITIES:
        assert outcome(line_of(basis, name, "2024-11")) == (
            None,
            "not computed",
            ("figure national_day_cost for 2024 is missing",),
            STATUTE,
        )


def test_a_statute_month_with_an_official_price_is_final(tmp_path: Path) -> None:
    """2019's price (7 800 kr, HSLF-FS 2018:67) is official: nothing to caveat, so final; the
    line still says that no agreement governs the month, so the statute applies by default."""
    # Ready 2019-03-04 10:00: liable from 03-07; discharged 03-12: 5 days × 7 800 = 39 000 kr.
    basis = bill(tmp_path, [episode("2019-03-04", "10:00", "2019-03-12")], "2019-03")
    line = line_of(basis, "Kungsbacka", "2019-03")
    assert outcome(line) == (Decimal(39000), "final", (), STATUTE)
    assert line.reasons == (
        "no agreement on file governs 2019-03, so the statute (lag-2017-612) applies by default",
    )


def test_a_month_of_the_gap_says_which_reading_lets_the_statute_govern_it(tmp_path: Path) -> None:
    """2024-11 – 2025-09 has no agreement on file: the files' own reading lets the statute
    govern, and the line names the other reading, under which the 2022 model continues."""
    basis = bill(tmp_path, [episode("2024-11-04", "10:00", "2024-11-14")], "2024-11")
    assert line_of(basis, "Kungsbacka", "2024-11").reasons[0] == (
        "no agreement on file governs 2024-11, so the statute (lag-2017-612) applies by default "
        "(reading gap-2024-11-to-2025-09=statute; under gap-2024-11-to-2025-09=continuous, "
        "halland-2022 would govern it)"
    )


def test_a_month_before_the_extract_s_first_discharge_is_not_computed_however_early_the_ready_date(
    tmp_path: Path,
) -> None:
    """An extract is taken for the episodes closed in a period: a month in which none of its
    episodes is discharged may simply lie outside that period, so it is never billed 0 kr."""
    rows = [
        episode("1900-01-01", "10:00", "2024-11-20"),
        episode("2024-12-01", "10:00", "2024-12-09"),
    ]
    basis = bill(tmp_path, rows, "2024-10", "2025-01")
    reason = "the episode extract covers 2024-11 – 2024-12 (the months of its first and last "
    reason += "discharge dates), not {}"
    for month in ("2024-10", "2025-01"):
        line = line_of(basis, "Kungsbacka", month)
        assert (line.amount, line.status.value) == (None, "not computed")
        assert outcome(line)[2][0] == reason.format(month)
    assert line_of(basis, "Kungsbacka", "2024-11").amount is not None


def test_a_month_the_statute_bills_while_an_extension_awaits_approval_is_provisional(
    tmp_path: Path,
) -> None:
    """Once every party approves the 2026 extension, 2026 is billed by it instead: until then
    the statute's bill is provisional, and says why."""
    # Ready 01-05 10:00: liable from 01-08; discharged 01-12: 4 days × 12 000 = 48 000 kr.
    data = tmp_path / "episodes.csv"
    data.write_text(f"{HEADER}\nE1;{episode('2026-01-05', '10:00', '2026-01-12')}\n", "utf-8")
    figures = figures_file(tmp_path, national_day_cost({2026: 12000}))
    run = commands.evaluate([str(AGREEMENTS), str(figures)], str(data), "2026-01", None, False)
    line = line_of(run.basis, "Kungsbacka", "2026-01")
    assert (line.amount, line.status.value) == (Decimal(48000), "provisional")
    assert line.reasons[0] == (
        "halland-2025-extension-2026 awaits approval from Region Halland, Kungsbacka, Varberg, "
        "Falkenberg, Halmstad, Hylte, Laholm; until every party approves, the statute governs "
        "this month (--assume-approved bills it as if approved)"
    )
