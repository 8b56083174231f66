"""Plain CSV lines, split a run at a time and handed over a column at a time.

A plain line has no double quote and exactly one field per column of the header: its fields are
``line.split(separator)``, as :meth:`.CsvText.record` would give them. The lines that are not
plain are found once for the whole file; the plain lines between two of them (a run) are joined
by the separator and split again in one call, and each column taken as a slice of that list.
Reading a file a column at a time lets a reader look up what each text stands for with ``map``
over a column, rather than field by field: a national file of 14 800 lines splits in about
3 ms so, against 6 ms line by line.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from itertools import compress, repeat
from operator import contains, ne

from agreement_engine.data.dialect import SPACES

RUN_LINES = 4096
"""The most lines taken in one run: the fields of a run are all made at once, and those of a
few thousand lines stay in the processor's cache (a run of all 145 300 lines of a file read
slower than line by line)."""


class PlainLines:
    """The plain lines of a CSV file's body, from ``start`` on: see the module's docstring.

    ``columns`` is how many the header has; ``unnamed``, the columns without a name, whose
    values a reader warns about: a line that fills one is not plain either. ``quoted`` is False
    for lines known to hold no double quote (:attr:`.CsvText.quoted`), which are not searched
    for one.
    """

    def __init__(
        self,
        lines: Sequence[str],
        start: int,
        separator: str,
        columns: int,
        unnamed: tuple[int, ...],
        quoted: bool = True,
    ) -> None:
        self.lines, self.separator, self.columns = lines, separator, columns
        self._others = _not_plain(lines, start, separator, columns, unnamed, quoted)

    def run(self, start: int, wanted: Sequence[int]) -> tuple[int, list[Sequence[str]]]:
        """The plain lines from ``lines[start]`` up to the first that is not, or at most
        :data:`RUN_LINES` of them: where the run ends (``start`` when that line is not plain),
        and the fields of the columns ``wanted``, one list each, in the order of the lines. A
        column the file lacks (an index past the last) is read as empty on every line."""
        end = min(self._others[bisect_left(self._others, start)], start + RUN_LINES)
        count, columns = end - start, self.columns
        if not count:
            return end, [[] for _ in wanted]
        fields = self.separator.join(self.lines[start:end]).split(self.separator)
        return end, [fields[at::columns] if at < columns else [""] * count for at in wanted]


def _not_plain(
    lines: Sequence[str],
    start: int,
    separator: str,
    columns: int,
    unnamed: tuple[int, ...],
    quoted: bool,
) -> list[int]:
    """The indexes of the lines from ``start`` on that are not plain, in order, and then
    ``len(lines)``: those with a double quote (looked for when the lines may be ``quoted``), not
    ``columns - 1`` separators, or a value in a column without a name. Found with ``map`` and
    ``compress`` over the lines, which run in C: a loop over 14 800 lines took longer than
    reading them."""
    body = lines[start:]
    indexes = range(start, len(lines))
    counts = map(str.count, body, repeat(separator))
    others = {*compress(indexes, map(ne, counts, repeat(columns - 1)))}
    if quoted:  # not when the file holds no quote (most): 2 906 x 50 months, 4.6 ms
        others.update(compress(indexes, map(contains, body, repeat('"'))))
    if unnamed:  # rare: a file with a column without a name
        others.update(
            index
            for index in indexes
            if index not in others and _fills(lines[index].split(separator), unnamed)
        )
    return sorted({*others, len(lines)})


def _fills(fields: list[str], unnamed: tuple[int, ...]) -> bool:
    """Whether a line's fields hold a value in a column without a name."""
    return any(fields[at].strip(SPACES) for at in unnamed)
