"""Checking a CSV episode extract in one streaming pass, counting it in the same pass.

An extract can hold ten million rows. The in-memory reader (:mod:`.episodes`) holds every field
as text so that it can point at each problem; here every row is checked in one pass of polars'
streaming engine that keeps only what the checks need. polars' CSV reader splits the fields; a
record with fewer fields than the header, which it would pad silently, shows in a count of bytes
(:meth:`.CsvFile.whole_records`), and where that cannot vouch for the file, each line is split
on the separator instead. The pass keeps:

- per municipality as written: its rows, its filled rows, the first and last row and dates, and
  how many rows have a problem that shows within the row (discharged before ready, no id, a value
  under a column without a name, the wrong number of fields);
- per date, time, yes/no and care-type column: how many of its texts are not among the texts
  known before the pass (those of the file's first 20,000 rows; in a longer file, also every
  date of 2000–2099 written YYYY-MM-DD and every time HH:MM), which are checked exactly as the
  in-memory reader checks a field. A column with a text not known is scanned again, its
  distinct texts gathered (as categories: a few thousand at most, however many rows) and checked
  the same way. Looking a text up costs a fraction of gathering it;
- a 64-bit hash of each episode id, written to a file and sorted afterwards (a quarter at a
  time, in a thread of its own: :class:`Repeats`) to find ids that repeat;
- the sums of each :class:`Tally` asked for (an agreement's counting rules, compiled), per
  municipality as written and month: so the file need not be read again to be counted.

The pass reports nothing itself. When it sees anything that may be a problem, or that it cannot
vouch for (a municipality name that looks misspelt, a multi-line record, a first row beginning
with a byte-order mark, which polars drops), :func:`check` returns None and the in-memory reader
reads the file again, to say exactly what is wrong and where — or, for the rare file that is fine
after all, to read it. So it does when ids share a hash, once the caller has been given the
episodes (:class:`Repeats`).

A checked extract is not held in memory: :meth:`Extract.typed` reads the file again, column by
column, for a count not taken in the pass (as `diff --impact` counts), the fields' typed
values given by their distinct texts.

polars is imported inside the functions, so that importing this module stays cheap.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from agreement_engine.data.bulk import Geometry
from agreement_engine.data.columns import Layout
from agreement_engine.data.csv_file import ROW, CsvFile, column_name
from agreement_engine.data.dialect import SPACES
from agreement_engine.data.episode_fields import (
    DATE_FIELDS,
    DATE_FORMAT,
    FIELDS,
    YES_NO_FIELDS,
    municipality_names,
    required,
    typed,
)
from agreement_engine.data.reading import Reading, in_thread
from agreement_engine.data.report import Exclusion, Exclusions

if TYPE_CHECKING:
    import polars as pl

CHECKED_BY_VALUE = (*DATE_FIELDS, "notice_time", *YES_NO_FIELDS, "care_type")
"""Fields whose few distinct texts are checked, rather than every row's."""
TYPED_BY_VALUE = ("notice_time", *YES_NO_FIELDS, "care_type")
"""Fields whose typed values are looked up by their text when the file is read again."""
_HEAD_ROWS = 20_000
"""The rows whose texts are known before the pass (see :meth:`_Scan._known_texts`)."""
_CANONICAL_YEARS = (2000, 2099)
"""The years whose dates, written YYYY-MM-DD, are known texts of a date field."""

