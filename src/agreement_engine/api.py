"""The engine as a Python library: what the command line does, as functions returning results.

Every command of ``agreement-engine`` is built on these functions and nothing else; a notebook or
another program calls them the same way. They take months as :class:`.YearMonth` and return
result objects; turning those into text, CSV, JSON or XLSX is :mod:`agreement_engine.render`'s
work. Problems in the files or the data raise :class:`.EngineError` (with every problem found),
a call that makes no sense raises :class:`.UsageError`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from agreement_engine.diagnostics import (
    Diagnostic,
    EngineError,
    Severity,
    UsageError,
    did_you_mean,
)
from agreement_engine.frozen import frozen
from agreement_engine.months import YearMonth

if TYPE_CHECKING:
    import polars as pl

    from agreement_engine.agreements.library import Library
    from agreement_engine.agreements.yaml_document import YamlDocument
    from agreement_engine.billing.inputs import AggregateData, Billing, EpisodeData
    from agreement_engine.billing.lines import InvoiceBasis, InvoiceLine, LineStatus
    from agreement_engine.data import DataFile, Reading, ReadReport
    from agreement_engine.ledger import Billed, Ledger
    from agreement_engine.render.i18n import Language
    from agreement_engine.review.diff import Diff
    from agreement_engine.review.impact import Impact
    from agreement_engine.review.sensitivity import Sensitivity
    from agreement_engine.review.timeline import Timeline
    from agreement_engine.scenarios.cases import ScenarioRun

__all__ = [
    "DEFAULT_AGREEMENTS",
    "CheckReport",
    "Comparison",
    "Evaluation",
    "InvoiceBasis",
    "InvoiceLine",
    "LineStatus",
    "Progress",
    "Report",
    "canonical_text",
    "check",
    "diff",
    "evaluate",
    "explain",
    "find_municipality",
    "git_setup",
    "load_library",
    "readings",
    "report",
    "run_tests",
    "timeline",
    "to_polars",
    "without_cache",
]

DEFAULT_AGREEMENTS = "agreements"
AGREEMENT_ERRORS = Diagnostic(
    Severity.NOTE,
    "nothing was computed, because the agreement files have errors",
    hint="run 'agreement-engine check' on them and fix the errors first",
    code="agreements-have-errors",
)
CROSS_FILE_SKIPPED = Diagnostic(
    Severity.NOTE,
    "references between files and the timeline were not checked, because of the errors above",
    hint="fix those errors and run check again",
    code="cross-file-skipped",
)
Progress = Callable[[YearMonth, int, int], None]
"""Told each month as billing starts it: the month, its number, how many months there are."""
Readings = Mapping[str, str]
"""Readings chosen, other than the agreements' own: an alternative's id by its assumption's id
(``{"benchmark-2024": "2021-average-from-2024"}``, as ``--reading`` gives them)."""


# -- agreement files ------------------------------------------------------------------------------


@frozen
class CheckReport:
    """What ``check`` found: the agreement files checked and every problem, in order."""

    files: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(not d.is_error for d in self.diagnostics)


def check(paths: Sequence[str] = (DEFAULT_AGREEMENTS,)) -> CheckReport:
    """Load and check agreement files: schema, formulas, references and the timeline.

    Paths that do not exist or hold no agreement file are wrong usage (:class:`UsageError`);
    a scenario test file among the files is passed over with a note saying so.
    """
    from agreement_engine.agreements.cache import AgreementSet

    found = _agreement_files(paths)
    agreement_set = AgreementSet([str(f) for f in found], {})  # not walked again
    cached = agreement_set.cached()
    library, problems = (cached, []) if cached is not None else agreement_set.load()
    _refuse_only_scenario_files(library, found, paths)
    skipped = {yaml.path for yaml in library.skipped}
    files = tuple(str(f) for f in found if str(f) not in skipped)
    if agreement_set.checked is not None:  # what checking these files found, kept
        problems = list(agreement_set.checked)
    elif any(d.is_error for d in problems):
        # Checks across files would only echo these errors (a file that cannot be read is missing
        # from the timeline, its assumptions unknown to the others): fix these first.
        problems.append(CROSS_FILE_SKIPPED)
    else:
        from agreement_engine.review.checks import check_library

        problems = problems + check_library(library)
        if not any(d.is_error for d in problems):
            agreement_set.store(library, checked=problems)
    problems += [_skipped_note(yaml) for yaml in library.skipped]
    return CheckReport(files, tuple(problems))


def load_library(
    paths: Sequence[str] = (DEFAULT_AGREEMENTS,), readings: Readings | None = None
) -> Library:
    """The agreement files, checked, as the ``readings`` chosen would have them (the files' own
    readings for the others); :class:`EngineError` with their errors if they have any: nothing
    is billed from bad files.

    Paths that do not exist or hold no agreement file, and readings that name no assumption or
    alternative (or one without rules), are wrong usage (:class:`UsageError`), with a
    did-you-mean.
    """
    from agreement_engine.agreements.cache import AgreementSet
    from agreement_engine.agreements.readings import under_readings

    found = _agreement_files(paths)
    agreement_set = AgreementSet([str(f) for f in found], readings or {})
    cached = agreement_set.cached()  # checked clean when it was stored
    if cached is not None:
        _refuse_only_scenario_files(cached, found, paths)
        return under_readings(cached, readings or {})
    from agreement_engine.review.checks import check_library

    written, problems = agreement_set.load()
    _refuse_only_scenario_files(written, found, paths)
    library = written
    if not any(d.is_error for d in problems):
        library = under_readings(written, readings or {})
        problems = check_library(library, warnings=False, alternatives=False)
    errors = [d for d in problems if d.is_error]
    if errors:
        raise EngineError([*errors, AGREEMENT_ERRORS])
    agreement_set.store(written)
    return library


@contextmanager
def without_cache() -> Iterator[None]:
    """Within, agreement files are loaded and checked afresh: the cache of checked agreement
    sets (:mod:`agreement_engine.agreements.cache`) is neither read nor written, as with the
    environment variable ``AGREEMENT_ENGINE_CACHE=off``."""
    from agreement_engine.agreements.cache import disabled

    with disabled():
        yield


def _agreement_files(paths: Sequence[str]) -> list[Path]:
    """The YAML files the paths name or hold; UsageError for a path that is missing or empty."""
    from agreement_engine.agreements.library import find_files

    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if not os.path.lexists(path):  # a link, pipe or device is found: reading says what it is
            raise UsageError(
                f"no such file or folder: {name}\n"
                "hint: give the folder of agreement files, like agreements/"
            )
        files = find_files([name])
        if not files:
            raise UsageError(
                f"no agreement files in {name}\n"
                "hint: give the folder that holds the agreement .yaml files, like agreements/"
            )
        found += files
    return sorted(dict.fromkeys(found))


def _refuse_only_scenario_files(
    library: Library, found: Sequence[Path], paths: Sequence[str]
) -> None:
    """UsageError when every file given is a scenario test file: there is nothing to check."""
    if not library.skipped or len(library.skipped) < len(found):
        return
    given = " ".join(paths)
    if len(paths) == 1 and len(found) == 1 and Path(paths[0]).is_file():
        problem = f"{given} is a scenario test file, not an agreement file"
    else:
        problem = f"{given} holds scenario test files only, no agreement files"
    raise UsageError(f"{problem}\nhint: scenario tests are run by 'agreement-engine test {given}'")


def _skipped_note(yaml: YamlDocument) -> Diagnostic:
    return Diagnostic(
        Severity.NOTE,
        "skipped: this is a scenario test file, not an agreement file",
        yaml.locate(("format",)),
        hint=f"scenario tests are run by 'agreement-engine test {yaml.path}'",
        code="scenario-file-skipped",
    )


# -- billing --------------------------------------------------------------------------------------


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
    return _evaluate(
        data,
        first,
        last,
        agreements=agreements,
        assume_approved=assume_approved,
        municipality=municipality,
        progress=progress,
        readings=readings,
    )


def _evaluate(
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
    """:func:`evaluate`; with ``keep_counted``, an extract's rows as its counting reads them are
    kept from the pass that checks it (:attr:`.Episodes.kept`): the ledger records each line's
    episodes from them, without reading the file again."""
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


@frozen
class Report:
    """What the report shows: an evaluation, and the timeline of its months (what governs)."""

    evaluation: Evaluation
    timeline: Timeline


def report(
    data: str,
    first: YearMonth,
    last: YearMonth | None = None,
    *,
    agreements: Sequence[str] = (DEFAULT_AGREEMENTS,),
    assume_approved: bool = False,
    progress: Progress | None = None,
    readings: Readings | None = None,
) -> Report:
    """The months ``first`` to ``last`` billed (as :func:`evaluate` bills them, under the
    ``readings`` chosen), and what governs them, for the report
    (:func:`agreement_engine.render.report.render_report`)."""
    from agreement_engine.review.timeline import build_timeline

    run = evaluate(
        data,
        first,
        last,
        agreements=agreements,
        assume_approved=assume_approved,
        progress=progress,
        readings=readings,
    )
    return Report(run, build_timeline(run.library, first, last or first))


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


def explain(evaluation: Evaluation, municipality: str, lang: Language | None = None) -> str:
    """The derivation of each of a municipality's months, step by step, as text (in English,
    or the language given: :func:`agreement_engine.render.i18n.language`)."""
    from agreement_engine.render.explain import explain as explain_line
    from agreement_engine.render.i18n import ENGLISH

    source = evaluation.source
    return "\n".join(
        explain_line(
            line,
            evaluation.library,
            source.origin(municipality, line.month) if source else None,
            lang or ENGLISH,
        )
        for line in evaluation.lines_of(municipality)
    )


def to_polars(basis: InvoiceBasis) -> pl.DataFrame:
    """The invoice basis as a polars DataFrame: one row per line, the amounts as exact
    decimals (``pl.Decimal``), the status and its reasons, the documents that govern."""
    import polars as pl

    from agreement_engine.billing.lines import COLUMNS
    from agreement_engine.formula.values import exact

    rows = []
    for line in basis.lines:
        row: dict[str, object] = {
            "municipality": line.municipality,
            "month": str(line.month),
            "governed_by": " + ".join(d.id for d in line.documents),
            "status": line.status.value,
            "reasons": list(line.reasons),
            "amount": line.amount,
        }
        for name in COLUMNS:
            value = line.value(name)
            row[name] = exact(value) if value is not None else None
        rows.append(row)
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "municipality": pl.String,
        "month": pl.String,
        "governed_by": pl.String,
        "status": pl.String,
        "reasons": pl.List(pl.String),
        "amount": pl.Decimal(scale=2),
        **dict.fromkeys(COLUMNS, pl.String),
    }
    return pl.DataFrame(rows, schema=schema)


# -- review ---------------------------------------------------------------------------------------


def timeline(
    agreements: Sequence[str] = (DEFAULT_AGREEMENTS,),
    first: YearMonth | None = None,
    last: YearMonth | None = None,
    readings: Readings | None = None,
) -> Timeline:
    """What governs each month for each municipality, by default over the agreements' months
    plus one either side, under the ``readings`` chosen."""
    from agreement_engine.review.timeline import build_timeline, default_range

    library = load_library(agreements, readings)
    default = default_range(library)
    if default is None:
        raise UsageError(
            "no agreement is loaded, so there is no municipality to show; "
            "give the folder of agreement files, like agreements/"
        )
    start, end = _timeline_range(first, last, default)
    return build_timeline(library, start, end)


def _timeline_range(
    start: YearMonth | None, end: YearMonth | None, default: tuple[YearMonth, YearMonth]
) -> tuple[YearMonth, YearMonth]:
    first, last = start or default[0], end or default[1]
    if last < first:
        if start is not None and end is not None:
            raise UsageError(f"--to {last} is before --from {first}")
        if end is not None:
            raise UsageError(
                f"--to {last} is before {first}, where the timeline starts by default; "
                "give --from as well"
            )
        raise UsageError(
            f"--from {first} is after {last}, where the timeline ends by default; give --to as well"
        )
    return first, last


def readings(
    data: str,
    first: YearMonth,
    last: YearMonth | None = None,
    *,
    agreements: Sequence[str] = (DEFAULT_AGREEMENTS,),
    assume_approved: bool = False,
) -> Sensitivity:
    """For every assumption with alternatives, the months ``first`` to ``last`` billed under
    each alternative that has rules, beside the agreements' own reading, on one data file
    (read as :func:`evaluate` reads it)."""
    from agreement_engine.review.sensitivity import weigh

    if not data:
        raise UsageError("--data needs the name of a data file")
    end = last if last is not None else first
    if end < first:
        raise UsageError(f"--to {end} is before --month {first}")
    library = load_library(agreements)
    months = YearMonth.range(first, end)
    return weigh(library, data, months, library.municipalities, assume_approved=assume_approved)


@frozen
class Comparison:
    """Two versions of agreement files compared by meaning, and, when data was given, what the
    change does to each municipality's money."""

    diff: Diff
    impact: Impact | None


