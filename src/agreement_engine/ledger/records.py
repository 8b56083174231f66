"""What the ledger records of a line, and how each event's hash is made.

Everything is plain JSON (texts, whole numbers, true/false, lists, objects), written canonically:
keys sorted, no spaces, UTF-8. Amounts and values are exact text (``51578``, ``103/19``), never
floats. An event's hash is the SHA-256 of::

    previous event's hash (64 hex digits) + "\\n" + header + "\\n" + body

where ``header`` is the canonical JSON array ``[seq, kind, municipality, month, number,
refers_to, amount, status, action, recorded_at, recorded_by, reason]`` and ``body`` the event's
canonical JSON; the first event's previous hash is 64 zeros. Anyone can check the chain with a
few lines of any language (``docs/invoicing.md``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from agreement_engine.agreements.library import Library
from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.lines import COLUMNS, InvoiceLine
from agreement_engine.billing.timeline import Governance
from agreement_engine.diagnostics import EngineError, error
from agreement_engine.formula import Amount, Value
from agreement_engine.formula.values import exact

_SHARED_SHA = re.compile(r'"shared":"([0-9a-f]{64})"')
_STRING = json.encoder.encode_basestring
_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode

KINDS = ("draft", "adjustment", "invoice", "credit note", "debit note")
VERSIONS = ("draft", "adjustment", "credit note", "debit note")
"""Kinds of event that hold a version of a line (an invoice sends the draft version it names)."""
DOCUMENTS = ("invoice", "credit note", "debit note")


class Lost(EngineError):
    """A text an event names (by its SHA-256) is not in the ledger."""

    def __init__(self, sha: str) -> None:
        self.sha = sha
        super().__init__(
            [
                error(
                    f"the ledger has lost the stored text {sha[:12]} that its events name",
                    hint="run agreement-engine ledger verify",
                    code="ledger-integrity",
                )
            ]
        )


def header_text(fields: tuple[int | str | None, ...]) -> str:
    """The canonical JSON array of an event's header fields (whole numbers, texts, nulls)."""
    return _ENCODE(list(fields))


def canonical(value: object) -> str:
    """The canonical JSON text of a value."""
    return _ENCODE(value)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def amount_text(amount: Decimal | None) -> str | None:
    """An amount as exact decimal text (``51578``, ``-1234.50``)."""
    return None if amount is None else format(amount, "f")


@dataclass(frozen=True)
class Event:
    """One row of ``ledger_events`` (no slots: its body is read once, when first needed)."""

    seq: int
    kind: str
    municipality: str
    month: str
    number: int | None
    refers_to: int | None
    amount: str | None
    status: str
    action: int
    recorded_at: str
    recorded_by: str
    reason: str | None
    body: str
    previous_hash: str
    hash: str
    shared: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    """The shared parts of lines (texts by SHA-256) that the body may name."""

    def header(self, seq: int | None = None) -> str:
        return header_text(
            (
                self.seq if seq is None else seq,
                self.kind,
                self.municipality,
                self.month,
                self.number,
                self.refers_to,
                self.amount,
                self.status,
                self.action,
                self.recorded_at,
                self.recorded_by,
                self.reason,
            )
        )

    def computed_hash(self, seq: int | None = None) -> str:
        """The hash this row's content gives (as if it stood at ``seq``)."""
        digest = hashlib.sha256(self.previous_hash.encode("ascii", "replace"))
        digest.update(b"\n" + self.header(seq).encode("utf-8") + b"\n")
        digest.update(self.body.encode("utf-8"))
        return digest.hexdigest()

    @cached_property
    def content(self) -> dict[str, Any]:
        """The body, read, whole: the shared parts it names joined in (see :func:`stored`)."""
        found = json.loads(self.body)
        assert isinstance(found, dict)
        return joined(found, self.shared)

    def shared_sha(self) -> str | None:
        """The SHA-256 of the shared parts its line names, if any."""
        found = _SHARED_SHA.search(self.body)
        return found[1] if found else None

    @property
    def money(self) -> Decimal | None:
        return None if self.amount is None else Decimal(self.amount)

    def row(self) -> dict[str, Any]:
        """The row's columns."""
        return {name: getattr(self, name) for name in EVENT_COLUMNS}


EVENT_COLUMNS = (
    "seq",
    "kind",
    "municipality",
    "month",
    "number",
    "refers_to",
    "amount",
    "status",
    "action",
    "recorded_at",
    "recorded_by",
    "reason",
    "body",
    "previous_hash",
    "hash",
)


def chained(
    previous_hash: str,
    fields: tuple[int, str, str, str, int | None, int | None, str | None, str, int, str, str],
    reason: str | None,
    body: str,
) -> tuple[Any, ...]:
    """A new event's row (its columns in order, as :data:`EVENT_COLUMNS`), with its hash;
    ``fields`` are the header's first eleven (seq … recorded_by)."""
    header = header_text((*fields, reason))
    digest = hashlib.sha256(previous_hash.encode("ascii"))
    digest.update(b"\n" + header.encode("utf-8") + b"\n")
    digest.update(body.encode("utf-8"))
    return (*fields, reason, body, previous_hash, digest.hexdigest())


