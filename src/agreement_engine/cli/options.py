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
