"""The input of a scenario test case, read: the monthly aggregates (``episodes`` and
``total_days``) or the care episodes they are counted from (``care_episodes``), each located in
the test file, with what the engine would refuse in them (an episode discharged before it was
ready, days without episodes), which a case may expect as its ``error``."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from agreement_engine.agreements.yaml_document import KeyPath
from agreement_engine.diagnostics import Diagnostic, error
from agreement_engine.formula import Amount, to_decimal
from agreement_engine.formula.types import NUMBER, UNITS
from agreement_engine.scenarios.cases import Aggregates, Episode

if TYPE_CHECKING:
    from agreement_engine.scenarios.files import FileReader

_TIME = re.compile(r"([01]?[0-9]|2[0-3])[:.]([0-5][0-9])(?:[:.]([0-5][0-9]))?")


def read_input(
    reader: FileReader, path: KeyPath, written: dict[str, Any], problems: list[Diagnostic]
) -> tuple[Aggregates | tuple[Episode, ...] | None, list[Diagnostic]]:
    """The input, and what the engine would refuse in it (an episode's dates, ...)."""
    if "care_episodes" in written:
        if "episodes" in written or "total_days" in written:
            problems.append(
                error(
                    "give either 'episodes' and 'total_days', or 'care_episodes', not both",
                    reader.at((*path, "care_episodes"), key=True),
                    hint="the aggregates are counted from the care episodes",
                    code="invalid-value",
                )
            )
            return None, []
        return _episodes(reader, (*path, "care_episodes"), written["care_episodes"], problems)
    missing = [key for key in ("episodes", "total_days") if key not in written]
    for key in missing:
        problems.append(
            error(
                f"missing required key '{key}' in 'input'",
                reader.at(path, key=True),
                hint="give both episodes and total_days (for example: input: "
                "{episodes: 10, total_days: 66}), or the care episodes under 'care_episodes'",
                code="missing-key",
            )
        )
    if missing:
        return None, []
    return _aggregates(reader, path, written, problems)


def _aggregates(
    reader: FileReader, path: KeyPath, written: dict[str, Any], problems: list[Diagnostic]
) -> tuple[Aggregates | None, list[Diagnostic]]:
    where = reader.at((*path, "total_days"))
    days = reader.value("total_days", written["total_days"], where, problems)
    if days is None:
        return None, []
    if not isinstance(days, Amount) or days.unit not in (NUMBER, UNITS["days"]):
        message = f"'total_days' must be a number of days, like 66 or 66 days, not {days}"
        problems.append(error(message, where, code="invalid-value"))
        return None, []
    total = to_decimal(days.value)
    if total is None or total < 0:
        message = f"'total_days' must be 0 or more days, written as a decimal, not {days}"
        problems.append(error(message, where, code="invalid-value"))
        return None, []
    episodes: int = written["episodes"]
    refused = []
    if episodes == 0 and total > 0:
        refused.append(
            error(
                f"'total_days' is {written['total_days']}, but 'episodes' is 0",
                where,
                hint="days can only be counted in episodes; check the figures",
                code="data-value",
            )
        )
    return Aggregates(episodes, total, reader.at(path)), refused


def _episodes(
    reader: FileReader, path: KeyPath, written: list[dict[str, Any]], problems: list[Diagnostic]
) -> tuple[tuple[Episode, ...] | None, list[Diagnostic]]:
    episodes, refused = [], []
    for index, entry in enumerate(written):
        where: KeyPath = (*path, index)
        fields: dict[str, object] = {}
        for name, value in entry.items():
            if name in ("ready_date", "discharge_date"):
                fields[name] = dt.date.fromisoformat(value)
            elif name == "notice_time":
                fields[name] = _time(reader, (*where, name), value, problems)
            elif name == "care_type":
                fields[name] = value.lower()
            else:
                fields[name] = value
        ready, discharged = fields.get("ready_date"), fields.get("discharge_date")
        if isinstance(ready, dt.date) and isinstance(discharged, dt.date) and discharged < ready:
            refused.append(
                error(
                    f"'discharge_date' is {discharged}, before the 'ready_date' {ready}",
                    reader.at((*where, "discharge_date")),
                    hint="a patient is discharged on or after the day they are ready; "
                    "check both dates",
                    code="data-dates",
                )
            )
        episodes.append(Episode(fields, reader.at(where)))
    return tuple(episodes), refused


def _time(
    reader: FileReader, path: KeyPath, written: str, problems: list[Diagnostic]
) -> dt.time | None:
    found = _TIME.fullmatch(written.strip())
    if found is None:
        problems.append(
            error(
                f"'notice_time' must be a time of day like 13:45, not '{written}'",
                reader.at(path),
                code="invalid-value",
            )
        )
        return None
    return dt.time(int(found[1]), int(found[2]), int(found[3] or 0))
