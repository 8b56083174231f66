"""What the numbers of an invoice basis rest on, as rows for the workbook and the report: the
documents, the figures (with their status: official, provisional, illustrative or missing) and
the readings of ambiguous text relied on, each with the lines that rest on it."""

from __future__ import annotations

from decimal import Decimal

from agreement_engine.agreements.documents import Document
from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.lines import InvoiceBasis, InvoiceLine
from agreement_engine.render.i18n import N_, Language

KINDS = (
    N_("agreement"),
    N_("extension"),
    N_("routine"),
    N_("statute"),
    N_("parameters"),
)
"""The kinds of documents, for the catalog."""
FIGURE_STATES = (N_("official"), N_("provisional"), N_("missing"), N_("illustrative"))
"""A figure's status as shown: ``illustrative`` for a made-up one, whatever its status says."""
DOCUMENT_COLUMNS = (N_("id"), N_("kind"), N_("title"), N_("file"), N_("SHA-256"))
FIGURE_COLUMNS = (
    N_("figure"),
    N_("for"),
    N_("value"),
    N_("unit"),
    N_("status"),
    N_("document"),
    N_("lines resting on it"),
)
READING_COLUMNS = (
    N_("id"),
    N_("document"),
    N_("computed under"),
    N_("reading"),
    N_("lines relying on it"),
)


def documents(basis: InvoiceBasis) -> list[Document]:
    """The documents the lines rest on, governing or holding their figures, sorted by id."""
    found: dict[str, Document] = {}
    for line in basis.lines:
        for d in line.documents:
            found[d.id] = d
        for use in line.figures:
            if use.figure is not None and use.figure.document not in found:
                found[use.figure.document] = basis.library_document(use.figure.document)
    return [found[k] for k in sorted(found)]


def documents_of(basis: InvoiceBasis, lang: Language) -> list[list[object]]:
    """A row per document: id, kind, title, file, SHA-256."""
    return [[d.id, lang._(d.kind), d.title, d.path, d.sha256] for d in documents(basis)]


def figure_state(use: FigureUse) -> str:
    """'official', 'provisional', 'missing' or 'illustrative' (in English: translate to show)."""
    figure = use.figure
    if figure is None or figure.value is None:
        return "missing"
    return "illustrative" if figure.illustrative else figure.status


def figures_of(basis: InvoiceBasis, lang: Language) -> list[list[object]]:
    """A row per figure the lines rest on: parameter, key, value, unit, status, document, and
    how many lines rest on it."""
    found: dict[tuple[str, str], tuple[FigureUse, list[InvoiceLine]]] = {}
    for line in basis.lines:
        for use in line.figures:
            found.setdefault((use.parameter, use.key), (use, []))[1].append(line)
    rows: list[list[object]] = []
    for key in sorted(found):
        use, lines = found[key]
        figure = use.figure
        value: str | Decimal = "" if figure is None or figure.value is None else figure.value
        document = figure.document if figure is not None else use.series.document
        state = lang._(figure_state(use))
        rows.append(
            [use.parameter, use.key, value, use.series.unit_text, state, document, len(lines)]
        )
    return rows


def readings_of(basis: InvoiceBasis, lang: Language) -> list[list[object]]:
    """A row per assumption the lines rely on (or whose reading decides what governs their
    month): its id, its document, the reading the numbers are computed under ('… (the files'
    own)', or the one chosen instead), what that reading says, and how many lines rely on it."""
    relied: dict[str, list[InvoiceLine]] = {}
    for line in basis.lines:
        for assumption_id in dict.fromkeys([*line.assumptions, *(a for a, _ in line.readings)]):
            relied.setdefault(assumption_id, []).append(line)
    library = basis.library
    rows: list[list[object]] = []
    for assumption_id in sorted(relied):
        assumption = library.assumptions.get(assumption_id)
        if assumption is None:
            rows.append(
                [assumption_id, "", "", lang._("(not declared)"), len(relied[assumption_id])]
            )
            continue
        chosen = library.reading(assumption_id)
        alternative = assumption.alternative(chosen)
        if alternative is None:
            under = lang._("{reading} (the files' own)", reading=chosen)
            text = assumption.reading
        else:
            under = lang._(
                "{chosen}, chosen instead of {default}", chosen=chosen, default=assumption.default
            )
            text = alternative.reading
        document = assumption.document
        rows.append(
            [assumption_id, document, under, " ".join(text.split()), len(relied[assumption_id])]
        )
    return rows
