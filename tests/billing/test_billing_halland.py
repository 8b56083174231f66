"""Billing through the real Halland files, period by period, each amount worked out by hand.

The real national figures are partly missing on purpose, so every test that needs them loads a
test-only parameters file marked ``illustrative: true``; the engine takes a figure from it only
where the real file has none, and says so in the reasons. The figures it supplies (made up):

    national_average_days  2021: 5.6 days   2023: 5.4 days
    national_day_cost      2024: 11 000 kr  2025: 11 500 kr  2026: 12 000 kr

The real file gives national_day_cost 2022: 9 300 kr and 2023: 10 500 kr, both provisional.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from figures import figures_file, illustrative, national_average_days, national_day_cost

from agreement_engine.agreements.library import Library
from agreement_engine.billing import bill as billing
from agreement_engine.billing.lines import InvoiceBasis, InvoiceLine
from agreement_engine.billing.timeline import Status
from agreement_engine.billing.together import Due
from agreement_engine.cli import commands
from agreement_engine.formula.values import exact

ROOT = Path(__file__).resolve().parents[2]
AGREEMENTS = ROOT / "agreements"
MUNICIPALITIES = ("Kungsbacka", "Varberg", "Falkenberg", "Halmstad", "Hylte", "Laholm")

AVERAGE_DAYS = national_average_days({2021: "5.6", 2023: "5.4"})
DAY_COSTS = national_day_cost({2024: 11000, 2025: 11500, 2026: 12000})
AVG_2021 = illustrative("national_average_days", 2021)
AVG_2023 = illustrative("national_average_days", 2023)
COST_2022 = "figure national_day_cost for 2022 is provisional"
COST_2023 = "figure national_day_cost for 2023 is provisional"
COST_2024 = illustrative("national_day_cost", 2024)
COST_2025 = illustrative("national_day_cost", 2025)
COST_2026 = illustrative("national_day_cost", 2026)
STATUTE_NEEDS_EPISODES = (
    "the statute (lag-2017-612) governs this month and counts liable_days_total episode by "
    "episode; monthly aggregates cannot show that, so give an episode-level extract"
)
PENDING_2026 = (
    "assumes approval of halland-2025-extension-2026, still pending from Region Halland, "
    "Kungsbacka, Varberg, Falkenberg, Halmstad, Hylte, Laholm"
)
PARTIES = "Region Halland, Kungsbacka, Varberg, Falkenberg, Halmstad, Hylte, Laholm"
INFERRED_2022 = f"the approval of halland-2022 by {PARTIES} is inferred: no decision is on record"
INFERRED_2025 = f"the approval of halland-2025 by {PARTIES} is inferred: no decision is on record"


def no_agreement(month: str) -> str:
    """The note of a month no agreement on file governs (the line's status is not changed)."""
    note = f"no agreement on file governs {month}, so the statute (lag-2017-612) applies by default"
    if "2024-11" <= month <= "2025-09":  # the gap: the reading that decides it is named
        note += (
            " (reading gap-2024-11-to-2025-09=statute; under gap-2024-11-to-2025-09=continuous, "
            "halland-2022 would govern it)"
        )
    return note


STATUTE = ("lag-2017-612",)
MODEL_2022 = ("halland-2022",)
MODEL_2022_DISCOUNT = ("halland-2022", "halland-invoice-basis")
MODEL_2025 = ("halland-2025", "halland-invoice-basis")
EXTENSION_2026 = (
    "halland-2025",
    "halland-2025-extension-2026",
    "halland-samverkansrutin-2026",
    "halland-invoice-basis",
)
PROVISIONAL, NOT_COMPUTED = "provisional", "not computed"


def aggregates_file(folder: Path, month: str, rows: dict[str, tuple[int, str]]) -> Path:
    """A month's aggregates; municipalities not given have no episodes (0 and 0 days)."""
    lines = ["Kommun;Månad;Vårdtillfällen;Totalt antal dagar"]
    for name in MUNICIPALITIES:
        episodes, days = rows.get(name, (0, "0"))
        lines.append(f"{name};{month};{episodes};{days}")
    path = folder / f"aggregates-{month}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def episodes_file(folder: Path, rows: list[str]) -> Path:
    header = (
        "Vårdtillfälle-ID;Kommun;Utskrivningsklar datum;Underrättelse klockslag;"
        "Utskrivningsdatum;Inskrivningsmeddelande;Underrättelse;SIP krävs;Kallelse SIP"
    )
    path = folder / "episodes.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def bill(
    data: Path,
    month: str,
    agreements: list[Path],
    *,
    to: str | None = None,
    assume_approved: bool = False,
) -> InvoiceBasis:
    run = commands.evaluate([str(a) for a in agreements], str(data), month, to, assume_approved)
    return run.basis


