"""Problems found in one formula, located by character offsets in its text."""

from __future__ import annotations

from agreement_engine.diagnostics import Text
from agreement_engine.formula.ast import Span
from agreement_engine.frozen import frozen


@frozen
class FormulaProblem:
    """A mistake in a formula: the message, the span of text it concerns, and a hint."""

    message: str
    span: Span
    hint: str | None = None


class FormulaError(Exception):
    """A formula that cannot be parsed, or a value that cannot be computed."""

    def __init__(self, message: str, span: Span, hint: str | None = None) -> None:
        super().__init__(message)
        self.problem = FormulaProblem(message, span, hint)


class MissingFigure(Exception):
    """A dated figure the formula needs has no value (its status is 'missing' or it is absent)."""

    def __init__(self, parameter: str, key: str, span: Span) -> None:
        super().__init__(f"{parameter}[{key}] is missing")
        self.parameter = parameter
        self.key = key
        self.span = span


class Undefined(Exception):
    """An operation that has no value for these arguments: a division by zero, a date moved off
    the calendar. The operation does not know where it was written; the evaluator that meets
    this says where: at the argument numbered ``blame``, or at the whole operation when None."""

    def __init__(self, message: str, hint: str | None = None, blame: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.blame = blame


def division_by_zero() -> Undefined:
    """What a division by zero is, for every evaluator: blamed on the divisor."""
    return Undefined(
        Text("division by zero"),
        hint="guard the division, like: if episodes = 0 then 0 days else total_days / episodes",
        blame=1,
    )
