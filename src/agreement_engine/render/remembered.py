"""Cells of ratios remembered through a run (:class:`Remembered`): a CSV of tens of thousands of
lines writes the same averages, excesses and whole numbers month after month, and looks each
distinct one's cell up rather than making it again; a column and its exact column remembered
together (:func:`in_pairs`), each ratio looked up once for both."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from agreement_engine.render.columns import MadeInPairs, MadeOfRatios, all_are

REMEMBERED = 1 << 15
"""How many ratios' cells :class:`Remembered` keeps (a few megabytes), and a part's more."""


class Remembered:
    """Cells of ratios made by ``texts`` and remembered through a run, each distinct ratio made
    once: a column of averages repeats its values from month to month (2 906 municipalities
    over 50 months have 16 035 distinct averages of days in 145 300 lines), and looking a
    ratio's cell up is about a third of making it. Whole numbers (episodes, kronor) are looked
    up by themselves, in half the time ``str`` takes; a column of one value is made as
    ``texts`` makes it. About ``limit`` ratios and as many whole numbers are kept at most (all
    forgotten when more are), so that a run of any length holds a bounded number."""

    __slots__ = ("_limit", "_made", "_texts", "_wholes")

    def __init__(self, texts: MadeOfRatios, limit: int = REMEMBERED) -> None:
        self._texts = texts
        self._limit = limit
        self._made: dict[tuple[int, int], Any] = {}
        self._wholes: dict[int, Any] = {}

    def __call__(self, numerators: list[int], denominators: list[int]) -> list[Any]:
        if not numerators or (
            all_are(numerators, numerators[0]) and all_are(denominators, denominators[0])
        ):
            return self._texts(numerators, denominators)  # one text, repeated
        whole = all_are(denominators, 1)
        if whole:
            cells = list(map(self._wholes.get, numerators))
        else:
            cells = list(map(self._made.get, zip(numerators, denominators, strict=True)))
        if None in cells:  # some ratio's cell not made before
            self._make(cells, numerators, denominators, whole)
        return cells

    def _make(
        self, cells: list[Any], numerators: list[int], denominators: list[int], whole: bool
    ) -> None:
        """The cells not found (None) made, each distinct ratio once, and kept."""
        made: dict[Any, Any] = self._wholes if whole else self._made
        if len(made) > self._limit:
            made.clear()  # forgotten at once, rather than tracking which was used last
        rows = _missing(cells)
        keys: list[Any] = (
            [numerators[row] for row in rows]
            if whole
            else [(numerators[row], denominators[row]) for row in rows]
        )
        missing = list(dict.fromkeys(keys))
        ratios = [(key, 1) for key in missing] if whole else missing
        texts = self._texts([n for n, _ in ratios], [d for _, d in ratios])
        made.update(zip(missing, texts, strict=True))
        for row, key in zip(rows, keys, strict=True):
            cells[row] = made[key]


def _missing(cells: list[Any]) -> list[int]:
    """The rows of the cells not found (None), each found by ``list.index`` from the one before:
    one scan of the part in C, and a step of Python for each one missing (a few hundred of
    4 096 after the first parts), rather than a call of ``operator.is_`` for every cell."""
    rows: list[int] = []
    row = -1
    with suppress(ValueError):  # no more
        while True:
            row = cells.index(None, row + 1)
            rows.append(row)
    return rows


def in_pairs(rounded: MadeOfRatios, exact: MadeOfRatios, limit: int = REMEMBERED) -> MadeInPairs:
    """A column's cells by ``rounded`` and its exact column's by ``exact``, remembered through
    a run as a pair for each ratio (:class:`Remembered`): a CSV's averages and excesses have
    both, and a ratio looked up once for the two (and made once, when new) is about half the
    work of looking it up in each (2 906 x 50 months: 145 300 lines, two such columns)."""

    def both(numerators: list[int], denominators: list[int]) -> list[tuple[Any, Any]]:
        return list(
            zip(rounded(numerators, denominators), exact(numerators, denominators), strict=True)
        )

    remembered = Remembered(both, limit)

    def pairs(numerators: list[int], denominators: list[int]) -> tuple[list[Any], list[Any]]:
        made = remembered(numerators, denominators)
        if not made:
            return [], []
        cells, exact_cells = zip(*made, strict=True)  # the pairs taken apart, in C
        return list(cells), list(exact_cells)

    return pairs
