"""The money of each reading of the open questions, as people and machines read it.

The text view gives first one line per reading, with its total over every municipality and its
difference from the agreement files' own reading, so that a reviewer sees at once which open
questions matter and how much; then, for each assumption, every municipality's amount under
the files' own reading and each alternative's difference from it. JSON and CSV give the same
figures for every municipality and reading.

The text and the CSV (for a Swedish spreadsheet, as the invoice basis's) are in the language
passed (:mod:`.i18n`); JSON is for machines and stays in English. The ids of assumptions and
readings, and the readings' own words, are the agreement files'.
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
from agreement_engine.render.i18n import ENGLISH, N_, Language
from agreement_engine.review.sensitivity import (
    AssumptionReadings,
    ReadingRun,
    Sensitivity,
    counts_only,
)
from agreement_engine.review.timeline import span_text

FORMAT = "agreement-engine/readings/1"
WIDTH = 100


def render_text(
    found: Sensitivity, data: Mapping[str, Any] | None = None, lang: Language = ENGLISH
) -> str:
    span = span_text(found.months[0], found.months[-1])
    out = [
        lang._(
            "readings {span}: {count} municipalities, data {path}",
            span=span,
            count=len(found.municipalities),
            path=found.report.path,
        ),
        lang._("each reading billed alone; every other assumption as the agreement files read it"),
        "",
        lang._("all municipalities (amounts in kr; difference from the files' own reading):"),
        "",
    ]
    out += _summary(found, lang)
    for readings in found.assumptions:
        if _moves_money(found, readings):
            out += ["", *_by_municipality(found, readings, lang)]
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


_SUMMARY = (N_("assumption"), N_("reading"), N_("total"), N_("difference"), N_("not computed"))


def _summary(found: Sensitivity, lang: Language) -> list[str]:
    rows: list[tuple[str, ...]] = [tuple(lang._(heading) for heading in _SUMMARY)]
    notes: list[str] = []
    for readings in found.assumptions:
        own = readings.runs[0]
        for run in readings.runs:
            name = lang._("{reading} (own)", reading=run.reading) if run.own else run.reading
            first = readings.assumption.id if run.own else ""
            if run.basis is None:
                notes.append(
                    lang._(
                        "{assumption}={reading}: no rules: {why}",
                        assumption=readings.assumption.id,
                        reading=run.reading,
                        why=lang.text(run.no_rules) if run.no_rules else "",
                    )
                )
                rows.append((first, name, lang._("no rules"), "", ""))
                continue
            rows.append(
                (
                    first,
                    name,
                    _amount(run.total(), lang),
                    "" if run.own else _amount(_difference(run.total(), own.total()), lang),
                    str(run.not_computed()),
                )
            )
        if counts_only(readings.assumption) and not found.episodes:
            notes.append(
                lang._(
                    "{assumption}: its readings change how episodes are counted; the data give "
                    "monthly aggregates, counted already, so they change nothing here",
                    assumption=readings.assumption.id,
                )
            )
    out = _table(rows, right=(2, 3, 4))
    if any(run.not_computed() for run in found.runs):
        notes.insert(
            0,
            lang._(
                "totals add the lines computed; 'not computed' counts the others (evaluate says "
                "why of each): a reading of what bills only lines not computed here shows no "
                "difference"
            ),
        )
    if notes:
        out.append("")
        for note in notes:
            out += textwrap.wrap(note, WIDTH, subsequent_indent="  ", break_on_hyphens=False)
    return out


def _by_municipality(found: Sensitivity, readings: AssumptionReadings, lang: Language) -> list[str]:
    assumption = readings.assumption
    own, *others = (run for run in readings.runs if run.basis is not None)
    heading = lang._(
        "{assumption} ({document}), by municipality: own = the files' own reading, {own}; "
        "{others} (differences from own)",
        assumption=assumption.id,
        document=assumption.document,
        own=own.reading,
        others=", ".join(f"{i} = {run.reading}" for i, run in enumerate(others, 1)),
    )
    out = textwrap.wrap(heading, WIDTH, subsequent_indent="  ", break_on_hyphens=False)
    rows: list[tuple[str, ...]] = [
        (lang._("municipality"), lang._("own"), *(str(i) for i in range(1, len(others) + 1)))
    ]
    for municipality in (*found.municipalities, None):
        amount = own.total(municipality)
        rows.append(
            (
                municipality or lang._("all"),
                _amount(amount, lang),
                *(_amount(_difference(run.total(municipality), amount), lang) for run in others),
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


def _amount(value: Decimal | None, lang: Language = ENGLISH) -> str:
    """An amount as the text shows it: plain digits in English, as always; grouped, with a
    decimal comma, in Swedish."""
    return "" if value is None else lang.decimal(value)


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
CSV_HEADINGS = {
    "assumption": N_("assumption"),
    "reading": N_("reading"),
    "own": N_("own"),
    "municipality": N_("municipality"),
    "net_amount": N_("net amount"),
    "difference": N_("difference"),
    "lines_not_computed": N_("lines not computed"),
    "no_rules": N_("why no rules"),
}
"""The CSV's headings in another language than English (English keeps its names)."""


def render_csv(
    found: Sensitivity, data: Mapping[str, Any] | None = None, lang: Language = ENGLISH
) -> str:
    """One row per reading and municipality (and 'all'), ';' separated, decimal commas, with a
    byte-order mark, as the invoice basis's CSV for a Swedish spreadsheet; its words in a
    language (the names of its columns as they always were in English)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    if lang.english:
        writer.writerow(CSV_COLUMNS)
    else:
        writer.writerow([lang._(CSV_HEADINGS[name]) for name in CSV_COLUMNS])
    yes, no, everyone = lang._("yes"), lang._("no"), lang._("all")
    for readings in found.assumptions:
        own = readings.runs[0]
        for run in readings.runs:
            why = " ".join(lang.text(run.no_rules).split()) if run.no_rules else ""
            for municipality in (*found.municipalities, None):
                total = run.total(municipality)
                writer.writerow(
                    [
                        readings.assumption.id,
                        run.reading,
                        yes if run.own else no,
                        municipality or everyone,
                        _comma(total),
                        _comma(_difference(total, own.total(municipality))),
                        "" if run.basis is None else str(run.not_computed(municipality)),
                        why,
                    ]
                )
    return "\ufeff" + buffer.getvalue()


def _comma(value: Decimal | None) -> str:
    """An amount as a CSV cell: every decimal, a decimal comma, no grouping (a number every
    spreadsheet reads)."""
    return "" if value is None else plain(value).replace(".", ",")


def render_json(
    found: Sensitivity, data: Mapping[str, Any] | None = None, lang: Language = ENGLISH
) -> str:
    """For machines: in English whatever the language asked."""
    return json.dumps(to_json(found, data), ensure_ascii=False, indent=2) + "\n"


Renderer = Callable[[Sensitivity, Mapping[str, Any] | None, Language], str]
RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
    "csv": render_csv,
}
