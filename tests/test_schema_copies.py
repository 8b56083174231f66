"""The JSON Schemas in schemas/ are real files, the same as the copies the package ships."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGED = ROOT / "src" / "agreement_engine" / "schemas"


@pytest.mark.parametrize("name", sorted(p.name for p in PACKAGED.glob("*.json")))
def test_each_schema_in_schemas_is_a_real_file_identical_to_the_packaged_one(name: str) -> None:
    """Editors' modelines point at schemas/: a copy there must not lag the one that validates,
    and must work where links do not (a Windows clone, a file copied out of the repository)."""
    copy = ROOT / "schemas" / name
    assert not copy.is_symlink(), f"schemas/{name} is a link; copy the file instead"
    assert copy.read_bytes() == (PACKAGED / name).read_bytes(), (
        f"schemas/{name} differs from src/agreement_engine/schemas/{name}: "
        f"run 'cp src/agreement_engine/schemas/{name} schemas/'"
    )


def test_schemas_holds_no_schema_the_package_does_not_ship() -> None:
    """A schema left behind in schemas/ after the packaged one was renamed would mislead."""
    assert {p.name for p in (ROOT / "schemas").glob("*.json")} == {
        p.name for p in PACKAGED.glob("*.json")
    }