def bill_month(
    tmp_path: Path,
    month: str,
    rows: dict[str, tuple[int, str]],
    *,
    assume_approved: bool = False,
) -> InvoiceBasis:
    """A month billed from aggregates, under the real files and the made-up figures."""
    data = aggregates_file(tmp_path, month, rows)
    agreements = [AGREEMENTS, figures_file(tmp_path, AVERAGE_DAYS, DAY_COSTS)]
    return bill(data, month, agreements, assume_approved=assume_approved)


def line_of(basis: InvoiceBasis, municipality: str, month: str | None = None) -> InvoiceLine:
    (line,) = (
        x
        for x in basis.lines
        if x.municipality == municipality and (month is None or str(x.month) == month)
    )
    return line


def outcome(line: InvoiceLine) -> tuple[Decimal | None, str, tuple[str, ...], tuple[str, ...]]:
    """What an invoice line says: net amount, status, reasons and governing documents."""
    return line.amount, line.status.value, line.reasons, tuple(d.id for d in line.documents)


def values(line: InvoiceLine, *names: str) -> dict[str, str]:
    found = {name: line.value(name) for name in names}
    return {name: exact(value) for name, value in found.items() if value is not None}


# --- before the model: the statute -------------------------------------------------------------


def test_before_the_model_the_statute_governs_and_aggregates_cannot_bill_it(
    tmp_path: Path,
) -> None:
    """2022-10 precedes the model: the statute bills episode by episode, so aggregates say so."""
    basis = bill_month(tmp_path, "2022-10", {"Kungsbacka": (10, "65")})
    for name in MUNICIPALITIES:
        line = line_of(basis, name)
        reasons = (STATUTE_NEEDS_EPISODES, no_agreement("2022-10"))
        assert outcome(line) == (None, NOT_COMPUTED, reasons, STATUTE)
        assert line.governance.status is Status.STATUTE
    assert basis.total() == Decimal(0)


def test_before_the_statute_came_into_force_nothing_governs_and_nothing_is_billed(
    tmp_path: Path,
) -> None:
    """Lag 2017:612 governs from 2018-01-01: in 2017 no agreement and no statute is in force
    (the statute's file is loaded all the same)."""
    basis = bill_month(tmp_path, "2017-12", {"Kungsbacka": (10, "65")})
    line = line_of(basis, "Kungsbacka")
    reason = "no agreement governs this month and no statute is in force"
    assert outcome(line) == (None, NOT_COMPUTED, (reason,), ())


def test_before_the_model_the_statute_bills_an_episode_extract(tmp_path: Path) -> None:
    """The statute is computable before the model, from episodes, at the real 2022 price."""
    data = episodes_file(tmp_path, ["E1;Kungsbacka;2022-10-03;09:00;2022-10-10;ja;ja;nej;"])
    basis = bill(data, "2022-10", [AGREEMENTS, figures_file(tmp_path, AVERAGE_DAYS, DAY_COSTS)])
    # Notice 09:00 on 10-03: liable from 10-06; discharged 10-10: 10 − 6 = 4 days.
    # 4 days × 9 300 kr = 37 200 kr.
    assert outcome(line_of(basis, "Kungsbacka")) == (
        Decimal(37200),
        PROVISIONAL,
        (no_agreement("2022-10"), COST_2022),
        STATUTE,
    )


