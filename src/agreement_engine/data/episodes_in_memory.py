"""An episode extract read in memory, every field as text, each problem found at its place.

The streaming pass (:mod:`.episode_scan`) vouches for most extracts without holding them. When
it cannot (a possible problem, a workbook), the file is read here: every field as text in a
frame (:mod:`.bulk`), typed and checked column by column, vectorised, and each problem reported
at its row and column, with the cell's text under a caret.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING

from agreement_engine.data.bulk import TextFrame, open_text_frame
from agreement_engine.data.columns import Layout, known_names, resolve
from agreement_engine.data.csv_file import ROW, column_name
from agreement_engine.data.episode_fields import (
    EPISODE_COLUMNS,
    EXPECTED,
    FIELDS,
    municipality_names,
    required,
    typed,
)
from agreement_engine.data.messages import bad_value, subject, underline, unknown_municipality
from agreement_engine.data.reading import Reading
from agreement_engine.data.report import MAX_ERRORS, Exclusions, Problems, ReadReport
from agreement_engine.data.table import Cell, stray_value
from agreement_engine.diagnostics import Diagnostic, Location, Text, error, warning
from agreement_engine.frozen import frozen

if TYPE_CHECKING:
    import polars as pl

_VALUE = "_value"


def read_in_memory(
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


def warn_incomplete(
    problems: Problems, asked: Sequence[str], present: Collection[object], path: str, header: int
) -> None:
    """Warn about each municipality asked for that has no episode in the file."""
    where = Location(path, header, 1)
    for name in asked:
        if name not in present:
            problems.add(
                warning(f"no episodes for '{name}' in the file", where, code="data-incomplete")
            )


@frozen
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
            warn_incomplete(self.problems, self.municipalities, present, *where)
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
            self.exclusions.add_many(Text("empty row"), blank.height, rows)
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
        self.exclusions.add_many(Text("municipality not asked for"), left_out.height, rows, others)
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
