"""A formula compiled once, as a loaded agreement holds it.

The three phases of a formula, as in cel-python: parse (:func:`.parse`) gives the syntax tree,
:class:`Program` compiles it for both evaluators, once, when the agreement is loaded, and
checking (:func:`.check`) happens where the names a formula may use are known: in the rule set
that composes the documents. Billing evaluates a rule for every municipality and month with the
program its formula holds, and never compiles again.
"""

from __future__ import annotations

from agreement_engine.formula.ast import Expr
from agreement_engine.formula.batch import Batched, batched
from agreement_engine.formula.evaluator import Compiled, compiled
from agreement_engine.frozen import field, frozen


@frozen
class Program:
    """A formula's syntax tree with its compiled forms: ``evaluate`` gives its value in one
    environment (:mod:`.evaluator`), ``columns`` its values on many lines at once
    (:mod:`.batch`). Programs are equal when their formulas are."""

    expr: Expr
    evaluate: Compiled = field(compare=False, repr=False)
    columns: Batched = field(compare=False, repr=False)

    @classmethod
    def of(cls, expr: Expr) -> Program:
        """The formula compiled. Every formula that parses compiles; one with a problem that
        the checker reports fails only if it is evaluated."""
        return cls(expr, compiled(expr), batched(expr))
