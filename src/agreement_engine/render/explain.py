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
from agreement_engine.billing.lines import InvoiceLine, LineStatus, Step, one_line
from agreement_engine.billing.ruleset import dependencies
from agreement_engine.billing.timeline import Status
from agreement_engine.formula import parse
from agreement_engine.formula.ast import parameters_used
from agreement_engine.formula.values import exact
from agreement_engine.render.i18n import ENGLISH, Language


def explain(
    line: InvoiceLine, library: Library, origin: Origin | None = None, lang: Language = ENGLISH
) -> str:
    """The whole derivation of a line as text; ``origin`` says where its inputs come from."""
    out = [f"{line.municipality}, {line.month}", ""]
    out += _why(line, lang)
    out += ["", lang._("Inputs:")]
    inputs = [f"  {name} = {lang.value(value)}" for name, value in line.inputs.items()]
    out += inputs or [lang._("  (none)")]
    out += _counting(line, origin, lang)
    if line.steps:
        out += ["", lang._("Steps:")]
        for number, step in enumerate(line.steps, 1):
            out += _step(number, step, line, library, lang)
    out += ["", _result(line, lang)]
    out += [f"  - {lang.text(reason)}" for reason in line.reasons]
    if line.assumptions:
        out += ["", lang._("Assumptions relied on (declared readings of ambiguous text):")]
        known = library.assumptions
        for assumption_id in line.assumptions:
            assumption = known.get(assumption_id)
            reading = (
                " ".join(assumption.reading.split()) if assumption else lang._("(not declared)")
            )
            out.append(f"  {assumption_id}: {reading}")
    return "\n".join(out) + "\n"


def _counting(line: InvoiceLine, origin: Origin | None, lang: Language) -> list[str]:
    """Where the inputs come from, and how the governing document's counting rules count them
    from episodes: counted so from an extract, or given (a row of monthly aggregates)."""
    if not line.inputs:
        return []
    base = line.documents[0] if line.documents else None
    counting = getattr(base, "counting", None)
    place = lang.text(origin.place) if origin else ""
    if base is None or counting is None:
        given = lang._("  as given on {place}", place=place)
        return [given] if origin and not origin.counted else []
    if origin is None:
        out = [lang._("  counted by {document}'s rules, for each episode:", document=base.id)]
    elif origin.counted:
        out = [
            lang._(
                "  counted from {place} by {document}'s rules, for each episode:",
                place=place,
                document=base.id,
            )
        ]
    else:
        out = [
            lang._(
                "  as given on {place}; {document} counts them so, for each episode:",
                place=place,
                document=base.id,
            )
        ]
    month = one_line(counting.month.formula.text)
    out.append(lang._("    counts in month = {formula}", formula=month))
    out += [f"    {n} = {one_line(r.formula.text)}" for n, r in counting.rules.items()]
    out.append(lang._("  and for the month:"))
    out += [f"    {n} = {one_line(r.formula.text)}" for n, r in counting.aggregates.items()]
    return out


