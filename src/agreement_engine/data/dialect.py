"""How Swedish spreadsheets spell values, and how to read them exactly.

These functions read the text of one field. Each returns the value or raises :class:`BadValue`,
whose ``expected`` completes the sentence "'Vårdtillfällen' must be …", so that the reader can say
which file, row and column the text came from.

Spellings accepted:

- numbers: ``12``, ``12,5`` or ``12.5`` (decimal comma or point), with optional spaces (also
  no-break spaces) between groups of three digits (``1 234,5``); never a sign, an exponent or
  both a thousands mark and a decimal mark. A whole number may be written with zero decimals
  (``12,0``), as spreadsheets often do. Values are :class:`~decimal.Decimal` or ``int``, never
  ``float``; the decimals as written are kept (``4,30`` has two). A reader whose numbers are
  counts may refuse those of more than :data:`MAX_DIGITS` digits (:func:`check_digits`).
- months: ``2026-03`` (also ``2026-3``), see :meth:`YearMonth.parse`.
- yes/no: ``ja``/``nej``, ``yes``/``no``, ``true``/``false``, ``sant``/``falskt``, ``1``/``0``, in
  any case; empty means not known.
- dates ``2026-03-15`` (also ``2026-3-5``); times of day ``13:45``, ``13:45:30`` or ``13.45``.
- municipality names: matched to the names asked for ignoring case and spaces, with or without
  a trailing ``kommun`` (``Varbergs kommun`` and ``Kungsbacka kommun`` are Varberg and
  Kungsbacka) and a leading four-digit municipality code (``1383 Varberg``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from agreement_engine.frozen import frozen
from agreement_engine.months import YearMonth

WHOLE_NUMBER = "a whole number"
NUMBER = "a number like 12 or 12,5"
NOT_NEGATIVE = "0 or more"
MONTH = "a month like 2026-03"
YES_NO = "ja or nej (or empty when not known)"
DATE = "a date like 2026-03-15"
TIME = "a time of day like 13:45"

MAX_DIGITS = 30
"""The most digits a count (of episodes or days, or their average) may be written with, before and
after the decimal mark together. No such count comes near it (all of Sweden's care in a century
is counted in fewer than 12 digits): a longer number is a slip, like a pasted identifier, and
refusing it keeps every figure small enough to check and show exactly."""

TRUE_WORDS = frozenset({"ja", "yes", "true", "sant", "1"})
FALSE_WORDS = frozenset({"nej", "no", "false", "falskt", "0"})

SPACES = " \t\r\n\u00a0\u202f"
"""The characters stripped from around every field: spaces (also no-break), tabs, line breaks."""

# Regular expressions shared with the vectorised episode reader (Rust regex syntax as well).
DATE_PATTERN = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$"
TIME_PATTERN = r"^[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2})?$"

_GROUP_SPACES = "\u0020\u00a0\u202f"
_NUMBER = re.compile(
    rf"(?P<minus>[-\u2212])?(?P<whole>[0-9]+|[0-9]{{1,3}}(?:[{_GROUP_SPACES}][0-9]{{3}})+)"
    r"(?:[.,](?P<fraction>[0-9]+))?"
)
_GROUP_SPACE = re.compile(f"[{_GROUP_SPACES}]")


class BadValue(ValueError):
    """A field's text does not spell what its column needs."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


class TooManyDigits(BadValue):
    """A number written with more than :data:`MAX_DIGITS` digits; ``digits`` says how many."""

    def __init__(self, digits: int) -> None:
        super().__init__(f"a number of at most {MAX_DIGITS} digits")
        self.digits = digits


def check_digits(text: str) -> None:
    """Raise :class:`TooManyDigits` when ``text`` holds more than :data:`MAX_DIGITS` digits (all
    of them, before and after a decimal mark, leading zeros too); called before parsing, so that
    no time goes into reading a number of thousands of digits."""
    if len(text) > MAX_DIGITS:
        digits = sum(map(text.count, "0123456789"))
        if digits > MAX_DIGITS:
            raise TooManyDigits(digits)


def parse_decimal(text: str) -> Decimal:
    """A number of 0 or more, exactly as written (``12,5`` is ``Decimal('12.5')``)."""
    if text.isdigit() and text.isascii():  # the most common spelling
        return Decimal(text)
    match = _NUMBER.fullmatch(text.strip(SPACES))
    if match is None:
        raise BadValue(NUMBER)
    if match["minus"]:
        raise BadValue(NOT_NEGATIVE)
    whole = _GROUP_SPACE.sub("", match["whole"])
    fraction = match["fraction"]
    return Decimal(f"{whole}.{fraction}" if fraction is not None else whole)


