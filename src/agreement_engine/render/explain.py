"""The derivation of one municipality's month, step by step, for ``agreement-engine explain``.

Finance must be able to explain every krona: which documents govern the month and why, the
figures that went in, each rule's formula with the values it used and gave, the clause it comes
from, and the readings of ambiguous text it relies on.
"""

from __future__ import annotations

from agreement_engine.agreements.documents import (
    Agreement,
    Citation,
    Counting,
    Document,
    Extension,
    Routine,
    Rule,
    Statute,
    Validity,
)
from agreement_engine.agreements.library import Library
from agreement_engine.billing.evaluation import FigureUse
from agreement_engine.billing.inputs import Origin
from agreement_engine.billing.lines import InvoiceLine, LineStatus, Read, Step, one_line
from agreement_engine.billing.ruleset import dependencies
from agreement_engine.billing.timeline import Status
from agreement_engine.formula import ast
from agreement_engine.formula.ast import parameters_used
from agreement_engine.formula.values import exact
from agreement_engine.render.i18n import ENGLISH, Language


def explain(
    line: InvoiceLine, library: Library, origin: Origin | None = None, lang: Language = ENGLISH
) -> str:
    """The whole derivation of a line as text; ``origin`` says where its inputs come from."""
    out = [f"{line.municipality}, {line.month}", _readings(library, lang), ""]
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
    relied = dict.fromkeys([*line.assumptions, *(a for a, _ in line.readings)])
    if relied:
        out += ["", lang._("Assumptions relied on (declared readings of ambiguous text):")]
        out += [_assumption(assumption_id, library, lang) for assumption_id in relied]
    return "\n".join(out) + "\n"


def _readings(library: Library, lang: Language) -> str:
    """Which readings the line is computed under."""
    chosen = "; ".join(f"{a}={r}" for a, r in library.readings)
    if not chosen:
        return lang._(
            "Readings: the agreement files' own (agreement-engine readings shows the others)"
        )
    return lang._("Readings: {chosen}; the files' own for every other assumption", chosen=chosen)


def _assumption(assumption_id: str, library: Library, lang: Language) -> str:
    """An assumption relied on, by the reading the line is computed under."""
    assumption = library.assumptions.get(assumption_id)
    if assumption is None:
        not_declared = lang._("(not declared)")
        return f"  {assumption_id}: {not_declared}"
    chosen = library.reading(assumption_id)
    alternative = assumption.alternative(chosen)
    if alternative is None:
        return f"  {assumption_id} [{chosen}]: {' '.join(assumption.reading.split())}"
    text = " ".join(alternative.reading.split())
    instead = lang._(
        "{chosen}, chosen instead of {default}", chosen=chosen, default=assumption.default
    )
    return f"  {assumption_id} [{instead}]: {text}"


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
        for document, parties in candidate.inferred:
            out.append(
                lang._(
                    "  The approval of {document} by {parties} is inferred: no decision is on "
                    "record.",
                    document=document,
                    parties=", ".join(parties),
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
            out += [
                lang._(
                    "  The approval of {document} by {parties} is inferred: no decision is on "
                    "record.",
                    document=document,
                    parties=", ".join(parties),
                )
                for document, parties in candidate.inferred
            ]
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


def _tree(step: Step, library: Library) -> ast.Expr:
    """The step's formula as a tree: its rule's own, compiled when the files were loaded (so
    that explaining needs no parser), else parsed from the text."""
    document = library.by_id(step.document)
    rules: list[Rule] = list(getattr(document, "rules", {}).values())
    counting: Counting | None = getattr(document, "counting", None)
    if counting is not None:
        rules += [counting.month, *counting.rules.values(), *counting.aggregates.values()]
    for rule in rules:
        same = rule.name == step.rule and one_line(rule.formula.text) == step.formula
        if same and rule.formula.expr is not None:
            return rule.formula.expr
    from agreement_engine.formula.parser import parse

    return parse(step.formula)


def _step(
    number: int, step: Step, line: InvoiceLine, library: Library, lang: Language
) -> list[str]:
    out = [f" {number}. {step.rule} = {step.formula}", f"      = {lang.value(step.value)}"]
    if step.record.reading is not None:
        chosen = lang._(
            "      reading: {reading} (a rule of the reading chosen)", reading=step.record.reading
        )
        out.append(chosen)
    expr = _tree(step, library)
    where = lang._("where")
    reads = [read for read in line.across if read.rule == step.rule]
    for name in sorted(_same_month(expr) if reads else dependencies(expr)):
        value = line.value(name)
        if name == "month":
            out.append(f"      {where} month = {line.month}")
        elif value is not None:
            out.append(f"      {where} {name} = {lang.value(value)}")
    for use in line.figures:
        if use.parameter in parameters_used(expr):
            out.append(f"      {where} {_figure(use, lang)}")
    out += _month_by_month(reads, line, lang)
    source = lang._("source")
    out += [f"      {source}: {_citation(step, cite, library)}" for cite in step.cites]
    if step.assumes:
        out.append(lang._("      assumes: {assumptions}", assumptions=", ".join(step.assumes)))
    if "/" in exact(step.value):
        out.append(lang._("      (exactly {fraction}; not rounded)", fraction=exact(step.value)))
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


def _month_by_month(reads: list[Read], line: InvoiceLine, lang: Language) -> list[str]:
    """What a rule read month by month (a window, a look-up by month), with the inputs of each
    month other than the line's own."""
    if not reads:
        return []
    out = [lang._("      month by month:")]
    for read in reads:
        at = lang._("at")
        out.append(f"        {read.expression} {at} {read.month} = {lang.value(read.value)}")
        if read.month != line.month and read.inputs:
            given = ", ".join(
                f"{name} = {lang.value(value)}" for name, value in read.inputs.items()
            )
            out.append(
                lang._("          inputs at {month}: {given}", month=read.month, given=given)
            )
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
