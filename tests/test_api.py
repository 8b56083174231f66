"""The public Python API: the names it exports, and the invoice basis as a DataFrame."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

import agreement_engine as engine
from agreement_engine import YearMonth
from agreement_engine.data import sniffing
from agreement_engine.data.sniffing import Form
from agreement_engine.diagnostics import EngineError

ROOT = Path(__file__).resolve().parent.parent
AGREEMENTS = [str(ROOT / "agreements"), str(ROOT / "examples/halland/illustrative-figures.yaml")]


def test_every_public_name_is_there_and_documented() -> None:
    """A notebook user reads help(engine.evaluate); each name must exist and say what it does."""
    for name in engine.__all__:
        value = getattr(engine, name)
        assert value.__doc__, name


def test_importing_the_package_loads_no_billing_until_a_name_is_used() -> None:
    """`import agreement_engine` is on every command's path; it must cost next to nothing."""
    probe = (
        "import sys, agreement_engine; "
        "print(sorted(m for m in sys.modules if m.startswith('agreement_engine')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "['agreement_engine']"


def test_an_unknown_name_is_an_attribute_error() -> None:
    """A typo in a notebook must say what is missing, not return something."""
    with pytest.raises(AttributeError, match="no attribute 'evaluat'"):
        engine.evaluat  # noqa: B018


@pytest.mark.parametrize("data", ["aggregates.csv", "episodes.csv"])
def test_the_data_frame_has_every_line_with_its_exact_amount_and_values(data: str) -> None:
    """Analysts sum and filter the frame; it must agree with the invoice basis to the öre."""
    run = engine.evaluate(
        str(ROOT / "examples/halland" / data),
        YearMonth(2022, 11),
        YearMonth(2026, 12),
        agreements=AGREEMENTS,
    )
    frame = engine.to_polars(run.basis)
    assert frame.height == len(run.basis.lines) == 50 * 6
    assert frame["amount"].sum() == run.basis.total()
    for row, line in zip(frame.iter_rows(named=True), run.basis.lines, strict=True):
        assert (row["municipality"], row["month"]) == (line.municipality, str(line.month))
        assert row["status"] == line.status.value
        assert row["reasons"] == list(line.reasons)
        assert row["amount"] == line.amount
        value = line.value("average_days")
        if row["average_days"] is None:
            assert value is None
        else:
            assert value is not None and Fraction(row["average_days"]) == value.value  # type: ignore[union-attr]


def test_a_basis_with_no_lines_is_an_empty_frame_with_the_columns() -> None:
    """Filtering to nothing must still give the columns a notebook selects."""
    run = engine.evaluate(
        str(ROOT / "examples/halland/aggregates.csv"), YearMonth(2025, 10), agreements=AGREEMENTS
    )
    empty = type(run.basis)((), run.basis.months, (), False, run.basis.library)
    frame = engine.to_polars(empty)
    assert frame.height == 0
    assert frame.columns[:6] == [
        "municipality",
        "month",
        "governed_by",
        "status",
        "reasons",
        "amount",
    ]
    assert frame["amount"].sum() == Decimal(0)


# --- the data file: told once, its temporary files gone when the run ends -----------------------


@pytest.fixture
def sniffed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The data files whose header is looked at to tell what they hold, in order."""
    seen: list[str] = []
    look = sniffing._names_episode_columns

    def counted(path: str, form: Form) -> bool:
        seen.append(path)
        return look(path, form)

    monkeypatch.setattr(sniffing, "_names_episode_columns", counted)
    return seen


@pytest.mark.parametrize("data", ["aggregates.csv", "episodes.csv"])
def test_evaluate_tells_what_the_data_file_is_once(data: str, sniffed: list[str]) -> None:
    """A workbook's header costs a second to open: one run looks at it once, and passes on
    what it found (the read-ahead of an extract's encoding as well as the reader)."""
    path = str(ROOT / "examples/halland" / data)
    engine.evaluate(path, YearMonth(2025, 10), agreements=AGREEMENTS)
    assert sniffed == [path]


def test_diff_with_impact_tells_what_the_data_file_is_once(sniffed: list[str]) -> None:
    """Both versions are billed on the data as one reading of it."""
    path = str(ROOT / "examples/halland/episodes.csv")
    found = engine.diff(
        str(ROOT / "agreements/halland/2022-agreement.yaml"),
        str(ROOT / "tests/fixtures/diff/benchmark-reading-a/2022-agreement.yaml"),
        impact_data=path,
        context=AGREEMENTS,
    )
    assert found.impact is not None and found.impact.lines
    assert sniffed == [path]


class Stop(Exception):
    """A run stopped half-way, as by an error in billing or Ctrl-C."""


def test_evaluate_leaves_no_temporary_file_when_it_ends_well_with_an_error_or_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Windows-1252 extract is read through a UTF-8 copy, and its id hashes sorted in a file:
    neither may be left, however the run ends (the CLI ends the process at once, without
    freeing anything)."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    text = (ROOT / "examples/halland/episodes.csv").read_text(encoding="utf-8-sig")
    extract = tmp_path / "episodes-1252.csv"
    extract.write_bytes(text.encode("cp1252"))
    months = (YearMonth(2022, 11), YearMonth(2026, 12))
    run = engine.evaluate(str(extract), *months, agreements=AGREEMENTS)
    assert run.report.form == "CSV (Windows-1252, separated by ';')"
    assert list(temporary.glob("agreement-engine-*")) == []

    def stop(month: YearMonth, number: int, count: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        engine.evaluate(str(extract), *months, agreements=AGREEMENTS, progress=stop)
    assert list(temporary.glob("agreement-engine-*")) == []
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace("2022-10-11", "2022-10-32", 1), encoding="cp1252")
    with pytest.raises(EngineError):
        engine.evaluate(str(bad), *months, agreements=AGREEMENTS)
    assert list(temporary.glob("agreement-engine-*")) == []
