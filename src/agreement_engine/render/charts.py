"""The report's charts, as data: Vega-Lite specifications, rendered to SVG offline.

Each chart is a Vega-Lite spec built from the exact results (:func:`net_amount_chart`,
:func:`days_chart`, :func:`governance_chart`), and :func:`svg` renders it with vl-convert, whose
engine is bundled with it: nothing is fetched, and the same spec gives the same SVG. Numbers go
into the spec as JSON number text written from the exact values (a Decimal's digits; a fraction
whose decimals never end, to :data:`PLACES` decimals): no Python float is made, and nothing read
back from a chart ever reaches money.

Nothing is invented in a picture either: a provisional month is drawn in its own colour and a
month not computed is marked where its bar would be, both named in the legend, in the language
of the report.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from agreement_engine.billing.lines import InvoiceLine, LineStatus
from agreement_engine.formula import Amount, round_exact, to_decimal
from agreement_engine.formula.values import plain
from agreement_engine.months import YearMonth
from agreement_engine.render.i18n import Language
from agreement_engine.render.timeline import governed_by
from agreement_engine.review.timeline import Timeline, TimelineStatus

PLACES = 4
"""Decimals a chart is given of a value whose decimals never end (far below what it can show)."""
WIDTH = 620
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # a name: never fetched
_STATUS_COLOURS = {
    LineStatus.FINAL: "#4c78a8",
    LineStatus.PROVISIONAL: "#f2a900",
    LineStatus.NOT_COMPUTED: "#d62728",
}
_FOOTING_OPACITY = {
    TimelineStatus.IN_FORCE: 1.0,
    TimelineStatus.PENDING: 0.45,
    TimelineStatus.GAP: 0.45,
    TimelineStatus.STATUTE: 0.7,
    TimelineStatus.CONFLICT: 0.45,
}


def svg(spec: dict[str, Any], lang: Language) -> str:
    """A chart as SVG, numbers and dates written the way of ``lang`` (Swedish: '7 102 000')."""
    import vl_convert

    if lang.english:
        made = vl_convert.vegalite_to_svg(spec_json(spec), allowed_base_urls=[])
    else:
        made = vl_convert.vegalite_to_svg(
            spec_json(spec), format_locale="sv-SE", time_format_locale="sv-SE", allowed_base_urls=[]
        )
    return str(made)


def spec_json(spec: Any) -> str:
    """A spec as JSON text, its Decimals written as numbers with exactly their digits."""
    if isinstance(spec, Decimal):
        return plain(spec)
    if isinstance(spec, dict):
        items = (f"{json.dumps(str(k))}:{spec_json(v)}" for k, v in spec.items())
        return "{" + ",".join(items) + "}"
    if isinstance(spec, list | tuple):
        return "[" + ",".join(map(spec_json, spec)) + "]"
    return json.dumps(spec, ensure_ascii=False)


def number(value: Amount | Decimal | None) -> Decimal | None:
    """A value as a chart is given it: exact where its decimals end, else to :data:`PLACES`."""
    if value is None or isinstance(value, Decimal):
        return value
    exact = to_decimal(value.value)
    return exact if exact is not None else to_decimal(round_exact(value.value, PLACES, "half_even"))


def _status_colour(lang: Language) -> dict[str, Any]:
    """Colour by the line's status, every status in the legend (in ``lang``), in fixed colours."""
    scale = {
        "domain": [lang._(status.value) for status in LineStatus],
        "range": list(_STATUS_COLOURS.values()),
    }
    return {"field": "status", "type": "nominal", "title": lang._("status"), "scale": scale}