# --- the 2022 model: the 2021 benchmark, no discount -----------------------------------------


@pytest.mark.parametrize(
    ("month", "municipality", "episodes", "days", "excess", "gross", "reasons"),
    [
        # 65 / 10 = 6.5; 6.5 − 5.6 = 0.9; 0.9 × 10 × 9 300 = 83 700 kr.
        ("2022-11", "Kungsbacka", 10, "65", "0.9", 83700, (INFERRED_2022, AVG_2021, COST_2022)),
        # 90 / 12 = 7.5; 7.5 − 5.6 = 1.9; 1.9 × 12 × 9 300 = 22.8 × 9 300 = 212 040 kr.
        ("2022-12", "Halmstad", 12, "90", "1.9", 212040, (INFERRED_2022, AVG_2021, COST_2022)),
        # 30 / 4 = 7.5; 7.5 − 5.6 = 1.9; 1.9 × 4 × 10 500 = 7.6 × 10 500 = 79 800 kr.
        ("2023-10", "Laholm", 4, "30", "1.9", 79800, (INFERRED_2022, AVG_2021, COST_2023)),
    ],
)
def test_the_2022_model_bills_the_excess_over_the_2021_average_without_discount(
    tmp_path: Path,
    month: str,
    municipality: str,
    episodes: int,
    days: str,
    excess: str,
    gross: int,
    reasons: tuple[str, ...],
) -> None:
    """From 2022-11 to 2023-10 the benchmark is the 2021 average and nothing is discounted."""
    basis = bill_month(tmp_path, month, {municipality: (episodes, days)})
    line = line_of(basis, municipality)
    assert outcome(line) == (Decimal(gross), PROVISIONAL, reasons, MODEL_2022)
    assert values(line, "benchmark", "excess", "gross_amount", "discount") == {
        "benchmark": "5.6",
        "excess": excess,
        "gross_amount": str(gross),
        "discount": "0",
    }
    assert line.governance.status is Status.IN_FORCE


# --- the 35 % discount from 2023-11 ------------------------------------------------------------


def test_the_discount_starts_with_the_months_of_care_from_2023_11_not_before(
    tmp_path: Path,
) -> None:
    """October 2023 is billed in full; the same figures in November 2023 get 35 % off."""
    data = tmp_path / "two-months.csv"
    rows = ["Kommun;Månad;Vårdtillfällen;Totalt antal dagar"]
    rows += [f"{name};{month};10;65" for month in ("2023-10", "2023-11") for name in MUNICIPALITIES]
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    basis = bill(
        data, "2023-10", [AGREEMENTS, figures_file(tmp_path, AVERAGE_DAYS, DAY_COSTS)], to="2023-11"
    )
    october = line_of(basis, "Kungsbacka", "2023-10")
    november = line_of(basis, "Kungsbacka", "2023-11")
    # Both: 65 / 10 = 6.5; 6.5 − 5.6 = 0.9; 0.9 × 10 × 10 500 = 94 500 kr gross.
    # October: no discount, 94 500 kr.
    reasons = (INFERRED_2022, AVG_2021, COST_2023)
    assert outcome(october) == (Decimal(94500), PROVISIONAL, reasons, MODEL_2022)
    assert values(october, "gross_amount", "discount") == {"gross_amount": "94500", "discount": "0"}
    # November: 35 % × 94 500 = 33 075 kr off; 94 500 − 33 075 = 61 425 kr.
    assert outcome(november) == (Decimal(61425), PROVISIONAL, reasons, MODEL_2022_DISCOUNT)
    assert values(november, "gross_amount", "discount") == {
        "gross_amount": "94500",
        "discount": "33075",
    }
    # Six municipalities each month: 6 × 94 500 + 6 × 61 425 = 567 000 + 368 550 = 935 550 kr.
    assert basis.total() == Decimal(935550)