def diff(
    old: str,
    new: str,
    *,
    rev: str | None = None,
    impact_data: str | None = None,
    context: Sequence[str] = (),
    assume_approved: bool = False,
) -> Comparison:
    """What changed in meaning between two versions of agreement files (files, folders, or
    git revisions with ``rev``); ``impact_data`` bills both versions on that data; ``context``
    names the rest of the library that both versions share."""
    from agreement_engine.review.compare import compare_versions

    found, impact = compare_versions(old, new, rev, impact_data, assume_approved, context)
    return Comparison(found, impact)


def run_tests(
    paths: Sequence[str] = (DEFAULT_AGREEMENTS,),
    agreements: Sequence[str] = (DEFAULT_AGREEMENTS,),
) -> ScenarioRun:
    """Run every case of the scenario test files found under ``paths`` against the agreement
    files (loaded as :func:`evaluate` loads them)."""
    from agreement_engine.scenarios.files import find_test_files
    from agreement_engine.scenarios.run import run_tests as run

    files = find_test_files(paths)
    return run(files, load_library(agreements))


def canonical_text(path: str) -> str:
    """One agreement file's meaning as sorted ``key: value`` lines, for ``git diff``."""
    from agreement_engine.review.revisions import canonical_text as text_of

    return text_of(path)


