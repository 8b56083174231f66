"""What changed between two versions of a line: in its approvals, agreement files, figures,
aggregates, counted episodes or data file. Recorded with every adjustment and note, and shown as
the cause of a stale invoice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agreement_engine.diagnostics import Text
from agreement_engine.ledger.results import Change

SHOWN = 8
"""Episodes named in a sentence before '… and N more' (the record keeps them all)."""


def changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[Change, ...]:
    """The changes from the version ``old`` to ``new`` (event bodies: line, episodes, data)."""
    before, after = old["line"], new["line"]
    found = [
        *_governance(before["governance"], after["governance"]),
        *_documents(before["documents"], after["documents"]),
        *_figures(before["figures"], after["figures"]),
        *_inputs(before["inputs"], after["inputs"]),
        *_episodes(old.get("episodes"), new.get("episodes")),
    ]
    if found and old.get("data") != new.get("data") and new.get("data"):
        found.append(_data(old.get("data"), new["data"]))
    return tuple(found)


def as_record(found: tuple[Change, ...]) -> list[dict[str, Any]]:
    return [{"what": c.what, "text": c.text, "detail": c.detail} for c in found]


def _governance(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    found = []
    detail = {"old": dict(old), "new": dict(new)}
    pending = old.get("pending")
    if pending and new.get("governing") == pending and old.get("governing") != pending:
        if old.get("assume_approved"):
            text = Text(
                "every party has now approved {document}, which was billed as if approved",
                document=pending,
            )
        else:
            text = Text(
                "every party has now approved {document}: it governs this month, where the "
                "statute governed while it awaited approval",
                document=pending,
            )
        found.append(Change("approval", text, detail))
    elif old.get("governing") != new.get("governing"):
        was = old.get("governing") or Text("the statute")
        now = new.get("governing") or Text("the statute")
        text = Text("governed by {now} now, was {was}", now=now, was=was)
        found.append(Change("approval", text, detail))
    elif old.get("waiting_for") != new.get("waiting_for") and new.get("pending"):
        waiting = ", ".join(new["waiting_for"]) or Text("nobody")
        text = Text("{document} now awaits {waiting}", document=new["pending"], waiting=waiting)
        found.append(Change("approval", text, detail))
    if old.get("assume_approved") != new.get("assume_approved"):
        text = (
            Text("billed as if pending approvals were given (--assume-approved)")
            if new.get("assume_approved")
            else Text("no longer billed as if pending approvals were given")
        )
        found.append(Change("approval", text, detail))
    return found


def _documents(old: Mapping[str, str], new: Mapping[str, str]) -> list[Change]:
    found = []
    for name in dict.fromkeys([*old, *new]):
        was, now = old.get(name), new.get(name)
        if was == now:
            continue
        if was is None or now is None:
            continue  # a document that governs now and did not then: the approval says why
        text = Text(
            "agreement file {name} changed (sha256 {was} → {now})",
            name=name,
            was=was[:12],
            now=now[:12],
        )
        found.append(Change("agreement file", text, {"id": name, "old": was, "new": now}))
    return found


def _figures(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Change]:
    before = {(f["parameter"], f["key"]): f for f in old}
    after = {(f["parameter"], f["key"]): f for f in new}
    found = []
    for key in dict.fromkeys([*before, *after]):
        was, now = before.get(key), after.get(key)
        if was == now:
            continue
        text = Text(
            "figure {parameter} for {key}: {was} → {now}",
            parameter=key[0],
            key=key[1],
            was=_figure(was),
            now=_figure(now),
        )
        found.append(Change("figure", text, {"old": was, "new": now}))
    return found


def _figure(figure: Mapping[str, Any] | None) -> str:
    if figure is None:
        return Text("not used")
    if figure.get("value") is None:
        return Text("missing")
    status = Text(figure["status"])
    if figure.get("illustrative"):
        return Text("{value} ({status}, illustrative)", value=figure["value"], status=status)
    return Text("{value} ({status})", value=figure["value"], status=status)


def _inputs(old: Mapping[str, str], new: Mapping[str, str]) -> list[Change]:
    found = []
    for name in dict.fromkeys([*old, *new]):
        was, now = old.get(name), new.get(name)
        if was != now:
            text = f"{name} {was if was is not None else '—'} → {now if now is not None else '—'}"
            found.append(Change("aggregate", text, {"name": name, "old": was, "new": now}))
    return found


def _episodes(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> list[Change]:
    if old is None or new is None or old == new:
        return []
    columns = [name for name in new if name != "episode_id"]
    before, after = _by_id(old), _by_id(new)
    found = []
    was = [name for name in old if name != "episode_id"]
    if was != columns:
        # Counted by other rules (an approval arrived): the days are not comparable one by one.
        text = Text(
            "the episodes' days are counted by other rules now: {columns} (was {was})",
            columns=", ".join(columns),
            was=", ".join(was),
        )
        found.append(Change("episodes", text, {"old": was, "new": columns}))
        before = {key: after.get(key, []) for key in before}
    added = [[key, *after[key]] for key in after if key not in before]
    removed = [[key, *before[key]] for key in before if key not in after]
    changed = [
        [key, before[key], after[key]]
        for key in after
        if key in before and before[key] != after[key]
    ]
    detail = {"columns": ["episode_id", *columns]}
    if added:
        text = Text.counted(
            "{count} episode added: {episodes}",
            "{count} episodes added: {episodes}",
            len(added),
            episodes=_shown(added, columns),
        )
        found.append(Change("episodes", text, {**detail, "added": added}))
    if removed:
        text = Text.counted(
            "{count} episode removed: {episodes}",
            "{count} episodes removed: {episodes}",
            len(removed),
            episodes=_shown(removed, columns),
        )
        found.append(Change("episodes", text, {**detail, "removed": removed}))
    if changed:
        shown = [
            f"{key} ({_days(columns, was_days)} → {_days(columns, now)})"
            for key, was_days, now in changed[:SHOWN]
        ]
        text = Text.counted(
            "{count} episode changed: {episodes}",
            "{count} episodes changed: {episodes}",
            len(changed),
            episodes=_more(", ".join(shown), changed),
        )
        found.append(Change("episodes", text, {**detail, "changed": changed}))
    return found


def _by_id(counted: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Each episode's days by its id, from the record's columns."""
    days = [counted[name] for name in counted if name != "episode_id"]
    return {key: [column[i] for column in days] for i, key in enumerate(counted["episode_id"])}


def _shown(rows: list[list[Any]], columns: list[str]) -> str:
    """The first episodes of rows added or removed, with their days: 'e1 (days 3), …'."""
    shown = [f"{row[0]} ({_days(columns, row[1:])})" for row in rows[:SHOWN]]
    return _more(", ".join(shown), rows)


def _days(columns: list[str], values: Sequence[Any]) -> str:
    return ", ".join(f"{name} {value}" for name, value in zip(columns, values, strict=True))


def _more(shown: str, rows: list[Any]) -> str:
    """The episodes shown, and how many more there are: 'e1, …, e8 and 4 more'."""
    if len(rows) <= SHOWN:
        return shown
    return Text("{shown} and {more} more", shown=shown, more=len(rows) - SHOWN)


def _data(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> Change:
    was = f"{old['path']} (sha256 {old['sha256'][:12]})" if old else "—"
    now = f"{new['path']} (sha256 {new['sha256'][:12]})"
    text = Text("data file {was} → {now}", was=was, now=now)
    return Change("data", text, {"old": old, "new": new})
