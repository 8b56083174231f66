"""The house rules of docs/architecture.md that a tool can check: modules small enough to read
in one sitting, and every module saying what it owns."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "agreement_engine"
MOST_LINES = 400
MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_is_short_enough_to_read_in_one_sitting() -> None:
    sizes = {path: len(path.read_text(encoding="utf-8").splitlines()) for path in MODULES}
    too_long = {str(path.relative_to(PACKAGE)): n for path, n in sizes.items() if n > MOST_LINES}
    assert not too_long, f"over {MOST_LINES} lines, split them by concept: {too_long}"


def test_every_module_says_what_it_owns() -> None:
    silent = []
    for path in MODULES:
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "TODO"
        if docstring.startswith("TODO"):
            silent.append(str(path.relative_to(PACKAGE)))
    assert not silent, f"no docstring saying what the module owns: {silent}"