_ROW_PROBLEMS = ("_early", "_no_id", "_stray", "_fields")
"""Per row: discharged before ready; no episode id; a value in a column without a name in the
header; fewer fields than the header, or more that are not empty."""
_KEY, _FILLED, _FILLED_ROW = "_key", "_filled", "_filled_row"
_READY, _DISCHARGED, _HASH = "_ready", "_discharged", "_hash"
_FIRST_DISCHARGED = "_first_discharged"
_SHORT, _LONG, _BYTES = "_short", "_long", "_bytes"
_CHUNK_SIZES = ("POLARS_CSV_CHUNK_SIZE", "POLARS_NDJSON_CHUNK_SIZE")
"""How polars is told the size of the chunks it reads CSV files and lines in."""
_CHUNK_BYTES = str(512 << 10)
"""Bytes per chunk. polars' default, tens of MiB at a time, holds twice the memory or more for
no gain in speed; chunks that fit a core's cache are the fastest: on the 10 M-episode benchmark
the pass took 6.3 s of CPU in chunks of 512 KiB, 7.0 s in 1 MiB and 9.4 s in 4 MiB, at the same
peak memory (about 310 MB)."""
_HASH_PARTS, _HASH_PART = 4, 1 << 62
"""Id hashes are sorted in four parts, by their top two bits, to hold a quarter at a time."""

Tallied = dict[tuple[str, int], dict[str, int]]
"""Sums per municipality (as asked for) and month (year × 12 + month − 1), by name."""


class Tally(Protocol):
    """Monthly sums of the episodes to take in the checking pass, such as an agreement's counting
    rules compiled by :mod:`.billing.counting`: columns added to every row in order, the
    month a row counts in (a whole number, year × 12 + month − 1; null: not counted), and
    aggregations that add up (counts and sums), each named ``prefix`` + its name. Their
    expressions read the typed fields (:data:`.FIELDS`) by name."""

    @property
    def month(self) -> pl.Expr: ...

    @property
    def rules(self) -> tuple[tuple[str, pl.Expr], ...]: ...

    @property
    def aggregates(self) -> tuple[tuple[str, pl.Expr], ...]: ...

    @property
    def prefix(self) -> str: ...


@dataclass(frozen=True, slots=True)
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

        dtypes = _field_types()
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


@dataclass(frozen=True, slots=True)
class Checked:
    """A CSV extract with no problems: how to read it again, and what the report needs."""

    extract: Extract
    rows_read: int
    excluded: tuple[Exclusion, ...]
    present: frozenset[str]
    """The municipalities (as asked for) that have episodes."""
    span: tuple[date | None, date | None]
    """The first and the last discharge date of the rows used (see :attr:`.Episodes.span`)."""
    tallied: tuple[Tallied, ...]
    """The sums of each :class:`Tally` asked for, in order."""
    repeats: Repeats
    """Whether an episode id repeats: the one check still running when the rest is done."""

    @property
    def rows_used(self) -> int:
        return self.rows_read - sum(e.count for e in self.excluded)


def _field_types() -> dict[str, pl.DataType]:
    """The polars type of each field's values."""
    import polars as pl

    types: dict[str, pl.DataType] = dict.fromkeys(FIELDS, pl.String())
    types.update(dict.fromkeys(DATE_FIELDS, pl.Date()))
    types.update(dict.fromkeys(YES_NO_FIELDS, pl.Boolean()))
    types["notice_time"] = pl.Time()
    return types


def check(
    csv: CsvFile,
    layout: Layout,
    municipalities: Sequence[str] | None,
    reading: Reading,
    tallies: Sequence[Tally] = (),
) -> Checked | None:
    """Check every row of a CSV extract in one streaming pass (two, when dates are written with
    spaces around them), taking the sums of ``tallies`` in the same pass; None when the in-memory
    reader must read it (see the module). The file of id hashes is written in a folder of
    ``reading``.

    A file that may hold quotes has its records' lines and fields checked first, line by line
    (:class:`Geometry`), as the in-memory reader does.
    """
    import polars as pl

    if csv.marked_first_row:
        return None
    with small_chunks():
        try:
            if csv.quoted and not _plain(csv):
                return None
        except pl.exceptions.PolarsError:
            return None
        scan = _Scan(csv, layout, reading, frozenset(), tallies, by_fields=csv.plain is not None)
        while True:
            try:
                verdict = scan.run(municipalities)
            except pl.exceptions.PolarsError:
                if not scan.by_fields:
                    return None
                # a record with more fields
                verdict = _Again(scan.strip, by_fields=False, gathered=scan.gathered)
            if not isinstance(verdict, _Again):
                return verdict
            scan = _Scan(
                csv, layout, reading, verdict.strip, tallies, verdict.by_fields, verdict.gathered
            )


