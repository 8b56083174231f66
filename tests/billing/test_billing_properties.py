"""Laws of the Halland invoice basis, over generated data for all six municipalities.

Months are drawn from those a Halland agreement governs (2022-11 – 2024-10, 2025-10 – 2025-12,
and 2026 with the pending extension assumed approved). The real national figures are partly
missing, so a test-only parameters file marked ``illustrative: true`` fills them in (made up):
national_average_days 2021: 5.6 and 2023: 5.4 days; national_day_cost 2024: 11 000,
2025: 11 500 and 2026: 12 000 kr. The real file gives 9 300 kr (2022) and 10 500 kr (2023).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from figures import figures_file, national_average_days, national_day_cost
from hypothesis import given, settings
from hypothesis import strategies as st

from agreement_engine.agreements.library import Library, load
from agreement_engine.billing.bill import bill
from agreement_engine.billing.inputs import AggregateData, EpisodeData
from agreement_engine.billing.lines import InvoiceBasis, InvoiceLine
from agreement_engine.cli import commands
from agreement_engine.data import Kind, read_aggregates, read_episodes_frame, sniff
from agreement_engine.formula import Amount
from agreement_engine.formula.values import approximately, exact_number
from agreement_engine.months import YearMonth
from agreement_engine.render.i18n import language
from agreement_engine.render.invoice import render_basis, render_json

ROOT = Path(__file__).resolve().parents[2]
AGREEMENTS = ROOT / "agreements"
MUNICIPALITIES = ("Kungsbacka", "Varberg", "Falkenberg", "Halmstad", "Hylte", "Laholm")
# The periods a Halland agreement governs, and whether the pending extension must be assumed.
PERIODS = (
    (YearMonth(2022, 11), YearMonth(2024, 10), False),
    (YearMonth(2025, 10), YearMonth(2025, 12), False),
    (YearMonth(2026, 1), YearMonth(2026, 12), True),
)
DAY_COST = {2022: 9300, 2023: 10500, 2024: 11000, 2025: 11500, 2026: 12000}
DISCOUNT_FROM = YearMonth(2023, 11)
LOWERED_FROM = YearMonth(2024, 1)


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return figures_file(
        tmp_path_factory.mktemp("figures"),
        national_day_cost({2024: 11000, 2025: 11500, 2026: 12000}),
        national_average_days({2021: "5.6", 2023: "5.4"}),
    )


@pytest.fixture(scope="module")
def library(figures: Path) -> Library:
    loaded, problems = load([str(AGREEMENTS), str(figures)])
    assert not [p for p in problems if p.is_error]
    return loaded


@dataclass(frozen=True)
class Scenario:
    """Months of one Halland period, and each municipality's figures for each month."""

    months: tuple[YearMonth, ...]
    assume_approved: bool
    rows: dict[tuple[str, YearMonth], tuple[int, Decimal]]  # episodes, total days

    def csv(self) -> str:
        lines = ["Kommun;Månad;Vårdtillfällen;Totalt antal dagar"]
        for (name, month), (episodes, days) in self.rows.items():
            lines.append(f"{name};{month};{episodes};{str(days).replace('.', ',')}")
        return "\n".join(lines) + "\n"


@st.composite
def months_of_a_period(draw: st.DrawFn, most: int = 3) -> tuple[tuple[YearMonth, ...], bool]:
    first, last, assume = draw(st.sampled_from(PERIODS))
    start = draw(st.integers(0, first.months_until(last)))
    count = draw(st.integers(1, min(most, first.months_until(last) - start + 1)))
    return YearMonth.range(first.plus(start), first.plus(start + count - 1)), assume


def total_days(episodes: int, whole: bool) -> st.SearchStrategy[Decimal]:
    """Days over a month's episodes: SKR reports whole days; a file may carry tenths."""
    if episodes == 0:
        return st.just(Decimal(0))
    tenths = st.integers(0, episodes * 300).map(lambda n: Decimal(n).scaleb(-1))
    return st.integers(0, episodes * 30).map(Decimal) if whole else tenths


