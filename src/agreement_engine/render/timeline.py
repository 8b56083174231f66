"""The timeline as people and machines read it: text, CSV and JSON.

The terminal view shows the runs of a :class:`~agreement_engine.review.timeline.Timeline`, so
that a reviewer reads the whole history on one screen; CSV and JSON give one record per
municipality and month, for machines (JSON has the runs too).
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

from agreement_engine.agreements.documents import Passage
from agreement_engine.render.i18n import ENGLISH, N_, Language
from agreement_engine.review.timeline import (
    FIGURE_STATES,
    FigureNote,
    Regime,
    Run,
    Timeline,
    TimelineStatus,
    span_text,
)

FORMAT = "agreement-engine/timeline/1"
WIDTH = 100  # the text view wraps its detail lines to fit a terminal this wide
_HEADINGS = (N_("months"), N_("parties"), N_("governed by"), N_("status"))
STATUSES = (N_("in force"), N_("pending approval"), N_("gap"), N_("statute"), N_("conflict"))
"""The words of :class:`TimelineStatus`, for the catalog."""


def render_text(timeline: Timeline, lang: Language = ENGLISH) -> str:
    """The runs as a table a person reads on one screen, details indented under each row."""
    rows = [
        (
            run.months,
            _parties(run, timeline.municipalities, lang),
            governed_by(run.regime, lang),
            _status(run, lang),
        )
        for run in timeline.runs
    ]
    headings = tuple(lang._(h) for h in _HEADINGS)
    widths = [max(len(r[i]) for r in [headings, *rows]) for i in range(len(headings))]

    def fmt(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    span = span_text(timeline.first, timeline.last)
    out = [
        lang._(
            "timeline {span}: {municipalities}",
            span=span,
            municipalities=", ".join(timeline.municipalities),
        ),
        readings_line(timeline, lang),
        "",
    ]
    out += [fmt(headings), fmt(["-" * w for w in widths])]
    indent = " " * (widths[0] + 2)
    for run, row in zip(timeline.runs, rows, strict=True):
        out.append(fmt(row))
        for label, value in _details(run, lang):
            out += textwrap.wrap(
                f"{label}: {value}",
                width=WIDTH,
                initial_indent=indent,
                subsequent_indent=indent + "  ",
                break_long_words=False,
                break_on_hyphens=False,
            )
    return "\n".join(out) + "\n"


def readings_line(timeline: Timeline, lang: Language = ENGLISH) -> str:
    """Which readings of the assumptions the timeline is drawn under."""
    chosen = "; ".join(f"{a}={r}" for a, r in timeline.readings)
    if not chosen:
        return lang._("readings: the agreement files' own")
    return lang._("readings: {chosen}; the files' own for every other assumption", chosen=chosen)


def governed_by(regime: Regime, lang: Language = ENGLISH) -> str:
    """What governs, in a language: the documents in force at once for a conflict, else the
    extension, the agreement or the statute ('no statute in force' when nothing does)."""
    if len(regime.conflicts) > 1:
        *first, last = regime.conflicts
        return lang._("{first} and {last}", first=" and ".join(first), last=last)
    return lang.text(regime.governed_by)


def _parties(run: Run, everyone: Sequence[str], lang: Language) -> str:
    mine = run.municipalities
    if len(mine) == len(everyone) and len(everyone) > 1:
        return lang._("all {count} municipalities", count=len(everyone))
    others = [m for m in everyone if m not in mine]
    if len(mine) > 2 and len(others) < len(mine):
        return lang._("all but {others}", others=", ".join(others))
    return ", ".join(mine)


def _status(run: Run, lang: Language) -> str:
    regime = run.regime
    if regime.status is TimelineStatus.GAP and regime.statute is not None:
        return lang._("gap: statute governs")
    if regime.status is TimelineStatus.CONFLICT:
        return lang._("conflict: run check")
    return lang._(regime.status.value)


_FIGURE_LABELS = {
    "missing": N_("missing figures"),
    "provisional": N_("provisional figures"),
    "illustrative": N_("illustrative figures"),
}


def _details(run: Run, lang: Language) -> list[tuple[str, str]]:
    regime = run.regime
    details = []
    if regime.routines:
        details.append((lang._("routines"), ", ".join(regime.routines)))
    if regime.awaiting_approval:
        meanwhile = (
            lang._("until every party has approved, {statute} governs", statute=regime.statute)
            if regime.statute
            else lang._("until every party has approved, nothing governs: no statute is in force")
        )
        who = ", ".join(regime.awaiting_approval)
        details.append((lang._("awaiting approval from"), f"{who}; {meanwhile}"))
    for document, parties in regime.inferred:
        inferred = lang._(
            "{document} by {parties}: no decision on record",
            document=document,
            parties=", ".join(parties),
        )
        details.append((lang._("approval inferred"), inferred))
    details += [(lang._("reading"), lang.text(text)) for text in regime.readings]
    details += [(lang._("caveat"), _caveat(caveat)) for caveat in regime.caveats]
    for state in FIGURE_STATES:
        notes = [n for n in run.figures if n.status == state]
        if notes:
            details.append((lang._(_FIGURE_LABELS[state]), _figures_text(notes)))
    return details


def _caveat(caveat: Passage) -> str:
    """A caveat and the passages it cites: 'text (rs240957, Sammanfattning: "…")'."""
    cited = [
        ", ".join(p for p in (c.source, c.section) if p) + (f': "{c.quote}"' if c.quote else "")
        for c in caveat.cites
    ]
    text = " ".join(caveat.text.split())
    return f"{text} ({'; '.join(cited)})" if cited else text


def _figures_text(notes: Sequence[FigureNote]) -> str:
    """'national_average_days 2023; national_day_cost 2024, 2025'."""
    keys: dict[str, list[str]] = {}
    for n in notes:
        keys.setdefault(n.parameter, []).append(n.key)
    return "; ".join(f"{name} {', '.join(found)}" for name, found in keys.items())


CSV_COLUMNS = (
    "month",
    "municipality",
    "status",
    "agreement",
    "extension",
    "routines",
    "statute",
    "awaiting_approval",
    "conflicts",
    "missing_figures",
    "provisional_figures",
    "illustrative_figures",
)


def render_csv(timeline: Timeline, lang: Language = ENGLISH) -> str:
    """One row per municipality and month, ';' separated; lists inside a cell joined by ', '.
    For machines, like JSON: its names and values are the same in every language."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for v in timeline.months:
        r = v.regime
        writer.writerow(
            [
                str(v.month),
                v.municipality,
                r.status.value,
                r.agreement or "",
                r.extension or "",
                ", ".join(r.routines),
                r.statute or "",
                ", ".join(r.awaiting_approval),
                ", ".join(r.conflicts),
                *(
                    ", ".join(f"{n.parameter}[{n.key}]" for n in v.figures if n.status == state)
                    for state in FIGURE_STATES
                ),
            ]
        )
    return buffer.getvalue()


