"""The ledger read back: every municipality-month with its line, invoice and notes (the
list), the sent invoices that would change if computed today (stale), and one document with its
derivation, computed again from what the ledger holds, as ``explain`` shows it (show).

Every word is in the language passed (:mod:`agreement_engine.render.i18n`, English by default);
the reasons and changes the ledger recorded are stored as their English text and put into words
here."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from agreement_engine.ledger import Entry, Shown, StaleItem
from agreement_engine.render.columns import governed_by
from agreement_engine.render.explain import explain
from agreement_engine.render.i18n import ENGLISH, N_, Language
from agreement_engine.render.ledger.text import kr, signed, table


def render_stale(items: Sequence[StaleItem], lang: Language = ENGLISH) -> str:
    if not items:
        return lang._("no sent invoice would change if computed today")
    rows = [
        [
            str(i.invoice.number),
            str(i.invoice.month),
            i.invoice.municipality,
            kr(i.booked, lang),
            kr(i.today, lang),
            "?" if i.difference is None else signed(i.difference, lang),
        ]
        for i in items
    ]
    names = [
        N_("invoice"),
        N_("month"),
        N_("municipality"),
        N_("billed"),
        N_("today"),
        N_("difference"),
    ]
    out = table([lang._(name) for name in names], rows, {0, 3, 4, 5})
    out.append("")
    for item in items:
        out.append(
            lang._(
                "{municipality} {month} (invoice {number}):",
                municipality=item.invoice.municipality,
                month=item.invoice.month,
                number=item.invoice.number,
            )
        )
        out += [f"  - {lang.text(c.text)}" for c in item.causes]
        if item.why:
            out.append(lang._("  cannot be computed today: {why}", why=lang.text(item.why)))
    unknown = sum(item.today is None for item in items)
    summary = lang.ngettext(
        "{count} sent invoice would change", "{count} sent invoices would change", len(items)
    )
    if unknown:
        summary += lang._(
            " ({unknown} by an amount only the data can tell: give it with --data)",
            unknown=unknown,
        )
    out.append(summary + lang._("; correct each with agreement-engine invoice correct"))
    return "\n".join(out)


def render_entries(entries: Sequence[Entry], lang: Language = ENGLISH) -> str:
    if not entries:
        return lang._("the ledger holds nothing yet")
    rows = []
    for e in entries:
        notes = ", ".join(f"{lang._(n.kind)} {n.number} {signed(n.amount, lang)}" for n in e.notes)
        rows.append(
            [
                str(e.month),
                e.municipality,
                lang._(N_("sent")) if e.invoice else lang._(N_("draft")),
                kr(e.amount, lang),
                lang._(e.status),
                str(e.invoice.number) if e.invoice else "",
                kr(e.booked, lang) if e.booked is not None else "",
                notes,
            ]
        )
    names = [
        N_("month"),
        N_("municipality"),
        N_("state"),
        N_("line"),
        N_("status"),
        N_("invoice"),
        N_("billed"),
        N_("notes"),
    ]
    return "\n".join(table([lang._(name) for name in names], rows, {3, 5, 6}))


def render_show(shown: Shown, lang: Language = ENGLISH) -> str:
    d = shown.document
    out = [f"{lang._(d.kind)} {d.number}: {d.municipality} {d.month}", ""]
    header = [(name + ":", value) for name, value in _header(shown, lang)]
    # A column of at least 27, and room for the longest label and a space after it.
    width = max(27, *(len(name) + 1 for name, _ in header))
    out += [f"  {name:<{width}}{value}" for name, value in header]
    if len(shown.related) > 1:
        out += ["", lang._("Documents of this month:")]
        out += [
            f"  {lang._(r.kind)} {r.number}: {signed(r.amount, lang)} ({r.recorded_at})"
            for r in shown.related
        ]
        out.append(lang._("  billed in all: {amount}", amount=kr(shown.booked, lang)))
    out += ["", lang._("Derivation (computed again from what the ledger holds):"), ""]
    out.append(explain(shown.line, shown.library, shown.origin, lang).rstrip("\n"))
    return "\n".join(out)


def _header(shown: Shown, lang: Language) -> list[tuple[str, str]]:
    d = shown.document
    fields = [
        (
            lang._("amount"),
            signed(d.amount, lang) if d.kind != "invoice" else kr(d.amount, lang),
        ),
        (lang._("status"), lang._(d.status)),
    ]
    if d.refers_to is not None:
        fields.append((lang._("refers to invoice"), str(d.refers_to)))
    if d.kind != "invoice":
        fields.append((lang._("line as corrected"), kr(Decimal(shown.record["amount"]), lang)))
    if shown.provisional_reason:
        because = (
            lang._("sent provisional because")
            if d.kind == "invoice"
            else lang._("issued provisional because")
        )
        fields.append((because, shown.provisional_reason))
    if d.reason and d.kind != "invoice":
        fields.append((lang._("reason"), d.reason))
    recorded = lang._("{at} by {who}", at=d.recorded_at, who=d.recorded_by)
    fields += [
        (lang._("governed by"), governed_by(shown.line)),
        (lang._("recorded"), recorded),
    ]
    return fields
