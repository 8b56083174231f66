"""The examples of docs/api.md run as written and print what the page says."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_every_example_of_the_api_page_runs_and_prints_what_it_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Notebook users copy these examples; a wrong one costs them an afternoon."""
    monkeypatch.chdir(ROOT)
    result = doctest.testfile(
        str(ROOT / "docs" / "api.md"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
        verbose=False,
    )
    assert result.attempted > 15
    assert result.failed == 0