def _plain(csv: CsvFile) -> bool:
    """Whether each record of a file with quotes is one line with the header's fields."""
    geometry = Geometry(csv)
    geometry.measure()
    return geometry.plain


class _Again(NamedTuple):
    """Scan again: stripping these date fields (written with spaces around some values), and
    splitting the fields by polars' CSV reader or, when a count of bytes could not vouch for
    them, line by line."""

    strip: frozenset[str]
    by_fields: bool
    gathered: frozenset[str] = frozenset()
    """Fields whose distinct texts are gathered as categories (a text not known before the pass
    was found in them)."""


class _Scan:
    """One streaming pass over the rows, and what is made of it."""

    def __init__(
        self,
        csv: CsvFile,
        layout: Layout,
        reading: Reading,
        strip: frozenset[str],
        tallies: Sequence[Tally],
        by_fields: bool,
        gathered: frozenset[str] = frozenset(),
    ) -> None:
        import polars as pl

        self.csv, self.layout, self.strip, self.tallies = csv, layout, strip, tallies
        self.reading = reading
        self.by_fields, self.gathered = by_fields, gathered
        self.usual, self.known = self._known_texts(
            [f for f in CHECKED_BY_VALUE if self.layout.has(f) and f not in gathered]
        )
        self.categories = {
            f: pl.Categories.random()
            for f in CHECKED_BY_VALUE
            if self.layout.has(f) and f not in self.known
        }
        # polars forgets a mapping of categories that no data uses: keep each one in use.
        self.keep = [pl.Series([], dtype=pl.Categorical(c)) for c in self.categories.values()]

    def run(self, municipalities: Sequence[str] | None) -> Checked | _Again | None:
        """The extract checked; or how to scan it again; or None."""
        import polars as pl

        groups, tallied, repeats = self._summarise()
        if self.by_fields and not self.csv.whole_records(
            _total(groups, "rows"), _total(groups, _BYTES)
        ):
            return _Again(self.strip, by_fields=False, gathered=self.gathered)
        if _total(groups, "_stray") or _total(groups, "_fields"):
            return None
        unseen = frozenset(f for f in self.known if _total(groups, f"_u_{f}"))
        if unseen:
            return _Again(self.strip, self.by_fields, self.gathered | unseen)
        filled = groups.filter(pl.col(_FILLED) > 0)
        written = {key: key.strip(SPACES) for key in filled[_KEY].to_list()}
        if "" in written.values():  # a filled row without a municipality
            return None
        mapping, misspelt, others = municipality_names(
            sorted(set(written.values())), municipalities
        )
        if misspelt:
            return None
        names = {key: mapping[name] for key, name in written.items() if name in mapping}
        used = groups.filter(pl.col(_KEY).is_in(list(names)))
        if _total(used, "_early") or _total(used, "_no_id"):
            return None
        values, padded = self._values()
        if values is None:
            return None
        if not padded <= self.strip:
            return _Again(self.strip | padded, self.by_fields, self.gathered)
        extract = Extract(self.csv, self.layout, names, values, self.strip)
        other_keys = [key for key, name in written.items() if name in others]
        rows_read, excluded = self._exclusions(groups, other_keys, others)
        first, last = used[_FIRST_DISCHARGED].min(), used[_DISCHARGED].max()
        span = (_date_or_none(first), _date_or_none(last))
        sums = tuple(self._sums(tallied, tally, names) for tally in self.tallies)
        present = frozenset(names.values())
        return Checked(extract, rows_read, excluded, present, span, sums, repeats)

    # --- the pass --------------------------------------------------------------------------------

    def _known_texts(self, fields: Sequence[str]) -> tuple[bool, dict[str, list[str]]]:
        """The texts of these fields known before the pass (see the module), to be checked with
        the fields' values: those of the file's first rows, as the pass reads them; and, for a
        file with more rows, their usual forms (:func:`_usual`, checked once): whether they are
        known too, and the texts. An empty text is known where it is a value; where it is not (a
        required field), it is not known, and an empty row's is not looked up."""
        import polars as pl

        if not fields:
            return False, {}
        columns = {f: column_name(self.layout.index[f]) for f in fields}
        try:
            head = self.csv.fields().select(columns.values()).head(_HEAD_ROWS).collect()
        except pl.exceptions.PolarsError:  # the pass will say; gather these texts meanwhile
            return False, {}
        usual = head.height >= _HEAD_ROWS  # else the first rows are all the rows
        known = {}
        for field, column in columns.items():
            met = head[column].unique().sort()
            if usual:
                met = met.filter(~met.is_in(_usual(field).texts.implode()))
            found = met.filter(met != "").to_list()
            known[field] = [*found, *([] if required(field) else [""])]
        return usual, known

    def _texts(self) -> pl.LazyFrame:
        """Every field as written (``c0``, …), ``_row``, whether some field is not empty
        (``_filled``), and whether the record has fewer fields than the header (``_short``) or
        more that are not empty (``_long``).

        polars' CSV reader splits the records: in a file with quotes after :class:`Geometry` has
        checked their lines and fields; in one without, failing on a record with more fields and
        giving the bytes of each record's fields (``_bytes``), for
        :meth:`CsvFile.whole_records` to vouch that none has fewer. Where it cannot, each line
        is a record, split on the separator (which also counts its fields).
        """
        import polars as pl

        width, separator = self.csv.width, self.csv.separator
        texts = [column_name(i) for i in range(width)]
        if self.csv.quoted or self.by_fields:
            text_bytes = pl.sum_horizontal(pl.col(t).str.len_bytes().cast(pl.UInt64) for t in texts)
            return (
                self.csv.fields(whole=self.by_fields)
                .with_columns(text_bytes.alias(_BYTES))
                .with_columns(
                    (pl.col(_BYTES) > 0).alias(_FILLED),  # some field is not empty
                    pl.lit(False).alias(_SHORT),
                    pl.lit(False).alias(_LONG),
                )
            )
        rest = column_name(width)
        parts = pl.col("line").str.splitn(separator, width + 1).struct.rename_fields([*texts, rest])
        return (
            self.csv.lines()
            .select(
                pl.col(ROW),
                pl.lit(0, dtype=pl.UInt64).alias(_BYTES),
                parts.alias("_parts"),
                # Some field is not empty: the line is not separators alone. (A line whose
                # only text is past the header's columns is filled here, not by its fields:
                # it has too many fields, a problem either way.)
                (pl.col("line").str.strip_chars(separator) != "").alias(_FILLED),
            )
            .unnest("_parts")
            .select(
                pl.col(ROW),
                pl.col(_BYTES),
                pl.col(_FILLED),
                *(pl.col(t).fill_null("") for t in texts),
                pl.col(texts[-1]).is_null().alias(_SHORT),
                (pl.col(rest).str.strip_chars(separator + SPACES) != "")
                .fill_null(False)
                .alias(_LONG),
            )
        )

    def _text(self, field: str) -> pl.Expr:
        import polars as pl

        if not self.layout.has(field):
            return pl.lit("", dtype=pl.String)
        text = pl.col(column_name(self.layout.index[field]))
        return text.str.strip_chars(SPACES) if field in self.strip else text

    def _rows(self) -> pl.LazyFrame:
        """Per row, what the checks need."""
        import polars as pl

        filled = pl.col(_FILLED)
        unnamed = [
            pl.col(column_name(i)) != ""
            for i, cell in enumerate(self.csv.header.cells)
            if not cell.text
        ]
        episode_id = pl.col(column_name(self.layout.index["episode_id"])).str.strip_chars(SPACES)
        ready = self._text("ready_date").str.to_date(DATE_FORMAT, strict=False)
        discharged = self._text("discharge_date").str.to_date(DATE_FORMAT, strict=False)
        values = []
        for f, categories in self.categories.items():
            text = pl.col(column_name(self.layout.index[f]))
            if required(f):  # the empty texts of empty rows are not this field's
                text = pl.when(filled).then(text)
            values.append(text.cast(pl.Categorical(categories)).to_physical().alias(f"_v_{f}"))
        for f, known in self.known.items():
            text = pl.col(column_name(self.layout.index[f]))
            looked_up = pl.Series(known, dtype=pl.String)
            if self.usual:  # one look-up a row: usual and first rows' texts together
                looked_up = pl.concat([_usual(f).texts, looked_up])
            unknown = ~text.is_in(looked_up.implode())
            if required(f):  # the empty texts of empty rows are not this field's
                unknown = filled & unknown
            values.append(unknown.alias(f"_u_{f}"))
        read = self._read_by_tallies()
        by_text = [f for f in read if f in TYPED_BY_VALUE and self.layout.has(f)]
        texts = self._texts()
        if by_text:  # typed as Extract.typed types them, from their stripped texts
            texts = texts.with_columns(
                self._text(f).str.strip_chars(SPACES).alias(f) for f in by_text
            )
        return texts.select(
            pl.col(ROW),
            pl.col(column_name(self.layout.index["municipality"])).alias(_KEY),
            pl.col(_BYTES),
            filled,
            pl.when(filled).then(pl.col(ROW)).alias(_FILLED_ROW),
            ready.alias(_READY),
            discharged.alias(_DISCHARGED),
            discharged.alias(_FIRST_DISCHARGED),  # for its least (_DISCHARGED: its greatest)
            (filled & (discharged < ready).fill_null(False)).alias("_early"),
            (filled & (episode_id == "")).alias("_no_id"),
            (filled & pl.any_horizontal(unnamed or [pl.lit(False)])).alias("_stray"),
            ((pl.col(_SHORT) & filled) | pl.col(_LONG)).alias("_fields"),
            pl.when(filled & (episode_id != "")).then(episode_id.hash()).alias(_HASH),
            *values,
            *(typed(f).alias(f) for f in by_text),
        ).with_columns(self._field(f) for f in read if f not in by_text)

    def _read_by_tallies(self) -> list[str]:
        """The fields (:data:`.FIELDS`) the tallies read."""
        names: set[str] = set()
        for tally in self.tallies:
            for _, expr in (*tally.rules, *tally.aggregates, ("month", tally.month)):
                names.update(expr.meta.root_names())
        return [field for field in FIELDS if field in names]

    def _field(self, field: str) -> pl.Expr:
        """A date field as :meth:`Extract.typed` gives it (parsed once, for the checks), or a
        field not in the file."""
        import polars as pl

        if field in DATE_FIELDS:
            return pl.col(_READY if field == "ready_date" else _DISCHARGED).alias(field)
        return pl.lit(None, dtype=_field_types()[field]).alias(field)

    def _summarise(self) -> tuple[pl.DataFrame, pl.DataFrame, Repeats]:
        """The pass: per municipality as written, the counts; the same per month of each tally
        as well, with the tallies' sums; and whether any id hash repeats (being worked out).

        One grouping takes both (polars' streaming engine buffers a scan shared by more
        outputs, in memory, when one falls behind another)."""
        import polars as pl

        rows = self._rows()
        keys, tallied = [_KEY], rows
        for tally in self.tallies:
            for _, expr in tally.rules:  # each after those before it, which it may read
                tallied = tallied.with_columns(expr)
            tallied = tallied.with_columns(tally.month)
            keys.append(tally.month.meta.output_name())
        checks = (
            pl.col(_FILLED).sum(),
            pl.col(_BYTES).sum(),
            pl.col("last_row").max(),
            pl.col(_FIRST_DISCHARGED).min(),
            pl.col(_DISCHARGED).max(),
            *(pl.col(p).sum() for p in _ROW_PROBLEMS),
            *(pl.col(f"_v_{f}").max() for f in self.categories),
            *(pl.col(f"_u_{f}").sum() for f in self.known),
        )
        fine = (
            tallied.with_columns(pl.col(_FILLED_ROW).alias("last_row"))
            .group_by(keys)
            .agg(
                pl.len().alias("rows"),
                *checks,
                *(expr for tally in self.tallies for _, expr in tally.aggregates),
            )
        )
        hashes = rows.select(pl.col(_HASH)).drop_nulls()
        folder = self.reading.temporary_folder()
        try:
            ids = Path(folder.name) / "ids.ipc"
            found, _ = pl.collect_all(
                [fine, hashes.sink_ipc(ids, maintain_order=False, lazy=True)], engine="streaming"
            )
        except BaseException:
            folder.cleanup()
            raise
        groups = found.group_by(_KEY).agg(pl.col("rows").sum(), *checks)
        return groups, found, Repeats(folder, ids)

    def _sums(self, found: pl.DataFrame, tally: Tally, names: Mapping[str, str]) -> Tallied:
        """A tally's sums per municipality used (by the name each stands for) and month, from
        those of the pass (counts and sums, which add up)."""
        import polars as pl

        month = tally.month.meta.output_name()
        sums = [name for name, _ in tally.aggregates]
        columns = [tally.prefix + name for name in sums]
        written = pl.col(_KEY)
        totals = (
            found.filter(written.is_in(list(names)) & pl.col(month).is_not_null())
            .with_columns(written.replace_strict(names, return_dtype=pl.String))
            .group_by(_KEY, month)
            .agg(pl.col(columns).sum())
        )
        return {
            (key, int(number)): {name: int(value) for name, value in zip(sums, values, strict=True)}
            for key, number, *values in totals.select(_KEY, month, *columns).iter_rows()
        }

    # --- what is made of it ----------------------------------------------------------------------

    def _values(self) -> tuple[dict[str, dict[str, Any]] | None, frozenset[str]]:
        """Each checked field's texts checked as the in-memory reader checks a field: those
        gathered in the pass, or those known before it; and the typed value of each text of the
        fields in :data:`TYPED_BY_VALUE`. None when any text is not understood. Also the date
        fields written with spaces around some value."""
        import polars as pl

        values: dict[str, dict[str, Any]] = {}
        padded: set[str] = set()
        distinct = {f: c.to_series().cast(pl.String) for f, c in self.categories.items()}
        distinct.update((f, pl.Series(texts, dtype=pl.String)) for f, texts in self.known.items())
        for field, texts in distinct.items():
            if texts.null_count():  # a category polars reserved but did not name: cannot tell
                return None, frozenset()
            table = _checked(field, texts)
            if table is None:
                return None, frozenset()
            if field in DATE_FIELDS and table.select(pl.col("padded").any()).item():
                padded.add(field)
            if field in TYPED_BY_VALUE:
                usual = _usual(field).values if field in self.known and self.usual else {}
                values[field] = {**usual, **dict(table.select("text", "value").iter_rows())}
        return values, frozenset(padded)

    def _exclusions(
        self, groups: pl.DataFrame, other_keys: list[str], others: list[str]
    ) -> tuple[int, tuple[Exclusion, ...]]:
        """The rows read (to the last filled one), and those left out: empty rows among them,
        and rows of municipalities not asked for."""
        import polars as pl

        last = groups["last_row"].max()
        rows_read = int(last) - self.csv.header.number if isinstance(last, int) else 0
        blank = rows_read - _total(groups, _FILLED)  # every filled row is among those read
        exclusions = Exclusions()
        if blank:
            empty = ~pl.col(_FILLED) & (pl.col(ROW) <= self.csv.header.number + rows_read)
            exclusions.add_many("empty row", blank, self._first_rows(empty))
        if other_keys:
            count = _total(groups.filter(pl.col(_KEY).is_in(other_keys)), "rows")
            rows = self._first_rows(pl.col(_KEY).is_in(other_keys))
            exclusions.add_many("municipality not asked for", count, rows, others)
        return rows_read, exclusions.freeze()

    def _first_rows(self, where: pl.Expr) -> list[int]:
        """The first ten rows where a condition holds (polars stops reading once it has them)."""
        with small_chunks():
            found = self._rows().filter(where).select(ROW).head(10).collect(engine="streaming")
        return [int(r) for r in found[ROW].to_list()]


