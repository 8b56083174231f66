"""Checking a CSV episode extract in one streaming pass, counting it in the same pass.

An extract can hold ten million rows. The in-memory reader (:mod:`.episodes_in_memory`) holds
every field as text so that it can point at each problem; here every row is checked in one pass
of polars' streaming engine that keeps only what the checks need. polars' CSV reader splits the
fields; a record with fewer fields than the header, which it would pad silently, shows in a
count of bytes (:meth:`.CsvFile.whole_records`), and where that cannot vouch for the file, each
line is split on the separator instead. The pass keeps (of each row, what :mod:`.scan_rows`
takes):

- per municipality as written: its rows, its filled rows, the first and last row and dates, and
  how many rows have a problem that shows within the row (discharged before ready, no id, a value
  under a column without a name, the wrong number of fields);
- per date, time, yes/no and care-type column: how many of its texts are not among the texts
  known before the pass (those of the file's first 20,000 rows; in a longer file, also every
  date of 2000–2099 written YYYY-MM-DD and every time HH:MM), which are checked exactly as the
  in-memory reader checks a field. A column with a text not known is scanned again, its
  distinct texts gathered (as categories: a few thousand at most, however many rows) and checked
  the same way (:mod:`.field_texts`). Looking a text up costs a fraction of gathering it;
- a 64-bit hash of each episode id, written to a file in a folder of the run's
  :class:`.Reading` and sorted afterwards in a thread of its own (:mod:`.repeats`);
- the sums of each :class:`.Tally` asked for (an agreement's counting rules, compiled), per
  municipality as written and month: so the file need not be read again to be counted.

The pass reports nothing itself. When it sees anything that may be a problem, or that it cannot
vouch for (a municipality name that looks misspelt, a multi-line record, a first row beginning
with a byte-order mark, which polars drops), :func:`check` returns None and the in-memory reader
reads the file again, to say exactly what is wrong and where — or, for the rare file that is fine
after all, to read it. So it does when ids share a hash, once the caller has been given the
episodes (:class:`.Repeats`).

A checked extract is not held in memory: :meth:`.Extract.typed` reads the file again, column by
column, for a count not taken in the pass (as `diff --impact` counts), the fields' typed
values given by their distinct texts.

polars is imported inside the functions, so that importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from agreement_engine.data.bulk import Geometry
from agreement_engine.data.columns import Layout
from agreement_engine.data.csv_file import ROW, CsvFile
from agreement_engine.data.dialect import SPACES
from agreement_engine.data.episode_fields import CHECKED_BY_VALUE, municipality_names
from agreement_engine.data.extract import Extract, small_chunks
from agreement_engine.data.field_texts import known_texts, typed_values
from agreement_engine.data.reading import Reading
from agreement_engine.data.repeats import HASH, Repeats
from agreement_engine.data.report import Exclusion, Exclusions
from agreement_engine.data.scan_rows import (
    BYTES,
    DISCHARGED,
    FILLED,
    FILLED_ROW,
    FIRST_DISCHARGED,
    KEY,
    ROW_PROBLEMS,
    Rows,
    Tallied,
    Tally,
)
from agreement_engine.diagnostics import Text
from agreement_engine.frozen import frozen

if TYPE_CHECKING:
    import polars as pl


@frozen
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
    kept: pl.DataFrame | None = None
    """The rows kept for counting again, when asked for (see :func:`check`)."""

    @property
    def rows_used(self) -> int:
        return self.rows_read - sum(e.count for e in self.excluded)


def check(
    csv: CsvFile,
    layout: Layout,
    municipalities: Sequence[str] | None,
    reading: Reading,
    tallies: Sequence[Tally] = (),
    keep: bool = False,
) -> Checked | None:
    """Check every row of a CSV extract in one streaming pass (two, when dates are written with
    spaces around them), taking the sums of ``tallies`` in the same pass; None when the in-memory
    reader must read it (see the module). The file of id hashes is written in a folder of
    ``reading``; with ``keep``, so is each filled row's municipality as written, episode id and
    the fields the tallies read (:attr:`Checked.kept`), for counting those rows again without
    reading the file again (the ledger records each line's episodes).

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
        by_fields = csv.plain is not None
        scan = _Scan(csv, layout, reading, frozenset(), tallies, by_fields, keep=keep)
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
                csv,
                layout,
                reading,
                verdict.strip,
                tallies,
                verdict.by_fields,
                verdict.gathered,
                keep,
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
        keep: bool = False,
    ) -> None:
        import polars as pl

        self.csv, self.layout, self.strip, self.tallies = csv, layout, strip, tallies
        self.keep_rows = keep
        self.reading = reading
        self.by_fields, self.gathered = by_fields, gathered
        self.usual, self.known = known_texts(
            csv, layout, [f for f in CHECKED_BY_VALUE if layout.has(f) and f not in gathered]
        )
        self.categories = {
            f: pl.Categories.random()
            for f in CHECKED_BY_VALUE
            if self.layout.has(f) and f not in self.known
        }
        # polars forgets a mapping of categories that no data uses: keep each one in use.
        self.keep = [pl.Series([], dtype=pl.Categorical(c)) for c in self.categories.values()]
        self.rows = Rows(
            csv, layout, strip, by_fields, self.categories, self.known, self.usual, tallies, keep
        )

    def run(self, municipalities: Sequence[str] | None) -> Checked | _Again | None:
        """The extract checked; or how to scan it again; or None."""
        import polars as pl

        groups, tallied, repeats, kept = self._summarise()
        if self.by_fields and not self.csv.whole_records(
            _total(groups, "rows"), _total(groups, BYTES)
        ):
            return _Again(self.strip, by_fields=False, gathered=self.gathered)
        if _total(groups, "_stray") or _total(groups, "_fields"):
            return None
        unseen = frozenset(f for f in self.known if _total(groups, f"_u_{f}"))
        if unseen:
            return _Again(self.strip, self.by_fields, self.gathered | unseen)
        filled = groups.filter(pl.col(FILLED) > 0)
        written = {key: key.strip(SPACES) for key in filled[KEY].to_list()}
        if "" in written.values():  # a filled row without a municipality
            return None
        mapping, misspelt, others = municipality_names(
            sorted(set(written.values())), municipalities
        )
        if misspelt:
            return None
        names = {key: mapping[name] for key, name in written.items() if name in mapping}
        used = groups.filter(pl.col(KEY).is_in(list(names)))
        if _total(used, "_early") or _total(used, "_no_id"):
            return None
        values, padded = typed_values(self.categories, self.known, self.usual)
        if values is None:
            return None
        if not padded <= self.strip:
            return _Again(self.strip | padded, self.by_fields, self.gathered)
        extract = Extract(self.csv, self.layout, names, values, self.strip)
        other_keys = [key for key, name in written.items() if name in others]
        rows_read, excluded = self._exclusions(groups, other_keys, others)
        first, last = used[FIRST_DISCHARGED].min(), used[DISCHARGED].max()
        span = (_date_or_none(first), _date_or_none(last))
        sums = tuple(self._sums(tallied, tally, names) for tally in self.tallies)
        present = frozenset(names.values())
        return Checked(extract, rows_read, excluded, present, span, sums, repeats, kept)

    # --- the pass ---------------------------------------------------------------------------------

    def _summarise(self) -> tuple[pl.DataFrame, pl.DataFrame, Repeats, pl.DataFrame | None]:
        """The pass: per municipality as written, the counts; the same per month of each tally
        as well, with the tallies' sums; whether any id hash repeats (being worked out); and
        the rows kept, when asked for.

        One grouping takes both (polars' streaming engine buffers a scan shared by more
        outputs, in memory, when one falls behind another)."""
        import polars as pl

        rows = self.rows.checked()
        keys, tallied = self._tallied(rows)
        checks = self._checks()
        fine = (
            tallied.with_columns(pl.col(FILLED_ROW).alias("last_row"))
            .group_by(keys)
            .agg(
                pl.len().alias("rows"),
                *checks,
                *(expr for tally in self.tallies for _, expr in tally.aggregates),
            )
        )
        hashes = rows.select(pl.col(HASH)).drop_nulls()
        folder = self.reading.temporary_folder()
        ids = Path(folder.name) / "ids.ipc"
        kept = Path(folder.name) / "kept.ipc" if self.keep_rows else None
        outputs = [fine, hashes.sink_ipc(ids, maintain_order=False, lazy=True)]
        if kept is not None:
            filled = rows.filter(pl.col(FILLED)).select(self.rows.kept())
            outputs.append(filled.sink_ipc(kept, maintain_order=False, lazy=True))
        try:
            found, *_ = pl.collect_all(outputs, engine="streaming")
            # Read now, a copy in memory: the folder goes once the ids are sorted (Repeats).
            counted = None if kept is None else pl.read_ipc(kept.read_bytes())
        except BaseException:
            folder.cleanup()
            raise
        groups = found.group_by(KEY).agg(pl.col("rows").sum(), *checks)
        return groups, found, Repeats(folder, ids), counted

    def _tallied(self, rows: pl.LazyFrame) -> tuple[list[str], pl.LazyFrame]:
        """The keys to group by (the municipality as written, each tally's month), and the rows
        with the columns the tallies add."""
        keys, tallied = [KEY], rows
        for tally in self.tallies:
            for _, expr in tally.rules:  # each after those before it, which it may read
                tallied = tallied.with_columns(expr)
            tallied = tallied.with_columns(tally.month)
            keys.append(tally.month.meta.output_name())
        return keys, tallied

    def _checks(self) -> tuple[pl.Expr, ...]:
        """What the checks need of each group of rows, summed (or the least or greatest)."""
        import polars as pl

        return (
            pl.col(FILLED).sum(),
            pl.col(BYTES).sum(),
            pl.col("last_row").max(),
            pl.col(FIRST_DISCHARGED).min(),
            pl.col(DISCHARGED).max(),
            *(pl.col(p).sum() for p in ROW_PROBLEMS),
            *(pl.col(f"_v_{f}").max() for f in self.categories),
            *(pl.col(f"_u_{f}").sum() for f in self.known),
        )

    def _sums(self, found: pl.DataFrame, tally: Tally, names: Mapping[str, str]) -> Tallied:
        """A tally's sums per municipality used (by the name each stands for) and month, from
        those of the pass (counts and sums, which add up)."""
        import polars as pl

        month = tally.month.meta.output_name()
        sums = [name for name, _ in tally.aggregates]
        columns = [tally.prefix + name for name in sums]
        written = pl.col(KEY)
        totals = (
            found.filter(written.is_in(list(names)) & pl.col(month).is_not_null())
            .with_columns(written.replace_strict(names, return_dtype=pl.String))
            .group_by(KEY, month)
            .agg(pl.col(columns).sum().cast(pl.Int64))  # Python ints, as the lines count them
            .with_columns(pl.col(month).cast(pl.Int64))
        )
        keys = zip(totals[KEY].to_list(), totals[month].to_list(), strict=True)
        values = zip(*(totals[c].to_list() for c in columns), strict=True)  # by column: fast
        # Each dict made by zip in C, the ints as polars gives them, and by map rather than a
        # comprehension (no line of Python run for each key): the dicts of 14 800 sums of a
        # national extract's 50 months 10.3 -> 6.7 ms. A row of values has one of each sum.
        by_key = map(dict, map(zip, repeat(sums), values))
        return dict(zip(keys, by_key, strict=True))

    # --- what is made of it ----------------------------------------------------------------------

    def _exclusions(
        self, groups: pl.DataFrame, other_keys: list[str], others: list[str]
    ) -> tuple[int, tuple[Exclusion, ...]]:
        """The rows read (to the last filled one), and those left out: empty rows among them,
        and rows of municipalities not asked for."""
        import polars as pl

        last = groups["last_row"].max()
        rows_read = int(last) - self.csv.header.number if isinstance(last, int) else 0
        blank = rows_read - _total(groups, FILLED)  # every filled row is among those read
        exclusions = Exclusions()
        if blank:
            empty = ~pl.col(FILLED) & (pl.col(ROW) <= self.csv.header.number + rows_read)
            exclusions.add_many(Text("empty row"), blank, self._first_rows(empty))
        if other_keys:
            count = _total(groups.filter(pl.col(KEY).is_in(other_keys)), "rows")
            rows = self._first_rows(pl.col(KEY).is_in(other_keys))
            exclusions.add_many(Text("municipality not asked for"), count, rows, others)
        return rows_read, exclusions.freeze()

    def _first_rows(self, where: pl.Expr) -> list[int]:
        """The first ten rows where a condition holds (polars stops reading once it has them)."""
        with small_chunks():
            found = (
                self.rows.checked().filter(where).select(ROW).head(10).collect(engine="streaming")
            )
        return [int(r) for r in found[ROW].to_list()]


def _total(groups: pl.DataFrame, column: str) -> int:
    return int(groups[column].sum())


def _date_or_none(value: object) -> date | None:
    return value if isinstance(value, date) else None
