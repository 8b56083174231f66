"""The ledger's documents as people read them: what a step did (:mod:`.actions`: draft, send,
a note, verify), the ledger read back (:mod:`.documents`: the list, the sent invoices that would
change, one document with its derivation as ``explain`` shows it), and the export sent to a
municipality (:mod:`.export`: CSV, JSON, XLSX). Amounts are shown exactly as recorded, in kronor
(:mod:`.text`, with the plain text table the lists are).

Every word is in the language passed (:mod:`agreement_engine.render.i18n`, English by default).
The sentences the ledger made when it recorded a line (its reasons, what changed) are stored as
their English text; the line computed again (``Shown.line``) gives them in other words where it
says the same. The errors a refused step gives stay in English, as every command's errors do.

The command line imports the renderers from here.
"""

from agreement_engine.render.ledger.actions import (
    render_draft,
    render_note,
    render_send,
    render_verify,
)
from agreement_engine.render.ledger.documents import render_entries, render_show, render_stale
from agreement_engine.render.ledger.export import render_export

__all__ = [
    "render_draft",
    "render_entries",
    "render_export",
    "render_note",
    "render_send",
    "render_show",
    "render_stale",
    "render_verify",
]
