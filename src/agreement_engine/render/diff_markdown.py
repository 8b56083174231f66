"""The diff as Markdown, to paste into a review: a summary first, then each document and change,
and the impact on the money with amounts grouped by thousands (``7,102,000``; ``7 102 000`` in
Swedish). A table longer than :data:`FOLD` rows is folded into a ``<details>`` element, which
GitHub, GitLab and most review tools show closed, its summary saying how many rows it holds.
"""

from __future__ import annotations

from collections.abc import Sequence

from agreement_engine.render.diff import (
    IMPACT_COLUMNS,
    TOTAL_COLUMNS,
    body,
    effect,
    heading,
    impact_cells,
    impact_reasons,
    summary,
    total_cells,
    unchanged_text,
)
from agreement_engine.render.i18n import ENGLISH, Language
from agreement_engine.review.diff import Change, Diff
from agreement_engine.review.impact import Impact

FOLD = 10
"""Rows a table may have and still be shown open."""


def render_markdown(diff: Diff, impact: Impact | None = None, lang: Language = ENGLISH) -> str:
    """The diff for a review comment: a summary first, then each document and change."""
    title = lang._("Changes in meaning")
    out = [f"### {title}: `{diff.old}` → `{diff.new}`", "", f"**{summary(diff, lang)}**"]
    for document in diff.documents:
        status = lang._(document.status)
        out += ["", f"#### {document.id} ({lang._(document.kind)}) {status}", ""]
        paths = dict.fromkeys(p for p in (document.old_path, document.new_path) if p)
        out += [" → ".join(f"`{p}`" for p in paths), ""]
        for change in document.changes:
            out += _change(change, diff.everyone, document.status != "changed", lang)
    if impact is not None:
        out += ["", *_impact(impact, lang)]
    return "\n".join(out) + "\n"


def _change(change: Change, everyone: Sequence[str], whole: bool, lang: Language) -> list[str]:
    if whole:
        title = lang._("title")
        return [f"- {title}: {change.after or change.before} — {effect(change, everyone, lang)}"]
    lines = [f"- **{heading(change, lang)}** — {effect(change, everyone, lang)}"]
    shown = body(change)
    if shown:
        lines += ["", "  ```diff", *(f"  {line}" for line in shown), "  ```"]
    return lines


def _impact(impact: Impact, lang: Language) -> list[str]:
    if not impact.lines:
        return [lang._("No change can move money, so `{data}` was not billed.", data=impact.data)]
    title = lang._("Impact on `{data}` (net amount billed, kr)", data=impact.data)
    out = [f"#### {title}", ""]
    if impact.assume_approved:
        out += [lang._("Pending approvals are assumed given (`--assume-approved`)."), ""]
    rows = [impact_cells(line, lang, grouped=True) for line in impact.changed]
    changed = lang.ngettext(
        "{count} municipality-month changed", "{count} municipality-months changed", len(rows)
    )
    out += table([lang._(h) for h in IMPACT_COLUMNS], rows, 2, changed)
    out += ["", unchanged_text(impact, lang) + ".", ""]
    totals = [[m, *total_cells(impact, m, lang, grouped=True)] for m in impact.municipalities]
    every = lang._("all")
    totals.append([f"**{every}**", *total_cells(impact, None, lang, grouped=True)])
    heads = [lang._("total"), *(lang._(h) for h in TOTAL_COLUMNS[1:])]
    out += table(heads, totals, 1, lang._("totals"))
    reasons = impact_reasons(impact, lang)
    if reasons:
        out += [""]
        out += fold([f"- {r}" for r in reasons], lang._("why lines are not final"), len(reasons))
    return out


def table(
    heads: Sequence[str], rows: Sequence[Sequence[str]], numeric: int, what: str
) -> list[str]:
    """A Markdown table, columns from ``numeric`` on right-aligned; folded when long."""
    align = "|".join("--:" if i >= numeric else "---" for i in range(len(heads)))
    lines = ["| " + " | ".join(heads) + " |", f"|{align}|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return fold(lines, what, len(rows))


def fold(lines: list[str], what: str, rows: int) -> list[str]:
    """The lines as they are, or inside ``<details>`` (blank lines around, so the Markdown in
    it is read as Markdown) when they hold more than :data:`FOLD` rows."""
    if rows <= FOLD:
        return lines
    return [f"<details><summary>{what}</summary>", "", *lines, "", "</details>"]
