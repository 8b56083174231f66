"""Billing through the public API: a data file billed for months under the agreement files
(``evaluate``), giving an :class:`Evaluation`, and the municipality a name means
(``find_municipality``).

What the data file is, is told once, before the agreements load; it is read as aggregates or as
an episode-level extract, and billed, here. What is made from an evaluation afterwards (the
report, the derivation as text, a DataFrame) is :mod:`.views`'.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from agreement_engine.api.library import DEFAULT_AGREEMENTS, Readings, load_library
from agreement_engine.diagnostics import Diagnostic, EngineError, UsageError, did_you_mean
from agreement_engine.frozen import frozen
from agreement_engine.months import YearMonth

if TYPE_CHECKING:
    from agreement_engine.agreements.library import Library
    from agreement_engine.billing.inputs import AggregateData, Billing, EpisodeData
    from agreement_engine.billing.lines import InvoiceBasis, InvoiceLine
    from agreement_engine.data import DataFile, Reading, ReadReport

Progress = Callable[[YearMonth, int, int], None]
"""Told each month as billing starts it: the month, its number, how many months there are."""


@frozen
class Evaluation:
    """An invoice basis and how it was made: the agreement files, and the data as read."""

    library: Library
    basis: InvoiceBasis
    report: ReadReport
    """What reading the data did: rows read, used and left out, and why."""
    warnings: tuple[Diagnostic, ...]
    source: AggregateData | EpisodeData | None = None
    """The data the lines were billed from (for where their aggregates came from)."""

    def lines_of(self, municipality: str) -> list[InvoiceLine]:
        """One municipality's lines, in month order."""
        return [line for line in self.basis.lines if line.municipality == municipality]

    def data_sha256(self) -> str:
        """The SHA-256 of the data file, as the documents have theirs."""
        digest = hashlib.sha256()
        with open(self.report.path, "rb") as file:
            while chunk := file.read(1 << 22):
                digest.update(chunk)
        return digest.hexdigest()


def evaluate(
    data: str,
    first: YearMonth,
    last: YearMonth | None = None,
    *,
    agreements: Sequence[str] = (DEFAULT_AGREEMENTS,),
    assume_approved: bool = False,
    municipality: str | None = None,
    progress: Progress | None = None,
    readings: Readings | None = None,
) -> Evaluation:
    """The invoice basis of the months ``first`` to ``last`` (or ``first`` alone), from a data
    file of monthly aggregates or an episode-level extract, under the agreement files as the
    ``readings`` chosen have them.

    The agreement files are loaded first and must have no errors (:func:`load_library`).
    ``municipality`` bills that one only (spelt as data files may spell it). The temporary files
    that reading the data makes are removed before this returns or raises.
    """
    return evaluate_run(
        data,
        first,
        last,
        agreements=agreements,
        assume_approved=assume_approved,
        municipality=municipality,
        progress=progress,
        readings=readings,
    )


def evaluate_run(
    data: str,
    first: YearMonth,
    last: YearMonth | None = None,
    *,
    agreements: Sequence[str] = (DEFAULT_AGREEMENTS,),
    assume_approved: bool = False,
    municipality: str | None = None,
    progress: Progress | None = None,
    readings: Readings | None = None,
    keep_counted: bool = False,
) -> Evaluation:
    """:func:`evaluate`, for the API's own callers; with ``keep_counted``, an extract's rows as
    its counting reads them are kept from the pass that checks it (:attr:`.Episodes.kept`): the
    ledger records each line's episodes from them, without reading the file again."""
    if not data:
        raise UsageError("--data needs the name of a data file")
    end = last if last is not None else first
    if end < first:
        raise UsageError(f"--to {end} is before --month {first}")
    from agreement_engine.billing.inputs import Billing
    from agreement_engine.data import Kind, Reading

    with Reading() as reading:
        file = _sniff(data, reading)
        library = load_library(agreements, readings)
        municipalities = library.municipalities
        if municipality is not None:
            municipalities = [find_municipality(municipality, municipalities)]
        months = YearMonth.range(first, end)
        if isinstance(file, EngineError):  # said now, after the agreements' own problems
            raise file
        billing = Billing(library, months, municipalities, assume_approved)
        if file.kind is Kind.EPISODES:
            return _from_episodes(file, billing, progress, reading, keep_counted)
        return _from_aggregates(file, billing, progress)


def _sniff(data: str, reading: Reading) -> DataFile | EngineError:
    """What the data file is, told once for the run; a CSV extract's encoding is then worked out
    while the agreements load (:meth:`.Reading.read_ahead`). A data file with a problem is left
    to say so in its turn, after the agreements: its error is returned, to be raised then."""
    from agreement_engine.data import sniff

    try:
        file = sniff(data)
    except EngineError as problem:
        return problem
    reading.read_ahead(file)
    return file


def _from_episodes(
    file: DataFile,
    billing: Billing,
    progress: Progress | None,
    reading: Reading,
    keep_counted: bool = False,
) -> Evaluation:
    """Billed while the extract's last check runs; kept only once the extract has passed."""
    from agreement_engine.billing.counted_rows import counted_report
    from agreement_engine.billing.inputs import read_episode_data

    library = billing.library
    ([source], basis), report, warnings = read_episode_data(
        file,
        [billing],
        library.municipalities,
        lambda found: (found, _bill(billing, found[0], progress)),
        reading,
        keep_counted,
    )
    report = counted_report(report, basis, source)  # the rows the lines counted
    return Evaluation(library, basis, report, tuple(warnings), source)


def _from_aggregates(file: DataFile, billing: Billing, progress: Progress | None) -> Evaluation:
    from agreement_engine.billing.across import months_read
    from agreement_engine.billing.inputs import AggregateData
    from agreement_engine.data import read_aggregates

    months = billing.months
    first, end = months[0], months[-1]
    single = first if first == end else None
    within = months_read(billing.library, first, end)  # the months windows read, too
    if single is not None and within != (first, end):
        single = None if _has_months(file.path) else single
    figures, report, warnings = read_aggregates(
        file.path,
        month=single,
        municipalities=billing.library.municipalities,
        within=None if single else within,
    )
    aggregates = AggregateData.of(figures)
    basis = _bill(billing, aggregates, progress)
    return Evaluation(billing.library, basis, report, tuple(warnings), aggregates)


def _has_months(data: str) -> bool:
    """Whether a monthly aggregates file has a month column (else it holds one month)."""
    from agreement_engine.data import read_aggregates

    try:
        read_aggregates(data, municipalities=None)
    except EngineError as exc:
        return not any(d.code == "data-no-month" for d in exc.diagnostics)
    return True


def _bill(
    billing: Billing, source: AggregateData | EpisodeData, progress: Progress | None
) -> InvoiceBasis:
    from agreement_engine.billing.bill import bill

    return bill(
        billing.library,
        source,
        billing.months,
        billing.municipalities,
        assume_approved=billing.assume_approved,
        progress=progress,
    )


def find_municipality(name: str, known: Sequence[str]) -> str:
    """The municipality ``name`` names, spelt as data files may spell it ('hylte', ' Hylte ',
    'Hylte kommun'); else wrong usage, with a suggestion."""
    from agreement_engine.data.dialect import match_municipality

    found = match_municipality(name, known)
    if found is not None:
        return found
    hint = did_you_mean(name, known) or "the municipalities are: " + ", ".join(known)
    raise UsageError(f"unknown municipality '{name}'; {hint}")
