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
not taken then reads the file again, column by column. When that pass
sees a possible problem, the file is read again in memory, every field as text (:class:`_Checker`),
to report each problem at its row and column; XLSX files are always read that way.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from os import PathLike
from typing import TYPE_CHECKING, TypeVar

from agreement_engine.data.bulk import TextFrame, open_text_frame
from agreement_engine.data.columns import Layout, known_names, resolve
from agreement_engine.data.csv_file import ROW, column_name, open_csv
from agreement_engine.data.episode_fields import (
    EPISODE_COLUMNS,
    EXPECTED,
    FIELDS,
    absent_fields,
    municipality_names,
    required,
    typed,
)
from agreement_engine.data.episode_scan import check
from agreement_engine.data.extract import Extract, small_chunks
from agreement_engine.data.files import is_xlsx
from agreement_engine.data.messages import bad_value, subject, underline, unknown_municipality
from agreement_engine.data.reading import Reading
from agreement_engine.data.repeats import Repeats
from agreement_engine.data.report import MAX_ERRORS, Exclusions, Problems, ReadReport
from agreement_engine.data.scan_rows import Tallied, Tally
from agreement_engine.data.table import Cell, stray_value
from agreement_engine.diagnostics import Diagnostic, Location, error, warning

if TYPE_CHECKING:
    import polars as pl

_VALUE = "_value"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
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
) -> tuple[T, ReadReport, list[Diagnostic]]:
    """What ``then`` makes of the episodes in a file (see :func:`read_episodes`), how the file
    was read, and any warnings.

    A CSV extract checked in one pass is handed to ``then`` while its last check, that no
    episode id repeats, is still running (:class:`.episode_scan.Repeats`), so billing need not
    wait for it; what ``then`` gave is returned only once the check has passed. If an id
    repeats, the file is read in memory, which says where (or, for two ids that only share a
    hash, reads it), and ``then`` is called again with those episodes.
    """
    name = str(path)
    reading = reading if reading is not None else Reading()
    if not is_xlsx(name):
        streamed = _read_streaming(name, municipalities, tallies, reading)
        if streamed is not None:
            episodes, report, warnings, repeats = streamed
            made = then(episodes)
            if not repeats.found():
                return made, report, warnings
    frame, report, warnings = _read_in_memory(name, municipalities, reading)
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
    name: str, municipalities: Sequence[str] | None, tallies: Sequence[Tally], reading: Reading
) -> tuple[Episodes, ReadReport, list[Diagnostic], Repeats] | None:
    """A CSV extract checked in one streaming pass but for repeated ids (being worked out); None
    when it must be read in memory."""
    problems = Problems(name)
    csv = open_csv(name, known_names(EPISODE_COLUMNS), reading)
    try:
        layout = resolve(csv.header, EPISODE_COLUMNS, problems)
        found = None
        if layout is not None:
            found = check(csv, layout, municipalities, reading, tallies)
    except BaseException:
        csv.close()
        raise
    if layout is None or found is None:  # the in-memory reader says what is wrong
        csv.close()
        return None
    if municipalities is not None:
        _warn_incomplete(problems, municipalities, found.present, csv.path, csv.header.number)
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
    episodes = Episodes(found.extract, found.span, found.tallied, absent)
    return episodes, report, problems.sorted_warnings(), found.repeats


def _read_in_memory(
    name: str, municipalities: Sequence[str] | None, reading: Reading
) -> tuple[pl.DataFrame, ReadReport, list[Diagnostic]]:
    """The extract read in memory, every field as text, each problem found at its place."""
    problems = Problems(name)
    with open_text_frame(name, known_names(EPISODE_COLUMNS), problems, reading) as source:
        layout = resolve(source.header, EPISODE_COLUMNS, problems)
        if layout is None:  # without the columns, the rows cannot be read
            problems.raise_if_errors()
            raise AssertionError("a layout is missing only after an error")
        checker = _Checker(source, layout, municipalities, problems)
        frame = checker.run()
    problems.raise_if_errors()
    report = ReadReport(
        path=name,
        form=source.form,
        header_row=source.header.number,
        rows_read=checker.rows_read,
        rows_used=frame.height,
        excluded=checker.exclusions.freeze(),
        ignored_columns=layout.ignored,
        absent_columns=layout.absent,
        notes=source.notes,
    )
    return frame, report, problems.sorted_warnings()


