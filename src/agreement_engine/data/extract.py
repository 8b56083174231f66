"""A checked CSV extract read again, column by column, in small chunks.

The checking pass (:mod:`.episode_scan`) holds nothing of the file in memory; what it found is
enough to read the file again for any query: where each field's column is, which municipalities
as written are used (and as which name), and the typed value of each text of the fields checked
by their texts (:mod:`.field_texts`). polars reads only the columns a query selects.

polars is imported inside the functions, so that importing this module stays cheap.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from agreement_engine.data.columns import Layout
from agreement_engine.data.csv_file import ROW, CsvFile, column_name
from agreement_engine.data.dialect import SPACES
from agreement_engine.data.episode_fields import DATE_FIELDS, DATE_FORMAT, FIELDS, field_types
from agreement_engine.frozen import frozen

if TYPE_CHECKING:
    import polars as pl

_CHUNK_SIZES = ("POLARS_CSV_CHUNK_SIZE", "POLARS_NDJSON_CHUNK_SIZE")
"""How polars is told the size of the chunks it reads CSV files and lines in."""
_CHUNK_BYTES = str(512 << 10)
"""Bytes per chunk. polars' default, tens of MiB at a time, holds twice the memory or more for
no gain in speed; chunks that fit a core's cache are the fastest: on the 10 M-episode benchmark
the pass took 6.3 s of CPU in chunks of 512 KiB, 7.0 s in 1 MiB and 9.4 s in 4 MiB, at the same
peak memory (about 310 MB)."""


@frozen
class Extract:
    """How to read a checked CSV extract again: the file and its layout, which municipalities as
    written are used (and as which name), and the typed value of each text of some fields."""

    csv: CsvFile
    layout: Layout
    names: Mapping[str, str]
    values: Mapping[str, Mapping[str, Any]]
    strip: frozenset[str]
    """Date fields written with spaces around some values, to strip before reading them."""

    def typed(self) -> pl.LazyFrame:
        """Every row's typed fields (:data:`.FIELDS`) and its ``row``; ``municipality`` as
        written (:attr:`names` says which are used, as what). Only the columns a query selects
        are read."""
        import polars as pl

        dtypes = field_types()
        columns = []
        for field in FIELDS:
            if not self.layout.has(field):
                columns.append(pl.lit(None, dtype=dtypes[field]).alias(field))
                continue
            text = pl.col(column_name(self.layout.index[field]))
            value: pl.Expr
            if field == "episode_id":
                stripped = text.str.strip_chars(SPACES)
                value = pl.when(stripped != "").then(stripped)
            elif field in DATE_FIELDS:
                written = text.str.strip_chars(SPACES) if field in self.strip else text
                value = written.str.to_date(DATE_FORMAT, strict=False)
            elif field == "municipality":
                value = text
            else:
                by_text = self.values[field]
                old = pl.Series(list(by_text), dtype=pl.String)
                new = pl.Series(list(by_text.values()), dtype=dtypes[field])
                value = text.replace_strict(old, new, default=None, return_dtype=dtypes[field])
            columns.append(value.alias(field))
        return self.csv.fields().select(*columns, pl.col(ROW).cast(pl.UInt32).alias("row"))


@contextmanager
def small_chunks() -> Iterator[None]:
    """Let polars read files in small chunks (:data:`_CHUNK_BYTES`), unless told otherwise."""
    chosen = [name for name in _CHUNK_SIZES if name not in os.environ]
    os.environ.update(dict.fromkeys(chosen, _CHUNK_BYTES))
    try:
        yield
    finally:
        for name in chosen:
            os.environ.pop(name, None)