def test_december_2023_keeps_the_2021_benchmark_and_has_the_discount(tmp_path: Path) -> None:
    """The lowered benchmark starts with 2024; the discount already applies."""
    basis = bill_month(tmp_path, "2023-12", {"Varberg": (8, "60")})
    line = line_of(basis, "Varberg")
    # 60 / 8 = 7.5; 7.5 − 5.6 = 1.9; 1.9 × 8 × 10 500 = 15.2 × 10 500 = 159 600 kr gross;
    # 35 % = 55 860 kr; 159 600 − 55 860 = 103 740 kr.
    assert outcome(line) == (
        Decimal(103740),
        PROVISIONAL,
        (INFERRED_2022, AVG_2021, COST_2023),
        MODEL_2022_DISCOUNT,
    )
    assert values(line, "benchmark", "discount") == {"benchmark": "5.6", "discount": "55860"}


# --- the 2024 benchmark: the 2023 average − 0.1 --------------------------------------------------


@pytest.mark.parametrize(
    ("month", "municipality", "episodes", "days", "average", "excess", "gross", "net"),
    [
        # 65 / 10 = 6.5; benchmark 5.4 − 0.1 = 5.3; 6.5 − 5.3 = 1.2;
        # 1.2 × 10 × 11 000 = 132 000 kr; 35 % = 46 200; 132 000 − 46 200 = 85 800 kr.
        ("2024-01", "Kungsbacka", 10, "65", "6.5", "1.2", 132000, 85800),
        # 55 / 5 = 11; 11 − 5.3 = 5.7; 5.7 × 5 × 11 000 = 313 500 kr;
        # 35 % = 109 725; 313 500 − 109 725 = 203 775 kr.
        ("2024-06", "Falkenberg", 5, "55", "11", "5.7", 313500, 203775),
        # 25 / 3 = 8.333…; 25/3 − 5.3 = 91/30; 91/30 × 3 = 9.1; 9.1 × 11 000 = 100 100 kr;
        # 35 % = 35 035; 100 100 − 35 035 = 65 065 kr.
        ("2024-10", "Hylte", 3, "25", "25/3", "91/30", 100100, 65065),
    ],
)
def test_in_2024_the_benchmark_is_the_2023_average_lowered_by_a_tenth(
    tmp_path: Path,
    month: str,
    municipality: str,
    episodes: int,
    days: str,
    average: str,
    excess: str,
    gross: int,
    net: int,
) -> None:
    """From 2024-01 to the agreement's end (2024-10) the benchmark is 5.4 − 0.1 = 5.3 days."""
    basis = bill_month(tmp_path, month, {municipality: (episodes, days)})
    line = line_of(basis, municipality)
    reasons = (INFERRED_2022, AVG_2023, COST_2024)
    assert outcome(line) == (Decimal(net), PROVISIONAL, reasons, MODEL_2022_DISCOUNT)
    assert values(line, "benchmark", "average_days", "excess", "gross_amount") == {
        "benchmark": "5.3",
        "average_days": average,
        "excess": excess,
        "gross_amount": str(gross),
    }


# --- the uncovered months 2024-11 – 2025-09 ------------------------------------------------------


@pytest.mark.parametrize("month", ["2024-11", "2025-02", "2025-09"])
def test_in_the_gap_the_statute_governs_and_aggregates_cannot_bill_it(
    tmp_path: Path, month: str
) -> None:
    """No agreement is on file for 2024-11 – 2025-09: the gap stays visible, never filled."""
    basis = bill_month(tmp_path, month, {name: (10, "65") for name in MUNICIPALITIES})
    for name in MUNICIPALITIES:
        line = line_of(basis, name)
        reasons = (STATUTE_NEEDS_EPISODES, no_agreement(month))
        assert outcome(line) == (None, NOT_COMPUTED, reasons, STATUTE)
        assert line.governance.status is Status.STATUTE


