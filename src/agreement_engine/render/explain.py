"""The derivation of one municipality's month, step by step, for ``agreement-engine explain``.

Finance must be able to explain every krona: which documents govern the month and why, the
figures that went in, each rule's formula with the values it used and gave, the clause it comes
from, and the readings of ambiguous text it relies on.
"""

from __future__ import annotations

from agreement_engine.agreements.documents import (
    Agreement,
    Citation,
    Document,
    Extension,
    Routine,
    Statute,
    Validity,
)
from agreement_engine.agreements.library import Library
from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.inputs import Origin
from agreement_engine.billing.lines import InvoiceLine, LineStatus, Read, Step, one_line
from agreement_engine.billing.ruleset import dependencies
from agreement_engine.billing.timeline import Status
from agreement_engine.formula import ast, format_value, parse
from agreement_engine.formula.ast import parameters_used
from agreement_engine.formula.values import exact


def explain(line: InvoiceLine, library: Library, origin: Origin | None = None) -> str:
    """The whole derivation of a line as text; ``origin`` says where its inputs come from."""
    out = [f"{line.municipality}, {line.month}", _readings(library), ""]
    out += _why(line)
    out += ["", "Inputs:"]
    out += [f"  {name} = {value}" for name, value in line.inputs.items()] or ["  (none)"]
    out += _counting(line, origin)
    if line.steps:
        out += ["", "Steps:"]
        for number, step in enumerate(line.steps, 1):
            out += _step(number, step, line, library)
    out += ["", _result(line)]
    out += [f"  - {reason}" for reason in line.reasons]
    relied = dict.fromkeys([*line.assumptions, *(a for a, _ in line.readings)])
    if relied:
        out += ["", "Assumptions relied on (declared readings of ambiguous text):"]
        out += [_assumption(assumption_id, library) for assumption_id in relied]
    return "\n".join(out) + "\n"


def _readings(library: Library) -> str:
    """Which readings the line is computed under."""
    chosen = "; ".join(f"{a}={r}" for a, r in library.readings)
    if not chosen:
        return "Readings: the agreement files' own (agreement-engine readings shows the others)"
    return f"Readings: {chosen}; the files' own for every other assumption"


def _assumption(assumption_id: str, library: Library) -> str:
    """An assumption relied on, by the reading the line is computed under."""
    assumption = library.assumptions.get(assumption_id)
    if assumption is None:
        return f"  {assumption_id}: (not declared)"
    chosen = library.reading(assumption_id)
    alternative = assumption.alternative(chosen)
    if alternative is None:
        return f"  {assumption_id} [{chosen}]: {' '.join(assumption.reading.split())}"
    text = " ".join(alternative.reading.split())
    return f"  {assumption_id} [{chosen}, chosen instead of {assumption.default}]: {text}"


def _counting(line: InvoiceLine, origin: Origin | None) -> list[str]:
    """Where the inputs come from, and how the governing document's counting rules count them
    from episodes: counted so from an extract, or given (a row of monthly aggregates)."""
    if not line.inputs:
        return []
    base = line.documents[0] if line.documents else None
    counting = getattr(base, "counting", None)
    if base is None or counting is None:
        return [f"  as given on {origin.place}"] if origin and not origin.counted else []
    if origin is None:
        out = [f"  counted by {base.id}'s rules, for each episode:"]
    elif origin.counted:
        out = [f"  counted from {origin.place} by {base.id}'s rules, for each episode:"]
    else:
        out = [f"  as given on {origin.place}; {base.id} counts them so, for each episode:"]
    out.append(f"    counts in month = {one_line(counting.month.formula.text)}")
    out += [f"    {n} = {one_line(r.formula.text)}" for n, r in counting.rules.items()]
    out.append("  and for the month:")
    out += [f"    {n} = {one_line(r.formula.text)}" for n, r in counting.aggregates.items()]
    return out


