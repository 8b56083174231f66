"""What a formula may name: values, dated figures, episodes, other months (a :class:`Scope`)."""

from __future__ import annotations

from collections.abc import Mapping

from agreement_engine.formula.types import Quantity, Type
from agreement_engine.frozen import field, frozen


@frozen
class Parameter:
    """What the checker knows of a dated figure: its unit and whether keys are years or months."""

    unit: Quantity
    period: str  # "year" or "month"


@frozen
class Scope:
    """The names a formula may use.

    ``episode`` is set where aggregates (``count``, ``sum``) are allowed: their arguments are
    checked against it, one episode at a time. ``across_months`` is set for monthly rules: they
    may read the values of other months (``average_days[month - 1 month]``, windows). A name
    whose type is None exists but could not be typed (its own formula has a problem, reported
    there): using it reports nothing more.
    """

    values: Mapping[str, Type | None]
    parameters: Mapping[str, Parameter] = field(default_factory=dict)
    episode: Scope | None = None
    across_months: bool = False