@pytest.mark.parametrize(
    ("month", "episode", "net", "reason"),
    [
        # Notice 10:00 on 11-04: liable from 11-07; discharged 11-14: 7 days × 11 000 = 77 000.
        ("2024-11", "E1;Kungsbacka;2024-11-04;10:00;2024-11-14;ja;ja;nej;", 77000, COST_2024),
        # Notice 13:00 on 09-01: liable from 09-05; discharged 09-11: 6 days × 11 500 = 69 000.
        ("2025-09", "E1;Kungsbacka;2025-09-01;13:00;2025-09-11;ja;ja;nej;", 69000, COST_2025),
    ],
)
def test_in_the_gap_the_statute_bills_an_episode_extract(
    tmp_path: Path, month: str, episode: str, net: int, reason: str
) -> None:
    """Given episodes, the statute's months are computed day by day."""
    data = episodes_file(tmp_path, [episode])
    basis = bill(data, month, [AGREEMENTS, figures_file(tmp_path, AVERAGE_DAYS, DAY_COSTS)])
    reasons = (no_agreement(month), reason)
    assert outcome(line_of(basis, "Kungsbacka")) == (Decimal(net), PROVISIONAL, reasons, STATUTE)


def test_the_months_on_either_side_of_the_gap_are_halland_months(tmp_path: Path) -> None:
    """2024-10 is the 2022 agreement's last month, 2025-10 the 2025 agreement's first."""
    october_2024 = bill_month(tmp_path, "2024-10", {"Kungsbacka": (10, "65")})
    october_2025 = bill_month(tmp_path, "2025-10", {"Kungsbacka": (10, "65")})
    assert outcome(line_of(october_2024, "Kungsbacka"))[3] == MODEL_2022_DISCOUNT
    assert outcome(line_of(october_2025, "Kungsbacka"))[3] == MODEL_2025


# --- the 2025 agreement -------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["2025-10", "2025-11", "2025-12"])
def test_the_2025_agreement_keeps_the_2024_benchmark_and_the_discount(
    tmp_path: Path, month: str
) -> None:
    """2025-10 – 2025-12: halland-2025 with the invoice-basis routine, benchmark 5.3 days."""
    basis = bill_month(tmp_path, month, {"Kungsbacka": (10, "65")})
    line = line_of(basis, "Kungsbacka")
    # 6.5 − 5.3 = 1.2; 1.2 × 10 × 11 500 = 138 000 kr; 35 % = 48 300; 138 000 − 48 300 = 89 700.
    reasons = (INFERRED_2025, AVG_2023, COST_2025)
    assert outcome(line) == (Decimal(89700), PROVISIONAL, reasons, MODEL_2025)
    assert values(line, "benchmark", "gross_amount", "discount") == {
        "benchmark": "5.3",
        "gross_amount": "138000",
        "discount": "48300",
    }


# --- the 2026 extension, pending approval --------------------------------------------------------


EXTENSION_PENDING = (
    "halland-2025-extension-2026 awaits approval from Region Halland, Kungsbacka, Varberg, "
    "Falkenberg, Halmstad, Hylte, Laholm; until every party approves, the statute governs this "
    "month (--assume-approved bills it as if approved)"
)


@pytest.mark.parametrize("month", ["2026-01", "2026-12"])
def test_while_the_2026_extension_is_pending_the_statute_governs(
    tmp_path: Path, month: str
) -> None:
    """A proposal is not in force: without every approval, the statute governs 2026, and the
    line says that the extension awaits approval (it would be billed otherwise once approved)."""
    basis = bill_month(tmp_path, month, {"Kungsbacka": (10, "65")})
    line = line_of(basis, "Kungsbacka")
    assert outcome(line) == (
        None,
        NOT_COMPUTED,
        (STATUTE_NEEDS_EPISODES, EXTENSION_PENDING),
        STATUTE,
    )
    assert line.governance.status is Status.PENDING
    assert line.governance.pending is not None
    assert line.governance.pending.name == "halland-2025-extension-2026"