def _why(line: InvoiceLine) -> list[str]:
    g = line.governance
    out = ["Why these rules govern this month:"]
    candidate = g.governing or g.pending
    if g.status is Status.IN_FORCE and candidate is not None:
        agreement = _describe(candidate.agreement)
        out.append(f"  {agreement} covers {line.month}; every party has approved it.")
        if candidate.extension is not None:
            extension = _describe(candidate.extension)
            out.append(f"  {extension} extends it to this month; every party has approved it.")
        for document, parties in candidate.inferred:
            out.append(
                f"  The approval of {document} by {', '.join(parties)} is inferred: no decision "
                "is on record."
            )
    elif g.status is Status.PENDING and candidate is not None:
        doc: Document = candidate.extension or candidate.agreement
        waiting = ", ".join(candidate.waiting_for)
        if line.documents and line.documents[0] is candidate.agreement:
            out.append(f"  {_describe(doc)} would govern, but approval is pending from {waiting};")
            out.append(
                "  it is evaluated as if approved (--assume-approved): the result is provisional."
            )
            out += [
                f"  The approval of {document} by {', '.join(parties)} is inferred: no decision "
                "is on record."
                for document, parties in candidate.inferred
            ]
        else:
            out.append(f"  {_describe(doc)} is not in force: approval is pending from {waiting};")
            out.append("  no other agreement governs, so the statute does.")
    else:
        out.append(f"  No agreement on file covers {line.month} for {line.municipality},")
        out.append(
            "  so the statute governs (Lag 2017:612 applies unless the parties agree otherwise,"
        )
        out.append("  4 kap. 5 §).")
    for doc in line.documents:
        if isinstance(doc, Routine):
            targets = ", ".join(doc.applies_to)
            out.append(f"  {_describe(doc)} applies to {targets} from {doc.validity.start}.")
    out += ["", "Documents:"]
    out += [f"  {d.id} ({d.kind}) {d.path} sha256:{d.sha256[:12]}" for d in line.documents] or [
        "  (none)"
    ]
    return out


def _describe(doc: Document) -> str:
    validity: Validity | None = getattr(doc, "validity", None)
    if validity is None or isinstance(doc, Statute):
        return doc.id
    until = f"until {validity.end}" if validity.end else "with no end date"
    kind = (
        "agreement"
        if isinstance(doc, Agreement)
        else "extension"
        if isinstance(doc, Extension)
        else doc.kind
    )
    return f"{kind} {doc.id} (from {validity.start} {until})"


def _step(number: int, step: Step, line: InvoiceLine, library: Library) -> list[str]:
    out = [f" {number}. {step.rule} = {step.formula}", f"      = {format_value(step.value)}"]
    if step.record.reading is not None:
        out.append(f"      reading: {step.record.reading} (a rule of the reading chosen)")
    expr = parse(step.formula)
    reads = [read for read in line.across if read.rule == step.rule]
    for name in sorted(_same_month(expr) if reads else dependencies(expr)):
        value = line.value(name)
        if name == "month":
            out.append(f"      where month = {line.month}")
        elif value is not None:
            out.append(f"      where {name} = {format_value(value)}")
    for use in line.figures:
        if use.parameter in parameters_used(expr):
            out.append(f"      where {_figure(use)}")
    out += _month_by_month(reads, line)
    out += [f"      source: {_citation(step, cite, library)}" for cite in step.cites]
    if step.assumes:
        out.append(f"      assumes: {', '.join(step.assumes)}")
    if "/" in exact(step.value):
        out.append(f"      (exactly {exact(step.value)}; not rounded)")
    return out


def _same_month(expr: ast.Expr) -> set[str]:
    """The names a formula reads at its own month: not those inside a window or looked up at
    another month (the month by month lines show those)."""
    match expr:
        case ast.Window() | ast.Lookup():
            return {"month"} & dependencies(expr)
    found = dependencies(expr) if isinstance(expr, ast.Name) else set()
    for child in ast.children(expr):
        found |= _same_month(child)
    return found


def _month_by_month(reads: list[Read], line: InvoiceLine) -> list[str]:
    """What a rule read month by month (a window, a look-up by month), with the inputs of each
    month other than the line's own."""
    if not reads:
        return []
    out = ["      month by month:"]
    for read in reads:
        out.append(f"        {read.expression} at {read.month} = {format_value(read.value)}")
        if read.month != line.month and read.inputs:
            given = ", ".join(f"{name} = {value}" for name, value in read.inputs.items())
            out.append(f"          inputs at {read.month}: {given}")
    return out


def _figure(use: FigureUse) -> str:
    figure = use.figure
    if figure is None or figure.value is None:
        return f"{use.parameter}[{use.key}] is missing"
    note = figure.status + (", illustrative — made up for examples" if figure.illustrative else "")
    value = f"{figure.value} {use.series.unit_text}"
    return f"{use.parameter}[{use.key}] = {value} ({note}; {figure.document})"


def _citation(step: Step, cite: Citation, library: Library) -> str:
    doc = library.by_id(step.document)
    source = doc.sources.get(cite.source) if doc else None
    parts = [source.title if source else cite.source]
    if cite.section:
        parts.append(cite.section)
    text = ", ".join(parts)
    if cite.quote:
        text += f': "{" ".join(cite.quote.split())}"'
    return f"{step.document} — {text}"


def _result(line: InvoiceLine) -> str:
    if line.status is LineStatus.NOT_COMPUTED:
        return "Result: not computed, because:"
    amount = f"{line.amount} kr"
    if line.status is LineStatus.FINAL:
        return f"Result: net_amount = {amount} (final)"
    return f"Result: net_amount = {amount} (provisional, because:)"
