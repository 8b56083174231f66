"""The installed engine carries its grammar and schema, and works outside the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from contextlib import chdir
from pathlib import Path

from typer.testing import CliRunner

from agreement_engine.cli.app import app

ROOT = Path(__file__).resolve().parents[2]


def test_the_built_wheel_checks_agreements_outside_the_repository(tmp_path: Path) -> None:
    """Finance installs the engine as a package; the grammar and the schema must travel in it."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(wheels.glob("agreement_engine-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "agreement_engine/formula/grammar.lark" in names
    assert "agreement_engine/schemas/agreement-engine.schema.json" in names
    assert "agreement_engine/py.typed" in names

    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "agreements", elsewhere / "agreements")
    program = (
        f"import sys; sys.path.insert(0, {str(installed)!r}); "
        "import agreement_engine; "
        f"assert agreement_engine.__file__.startswith({str(installed)!r}); "
        "from agreement_engine.cli.app import main; "
        "sys.argv = ['agreement-engine', 'check']; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=elsewhere, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "checked 7 files: 0 errors, 10 warnings"


def test_the_module_runs_with_python_dash_m() -> None:
    """`python -m agreement_engine` is the same program as the console script."""
    result = subprocess.run(
        [sys.executable, "-m", "agreement_engine", "check", "agreements"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "checked 7 files: 0 errors, 10 warnings"


def test_a_run_ends_with_its_output_whole_its_status_and_no_temporary_copy_left(
    tmp_path: Path,
) -> None:
    """The program ends without freeing its objects one by one: what it printed still arrives
    whole, the exit status is kept, and the UTF-8 copy of a Windows-1252 extract is removed."""
    text = (ROOT / "examples" / "halland" / "episodes.csv").read_text(encoding="utf-8-sig")
    extract = tmp_path / "episodes-1252.csv"
    extract.write_bytes(text.encode("cp1252"))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    agreements = (
        "--agreements",
        "agreements",
        "--agreements",
        "examples/halland/illustrative-figures.yaml",
    )
    environment = {**os.environ, "TMPDIR": str(temporary)}

    def engine(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "agreement_engine", *args]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=environment)

    billed = engine(
        "evaluate", "--month", "2022-11", "--to", "2026-12", "--data", str(extract), *agreements
    )
    assert billed.returncode == 0, billed.stderr
    assert "Windows-1252" in billed.stderr
    with chdir(ROOT):
        arguments = ["evaluate", "--month", "2022-11", "--to", "2026-12", "--data", str(extract)]
        in_process = CliRunner().invoke(app, [*arguments, *agreements])
    assert in_process.exit_code == 0
    assert billed.stdout == in_process.stdout  # 72 lines, their totals and reasons: all of it
    assert list(temporary.glob("agreement-engine-*")) == []  # (lark keeps its cache there)
    wrong = engine("evaluate", "--month", "2026-13", "--data", str(extract), *agreements)
    assert wrong.returncode == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace("2022-10-11", "2022-10-32", 1), encoding="cp1252")
    refused = engine("evaluate", "--month", "2022-11", "--data", str(bad), *agreements)
    assert refused.returncode == 1
    assert f"{bad}:2:" in refused.stderr
    assert list(temporary.glob("agreement-engine-*")) == []  # (lark keeps its cache there)