@pytest.mark.parametrize("month", ["2026-01", "2026-12"])
def test_assuming_approval_bills_2026_provisionally_and_names_the_pending_parties(
    tmp_path: Path, month: str
) -> None:
    """--assume-approved shows what 2026 would cost, marked provisional, never final."""
    basis = bill_month(tmp_path, month, {"Kungsbacka": (10, "65")}, assume_approved=True)
    line = line_of(basis, "Kungsbacka")
    # 6.5 − 5.3 = 1.2; 1.2 × 10 × 12 000 = 144 000 kr; 35 % = 50 400; 144 000 − 50 400 = 93 600.
    assert outcome(line) == (
        Decimal(93600),
        PROVISIONAL,
        (PENDING_2026, INFERRED_2025, AVG_2023, COST_2026),
        EXTENSION_2026,
    )
    assert values(line, "gross_amount", "discount") == {
        "gross_amount": "144000",
        "discount": "50400",
    }


# --- 2027: nothing on file ----------------------------------------------------------------------


@pytest.mark.parametrize("assume_approved", [False, True])
def test_in_2027_no_agreement_is_on_file_so_the_statute_governs(
    tmp_path: Path, assume_approved: bool
) -> None:
    """The planned 2027 agreement is not on file, and assuming approvals cannot invent one."""
    basis = bill_month(
        tmp_path, "2027-01", {"Kungsbacka": (10, "65")}, assume_approved=assume_approved
    )
    line = line_of(basis, "Kungsbacka")
    reasons = (STATUTE_NEEDS_EPISODES, no_agreement("2027-01"))
    assert outcome(line) == (None, NOT_COMPUTED, reasons, STATUTE)
    assert line.governance.status is Status.STATUTE


# --- at, above and far above the benchmark -------------------------------------------------------


def test_at_the_benchmark_pays_nothing_just_above_a_little_far_above_a_lot(
    tmp_path: Path,
) -> None:
    """Only the excess over the benchmark is paid; below it nothing flows either way."""
    basis = bill_month(
        tmp_path,
        "2023-10",
        {
            "Kungsbacka": (5, "28"),  # 28 / 5 = 5.6 = the benchmark: excess 0 → 0 kr.
            "Varberg": (10, "56,1"),  # 5.61 − 5.6 = 0.01; 0.01 × 10 × 10 500 = 1 050 kr.
            "Falkenberg": (10, "57"),  # 5.7 − 5.6 = 0.1; 0.1 × 10 × 10 500 = 10 500 kr.
            "Halmstad": (10, "200"),  # 20 − 5.6 = 14.4; 14.4 × 10 × 10 500 = 1 512 000 kr.
            "Hylte": (10, "40"),  # 4 − 5.6 < 0: excess max(0, −1.6) = 0 → 0 kr.
            "Laholm": (0, "0"),  # no episodes: average 0, excess 0 → 0 kr.
        },
    )
    expected = {
        "Kungsbacka": ("0", 0),
        "Varberg": ("0.01", 1050),
        "Falkenberg": ("0.1", 10500),
        "Halmstad": ("14.4", 1512000),
        "Hylte": ("0", 0),
        "Laholm": ("0", 0),
    }
    for name, (excess, net) in expected.items():
        line = line_of(basis, name)
        assert outcome(line) == (
            Decimal(net),
            PROVISIONAL,
            (INFERRED_2022, AVG_2021, COST_2023),
            MODEL_2022,
        )
        assert values(line, "excess") == {"excess": excess}
    # 0 + 1 050 + 10 500 + 1 512 000 + 0 + 0 = 1 523 550 kr.
    assert basis.total() == Decimal(1523550)


