"""Where approvals and citations are written: found when asked for, and the same as ever."""

from __future__ import annotations

from pathlib import Path

import pytest

from agreement_engine import api
from agreement_engine.agreements import cache
from agreement_engine.agreements.cache import AgreementSet
from agreement_engine.agreements.documents import Agreement, Document
from agreement_engine.agreements.library import find_files, load
from agreement_engine.diagnostics import Location
from agreement_engine.review.canonical import citations

ROOT = Path(__file__).resolve().parents[2]
HALLAND_2022 = "agreements/halland/2022-agreement.yaml"


@pytest.fixture(autouse=True)
def _in_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def located(location: Location) -> tuple[str, int, str | None]:
    return str(location), location.length, location.source_line


def underlined(location: Location) -> str:
    """The text a location underlines, without the quotes it may be written in."""
    assert location.source_line is not None
    start = location.column - 1
    return location.source_line[start : start + location.length].strip("'\"")


def every_location(documents: tuple[Document, ...]) -> list[tuple[str, int, str | None]]:
    """The location of every approval and every citation of the documents, in order."""
    found = []
    for document in documents:
        for approval in getattr(document, "approvals", ()):
            found.append(located(approval.location))
            found += [located(cite.location) for cite in approval.evidence]
        found += [located(cite.location) for _, cite in citations(document)]
    return found


def test_an_approval_and_its_evidence_point_where_the_file_names_them() -> None:
    """An unknown party or source is reported at its line and column, as it always was."""
    library, _ = load([HALLAND_2022])
    [agreement] = library.documents
    assert isinstance(agreement, Agreement)
    approval = agreement.approvals[0]
    assert located(approval.location) == (f"{HALLAND_2022}:60:5", 14, "    Region Halland:")
    assert located(approval.evidence[0].location) == (
        f"{HALLAND_2022}:66:17",
        8,
        "        source: rs240957",
    )


@pytest.mark.parametrize("folder", ["agreements", "examples"])
def test_every_approval_and_citation_underlines_its_party_or_source(folder: str) -> None:
    """A location found when asked for underlines the key of the party, or the source named."""
    library, _ = load([str(p) for p in find_files([folder])])
    checked = 0
    for document in library.documents:
        for approval in getattr(document, "approvals", ()):
            assert underlined(approval.location) == approval.party
            checked += 1
        for _, cite in citations(document):
            assert underlined(cite.location) == cite.source
            checked += 1
    assert checked > 10


def test_approvals_and_citations_from_the_cache_are_located_as_from_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A set read back from its entry reports each approval and citation where loading did."""
    monkeypatch.setenv(cache.FOLDER_VARIABLE, str(tmp_path / "cache"))
    monkeypatch.delenv(cache.OFF_VARIABLE, raising=False)
    loaded = api.load_library(["agreements"])
    cached = AgreementSet([d.path for d in loaded.documents], {}).cached()
    assert cached is not None
    expected = every_location(loaded.documents)
    assert len(expected) > 10
    assert every_location(cached.documents) == expected


def test_the_same_citation_in_two_files_is_two_citations(tmp_path: Path) -> None:
    """A regime's caveats gather citations from several files: two files citing the same
    source at the same key path (an extension copied from its agreement) keep both, each
    pointing into its own file, and a citation is equal to itself loaded again."""
    text = (ROOT / HALLAND_2022).read_text(encoding="utf-8")
    copy = tmp_path / "copy.yaml"
    copy.write_text(text, encoding="utf-8")
    [original], [copied] = (load([path])[0].documents for path in (HALLAND_2022, str(copy)))
    assert isinstance(original, Agreement) and isinstance(copied, Agreement)
    first, again = original.approvals[0].evidence[0], copied.approvals[0].evidence[0]
    assert (first.source, first.keypath) == (again.source, again.keypath)
    assert first != again and len({first, again}) == 2
    assert original.approvals[0] != copied.approvals[0]
    assert {str(first.location), str(again.location)} == {
        f"{HALLAND_2022}:66:17",
        f"{copy}:66:17",
    }
    [reloaded] = load([HALLAND_2022])[0].documents
    assert isinstance(reloaded, Agreement)
    assert reloaded.approvals[0].evidence[0] == first
    assert hash(reloaded.approvals[0].evidence[0]) == hash(first)
