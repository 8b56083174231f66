"""The formula language: parse, check, evaluate and print back formulas.

Three phases, as in any small compiler: :func:`parse` turns text into a typed syntax tree,
:func:`check` finds unknown names and type and unit mistakes before anything runs, and
:func:`evaluate` computes an exact value. A formula evaluated many times is compiled once into a
:class:`Program`, which a loaded agreement holds. What each operator and function means is
defined once, in :mod:`.operations`, for the checker and every evaluator; :mod:`.values` is the
one place values become text. The language knows nothing of agreements; the names a formula may
use are given to it as a :class:`Scope`.
"""

from agreement_engine.formula.ast import Expr, Span
from agreement_engine.formula.checker import check
from agreement_engine.formula.evaluator import Environment, evaluate
from agreement_engine.formula.operations import FUNCTIONS
from agreement_engine.formula.parser import parse
from agreement_engine.formula.problems import FormulaError, FormulaProblem, MissingFigure
from agreement_engine.formula.program import Program
from agreement_engine.formula.rounding import ROUNDING_MODES, round_exact
from agreement_engine.formula.scope import Parameter, Scope
from agreement_engine.formula.unparse import unparse
from agreement_engine.formula.values import Amount, Value, format_value, to_decimal

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
    "Program",
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
