"""The diff as people and machines read it, and the commands that produce it.

Text for the terminal, Markdown to paste into a review, JSON for tools, and the canonical
rendering of one file that ``git diff`` uses as a textconv. The changed part of a formula or a
text is marked with «guillemets», which read the same in a terminal, in a Markdown code block and
in a plain e-mail. Output is deterministic: the same files give the same bytes.

The command functions return (output text, exit code), like those in :mod:`.commands`: exit 0
when nothing changed in meaning, 1 when something did (as ``diff`` does); wrong usage raises
:class:`~agreement_engine.commands.UsageError` (exit 2) and unreadable files
:class:`~agreement_engine.diagnostics.EngineError` (exit 1).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from agreement_engine.checks import duplicate_documents
from agreement_engine.commands import UsageError
from agreement_engine.data.table import check_data_file
from agreement_engine.diagnostics import Diagnostic, EngineError, Severity
from agreement_engine.diagnostics import render_text as render_diagnostic
from agreement_engine.diff import Change, Diff, DocumentDiff, Leaf, Style, compare, in_context
from agreement_engine.diff_marks import mark_formulas, mark_words
from agreement_engine.impact import Cell, Impact, ImpactLine, Scope, assess, scope_groups
from agreement_engine.library import Library, load
from agreement_engine.months import describe_runs
from agreement_engine.revisions import (
    RevisionError,
    git_setup_text,
    label,
    load_side,
    parse_revisions,
    textconv_command,
)

__all__ = [
    "diff_command",
    "git_setup_text",
    "render_markdown",
    "render_text",
    "textconv_command",
    "to_json",
]

FORMAT = "agreement-engine/diff/1"
FORMATS = ("text", "markdown", "json")
FILES_HAVE_ERRORS = Diagnostic(
    Severity.NOTE,
    "nothing was compared, because the files have errors",
    hint="run 'agreement-engine check' on them and fix the errors first",
    code="agreements-have-errors",
)


# -- commands -------------------------------------------------------------------------------------

CHANGED = 4
"""The exit code of ``diff --exit-code`` when the versions differ in meaning."""


def diff_command(
    old: str,
    new: str,
    rev: str | None,
    output_format: str,
    impact_data: str | None,
    assume_approved: bool,
    context: Sequence[str] = (),
) -> tuple[str, int]:
    """``agreement-engine diff OLD NEW``: what changed in meaning, and 4 when anything did (the
    code of ``diff --exit-code``; without that flag the CLI exits 0 either way).

    ``rev`` reads OLD (and NEW, for ``A..B``) from git; ``impact_data`` bills both versions on
    that data; ``context`` names the rest of the library (files or folders read from disk) that
    both versions share, to tell which months a change touches and to bill them.
    """
    if output_format not in FORMATS:
        raise UsageError(f"--format takes text, markdown or json, not '{output_format}'")
    if impact_data is not None:  # said at once, even when no change needs the data
        check_data_file(impact_data)
    try:
        revisions = parse_revisions(rev)
        old_library = _side(*load_side(old, revisions.old), name=old)
        new_library = _side(*load_side(new, revisions.new), name=new)
    except RevisionError as exc:
        raise UsageError(str(exc)) from None
    shared = _side(*load(context)) if context else None
    result = compare(
        old_library,
        new_library,
        context=shared,
        old_label=label(old, revisions.old),
        new_label=label(new, revisions.new),
    )
    impact = None
    if impact_data is not None:
        before, after = in_context(old_library, new_library, shared)
        impact = assess(
            before,
            after,
            impact_data,
            result.cells,
            result.everyone,
            assume_approved=assume_approved,
        )
    if output_format == "json":
        text = json.dumps(to_json(result, impact), ensure_ascii=False, indent=2) + "\n"
    elif output_format == "markdown":
        text = render_markdown(result, impact)
    else:
        text = render_text(result, impact)
    return text, CHANGED if result.changed else 0


def _side(library: Library, problems: list[Diagnostic], name: str = "") -> Library:
    """A side's documents, or the errors that keep it from being compared; wrong usage when
    it holds scenario test files only (which would compare as empty: no change)."""
    if library.skipped and not library.documents:
        raise UsageError(
            f"{name} holds scenario test files only, no agreement files: diff compares "
            "agreement files\nhint: a scenario test file is run by 'agreement-engine test'"
        )
    errors = [d for d in problems if d.is_error]
    errors += duplicate_documents(
        library, hint="documents are matched by id: every document needs its own"
    )
    if errors:
        raise EngineError([*errors, FILES_HAVE_ERRORS])
    return library


# -- text -----------------------------------------------------------------------------------------


def render_text(diff: Diff, impact: Impact | None = None) -> str:
    """The diff for a terminal: each document, each change with what it can touch, a summary."""
    out = [f"{diff.old} → {diff.new}", ""]
    for document in diff.documents:
        out.append(_document_heading(document))
        for change in document.changes:
            out.extend(_change_text(change, diff.everyone, document.status != "changed"))
        out.append("")
    out.append(summary(diff))
    if impact is not None:
        out += ["", *_impact_text(impact)]
    return "\n".join(out) + "\n"


def _document_heading(document: DocumentDiff) -> str:
    name = f"{document.id} ({document.kind})"
    if document.status != "changed":
        return f"{name} {document.status}: {document.new_path or document.old_path}"
    if document.old_path == document.new_path:
        return f"{name}: {document.new_path}"
    return f"{name}: {document.old_path} → {document.new_path}"


def _change_text(change: Change, everyone: Sequence[str], whole: bool) -> list[str]:
    if whole:  # a document added or removed: its title, and what it can touch
        return [f"  title: {change.after or change.before}", f"  {effect(change, everyone)}"]
    lines = [f"  {heading(change)}"]
    lines += [f"    {line}" for line in body(change)]
    lines.append(f"    {effect(change, everyone)}")
    return lines


def heading(change: Change) -> str:
    """One line naming the change; short values are shown in it: ``validity: until a → b``."""
    what = f"{change.subject}: {change.aspect}" if change.aspect else change.subject
    if change.style is Style.VALUE:
        if not change.aspect and change.action != "changed":
            return f"{change.subject} {change.action}: {change.after or change.before}"
        sep = " " if change.aspect else ": "
        return f"{what}{sep}{_shown(change.before)} → {_shown(change.after)}"
    return f"{what} {change.action}"


def body(change: Change) -> list[str]:
    """The lines under the heading: ``- before`` and ``+ after``, the changed part marked."""
    before, after = change.before, change.after
    if change.style is Style.VALUE:
        return []
    if change.style is Style.SET:
        was = set(before) if isinstance(before, tuple) else set()
        now = set(after) if isinstance(after, tuple) else set()
        return [f"- {m}" for m in sorted(was - now)] + [f"+ {m}" for m in sorted(now - was)]
    assert not isinstance(before, tuple) and not isinstance(after, tuple)
    if before is None or after is None:
        return [f"- {before}"] if after is None else [f"+ {after}"]
    if change.style is Style.FORMULA:
        before, after = mark_formulas(before, after)
    else:
        before, after = mark_words(before, after)
    return [f"- {before}", f"+ {after}"]


def effect(change: Change, everyone: Sequence[str]) -> str:
    """What the change can touch, in words."""
    if change.scope is None:
        relied = change.relied_on_by
        return "no effect on money" + (f"; relied on by {', '.join(relied)}" if relied else "")
    return f"money: {scope_text(change.scope, everyone)}"


def scope_text(scope: Scope, everyone: Sequence[str]) -> str:
    if not scope.known:
        return "the months cannot be told, as no agreement is loaded (add the rest of the library)"
    groups = scope_groups(scope, everyone)
    if not groups:
        return "no month billed by these files reaches it"
    return "; ".join(
        f"{describe_runs(months)} for {', '.join(who)}" + (" once approved" if pending else "")
        for months, who, pending in groups
    )


def summary(diff: Diff) -> str:
    """The closing line: how many changes, and how many of them can move money, and when."""
    if not diff.changed:
        if not diff.reformatted:
            return "no change in meaning"
        noun = "file differs" if len(diff.reformatted) == 1 else "files differ"
        shown = ", ".join(diff.reformatted)
        return f"no change in meaning ({len(diff.reformatted)} {noun} only in layout: {shown})"
    changes, documents = diff.changes, len(diff.documents)
    money = [c for c in changes if c.touches_money]
    head = f"{_count(len(changes), 'change')} in meaning in {_count(documents, 'document')}: "
    months = describe_runs({m for _, m in diff.cells})
    where = f" in {months}" if months else ""
    if len(changes) == 1:
        return head + (f"it can change money{where}" if money else "it cannot change money")
    if not money:
        return head + "none can change money"
    if len(money) == len(changes):
        return head + f"all can change money{where}"
    return head + f"{len(money)} can change money{where}, {len(changes) - len(money)} cannot"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _shown(leaf: Leaf | None) -> str:
    if leaf is None:
        return "(none)"
    return ", ".join(leaf) if isinstance(leaf, tuple) else leaf


# -- impact ---------------------------------------------------------------------------------------


def _impact_text(impact: Impact) -> list[str]:
    if not impact.lines:
        return [f"impact on {impact.data}: no change can move money, so nothing was billed"]
    out = [f"impact on {impact.data}: net amount billed (kr), before and after the change"]
    if impact.assume_approved:
        out.append("pending approvals are assumed given (--assume-approved)")
    out += [render_diagnostic(w) for w in impact.warnings]
    rows = [_impact_cells(line) for line in impact.changed]
    out += _table(["municipality", "month", "before", "after", "difference"], rows, numeric=2)
    unchanged = len(impact.lines) - len(rows)
    out.append(f"{unchanged} of {_count(len(impact.lines), 'municipality-month')} unchanged")
    out += ["", "totals over the municipality-months billed both ways"]
    totals = [[m, *_total_cells(impact, m)] for m in impact.municipalities]
    totals.append(["all", *_total_cells(impact, None)])
    out += _table(["municipality", "before", "after", "difference", "left out"], totals, 1)
    reasons = impact_reasons(impact)
    if reasons:
        out += ["", *reasons]
    return out


def _impact_cells(line: ImpactLine) -> list[str]:
    return [
        line.municipality,
        str(line.month),
        _amount(line.before.amount),
        _amount(line.after.amount),
        _signed(line.difference),
    ]


def _total_cells(impact: Impact, municipality: str | None) -> list[str]:
    total = impact.total(municipality)
    return [
        _amount(total.before),
        _amount(total.after),
        _signed(total.difference),
        str(total.left_out),
    ]


def _amount(value: Decimal | None) -> str:
    return "not computed" if value is None else format(value, "f")


def _signed(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return "0" if value == 0 else format(value, "+f")


def _table(headings: list[str], rows: list[list[str]], numeric: int) -> list[str]:
    """Columns from ``numeric`` on are right-aligned."""
    widths = [max(len(r[i]) for r in [headings, *rows]) for i in range(len(headings))]

    def fmt(cells: list[str]) -> str:
        parts = [
            c.rjust(w) if i >= numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    return [fmt(headings), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)]


def impact_reasons(impact: Impact) -> list[str]:
    """Each reason a line is not final, once per version it is given in, with its lines."""
    grouped: dict[tuple[str, str], dict[str, list[Cell]]] = {}
    for line in impact.lines:
        for side, invoice in (("before", line.before), ("after", line.after)):
            for said in invoice.reasons:
                # "no row for Alfa 2024-03": the months and municipalities are listed after it
                reason = said.replace(f" for {line.municipality} {line.month}", "")
                by_side = grouped.setdefault((invoice.status.value, reason), {})
                by_side.setdefault(side, []).append((line.municipality, line.month))
    out = []
    for (status, reason), sides in grouped.items():
        if sides.get("before") == sides.get("after"):
            sides = {"before and after": sides["before"]}
        for side, cells in sides.items():
            where = scope_text(Scope(frozenset(cells)), impact.municipalities)
            out.append(f"{status} ({side}): {reason} — {where}")
    return out


# -- Markdown -------------------------------------------------------------------------------------


def render_markdown(diff: Diff, impact: Impact | None = None) -> str:
    """The diff for a review comment: a summary first, then each document and change."""
    out = [f"### Changes in meaning: `{diff.old}` → `{diff.new}`", "", f"**{summary(diff)}**"]
    for document in diff.documents:
        out += ["", f"#### {document.id} ({document.kind}) {document.status}", ""]
        paths = dict.fromkeys(p for p in (document.old_path, document.new_path) if p)
        out += [" → ".join(f"`{p}`" for p in paths), ""]
        for change in document.changes:
            out += _change_markdown(change, diff.everyone, document.status != "changed")
    if impact is not None:
        out += ["", *_impact_markdown(impact)]
    return "\n".join(out) + "\n"


def _change_markdown(change: Change, everyone: Sequence[str], whole: bool) -> list[str]:
    if whole:
        return [f"- title: {change.after or change.before} — {effect(change, everyone)}"]
    lines = [f"- **{heading(change)}** — {effect(change, everyone)}"]
    shown = body(change)
    if shown:
        lines += ["", "  ```diff", *(f"  {line}" for line in shown), "  ```"]
    return lines


def _impact_markdown(impact: Impact) -> list[str]:
    if not impact.lines:
        return [f"No change can move money, so `{impact.data}` was not billed."]
    out = [f"#### Impact on `{impact.data}` (net amount billed, kr)", ""]
    if impact.assume_approved:
        out += ["Pending approvals are assumed given (`--assume-approved`).", ""]
    out += ["| municipality | month | before | after | difference |", "|---|---|--:|--:|--:|"]
    out += ["| " + " | ".join(_impact_cells(line)) + " |" for line in impact.changed]
    unchanged = len(impact.lines) - len(impact.changed)
    out += ["", f"{unchanged} of {_count(len(impact.lines), 'municipality-month')} unchanged.", ""]
    out += ["| total | before | after | difference | left out |", "|---|--:|--:|--:|--:|"]
    for municipality in [*impact.municipalities, None]:
        cells = [municipality or "**all**", *_total_cells(impact, municipality)]
        out.append("| " + " | ".join(cells) + " |")
    reasons = impact_reasons(impact)
    if reasons:
        out += ["", *(f"- {r}" for r in reasons)]
    return out


# -- JSON -----------------------------------------------------------------------------------------


def to_json(diff: Diff, impact: Impact | None = None) -> dict[str, Any]:
    """The diff for machines: every change with its path, values and scope."""
    payload: dict[str, Any] = {
        "format": FORMAT,
        "old": diff.old,
        "new": diff.new,
        "changed": diff.changed,
        "summary": summary(diff),
        "reformatted": list(diff.reformatted),
        "documents": [
            {
                "id": d.id,
                "kind": d.kind,
                "status": d.status,
                "old_path": d.old_path,
                "new_path": d.new_path,
                "changes": [_change_json(c, diff.everyone) for c in d.changes],
            }
            for d in diff.documents
        ],
    }
    if impact is not None:
        payload["impact"] = _impact_json(impact)
    return payload


def _change_json(change: Change, everyone: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": list(change.path),
        "subject": change.subject,
        "aspect": change.aspect,
        "action": change.action,
        "style": change.style.value,
        "before": list(change.before) if isinstance(change.before, tuple) else change.before,
        "after": list(change.after) if isinstance(change.after, tuple) else change.after,
        "money": change.touches_money,
    }
    if change.style in (Style.FORMULA, Style.PROSE) and change.action == "changed":
        lines = body(change)  # "- before" and "+ after", the changed part marked
        out["marked"] = {"before": lines[0][2:], "after": lines[1][2:]}
    if change.scope is not None:
        out["scope"] = [
            {"parties": list(who), "months": [str(m) for m in months], "once_approved": pending}
            for months, who, pending in scope_groups(change.scope, everyone)
        ]
        out["scope_known"] = change.scope.known
    if change.relied_on_by:
        out["relied_on_by"] = list(change.relied_on_by)
    return out


def _impact_json(impact: Impact) -> dict[str, Any]:
    def amount(value: Decimal | None) -> str | None:
        return None if value is None else format(value, "f")

    def total(municipality: str | None) -> dict[str, Any]:
        t = impact.total(municipality)
        return {
            "before": amount(t.before),
            "after": amount(t.after),
            "difference": amount(t.difference),
            "left_out": t.left_out,
        }

    return {
        "data": impact.data,
        "assume_approved": impact.assume_approved,
        "lines": [
            {
                "municipality": line.municipality,
                "month": str(line.month),
                "before": amount(line.before.amount),
                "after": amount(line.after.amount),
                "difference": amount(line.difference),
                "before_status": line.before.status.value,
                "after_status": line.after.status.value,
            }
            for line in impact.lines
        ],
        "totals": {m: total(m) for m in impact.municipalities},
        "total": total(None),
        "reasons": impact_reasons(impact),
    }
