"""Episode-level extracts: one row per hospital care episode, millions of rows.

Columns (Swedish or English header names; see :mod:`.columns` for how names match):

=========================  =====================  ==============================================
Swedish                    English                value
=========================  =====================  ==============================================
Vårdtillfälle-ID           episode_id             any text, unique in the file; required
Kommun                     municipality           the paying municipality; required
Utskrivningsklar datum     ready_date             date judged ready for discharge; required
Underrättelse klockslag    notice_time            time the discharge-ready notice was sent
Utskrivningsdatum          discharge_date         date discharged; empty: still in hospital
Inskrivningsmeddelande     admission_notice_sent  admission notice sent (yes/no)
Underrättelse              ready_notice_sent      discharge-ready notice sent (yes/no)
SIP krävs                  sip_required           coordinated individual plan required (yes/no)
Kallelse SIP               sip_invitation_sent    SIP invitation sent (yes/no)
Vårdtyp                    care_type              e.g. somatisk, psykiatrisk (kept lower-case)
=========================  =====================  ==============================================

``Vårdtillfälle`` is also accepted for the id, ``Utskrivningsklar`` for the ready date and
``SIP-kallelse`` for the invitation. The first five columns must be in the file (the notice time
may be left out); a column left out is not known for any episode, and the report says so.
Spellings of dates, times and yes/no are those of :mod:`.dialect`; an empty yes/no is not known.

Checks: every value spelt as its column needs; the discharge date not before the ready date;
each episode id once.

A CSV extract is checked in one streaming pass (:mod:`.episode_scan`), which also takes the
counts asked for (tallies), so that ten million rows are read once, in little memory; a count
not taken then reads the file again, column by column. When that pass sees a possible problem,
the file is read again in memory, every field as text (:mod:`.episodes_in_memory`), to report
each problem at its row and column; XLSX files are always read that way.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from os import PathLike
from typing import TYPE_CHECKING, TypeVar

from agreement_engine.data.columns import known_names, resolve
from agreement_engine.data.csv_file import open_csv
from agreement_engine.data.episode_fields import (
    EPISODE_COLUMNS,
    absent_fields,
)
from agreement_engine.data.episode_scan import check
from agreement_engine.data.episodes_in_memory import read_in_memory, warn_incomplete
from agreement_engine.data.extract import Extract, small_chunks
from agreement_engine.data.files import is_xlsx
from agreement_engine.data.reading import Reading
from agreement_engine.data.repeats import Repeats
from agreement_engine.data.report import Problems, ReadReport
from agreement_engine.data.scan_rows import KEY, Tallied, Tally
from agreement_engine.diagnostics import Diagnostic
from agreement_engine.frozen import frozen

if TYPE_CHECKING:
    import polars as pl

T = TypeVar("T")


@frozen
class Episodes:
    """The episodes of an extract, checked, ready to be counted.

    Either a CSV file, read again for each query (streaming, in little memory), or a frame in
    memory: XLSX files, files the streaming check could not vouch for, and episodes made up by
    scenarios.
    """

    source: Extract | pl.DataFrame
    span: tuple[date | None, date | None]
    """The first and the last discharge date (None when no episode is discharged): an extract
    is taken for the episodes closed in a period, and says nothing of the months before or after
    it, however early its episodes were ready."""
    tallied: tuple[Tallied, ...] | None = None
    """The sums of the tallies asked for, in order, when they were taken while reading."""
    absent: tuple[str, ...] = ()
    """The fields whose columns the file does not have (see :data:`FIELDS`): not known for any
    episode, so that every line counted from them must say so."""
    kept: pl.DataFrame | None = None
    """Each filled row's municipality as written, episode id and the fields the tallies read,
    kept by the checking pass when asked to (``keep_counted``), to count them again without
    reading the file again (:meth:`rows`)."""

    @classmethod
    def of_frame(cls, frame: pl.DataFrame, absent: tuple[str, ...] = ()) -> Episodes:
        """Episodes in a frame with the columns :func:`read_episodes_frame` gives; ``absent``
        the fields whose columns the file did not have."""
        discharged = frame.get_column("discharge_date")
        first, last = discharged.min(), discharged.max()
        return cls(frame, (_date_or_none(first), _date_or_none(last)), absent=absent)

    @property
    def names(self) -> Mapping[str, str] | None:
        """How :meth:`lazy`'s ``municipality`` is written in the file, for each municipality used
        (as asked for); None when it is already the name used, on every row."""
        return self.source.names if isinstance(self.source, Extract) else None

    def lazy(self) -> pl.LazyFrame:
        """Every row's typed fields (:data:`FIELDS`) and ``row``, to query. With :attr:`names`,
        ``municipality`` is as written, and rows of municipalities not in :attr:`names` (blank
        rows, municipalities not asked for) are not used."""
        if isinstance(self.source, Extract):
            return self.source.typed()
        return self.source.lazy()

    def rows(self, fields: Collection[str]) -> pl.LazyFrame:
        """The rows' ``municipality`` (as :meth:`lazy` gives it), ``episode_id`` and these
        fields: as the checking pass kept them (:attr:`kept`) when it has them all, else as
        :meth:`lazy` reads them."""
        import polars as pl

        if self.kept is not None and set(fields) <= set(self.kept.columns):
            return self.kept.lazy().rename({KEY: "municipality"})
        return self.lazy().select(pl.col("municipality", "episode_id", *fields))

    def collect(self, query: pl.LazyFrame) -> pl.DataFrame:
        """The result of a query over :meth:`lazy`, computed by polars' streaming engine."""
        with small_chunks():
            return query.collect(engine="streaming")

    def frame(self) -> pl.DataFrame:
        """The episodes used, in a frame: the columns of :data:`FIELDS` and ``row``."""
        import polars as pl

        names = self.names
        if names is None:
            assert not isinstance(self.source, Extract)
            return self.source
        written = pl.col("municipality")
        used = (
            self.lazy()
            .filter(written.is_in(list(names)))
            .with_columns(written.replace_strict(names, return_dtype=pl.String))
        )
        return self.collect(used)


