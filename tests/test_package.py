"""The installed engine carries its grammar and schema, and works outside the repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
        "from agreement_engine.cli import main; sys.argv = ['agreement-engine', 'check']; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=elsewhere, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "checked 7 files: 0 errors, 7 warnings"


def test_the_module_runs_with_python_dash_m() -> None:
    """`python -m agreement_engine` is the same program as the console script."""
    result = subprocess.run(
        [sys.executable, "-m", "agreement_engine", "check", "agreements"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "checked 7 files: 0 errors, 7 warnings"
