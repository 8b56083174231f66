"""The columns of an episode-level extract, and how each field's text becomes its value.

Shared by the two ways an extract is read (:mod:`.episodes_in_memory`, :mod:`.episode_scan`
streaming), so that both accept exactly the same spellings and give exactly the same values.
Everything the readers know of a field is here: its names, whether it is required, how its text
is typed and checked, its value's type, and whether its few distinct texts are checked rather
than every row's. A new column is added here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from agreement_engine.data.columns import Column
from agreement_engine.data.dialect import (
    DATE,
    DATE_PATTERN,
    FALSE_WORDS,
    TIME,
    TIME_PATTERN,
    TRUE_WORDS,
    YES_NO,
    Municipalities,
)

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
"""The columns of the frame :func:`.read_episodes_frame` returns, in order, before ``row``."""

DATE_FIELDS = ("ready_date", "discharge_date")
DATE_FORMAT = "%Y-%m-%d"

CHECKED_BY_VALUE = (*DATE_FIELDS, "notice_time", *YES_NO_FIELDS, "care_type")
"""Fields whose few distinct texts are checked, rather than every row's."""
TYPED_BY_VALUE = ("notice_time", *YES_NO_FIELDS, "care_type")
"""Fields whose typed values are looked up by their text when the file is read again."""

EXPECTED = {
    "ready_date": DATE,
    "discharge_date": DATE,
    "notice_time": TIME,
    **dict.fromkeys(YES_NO_FIELDS, YES_NO),
    "episode_id": "an episode id",
}
"""What a field's text must spell, completing "… must be …", for the fields that are checked."""


def field_types() -> dict[str, pl.DataType]:
    """The polars type of each field's values."""
    import polars as pl

    types: dict[str, pl.DataType] = dict.fromkeys(FIELDS, pl.String())
    types.update(dict.fromkeys(DATE_FIELDS, pl.Date()))
    types.update(dict.fromkeys(YES_NO_FIELDS, pl.Boolean()))
    types["notice_time"] = pl.Time()
    return types


def absent_fields(titles: Sequence[str]) -> tuple[str, ...]:
    """The fields of the columns a read report lists as not in the file (by their first names):
    not known for any episode."""
    return tuple(c.field for c in EPISODE_COLUMNS if c.names[0] in titles)


def title(field: str) -> str:
    """The name messages give a field's column: 'Underrättelse klockslag' for notice_time."""
    return next(c.names[0] for c in EPISODE_COLUMNS if c.field == field)


def required(field: str) -> bool:
    """Whether a field must have a value on every row (others may be empty: not known)."""
    return field in ("episode_id", "municipality", "ready_date")


def municipality_names(
    names: Sequence[str], known: Sequence[str] | None
) -> tuple[dict[str, str], list[str], list[str]]:
    """How the municipality names written in a file (stripped, not empty) are taken.

    Returns each name that is used with the name it stands for, the names that look like
    misspellings of a name in ``known`` (errors), and the other names (rows left out, sorted).
    Without ``known`` every name is used, with its spaces tidied.
    """
    if known is None:
        return {n: " ".join(n.split()) for n in names}, [], []
    index = Municipalities.of(known)
    mapping = {n: m for n in names if (m := index.match(n)) is not None}
    misspelt = [n for n in names if n not in mapping and index.looks_misspelt(n)]
    others = sorted(set(names) - set(mapping) - set(misspelt))
    return mapping, misspelt, others


def typed(field: str) -> pl.Expr:
    """The typed value of a field's (stripped) text in column ``field``, or null when empty or
    not understood."""
    import polars as pl

    text = pl.col(field)
    if field in DATE_FIELDS:
        return _date(text)
    if field == "notice_time":
        return _time(text)
    if field in YES_NO_FIELDS:
        return _yes_no(text)
    if field == "care_type":
        return pl.when(text != "").then(text.str.to_lowercase())
    return pl.when(text != "").then(text)


def _date(text: pl.Expr) -> pl.Expr:
    """A date written YYYY-MM-DD, of the years 1–9999 (polars reads the year 0000 too, which is
    no year of the calendar the engine counts days in)."""
    import polars as pl

    date = text.str.to_date(DATE_FORMAT, strict=False)
    return pl.when(text.str.contains(DATE_PATTERN) & (date.dt.year() >= 1)).then(date)


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
