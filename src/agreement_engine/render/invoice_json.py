"""The invoice basis as JSON, for machines: every value exact, every name and code in English,
following ``schemas/invoice-basis.schema.json``; with the documents the lines rest on and,
when a run read one, the data file (:func:`data_json`)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.lines import InvoiceBasis, InvoiceLine
from agreement_engine.data.report import ReadReport
from agreement_engine.diagnostics import Diagnostic
from agreement_engine.diagnostics import to_json as diagnostic_json
from agreement_engine.formula import Value
from agreement_engine.formula.values import exact_texts, plain
from agreement_engine.render.columns import month_text, totals
from agreement_engine.render.sources import documents

FORMAT = "agreement-engine/invoice-basis/1"


def to_json(basis: InvoiceBasis, data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The invoice basis as a plain mapping following schemas/invoice-basis.schema.json;
    ``data`` says which data file it was computed from and how that was read."""
    by_municipality, everything = totals(basis)
    values = iter(exact_texts([v for line in basis.lines for v in _named_values(line)]))
    return {
        "format": FORMAT,
        "months": [str(m) for m in basis.months],
        "assume_approved": basis.assume_approved,
        "readings": dict(basis.library.readings),
        "documents": _documents_json(basis),
        **({"data": dict(data)} if data is not None else {}),
        "lines": [_line_json(line, values) for line in basis.lines],
        "totals": {
            "by_municipality": {m: plain(by_municipality[m]) for m in basis.municipalities},
            "all": plain(everything),
            "lines_not_computed": sum(1 for line in basis.lines if line.amount is None),
        },
    }


def render_json(basis: InvoiceBasis, data: Mapping[str, Any] | None = None) -> str:
    return json.dumps(to_json(basis, data), ensure_ascii=False, indent=2) + "\n"


def _named_values(line: InvoiceLine) -> list[Value]:
    """A line's inputs, then the values of its steps, in order."""
    return [*line.inputs.values(), *(step.value for step in line.steps)]


def _line_json(line: InvoiceLine, values: Iterator[str]) -> dict[str, Any]:
    """A line as JSON; the text of its inputs and step values are the next ones of ``values``."""
    return {
        "municipality": line.municipality,
        "month": month_text(line.month),
        "status": line.status.value,
        "reasons": list(line.reasons),
        "governance": line.governance.status.value,
        "documents": [d.id for d in line.documents],
        "inputs": _next_values(list(line.inputs), values),
        "values": _next_values([step.rule for step in line.steps], values),
        "net_amount": None if line.amount is None else plain(line.amount),
        "assumptions": list(line.assumptions),
        "readings": dict(line.readings),
        "figures": [_figure_json(use) for use in line.figures],
    }


def _next_values(names: list[str], values: Iterator[str]) -> dict[str, str]:
    return dict(zip(names, islice(values, len(names)), strict=True))


def _documents_json(basis: InvoiceBasis) -> list[dict[str, str]]:
    """The documents the lines rest on, governing or holding their figures, sorted by id
    (:func:`.sources.documents`, as the workbook and the report list them)."""
    return [
        {"id": d.id, "kind": d.kind, "path": d.path, "sha256": d.sha256} for d in documents(basis)
    ]


def _figure_json(use: FigureUse) -> dict[str, Any]:
    figure = use.figure
    return {
        "parameter": use.parameter,
        "key": use.key,
        "value": None if figure is None or figure.value is None else plain(figure.value),
        "status": figure.status if figure else "missing",
        "illustrative": bool(figure and figure.illustrative),
        "document": figure.document if figure else use.series.document,
    }


def data_json(report: ReadReport, sha256: str, warnings: Sequence[Diagnostic]) -> dict[str, object]:
    """The data file a run read, for the JSON output: its path and SHA-256 (as the documents
    have theirs), how it was read, the rows left out and why, and the warnings met."""
    return {
        "path": report.path,
        "sha256": sha256,
        "form": report.form,
        "rows_read": report.rows_read,
        "rows_used": report.rows_used,
        "excluded": [
            {"reason": e.reason, "rows": e.count, "first_rows": list(e.rows)}
            for e in report.excluded
        ],
        "warnings": [diagnostic_json(w) for w in warnings],
    }
