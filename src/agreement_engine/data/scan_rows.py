"""What the checking pass of an extract takes of each row (:mod:`.episode_scan`).

Per row, as polars expressions over the file's fields: the municipality as written, whether some
field is filled, the ready and discharge dates, the problems that show within the row (discharged
before ready, no id, a value under a column without a name, the wrong number of fields), the id's
hash, whether each field checked by its texts holds a text not known (:mod:`.field_texts`), and
the fields the tallies read. The pass sums these per municipality; nothing is kept row by row.

polars is imported inside the functions, so that importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from agreement_engine.data.columns import Layout
from agreement_engine.data.csv_file import ROW, CsvFile, column_name
from agreement_engine.data.dialect import SPACES
from agreement_engine.data.episode_fields import (
    DATE_FIELDS,
    DATE_FORMAT,
    FIELDS,
    TYPED_BY_VALUE,
    field_types,
    required,
    typed,
)
from agreement_engine.data.field_texts import usual_texts
from agreement_engine.data.repeats import HASH
from agreement_engine.frozen import frozen

if TYPE_CHECKING:
    import polars as pl

ROW_PROBLEMS = ("_early", "_no_id", "_stray", "_fields")
"""Per row: discharged before ready; no episode id; a value in a column without a name in the
header; fewer fields than the header, or more that are not empty."""
KEY, FILLED, FILLED_ROW = "_key", "_filled", "_filled_row"
READY, DISCHARGED, FIRST_DISCHARGED = "_ready", "_discharged", "_first_discharged"
BYTES, _SHORT, _LONG = "_bytes", "_short", "_long"

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


@frozen
class Rows:
    """The rows of a CSV extract as one pass reads them: split by polars' CSV reader
    (``by_fields``) or line by line, some date fields stripped of spaces (``strip``), the texts
    of some fields gathered as ``categories`` and those of others looked up among the ``known``
    (and the ``usual`` forms), and the fields the ``tallies`` read."""

    csv: CsvFile
    layout: Layout
    strip: frozenset[str]
    by_fields: bool
    categories: Mapping[str, pl.Categories]
    known: Mapping[str, list[str]]
    usual: bool
    tallies: Sequence[Tally]
    ids: bool = False
    """Whether each filled row's ``episode_id`` is given too (to keep the counted rows)."""

    def checked(self) -> pl.LazyFrame:
        """Per row, what the checks need (see the module)."""
        import polars as pl

        filled = pl.col(FILLED)
        unnamed = [
            pl.col(column_name(i)) != ""
            for i, cell in enumerate(self.csv.header.cells)
            if not cell.text
        ]
        episode_id = pl.col(column_name(self.layout.index["episode_id"])).str.strip_chars(SPACES)
        ready = self._text("ready_date").str.to_date(DATE_FORMAT, strict=False)
        discharged = self._text("discharge_date").str.to_date(DATE_FORMAT, strict=False)
        read = self._read_by_tallies()
        by_text = [f for f in read if f in TYPED_BY_VALUE and self.layout.has(f)]
        texts = self._texts()
        if by_text:  # typed as Extract.typed types them, from their stripped texts
            texts = texts.with_columns(
                self._text(f).str.strip_chars(SPACES).alias(f) for f in by_text
            )
        return texts.select(
            pl.col(ROW),
            pl.col(column_name(self.layout.index["municipality"])).alias(KEY),
            pl.col(BYTES),
            filled,
            pl.when(filled).then(pl.col(ROW)).alias(FILLED_ROW),
            ready.alias(READY),
            discharged.alias(DISCHARGED),
            discharged.alias(FIRST_DISCHARGED),  # for its least (DISCHARGED: its greatest)
            (filled & (discharged < ready).fill_null(False)).alias("_early"),
            (filled & (episode_id == "")).alias("_no_id"),
            (filled & pl.any_horizontal(unnamed or [pl.lit(False)])).alias("_stray"),
            ((pl.col(_SHORT) & filled) | pl.col(_LONG)).alias("_fields"),
            pl.when(filled & (episode_id != "")).then(episode_id.hash()).alias(HASH),
            *self._looked_up(),
            *(typed(f).alias(f) for f in by_text),
            *self._id(episode_id, read),
        ).with_columns(self._field(f) for f in read if f not in by_text)

    def kept(self) -> list[str]:
        """The columns of a row kept for counting again (:meth:`checked` with ``ids``): the
        municipality as written, the episode id and the fields the tallies read."""
        return [KEY, "episode_id", *(f for f in self._read_by_tallies() if f != "episode_id")]

    def _id(self, episode_id: pl.Expr, read: list[str]) -> list[pl.Expr]:
        """The episode id of a filled row, when asked for (as :meth:`.Extract.typed` gives it)."""
        import polars as pl

        if not self.ids or "episode_id" in read:
            return []
        return [pl.when(pl.col(FILLED) & (episode_id != "")).then(episode_id).alias("episode_id")]

    def _looked_up(self) -> list[pl.Expr]:
        """Per field checked by its texts: the text's category (``_v_``, its distinct texts
        gathered), or whether the text is not known (``_u_``)."""
        import polars as pl

        filled = pl.col(FILLED)
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
                looked_up = pl.concat([usual_texts(f), looked_up])
            unknown = ~text.is_in(looked_up.implode())
            if required(f):  # the empty texts of empty rows are not this field's
                unknown = filled & unknown
            values.append(unknown.alias(f"_u_{f}"))
        return values

    def _texts(self) -> pl.LazyFrame:
        """Every field as written (``c0``, …), ``_row``, whether some field is not empty
        (``_filled``), and whether the record has fewer fields than the header (``_short``) or
        more that are not empty (``_long``).

        polars' CSV reader splits the records: in a file with quotes after :class:`.Geometry`
        has checked their lines and fields; in one without, failing on a record with more
        fields and giving the bytes of each record's fields (``_bytes``), for
        :meth:`.CsvFile.whole_records` to vouch that none has fewer. Where it cannot, each line
        is a record, split on the separator (which also counts its fields).
        """
        import polars as pl

        if not (self.csv.quoted or self.by_fields):
            return self._split_lines()
        texts = [column_name(i) for i in range(self.csv.width)]
        text_bytes = pl.sum_horizontal(pl.col(t).str.len_bytes().cast(pl.UInt64) for t in texts)
        return (
            self.csv.fields(whole=self.by_fields)
            .with_columns(text_bytes.alias(BYTES))
            .with_columns(
                (pl.col(BYTES) > 0).alias(FILLED),  # some field is not empty
                pl.lit(False).alias(_SHORT),
                pl.lit(False).alias(_LONG),
            )
        )

    def _split_lines(self) -> pl.LazyFrame:
        """:meth:`_texts`, each line split on the separator."""
        import polars as pl

        width, separator = self.csv.width, self.csv.separator
        texts = [column_name(i) for i in range(width)]
        rest = column_name(width)
        parts = pl.col("line").str.splitn(separator, width + 1).struct.rename_fields([*texts, rest])
        return (
            self.csv.lines()
            .select(
                pl.col(ROW),
                pl.lit(0, dtype=pl.UInt64).alias(BYTES),
                parts.alias("_parts"),
                # Some field is not empty: the line is not separators alone. (A line whose
                # only text is past the header's columns is filled here, not by its fields:
                # it has too many fields, a problem either way.)
                (pl.col("line").str.strip_chars(separator) != "").alias(FILLED),
            )
            .unnest("_parts")
            .select(
                pl.col(ROW),
                pl.col(BYTES),
                pl.col(FILLED),
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
            return pl.col(READY if field == "ready_date" else DISCHARGED).alias(field)
        return pl.lit(None, dtype=field_types()[field]).alias(field)
