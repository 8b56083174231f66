"""A document of the ledger as it is sent to a municipality: field by field, amounts exact in
kronor, as JSON (names and codes in English, for machines), CSV for a Swedish spreadsheet or a
workbook (every word in the language asked). The reasons recorded with the line are given as
the line computed again says them (``Shown.line``), where it says the same."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from typing import Any

from agreement_engine.ledger import Shown
from agreement_engine.ledger.records import values_text
from agreement_engine.render.columns import HEADINGS, governed_by
from agreement_engine.render.i18n import ENGLISH, N_, Language
from agreement_engine.render.invoice_csv import inert

EXPORT_FORMAT = "agreement-engine/invoice-document/1"
EXPORT_NAMES = {
    "document": N_("document"),
    "number": N_("number"),
    "municipality": N_("municipality"),
    "month": N_("month"),
    "amount": N_("amount"),
    "status": N_("status"),
    "refers_to": N_("refers_to"),
    "date": N_("date"),
    "governed_by": N_("governed_by"),
    "reason": N_("reason"),
    "sent_provisional_because": N_("sent_provisional_because"),
    **HEADINGS,
}
"""The names of the export's fields, as the CSV and the workbook give them in a language (the
values of the line as the invoice basis's headings; JSON keeps the names in English)."""


def export_fields(shown: Shown, lang: Language = ENGLISH) -> list[tuple[str, str]]:
    """What is sent to the municipality, field by field (amounts exact, in kronor), the names
    as JSON has them; the words of the values (the kind of document, the status, the reasons)
    in a language."""
    d = shown.document
    fields = [
        ("document", lang._(d.kind)),
        ("number", str(d.number)),
        ("municipality", d.municipality),
        ("month", str(d.month)),
        ("amount", str(d.amount)),
        ("status", lang._(d.status)),
        ("refers_to", "" if d.refers_to is None else str(d.refers_to)),
        ("date", d.recorded_at[:10]),
        ("governed_by", governed_by(shown.line)),
    ]
    fields += list(values_text(shown.line).items())
    if d.kind != "invoice":
        fields.append(("reason", d.reason or ""))
    if shown.provisional_reason:
        fields.append(("sent_provisional_because", shown.provisional_reason))
    reasons = recorded_reasons(shown, lang)
    fields += [(f"provisional_reason_{n}", r) for n, r in enumerate(reasons, 1)]
    return fields


def recorded_reasons(shown: Shown, lang: Language = ENGLISH) -> list[str]:
    """The reasons recorded with the line, in a language: each as the line computed again says
    it, where it says the same in English; else as recorded."""
    again = {str(reason): reason for reason in shown.line.reasons}
    recorded: list[str] = shown.record["reasons"]
    return [lang.text(again.get(reason, reason)) for reason in recorded]


def field_name(name: str, lang: Language = ENGLISH) -> str:
    """An export field's name as the CSV and the workbook give it: as JSON has it in English,
    in words in another language ('provisional_reason_2': 'skäl 2')."""
    if lang.english:
        return name
    if name.startswith("provisional_reason_"):
        return lang._("reason {number}", number=name.removeprefix("provisional_reason_"))
    return lang._(EXPORT_NAMES.get(name, name))


def render_export(shown: Shown, output_format: str, lang: Language = ENGLISH) -> bytes:
    """The document as sent: JSON (names and codes in English, for machines; the reasons in
    the language asked), CSV or a workbook (every word in the language asked)."""
    if output_format == "json":
        fields = export_fields(shown)
        d = shown.document
        payload: dict[str, Any] = {"format": EXPORT_FORMAT, **dict(fields[:9])}
        payload.update(number=d.number, refers_to=d.refers_to)
        payload["values"] = values_text(shown.line)
        payload["reasons"] = recorded_reasons(shown, lang)
        payload["documents"] = shown.record["documents"]
        if shown.provisional_reason:
            payload["sent_provisional_because"] = shown.provisional_reason
        if shown.document.kind != "invoice":
            payload["reason"] = shown.document.reason
        return (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    fields = [(field_name(n, lang), value) for n, value in export_fields(shown, lang)]
    heading = [lang._("field"), lang._("value")]
    if output_format == "csv":
        stream = io.StringIO()
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow(heading)
        for name, value in fields:
            writer.writerow([name, value.replace(".", ",") if _numeric(value) else inert(value)])
        return ("\ufeff" + stream.getvalue()).encode("utf-8")
    return _xlsx(fields, heading, lang._("document"))


def _numeric(value: str) -> bool:
    return _NUMBER.fullmatch(value) is not None


_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _xlsx(fields: list[tuple[str, str]], heading: list[str], title: str) -> bytes:
    """The document as a workbook of two columns, field and value; numbers as numbers. Fixed
    document properties, as the invoice basis's workbook has: equal input, equal bytes."""
    import xlsxwriter

    from agreement_engine.render.xlsx import CREATED

    stream = io.BytesIO()
    book = xlsxwriter.Workbook(stream, {"in_memory": True, "strings_to_formulas": False})
    book.set_properties({"created": CREATED})
    sheet = book.add_worksheet(title)
    sheet.write_row(0, 0, heading, book.add_format({"bold": True}))
    for row, (name, value) in enumerate(fields, 1):
        sheet.write_string(row, 0, name)
        if _numeric(value):
            sheet.write_number(row, 1, Decimal(value))
        else:
            sheet.write_string(row, 1, value)
    book.close()
    return stream.getvalue()
