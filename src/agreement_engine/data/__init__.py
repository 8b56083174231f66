"""Reading the engine's input data: monthly aggregates and episode-level extracts.

Both are read exactly (numbers as ``Decimal``/``int`` from their text, never ``float``) from CSV
(``;``, ``,`` or tab separated; UTF-8 with or without BOM, or Windows-1252; decimal comma or
point) or XLSX (first sheet), with no options needed. Every problem names the file, row and
column; all are collected and raised together as :class:`~agreement_engine.diagnostics.EngineError`.
Every read also returns a :class:`ReadReport` of rows read, used and excluded.

What a file is (an extract or aggregates, CSV or XLSX) is told once per run, by :func:`sniff`.
A run that reads an extract passes a :class:`Reading`, which it closes when it ends: the reading
holds what is worked out ahead and the temporary files made, and removes those.

Importing this package imports nothing more: each name is imported from its module when first
used, so reading monthly aggregates never loads the extract's readers (nor polars).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agreement_engine.lazy import exports

if TYPE_CHECKING:
    from agreement_engine.data.aggregates import AGGREGATE_COLUMNS, read_aggregates
    from agreement_engine.data.columns import Column
    from agreement_engine.data.episode_fields import EPISODE_COLUMNS, FIELDS
    from agreement_engine.data.episodes import (
        Episodes,
        read_episodes,
        read_episodes_frame,
        read_episodes_then,
    )
    from agreement_engine.data.files import check_data_file
    from agreement_engine.data.monthly_figures import MonthlyFigures
    from agreement_engine.data.reading import Reading
    from agreement_engine.data.report import MAX_ERRORS, Exclusion, ReadReport
    from agreement_engine.data.sniffing import DataFile, Form, Kind, sniff

__all__ = [
    "AGGREGATE_COLUMNS",
    "EPISODE_COLUMNS",
    "FIELDS",
    "MAX_ERRORS",
    "Column",
    "DataFile",
    "Episodes",
    "Exclusion",
    "Form",
    "Kind",
    "MonthlyFigures",
    "ReadReport",
    "Reading",
    "check_data_file",
    "read_aggregates",
    "read_episodes",
    "read_episodes_frame",
    "read_episodes_then",
    "sniff",
]

_WHERE = {
    "AGGREGATE_COLUMNS": "aggregates",
    "read_aggregates": "aggregates",
    "Column": "columns",
    "EPISODE_COLUMNS": "episode_fields",
    "FIELDS": "episode_fields",
    "Episodes": "episodes",
    "read_episodes": "episodes",
    "read_episodes_frame": "episodes",
    "read_episodes_then": "episodes",
    "check_data_file": "files",
    "MonthlyFigures": "monthly_figures",
    "Reading": "reading",
    "MAX_ERRORS": "report",
    "Exclusion": "report",
    "ReadReport": "report",
    "DataFile": "sniffing",
    "Form": "sniffing",
    "Kind": "sniffing",
    "sniff": "sniffing",
}


__getattr__, __dir__ = exports(__name__, _WHERE, __all__)
