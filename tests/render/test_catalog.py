"""The Swedish catalog has every text the outputs show, and the engine reads what it says."""

from __future__ import annotations

import importlib.util
import re
import string
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
RUN = "run '.venv/bin/python scripts/catalog.py', translate the new entries, and run it again"


def catalog_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalog", ROOT / "scripts" / "catalog.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CATALOG = catalog_script()


@pytest.fixture(scope="module")
def extracted() -> Catalog:
    found = CATALOG.extracted()
    assert isinstance(found, Catalog)
    return found


@pytest.fixture(scope="module", params=CATALOG.LANGUAGES)
def translated(request: pytest.FixtureRequest) -> Catalog:
    with CATALOG.po_path(request.param).open("rb") as stream:
        return read_po(stream, locale=request.param)


def _key(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple | list) else message.id


def test_the_extractor_finds_the_texts_of_every_kind_of_output(extracted: Catalog) -> None:
    """A keyword missing from the extractor would let a whole module's texts go untranslated."""
    found = {_key(m) for m in extracted if m.id}
    for text in (
        "net amount",  # a heading (N_)
        "Steps:",  # explain (lang._)
        "figure {parameter} for {key} is {status}",  # a reason made in billing (Text)
        "{count} row ({reason})",  # the data report (Text.counted)
        "{count} change",  # the diff (lang.ngettext)
        "Net amount per month (kr)",  # a chart
    ):
        assert text in found


def test_every_text_of_the_source_has_a_translation_that_is_not_fuzzy(
    extracted: Catalog, translated: Catalog
) -> None:
    """Finance reads every word in Swedish: a text added to the source without a translation
    would appear in English in the middle of a Swedish sheet."""
    untranslated = []
    for message in extracted:
        if not message.id:
            continue
        entry = translated.get(message.id)
        strings = entry.string if entry is not None else ""
        forms = strings if isinstance(strings, tuple | list) else (strings,)
        if entry is None or entry.fuzzy or not all(forms):
            untranslated.append(_key(message))
    assert not untranslated, f"untranslated in {translated.locale}: {untranslated}; {RUN}"


def test_the_catalog_holds_no_text_the_source_no_longer_has(
    extracted: Catalog, translated: Catalog
) -> None:
    """A stale entry is a translation nobody reads, and hides that its text was reworded."""
    stale = [_key(m) for m in translated if m.id and extracted.get(m.id) is None]
    assert not stale, f"no longer in the source: {stale}; {RUN}"


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_each_translation_fills_in_the_same_named_values_as_its_english(
    translated: Catalog,
) -> None:
    """A translation that drops '{amount}' would show a line without its amount; one that
    misspells it would stop the run with a KeyError."""
    wrong = []
    for message in translated:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        wanted = set().union(*map(_fields, ids))
        for text in strings:
            assert text is not None
            if _fields(text) - wanted or (len(ids) == 1 and _fields(text) != wanted):
                wrong.append((_key(message), text))
    assert not wrong


def test_the_compiled_catalog_is_the_one_its_po_file_gives() -> None:
    """The engine reads the .mo: one not compiled again after the .po changed would show
    yesterday's words."""
    for code in CATALOG.LANGUAGES:
        po = CATALOG.po_path(code)
        assert po.with_suffix(".mo").read_bytes() == CATALOG.compiled(po.read_bytes()), RUN


MARKED_IN_FSTRING = re.compile(r"""\bf(["']).*?\{[^}]*\b(_|ngettext|N_|Text)\((["'])""")


def test_no_text_is_marked_inside_an_f_string_where_the_extractor_cannot_see_it() -> None:
    """Python 3.11 reads an f-string as one token: a lang._("…") inside it is never extracted,
    so its text would never reach the catalog."""
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "src" / "agreement_engine").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if MARKED_IN_FSTRING.search(line)
    ]
    assert not found, "take the marked text out of the f-string: " + ", ".join(found)
