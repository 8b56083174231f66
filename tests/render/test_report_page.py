"""The report's page: self-contained, the same bytes for the same input, provisional shown."""

from __future__ import annotations

import html
import re

import pytest
from outputs import AGGREGATES, AGREEMENTS, halland

from agreement_engine.api import report
from agreement_engine.months import YearMonth
from agreement_engine.render.charts import days_chart, net_amount_chart, spec_json
from agreement_engine.render.i18n import ENGLISH, language
from agreement_engine.render.report import render_report


@pytest.fixture(scope="module")
def made() -> tuple[object, str]:
    found = report(str(AGGREGATES), YearMonth(2025, 8), YearMonth(2025, 12), agreements=AGREEMENTS)
    run = found.evaluation
    assert run.source is not None
    page = render_report(run.basis, found.timeline, run.report, run.source.origin)
    return found, page


def test_the_same_input_gives_the_same_page_twice(made: tuple[object, str]) -> None:
    """Charts included: a report that changed with each run could not be checked or archived."""
    found, page = made
    run = found.evaluation  # type: ignore[attr-defined]
    again = render_report(run.basis, found.timeline, run.report, run.source.origin)  # type: ignore[attr-defined]
    assert again == page


def test_the_page_fetches_nothing_and_runs_no_script(made: tuple[object, str]) -> None:
    """It opens with no network: no script, no stylesheet, font or image from elsewhere."""
    _, page = made
    assert "<script" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page


def test_every_chart_is_inline_svg_one_governance_chart_and_two_per_municipality(
    made: tuple[object, str],
) -> None:
    """Six municipalities: their net amounts and average days, and what governs the months."""
    _, page = made
    assert page.count("<svg") == 1 + 2 * 6


def test_every_line_has_its_derivation_in_the_page(made: tuple[object, str]) -> None:
    """What explain shows is one click away, for every line, not only the first."""
    _, page = made
    assert page.count('<details class="line">') == 30
    assert page.count("Why these rules govern this month:") == 30


def test_the_summary_says_what_is_not_computed_and_why(made: tuple[object, str]) -> None:
    """Never a bare total: the banner and the reasons sit beside the numbers."""
    _, page = made
    assert "12 of 30 lines are not computed: their amounts are not in any total." in page
    assert "18 lines are provisional" in page
    assert "national_day_cost for 2025 is illustrative, made up for examples" in page


def test_a_chart_marks_provisional_and_not_computed_months_in_the_legend() -> None:
    """The picture cannot pass an illustrative figure off as a fact."""
    lines = [line for line in halland().basis.lines if line.municipality == "Hylte"]
    spec = spec_json(net_amount_chart(lines, ENGLISH))
    assert '"domain":["final","provisional","not computed"]' in spec
    assert '"status":"not computed","computed":false' in spec


def test_chart_data_are_written_from_the_exact_values_without_a_float() -> None:
    """103/19 days goes in as 5.4211, a Decimal written digit by digit; no binary rounding."""
    lines = [line for line in halland().basis.lines if line.municipality == "Halmstad"]
    spec = days_chart(lines, ENGLISH)
    assert spec is not None
    assert '"days":5.4211' in spec_json(spec)


def test_the_swedish_report_is_in_swedish() -> None:
    """Headings, statuses, amounts: the board reads it in Swedish."""
    found = report(str(AGGREGATES), YearMonth(2025, 10), agreements=AGREEMENTS)
    run = found.evaluation
    page = render_report(run.basis, found.timeline, run.report, None, language("sv"))
    assert '<html lang="sv">' in page and "Sammanfattning" in page
    assert "84\u00a0468 kr" in page and "preliminär" in page


def test_the_summary_names_the_readings_and_each_line_the_ones_chosen_it_relies_on() -> None:
    """A line in the summary says which readings the report is computed under; a line that
    relies on a reading chosen instead of the files' own names it beside its amount, and its
    derivation opens with the readings."""
    found = report(
        str(AGGREGATES),
        YearMonth(2024, 10),
        YearMonth(2024, 11),
        agreements=AGREEMENTS,
        readings={"gap-2024-11-to-2025-09": "continuous"},
    )
    run = found.evaluation
    page = render_report(run.basis, found.timeline, run.report, None, language("sv"))
    summary = page[page.index('<section class="summary">') :]
    assert summary.startswith(
        '<section class="summary"><h2>Sammanfattning</h2>\n<p class="readings">tolkningar: '
        "gap-2024-11-to-2025-09=continuous; filernas egna för varje annat antagande</p>"
    )
    hylte = page[page.index('<section class="municipality" id="m-Hylte">') :]
    october, november = re.findall(r"<summary>.*?</summary>", hylte)[:2]
    assert 'class="readings"' not in october
    assert november.endswith(
        '<span class="readings">tolkning: gap-2024-11-to-2025-09=continuous</span></summary>'
    )
    assert "Tolkningar: gap-2024-11-to-2025-09=continuous; filernas egna för varje" in hylte


def test_a_report_on_the_files_own_readings_says_so_in_its_summary(
    made: tuple[object, str],
) -> None:
    """The readings are named even when none was chosen: a reader need not guess."""
    _, page = made
    said = "readings: the agreement files' own (agreement-engine readings shows the others)"
    assert f'<p class="readings">{html.escape(said)}</p>' in page
    assert '<span class="readings">' not in page