@st.composite
def scenarios(draw: st.DrawFn, whole: bool = False) -> Scenario:
    months, assume = draw(months_of_a_period())
    rows = {}
    for month in months:
        for name in MUNICIPALITIES:
            episodes = draw(st.integers(0, 40))
            rows[name, month] = (episodes, draw(total_days(episodes, whole)))
    return Scenario(months, assume, rows)


@dataclass(frozen=True)
class Episode:
    municipality: str
    ready: dt.date
    discharge: dt.date | None  # None: still in hospital

    def row(self, number: int) -> str:
        discharge = "" if self.discharge is None else self.discharge.isoformat()
        return f"E{number};{self.municipality};{self.ready};10:00;{discharge};ja;ja;nej;"


@st.composite
def episode_scenarios(draw: st.DrawFn) -> tuple[tuple[YearMonth, ...], bool, list[Episode]]:
    """Episodes discharged in the billed months and, to be left out, the months either side."""
    months, assume = draw(months_of_a_period(most=2))
    episodes = []
    for month in (months[0].previous(), *months, months[-1].next()):
        for name in MUNICIPALITIES:
            for _ in range(draw(st.integers(0, 4))):
                discharge = draw(st.dates(month.first_day, month.last_day))
                days = draw(st.integers(0, 45))  # 0: a same-day discharge, left out
                ready = discharge - dt.timedelta(days=days)
                still_there = draw(st.integers(0, 9)) == 0
                episodes.append(Episode(name, ready, None if still_there else discharge))
    # An extract covers the period it was taken for: same-day discharges on its first and last
    # day (which the Halland model leaves out) mark that span, as a real extract's episodes do.
    first, last = months[0].previous().first_day, months[-1].next().last_day
    episodes += [Episode(MUNICIPALITIES[0], first, first), Episode(MUNICIPALITIES[0], last, last)]
    return months, assume, episodes


def halland_aggregates(months: tuple[YearMonth, ...], episodes: list[Episode]) -> str:
    """The Halland counting rule by hand: the month of discharge; days = discharge − ready;
    only episodes of 1 day or more count."""
    counted = {(name, month): [0, 0] for month in months for name in MUNICIPALITIES}
    for e in episodes:
        if e.discharge is None:
            continue
        key = (e.municipality, YearMonth.of(e.discharge))
        days = (e.discharge - e.ready).days
        if key in counted and days >= 1:
            counted[key][0] += 1
            counted[key][1] += days
    lines = ["Kommun;Månad;Vårdtillfällen;Totalt antal dagar"]
    lines += [f"{name};{month};{n};{days}" for (name, month), (n, days) in counted.items()]
    return "\n".join(lines) + "\n"


def bill_aggregates(library: Library, scenario: Scenario) -> InvoiceBasis:
    """The scenario through the aggregates reader and the real files (loaded once)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "aggregates.csv"
        path.write_text(scenario.csv(), encoding="utf-8")
        figures, _, _ = read_aggregates(path, municipalities=list(MUNICIPALITIES))
    return bill(
        library,
        AggregateData.of(figures),
        scenario.months,
        MUNICIPALITIES,
        assume_approved=scenario.assume_approved,
    )


def bill_file(
    library: Library, data: Path, months: tuple[YearMonth, ...], assume: bool
) -> InvoiceBasis:
    """A data file billed as the evaluate command does: its kind told by its header."""
    source: AggregateData | EpisodeData
    if sniff(str(data)).kind is Kind.EPISODES:
        frame, _, _ = read_episodes_frame(data, municipalities=list(MUNICIPALITIES))
        source = EpisodeData(frame)
    else:
        figures, _, _ = read_aggregates(data, municipalities=list(MUNICIPALITIES))
        source = AggregateData.of(figures)
    return bill(library, source, months, MUNICIPALITIES, assume_approved=assume)


def evaluate(
    figures: Path, data: Path, months: tuple[YearMonth, ...], assume: bool
) -> InvoiceBasis:
    """The whole command: files loaded and checked, the data's kind told by its header."""
    agreements = [str(AGREEMENTS), str(figures)]
    first, last = str(months[0]), str(months[-1])
    return commands.evaluate(agreements, str(data), first, last, assume).basis


