"""Checking the fields of an extract by their few distinct texts, rather than row by row.

Dates, times, yes/no and the care type are written in few ways in a file of millions of rows.
The checking pass (:mod:`.episode_scan`) looks each row's text up among the texts known before
it: those of the file's first :data:`_HEAD_ROWS` rows and, in a longer file, the usual forms
(every date of 2000–2099 written YYYY-MM-DD, every time HH:MM), each checked once. A field with
a text not known has its distinct texts gathered in a second pass. Either way every distinct
text is checked exactly as the in-memory reader checks a field (:func:`checked`), and the typed
value of each is what a second reading of the file looks up (:class:`.Extract`).

polars is imported inside the functions, so that importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from agreement_engine.data.columns import Layout
from agreement_engine.data.csv_file import CsvFile, column_name
from agreement_engine.data.dialect import SPACES
from agreement_engine.data.episode_fields import (
    DATE_FIELDS,
    DATE_FORMAT,
    TYPED_BY_VALUE,
    required,
    typed,
)

if TYPE_CHECKING:
    import polars as pl

_HEAD_ROWS = 20_000
"""The rows whose texts are known before the pass (see :func:`known_texts`)."""
_CANONICAL_YEARS = (2000, 2099)
"""The years whose dates, written YYYY-MM-DD, are known texts of a date field."""
_WITH_USUAL = (DATE_FIELDS[0], "notice_time")
"""The fields (:func:`_kind`) with usual texts: checking none for the others cost a few polars
queries each, on an empty column."""


def known_texts(
    csv: CsvFile, layout: Layout, fields: Sequence[str]
) -> tuple[bool, dict[str, list[str]]]:
    """The texts of these fields known before the pass (see the module), to be checked with
    the fields' values: those of the file's first rows, as the pass reads them; and, for a
    file with more rows, their usual forms (:func:`usual_texts`, checked once): whether they are
    known too, and the texts. An empty text is known where it is a value; where it is not (a
    required field), it is not known, and an empty row's is not looked up."""
    import polars as pl

    if not fields:
        return False, {}
    columns = {f: column_name(layout.index[f]) for f in fields}
    try:
        head = csv.fields().select(columns.values()).head(_HEAD_ROWS).collect()
    except pl.exceptions.PolarsError:  # the pass will say; gather these texts meanwhile
        return False, {}
    usual = head.height >= _HEAD_ROWS  # else the first rows are all the rows
    known = {}
    for field, column in columns.items():
        met = head[column].unique().sort()
        if usual and _kind(field) in _WITH_USUAL:
            met = met.filter(~met.is_in(usual_texts(field).implode()))
        found = met.filter(met != "").to_list()
        known[field] = [*found, *([] if required(field) else [""])]
    return usual, known


def typed_values(
    categories: Mapping[str, pl.Categories], known: Mapping[str, list[str]], usual: bool
) -> tuple[dict[str, dict[str, Any]] | None, frozenset[str]]:
    """Each checked field's texts checked as the in-memory reader checks a field: those
    gathered in the pass (``categories``), or those known before it (``known``, and the usual
    forms if ``usual``); and the typed value of each text of the fields in
    :data:`TYPED_BY_VALUE`. None when any text is not understood. Also the date fields written
    with spaces around some value."""
    import polars as pl

    values: dict[str, dict[str, Any]] = {}
    padded: set[str] = set()
    distinct = {f: c.to_series().cast(pl.String) for f, c in categories.items()}
    distinct.update((f, pl.Series(texts, dtype=pl.String)) for f, texts in known.items())
    for field, texts in distinct.items():
        if texts.null_count():  # a category polars reserved but did not name: cannot tell
            return None, frozenset()
        table = checked(field, texts)
        if table is None:
            return None, frozenset()
        if field in DATE_FIELDS and table.select(pl.col("padded").any()).item():
            padded.add(field)
        if field in TYPED_BY_VALUE:
            forms = usual_values(field) if field in known and usual else {}
            values[field] = {**forms, **dict(table.select("text", "value").iter_rows())}
    return values, frozenset(padded)


def usual_texts(field: str) -> pl.Series:
    """The usual texts of a field, known before the pass and checked once: every date of
    :data:`_CANONICAL_YEARS` written YYYY-MM-DD; every time of day written HH:MM; none for the
    others. (Should one not pass the check, it is not usual, and a row holding it gets its
    column's texts gathered and checked in a second pass.)"""
    import polars as pl

    if _kind(field) not in _WITH_USUAL:  # none to check
        return pl.Series([], dtype=pl.String)
    text: pl.Series = _usual(_kind(field))["text"]
    return text


def usual_values(field: str) -> dict[str, Any]:
    """The typed value of each usual text of a field (for those typed by their texts: the
    dates are parsed as they are read)."""
    return _usual_values(_kind(field)) if _kind(field) in _WITH_USUAL else {}


def _kind(field: str) -> str:
    """The field whose usual texts a field shares: the two date fields share theirs."""
    return DATE_FIELDS[0] if field in DATE_FIELDS else field


@lru_cache(maxsize=8)
def _usual(field: str) -> pl.DataFrame:
    """The usual texts of a field checked, each with its value. Kept once made: they are
    constants of the engine, built on first use, not state of a run."""
    import polars as pl

    if field in DATE_FIELDS:
        first, last = _CANONICAL_YEARS
        days = pl.date_range(date(first, 1, 1), date(last, 12, 31), eager=True)
        texts = days.dt.to_string(DATE_FORMAT)
    else:  # the notice's time of day, the other field with usual texts (_WITH_USUAL)
        times = [f"{hour:02}:{minute:02}" for hour in range(24) for minute in range(60)]
        texts = pl.Series(times, dtype=pl.String)
    table = checked(field, texts, each=True)
    assert table is not None
    return table.filter(pl.col("value").is_not_null() & ~pl.col("padded"))


@lru_cache(maxsize=8)
def _usual_values(field: str) -> dict[str, Any]:
    return dict(_usual(field).select("text", "value").iter_rows())


def checked(field: str, texts: pl.Series, each: bool = False) -> pl.DataFrame | None:
    """The texts of a field checked as the in-memory reader checks it: each with its typed
    ``value`` and whether it is ``padded`` with spaces; None when one is not understood (unless
    ``each``: then its value is null)."""
    import polars as pl

    table = pl.DataFrame({"text": texts}).with_columns(
        pl.col("text").str.strip_chars(SPACES).alias(field)
    )
    table = table.with_columns(
        typed(field).alias("value"), (pl.col("text") != pl.col(field)).alias("padded")
    )
    bad = pl.col("value").is_null()
    if not required(field):
        bad = bad & (pl.col(field) != "")
    if not each and table.select(bad.any()).item():
        return None
    return table