def _warn_incomplete(
    problems: Problems, asked: Sequence[str], present: Collection[object], path: str, header: int
) -> None:
    """Warn about each municipality asked for that has no episode in the file."""
    where = Location(path, header, 1)
    for name in asked:
        if name not in present:
            problems.add(
                warning(f"no episodes for '{name}' in the file", where, code="data-incomplete")
            )


def _date_or_none(value: object) -> date | None:
    return value if isinstance(value, date) else None


@dataclass(frozen=True, slots=True)
class _Finding:
    """A problem at a row and column, to be told once the field's place in the file is known."""

    row: int
    column: int
    text: str
    build: Callable[[Cell], Diagnostic]


class _Checker:
    """Turns the text columns into typed ones and checks them, vectorised."""

    def __init__(
        self,
        source: TextFrame,
        layout: Layout,
        municipalities: Sequence[str] | None,
        problems: Problems,
    ) -> None:
        self.source, self.layout, self.problems = source, layout, problems
        self.municipalities = municipalities
        self.exclusions = Exclusions()
        self.findings: list[_Finding] = []
        self.rows_read = 0

    def run(self) -> pl.DataFrame:
        import polars as pl

        frame = self._read_rows(self.source.frame)
        self._unnamed(frame)
        frame = self._fields(frame)
        frame = self._municipality(frame)
        frame = frame.with_columns(
            typed(field).alias(field + _VALUE) for field in FIELDS if field != "municipality"
        )
        self._failed(frame)
        self._order(frame)
        self._duplicates(frame)
        self._report_findings()
        if self.municipalities is not None and not self.problems.errors:
            present = set(frame["municipality" + _VALUE].unique().to_list())
            where = (self.source.path, self.source.header.number)
            _warn_incomplete(self.problems, self.municipalities, present, *where)
        values = [pl.col(f + _VALUE).alias(f) for f in FIELDS]
        return frame.select(*values, pl.col(ROW).alias("row"))

    def _read_rows(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The rows up to the last non-empty one, without the empty ones (reported)."""
        import polars as pl

        texts = [pl.col(c) != "" for c in frame.columns if c != ROW]
        filled = frame.select(pl.any_horizontal(texts).alias("filled"))["filled"]
        last = filled.arg_true()
        frame = frame.head(int(last[-1]) + 1 if last.len() else 0)
        self.rows_read = frame.height
        blank = frame.filter(~filled.head(frame.height))
        if blank.height:
            rows = blank[ROW].head(10).to_list()
            self.exclusions.add_many("empty row", blank.height, rows)
        return frame.filter(filled.head(frame.height)) if blank.height else frame

    def _unnamed(self, frame: pl.DataFrame) -> None:
        """Values under an empty header cell would be ignored: report them."""
        import polars as pl

        for index, cell in enumerate(self.source.header.cells):
            if cell.text:
                continue
            name = column_name(index)
            stray = frame.filter(pl.col(name) != "")
            for row, text in self._first(stray, name):
                self.findings.append(_Finding(row, index, text, _stray(index)))

    def _fields(self, frame: pl.DataFrame) -> pl.DataFrame:
        """One text column per field (empty for a column not in the file), and ROW."""
        import polars as pl

        def text(field: str) -> pl.Expr:
            if not self.layout.has(field):
                return pl.lit("", dtype=pl.String).alias(field)
            return pl.col(column_name(self.layout.index[field])).alias(field)

        return frame.select(pl.col(ROW), *(text(f) for f in FIELDS))

    def _municipality(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Match names to those asked for: leave out other municipalities, report misspellings."""
        import polars as pl

        names = [n for n in frame["municipality"].unique().to_list() if n]
        known = self.municipalities
        mapping, misspelt, others = municipality_names(names, known)
        if known is not None:
            frame = self._leave_out(frame, others)
            for name in misspelt:
                self._misspelt(frame, name, known)
        self._failed_field(frame, pl.col("municipality") == "", "municipality", "a name")
        found = pl.col("municipality").replace_strict(mapping, default=None, return_dtype=pl.String)
        return frame.with_columns(found.alias("municipality" + _VALUE))

    def _leave_out(self, frame: pl.DataFrame, others: list[str]) -> pl.DataFrame:
        import polars as pl

        if not others:
            return frame
        other = pl.col("municipality").is_in(pl.Series(others, dtype=pl.String).implode())
        left_out = frame.filter(other)
        rows = left_out[ROW].head(10).to_list()
        self.exclusions.add_many("municipality not asked for", left_out.height, rows, others)
        return frame.filter(~other)

    def _misspelt(self, frame: pl.DataFrame, name: str, known: Sequence[str]) -> None:
        import polars as pl

        rows = frame.filter(pl.col("municipality") == name)[ROW]
        notes = [f"'{name}' is on {rows.len()} rows"] if rows.len() > 1 else []

        def build(cell: Cell) -> Diagnostic:
            return unknown_municipality(cell, known, notes)

        column = self.layout.index["municipality"]
        self.findings.append(_Finding(int(rows[0]), column, name, build))

    def _failed(self, frame: pl.DataFrame) -> None:
        """Fields whose text is not what the column needs (required ones also when empty)."""
        import polars as pl

        for field, wanted in EXPECTED.items():
            if not self.layout.has(field):
                continue
            failed = pl.col(field + _VALUE).is_null()
            if not required(field):
                failed = failed & (pl.col(field) != "")
            self._failed_field(frame, failed, field, wanted)

    def _failed_field(self, frame: pl.DataFrame, failed: pl.Expr, field: str, wanted: str) -> None:
        title, column = self.layout.titles[field], self.layout.index[field]

        def build(cell: Cell) -> Diagnostic:
            return bad_value(cell, title, wanted)

        for row, text in self._first(frame.filter(failed), field):
            self.findings.append(_Finding(row, column, text, build))

    def _order(self, frame: pl.DataFrame) -> None:
        """A patient cannot be discharged before being ready for discharge."""
        import polars as pl

        early = pl.col("discharge_date" + _VALUE) < pl.col("ready_date" + _VALUE)
        ready_title = self.layout.titles["ready_date"]
        title, column = self.layout.titles["discharge_date"], self.layout.index["discharge_date"]
        found = frame.filter(early)
        for row, text, ready in (
            found.head(MAX_ERRORS).select(ROW, "discharge_date", "ready_date").rows()
        ):

            def build(cell: Cell, ready: str = ready) -> Diagnostic:
                return error(
                    f"{subject(cell, title)} is {cell.text}, before the '{ready_title}' {ready}",
                    underline(cell),
                    hint="a patient is discharged on or after the day they are ready; "
                    "check both dates",
                    code="data-dates",
                )

            self.findings.append(_Finding(row, column, text, build))
        self.problems.add_unshown(max(0, found.height - MAX_ERRORS))

    def _duplicates(self, frame: pl.DataFrame) -> None:
        """Each episode may appear once; the error names every row it is on."""
        import polars as pl

        ids = pl.col("episode_id" + _VALUE)
        if not frame.select(ids.hash().is_duplicated().any()).item():
            return  # equal ids have equal hashes: without a repeated hash, no id repeats
        repeated = (
            frame.filter(ids.is_duplicated() & ids.is_not_null())
            .group_by(ids.alias("id"))
            .agg(pl.col(ROW).sort().alias("rows"))
            .sort(pl.col("rows").list.get(1))
        )
        column = self.layout.index["episode_id"]
        for episode, rows in repeated.head(MAX_ERRORS).rows():
            shown = [str(r) for r in rows]
            where = ", ".join(shown[:-1]) + f" and {shown[-1]}"

            def build(cell: Cell, episode: str = episode, where: str = where) -> Diagnostic:
                return error(
                    f"episode '{episode}' appears on rows {where}; each episode must appear once",
                    underline(cell),
                    hint="remove the repeated rows, or correct the episode ids",
                    code="data-duplicate",
                )

            self.findings.append(_Finding(rows[1], column, episode, build))
        self.problems.add_unshown(max(0, repeated.height - MAX_ERRORS))

    def _first(self, found: pl.DataFrame, column: str) -> list[tuple[int, str]]:
        """The first rows found (row number, text); the rest are counted, not shown."""
        self.problems.add_unshown(max(0, found.height - MAX_ERRORS))
        return [(int(r), str(t)) for r, t in found.head(MAX_ERRORS).select(ROW, column).rows()]

    def _report_findings(self) -> None:
        requests = {(f.row, f.column): f.text for f in self.findings}
        cells = self.source.locate(requests) if requests else {}
        for finding in self.findings:
            self.problems.add(finding.build(cells[finding.row, finding.column]))


def _stray(index: int) -> Callable[[Cell], Diagnostic]:
    def build(cell: Cell) -> Diagnostic:
        return stray_value(cell, index)

    return build
