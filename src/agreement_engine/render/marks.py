"""The changed part of a formula or a text, marked with «guillemets» for the diff.

Formulas are compared as trees, so that only the smallest differing sub-formulas are marked;
texts word by word, with long unchanged stretches cut to a few words beside each change. The
marks read the same in a terminal, in a Markdown code block and in a plain e-mail.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

from agreement_engine.formula import FormulaError, parse
from agreement_engine.formula import ast as fa

OPEN, CLOSE = "«", "»"
CONTEXT_WORDS = 6  # unchanged words kept on each side of a change in a text; the rest is "…"
# Words (with their hyphens and apostrophes), runs of space, and single punctuation marks.
_TOKEN = re.compile(r"\s+|\w+(?:[-'’]\w+)*|[^\w\s]")


def mark_formulas(before: str, after: str) -> tuple[str, str]:
    """Both canonical formulas with their differing sub-formulas in «guillemets»."""
    try:
        pairs = _differing(parse(before), parse(after))
    except FormulaError:
        return before, after
    return _marked(before, [a for a, _ in pairs]), _marked(after, [b for _, b in pairs])


def _differing(a: fa.Expr, b: fa.Expr) -> list[tuple[fa.Span, fa.Span]]:
    """The smallest pairs of sub-formulas that differ, found by walking both trees together."""
    if a == b:
        return []
    if isinstance(a, fa.Binary) and isinstance(b, fa.Binary) and a.op != b.op:
        if a.left == b.left and a.right == b.right:
            return [(a.op_span, b.op_span)]
        return [(a.span, b.span)]
    if _same_shape(a, b):
        return [
            pair
            for x, y in zip(fa.children(a), fa.children(b), strict=True)
            for pair in _differing(x, y)
        ]
    return [(a.span, b.span)]


def _same_shape(a: fa.Expr, b: fa.Expr) -> bool:
    """Same kind of node with the same operator or name, so the difference is in a child."""
    match a, b:
        case (fa.Lookup(), fa.Lookup()):
            return a.name == b.name
        case (fa.Call(), fa.Call()):
            return a.function == b.function and len(a.args) == len(b.args)
        case (fa.Unary(), fa.Unary()):
            return a.op == b.op
        case (fa.Binary(), fa.Binary()) | (fa.Conditional(), fa.Conditional()):
            return True
    return False


def _marked(text: str, spans: Sequence[fa.Span]) -> str:
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        text = text[: span.start] + OPEN + text[span.start : span.end] + CLOSE + text[span.end :]
    return text


def mark_words(before: str, after: str) -> tuple[str, str]:
    """Both texts with the differing words in «guillemets», long unchanged stretches cut to …"""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    codes = _joined(difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes(), old)
    ours: list[str] = []
    theirs: list[str] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag == "equal":
            same = _elided(old[i1:i2], first=index == 0, last=index == len(codes) - 1)
            ours.append(same)
            theirs.append(same)
        else:
            ours.append(_mark("".join(old[i1:i2])))
            theirs.append(_mark("".join(new[j1:j2])))
    return "".join(ours), "".join(theirs)


def _joined(codes: Sequence[tuple[str, int, int, int, int]], old: list[str]) -> list[list[Any]]:
    """The opcodes with changes separated only by a space joined into one change."""
    out: list[list[Any]] = []
    for code in codes:
        tag, _, i2, _, j2 = code
        if out and tag != "equal" and out[-1][0] != "equal":
            out[-1][2], out[-1][4] = i2, j2
        elif (
            len(out) >= 2
            and tag != "equal"
            and out[-1][0] == "equal"
            and out[-2][0] != "equal"
            and all(t.isspace() for t in old[out[-1][1] : out[-1][2]])
        ):
            out.pop()
            out[-1][2], out[-1][4] = i2, j2
        else:
            out.append(list(code))
    return out


def _mark(text: str) -> str:
    core = text.strip()
    if not core:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return f"{lead}{OPEN}{core}{CLOSE}{trail}"


def _elided(tokens: list[str], *, first: bool, last: bool) -> str:
    """Unchanged text, cut to a few words beside the changes around it."""
    words = [i for i, t in enumerate(tokens) if t[0].isalnum() or t[0] == "_"]
    keep = CONTEXT_WORDS
    if (first and last) or len(words) <= (keep if first or last else 2 * keep):
        return "".join(tokens)
    parts = [] if first else ["".join(tokens[: words[keep - 1] + 1])]
    parts.append("…")
    if not last:
        parts.append("".join(tokens[words[-keep] :]))
    return " ".join(parts)
