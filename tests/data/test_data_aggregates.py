"""Reading monthly aggregates (the national indicator export and our own files), exactly."""

import re
import tempfile
from datetime import datetime
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agreement_engine.data import MAX_ERRORS, plain_figures, plain_lines, read_aggregates
from agreement_engine.data.aggregate_rows import AggregateReader
from agreement_engine.data.csv_text import open_csv_text, split_lines
from agreement_engine.data.dialect import parse_decimal, parse_whole_number
from agreement_engine.data.monthly_figures import FiguresRead, MonthlyFigures
from agreement_engine.data.plain_figures import Run, read_ratio
from agreement_engine.diagnostics import EngineError, Severity, render_text
from agreement_engine.months import YearMonth

FIXTURES = Path(__file__).parents[1] / "fixtures" / "data" / "aggregates"
HALLAND = ("Falkenberg", "Halmstad", "Hylte", "Kungsbacka", "Laholm", "Varberg")
MARCH = YearMonth(2026, 3)


def figures_of(path: str, **options: object) -> list[tuple[str, str, int, Decimal, object]]:
    figures, _, _ = read_aggregates(path, **options)  # type: ignore[arg-type]
    return [(f.municipality, str(f.month), f.episodes, f.total_days, f.average) for f in figures]


def rendered_errors(path: str, **options: object) -> str:
    with pytest.raises(EngineError) as raised:
        read_aggregates(path, **options)  # type: ignore[arg-type]
    return "\n".join(render_text(d) for d in raised.value.diagnostics)


def test_the_national_export_is_read_for_the_month_given_and_the_municipalities_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The export has no month column and all of Sweden: other municipalities are left out."""
    monkeypatch.chdir(FIXTURES / "valid")
    figures, report, warnings = read_aggregates(
        "national-export.csv", month=MARCH, municipalities=HALLAND
    )
    got = [(f.municipality, f.month, f.episodes, f.total_days, f.average) for f in figures]
    assert got == [
        ("Falkenberg", MARCH, 21, Decimal("88"), Decimal("4.2")),
        ("Halmstad", MARCH, 48, Decimal("211.5"), Decimal("4.4")),
        ("Hylte", MARCH, 6, Decimal("19"), Decimal("3.2")),
        ("Kungsbacka", MARCH, 35, Decimal("140"), Decimal("4.0")),
        ("Laholm", MARCH, 11, Decimal("52"), Decimal("4.7")),
        ("Varberg", MARCH, 30, Decimal("127.5"), Decimal("4.3")),
    ]
    assert warnings == []
    assert report.lines() == [
        "national-export.csv: CSV (UTF-8, separated by ';'), header on row 1; "
        "9 rows read, 6 used, 3 excluded",
        "  excluded 2 rows (municipality not asked for: Göteborg, Stockholm; rows 3, 9)",
        "  excluded 1 row (empty row; row 8)",
        "  no month column: every row is for 2026-03, the month given",
    ]
    assert report.rows_read == report.rows_used + report.rows_excluded


def test_each_figure_remembers_the_row_it_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    """Later stages can point back at the row a figure was read from."""
    monkeypatch.chdir(FIXTURES / "valid")
    figures, _, _ = read_aggregates("national-export.csv", month=MARCH, municipalities=HALLAND)
    where = figures[-1].location
    assert (where.path, where.line, where.column) == ("national-export.csv", 10, 1)
    assert where.source_line == "Varberg;30;127,5;4,3"


def test_a_file_with_a_bom_english_names_commas_and_a_month_column_needs_no_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Our own format: month column, ',' separator, decimal points, a BOM and CRLF lines."""
    monkeypatch.chdir(FIXTURES / "valid")
    assert figures_of("english-bom-comma.csv") == [
        ("Varberg", "2026-02", 28, Decimal("118.5"), None),
        ("Varberg", "2026-03", 30, Decimal("127.5"), None),
        ("Halmstads kommun", "2026-03", 48, Decimal("211.5"), None),
    ]
    _, report, _ = read_aggregates("english-bom-comma.csv")
    assert report.form == "CSV (UTF-8 with BOM, separated by ',')"
    assert report.absent_columns == ("Snitt",)


