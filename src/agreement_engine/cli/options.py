"""Options that several commands share, with their help text: one definition, so that every
command that has one spells it, and reads its environment variable, the same way."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer


class Lang(StrEnum):
    en = "en"
    sv = "sv"


LangOption = Annotated[
    Lang,
    typer.Option(
        "--lang",
        envvar="AGREEMENT_ENGINE_LANG",
        help="Language of the output: en (the default) or sv; or set AGREEMENT_ENGINE_LANG.",
        case_sensitive=False,
    ),
]
AgreementsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--agreements", help="Agreement files or folders (repeatable; default agreements/)."
    ),
]
ReadingOption = Annotated[
    list[str] | None,
    typer.Option(
        "--reading",
        help="ASSUMPTION=ALTERNATIVE: compute under another reading of an assumption "
        "(repeatable; 'agreement-engine readings' shows them all).",
    ),
]
AssumeOption = Annotated[
    bool,
    typer.Option(
        "--assume-approved",
        help="Evaluate pending extensions as if approved (results marked provisional).",
    ),
]
ToOption = Annotated[str | None, typer.Option("--to", help="Last month of a range.")]