class _Usual(NamedTuple):
    """How a field's values are usually written, and the typed value of each such text."""

    texts: pl.Series
    values: dict[str, Any]


@lru_cache(maxsize=8)
def _usual(field: str) -> _Usual:
    """The usual texts of a field, known before the pass and checked once: every date of
    :data:`_CANONICAL_YEARS` written YYYY-MM-DD; every time of day written HH:MM; none for the
    others. (Should one not pass the check, it is not usual, and a row holding it gets its
    column's texts gathered and checked in a second pass.)"""
    import polars as pl

    if field in DATE_FIELDS:
        first, last = _CANONICAL_YEARS
        days = pl.date_range(date(first, 1, 1), date(last, 12, 31), eager=True)
        texts = days.dt.to_string(DATE_FORMAT)
    elif field == "notice_time":
        times = [f"{hour:02}:{minute:02}" for hour in range(24) for minute in range(60)]
        texts = pl.Series(times, dtype=pl.String)
    else:
        texts = pl.Series([], dtype=pl.String)
    table = _checked(field, texts, each=True)
    assert table is not None
    fine = table.filter(pl.col("value").is_not_null() & ~pl.col("padded"))
    return _Usual(fine["text"], dict(fine.select("text", "value").iter_rows()))


def _checked(field: str, texts: pl.Series, each: bool = False) -> pl.DataFrame | None:
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