def test_a_month_given_for_a_file_with_a_month_column_leaves_out_the_other_months(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rows of other months are excluded and reported, never mixed in."""
    monkeypatch.chdir(FIXTURES / "valid")
    figures, report, _ = read_aggregates("english-bom-comma.csv", month=MARCH)
    assert [(f.municipality, str(f.month)) for f in figures] == [
        ("Varberg", "2026-03"),
        ("Halmstads kommun", "2026-03"),
    ]
    assert report.lines()[1] == "  excluded 1 row (month other than 2026-03: 2026-02; row 2)"


def test_names_written_with_kommun_are_given_back_as_the_caller_spells_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """'Halmstads kommun' in the file is 'Halmstad' to the caller who asked for Halmstad."""
    monkeypatch.chdir(FIXTURES / "valid")
    figures, _, _ = read_aggregates("english-bom-comma.csv", month=MARCH, municipalities=HALLAND)
    assert [f.municipality for f in figures] == ["Varberg", "Halmstad"]


def test_a_windows_1252_file_with_swedish_letters_is_read_without_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Older Excel saves CSV in Windows-1252: å, ä and ö must come through."""
    monkeypatch.chdir(FIXTURES / "valid")
    figures, report, _ = read_aggregates("windows-1252.csv", month=MARCH)
    assert [f.municipality for f in figures] == ["Falkenberg", "Göteborg", "Hylte", "Östersund"]
    assert figures[1].total_days == Decimal("1853.5")
    assert report.form == "CSV (Windows-1252, separated by ';')"


def test_a_tab_separated_file_is_read_without_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """Copying from Excel gives tabs; the separator is sniffed from the header."""
    monkeypatch.chdir(FIXTURES / "valid")
    assert figures_of("tab-separated.csv", month=MARCH) == [
        ("Laholm", "2026-03", 11, Decimal("52"), Decimal("4.7"))
    ]


def test_a_snitt_that_disagrees_with_total_over_episodes_beyond_its_rounding_is_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """4,3 stands for 4,25 to 4,35 (ends included); 4,40 for 4,395 to 4,405; outside: a warning."""
    monkeypatch.chdir(FIXTURES / "valid")
    figures, _, warnings = read_aggregates("snitt-disagrees.csv", month=MARCH)
    assert len(figures) == 4  # the figures are still used: Snitt is only a check
    assert [d.severity for d in warnings] == [Severity.WARNING, Severity.WARNING]
    assert "\n".join(render_text(d) for d in warnings) == (
        "snitt-disagrees.csv:2:18: warning: 'Snitt' is 4,3, but 'Totalt antal dagar' / "
        "'Vårdtillfällen' is 60 / 12 = 5, more than the rounding of 4,3 allows (±0,05)\n"
        " 2 | Falkenberg;12;60;4,3\n"
        "   |                  ^^^\n"
        "hint: the engine uses 'Totalt antal dagar' and 'Vårdtillfällen', not 'Snitt'; "
        "check the row against the source\n"
        "snitt-disagrees.csv:5:14: warning: 'Snitt' is 4,40, but 'Totalt antal dagar' / "
        "'Vårdtillfällen' is 87 / 20 = 4,35, more than the rounding of 4,40 allows (±0,005)\n"
        " 5 | Laholm;20;87;4,40\n"
        "   |              ^^^^\n"
        "hint: the engine uses 'Totalt antal dagar' and 'Vårdtillfällen', not 'Snitt'; "
        "check the row against the source"
    )


def test_a_municipality_asked_for_but_missing_from_a_month_is_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A month without a municipality's row would bill it nothing: say so."""
    monkeypatch.chdir(FIXTURES / "valid")
    _, _, warnings = read_aggregates(
        "tab-separated.csv", month=MARCH, municipalities=("Laholm", "Hylte")
    )
    assert [render_text(d) for d in warnings] == [
        "tab-separated.csv:1:1: warning: no figures for 'Hylte' in 2026-03"
    ]


INVALID = {
    "text-in-number.csv": """\
text-in-number.csv:3:10: error: 'Vårdtillfällen' must be a whole number, not 'tolv'
 3 | Halmstad;tolv;52,5;4,4
   |          ^^^^""",
    "negative-days.csv": """\
negative-days.csv:2:9: error: 'Totalt antal dagar' must be 0 or more, not '-19'
 2 | Hylte;6;-19
   |         ^^^""",
    "decimal-episodes.csv": """\
decimal-episodes.csv:2:7: error: 'Vårdtillfällen' must be a whole number, not '6,5'
 2 | Hylte;6,5;19
   |       ^^^""",
    "empty-value.csv": """\
empty-value.csv:2:7: error: 'Vårdtillfällen' is empty; it must be a whole number
 2 | Hylte;;19
   |       ^""",
    "missing-column.csv": """\
missing-column.csv:1:23: error: missing column 'Totalt antal dagar' (or 'total_days'); \
the columns found are 'Kommun', 'Vårdtillfällen', 'Totalt antal dygn', 'Snitt'
 1 | Kommun;Vårdtillfällen;Totalt antal dygn;Snitt
   |                       ^^^^^^^^^^^^^^^^^
hint: did you mean 'Totalt antal dagar'?""",
    "missing-columns.csv": """\
missing-columns.csv:1:1: error: missing column 'Vårdtillfällen' (or 'episodes'); \
the columns found are 'Kommun', 'Antal'
 1 | Kommun;Antal
   | ^^^^^^^^^^^^
missing-columns.csv:1:1: error: missing column 'Totalt antal dagar' (or 'total_days'); \
the columns found are 'Kommun', 'Antal'
 1 | Kommun;Antal
   | ^^^^^^^^^^^^""",
    "repeated-column.csv": """\
repeated-column.csv:1:42: error: 'municipality' names the same column as 'Kommun' (column 1); \
a file may have each column only once
 1 | Kommun;Vårdtillfällen;Totalt antal dagar;municipality
   |                                          ^^^^^^^^^^^^
hint: remove or rename one of them""",
    "duplicate.csv": """\
duplicate.csv:4:1: error: 'Varberg' 2026-03 appears on rows 2 and 4; \
each municipality may have one row per month
 4 | Varbergs kommun;31;130
   | ^^^^^^^^^^^^^^^^^^^^^^
hint: remove one of the rows, or correct its municipality or month""",
    "unknown-municipality.csv": """\
unknown-municipality.csv:2:1: error: unknown municipality 'Varbreg'
 2 | Varbreg;30;127,5
   | ^^^^^^^
note: the municipalities asked for are Falkenberg, Halmstad, Hylte, Kungsbacka, Laholm and Varberg
hint: did you mean 'Varberg'?""",
    "comma-separator-decimal-comma.csv": """\
comma-separator-decimal-comma.csv:3:16: error: this row has 4 fields, but the header has 3 columns
 3 | Varberg,30,127,5
   |                ^
hint: the columns are separated by ',' and decimals seem to be written with a comma too (12,5); \
save the file with ';' as separator, or put such numbers in double quotes""",
    "one-column.csv": """\
one-column.csv:1:1: error: found only one column in the header line; \
columns must be separated by ';', ',' or a tab
 1 | Kommun|Vårdtillfällen|Totalt antal dagar
   | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
hint: save the spreadsheet as CSV with ';' between the columns, or read the .xlsx file itself""",
    "mixed-separators.csv": """\
mixed-separators.csv:2:11: error: this row has 1 field, but the header has 3 columns
 2 | Hylte,6,19
   |           ^
hint: this row seems to be separated by ',', but the header by ';'; \
use the same separator throughout""",
    "windows-1252-text-in-number.csv": """\
windows-1252-text-in-number.csv:2:7: error: 'Vårdtillfällen' must be a whole number, not 'sex'
 2 | Hylte;sex;19
   |       ^^^""",
    "undecodable.csv": """\
undecodable.csv:2:3: error: byte 0x81 on this row cannot be read as UTF-8, the encoding of the \
text before it
 2 | Hy\ufffdte;6;19
   |   ^
hint: retype the character at the caret, which was written in another encoding than the rest \
of the file, and save the file as UTF-8""",
    "bad-month.csv": """\
bad-month.csv:2:7: error: 'month' must be a month like 2026-03, not 'mars 2026'
 2 | Hylte;mars 2026;6;19
   |       ^^^^^^^^^""",
    "days-without-episodes.csv": """\
days-without-episodes.csv:2:9: error: 'Totalt antal dagar' is 4, but 'Vårdtillfällen' is 0
 2 | Hylte;0;4
   |         ^
hint: days can only be counted in episodes; check the row against the source""",
    "unclosed-quote.csv": """\
unclosed-quote.csv:3:1: error: a value in double quotes is not closed: \
the quote runs to the end of the file
 3 | "Laholm;11;52
   | ^
hint: close the quote, or write a quote inside a value as two quotes ("")""",
    "stray-value.csv": """\
stray-value.csv:2:9: error: field 3 has a value, 'x', but its column has no name in the header
 2 | Hylte;6;x;19
   |         ^
hint: name the column in the header, or remove the value""",
}


def test_every_invalid_fixture_has_its_expected_message() -> None:
    """No fixture without an expected message, no message without a fixture."""
    assert sorted(p.name for p in (FIXTURES / "invalid").iterdir()) == sorted(INVALID)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_a_bad_aggregates_file_is_reported_with_file_row_column_and_a_caret(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each kind of mistake gives the message finance staff need to fix it, word for word."""
    monkeypatch.chdir(FIXTURES / "invalid")
    got = rendered_errors(name, month=YearMonth(2026, 3), municipalities=HALLAND)
    assert got == INVALID[name]


def test_a_file_without_a_month_column_needs_the_month_to_be_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The national export holds one month without saying which: the caller must say."""
    monkeypatch.chdir(FIXTURES / "valid")
    assert rendered_errors("national-export.csv", municipalities=HALLAND) == (
        "national-export.csv:1:1: error: the file has no month column ('Månad' or 'month'), "
        "and no month was given\n"
        " 1 | Kommun;Vårdtillfällen;Totalt antal dagar;Snitt\n"
        "   | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "hint: give the month the file is for: pass --month, e.g. --month 2026-03"
    )


def test_every_bad_row_is_reported_up_to_a_cap_and_the_rest_are_counted(tmp_path: Path) -> None:
    """All errors are collected, not just the first; past the cap a note counts the rest."""
    rows = "".join(f"Kommun {n};{n};x{n}\n" for n in range(MAX_ERRORS + 10))
    path = tmp_path / "many.csv"
    path.write_text("Kommun;Vårdtillfällen;Totalt antal dagar\n" + rows, encoding="utf-8")
    with pytest.raises(EngineError) as raised:
        read_aggregates(str(path), month=MARCH)
    diagnostics = raised.value.diagnostics
    assert len(diagnostics) == MAX_ERRORS + 1
    assert [d.location.line for d in diagnostics[:3] if d.location] == [2, 3, 4]
    assert render_text(diagnostics[-1]) == f"note: and 10 more errors in {path} not shown"


def test_a_text_value_and_a_bad_number_on_one_row_are_both_reported(tmp_path: Path) -> None:
    """A row's problems are all listed at once, so one round of fixes is enough."""
    path = tmp_path / "two.csv"
    path.write_text("Kommun;Vårdtillfällen;Totalt antal dagar\nHylte;sex;nitton\n")
    with pytest.raises(EngineError) as raised:
        read_aggregates(str(path), month=MARCH)
    assert [d.message for d in raised.value.diagnostics] == [
        "'Vårdtillfällen' must be a whole number, not 'sex'",
        "'Totalt antal dagar' must be a number like 12 or 12,5, not 'nitton'",
    ]


def make_workbook(path: Path, rows: list[list[object]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Blad1"
    for row in rows:
        sheet.append(row)
    book.create_sheet("Blad2")
    book.save(path)


def test_an_xlsx_export_is_read_exactly_from_its_first_sheet(tmp_path: Path) -> None:
    """Numbers stored as floats come back as typed (4,3 not 4.2999…), dates as months."""
    path = tmp_path / "export.xlsx"
    make_workbook(
        path,
        [
            ["Väntetider i vården – utskrivningsklara"],
            [],
            ["Kommun", "Månad", "Vårdtillfällen", "Totalt antal dagar", "Snitt"],
            ["Varberg", datetime(2026, 3, 1), 30, 127.5, 4.2999999999999998],
            ["Hylte", "2026-03", 6.0, 19, None],
            [],
        ],
    )
    figures, report, warnings = read_aggregates(str(path))
    got = [(f.municipality, f.month, f.episodes, f.total_days, f.average) for f in figures]
    assert got == [
        ("Varberg", MARCH, 30, Decimal("127.5"), Decimal("4.3")),
        ("Hylte", MARCH, 6, Decimal("19"), None),
    ]
    assert warnings == []
    assert report.lines() == [
        f"{path}: XLSX (sheet 'Blad1'), header on row 3; 2 rows read, 2 used, 0 excluded",
        "  only the first sheet was read; not read: 'Blad2'",
    ]


def test_a_bad_xlsx_cell_is_named_by_its_cell_reference(tmp_path: Path) -> None:
    """Spreadsheet users find a problem by its cell, e.g. B3."""
    path = tmp_path / "export.xlsx"
    make_workbook(
        path,
        [
            ["Kommun", "Vårdtillfällen", "Totalt antal dagar"],
            ["Varberg", 30, 127.5],
            ["Hylte", "tolv", 19],
            ["Laholm", 11, 52, None, "kommentar"],
        ],
    )
    assert rendered_errors(str(path), month=MARCH) == (
        f"{path}:3:2: error: 'Vårdtillfällen' in cell B3 must be a whole number, not 'tolv'\n"
        f"{path}:4:5: error: cell E4 has a value, 'kommentar', but its column has no name "
        "in the header\n"
        "hint: name the column in the header, or remove the value"
    )


def test_a_file_that_is_not_a_workbook_is_reported_not_crashed_on(tmp_path: Path) -> None:
    """A CSV renamed to .xlsx gives a message, not a traceback."""
    path = tmp_path / "export.xlsx"
    path.write_text("Kommun;Vårdtillfällen\n")
    message = rendered_errors(str(path), month=MARCH)
    assert message.startswith(f"error: cannot read {path} as an Excel workbook (")
    assert message.endswith("hint: save it from Excel as 'Excel Workbook (.xlsx)', or as CSV")


def test_an_empty_file_says_it_is_empty(tmp_path: Path) -> None:
    """Nothing to read is a problem of its own, not a missing column."""
    path = tmp_path / "empty.csv"
    path.write_text("\n\n")
    assert (
        rendered_errors(str(path), month=MARCH) == f"error: {path} is empty: it has no header line"
    )


def read_outcome(path: str, **options: object) -> object:
    """Everything reading gives: figures, report and warnings, or the rendered errors."""
    try:
        figures, report, warnings = read_aggregates(path, **options)  # type: ignore[arg-type]
    except EngineError as raised:
        return [render_text(d) for d in raised.diagnostics]
    rows = [(*figure[:5], figure.location) for figure in figures]  # where, however it is kept
    assert isinstance(figures, FiguresRead)
    assert figures.by_month == by_month(figures)
    return rows, report, [render_text(d) for d in warnings]


def by_month(figures: list[MonthlyFigures]) -> dict[YearMonth, dict[str, MonthlyFigures]]:
    """The figures grouped the long way, as billing grouped them before the reader did."""
    grouped: dict[YearMonth, dict[str, MonthlyFigures]] = {}
    for figure in figures:
        grouped.setdefault(figure.month, {})[figure.municipality] = figure
    return grouped


def read_both_ways(path: str, **options: object) -> tuple[object, object]:
    """The outcome of reading plain CSV lines the quick way, and of reading every line the
    careful way (cell by cell), which alone builds the cells messages point at. The quick way
    keeps long stretches of used lines a column at a time, others line by line: it gives the
    same when it reads every run line by line, and when it keeps every used line a column at a
    time in short runs."""
    quick = read_outcome(path, **options)
    with mock.patch.object(AggregateReader, "_keep_run", keep_line_by_line):
        assert read_outcome(path, **options) == quick
    # Every used line kept a column at a time, in runs of at most three lines.
    short_runs = mock.patch.object(plain_lines, "RUN_LINES", 3)
    with mock.patch.object(plain_figures, "SHORTEST_KEPT", 1), short_runs:
        assert read_outcome(path, **options) == quick
    with mock.patch.object(AggregateReader, "_read_plain", lambda _, lines, start, *__: start):
        careful = read_outcome(path, **options)
    return quick, careful


def keep_line_by_line(reader: AggregateReader, run: Run) -> None:
    """A run whose lines are all used, kept line by line as any other run is (none of them is
    read as a record: no CSV text is needed)."""
    reader._read_lines(run, None)  # type: ignore[arg-type]


TRICKY_ROWS = """\
Kommun;Månad;Vårdtillfällen;Totalt antal dagar;Snitt;
Varberg;2026-03;30;127,5;4,3;
 Hylte ;2026-3; 6 ;19; 3,2 ;
\u00a0Laholm\u00a0;2026-03;11,0;52.0;4,7;

 Göteborg\u00a0;2026-03;250;1000;4;

Falkenberg;2026-04;20;80;4;
Falkenbergs kommun;2026-03;21;88;4,4;
Kungsbacka;2026-02;35;140;4,0;
1380 Halmstad;2026-03;0;0;;
Halmstad;2026-04;1 200;4 800,5;4,00;
;;;;;
"Hylte";2026-04;"6";"19,5";3,25;
Hylte;2026-05;6;19; ;;
"Laholm
";2026-05;6;19;;
Stockholm;2026-05;600;2000;3;

"""

TRICKY_ERRORS = """\
Kommun;Vårdtillfällen;;Totalt antal dagar
Varberg;30;;127,5
Varbreg;30;;127,5
Hylte;0;;4
Laholm;12;kommentar;60
Halmstad;x;;-1
Kungsbacka;12;;
Göteborg;tolv;;x
Falkenberg;1;;2;;
Falkenberg;1;;2;3
Varbergs kommun;31;;130
"""


FEBRUARY = YearMonth(2026, 2)

EDGE_ROWS = (
    "\ufeffKommun;Månad;Vårdtillfällen;Totalt antal dagar;Snitt\r\n"
    "Varberg;2026-03;30;127,5;4,3\r\n"
    "Hylte;2026-03;6;19;3,2\r\n"
    "\r\n"
    "Laholm;2026-03;11;52;4,7\r\n"
    "Hylte;2026-01;6;19;3,2\r\n"
    "Kungsbacka;2026-1;35;140;4\r\n"
    '"Halmstad";2026-02;12;48;4\r\n'
    "Falkenberg;2026-02;20;80;4\r\n"
    "Stockholm;2026-02;600;2000;3\r\n"
    "Stockholm;2026-01;600;2000;3\r\n"
    "Varberg;2026-02;30;120;4\r\n"
    ";;;;\r\n"
    "\r\n"
)
"""A BOM, CRLF line ends, empty rows in the middle and at the end, a quoted name, months
outside February – March (one written ``2026-1``), and another municipality."""

EDGE_ERRORS = EDGE_ROWS.replace(
    "Varberg;2026-02;30;120;4\r\n",
    "Varberg;2026-02;30;120;4\r\n"
    "Falkenberg;2026-02;20;80;4\r\n"  # a repeat of an earlier row
    "Varbreg;2026-03;30;127,5;4,3\r\n"  # misspelt
    "Kungsbacka;2026-03;35;x;4\r\n"  # a bad value after good rows
    "Kungsbacka;2026-02;35;140;4\r\n",
)


@pytest.mark.parametrize("rows", [EDGE_ROWS, EDGE_ERRORS])
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"municipalities": HALLAND},
        {"within": (FEBRUARY, MARCH)},
        {"within": (FEBRUARY, MARCH), "municipalities": HALLAND},
        {"month": MARCH, "municipalities": HALLAND},
    ],
)
def test_the_quick_way_and_the_careful_way_read_edge_cases_alike(
    rows: str, options: dict[str, object], tmp_path: Path
) -> None:
    """Rows the quick way leaves out (months outside the range, other municipalities), rows it
    leaves to the careful way between plain ones, and repeats found after reading: the same
    figures, exclusions in the same order, and the same messages either way."""
    path = tmp_path / "edges.csv"
    path.write_bytes(rows.encode("utf-8"))
    quick, careful = read_both_ways(str(path), **options)
    assert quick == careful


def test_rows_outside_the_range_are_left_out_by_month_and_others_by_name(
    tmp_path: Path,
) -> None:
    """The quick way decides a month's fate once per spelling, and a name's before its month."""
    path = tmp_path / "edges.csv"
    path.write_bytes(EDGE_ROWS.encode("utf-8"))
    options = {"within": (FEBRUARY, MARCH), "municipalities": HALLAND}
    figures, report, _ = read_aggregates(str(path), **options)  # type: ignore[arg-type]
    assert [(f.municipality, str(f.month), f.location.line) for f in figures] == [
        ("Varberg", "2026-03", 2),
        ("Hylte", "2026-03", 3),
        ("Laholm", "2026-03", 5),
        ("Halmstad", "2026-02", 8),
        ("Falkenberg", "2026-02", 9),
        ("Varberg", "2026-02", 12),
    ]
    assert report.lines()[1:] == [
        "  excluded 1 row (empty row; row 4)",
        "  excluded 2 rows (month outside 2026-02 – 2026-03: 2026-01; rows 6, 7)",
        "  excluded 2 rows (municipality not asked for: Stockholm; rows 10, 11)",
    ]


@pytest.mark.parametrize("rows", [TRICKY_ROWS, TRICKY_ERRORS])
def test_the_quick_way_and_the_careful_way_read_tricky_rows_alike(
    rows: str, tmp_path: Path
) -> None:
    """Spaces, other municipalities and months, empty rows, quotes, Snitt warnings and bad
    values: reading plain lines the quick way changes nothing the careful way gives."""
    path = tmp_path / "tricky.csv"
    path.write_text(rows, encoding="utf-8")
    ways: list[dict[str, object]] = [
        {"month": MARCH},
        {"month": MARCH, "municipalities": HALLAND},
        {"municipalities": HALLAND},
        {},
    ]
    for options in ways:
        quick, careful = read_both_ways(str(path), **options)
        assert quick == careful


@pytest.mark.parametrize(
    "name",
    [f"valid/{p.name}" for p in sorted((FIXTURES / "valid").iterdir())]
    + [f"invalid/{name}" for name in sorted(INVALID)],
)
def test_the_quick_way_and_the_careful_way_read_every_fixture_alike(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every valid and invalid fixture gives the same outcome either way."""
    monkeypatch.chdir(FIXTURES)
    ways: list[dict[str, object]] = [{"month": MARCH}, {"month": MARCH, "municipalities": HALLAND}]
    for options in ways:
        quick, careful = read_both_ways(name, **options)
        assert quick == careful


# Spellings of each column that are read without an error, and some that are not.
GOOD = {
    "Kommun": [
        "Varberg",
        " Hylte ",
        "Halmstads kommun",
        "1383 Varberg",
        " Göteborg\u00a0",
        "\u00a0Laholm",
        "LAHOLM",
        "Stockholm",
    ],
    "Månad": ["2026-03", "2026-3", " 2026-03", "2026-02"],
    "Vårdtillfällen": ["12", "12,0", " 12", "1 200", "007"],
    "Totalt antal dagar": ["52", "52,5", "52.5", "0", " 60 ", "1 234,5", "\u00a048"],
    "Snitt": ["", "4,3", "5", "4,40", " 4,3", "4,333", " ", "0"],
}
BAD = {
    "Kommun": ["Varbreg", ""],
    "Månad": ["mars", ""],
    "Vårdtillfällen": ["0", "-3", "x", "", "12,5"],
    "Totalt antal dagar": ["-1", "", "1e3"],
    "Snitt": ["x", "-4"],
}
ODD_LINES = ["", ";;;;", '"Hylte";2026-03;6;19;3,2', "Hylte;2026-03;6", "x", "Hylte;2026-03;6;19;;"]


def rows_of(spellings: dict[str, list[str]]) -> st.SearchStrategy[str]:
    return st.tuples(*(st.sampled_from(s) for s in spellings.values())).map(";".join)


@settings(max_examples=80, deadline=None)
@given(
    rows=st.one_of(
        st.lists(st.one_of(rows_of(GOOD), st.sampled_from(ODD_LINES[:3])), max_size=10),
        st.lists(
            st.one_of(
                rows_of(GOOD),
                rows_of({c: GOOD[c] + BAD[c] for c in GOOD}),
                st.sampled_from(ODD_LINES),
            ),
            max_size=10,
        ),
    ),
    municipalities=st.sampled_from([None, HALLAND]),
    month=st.sampled_from([None, MARCH]),
    within=st.sampled_from([None, (FEBRUARY, FEBRUARY), (FEBRUARY, MARCH)]),
)
def test_the_quick_way_and_the_careful_way_agree_on_any_rows(
    rows: list[str],
    municipalities: tuple[str, ...] | None,
    month: YearMonth | None,
    within: tuple[YearMonth, YearMonth] | None,
) -> None:
    """Whatever the rows hold, the quick way gives exactly what the careful way gives."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.csv"
        path.write_text("\n".join([";".join(GOOD), *rows]) + "\n", encoding="utf-8")
        options = {"municipalities": municipalities, "month": month, "within": within}
        quick, careful = read_both_ways(str(path), **options)
    assert quick == careful


@given(text=st.text(alphabet="a;\r\n", max_size=30))
def test_lines_end_at_crlf_lf_or_a_lone_cr(text: str) -> None:
    """Splitting lines without a regular expression splits them as the expression did."""
    lines = re.split(r"\r\n|\n|\r", text)
    assert split_lines(text) == (lines[:-1] if lines[-1] == "" else lines)


@given(
    lines=st.lists(st.text(alphabet="a;\r\n", max_size=5), max_size=6),
    last_ended=st.booleans(),
)
def test_lines_of_a_windows_file_split_as_the_expression_splits_them(
    lines: list[str], last_ended: bool
) -> None:
    """A text of lines ended by CRLF, split at once, splits as the expression splits it, and so
    does one where a lone CR or LF ends some line too."""
    text = "\r\n".join(lines) + ("\r\n" if last_ended else "")
    expected = re.split(r"\r\n|\n|\r", text)
    assert split_lines(text) == (expected[:-1] if expected[-1] == "" else expected)


@given(lines=st.lists(st.text(alphabet='a;"', max_size=5), max_size=6))
def test_a_file_holds_a_quote_when_a_line_does_and_lines_without_one_are_plain_alike(
    lines: list[str],
) -> None:
    """A file says it holds a double quote exactly when one of its lines does; lines that hold
    none give the same plain lines whether or not they are searched for quotes."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.csv"
        path.write_text("\n".join(["Kommun;Månad", *lines]) + "\n", encoding="utf-8")
        text = open_csv_text(str(path), {"kommun", "månad"})
    assert text.quoted == any('"' in line for line in lines)
    searched = plain_lines.PlainLines(text.lines, text.body, ";", 2, ())
    as_said = plain_lines.PlainLines(text.lines, text.body, ";", 2, (), text.quoted)
    assert searched.run(text.body, [0, 1]) == as_said.run(text.body, [0, 1])
    assert searched._others == as_said._others


@given(digits=st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_plain_digits_are_read_as_the_full_spelling_rules_read_them(digits: str) -> None:
    """Plain digits take a shortcut; with a space around them they take the full rules."""
    assert parse_decimal(digits).as_tuple() == parse_decimal(f" {digits}").as_tuple()
    assert parse_whole_number(digits) == parse_whole_number(f" {digits}")
    days, numerator, denominator = read_ratio(digits)
    assert days.as_tuple() == parse_decimal(f" {digits}").as_tuple()
    assert (numerator, denominator) == days.as_integer_ratio()


LONG = "1" * 4400
TOO_MANY_DIGITS_HINT = (
    "no count of episodes or days, nor their average, has more than 30 digits; "
    "check the row against the source"
)


@pytest.mark.parametrize(
    ("row", "column", "title", "digits"),
    [
        (f"Hylte;{LONG};19;", 7, "Vårdtillfällen", 4400),
        (f"Hylte;2,{'0' * 4400};19;", 7, "Vårdtillfällen", 4401),
        (f"Hylte;6;{LONG};", 9, "Totalt antal dagar", 4400),
        (f"Hylte;6;1,{LONG};", 9, "Totalt antal dagar", 4401),
        (f"Hylte;2;{'9' * 58};7,5", 9, "Totalt antal dagar", 58),
        (f"Hylte;2;15;7,{'4' * 58}", 12, "Snitt", 59),
        (f"Hylte;6;-{LONG};", 9, "Totalt antal dagar", 4400),
    ],
)
def test_a_number_of_more_than_30_digits_is_an_error_at_its_cell_not_a_crash(
    row: str, column: int, title: str, digits: int, tmp_path: Path
) -> None:
    """No count of episodes or days has so many digits: the cell is named, with the limit."""
    path = tmp_path / "long.csv"
    path.write_text(f"Kommun;Vårdtillfällen;Totalt antal dagar;Snitt\n{row}\n", encoding="utf-8")
    quick, careful = read_both_ways(str(path), month=MARCH)
    assert quick == careful
    with pytest.raises(EngineError) as raised:
        read_aggregates(str(path), month=MARCH)
    got = [(d.location, d.message, d.hint, d.code) for d in raised.value.diagnostics]
    assert [(at.line, at.column, message, hint, code) for at, message, hint, code in got if at] == [
        (
            2,
            column,
            f"'{title}' has {digits} digits, more than the 30 a number in this file may have",
            TOO_MANY_DIGITS_HINT,
            "data-value",
        )
    ]


def test_a_number_of_31_digits_is_shown_with_its_cell_underlined(tmp_path: Path) -> None:
    """The limit's message as finance staff see it, word for word."""
    path = tmp_path / "long.csv"
    path.write_text(
        "Kommun;Vårdtillfällen;Totalt antal dagar\nHylte;6;1234567890123456789012345678901\n",
        encoding="utf-8",
    )
    assert rendered_errors(str(path), month=MARCH) == (
        f"{path}:2:9: error: 'Totalt antal dagar' has 31 digits, more than the 30 a number in "
        "this file may have\n"
        " 2 | Hylte;6;1234567890123456789012345678901\n"
        "   |         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        f"hint: {TOO_MANY_DIGITS_HINT}"
    )


def test_numbers_of_30_digits_are_read_exactly_however_they_are_grouped(tmp_path: Path) -> None:
    """The limit counts digits, not spaces or the decimal mark: 30 digits are read in full."""
    path = tmp_path / "long.csv"
    path.write_text(
        "Kommun;Vårdtillfällen;Totalt antal dagar\n"
        "Hylte;999999999999999999999999999999;123 456 789 012 345 678 901 234 567 890\n"
        "Laholm;1;0,00000000000000000000000000001\n",
        encoding="utf-8",
    )
    quick, careful = read_both_ways(str(path), month=MARCH)
    assert quick == careful
    assert figures_of(str(path), month=MARCH) == [
        ("Hylte", "2026-03", 10**30 - 1, Decimal("123456789012345678901234567890"), None),
        ("Laholm", "2026-03", 1, Decimal("1E-29"), None),
    ]


SNITT_ROWS = """\
Kommun;Vårdtillfällen;Totalt antal dagar;Snitt
Hylte;1;123456789012345678901234567890;0,00000000000000000000000000001
Laholm;7;999999999999999999999999999999;142857142857142857142857142858
Varberg;3;100000000000000000000000000000;33333333333333333333333333333,4
Halmstad;3;100000000000000000000000000000;33333333333333333333333333333,3
"""


def test_the_snitt_check_is_exact_for_numbers_of_30_digits(tmp_path: Path) -> None:
    """Long figures are checked and shown digit for digit: no 28-digit rounding, no crash.
    (Halmstad's 33…33,3 is within 0,05 of 100…00 / 3 = 33…33,333…: no warning.)"""
    path = tmp_path / "snitt.csv"
    path.write_text(SNITT_ROWS, encoding="utf-8")
    quick, careful = read_both_ways(str(path), month=MARCH)
    assert quick == careful
    figures, _, warnings = read_aggregates(str(path), month=MARCH)
    assert len(figures) == 4
    assert [d.message for d in warnings] == [
        "'Snitt' is 0,00000000000000000000000000001, but 'Totalt antal dagar' / 'Vårdtillfällen' "
        "is 123456789012345678901234567890 / 1 = 123456789012345678901234567890, more than the "
        "rounding of 0,00000000000000000000000000001 allows (±0,000000000000000000000000000005)",
        "'Snitt' is 142857142857142857142857142858, but 'Totalt antal dagar' / 'Vårdtillfällen' "
        "is 999999999999999999999999999999 / 7 = 142857142857142857142857142857, more than the "
        "rounding of 142857142857142857142857142858 allows (±0.5)",
        "'Snitt' is 33333333333333333333333333333,4, but 'Totalt antal dagar' / 'Vårdtillfällen' "
        "is 100000000000000000000000000000 / 3 ≈ 33333333333333333333333333333,333, more than "
        "the rounding of 33333333333333333333333333333,4 allows (±0,05)",
    ]


@pytest.mark.parametrize(
    ("row", "column", "byte"),
    [(b"Hylte;6;1\xff5", 10, "0xFF"), ("Malmö;6;15".encode("cp1252"), 5, "0xF6")],
)
def test_a_byte_that_cannot_be_read_after_a_bom_is_placed_at_its_own_column(
    row: bytes, column: int, byte: str, tmp_path: Path
) -> None:
    """The BOM's three bytes are no column of any row: the caret is on the byte itself."""
    path = tmp_path / "bom.csv"
    path.write_bytes(
        b"\xef\xbb\xbfKommun;V\xc3\xa5rdtillf\xc3\xa4llen;Totalt antal dagar\r\n"
        b"Varberg;30;127,5\r\n" + row + b"\r\n"
    )
    with pytest.raises(EngineError) as raised:
        read_aggregates(str(path), month=MARCH)
    (found,) = raised.value.diagnostics
    assert found.location is not None
    assert (found.location.line, found.location.column) == (3, column)
    assert f"byte {byte} " in found.message


@given(
    irregular=st.lists(st.integers(min_value=0, max_value=99), unique=True).map(sorted),
    count=st.integers(min_value=100, max_value=140),
)
def test_a_run_is_cut_into_long_stretches_of_used_lines_and_the_lines_between(
    irregular: list[int], count: int
) -> None:
    """Every line is in one stretch, in order; a stretch kept a column at a time is long and
    holds no line that is not simply used; between two such there is at least one that is."""
    cut = plain_figures.stretches(irregular, count)
    assert [line for first, end, _ in cut for line in range(first, end)] == list(range(count))
    for first, end, regular in cut:
        if regular:
            assert end - first >= plain_figures.SHORTEST_KEPT
            assert not set(irregular) & set(range(first, end))
    assert not any(a[2] and b[2] for a, b in pairwise(cut))  # two kept ones would be one
