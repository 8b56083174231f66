"""Values in scenario test files, written like formula literals: ``12345 kr``, ``37/3 days``.

A case's inputs, expected outputs and test figures are read here, exactly (never a float). A value
that is almost right (a decimal comma, digit groups, a unit in Swedish) gets a hint saying how to
write it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction

from agreement_engine.diagnostics import did_you_mean
from agreement_engine.formula import Amount, Value
from agreement_engine.formula.types import NUMBER, UNITS
from agreement_engine.months import YearMonth

_QUANTITY = re.compile(
    r"(?P<number>-?[0-9]+(?:\.[0-9]+)?)(?:\s*/\s*(?P<denominator>[0-9]+))?"
    r"(?:\s*(?P<unit>kr/day|kr|days|day|%))?"
)
_WITH_UNIT = re.compile(r"(?P<number>-?[0-9][0-9.,/ \u00a0\u202f]*?)\s*(?P<unit>[^\s0-9].*)")
MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Units as people write them in Swedish and English, and how the formula language writes them.
_UNIT_WORDS = {
    "kronor": "kr",
    "sek": "kr",
    "kr.": "kr",
    "dagar": "days",
    "dag": "days",
    "dygn": "days",
    "vårddygn": "days",
    "kr/dag": "kr/day",
    "kr/dygn": "kr/day",
    "kr/vårddygn": "kr/day",
    "kr per day": "kr/day",
    "procent": "%",
    "percent": "%",
}
VALUE_WORDS = "a value like 12345 kr, 5.3 days, 37/3 days or 12"


class BadValue(ValueError):
    """A value that is not written like a formula literal; ``hint`` says how to write it."""

    def __init__(self, hint: str | None) -> None:
        super().__init__(hint or "")
        self.hint = hint


def parse_value(written: object) -> Value:
    """A value written like a formula literal: ``12345 kr``, ``5.3 days``, ``37/3 days``,
    ``35 %``, ``12``, ``true``, ``2023-11`` or ``2023-11-01``. Exact: never a float."""
    if isinstance(written, bool):
        return written
    if isinstance(written, int | Decimal):
        return Amount(Fraction(written), NUMBER)
    text = " ".join(str(written).split())
    found = _QUANTITY.fullmatch(text)
    if found:
        denominator = int(found["denominator"] or 1)
        if denominator == 0:
            raise BadValue("a value cannot be divided by 0")
        value = Fraction(Decimal(found["number"])) / denominator
        unit = found["unit"]
        if unit == "%":
            return Amount(value / 100, NUMBER)
        return Amount(value, UNITS[unit] if unit else NUMBER)
    if text in ("true", "false"):
        return text == "true"
    try:
        if MONTH.fullmatch(text):
            return YearMonth.parse(text)
        if _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        raise BadValue("there is no such month or day in the calendar") from None
    raise BadValue(_value_hint(text))


def _value_hint(text: str) -> str | None:
    """How to write a value that is almost right: a decimal comma, digit groups, a unit."""
    point = re.sub(r"(?<=[0-9]),(?=[0-9])", ".", text)
    if point != text and _QUANTITY.fullmatch(point):
        return f"write decimals with a point: {point}"
    joined = re.sub(r"(?<=[0-9])[ \u00a0\u202f](?=[0-9]{3}\b)", "", text)
    if joined != text and _QUANTITY.fullmatch(joined):
        return f"write the number without spaces: {joined}"
    with_unit = _WITH_UNIT.fullmatch(text)
    if with_unit and _QUANTITY.fullmatch(with_unit["number"].strip()):
        unit = with_unit["unit"]
        meant = _UNIT_WORDS.get(unit.casefold())
        if meant:
            return f"write the unit as {meant}: {with_unit['number'].strip()} {meant}"
        close = did_you_mean(unit, ["kr", "days", "day", "kr/day", "%"])
        return f"unknown unit '{unit}': {close or 'the units are kr, days, kr/day and %'}"
    return None


def as_written(written: object) -> str:
    """A value as the test file writes it, for messages: a truth value as ``true``/``false``."""
    if isinstance(written, bool):
        return "true" if written else "false"
    return str(written)