def parse_whole_number(text: str) -> int:
    """A whole number of 0 or more; ``12,0`` is 12, ``12,5`` is an error."""
    if len(text) < 19 and text.isdigit() and text.isascii():  # the most common spelling
        return int(text)
    try:
        value = parse_decimal(text)
    except BadValue as bad:
        raise BadValue(WHOLE_NUMBER if bad.expected == NUMBER else bad.expected) from None
    if value != value.to_integral_value():
        raise BadValue(WHOLE_NUMBER)
    return int(value)


def decimals_written(value: Decimal) -> int:
    """How many decimals a number was written with (``4,30`` has 2, ``4`` has 0)."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite numbers only: parse_decimal makes no NaN
    return max(0, -exponent)


def parse_month(text: str) -> YearMonth:
    try:
        return YearMonth.parse(text.strip(SPACES))
    except ValueError:
        raise BadValue(MONTH) from None


def parse_yes_no(text: str) -> bool | None:
    """True, False, or None for an empty field (not known)."""
    word = text.strip(SPACES).casefold()
    if not word:
        return None
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise BadValue(YES_NO)


def normalise_name(text: str) -> str:
    """A column or municipality name folded for matching: case, spaces, ``_`` and ``-`` ignored."""
    return " ".join(re.sub(r"[_\-]", " ", text).casefold().split())


def format_decimal(value: Decimal, decimal_mark: str) -> str:
    """A number written plainly (no exponent) with the given decimal mark."""
    return f"{value:f}".replace(".", decimal_mark)


MISSPELLING_CUTOFF = 0.8
"""How alike (difflib ratio) a name must be to a municipality asked for to count as a misspelling
of it. Real Swedish municipality names are at most 0.78 alike to any of Halland's six (Lekeberg
and Falkenberg), while one slip of the keyboard leaves a name of five letters or more above 0.8."""


_CODE = re.compile(r"^[0-9]{4} ")
"""A municipality's code written before its name (``1383 Varberg``)."""


def municipality_forms(written: str) -> frozenset[str]:
    """The normalised forms a written municipality name may stand for."""
    name = _CODE.sub("", normalise_name(written))
    forms = {name}
    if name.endswith(" kommun"):
        base = name.removesuffix(" kommun")
        forms.update({base, base.removesuffix("s")})
    return frozenset(forms)


@frozen
class Municipalities:
    """The municipalities asked for, indexed once to match the names a file writes against: a
    reader makes one and asks it of every name it meets."""

    names: tuple[str, ...]
    by_form: Mapping[str, str]
    """Each name by its normalised form (the first spelling wins)."""
    pool: tuple[str, ...]
    """Each name normalised, to find names so like one of them that they are misspelt."""
    as_asked: Mapping[str, str]
    """What each name asked for stands for when a file writes it just so, found once: a file
    mostly writes the names as asked, and normalising each (a regular expression or two) took
    as long as reading the rest of its row. A name with a code before it or 'kommun' after it
    may stand for more forms, and is matched the full way."""

    @classmethod
    def of(cls, names: Sequence[str]) -> Municipalities:
        forms = [normalise_name(name) for name in names]
        by_form: dict[str, str] = {}
        for name, form in zip(names, forms, strict=True):
            by_form.setdefault(form, name)
        as_asked = {
            name: by_form[form]
            for name, form in zip(names, forms, strict=True)
            if _CODE.match(form) is None and not form.endswith(" kommun")  # its only form
        }
        return cls(tuple(names), by_form, tuple(forms), as_asked)

    def match(self, written: str) -> str | None:
        """The name that ``written`` stands for, as spelt among :attr:`names`; else None."""
        found = self.as_asked.get(written)
        if found is not None:
            return found
        by_form = self.by_form
        return next((by_form[f] for f in municipality_forms(written) if f in by_form), None)

    def looks_misspelt(self, written: str) -> bool:
        """Whether an unmatched name is so like one of :attr:`names` that it is probably a
        misspelling of it, rather than another municipality."""
        return any(
            difflib.get_close_matches(form, self.pool, n=1, cutoff=MISSPELLING_CUTOFF)
            for form in municipality_forms(written)
        )


def match_municipality(written: str, known: Sequence[str]) -> str | None:
    """The name in ``known`` that ``written`` stands for, as spelt in ``known``; else None. (A
    reader that matches many names indexes ``known`` once: :class:`Municipalities`.)"""
    return Municipalities.of(known).match(written)


def looks_misspelt(written: str, known: Sequence[str]) -> bool:
    """Whether an unmatched name is so like a name in ``known`` that it is probably a misspelling
    of it, rather than another municipality."""
    return Municipalities.of(known).looks_misspelt(written)
