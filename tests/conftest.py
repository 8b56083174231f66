"""Settings every test shares: the cache of checked agreement sets in a folder of the run's own.

The tests never read or write the user's cache (``~/.cache/agreement-engine``): every run of the
suite starts with an empty one, which the tests then fill and use as any run of the engine does,
in process and in the processes they start.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from agreement_engine.agreements.cache import FOLDER_VARIABLE, OFF_VARIABLE


@pytest.fixture(autouse=True, scope="session")
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache folder for this run of the suite only."""
    folder = tmp_path_factory.mktemp("cache") / "agreement-engine"
    saved = {name: os.environ.get(name) for name in (FOLDER_VARIABLE, OFF_VARIABLE)}
    os.environ[FOLDER_VARIABLE] = str(folder)
    os.environ.pop(OFF_VARIABLE, None)
    yield folder
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
