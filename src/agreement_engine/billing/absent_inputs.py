"""What an episode extract without some columns does to the lines counted from it.

An extract may leave out the optional columns (the notice time, the yes/no facts, the care
type). A value not in the file is not known for any episode, and counting takes it so: a
condition on it is not met (see :mod:`.counting`), as the statute's assumption
``statute-unknown-facts`` reads a fact left blank. That is a sound reading for one blank field,
but for a whole column it can move every episode's money (the notice time decides between three
and four days), so it must never pass silently: every line whose counting rules read such a
value says so, among the reasons the line is provisional.
"""

from __future__ import annotations

from collections.abc import Sequence

from agreement_engine.agreements.documents import Counting
from agreement_engine.billing.ruleset import EPISODE_INPUTS, dependencies
from agreement_engine.data.episode_fields import title
from agreement_engine.diagnostics import Text

MONTH = Text("the counting month")


def inputs_read(counting: Counting) -> dict[str, tuple[str, ...]]:
    """Each episode input the monthly figures depend on, with what reads it directly: the
    counting rules the aggregates and the counting month use (through one another), the
    aggregates, or :data:`MONTH`. A counting rule no aggregate uses changes no figure."""
    formulas = {MONTH: counting.month, **counting.aggregates}
    reached: dict[str, None] = {}
    waiting = list(formulas)
    while waiting:
        name = waiting.pop()
        rule = formulas.get(name) or counting.rules[name]
        expr = rule.formula.expr
        names = dependencies(expr) if expr is not None else set()
        reached.setdefault(name)
        waiting += [n for n in sorted(names) if n in counting.rules and n not in reached]
    found: dict[str, list[str]] = {}
    for name in reached:
        expr = (formulas.get(name) or counting.rules[name]).formula.expr
        for used in sorted(dependencies(expr) if expr is not None else set()):
            if used in EPISODE_INPUTS:
                found.setdefault(used, []).append(name)
    return {name: tuple(sorted(readers)) for name, readers in found.items()}


def absent_reasons(counting: Counting | None, absent: Sequence[str]) -> tuple[str, ...]:
    """Why the lines counted by ``counting`` are provisional when the extract has no column for
    the fields ``absent``: one reason per field the figures depend on, naming its column."""
    if counting is None or not absent:
        return ()
    read = inputs_read(counting)
    reasons = []
    for field in absent:
        readers = read.get(field)
        if readers:
            reasons.append(
                Text.counted(
                    "the data has no column '{column}' ({field}): {readers} reads it "
                    "as not known for any episode, and a condition on it as not met",
                    "the data has no column '{column}' ({field}): {readers} read it "
                    "as not known for any episode, and a condition on it as not met",
                    len(readers),
                    column=title(field),
                    field=field,
                    readers=_and(readers),
                )
            )
    return tuple(reasons)


def _and(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c': each word kept as it is (:data:`MONTH` is a Text)."""
    if len(words) < 2:
        return words[0] if words else ""
    first = words[0]
    for word in words[1:-1]:
        first = Text("{first}, {next}", first=first, next=word)
    return Text("{first} and {last}", first=first, last=words[-1])