class Repeats:
    """Whether the file of id hashes that a pass wrote holds one twice: sorting the hashes takes a
    quarter of a second for ten million episodes, so it is done in a thread while the reader's
    caller goes on with the episodes (see :func:`.read_episodes_then`). The file's folder is
    removed when the answer is known."""

    def __init__(self, folder: tempfile.TemporaryDirectory[str], ids: Path) -> None:
        def work() -> bool:
            try:
                return _repeats(ids)
            finally:
                folder.cleanup()

        self._answer: Future[bool] = in_thread(work, "repeated-ids")

    def found(self) -> bool:
        """Whether an id hash repeats, once known; True when the file could not be read (then
        the in-memory reader must vouch for the ids)."""
        import polars as pl

        try:
            return self._answer.result()
        except (pl.exceptions.PolarsError, OSError):
            return True


def _repeats(ids: Path) -> bool:
    """Whether the file of id hashes holds one twice: each part (:data:`_HASH_PARTS`) sorted."""
    import polars as pl

    hashes = pl.scan_ipc(ids)
    part = pl.col(_HASH) // _HASH_PART
    for number in range(_HASH_PARTS):
        found = hashes.filter(part == number).collect()[_HASH].sort()
        if (found.slice(1) == found.slice(0, max(0, found.len() - 1))).any():
            return True
    return False


def _total(groups: pl.DataFrame, column: str) -> int:
    return int(groups[column].sum())


def _date_or_none(value: object) -> date | None:
    return value if isinstance(value, date) else None


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