def line_record(line: InvoiceLine, assume_approved: bool) -> dict[str, Any]:
    """What the ledger keeps of a computed line: its result and everything it rests on, except
    the agreement texts (kept once, by hash: :func:`manifest`) and the counted episodes."""
    return {**own_record(line), **shared_record(line, assume_approved)}


SHARED = ("documents", "governance", "figures", "assumptions")
"""The parts of a line's record that the lines of one month and rules share: stored once, as a
text the line names by its SHA-256 (``shared``)."""


def own_record(line: InvoiceLine) -> dict[str, Any]:
    """The parts of a line's record that are its own: result, reasons and inputs. The values of
    its rules are not kept: they follow from these and the shared parts, and ``show``, ``export``
    and ``verify`` compute them again."""
    return {
        "status": line.status.value,
        "reasons": list(line.reasons),
        "amount": amount_text(line.amount),
        "inputs": {name: _exact(value) for name, value in line.inputs.items()},
    }


def line_text(own: Mapping[str, Any], reasons: str, shared_sha: str) -> str:
    """``canonical({"line": {**own, "shared": shared_sha}})`` for a line's own record
    (:func:`own_record`) with its reasons already encoded, made without encoding the whole again
    (a national run records tens of thousands)."""
    return (
        '{"line":{"amount":'
        + ("null" if own["amount"] is None else _STRING(own["amount"]))
        + ',"inputs":{'
        + ",".join(_STRING(k) + ":" + _STRING(v) for k, v in sorted(own["inputs"].items()))
        + "}"
        + ',"reasons":'
        + reasons
        + ',"shared":'
        + _STRING(shared_sha)
        + ',"status":'
        + _STRING(own["status"])
        + "}}"
    )


def _exact(value: Value) -> str:
    """:func:`.bill.exact`, the usual whole amounts done first."""
    if isinstance(value, Amount) and value.value.denominator == 1:
        return str(value.value.numerator)
    return exact(value)


def values_text(line: InvoiceLine) -> dict[str, str]:
    """The values of a line's rules shown as columns of the invoice basis, as exact text."""
    values = line.values()
    return {name: _exact(values[name]) for name in COLUMNS if name in values}


def shared_record(line: InvoiceLine, assume_approved: bool) -> dict[str, Any]:
    return {
        "documents": {document.id: document.sha256 for document in line.documents},
        "governance": _governance(line.governance, assume_approved),
        "figures": [figure_record(use) for use in line.figures],
        "assumptions": list(line.assumptions),
    }


def joined(body: Mapping[str, Any], shared: Mapping[str, str]) -> dict[str, Any]:
    """An event's whole body from the body stored (``shared``: texts by SHA-256). A line's
    shared text is ``{"line": {its shared parts (SHARED)}, "library": …, "data": …,
    "engine": …}``: what the lines of one month, rules and run have alike."""
    line = body.get("line")
    if not isinstance(line, dict) or "shared" not in line:
        return dict(body)
    text = shared.get(line["shared"])
    if text is None:
        raise Lost(line["shared"])
    parts = json.loads(text)
    own = {name: value for name, value in line.items() if name != "shared"}
    return {**parts, **body, "line": {**own, **parts["line"]}}


def _governance(governance: Governance, assume_approved: bool) -> dict[str, Any]:
    pending = governance.pending
    return {
        "status": governance.status.value,
        "governing": governance.governing.name if governance.governing else None,
        "pending": pending.name if pending else None,
        "waiting_for": list(pending.waiting_for) if pending else [],
        "assume_approved": assume_approved,
    }


def figure_record(use: FigureUse) -> dict[str, Any]:
    figure = use.figure
    return {
        "parameter": use.parameter,
        "key": use.key,
        "value": None if figure is None or figure.value is None else format(figure.value, "f"),
        "status": figure.status if figure else "missing",
        "illustrative": bool(figure and figure.illustrative),
        "document": figure.document if figure else None,
    }


def manifest(library: Library) -> list[dict[str, str]]:
    """The files of a library, in the order loaded: id, kind, path and SHA-256 of the text."""
    return [
        {"id": d.id, "kind": d.kind, "path": d.path, "sha256": d.sha256} for d in library.documents
    ]


def texts(library: Library) -> dict[str, tuple[str, str]]:
    """Each file's text by its SHA-256, with its path."""
    return {d.sha256: (d.path, d.yaml.text) for d in library.documents}


def episodes_record(counted: Mapping[str, list[object]]) -> dict[str, Any]:
    """The counted episodes of a line, by column: their ids, and the days each counting rule
    measured (see :mod:`.episodes`)."""
    return dict(counted)
