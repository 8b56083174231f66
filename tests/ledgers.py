"""The ledger tests' made-up library and data, and their ledgers (the fixtures that make them are
in ``ledger/conftest.py``).

The library (written into each test's folder) has one agreement, ``test-model``, for three
made-up municipalities, 2024-01 – 2025-12 (2025 only through an extension awaiting approval),
with a literal benchmark of 3.5 days and amounts to the öre, and a figures file whose price per
day for 2024 is official (so lines are final) and for 2025 provisional. Nothing here is a real
agreement or a real figure.

PostgreSQL: the tests read ``AGREEMENT_ENGINE_TEST_POSTGRES`` (a URL with the right to create
schemas). Without the variable they skip, saying so, except in CI (``CI=true``), where they
fail: CI must run them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

import agreement_engine as engine
from agreement_engine import YearMonth

POSTGRES_VARIABLE = "AGREEMENT_ENGINE_TEST_POSTGRES"
MUNICIPALITIES = ("Alfa", "Beta", "Gamma")

AGREEMENT = """\
format: agreement-engine/1
kind: agreement
id: test-model
title: "Made-up agreement for the ledger tests"
sources:
  invented: {title: "Invented for the tests"}
parties:
  region: Testregionen
  municipalities: [Alfa, Beta, Gamma]
validity:
  from: 2024-01-01
  until: 2024-12-31
  cite: {source: invented}
approval:
  required: all-parties
  cite: {source: invented}
  by:
    Testregionen: {status: approved, evidence: {source: invented}}
    Alfa: {status: approved, evidence: {source: invented}}
    Beta: {status: approved, evidence: {source: invented}}
    Gamma: {status: approved, evidence: {source: invented}}
counting:
  month: month_of(discharge_date)
  rules:
    days_ready:
      formula: discharge_date - ready_date
      unit: days
  aggregates:
    episodes:
      formula: count(days_ready >= 1 day)
      unit: number
    total_days:
      formula: sum(days_ready, days_ready >= 1 day)
      unit: days
rules:
  benchmark:
    formula: 3.5 days
    unit: days
  average_days:
    formula: if episodes = 0 then 0 days else total_days / episodes
    unit: days
  excess:
    formula: max(0 days, average_days - benchmark)
    unit: days
  day_cost:
    formula: national_day_cost[year_of(month)]
    unit: kr/day
  gross_amount:
    formula: excess * episodes * day_cost
    unit: kr
  discount:
    formula: 0 kr
    unit: kr
  net_amount:
    formula: round(gross_amount - discount, 2, half_up)
    unit: kr
"""

EXTENSION = """\
format: agreement-engine/1
kind: extension
id: test-extension
title: "Made-up extension for the ledger tests"
sources:
  invented: {title: "Invented for the tests"}
extends: test-model
validity:
  from: 2025-01-01
  until: 2025-12-31
  cite: {source: invented}
approval:
  required: all-parties
  cite: {source: invented}
  by:
    Testregionen: {status: STATUS, evidence: {source: invented}}
    Alfa: {status: STATUS, evidence: {source: invented}}
    Beta: {status: STATUS, evidence: {source: invented}}
    Gamma: {status: STATUS, evidence: {source: invented}}
"""

FIGURES = """\
format: agreement-engine/1
kind: parameters
id: test-day-cost
title: "Made-up prices per day for the ledger tests"
sources:
  invented: {title: "Invented for the tests"}
parameters:
  national_day_cost:
    title: "Made-up price per day"
    unit: kr/day
    period: year
    values:
      2024: {value: COST2024, status: STATUS2024, cite: {source: invented}}
      2025: {value: 1100, status: provisional, cite: {source: invented}}
"""


@dataclass
class Library:
    """The made-up agreement files, in a folder of their own; they can be changed as approvals
    arrive and figures are published."""

    folder: Path

    def write(
        self, *, approved: bool = False, cost_2024: str = "1000", status_2024: str = "official"
    ) -> None:
        self.folder.mkdir(exist_ok=True)
        (self.folder / "agreement.yaml").write_text(AGREEMENT, encoding="utf-8")
        status = "approved" if approved else "pending"
        (self.folder / "extension.yaml").write_text(
            EXTENSION.replace("STATUS", status), encoding="utf-8"
        )
        figures = FIGURES.replace("COST2024", cost_2024).replace("STATUS2024", status_2024)
        (self.folder / "figures.yaml").write_text(figures, encoding="utf-8")

    @property
    def paths(self) -> list[str]:
        return [str(self.folder)]


def aggregates(
    folder: Path, rows: Mapping[tuple[str, str], tuple[int, int]], name: str = "data.csv"
) -> str:
    """An aggregates file: (municipality, month) → (episodes, total days)."""
    path = folder / name
    lines = ["Kommun;Månad;Vårdtillfällen;Totalt antal dagar"]
    lines += [f"{m};{month};{e};{d}" for (m, month), (e, d) in rows.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def episodes(folder: Path, rows: Mapping[str, tuple[str, str, str]], name: str = "e.csv") -> str:
    """An episode extract: id → (municipality, ready date, discharge date)."""
    path = folder / name
    lines = ["Vårdtillfälle-ID;Kommun;Utskrivningsklar datum;Utskrivningsdatum"]
    lines += [f"{key};{m};{ready};{out}" for key, (m, ready, out) in rows.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


# Alfa: 10 episodes, 50 days: (5 − 3.5) × 10 × 1000 = 15 000 kr
# Beta: 4 episodes, 13 days: (3.25 − 3.5) → 0 kr
# Gamma: 3 episodes, 16 days: (16/3 − 3.5) × 3 × 1000 = 5 500 kr
MARCH = {
    ("Alfa", "2024-03"): (10, 50),
    ("Beta", "2024-03"): (4, 13),
    ("Gamma", "2024-03"): (3, 16),
}
MONTH = YearMonth(2024, 3)


def postgres_url() -> str:
    """The test server's URL; without one, the test skips (fails in CI)."""
    url = os.environ.get(POSTGRES_VARIABLE)
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(
            f"{POSTGRES_VARIABLE} is not set: CI must run the ledger's PostgreSQL tests "
            "(.ci/run starts a server and sets it)"
        )
    pytest.skip(f"no PostgreSQL server: set {POSTGRES_VARIABLE}=postgresql://… to run this")


def fresh_schema(where: str) -> str:
    """Another empty schema beside the test's own (dropped with it): its URL."""
    from sqlalchemy import create_engine, text

    url, schema = where.split("%3D")
    admin = create_engine(postgres_url().replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}_m"))
    admin.dispose()
    return f"{url}%3D{schema}_m"


def open_ledger(where: str) -> engine.Ledger:
    return engine.open_ledger(where)
