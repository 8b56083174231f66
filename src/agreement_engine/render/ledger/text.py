"""What the ledger's text outputs share: an amount as recorded, in kronor, signed where it is
a change, the plain text table their lists are, and the words of the kinds of documents."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from agreement_engine.render.i18n import ENGLISH, N_, Language

KINDS = (N_("invoice"), N_("credit note"), N_("debit note"))
"""The kinds of documents the ledger issues, for the catalog."""


def kr(amount: Decimal | None, lang: Language = ENGLISH) -> str:
    """An amount as recorded: '7102000 kr' (as it always was), '7 102 000 kr' in Swedish."""
    if amount is None:
        return "—"
    return f"{amount} kr" if lang.english else lang.amount(amount)


def signed(amount: Decimal, lang: Language = ENGLISH) -> str:
    return "+" + kr(amount, lang) if amount > 0 else kr(amount, lang)


def table(headings: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    """A plain text table; the columns in ``right`` are aligned right."""
    widths = [max(len(str(c)) for c in column) for column in zip(headings, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        out = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(out).rstrip()

    return [line(headings), line(["-" * w for w in widths]), *(line(r) for r in rows)]