def git_setup() -> str:
    """The commands that make ``git diff`` show agreement files by meaning."""
    from agreement_engine.review.revisions import git_setup_text

    return git_setup_text()


# -- the invoice ledger ---------------------------------------------------------------------------


def open_ledger(where: str) -> Ledger:
    """The invoice ledger ``where`` names: an SQLite file path (made on the first draft),
    ``sqlite:///path`` or ``postgresql://user:password@host/database``. Each method of the
    :class:`~agreement_engine.ledger.Ledger` is one action (draft, adjust, send, correct, stale,
    entries, documents, show, verify), billing data files as :func:`evaluate` does."""
    from agreement_engine.ledger import Ledger

    if not where:
        raise UsageError("--ledger needs a file path or a database URL")
    return Ledger(where, _LedgerEngine())


class _LedgerEngine:
    """Billing for the ledger, as :func:`evaluate` does it (see :class:`.ledger.Engine`)."""

    def bill(
        self,
        data: str,
        first: YearMonth,
        last: YearMonth | None,
        *,
        agreements: Sequence[str],
        assume_approved: bool,
        municipality: str | None,
    ) -> Billed:
        from agreement_engine.ledger import Billed

        run = _evaluate(
            data,
            first,
            last,
            agreements=agreements,
            assume_approved=assume_approved,
            municipality=municipality,
            keep_counted=True,  # each line's episodes are recorded: not read from the file again
        )
        return Billed(run.basis, run.source, data, run.data_sha256(), run.report, run.warnings)

    def load(self, agreements: Sequence[str]) -> Library:
        return load_library(agreements)


def __getattr__(name: str) -> object:
    """The invoice basis's names, re-exported here, imported from billing when first used."""
    if name in ("InvoiceBasis", "InvoiceLine", "LineStatus"):
        from agreement_engine.billing import lines

        value = getattr(lines, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'agreement_engine.api' has no attribute '{name}'")