def to_json(timeline: Timeline) -> dict[str, Any]:
    """The timeline as plain data: the runs of the text view, and every municipality's month."""
    return {
        "format": FORMAT,
        "from": str(timeline.first),
        "to": str(timeline.last),
        "municipalities": list(timeline.municipalities),
        "readings": dict(timeline.readings),
        "runs": [
            {
                "from": str(run.first),
                "to": str(run.last),
                "municipalities": list(run.municipalities),
                **_regime_json(run.regime),
                "figures": _figures_json(run.figures),
            }
            for run in timeline.runs
        ],
        "months": [
            {
                "month": str(v.month),
                "municipality": v.municipality,
                **_regime_json(v.regime),
                "figures": _figures_json(v.figures),
            }
            for v in timeline.months
        ],
    }


def _regime_json(r: Regime) -> dict[str, Any]:
    return {
        "status": r.status.value,
        "agreement": r.agreement,
        "extension": r.extension,
        "routines": list(r.routines),
        "statute": r.statute,
        "awaiting_approval": list(r.awaiting_approval),
        "conflicts": list(r.conflicts),
        "inferred_approvals": [
            {"document": document, "parties": list(parties)} for document, parties in r.inferred
        ],
        "decided_by_reading": list(r.readings),
        "caveats": [" ".join(c.text.split()) for c in r.caveats],
    }


def _figures_json(notes: Sequence[FigureNote]) -> list[dict[str, str]]:
    return [{"parameter": n.parameter, "key": n.key, "status": n.status} for n in notes]


def render_json(timeline: Timeline, lang: Language = ENGLISH) -> str:
    return json.dumps(to_json(timeline), ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, Callable[[Timeline, Language], str]] = {
    "text": render_text,
    "csv": render_csv,
    "json": render_json,
}
