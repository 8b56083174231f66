"""The diff as people and machines read it.

Text for the terminal, Markdown to paste into a review, and JSON for tools, each with the
impact on the money when both versions were billed. The changed part of a formula or a text is
marked with «guillemets» (:mod:`.marks`), which read the same in a terminal, in a Markdown code
block and in a plain e-mail. Output is deterministic: the same files give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from agreement_engine.diagnostics import render_text as render_diagnostic
from agreement_engine.months import describe_runs
from agreement_engine.render.i18n import ENGLISH, N_, Language
from agreement_engine.render.marks import mark_formulas, mark_words
from agreement_engine.review.canonical import Leaf, Style
from agreement_engine.review.diff import Change, Diff, DocumentDiff
from agreement_engine.review.impact import Impact, ImpactLine
from agreement_engine.review.scope import Cell, Scope, scope_groups

FORMAT = "agreement-engine/diff/1"


# -- text -----------------------------------------------------------------------------------------

ACTIONS = (N_("added"), N_("removed"), N_("changed"))
"""The words of a change's action and a document's status, for the catalog."""


def render_text(diff: Diff, impact: Impact | None = None, lang: Language = ENGLISH) -> str:
    """The diff for a terminal: each document, each change with what it can touch, a summary."""
    out = [f"{diff.old} → {diff.new}", ""]
    for document in diff.documents:
        out.append(_document_heading(document, lang))
        for change in document.changes:
            out.extend(_change_text(change, diff.everyone, document.status != "changed", lang))
        out.append("")
    out.append(summary(diff, lang))
    if impact is not None:
        out += ["", *_impact_text(impact, lang)]
    return "\n".join(out) + "\n"


def _document_heading(document: DocumentDiff, lang: Language) -> str:
    name = f"{document.id} ({lang._(document.kind)})"
    if document.status != "changed":
        return f"{name} {lang._(document.status)}: {document.new_path or document.old_path}"
    if document.old_path == document.new_path:
        return f"{name}: {document.new_path}"
    return f"{name}: {document.old_path} → {document.new_path}"


def _change_text(change: Change, everyone: Sequence[str], whole: bool, lang: Language) -> list[str]:
    if whole:  # a document added or removed: its title, and what it can touch
        title = lang._("title")
        return [
            f"  {title}: {change.after or change.before}",
            f"  {effect(change, everyone, lang)}",
        ]
    lines = [f"  {heading(change, lang)}"]
    lines += [f"    {line}" for line in body(change)]
    lines.append(f"    {effect(change, everyone, lang)}")
    return lines


def heading(change: Change, lang: Language = ENGLISH) -> str:
    """One line naming the change; short values are shown in it: ``validity: until a → b``."""
    what = f"{change.subject}: {change.aspect}" if change.aspect else change.subject
    action = lang._(change.action)
    if change.style is Style.VALUE:
        if not change.aspect and change.action != "changed":
            return f"{change.subject} {action}: {change.after or change.before}"
        sep = " " if change.aspect else ": "
        return f"{what}{sep}{_shown(change.before, lang)} → {_shown(change.after, lang)}"
    return f"{what} {action}"


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


def effect(change: Change, everyone: Sequence[str], lang: Language = ENGLISH) -> str:
    """What the change can touch, in words."""
    if change.scope is None:
        relied = change.relied_on_by
        if relied:
            return lang._("no effect on money; relied on by {names}", names=", ".join(relied))
        return lang._("no effect on money")
    return lang._("money: {scope}", scope=scope_text(change.scope, everyone, lang))


def scope_text(scope: Scope, everyone: Sequence[str], lang: Language = ENGLISH) -> str:
    if not scope.known:
        return lang._(
            "the months cannot be told, as no agreement is loaded (add the rest of the library)"
        )
    groups = scope_groups(scope, everyone)
    if not groups:
        return lang._("no month billed by these files reaches it")
    return "; ".join(
        lang._("{months} for {parties}", months=describe_runs(months), parties=", ".join(who))
        + (lang._(" once approved") if pending else "")
        for months, who, pending in groups
    )


def summary(diff: Diff, lang: Language = ENGLISH) -> str:
    """The closing line: how many changes, and how many of them can move money, and when."""
    if not diff.changed:
        if not diff.reformatted:
            return lang._("no change in meaning")
        return lang.ngettext(
            "no change in meaning ({count} file differs only in layout: {files})",
            "no change in meaning ({count} files differ only in layout: {files})",
            len(diff.reformatted),
            files=", ".join(diff.reformatted),
        )
    changes, documents = diff.changes, len(diff.documents)
    money = [c for c in changes if c.touches_money]
    head = lang._(
        "{changes} in meaning in {documents}: ",
        changes=lang.ngettext("{count} change", "{count} changes", len(changes)),
        documents=lang.ngettext("{count} document", "{count} documents", documents),
    )
    months = describe_runs({m for _, m in diff.cells})
    where = lang._(" in {months}", months=months) if months else ""
    if len(changes) == 1:
        if money:
            return head + lang._("it can change money{where}", where=where)
        return head + lang._("it cannot change money")
    if not money:
        return head + lang._("none can change money")
    if len(money) == len(changes):
        return head + lang._("all can change money{where}", where=where)
    return head + lang._(
        "{money} can change money{where}, {others} cannot",
        money=len(money),
        where=where,
        others=len(changes) - len(money),
    )


def _shown(leaf: Leaf | None, lang: Language) -> str:
    if leaf is None:
        return lang._("(none)")
    return ", ".join(leaf) if isinstance(leaf, tuple) else leaf


# -- impact ---------------------------------------------------------------------------------------


def _impact_text(impact: Impact, lang: Language) -> list[str]:
    if not impact.lines:
        return [
            lang._(
                "impact on {data}: no change can move money, so nothing was billed",
                data=impact.data,
            )
        ]
    out = [
        lang._(
            "impact on {data}: net amount billed (kr), before and after the change",
            data=impact.data,
        )
    ]
    if impact.assume_approved:
        out.append(lang._("pending approvals are assumed given (--assume-approved)"))
    out += [render_diagnostic(w) for w in impact.warnings]
    rows = [impact_cells(line, lang) for line in impact.changed]
    out += _table(_heads(lang, IMPACT_COLUMNS), rows, numeric=2)
    out.append(unchanged_text(impact, lang))
    out += ["", lang._("totals over the municipality-months billed both ways")]
    totals = [[m, *total_cells(impact, m, lang)] for m in impact.municipalities]
    totals.append([lang._("all"), *total_cells(impact, None, lang)])
    out += _table(_heads(lang, TOTAL_COLUMNS), totals, 1)
    reasons = impact_reasons(impact, lang)
    if reasons:
        out += ["", *reasons]
    return out


IMPACT_COLUMNS = (N_("municipality"), N_("month"), N_("before"), N_("after"), N_("difference"))
TOTAL_COLUMNS = (N_("municipality"), N_("before"), N_("after"), N_("difference"), N_("left out"))


def _heads(lang: Language, names: Sequence[str]) -> list[str]:
    return [lang._(name) for name in names]


def unchanged_text(impact: Impact, lang: Language) -> str:
    """'4 of 6 municipality-months unchanged'."""
    return lang.ngettext(
        "{unchanged} of {count} municipality-month unchanged",
        "{unchanged} of {count} municipality-months unchanged",
        len(impact.lines),
        unchanged=len(impact.lines) - len(impact.changed),
    )


def impact_cells(line: ImpactLine, lang: Language, grouped: bool = False) -> list[str]:
    return [
        line.municipality,
        str(line.month),
        _amount(line.before.amount, lang, grouped),
        _amount(line.after.amount, lang, grouped),
        _signed(line.difference, lang, grouped),
    ]


def total_cells(
    impact: Impact, municipality: str | None, lang: Language, grouped: bool = False
) -> list[str]:
    total = impact.total(municipality)
    return [
        _amount(total.before, lang, grouped),
        _amount(total.after, lang, grouped),
        _signed(total.difference, lang, grouped),
        str(total.left_out),
    ]


def _amount(value: Decimal | None, lang: Language, grouped: bool) -> str:
    if value is None:
        return lang._("not computed")
    return lang.grouped(value) if grouped else lang.decimal(value)


def _signed(value: Decimal | None, lang: Language, grouped: bool) -> str:
    if value is None:
        return "—"
    if value == 0:
        return "0"
    text = lang.grouped(abs(value)) if grouped else lang.decimal(abs(value))
    return ("+" if value > 0 else "-") + text


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


def impact_reasons(impact: Impact, lang: Language = ENGLISH) -> list[str]:
    """Each reason a line is not final, once per version it is given in, with its lines."""
    grouped: dict[tuple[str, str], dict[str, list[Cell]]] = {}
    for line in impact.lines:
        for side, invoice in (("before", line.before), ("after", line.after)):
            for said in invoice.reasons:
                # "no row for Alfa 2024-03": the months and municipalities are listed after it
                word = lang._("for")
                cell = f" {word} {line.municipality} {line.month}"
                reason = lang.text(said).replace(cell, "")
                by_side = grouped.setdefault((invoice.status.value, reason), {})
                by_side.setdefault(side, []).append((line.municipality, line.month))
    out = []
    for (status, reason), sides in grouped.items():
        if sides.get("before") == sides.get("after"):
            sides = {"before and after": sides["before"]}
        for side, cells in sides.items():
            where = scope_text(Scope(frozenset(cells)), impact.municipalities, lang)
            out.append(f"{lang._(status)} ({lang._(side)}): {reason} — {where}")
    return out


SIDES = (N_("before"), N_("after"), N_("before and after"))


def render_markdown(diff: Diff, impact: Impact | None = None, lang: Language = ENGLISH) -> str:
    """The diff for a review comment (:mod:`.diff_markdown`)."""
    from agreement_engine.render.diff_markdown import render_markdown as markdown

    return markdown(diff, impact, lang)


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


def render_json(diff: Diff, impact: Impact | None = None) -> str:
    """The diff (and its impact) as JSON text, for tools."""
    return json.dumps(to_json(diff, impact), ensure_ascii=False, indent=2) + "\n"