def test_a_month_without_episodes_pays_nothing_even_with_the_discount(tmp_path: Path) -> None:
    """Zero episodes: the average is set to 0 only to avoid dividing by zero; 0 kr is billed."""
    basis = bill_month(tmp_path, "2025-11", {})
    for name in MUNICIPALITIES:
        line = line_of(basis, name)
        assert outcome(line) == (
            Decimal(0),
            PROVISIONAL,
            (INFERRED_2025, AVG_2023, COST_2025),
            MODEL_2025,
        )
        assert values(line, "average_days", "gross_amount", "discount") == {
            "average_days": "0",
            "gross_amount": "0",
            "discount": "0",
        }


# --- half a krona: the declared rounding mode ----------------------------------------------------

HALF_KRONA = {"Kungsbacka": (3, "37"), "Varberg": (1, "7")}
# Kungsbacka 2025-10: 37 / 3 = 37/3; 37/3 − 5.3 = 211/30; 211/30 × 3 = 21.1 days;
#   21.1 × 11 500 = 242 650 kr gross; 35 % = 84 927.5; 242 650 − 84 927.5 = 157 722.5 kr.
# Varberg 2025-10: 7 / 1 = 7; 7 − 5.3 = 1.7; 1.7 × 1 × 11 500 = 19 550 kr gross;
#   35 % = 6 842.5; 19 550 − 6 842.5 = 12 707.5 kr.


def test_half_a_krona_is_rounded_up_as_the_agreement_declares(tmp_path: Path) -> None:
    """half_up: 157 722.5 → 157 723 and 12 707.5 → 12 708; exact until the one rounding."""
    basis = bill_month(tmp_path, "2025-10", HALF_KRONA)
    kungsbacka, varberg = line_of(basis, "Kungsbacka"), line_of(basis, "Varberg")
    assert values(kungsbacka, "average_days", "excess", "gross_amount", "discount") == {
        "average_days": "37/3",
        "excess": "211/30",
        "gross_amount": "242650",
        "discount": "84927.5",
    }
    assert outcome(kungsbacka) == (
        Decimal(157723),
        PROVISIONAL,
        (INFERRED_2025, AVG_2023, COST_2025),
        MODEL_2025,
    )
    assert values(varberg, "discount") == {"discount": "6842.5"}
    assert outcome(varberg) == (
        Decimal(12708),
        PROVISIONAL,
        (INFERRED_2025, AVG_2023, COST_2025),
        MODEL_2025,
    )


def agreements_with_net(tmp_path: Path, formula: str) -> Path:
    """A copy of the real files whose 2025 agreement computes net_amount by ``formula``."""
    folder = tmp_path / "agreements"
    for source in sorted(AGREEMENTS.rglob("*.yaml")):
        target = folder / source.relative_to(AGREEMENTS)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        if source == AGREEMENTS / "halland" / "2025-agreement.yaml":
            declared = "formula: round(gross_amount - discount, 0, half_up)"
            assert text.count(declared) == 1
            text = text.replace(declared, f"formula: {formula}")
        target.write_text(text, encoding="utf-8")
    return folder


def test_an_agreement_declaring_half_even_rounds_the_same_case_to_even(tmp_path: Path) -> None:
    """The mode is the agreement's to declare: half_even gives 157 722 (even) and 12 708 (even)."""
    folder = agreements_with_net(tmp_path, "round(gross_amount - discount, 0, half_even)")
    data = aggregates_file(tmp_path, "2025-10", HALF_KRONA)
    basis = bill(data, "2025-10", [folder, figures_file(tmp_path, AVERAGE_DAYS, DAY_COSTS)])
    # 157 722.5 lies between 157 722 (even) and 157 723: half_even → 157 722.
    assert outcome(line_of(basis, "Kungsbacka")) == (
        Decimal(157722),
        PROVISIONAL,
        (INFERRED_2025, AVG_2023, COST_2025),
        MODEL_2025,
    )
    # 12 707.5 lies between 12 707 and 12 708 (even): half_even → 12 708, as half_up.
    assert outcome(line_of(basis, "Varberg")) == (
        Decimal(12708),
        PROVISIONAL,
        (INFERRED_2025, AVG_2023, COST_2025),
        MODEL_2025,
    )


