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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import TYPE_CHECKING

from agreement_engine.data.bulk import ROW, TextFrame, column_name, open_text_frame
from agreement_engine.data.columns import Column, Layout, known_names, resolve
from agreement_engine.data.dialect import (
    DATE,
    DATE_PATTERN,
    FALSE_WORDS,
    TIME,
    TIME_PATTERN,
    TRUE_WORDS,
    YES_NO,
    looks_misspelt,
    match_municipality,
)
from agreement_engine.data.messages import bad_value, subject, underline, unknown_municipality
from agreement_engine.data.report import MAX_ERRORS, Exclusions, Problems, ReadReport
from agreement_engine.data.table import Cell, stray_value
from agreement_engine.diagnostics import Diagnostic, Location, error, warning

if TYPE_CHECKING:
    import polars as pl

EPISODE_COLUMNS = (
    Column("episode_id", ("Vårdtillfälle-ID", "episode_id", "Vårdtillfälle")),
    Column("municipality", ("Kommun", "municipality")),
    Column("ready_date", ("Utskrivningsklar datum", "ready_date", "Utskrivningsklar")),
    Column("notice_time", ("Underrättelse klockslag", "notice_time"), required=False),
    Column("discharge_date", ("Utskrivningsdatum", "discharge_date")),
    Column("admission_notice_sent", ("Inskrivningsmeddelande", "admission_notice_sent"), False),
    Column("ready_notice_sent", ("Underrättelse", "ready_notice_sent"), required=False),
    Column("sip_required", ("SIP krävs", "sip_required"), required=False),
    Column("sip_invitation_sent", ("Kallelse SIP", "sip_invitation_sent", "SIP-kallelse"), False),
    Column("care_type", ("Vårdtyp", "care_type"), required=False),
)
YES_NO_FIELDS = (
    "admission_notice_sent",
    "ready_notice_sent",
    "sip_required",
    "sip_invitation_sent",
)
FIELDS = tuple(c.field for c in EPISODE_COLUMNS)
"""The columns of the frame :func:`read_episodes_frame` returns, in order, before ``row``."""

_VALUE = "_value"


@dataclass(frozen=True, slots=True)
class _Finding:
    """A problem at a row and column, to be told once the field's place in the file is known."""

    row: int
    column: int
    text: str
    build: Callable[[Cell], Diagnostic]


def read_episodes_frame(
    path: str | PathLike[str], *, municipalities: Sequence[str] | None = None
) -> tuple[pl.DataFrame, ReadReport, list[Diagnostic]]:
    """The episodes in a CSV or XLSX file as a typed frame, how it was read, and any warnings.

    The frame has the columns of :data:`FIELDS` and ``row`` (the row in the file, header = 1):
    ``episode_id``, ``municipality`` and ``care_type`` text; ``ready_date`` and
    ``discharge_date`` dates; ``notice_time`` a time of day; the yes/no columns booleans. All but
    the first three may be null (not known).

    ``municipalities`` works as for :func:`.aggregates.read_aggregates`: rows of other
    municipalities are left out and reported, a probable misspelling is an error.

    Raises :class:`EngineError` with every error found (up to a cap) and the warnings.
    """
    name = str(path)
    problems = Problems(name)
    with open_text_frame(name, known_names(EPISODE_COLUMNS), problems) as source:
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
            _typed(field).alias(field + _VALUE) for field in FIELDS if field != "municipality"
        )
        self._failed(frame)
        self._order(frame)
        self._duplicates(frame)
        self._report_findings()
        if self.municipalities is not None and not self.problems.errors:
            self._complete(frame)
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
        if known is None:
            mapping = {n: " ".join(n.split()) for n in names}
        else:
            mapping = {n: m for n in names if (m := match_municipality(n, known)) is not None}
            misspelt = [n for n in names if n not in mapping and looks_misspelt(n, known)]
            others = sorted(set(names) - set(mapping) - set(misspelt))
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

        expected = {"ready_date": DATE, "discharge_date": DATE, "notice_time": TIME}
        expected |= dict.fromkeys(YES_NO_FIELDS, YES_NO)
        expected["episode_id"] = "an episode id"
        for field, wanted in expected.items():
            if not self.layout.has(field):
                continue
            failed = pl.col(field + _VALUE).is_null()
            if not _required(field):
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

    def _complete(self, frame: pl.DataFrame) -> None:
        """Warn about each municipality asked for that has no episode in the file."""
        assert self.municipalities is not None
        present = set(frame["municipality" + _VALUE].unique().to_list())
        where = Location(self.source.path, self.source.header.number, 1)
        for name in self.municipalities:
            if name not in present:
                self.problems.add(
                    warning(f"no episodes for '{name}' in the file", where, code="data-incomplete")
                )


def _required(field: str) -> bool:
    return field in ("episode_id", "municipality", "ready_date")


def _stray(index: int) -> Callable[[Cell], Diagnostic]:
    def build(cell: Cell) -> Diagnostic:
        return stray_value(cell, index)

    return build


def _typed(field: str) -> pl.Expr:
    """The typed value of a field's (stripped) text, or null when empty or not understood."""
    import polars as pl

    text = pl.col(field)
    if field in ("ready_date", "discharge_date"):
        return _date(text)
    if field == "notice_time":
        return _time(text)
    if field in YES_NO_FIELDS:
        return _yes_no(text)
    if field == "care_type":
        return pl.when(text != "").then(text.str.to_lowercase())
    return pl.when(text != "").then(text)


def _date(text: pl.Expr) -> pl.Expr:
    import polars as pl

    return pl.when(text.str.contains(DATE_PATTERN)).then(text.str.to_date("%Y-%m-%d", strict=False))


def _time(text: pl.Expr) -> pl.Expr:
    import polars as pl

    written = text.str.replace(".", ":", literal=True)
    parsed = pl.coalesce(
        written.str.to_time("%H:%M", strict=False), written.str.to_time("%H:%M:%S", strict=False)
    )
    return pl.when(text.str.contains(TIME_PATTERN)).then(parsed)


def _yes_no(text: pl.Expr) -> pl.Expr:
    import polars as pl

    word = text.str.to_lowercase()
    return (
        pl.when(word.is_in(sorted(TRUE_WORDS)))
        .then(pl.lit(True))
        .when(word.is_in(sorted(FALSE_WORDS)))
        .then(pl.lit(False))
        .otherwise(pl.lit(None, dtype=pl.Boolean))
    )