def read_episodes(
    path: str | PathLike[str],
    *,
    municipalities: Sequence[str] | None = None,
    tallies: Sequence[Tally] = (),
    reading: Reading | None = None,
) -> tuple[Episodes, ReadReport, list[Diagnostic]]:
    """The episodes in a CSV or XLSX file, how the file was read, and any warnings.

    ``municipalities`` works as for :func:`.aggregates.read_aggregates`: rows of other
    municipalities are left out and reported, a probable misspelling is an error. The sums of
    ``tallies`` are taken in the checking pass of a CSV file, when it has one
    (:attr:`Episodes.tallied`), so that counting needs no second pass over the file.
    ``reading`` holds the temporary files the reading makes, and may have begun reading the
    file ahead (:class:`.Reading`); without one, they are removed as the episodes are freed.

    Raises :class:`EngineError` with every error found (up to a cap) and the warnings.
    """
    return read_episodes_then(
        path, _themselves, municipalities=municipalities, tallies=tallies, reading=reading
    )


def _themselves(episodes: Episodes) -> Episodes:
    return episodes


def read_episodes_then(
    path: str | PathLike[str],
    then: Callable[[Episodes], T],
    *,
    municipalities: Sequence[str] | None = None,
    tallies: Sequence[Tally] = (),
    reading: Reading | None = None,
    keep_counted: bool = False,
) -> tuple[T, ReadReport, list[Diagnostic]]:
    """What ``then`` makes of the episodes in a file (see :func:`read_episodes`), how the file
    was read, and any warnings. With ``keep_counted``, the checking pass keeps the rows as the
    tallies read them (:attr:`Episodes.kept`), to be counted again without reading the file.

    A CSV extract checked in one pass is handed to ``then`` while its last check, that no
    episode id repeats, is still running (:class:`.Repeats`), so billing need not
    wait for it; what ``then`` gave is returned only once the check has passed. If an id
    repeats, the file is read in memory, which says where (or, for two ids that only share a
    hash, reads it), and ``then`` is called again with those episodes.
    """
    name = str(path)
    reading = reading if reading is not None else Reading()
    if not is_xlsx(name):
        streamed = _read_streaming(name, municipalities, tallies, reading, keep_counted)
        if streamed is not None:
            episodes, report, warnings, repeats = streamed
            made = then(episodes)
            if not repeats.found():
                return made, report, warnings
    frame, report, warnings = read_in_memory(name, municipalities, reading)
    episodes = Episodes.of_frame(frame, absent_fields(report.absent_columns))
    return then(episodes), report, warnings


def read_episodes_frame(
    path: str | PathLike[str], *, municipalities: Sequence[str] | None = None
) -> tuple[pl.DataFrame, ReadReport, list[Diagnostic]]:
    """The episodes in a CSV or XLSX file as a typed frame, how it was read, and any warnings.

    The frame has the columns of :data:`FIELDS` and ``row`` (the row in the file, header = 1):
    ``episode_id``, ``municipality`` and ``care_type`` text; ``ready_date`` and
    ``discharge_date`` dates; ``notice_time`` a time of day; the yes/no columns booleans. All but
    the first three may be null (not known). See :func:`read_episodes`, which does not hold the
    episodes in memory. No temporary file is left once the frame is made.
    """
    with Reading() as reading:
        episodes, report, warnings = read_episodes(
            path, municipalities=municipalities, reading=reading
        )
        return episodes.frame(), report, warnings


def _read_streaming(
    name: str,
    municipalities: Sequence[str] | None,
    tallies: Sequence[Tally],
    reading: Reading,
    keep: bool = False,
) -> tuple[Episodes, ReadReport, list[Diagnostic], Repeats] | None:
    """A CSV extract checked in one streaming pass but for repeated ids (being worked out); None
    when it must be read in memory."""
    problems = Problems(name)
    csv = open_csv(name, known_names(EPISODE_COLUMNS), reading)
    try:
        layout = resolve(csv.header, EPISODE_COLUMNS, problems)
        found = None
        if layout is not None:
            found = check(csv, layout, municipalities, reading, tallies, keep)
    except BaseException:
        csv.close()
        raise
    if layout is None or found is None:  # the in-memory reader says what is wrong
        csv.close()
        return None
    if municipalities is not None:
        warn_incomplete(problems, municipalities, found.present, csv.path, csv.header.number)
    report = ReadReport(
        path=name,
        form=csv.form,
        header_row=csv.header.number,
        rows_read=found.rows_read,
        rows_used=found.rows_used,
        excluded=found.excluded,
        ignored_columns=layout.ignored,
        absent_columns=layout.absent,
    )
    absent = absent_fields(layout.absent)
    episodes = Episodes(found.extract, found.span, found.tallied, absent, found.kept)
    return episodes, report, problems.sorted_warnings(), found.repeats


def _date_or_none(value: object) -> date | None:
    return value if isinstance(value, date) else None
