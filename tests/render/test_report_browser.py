"""The report in a real browser, read as a person reads it: opened, clicked, printed."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from outputs import AGGREGATES, AGREEMENTS
from pypdf import PdfReader

from agreement_engine.api import report
from agreement_engine.months import YearMonth
from agreement_engine.render.report import render_report

MUNICIPALITIES = ("Kungsbacka", "Varberg", "Falkenberg", "Halmstad", "Hylte", "Laholm")


@pytest.fixture(scope="module")
def opened(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A year of the Halland example, written to a file and opened; what the page logged."""
    found = report(str(AGGREGATES), YearMonth(2025, 1), YearMonth(2025, 12), agreements=AGREEMENTS)
    run = found.evaluation
    assert run.source is not None
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(
        render_report(run.basis, found.timeline, run.report, run.source.origin), "utf-8"
    )
    page = browser.new_page()
    page.problems = []
    page.on("console", lambda m: m.type in ("error", "warning") and page.problems.append(m.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on(
        "request", lambda r: r.url.startswith(("file:", "data:")) or page.problems.append(r.url)
    )
    page.goto(Path(path).as_uri())
    yield page
    page.close()


def test_the_report_loads_with_no_console_error_and_no_request_outside_the_file(
    opened: Any,
) -> None:
    """Nothing fails and nothing is fetched: the file works offline, as the board opens it."""
    assert opened.problems == []


def test_every_chart_renders_as_a_picture_with_marks(opened: Any) -> None:
    """Each chart is an SVG the browser lays out with a size and drawn marks."""
    charts = opened.locator("figure.chart svg")
    assert charts.count() == 1 + 2 * len(MUNICIPALITIES)
    for index in range(charts.count()):
        chart = charts.nth(index)
        box = chart.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 80
        assert chart.locator("path, rect").count() > 3


def test_clicking_a_line_shows_its_derivation(opened: Any) -> None:
    """The derivation is hidden until asked for, then reads as explain does."""
    line = opened.locator("#m-Halmstad details.line").nth(9)  # 2025-10
    derivation = line.locator("pre.derivation")
    assert not derivation.is_visible()
    line.locator("summary").click()
    assert derivation.is_visible()
    text = derivation.inner_text()
    assert text.startswith("Halmstad, 2025-10") and "Steps:" in text and "51578 kr" in text


def test_printing_gives_one_page_per_municipality(opened: Any) -> None:
    """The board gets a printed page for each municipality: its charts and lines, no more."""
    pdf = PdfReader(io.BytesIO(opened.pdf(format="A4", print_background=True)))
    texts = [page.extract_text() for page in pdf.pages]
    first = [i for i, text in enumerate(texts) if text.startswith(MUNICIPALITIES[0])]
    assert len(first) == 1
    for offset, municipality in enumerate(MUNICIPALITIES):
        on = [i for i, text in enumerate(texts) if text.startswith(f"{municipality}\n")]
        assert on == [first[0] + offset], f"{municipality} is on pages {on}"
    after = texts[first[0] + len(MUNICIPALITIES)]
    assert after.startswith("What the numbers rest on")
