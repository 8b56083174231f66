"""Keep the translation catalogs in step with the source: extract, merge, compile.

    .venv/bin/python scripts/catalog.py

extracts every marked text from ``src/agreement_engine`` (Babel's extractor, the keywords of
:data:`KEYWORDS`), merges it into each language's ``.po`` (new texts come untranslated, texts no
longer in the source are dropped, translations kept) and compiles the ``.mo`` the engine reads.
Then translate the new entries in the ``.po`` and run it again. ``tests/render/test_catalog.py``
fails while any text is untranslated or fuzzy, or a ``.mo`` is not the one its ``.po`` gives.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "agreement_engine"
LOCALE = SOURCE / "render" / "locale"
DOMAIN = "agreement_engine"
LANGUAGES = ("sv",)
FIXED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # dates in the header: no churn, the same .mo
HEADER = """# Swedish translations of agreement-engine's outputs.
# Kept by scripts/catalog.py; translate the entries with an empty msgstr."""
KEYWORDS = {
    "_": None,  # lang._("month"): render's words
    "ngettext": (1, 2),  # lang.ngettext("{count} line", "{count} lines", n)
    "N_": None,  # a word marked where it is written, translated where it is shown
    "Text": None,  # Text("figure {parameter} …"): sentences made below render
    "counted": (1, 2),  # Text.counted("{count} row", "{count} rows", n)
}


def extracted() -> Catalog:
    """Every marked text of the source, with where it is written."""
    catalog = Catalog(domain=DOMAIN, project="agreement-engine", fuzzy=False)
    found = extract_from_dir(
        str(SOURCE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("i18n:",)
    )
    for filename, lineno, message, comments, context in found:
        catalog.add(
            message,
            locations=[(f"agreement_engine/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def po_path(code: str) -> Path:
    return LOCALE / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def compiled(po: bytes) -> bytes:
    """The .mo a .po gives (what the engine reads): the same bytes for the same .po."""
    out = io.BytesIO()
    write_mo(out, read_po(io.BytesIO(po)), use_fuzzy=False)
    return out.getvalue()


def main() -> None:
    template = extracted()
    for code in LANGUAGES:
        path = po_path(code)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as stream:
                catalog = read_po(stream, locale=code)
        else:
            catalog = Catalog(locale=code, domain=DOMAIN, project="agreement-engine")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.creation_date = catalog.revision_date = FIXED
        catalog.header_comment = HEADER
        catalog.fuzzy = False
        catalog.last_translator = catalog.language_team = "agreement-engine"
        catalog.version = "1"
        out = io.BytesIO()
        write_po(
            out,
            catalog,
            width=100,
            omit_header=False,
            sort_output=False,
            include_previous=False,
            ignore_obsolete=True,
            include_lineno=False,
        )
        path.write_bytes(out.getvalue())
        path.with_suffix(".mo").write_bytes(compiled(out.getvalue()))
        missing = [
            m.id
            for m in catalog
            if m.id
            and (not m.string or m.fuzzy or (isinstance(m.string, tuple) and not all(m.string)))
        ]
        print(f"{path.relative_to(ROOT)}: {len(catalog)} texts, {len(missing)} to translate")


if __name__ == "__main__":
    main()