def half_up(value: Fraction) -> Decimal:
    """Whole kronor, half up, by plain Decimal arithmetic (the values here terminate)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    assert Fraction(exact) == value
    return exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def by_hand(month: YearMonth, episodes: int, days: Decimal) -> tuple[Fraction, Decimal]:
    """Gross and net by the Halland formula, computed independently of the engine."""
    benchmark = Fraction("5.3") if month >= LOWERED_FROM else Fraction("5.6")
    # (days / episodes − benchmark) × episodes = days − benchmark × episodes
    gross = max(Fraction(0), Fraction(days) - benchmark * episodes) * DAY_COST[month.year]
    kept = gross * Fraction(65, 100) if month >= DISCOUNT_FROM else gross
    return gross, half_up(kept)


def fraction(line: InvoiceLine, name: str) -> Fraction:
    value = line.value(name)
    assert isinstance(value, Amount)
    return value.value


QUICK = settings(max_examples=60, deadline=None)


@QUICK
@given(scenario=scenarios())
def test_amounts_are_never_negative_and_always_computed(
    library: Library, scenario: Scenario
) -> None:
    """Below the benchmark a municipality pays nothing; it is never paid."""
    basis = bill_aggregates(library, scenario)
    assert len(basis.lines) == len(scenario.months) * len(MUNICIPALITIES)
    for line in basis.lines:
        assert line.status.value == "provisional"
        assert line.amount is not None
        assert line.amount >= 0


@QUICK
@given(scenario=scenarios())
def test_the_engine_agrees_with_the_formula_worked_by_hand(
    library: Library, scenario: Scenario
) -> None:
    """Gross = max(0, days − benchmark × episodes) × price; net rounds it (after 35 % off)."""
    basis = bill_aggregates(library, scenario)
    for line in basis.lines:
        gross, net = by_hand(line.month, *scenario.rows[line.municipality, line.month])
        assert fraction(line, "gross_amount") == gross
        assert line.amount == net


@QUICK
@given(scenario=scenarios())
def test_the_discount_is_taken_once_and_only_from_2023_11(
    library: Library, scenario: Scenario
) -> None:
    """From 2023-11: net = round(gross × 0.65), the discount exactly 35 %; before: net = gross."""
    basis = bill_aggregates(library, scenario)
    for line in basis.lines:
        gross, discount = fraction(line, "gross_amount"), fraction(line, "discount")
        rate = Fraction(35, 100) if line.month >= DISCOUNT_FROM else Fraction(0)
        assert discount == gross * rate
        assert line.amount == half_up(gross * (1 - rate))


@QUICK
@given(scenario=scenarios())
def test_every_total_is_the_sum_of_its_lines_in_the_basis_and_in_json(
    library: Library, scenario: Scenario
) -> None:
    """Per municipality and overall, the totals add up, also in the JSON a machine reads."""
    basis = bill_aggregates(library, scenario)
    rendered = json.loads(render_json(basis))
    totals, lines = rendered["totals"], rendered["lines"]
    overall = Decimal(0)
    for name in MUNICIPALITIES:
        mine = [line.amount or Decimal(0) for line in basis.lines if line.municipality == name]
        from_json = [Decimal(x["net_amount"]) for x in lines if x["municipality"] == name]
        assert basis.total(name) == sum(mine, Decimal(0)) == sum(from_json, Decimal(0))
        assert Decimal(totals["by_municipality"][name]) == basis.total(name)
        overall += basis.total(name)
    assert basis.total() == overall == Decimal(totals["all"])
    assert totals["lines_not_computed"] == 0


@st.composite
def huge_scenarios(draw: st.DrawFn) -> Scenario:
    """Scenarios whose days run to the 30 digits a data file may hold, so that an amount has
    over 30 digits and a total more: past the 28 a default Decimal context keeps."""
    months, assume = draw(months_of_a_period())
    rows = {}
    for month in months:
        for name in MUNICIPALITIES:
            episodes = draw(st.integers(1, 40))
            tenths = draw(st.integers(10**25, 10**30 - 1))
            days = Decimal(f"{tenths}E-1")  # from text: scaleb would round to 28 digits
            rows[name, month] = (episodes, days)
    return Scenario(months, assume, rows)


@QUICK
@given(scenario=huge_scenarios())
def test_totals_stay_exact_however_many_digits_they_have(
    library: Library, scenario: Scenario
) -> None:
    """A total is the exact sum of its lines, in the basis, the JSON and the table, written in
    plain digits: no rounding past 28 digits, no exponent."""
    basis = bill_aggregates(library, scenario)
    rendered = json.loads(render_json(basis))["totals"]
    table = render_basis(basis, "table").decode()
    overall = Fraction(0)
    for name in MUNICIPALITIES:
        exact = sum(Fraction(line.amount or 0) for line in basis.lines if line.municipality == name)
        assert Fraction(basis.total(name)) == Fraction(rendered["by_municipality"][name]) == exact
        if len(scenario.months) > 1:
            assert f"total {name}: {rendered['by_municipality'][name]} kr\n" in table
        overall += exact
    assert Fraction(basis.total()) == Fraction(rendered["all"]) == overall > 10**28
    assert f"total: {rendered['all']} kr\n" in table
    swedish = render_basis(basis, "table", lang=language("sv")).decode()
    summa = next(line for line in swedish.splitlines() if line.startswith("summa: "))
    written = summa.removeprefix("summa: ").removesuffix(" kr").replace("\N{NO-BREAK SPACE}", "")
    assert written.replace(",", ".") == rendered["all"]  # every digit, in Swedish
    assert overall.denominator == 1 and rendered["all"] == str(overall.numerator)


@QUICK
@given(
    scenario=scenarios(),
    municipality=st.sampled_from(MUNICIPALITIES),
    extra=st.integers(1, 500).map(lambda n: Decimal(n).scaleb(-1)),
)
def test_more_days_never_cost_less(
    library: Library, scenario: Scenario, municipality: str, extra: Decimal
) -> None:
    """Same month and episodes, more total days: the amount cannot go down."""
    month = scenario.months[0]
    episodes, days = scenario.rows[municipality, month]
    more = dict(scenario.rows)
    more[municipality, month] = (max(episodes, 1), days + extra)
    fewer = dict(scenario.rows)
    fewer[municipality, month] = (max(episodes, 1), days)
    before = bill_aggregates(library, Scenario(scenario.months, scenario.assume_approved, fewer))
    after = bill_aggregates(library, Scenario(scenario.months, scenario.assume_approved, more))
    (old,) = (x for x in before.lines if x.municipality == municipality and x.month == month)
    (new,) = (x for x in after.lines if x.municipality == municipality and x.month == month)
    assert old.amount is not None and new.amount is not None
    assert new.amount >= old.amount


@QUICK
@given(drawn=episode_scenarios())
def test_episodes_and_the_aggregates_counted_from_them_give_the_same_invoice(
    library: Library, drawn: tuple[tuple[YearMonth, ...], bool, list[Episode]]
) -> None:
    """An episode extract and the SKR-style aggregates of the same episodes bill identically."""
    months, assume, episodes = drawn
    with tempfile.TemporaryDirectory() as folder:
        episode_file = Path(folder) / "episodes.csv"
        header = (
            "Vårdtillfälle-ID;Kommun;Utskrivningsklar datum;Underrättelse klockslag;"
            "Utskrivningsdatum;Inskrivningsmeddelande;Underrättelse;SIP krävs;Kallelse SIP"
        )
        rows = [header] + [e.row(number) for number, e in enumerate(episodes, 1)]
        episode_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
        aggregate_file = Path(folder) / "aggregates.csv"
        aggregate_file.write_text(halland_aggregates(months, episodes), encoding="utf-8")
        assert sniff(str(episode_file)).kind is Kind.EPISODES
        assert sniff(str(aggregate_file)).kind is Kind.AGGREGATES
        from_episodes = bill_file(library, episode_file, months, assume)
        from_aggregates = bill_file(library, aggregate_file, months, assume)
    for output_format in ("json", "csv"):
        assert render_basis(from_episodes, output_format) == render_basis(
            from_aggregates, output_format
        )
    assert all(line.amount is not None for line in from_episodes.lines)


@settings(max_examples=10, deadline=None)
@given(scenario=scenarios(whole=True))
def test_identical_inputs_give_byte_identical_csv_json_and_xlsx(
    figures: Path, scenario: Scenario
) -> None:
    """An invoice basis must be reproducible to the byte, whenever and however often it is run."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "aggregates.csv"
        data.write_text(scenario.csv(), encoding="utf-8")
        first = evaluate(figures, data, scenario.months, scenario.assume_approved)
        second = evaluate(figures, data, scenario.months, scenario.assume_approved)
    for output_format in ("csv", "json", "xlsx", "table"):
        assert render_basis(first, output_format) == render_basis(second, output_format)


