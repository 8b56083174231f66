"""The money of each reading of the open questions, as people and machines read it.

The text view gives first one line per reading, with its total over every municipality and its
difference from the agreement files' own reading, so that a reviewer sees at once which open
questions matter and how much; then, for each assumption, every municipality's amount under
the files' own reading and each alternative's difference from it. JSON and CSV give the same
figures for every municipality and reading.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, localcontext
from typing import Any

from agreement_engine.billing.lines import EXACT_SUMS
from agreement_engine.formula.values import plain
from agreement_engine.review.sensitivity import (
    AssumptionReadings,
    ReadingRun,
    Sensitivity,
    counts_only,
)
from agreement_engine.review.timeline import span_text

FORMAT = "agreement-engine/readings/1"
WIDTH = 100


def render_text(found: Sensitivity, data: Mapping[str, Any] | None = None) -> str:
    span = span_text(found.months[0], found.months[-1])
    out = [
        f"readings {span}: {len(found.municipalities)} municipalities, data {found.report.path}",
        "each reading billed alone; every other assumption as the agreement files read it",
        "",
        "all municipalities (amounts in kr; difference from the files' own reading):",
        "",
    ]
    out += _summary(found)
    for readings in found.assumptions:
        if _moves_money(found, readings):
            out += ["", *_by_municipality(found, readings)]
    return "\n".join(out) + "\n"


def _moves_money(found: Sensitivity, readings: AssumptionReadings) -> bool:
    """Whether some alternative bills some municipality otherwise than the files' own reading."""
    own = readings.runs[0]
    return any(
        run.total(m) != own.total(m) or run.not_computed(m) != own.not_computed(m)
        for run in readings.runs[1:]
        if run.basis is not None
        for m in found.municipalities
    )


def _summary(found: Sensitivity) -> list[str]:
    rows: list[tuple[str, ...]] = [("assumption", "reading", "total", "difference", "not computed")]
    notes: list[str] = []
    for readings in found.assumptions:
        own = readings.runs[0]
        for run in readings.runs:
            name = f"{run.reading} (own)" if run.own else run.reading
            first = readings.assumption.id if run.own else ""
            if run.basis is None:
                notes.append(f"{readings.assumption.id}={run.reading}: no rules: {run.no_rules}")
                rows.append((first, name, "no rules", "", ""))
                continue
            rows.append(
                (
                    first,
                    name,
                    _amount(run.total()),
                    "" if run.own else _amount(_difference(run.total(), own.total())),
                    str(run.not_computed()),
                )
            )
        if counts_only(readings.assumption) and not found.episodes:
            notes.append(
                f"{readings.assumption.id}: its readings change how episodes are counted; the "
                "data give monthly aggregates, counted already, so they change nothing here"
            )
    out = _table(rows, right=(2, 3, 4))
    if any(run.not_computed() for run in found.runs):
        notes.insert(
            0,
            "totals add the lines computed; 'not computed' counts the others (evaluate says why "
            "of each): a reading of what bills only lines not computed here shows no difference",
        )
    if notes:
        out.append("")
        for note in notes:
            out += textwrap.wrap(note, WIDTH, subsequent_indent="  ", break_on_hyphens=False)
    return out


def _by_municipality(found: Sensitivity, readings: AssumptionReadings) -> list[str]:
    assumption = readings.assumption
    own, *others = (run for run in readings.runs if run.basis is not None)
    heading = f"{assumption.id} ({assumption.document}), by municipality: "
    heading += f"own = the files' own reading, {own.reading}; "
    heading += ", ".join(f"{i} = {run.reading}" for i, run in enumerate(others, 1))
    heading += " (differences from own)"
    out = textwrap.wrap(heading, WIDTH, subsequent_indent="  ", break_on_hyphens=False)
    rows: list[tuple[str, ...]] = [
        ("municipality", "own", *(str(i) for i in range(1, len(others) + 1)))
    ]
    for municipality in (*found.municipalities, None):
        amount = own.total(municipality)
        rows.append(
            (
                municipality or "all",
                _amount(amount),
                *(_amount(_difference(run.total(municipality), amount)) for run in others),
            )
        )
    return out + _table(rows, right=tuple(range(1, len(others) + 2)))


def _table(rows: Sequence[tuple[str, ...]], right: tuple[int, ...]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(row: tuple[str, ...]) -> str:
        cells = [
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    return [line(rows[0]), line(tuple("-" * w for w in widths)), *map(line, rows[1:])]


def _amount(value: Decimal | None) -> str:
    return "" if value is None else plain(value)


def _difference(value: Decimal | None, base: Decimal | None) -> Decimal | None:
    if value is None or base is None:
        return None
    with localcontext(EXACT_SUMS):
        return value - base


# -- JSON and CSV ---------------------------------------------------------------------------------


def to_json(found: Sensitivity, data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "months": [str(m) for m in found.months],
        "municipalities": list(found.municipalities),
        "assume_approved": found.assume_approved,
        **({"data": dict(data)} if data is not None else {}),
        "assumptions": [_assumption_json(found, readings) for readings in found.assumptions],
    }


def _assumption_json(found: Sensitivity, readings: AssumptionReadings) -> dict[str, Any]:
    assumption = readings.assumption
    own = readings.runs[0]
    return {
        "id": assumption.id,
        "document": assumption.document,
        "default": assumption.default,
        "readings": [_run_json(found, run, own) for run in readings.runs],
    }


def _run_json(found: Sensitivity, run: ReadingRun, own: ReadingRun) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": run.reading,
        "own": run.own,
        "reading": " ".join(run.text.split()),
        "no_rules": run.no_rules,
    }
    if run.basis is None:
        return entry
    municipalities = found.municipalities
    entry["totals"] = {
        "by_municipality": {m: _amount(run.total(m)) for m in municipalities},
        "all": _amount(run.total()),
    }
    entry["difference"] = {
        "by_municipality": {
            m: _amount(_difference(run.total(m), own.total(m))) for m in municipalities
        },
        "all": _amount(_difference(run.total(), own.total())),
    }
    entry["lines_not_computed"] = run.not_computed()
    return entry


CSV_COLUMNS = (
    "assumption",
    "reading",
    "own",
    "municipality",
    "net_amount",
    "difference",
    "lines_not_computed",
    "no_rules",
)


def render_csv(found: Sensitivity, data: Mapping[str, Any] | None = None) -> str:
    """One row per reading and municipality (and 'all'), ';' separated, decimal commas, with a
    byte-order mark, as the invoice basis's CSV for a Swedish spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for readings in found.assumptions:
        own = readings.runs[0]
        for run in readings.runs:
            for municipality in (*found.municipalities, None):
                total = run.total(municipality)
                writer.writerow(
                    [
                        readings.assumption.id,
                        run.reading,
                        "yes" if run.own else "no",
                        municipality or "all",
                        _comma(total),
                        _comma(_difference(total, own.total(municipality))),
                        "" if run.basis is None else str(run.not_computed(municipality)),
                        " ".join((run.no_rules or "").split()),
                    ]
                )
    return "\ufeff" + buffer.getvalue()


def _comma(value: Decimal | None) -> str:
    return _amount(value).replace(".", ",")


def render_json(found: Sensitivity, data: Mapping[str, Any] | None = None) -> str:
    return json.dumps(to_json(found, data), ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, Callable[[Sensitivity, Mapping[str, Any] | None], str]] = {
    "text": render_text,
    "json": render_json,
    "csv": render_csv,
}
