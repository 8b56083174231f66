"""Agreement files for the timeline tests: where the bundled files are, who their parties are,
and a made-up region whose municipalities part ways in 2025."""

from __future__ import annotations

import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AGREEMENTS = str(ROOT / "agreements")
HALLAND = ("Kungsbacka", "Varberg", "Falkenberg", "Halmstad", "Hylte", "Laholm")
PARTIES = ("Region Halland", *HALLAND)
INVOICE_BASIS = "halland-invoice-basis"
COLLABORATION = "halland-samverkansrutin-2026"
STATUTE = "lag-2017-612"


# A region whose municipalities part ways in 2025: Gamma signs its own agreement, the others wait
# for Beta to approve an extension, fall into a gap, and sign a new agreement for the autumn.
APPROVED = "{status: approved, evidence: {source: minutes}}"
DIFFERING = {
    "1-north-2024.yaml": f"""
        format: agreement-engine/1
        kind: agreement
        id: north-2024
        title: Agreement of Region Norr 2024
        sources:
          minutes: {{title: Minutes of the Norr council}}
        parties:
          region: Region Norr
          municipalities: [Alpha, Beta, Gamma, Delta]
        validity: {{from: 2024-01-01, until: 2024-12-31}}
        approval:
          required: all-parties
          by:
            Region Norr: {APPROVED}
            Alpha: {APPROVED}
            Beta: {APPROVED}
            Gamma: {APPROVED}
            Delta: {APPROVED}
        rules:
          day_cost: day_price[year_of(month)]
          net_amount: round(total_days * day_cost, 0, half_up)
        """,
    "2-north-2024-extension-2025.yaml": f"""
        format: agreement-engine/1
        kind: extension
        id: north-2024-extension-2025
        title: Extension of the Norr agreement to mid-2025
        sources:
          minutes: {{title: Minutes of the Norr council}}
        extends: north-2024
        validity: {{from: 2025-01-01, until: 2025-06-30}}
        approval:
          required: all-parties
          by:
            Region Norr: {APPROVED}
            Alpha: {APPROVED}
            Beta: {{status: pending, evidence: {{source: minutes}}}}
            Gamma: {APPROVED}
            Delta: {APPROVED}
        """,
    "3-north-routine.yaml": """
        format: agreement-engine/1
        kind: routine
        id: north-routine
        title: Working routine of Region Norr
        applies_to: [north-2024]
        validity: {from: 2024-07-15}
        provisions:
          - text: The parties meet monthly.
        """,
    "4-gamma-2025.yaml": f"""
        format: agreement-engine/1
        kind: agreement
        id: gamma-2025
        title: Agreement of Region Norr and Gamma 2025
        sources:
          minutes: {{title: Minutes of the Norr council}}
        parties:
          region: Region Norr
          municipalities: [Gamma]
        validity: {{from: 2025-01-01, until: 2025-12-31}}
        approval:
          required: all-parties
          by:
            Region Norr: {APPROVED}
            Gamma: {APPROVED}
        rules:
          net_amount: round(total_days * 9000 kr/day, 0, half_up)
        """,
    "5-north-2025-q4.yaml": f"""
        format: agreement-engine/1
        kind: agreement
        id: north-2025-q4
        title: Agreement of Region Norr for the last quarter of 2025
        sources:
          minutes: {{title: Minutes of the Norr council}}
        parties:
          region: Region Norr
          municipalities: [Alpha, Beta, Delta]
        validity: {{from: 2025-10-01, until: 2025-12-31}}
        approval:
          required: all-parties
          by:
            Region Norr: {APPROVED}
            Alpha: {APPROVED}
            Beta: {APPROVED}
            Delta: {APPROVED}
        rules:
          day_cost: day_price[year_of(month)]
          net_amount: round(total_days * day_cost, 0, half_up)
        """,
    "6-statute.yaml": """
        format: agreement-engine/1
        kind: statute
        id: test-statute
        title: The statutory default, for tests
        validity: {from: 2018-01-01}
        counting:
          month: month_of(discharge_date)
          rules:
            liable_days: discharge_date - ready_date
          aggregates:
            liable_days_total: sum(liable_days)
        rules:
          day_cost: day_price[year_of(month)]
          net_amount: round(liable_days_total * day_cost, 0, half_up)
        """,
    "7-figures.yaml": """
        format: agreement-engine/1
        kind: parameters
        id: test-figures
        title: Figures for tests
        sources:
          notice: {title: The notice that sets the day price}
        parameters:
          day_price:
            title: Price of a care day
            unit: kr/day
            period: year
            values:
              2023: {value: 9000, status: official, cite: {source: notice}}
              2024: {value: 9500, status: provisional, cite: {source: notice}}
              2025: {status: missing, cite: {source: notice}}
        """,
}


def write_files(folder: Path, files: dict[str, str]) -> str:
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return str(folder)
