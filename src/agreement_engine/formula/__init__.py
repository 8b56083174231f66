"""The formula language: parse, check, evaluate and print back formulas.

Three phases, as in any small compiler: :func:`parse` turns text into a typed syntax tree,
:func:`check` finds unknown names and type and unit mistakes before anything runs, and
:func:`evaluate` computes an exact value. The language knows nothing of agreements; the names a
formula may use are given to it as a :class:`Scope`.
"""

from agreement_engine.formula.ast import Expr, Span
from agreement_engine.formula.checker import Parameter, Scope, check
from agreement_engine.formula.evaluator import (
    Amount,
    Environment,
    Value,
    evaluate,
    format_value,
    to_decimal,
)
from agreement_engine.formula.functions import FUNCTIONS, ROUNDING_MODES, round_exact
from agreement_engine.formula.parser import parse
from agreement_engine.formula.problems import FormulaError, FormulaProblem, MissingFigure
from agreement_engine.formula.unparse import unparse

__all__ = [
    "FUNCTIONS",
    "ROUNDING_MODES",
    "Amount",
    "Environment",
    "Expr",
    "FormulaError",
    "FormulaProblem",
    "MissingFigure",
    "Parameter",
    "Scope",
    "Span",
    "Value",
    "check",
    "evaluate",
    "format_value",
    "parse",
    "round_exact",
    "to_decimal",
    "unparse",
]