def _why(line: InvoiceLine, lang: Language) -> list[str]:
    g = line.governance
    out = [lang._("Why these rules govern this month:")]
    candidate = g.governing or g.pending
    if g.status is Status.IN_FORCE and candidate is not None:
        agreement = _describe(candidate.agreement, lang)
        out.append(
            lang._(
                "  {agreement} covers {month}; every party has approved it.",
                agreement=agreement,
                month=line.month,
            )
        )
        if candidate.extension is not None:
            extension = _describe(candidate.extension, lang)
            out.append(
                lang._(
                    "  {extension} extends it to this month; every party has approved it.",
                    extension=extension,
                )
            )
    elif g.status is Status.PENDING and candidate is not None:
        doc: Document = candidate.extension or candidate.agreement
        described, waiting = _describe(doc, lang), ", ".join(candidate.waiting_for)
        if line.documents and line.documents[0] is candidate.agreement:
            out.append(
                lang._(
                    "  {document} would govern, but approval is pending from {waiting};",
                    document=described,
                    waiting=waiting,
                )
            )
            out.append(
                lang._(
                    "  it is evaluated as if approved (--assume-approved): the result is "
                    "provisional."
                )
            )
        else:
            out.append(
                lang._(
                    "  {document} is not in force: approval is pending from {waiting};",
                    document=described,
                    waiting=waiting,
                )
            )
            out.append(lang._("  no other agreement governs, so the statute does."))
    else:
        out.append(
            lang._(
                "  No agreement on file covers {month} for {municipality},",
                month=line.month,
                municipality=line.municipality,
            )
        )
        out.append(
            lang._(
                "  so the statute governs (Lag 2017:612 applies unless the parties agree otherwise,"
            )
        )
        out.append(lang._("  4 kap. 5 §)."))
    for doc in line.documents:
        if isinstance(doc, Routine):
            out.append(
                lang._(
                    "  {routine} applies to {targets} from {start}.",
                    routine=_describe(doc, lang),
                    targets=", ".join(doc.applies_to),
                    start=doc.validity.start,
                )
            )
    out += ["", lang._("Documents:")]
    out += [
        f"  {d.id} ({lang._(d.kind)}) {d.path} sha256:{d.sha256[:12]}" for d in line.documents
    ] or [lang._("  (none)")]
    return out


def _describe(doc: Document, lang: Language) -> str:
    validity: Validity | None = getattr(doc, "validity", None)
    if validity is None or isinstance(doc, Statute):
        return doc.id
    end = validity.end
    until = lang._("until {end}", end=end) if end else lang._("with no end date")
    kind = (
        "agreement"
        if isinstance(doc, Agreement)
        else "extension"
        if isinstance(doc, Extension)
        else doc.kind
    )
    return lang._(
        "{kind} {document} (from {start} {until})",
        kind=lang._(kind),
        document=doc.id,
        start=validity.start,
        until=until,
    )


def _step(
    number: int, step: Step, line: InvoiceLine, library: Library, lang: Language
) -> list[str]:
    out = [f" {number}. {step.rule} = {step.formula}", f"      = {lang.value(step.value)}"]
    expr = parse(step.formula)
    where = lang._("where")
    for name in sorted(dependencies(expr)):
        value = line.value(name)
        if name == "month":
            out.append(f"      {where} month = {line.month}")
        elif value is not None:
            out.append(f"      {where} {name} = {lang.value(value)}")
    for use in line.figures:
        if use.parameter in parameters_used(expr):
            out.append(f"      {where} {_figure(use, lang)}")
    source = lang._("source")
    out += [f"      {source}: {_citation(step, cite, library)}" for cite in step.cites]
    if step.assumes:
        out.append(lang._("      assumes: {assumptions}", assumptions=", ".join(step.assumes)))
    if "/" in exact(step.value):
        out.append(lang._("      (exactly {fraction}; not rounded)", fraction=exact(step.value)))
    return out


def _figure(use: FigureUse, lang: Language) -> str:
    figure = use.figure
    if figure is None or figure.value is None:
        return lang._("{parameter}[{key}] is missing", parameter=use.parameter, key=use.key)
    note = lang._(figure.status)
    if figure.illustrative:
        note += lang._(", illustrative — made up for examples")
    number = str(figure.value) if lang.english else lang.decimal(figure.value)
    unit = use.series.unit_text if lang.english else lang._(use.series.unit_text)
    value = f"{number} {unit}"
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


def _result(line: InvoiceLine, lang: Language) -> str:
    if line.status is LineStatus.NOT_COMPUTED or line.amount is None:
        return lang._("Result: not computed, because:")
    amount = f"{line.amount} kr" if lang.english else lang.amount(line.amount)
    if line.status is LineStatus.FINAL:
        return lang._("Result: net_amount = {amount} (final)", amount=amount)
    return lang._("Result: net_amount = {amount} (provisional, because:)", amount=amount)