def test_an_amount_past_the_ore_is_not_computed_until_the_agreement_says_how_to_round(
    tmp_path: Path,
) -> None:
    """Money is billed in whole öre: 157 722.5 kr / 8 = 19 715.3125 kr ends, but past the öre,
    so the line is not computed, as 1 kr / 3 is not."""
    folder = agreements_with_net(tmp_path, "(gross_amount - discount) / 8")
    data = aggregates_file(tmp_path, "2025-10", HALF_KRONA)
    basis = bill(data, "2025-10", [folder, figures_file(tmp_path, AVERAGE_DAYS, DAY_COSTS)])
    line = line_of(basis, "Kungsbacka")
    assert (line.amount, line.status.value) == (None, "not computed")
    assert line.reasons[0] == (
        "net_amount is 19715.3125 kr — not a whole number of öre; the agreement must say how it "
        "is rounded"
    )


# --- a missing figure ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "documents", "reason"),
    [
        ("2022-11", MODEL_2022, "figure national_average_days for 2021 is missing"),
        ("2023-11", MODEL_2022_DISCOUNT, "figure national_average_days for 2021 is missing"),
        ("2024-01", MODEL_2022_DISCOUNT, "figure national_average_days for 2023 is missing"),
        ("2025-10", MODEL_2025, "figure national_average_days for 2023 is missing"),
    ],
)
def test_without_the_made_up_figures_a_month_is_not_computed_and_names_the_figure(
    tmp_path: Path, month: str, documents: tuple[str, ...], reason: str
) -> None:
    """The real national averages are missing: nothing is invented, the line says which one."""
    data = aggregates_file(tmp_path, month, {"Kungsbacka": (10, "65")})
    basis = bill(data, month, [AGREEMENTS])
    for name in MUNICIPALITIES:
        assert outcome(line_of(basis, name)) == (None, NOT_COMPUTED, (reason,), documents)
    assert basis.total() == Decimal(0)


def test_a_missing_day_cost_is_named_once_the_benchmark_is_known(tmp_path: Path) -> None:
    """With the averages but no 2024 price, the line names national_day_cost 2024."""
    data = aggregates_file(tmp_path, "2024-01", {"Kungsbacka": (10, "65")})
    figures = figures_file(tmp_path, AVERAGE_DAYS)
    basis = bill(data, "2024-01", [AGREEMENTS, figures])
    line = line_of(basis, "Kungsbacka")
    assert outcome(line) == (
        None,
        NOT_COMPUTED,
        ("figure national_day_cost for 2024 is missing",),
        MODEL_2022_DISCOUNT,
    )
    assert [(u.parameter, u.key) for u in line.figures] == [
        ("national_average_days", "2023"),
        ("national_day_cost", "2024"),
    ]


@pytest.mark.parametrize("kind", ["aggregates", "episodes"])
@pytest.mark.parametrize("assume", [False, True])
def test_lines_computed_together_are_the_lines_computed_one_by_one(
    kind: str, assume: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every month of the examples, each of its rule sets evaluated over all its lines at once,
    gives the very lines that evaluating each line alone gives."""
    agreements = [str(AGREEMENTS), str(ROOT / "examples/halland/illustrative-figures.yaml")]
    data = str(ROOT / f"examples/halland/{kind}.csv")

    def run() -> InvoiceBasis:
        return commands.evaluate(agreements, data, "2022-11", "2026-12", assume).basis

    alone: list[Due] = []
    compute = billing._compute

    def one_by_one(library: Library, due: Due) -> InvoiceLine:
        alone.append(due)
        return compute(library, due)

    monkeypatch.setattr(billing, "_compute", one_by_one)
    together = run()
    computed = sum(line.amount is not None for line in together.lines)
    assert computed > 150 and len(alone) < computed / 2  # most lines were computed together
    monkeypatch.setattr(
        billing,
        "_compute_together",
        lambda library, group: [compute(library, d) for d in group.dues()],
    )
    assert together.lines == run().lines
