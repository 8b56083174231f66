"""Test figures: the dated figures a scenario test file (or one of its cases) fills in, checked.

A test figure fills, for these cases only, a figure that no real file gives a value for; one
that a real file does give is warned about and not used. Each is written as its parameter
needs (a year or a month as its key, a value in the parameter's unit).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from agreement_engine.agreements.documents import ParameterSeries
from agreement_engine.agreements.source import KeyPath
from agreement_engine.diagnostics import Diagnostic, did_you_mean, error, warning
from agreement_engine.formula import Amount, to_decimal
from agreement_engine.formula.types import describe
from agreement_engine.scenarios.cases import ScenarioFigure
from agreement_engine.scenarios.values import MONTH, as_written

if TYPE_CHECKING:
    from agreement_engine.scenarios.files import FileReader

_YEAR = re.compile(r"[0-9]{4}")


def read_figures(
    reader: FileReader, path: KeyPath
) -> tuple[dict[str, dict[str, ScenarioFigure]], list[Diagnostic]]:
    """The test figures under ``path`` (of the file, or of a case), checked."""
    node: Any = reader.data
    for key in path:  # through mappings by name, and the list of cases by index
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        else:
            node = None
    problems: list[Diagnostic] = []
    found: dict[str, dict[str, ScenarioFigure]] = {}
    series = reader.library.parameters
    for name, figures in (node or {}).items():
        if name not in series:
            hint = did_you_mean(name, series) or "the figures are " + ", ".join(sorted(series))
            where = reader.at((*path, name), key=True)
            problems.append(
                error(f"unknown figure '{name}'", where, hint=hint, code="unknown-name")
            )
            continue
        for key, written in figures.items():
            figure = _figure(reader, series[name], (*path, name, key), key, written, problems)
            if figure is not None:
                found.setdefault(name, {})[key] = figure
    return found, problems


def _figure(
    reader: FileReader,
    series: ParameterSeries,
    path: KeyPath,
    key: str,
    written: object,
    problems: list[Diagnostic],
) -> ScenarioFigure | None:
    pattern, example = (_YEAR, "2021") if series.period == "year" else (MONTH, "2023-11")
    if not pattern.fullmatch(key):
        problems.append(
            error(
                f"the figures of '{series.name}' are kept by {series.period}: write the "
                f"{series.period} like {example}, not '{key}'",
                reader.at(path, key=True),
                code="invalid-value",
            )
        )
        return None
    where = reader.at(path)
    value = reader.value(series.name, written, where, problems)
    if value is None:
        return None
    number = to_decimal(value.value) if isinstance(value, Amount) else None
    if not isinstance(value, Amount) or value.unit != series.unit or number is None:
        problems.append(
            error(
                f"'{series.name}' is {describe(series.unit)}, so its figure must be too, "
                f"written as a decimal, not '{as_written(written)}'",
                where,
                hint=f"for example: {key}: {_example_figure(series)}",
                code="invalid-value",
            )
        )
        return None
    real = series.figures.get(key)
    if real is not None and real.value is not None:
        problems.append(
            warning(
                f"the real figure {series.name} for {key} is known ({real.value} "
                f"{series.unit_text}, {real.document}), so this test figure is not used",
                where,
                hint="test figures only fill figures that no real file gives a value for; "
                "remove this one",
                code="test-figure-unused",
            )
        )
    return ScenarioFigure(series.name, key, number, where)


def _example_figure(series: ParameterSeries) -> str:
    """A figure written as this parameter needs, for hints."""
    examples = {"kr/day": "11000 kr/day", "kr": "100000 kr", "days": "5.6 days", "day": "5.6 days"}
    return examples.get(series.unit_text, "0.35")


def merged(
    first: Mapping[str, Mapping[str, ScenarioFigure]],
    then: Mapping[str, Mapping[str, ScenarioFigure]],
) -> dict[str, dict[str, ScenarioFigure]]:
    """The file's test figures with a case's own on top."""
    merged = {name: dict(figures) for name, figures in first.items()}
    for name, figures in then.items():
        merged.setdefault(name, {}).update(figures)
    return merged