def net_amount_chart(lines: Sequence[InvoiceLine], lang: Language) -> dict[str, Any]:
    """Bars of the net amount per month, coloured by status; a cross where a month is not
    computed (no amount to draw)."""
    rows = [
        {
            "month": str(line.month),
            "amount": line.amount if line.amount is not None else Decimal(0),
            "status": lang._(line.status.value),
            "computed": line.amount is not None,
        }
        for line in lines
    ]
    month = {"field": "month", "type": "ordinal", "title": lang._("month")}
    amount = {"field": "amount", "type": "quantitative", "title": "kr"}
    colour = _status_colour(lang)
    cross = {"type": "point", "shape": "cross", "size": 120, "filled": True}
    return {
        "$schema": SCHEMA,
        "title": lang._("Net amount per month (kr)"),
        "width": WIDTH,
        "height": 150,
        "data": {"values": rows},
        "layer": [
            {
                "transform": [{"filter": "datum.computed"}],
                "mark": "bar",
                "encoding": {"x": month, "y": amount, "color": colour},
            },
            {
                "transform": [{"filter": "!datum.computed"}],
                "mark": cross,
                "encoding": {"x": month, "y": amount, "color": colour},
            },
        ],
    }


def days_chart(lines: Sequence[InvoiceLine], lang: Language) -> dict[str, Any] | None:
    """The average days against the benchmark, per month (points coloured by status); None when
    the lines have neither (another model than an average's)."""
    average, benchmark = lang._("average days"), lang._("benchmark")
    rows = []
    for line in lines:
        for name, series in (("average_days", average), ("benchmark", benchmark)):
            value = line.value(name)
            if isinstance(value, Amount):
                status = lang._(line.status.value)
                rows.append(
                    {
                        "month": str(line.month),
                        "days": number(value),
                        "series": series,
                        "status": status,
                    }
                )
    if not rows:
        return None
    month = {"field": "month", "type": "ordinal", "title": lang._("month")}
    days = {"field": "days", "type": "quantitative", "title": lang._("days")}
    domain = [average, benchmark]
    stroke = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {"domain": domain, "range": ["#333333", "#888888"]},
    }
    dash = {
        "field": "series",
        "type": "nominal",
        "legend": None,
        "scale": {"domain": domain, "range": [[1, 0], [6, 4]]},
    }
    return {
        "$schema": SCHEMA,
        "title": lang._("Average days against the benchmark"),
        "width": WIDTH,
        "height": 150,
        "data": {"values": rows},
        "layer": [
            {
                "mark": {"type": "line"},
                "encoding": {"x": month, "y": days, "stroke": stroke, "strokeDash": dash},
            },
            {
                "transform": [{"filter": {"field": "series", "equal": average}}],
                "mark": {"type": "point", "filled": True, "size": 60},
                "encoding": {"x": month, "y": days, "color": _status_colour(lang)},
            },
        ],
        "resolve": {"scale": {"color": "independent"}},
    }


def governance_chart(timeline: Timeline, lang: Language) -> dict[str, Any]:
    """What governs each municipality's months, as bars over time (a Gantt chart): one colour
    per governing document, faded where it does not govern in force (approval pending, a gap
    the statute fills)."""
    rows = [
        {
            "municipality": municipality,
            "start": _first_day(run.first),
            "end": _first_day(run.last.next()),
            "documents": governed_by(run.regime, lang),
            "footing": lang._(run.regime.status.value),
        }
        for run in timeline.runs
        for municipality in run.municipalities
    ]
    footings = [lang._(status.value) for status in TimelineStatus]
    return {
        "$schema": SCHEMA,
        "title": lang._("What governs each month"),
        "width": WIDTH,
        "height": {"step": 22},
        "data": {"values": rows},
        "mark": {"type": "bar", "stroke": "#ffffff", "strokeWidth": 1},
        "encoding": {
            "y": {
                "field": "municipality",
                "type": "nominal",
                "sort": list(timeline.municipalities),
                "title": None,
            },
            "x": {
                "field": "start",
                "type": "temporal",
                "title": None,
                "timeUnit": "utcyearmonth",
                "axis": {"format": "%Y-%m", "labelAngle": -45},
            },
            "x2": {"field": "end"},
            "color": {"field": "documents", "type": "nominal", "title": lang._("governed by")},
            "opacity": {
                "field": "footing",
                "type": "nominal",
                "title": lang._("footing"),
                "scale": {
                    "type": "ordinal",
                    "domain": footings,
                    "range": list(_FOOTING_OPACITY.values()),
                },
            },
        },
    }


def _first_day(month: YearMonth) -> str:
    return f"{month}-01"