RENDER_ALL = """
import sys
from pathlib import Path
from agreement_engine.cli import commands
from agreement_engine.render.invoice import render_basis
agreements, data, out = sys.argv[1:4]
run = commands.evaluate(agreements.split("|"), data, "2022-11", "2026-12", True)
for output_format in ("csv", "json", "xlsx", "table"):
    Path(out, "basis." + output_format).write_bytes(render_basis(run.basis, output_format))
"""


def test_output_is_byte_identical_across_processes_with_different_hash_seeds(
    tmp_path: Path, figures: Path
) -> None:
    """Set and dict order must not leak into the output: each process hashes strings anew."""
    rows = ["Kommun;Månad;Vårdtillfällen;Totalt antal dagar"]
    for number, month in enumerate(YearMonth.range(YearMonth(2022, 11), YearMonth(2026, 12))):
        for place, name in enumerate(MUNICIPALITIES):
            episodes = (number * 7 + place * 5) % 23
            rows.append(f"{name};{month};{episodes};{episodes * (4 + place)}")
    data = tmp_path / "aggregates.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    agreements = f"{AGREEMENTS}|{figures}"
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed-{seed}"
        out.mkdir()
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-c", RENDER_ALL, agreements, str(data), str(out)]
        subprocess.run(command, check=True, env=environment, cwd=ROOT)
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert sorted(outputs[0]) == ["basis.csv", "basis.json", "basis.table", "basis.xlsx"]
    assert outputs[0] == outputs[1]


@given(
    st.fractions(min_value=-(10**40), max_value=10**40, max_denominator=10**8),
    st.sampled_from([4, 6]),
)
def test_a_value_is_written_exactly_or_cut_toward_minus_infinity_and_marked(
    value: Fraction, places: int
) -> None:
    """What every output writes of a value: its exact decimals when they end (however many,
    however large the value: no Decimal context rounds it), else 'n/d' exactly, and on screen
    the value cut to ``places`` decimals toward minus infinity, marked '…'."""
    text, shown = exact_number(value), approximately(value, places)
    if "/" in text:
        assert text == f"{value.numerator}/{value.denominator}"
        assert shown.endswith("…")
        cut = Fraction(Decimal(shown[:-1]))
        assert cut == Fraction(value.numerator * 10**places // value.denominator, 10**places)
        assert len(shown[:-1].split(".")[1]) == places
    else:
        assert Fraction(Decimal(text)) == value
        assert shown == text
        assert "e" not in text.lower() and not text.endswith(".")
