"""The report for people: one self-contained HTML file with charts, for the screen and for print.

``agreement-engine report`` writes it. It opens with no network (no script, no font, no image
fetched: the charts are inline SVG, :mod:`..charts`), and holds: a summary (the totals, what is
provisional or not computed and why), what governs each month as a chart, then per municipality
the net amount per month and the average days against the benchmark as charts and every line
with its derivation (what ``explain`` shows, which opens with the readings it is computed under)
one click away, and last the documents, figures and readings the numbers rest on. The summary
names the readings the numbers are computed under, and a line that relies on a reading chosen
instead of the agreement files' own names it beside its amount. Printed, each municipality
takes one page.

One template (``page.html`` beside this module, :class:`string.Template`) holds the page and
its styles; the parts are built here, every text escaped. The same input gives the same bytes.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from decimal import Decimal
from importlib import resources
from string import Template

from agreement_engine.billing.inputs import Origin
from agreement_engine.billing.lines import InvoiceBasis, InvoiceLine, LineStatus
from agreement_engine.data.report import ReadReport
from agreement_engine.months import YearMonth
from agreement_engine.render import charts
from agreement_engine.render.columns import line_readings, totals
from agreement_engine.render.explain import explain
from agreement_engine.render.i18n import ENGLISH, Language
from agreement_engine.render.invoice import readings_text, reasons_text
from agreement_engine.render.sources import (
    DOCUMENT_COLUMNS,
    FIGURE_COLUMNS,
    READING_COLUMNS,
    documents_of,
    figures_of,
    readings_of,
)
from agreement_engine.review.timeline import Timeline

Origins = Callable[[str, YearMonth], Origin | None]
"""Where a municipality's month's inputs come from (the data's ``origin``)."""


def render_report(
    basis: InvoiceBasis,
    timeline: Timeline,
    read: ReadReport,
    origins: Origins | None = None,
    lang: Language = ENGLISH,
) -> str:
    """The report as one HTML page."""
    first, last = basis.months[0], basis.months[-1]
    span = str(first) if first == last else f"{first} – {last}"
    title = lang._("Invoice basis {months}", months=span)
    chosen = line_readings(basis.lines, basis.library.readings)
    body = [
        f"<header><h1>{_e(title)}</h1>{_meta(basis, read, lang)}</header>",
        _summary(basis, lang),
        _governance(timeline, lang),
        *(_municipality(basis, m, origins, lang, chosen) for m in basis.municipalities),
        _sources(basis, read, lang),
    ]
    page = Template(_template())
    return page.substitute(lang=lang.code, title=_e(title), body="\n".join(body))


def _template() -> str:
    return resources.files(__package__).joinpath("page.html").read_text(encoding="utf-8")


def _amount(lang: Language, amount: Decimal) -> str:
    """An amount for reading: thousands grouped in either language ('7,102,000 kr')."""
    return f"{lang.grouped(amount)} kr"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _meta(basis: InvoiceBasis, read: ReadReport, lang: Language) -> str:
    parts = [
        lang._("Data: {path} ({rows} rows used)", path=read.path, rows=read.rows_used),
        lang._("Municipalities: {names}", names=", ".join(basis.municipalities)),
    ]
    if basis.assume_approved:
        parts.append(lang._("Pending approvals are assumed given (--assume-approved)."))
    return "".join(f'<p class="meta">{_e(p)}</p>' for p in parts)


# -- the summary ----------------------------------------------------------------------------------


def _summary(basis: InvoiceBasis, lang: Language) -> str:
    title = lang._("Summary")
    out = [f'<section class="summary"><h2>{_e(title)}</h2>']
    out.append(f'<p class="readings">{_e(readings_text(basis, lang))}</p>')
    out.append(_caveat(basis.lines, lang))
    out.append(_totals_table(basis, lang))
    reasons = reasons_text(basis, lang)
    if reasons:
        why = lang._("Why lines are not final")
        out.append(f"<h3>{_e(why)}</h3>")
        out.append('<ul class="reasons">' + "".join(f"<li>{_e(r)}</li>" for r in reasons) + "</ul>")
    out.append("</section>")
    return "\n".join(out)


def _counts(lines: Sequence[InvoiceLine]) -> dict[LineStatus, int]:
    return {status: sum(line.status is status for line in lines) for status in LineStatus}


def _caveat(lines: Sequence[InvoiceLine], lang: Language) -> str:
    """A banner saying what the amounts leave out or rest on; nothing when all are final."""
    counts = _counts(lines)
    said = []
    if counts[LineStatus.NOT_COMPUTED]:
        said.append(
            lang.ngettext(
                "{missing} of {count} line is not computed: its amount is not in any total.",
                "{missing} of {count} lines are not computed: their amounts are not in any total.",
                len(lines),
                missing=counts[LineStatus.NOT_COMPUTED],
            )
        )
    if counts[LineStatus.PROVISIONAL]:
        said.append(
            lang.ngettext(
                "{count} line is provisional: it rests on something not yet final (see why).",
                "{count} lines are provisional: they rest on something not yet final (see why).",
                counts[LineStatus.PROVISIONAL],
            )
        )
    if not said:
        return ""
    kind = " not-computed" if counts[LineStatus.NOT_COMPUTED] else ""
    return f'<p class="caveat{kind}">' + " ".join(map(_e, said)) + "</p>"


def _totals_table(basis: InvoiceBasis, lang: Language) -> str:
    by_municipality, everything = totals(basis)
    head = [lang._("municipality"), lang._("net amount"), *(lang._(s.value) for s in LineStatus)]
    rows = []
    for municipality in basis.municipalities:
        lines = [line for line in basis.lines if line.municipality == municipality]
        rows.append(_total_row(municipality, _amount(lang, by_municipality[municipality]), lines))
    rows.append(_total_row(lang._("all"), _amount(lang, everything), basis.lines, "total"))
    cells = "".join(f'<th class="{"number" if i else ""}">{_e(h)}</th>' for i, h in enumerate(head))
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _total_row(name: str, amount: str, lines: Sequence[InvoiceLine], kind: str = "") -> str:
    counts = _counts(lines)
    numbers = "".join(f'<td class="number">{counts[s]}</td>' for s in LineStatus)
    return (
        f'<tr class="{kind}"><td>{_e(name)}</td><td class="number">{_e(amount)}</td>{numbers}</tr>'
    )


def _governance(timeline: Timeline, lang: Language) -> str:
    chart = charts.svg(charts.governance_chart(timeline, lang), lang)
    caption = lang._(
        "Faded: not governing in force (approval pending, or a gap the statute fills)."
    )
    title = lang._("What governs each month")
    return (
        f'<section class="governance"><h2>{_e(title)}</h2>'
        f'<figure class="chart">{chart}<figcaption>{_e(caption)}</figcaption></figure></section>'
    )


# -- one municipality -----------------------------------------------------------------------------


def _municipality(
    basis: InvoiceBasis,
    municipality: str,
    origins: Origins | None,
    lang: Language,
    chosen: Sequence[str],
) -> str:
    """A municipality's page; ``chosen``: the readings each line of the basis relies on other
    than the files' own (:func:`.columns.line_readings`)."""
    mine = [
        (li, said)
        for li, said in zip(basis.lines, chosen, strict=True)
        if li.municipality == municipality
    ]
    lines = [line for line, _ in mine]
    out = [f'<section class="municipality" id="{_e(_anchor(municipality))}">']
    out.append(f"<h2>{_e(municipality)}</h2>")
    total = _amount(lang, basis.total(municipality))
    said = lang._("Total: {amount}", amount=total)
    out.append(f"<p>{_e(said)}</p>")
    out.append(_caveat(lines, lang))
    out.append(_chart(charts.net_amount_chart(lines, lang), lang))
    days = charts.days_chart(lines, lang)
    if days is not None:
        out.append(_chart(days, lang))
    title = lang._("Lines and their derivation")
    out.append(f'<h3>{_e(title)}</h3><div class="lines">')
    for line, readings in mine:
        origin = origins(municipality, line.month) if origins else None
        out.append(_line(line, basis, origin, lang, readings))
    out.append("</div></section>")
    return "\n".join(part for part in out if part)


def _anchor(municipality: str) -> str:
    return "m-" + "-".join(municipality.split())


def _chart(spec: dict[str, object], lang: Language) -> str:
    caption = lang._(
        "Provisional months are drawn in their own colour; a cross marks a month not computed."
    )
    svg = charts.svg(spec, lang)
    return f'<figure class="chart">{svg}<figcaption>{_e(caption)}</figcaption></figure>'


def _line(
    line: InvoiceLine,
    basis: InvoiceBasis,
    origin: Origin | None,
    lang: Language,
    readings: str = "",
) -> str:
    """A line: its month, amount and status, and the readings chosen it relies on (if any),
    its derivation a click away."""
    status = line.status.value
    amount = "—" if line.amount is None else _amount(lang, line.amount)
    derivation = explain(line, basis.library, origin, lang)
    chosen = ""
    if readings:
        said = lang._("reading: {readings}", readings=readings)
        chosen = f' <span class="readings">{_e(said)}</span>'
    return (
        f'<details class="line"><summary><span class="month">{line.month}</span> '
        f'<span class="amount">{_e(amount)}</span> '
        f'<span class="status {status.replace(" ", "-")}">{_e(lang._(status))}</span>'
        f"{chosen}</summary>"
        f'<pre class="derivation">{_e(derivation)}</pre></details>'
    )


# -- what the numbers rest on ---------------------------------------------------------------------


def _sources(basis: InvoiceBasis, read: ReadReport, lang: Language) -> str:
    title = lang._("What the numbers rest on")
    out = [f'<section class="sources"><h2>{_e(title)}</h2>']
    parts = (
        (lang._("Documents"), DOCUMENT_COLUMNS, documents_of(basis, lang)),
        (lang._("Figures"), FIGURE_COLUMNS, figures_of(basis, lang)),
        (lang._("Readings of ambiguous text relied on"), READING_COLUMNS, readings_of(basis, lang)),
    )
    for title, head, rows in parts:
        out.append(f"<h3>{_e(title)}</h3>")
        out.append(_table([lang._(h) for h in head], rows, lang))
    data = lang._("Data")
    out.append(f"<h3>{_e(data)}</h3>")
    out.append("<pre>" + _e("\n".join(lang.text(t) for t in read.lines())) + "</pre>")
    out.append("</section>")
    return "\n".join(out)


def _table(head: Sequence[str], rows: Sequence[Sequence[object]], lang: Language) -> str:
    cells = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(_cell(v, lang))}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: object, lang: Language) -> str:
    return lang.decimal(value) if isinstance(value, Decimal) else str(value)
