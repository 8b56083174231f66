"""Building an assumption's readings: the one the rules follow, and the alternatives.

An alternative with an id can be chosen (``--reading ASSUMPTION=ALTERNATIVE``); what it changes
is written beside it, in the file that declares the assumption: rules, counting, validity or
figures of that document, and under ``also`` of other documents. Rules written there are
parsed and compiled once, like every rule, and remember the reading they belong to.
"""

from __future__ import annotations

from typing import Any

from agreement_engine.agreements.build import PartBuilder, prose
from agreement_engine.agreements.parts import (
    BUNDLED,
    Alternative,
    Assumption,
    Change,
    Figure,
    KeyPath,
)

CHANGE_KEYS = ("rules", "counting", "validity", "parameters")
"""What an alternative (or each of its ``also``) may change in a document."""


def assumptions(parts: PartBuilder) -> tuple[Assumption, ...]:
    """Every assumption the file declares, with its readings."""
    return tuple(
        _assumption(parts, ("assumptions", index), item)
        for index, item in enumerate(parts.data.get("assumptions") or [])
    )


def _assumption(parts: PartBuilder, path: KeyPath, item: dict[str, Any]) -> Assumption:
    alternatives = tuple(
        _alternative(parts, (*path, "alternatives", i), item["id"], entry)
        for i, entry in enumerate(item.get("alternatives") or [])
    )
    return Assumption(
        id=item["id"],
        reading=item["reading"].strip(),
        alternatives=alternatives,
        cites=parts.cites(item.get("cite"), (*path, "cite")),
        document=parts.id,
        location=parts.yaml.locate((*path, "id")),
        default=str(item.get("default", BUNDLED)),
    )


def _alternative(parts: PartBuilder, path: KeyPath, assumption: str, entry: Any) -> Alternative:
    where = parts.yaml.locate(path)
    if isinstance(entry, str):  # a reading listed, without an id: it cannot be chosen
        return Alternative(None, entry.strip(), (), None, (), where)
    reading = f"{assumption}={entry['id']}"
    changes = []
    if any(key in entry for key in CHANGE_KEYS):
        changes.append(_change(parts, parts.id, path, entry, reading))
    for document, change in (entry.get("also") or {}).items():
        changes.append(_change(parts, document, (*path, "also", document), change, reading))
    return Alternative(
        id=entry["id"],
        reading=entry["reading"].strip(),
        changes=tuple(changes),
        no_rules=prose(entry.get("no_rules")),
        cites=parts.cites(entry.get("cite"), (*path, "cite")),
        location=parts.yaml.locate((*path, "id")),
    )


def _change(
    parts: PartBuilder, document: str, path: KeyPath, entry: dict[str, Any], reading: str
) -> Change:
    counting = entry.get("counting") or {}
    month = counting.get("month")
    figures: dict[str, dict[str, Figure]] = {}
    for name, series in (entry.get("parameters") or {}).items():
        values = (*path, "parameters", name, "values")
        illustrative = bool(parts.data.get("illustrative", False))
        figures[name] = parts.figures(values, series.get("values"), illustrative)
    return Change(
        document=document,
        rules=parts.rules((*path, "rules"), reading),
        counting_month=(
            None
            if month is None
            else parts.rule((*path, "counting", "month"), "month", month, reading)
        ),
        counting_rules=parts.rules((*path, "counting", "rules"), reading),
        aggregates=parts.rules((*path, "counting", "aggregates"), reading),
        validity=parts.validity((*path, "validity")) if "validity" in entry else None,
        figures=figures,
        location=parts.yaml.locate(path),
        keypath=path,
    )
