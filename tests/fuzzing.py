"""What the fuzz tests generate, and the properties they check: shared by ``tests/test_fuzz.py``
(a few seconds in every run of the suite) and ``benchmarks/fuzz.py`` (minutes, on demand).

The properties: nothing a file holds ever makes the engine fail with a Python exception (a
traceback) or run without end. A formula generated from the grammar (``formula/grammar.lark``)
is parsed or refused with a located problem; one that parses prints back to the same tree, is
type-checked, and, in an agreement, is checked and billed or reported; a data file corrupted at
random is read or refused with the problems it has (:class:`EngineError`), nothing else.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

from hypothesis import strategies as st

from agreement_engine.agreements.library import load_texts
from agreement_engine.billing.bill import bill
from agreement_engine.billing.inputs import AggregateData
from agreement_engine.data import MonthlyFigures, read_aggregates, read_episodes
from agreement_engine.diagnostics import EngineError, Location
from agreement_engine.formula import FormulaError, Parameter, Scope, check, parse, unparse
from agreement_engine.formula.types import DAYS, NUMBER, PRICE_PER_DAY, Kind
from agreement_engine.months import YearMonth
from agreement_engine.review.checks import check_library

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = (ROOT / "tests" / "fixtures" / "valid" / "minimal-agreement.yaml").read_text("utf-8")
AGGREGATES = (ROOT / "tests" / "fixtures" / "bad" / "data" / "windows-1252.csv").read_bytes()
EPISODES = (ROOT / "tests" / "fixtures" / "bad" / "data" / "episodes.csv").read_bytes()
HALLAND = ("Kungsbacka", "Varberg", "Falkenberg", "Halmstad", "Hylte", "Laholm")

# --- formulas, following grammar.lark --------------------------------------------------------

NAMES = ("episodes", "total_days", "month", "benchmark", "day_cost", "average_days", "nope")
FUNCTIONS = ("max", "min", "abs", "round", "year_of", "month_of", "days_between", "count", "sum")
UNITS = ("", " kr", " days", " day", " kr/day", " %")
COMPARE = ("<=", ">=", "!=", "=", "<", ">")
LITERALS = st.one_of(
    st.builds(
        lambda whole, part, unit: f"{whole}{part}{unit}",
        st.integers(0, 10**12).map(str),
        st.sampled_from(("", ".5", ".0", ".125", ".1")),
        st.sampled_from(UNITS),
    ),
    st.sampled_from(("2024-03-01", "2024-3-1", "0001-01-01", "9999-12-31", "2024-02-30")),
    st.sampled_from(("2024-03", "0000-01", "2024-13", "12:00", "23:59", "24:00", "9:05")),
    st.sampled_from(('"somatisk"', '""', '"a b"', "true", "false", "half_up", "half_even")),
)


def _grammar(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """One step of the grammar over smaller formulas (``children``)."""
    two = st.tuples(children, children)
    return st.one_of(
        st.builds("if {} then {} else {}".format, children, children, children),
        st.builds(lambda ab, op: f"{ab[0]} {op} {ab[1]}", two, st.sampled_from(("or", "and"))),
        children.map("not {}".format),
        st.builds(lambda ab, op: f"{ab[0]} {op} {ab[1]}", two, st.sampled_from(COMPARE)),
        st.builds(lambda ab, op: f"{ab[0]} {op} {ab[1]}", two, st.sampled_from("+-*/")),
        children.map("-{}".format),
        st.builds("{}[{}]".format, st.sampled_from(("national_day_cost", "figure")), children),
        st.builds(
            lambda name, args: f"{name}({', '.join(args)})",
            st.sampled_from(FUNCTIONS),
            st.lists(children, max_size=3),
        ),
        children.map("({})".format),
    )


def grammar_formulas() -> st.SearchStrategy[str]:
    """Formula text built by the grammar's rules, nested a few levels, of names known and not,
    literals well and badly written: most parse, many do not type-check, some do not parse."""
    leaves = st.one_of(LITERALS, st.sampled_from(NAMES))
    return st.recursive(leaves, _grammar, max_leaves=12)


def _number(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(children, children)
    return st.one_of(
        st.builds(lambda ab, op: f"({ab[0]} {op} {ab[1]})", pair, st.sampled_from("+-*/")),
        st.builds(lambda ab, f: f"{f}({ab[0]}, {ab[1]})", pair, st.sampled_from(("max", "min"))),
        st.builds("abs({})".format, children),
        st.builds("round({}, {}, half_up)".format, children, st.integers(0, 12)),
        st.builds(
            lambda ab, c, op: f"(if {ab[0]} {op} {c} then {ab[0]} else {ab[1]})",
            pair,
            children,
            st.sampled_from(COMPARE),
        ),
    )


def number_formulas() -> st.SearchStrategy[str]:
    """Formulas that always type-check as a plain number (of episodes and numbers written,
    0 among them): they reach the evaluator, which must stay exact or say what went wrong."""
    leaves = st.one_of(
        st.sampled_from(("episodes", "0", "1", "3", "0.5", "1000000000000")),
        st.integers(-5, 5).map(lambda n: f"({n})"),
    )
    return st.recursive(leaves, _number, max_leaves=10)


SCOPE = Scope(
    {
        "episodes": NUMBER,
        "total_days": DAYS,
        "month": Kind.MONTH,
        "benchmark": DAYS,
        "day_cost": PRICE_PER_DAY,
        "average_days": DAYS,
    },
    {"national_day_cost": Parameter(PRICE_PER_DAY, "year")},
)


def formula_round_trip(text: str) -> None:
    """A formula parses, or is refused with a located problem; parsed, it prints back to the
    same tree and type-checks without an exception."""
    try:
        tree = parse(text)
    except FormulaError:
        return
    assert parse(unparse(tree)) == tree
    check(tree, SCOPE)


FIGURES = AggregateData.of(
    MonthlyFigures(name, YearMonth(2024, 3), episodes, days, None, Location("data.csv", row, 1))
    for row, (name, episodes, days) in enumerate(
        [("Alfa", 0, Decimal(0)), ("Beta", 7, Decimal(40))], start=2
    )
)


def agreement_with(formula: str) -> None:
    """The minimal agreement with one more rule, ``fuzzed``, of this formula: checked, and
    billed for March 2024 (one municipality with no episode) when it has no error. Problems are
    diagnostics and lines not computed; never an exception."""
    text = MINIMAL.replace("rules:\n", f"rules:\n  fuzzed: {_quoted(formula)}\n", 1)
    library, problems = load_texts([("agreement.yaml", text)])
    if not problems:
        problems = check_library(library)
    if any(problem.is_error for problem in problems):
        return
    basis = bill(library, FIGURES, [YearMonth(2024, 3)], library.municipalities)
    assert len(basis.lines) == 2


def _quoted(formula: str) -> str:
    return "'" + formula.replace("'", "''") + "'"


# --- data files, corrupted at random ---------------------------------------------------------

SPICE = (
    b";",
    b",",
    b"\n",
    b"\r",
    b"\r\n",
    b'"',
    b"\t",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\xc2\xa0",
    b"\xe2\x80\x8b",
    b"\xff\xfe",
    b"-",
    b" ",
    b"9" * 40,
    b"1 234",
    b"2025-02-30",
    b"ja",
    b"=",
)
Mutation = tuple[float, int, bytes]
"""Where (a fraction of the file), what (0 insert, 1 delete that many bytes, 2 replace) and
which bytes."""

MUTATIONS = st.lists(
    st.tuples(
        st.floats(0, 1, allow_nan=False),
        st.integers(0, 2),
        st.one_of(st.sampled_from(SPICE), st.binary(min_size=1, max_size=4)),
    ),
    min_size=1,
    max_size=6,
)


def corrupted(data: bytes, mutations: Sequence[Mutation]) -> bytes:
    """``data`` with each mutation applied in turn."""
    for where, kind, payload in mutations:
        at = int(where * len(data))
        if kind == 0:
            data = data[:at] + payload + data[at:]
        elif kind == 1:
            data = data[:at] + data[at + len(payload) :]
        else:
            data = data[:at] + payload + data[at + len(payload) :]
    return data


def read_corrupted(
    data: bytes, mutations: Sequence[Mutation], read: Callable[[str], object]
) -> None:
    """Reading the corrupted file gives its content or an EngineError; nothing else escapes."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "data.csv")
        Path(path).write_bytes(corrupted(data, mutations))
        try:
            read(path)
        except EngineError as error:
            assert error.diagnostics


def read_aggregates_file(path: str) -> object:
    return read_aggregates(path, month=YearMonth(2025, 10), municipalities=HALLAND)


def read_episodes_file(path: str) -> object:
    return read_episodes(path, municipalities=HALLAND)


def _workbook_parts() -> dict[str, bytes]:
    """The parts of a small aggregates workbook, as openpyxl writes it."""
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in AGGREGATES.decode("cp1252").splitlines():
        sheet.append([int(v) if v.isdigit() else v for v in line.split(";")])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


WORKBOOK = _workbook_parts()
SHEET = "xl/worksheets/sheet1.xml"


def read_corrupted_workbook(mutations: Sequence[Mutation], part: str = SHEET) -> None:
    """A workbook with one of its parts (the sheet's XML, by default) corrupted at random is
    read, or refused with diagnostics: openpyxl's own failures must not escape."""
    import zipfile

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "data.xlsx")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in WORKBOOK.items():
                archive.writestr(name, corrupted(data, mutations) if name == part else data)
        try:
            read_aggregates_file(path)
        except EngineError as error:
            assert error.diagnostics
