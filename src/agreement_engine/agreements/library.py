"""Loading a set of agreement files from files and folders into one :class:`Library`."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from agreement_engine.agreements.documents import (
    Agreement,
    Assumption,
    Document,
    Extension,
    ParameterSeries,
    ParameterSet,
    Routine,
    Statute,
    build,
)
from agreement_engine.agreements.yaml_document import YamlDocument
from agreement_engine.diagnostics import Diagnostic, EngineError, error
from agreement_engine.formula.ast import Expr
from agreement_engine.frozen import replace

_D = TypeVar("_D", bound=Document)

YAML_SUFFIXES = (".yaml", ".yml")
# Folders of scenario tests sit beside agreements; they are not agreement documents.
SKIPPED_FOLDERS = ("tests",)
TESTS_FORMAT = "agreement-engine-tests/"


@dataclass(frozen=True, eq=False)
class Library:
    """Every document loaded, by kind, in a stable order (by file path).

    What is derived from the documents is computed once (cached), so that billing thousands of
    lines does not recompute it; a Library is compared and hashed by identity.
    """

    documents: tuple[Document, ...]
    skipped: tuple[YamlDocument, ...] = ()
    """Scenario test files met among the agreement files: read, but passed over."""
    readings: tuple[tuple[str, str], ...] = ()
    """The readings chosen (assumption id, alternative id) other than the files' own, when the
    documents are as those readings would have them (:mod:`.readings`)."""
    bundled: Library | None = None
    """The library as its files read, when readings were chosen."""

    @property
    def as_written(self) -> Library:
        """The library as its files read, before any reading was chosen."""
        return self.bundled or self

    def of_kind(self, kind: type[_D]) -> list[_D]:
        return [d for d in self.documents if isinstance(d, kind)]

    @cached_property
    def agreements(self) -> list[Agreement]:
        return self.of_kind(Agreement)

    @cached_property
    def extensions(self) -> list[Extension]:
        return self.of_kind(Extension)

    @cached_property
    def routines(self) -> list[Routine]:
        return self.of_kind(Routine)

    @cached_property
    def statutes(self) -> list[Statute]:
        return self.of_kind(Statute)

    def by_id(self, document_id: str) -> Document | None:
        return next((d for d in self.documents if d.id == document_id), None)

    @cached_property
    def assumptions(self) -> dict[str, Assumption]:
        return {a.id: a for d in self.documents for a in d.assumptions}

    def reading(self, assumption_id: str) -> str:
        """The reading of an assumption the documents are as: the one chosen, or the rules'
        own (its ``default``)."""
        chosen = dict(self.readings).get(assumption_id)
        if chosen is not None:
            return chosen
        assumption = self.assumptions.get(assumption_id)
        return assumption.default if assumption is not None else ""

    @cached_property
    def parameters(self) -> dict[str, ParameterSeries]:
        """Every parameter series by name, the figures of all files merged.

        A figure with a value wins over a missing one; an illustrative file (made-up figures for
        examples) only fills figures that no real file gives a value for.
        """
        out: dict[str, ParameterSeries] = {}
        sets = sorted(self.of_kind(ParameterSet), key=lambda s: s.illustrative)
        for parameter_set in sets:
            for name, series in parameter_set.parameters.items():
                if name not in out:
                    out[name] = series
                    continue
                figures = dict(out[name].figures)
                for key, figure in series.figures.items():
                    known = figures.get(key)
                    if known is None or (known.value is None and figure.value is not None):
                        figures[key] = figure
                out[name] = replace(out[name], figures=figures)
        return out

    @cached_property
    def municipalities(self) -> list[str]:
        """Every municipality named by an agreement, in order of first mention."""
        seen: dict[str, None] = {}
        for agreement in self.agreements:
            seen.update(dict.fromkeys(agreement.municipalities))
        return list(seen)


def find_files(paths: Iterable[str]) -> list[Path]:
    """The YAML files named, or found below the folders named, sorted; missing paths raise.

    Every entry named ``*.yaml`` or ``*.yml`` but a folder is found, a link that leads nowhere,
    a pipe or a device too: reading it says what it is (:func:`.yamlsource.read_text`), so that
    no file is passed over without a word.
    """
    files: list[Path] = []
    problems: list[Diagnostic] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.suffix in YAML_SUFFIXES
                and not p.is_dir()
                and not any(part in SKIPPED_FOLDERS for part in p.relative_to(path).parts[:-1])
            )
        elif os.path.lexists(path):
            files.append(path)
        else:
            problems.append(
                error(
                    f"no such file or folder: {name}",
                    hint="give the folder of agreement files, like agreements/",
                    code="no-such-path",
                )
            )
    if problems:
        raise EngineError(problems)
    return sorted(dict.fromkeys(files))


def is_scenario_file(yaml: YamlDocument) -> bool:
    """Whether a loaded file is a scenario test file (format agreement-engine-tests/…)."""
    data = yaml.data
    return isinstance(data, dict) and str(data.get("format", "")).startswith(TESTS_FORMAT)


def load(paths: Sequence[str]) -> tuple[Library, list[Diagnostic]]:
    """Every document that could be read, and every problem met while reading them."""
    from agreement_engine.agreements.source import read_yaml

    documents: list[Document] = []
    skipped: list[YamlDocument] = []
    problems: list[Diagnostic] = []
    for file in find_files(paths):
        try:
            yaml = read_yaml(str(file))
        except EngineError as exc:
            problems.extend(exc.diagnostics)
            continue
        _add(yaml, documents, skipped, problems)
    return Library(tuple(documents), tuple(skipped)), problems


def load_texts(
    files: Iterable[tuple[str, str]], parse: Callable[[str], Expr] | None = None
) -> tuple[Library, list[Diagnostic]]:
    """Like :func:`load`, for files given as (path, text) pairs: e.g. read from a git revision,
    or read once to be hashed (:mod:`.cache`); formulas parsed by ``parse`` (by default, the
    language's parser).

    The path only names the file in problems; the files are taken in the order given.
    """
    from agreement_engine.agreements.source import load_yaml

    documents: list[Document] = []
    skipped: list[YamlDocument] = []
    problems: list[Diagnostic] = []
    for path, text in files:
        try:
            yaml = load_yaml(path, text)
        except EngineError as exc:
            problems.extend(exc.diagnostics)
            continue
        _add(yaml, documents, skipped, problems, parse)
    return Library(tuple(documents), tuple(skipped)), problems


def _add(
    yaml: YamlDocument,
    documents: list[Document],
    skipped: list[YamlDocument],
    problems: list[Diagnostic],
    parse: Callable[[str], Expr] | None = None,
) -> None:
    """Validate one loaded file and build its document, collecting the problems met.

    A scenario test file (format agreement-engine-tests/…) found among agreement files is not an
    agreement document: it is passed over, wherever it lies, and kept in ``skipped`` so that
    ``check`` can say so.
    """
    from agreement_engine.agreements.schema import validate

    if is_scenario_file(yaml):
        skipped.append(yaml)
        return
    schema_problems = validate(yaml)
    if schema_problems:
        problems.extend(schema_problems)
        return
    document, formula_problems = build(yaml, parse)
    documents.append(document)
    problems.extend(formula_problems)
