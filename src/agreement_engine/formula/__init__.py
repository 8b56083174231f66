"""The formula language: parse, check, evaluate and print back formulas.

Three phases, as in any small compiler: :func:`parse` turns text into a typed syntax tree,
:func:`check` finds unknown names and type and unit mistakes before anything runs, and
:func:`evaluate` computes an exact value. A formula evaluated many times is compiled once into a
:class:`Program`, which a loaded agreement holds. What each operator and function means is
defined once, in :mod:`.operations`, for the checker and every evaluator; :mod:`.values` is the
one place values become text. The language knows nothing of agreements; the names a formula may
use are given to it as a :class:`Scope`.

The names below are imported when first used, as the package's own are: a run that loads its
agreements from the cache (:mod:`agreement_engine.agreements.cache`) never parses, so never
imports the parser and lark.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# Imported now: the module of the same name would otherwise stand for the function.
from agreement_engine.formula.unparse import unparse
from agreement_engine.lazy import exports

if TYPE_CHECKING:
    from agreement_engine.formula.ast import Expr, Span
    from agreement_engine.formula.checker import check
    from agreement_engine.formula.evaluator import Environment, evaluate
    from agreement_engine.formula.operations import FUNCTIONS
    from agreement_engine.formula.parser import parse
    from agreement_engine.formula.problems import FormulaError, FormulaProblem, MissingFigure
    from agreement_engine.formula.program import Program
    from agreement_engine.formula.rounding import ROUNDING_MODES, round_exact
    from agreement_engine.formula.scope import Parameter, Scope
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

_WHERE = {
    "Expr": "ast",
    "Span": "ast",
    "check": "checker",
    "Environment": "evaluator",
    "evaluate": "evaluator",
    "FUNCTIONS": "operations",
    "parse": "parser",
    "FormulaError": "problems",
    "FormulaProblem": "problems",
    "MissingFigure": "problems",
    "Program": "program",
    "ROUNDING_MODES": "rounding",
    "round_exact": "rounding",
    "Parameter": "scope",
    "Scope": "scope",
    "Amount": "values",
    "Value": "values",
    "format_value": "values",
    "to_decimal": "values",
}


__getattr__, __dir__ = exports(__name__, _WHERE, __all__)
