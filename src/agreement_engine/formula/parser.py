"""Formula text to typed syntax tree.

The grammar lives in ``grammar.lark``. Lark's parse tree is converted to :mod:`.ast` nodes here and
never leaves this module. Syntax errors become :class:`FormulaError` with the offset of the
offending character and a message in plain words.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from agreement_engine.formula import ast
from agreement_engine.formula.problems import FormulaError
from agreement_engine.months import YearMonth

MAX_LENGTH = 2000
MAX_DEPTH = 100
# Operators in a run (a + b - c …, a and b and c …) count as one level of nesting for this
# many: each is a level of the tree, which the phases after parsing walk recursively, so a run
# of 300 terms is as deep as Python's stack allows with room to spare.
OPERATORS_PER_LEVEL = 3

_TOKEN_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "UNIT": "a unit",
    "DATE": "a date",
    "LOOSE_DATE": "a date",
    "MONTH": "a month",
    "TIME": "a time",
    "STRING": "a text in double quotes",
    "COMPARE": "a comparison",
    "ADDOP": "'+' or '-'",
    "MULOP": "'*' or '/'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "IF": "'if'",
    "THEN": "'then'",
    "ELSE": "'else'",
    "AND": "'and'",
    "OR": "'or'",
    "NOT": "'not'",
    "TRUE": "'true'",
    "FALSE": "'false'",
    "$END": "the end of the formula",
}


_CLOSERS = ("COMMA", "RPAR", "RSQB", "THEN", "ELSE", "$END")


@lru_cache(maxsize=1)
def _lark() -> Lark:
    # Building the parse tables takes longer than loading a set of agreement files: lark keeps
    # them in a file in the temporary folder, keyed by the grammar, the options and lark's
    # version, and builds them again whenever one of those differs or the file cannot be read.
    return Lark.open(
        "grammar.lark",
        rel_to=__file__,
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
        cache=True,
    )


def parse(text: str) -> ast.Expr:
    """Parse formula text into a syntax tree, or raise FormulaError pointing at the mistake."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"the formula is too long ({len(text)} characters; at most {MAX_LENGTH})",
            ast.Span(MAX_LENGTH, len(text)),
            hint="split it into several rules that refer to each other by name",
        )
    if not text.strip():
        raise FormulaError("the formula is empty", ast.Span(0, 0))
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(text, exc) from None
    return _Builder(text).build(tree, 0)


def _syntax_error(text: str, exc: UnexpectedInput) -> FormulaError:
    if isinstance(exc, UnexpectedCharacters):
        at = exc.pos_in_stream or 0
        char = text[at]
        if char == ",":
            return FormulaError(
                "unexpected ','",
                ast.Span(at, at + 1),
                hint="write decimals with a point (0.1, not 0,1); commas only separate arguments",
            )
        return FormulaError(
            f"unexpected character {char!r}", ast.Span(at, at + 1), hint=_character_hint(char)
        )
    if isinstance(exc, UnexpectedEOF) or (
        isinstance(exc, UnexpectedToken) and exc.token.type == "$END"
    ):
        end = len(text.rstrip())
        return FormulaError(
            "the formula ends too early",
            ast.Span(end, end + 1),
            hint=_expected_hint(getattr(exc, "expected", set())),
        )
    assert isinstance(exc, UnexpectedToken)
    token = exc.token
    if token.type == "COMMA" and "COMMA" not in exc.expected:
        return FormulaError(
            "unexpected ','",
            _span(token),
            hint="write decimals with a point (0.1, not 0,1); commas only separate arguments",
        )
    start = token.start_pos if token.start_pos is not None else 0
    end = token.end_pos if token.end_pos is not None else start + 1
    return FormulaError(
        f"unexpected {_describe_token(token)}",
        ast.Span(start, end),
        hint=_expected_hint(exc.accepts or exc.expected),
    )


def _describe_token(token: Token) -> str:
    if token.type in {"NAME", "NUMBER", "DATE", "MONTH", "TIME", "UNIT", "STRING"}:
        return f"{_TOKEN_WORDS[token.type].split(' ', 1)[1]} '{token}'"
    return f"'{token}'"


def _expected_hint(expected: set[str] | frozenset[str]) -> str | None:
    words = sorted({_TOKEN_WORDS[e] for e in expected if e in _TOKEN_WORDS})
    if not words:
        return None
    if len(words) > 6:
        if "NAME" in expected or "NUMBER" in expected:
            return "expected a value or a name here"
        closers = [_TOKEN_WORDS[e] for e in _CLOSERS if e in expected]
        return (
            "expected an operator (+ - * / = < > and or)"
            + "".join(f", {c}" for c in closers[:-1])
            + (f" or {closers[-1]}" if closers else "")
        )
    return "expected " + ", ".join(words[:-1]) + (" or " if len(words) > 1 else "") + words[-1]


def _character_hint(char: str) -> str | None:
    hints = {
        "'": 'write text in double quotes, like "psykiatri"',
        "=": "compare with a single '=' and write '!=' for 'not equal'",
        "&": "write 'and' instead of '&'",
        "|": "write 'or' instead of '|'",
        "!": "write 'not' for negation, or '!=' for 'not equal'",
        "×": "multiply with '*'",
        "−": "subtract with the plain '-' character",
    }
    return hints.get(char)


class _Builder:
    """Turns one lark tree into AST nodes, checking nesting depth on the way."""

    def __init__(self, text: str) -> None:
        self.text = text

    def build(self, node: Tree[Token] | Token, depth: int) -> ast.Expr:
        if depth > MAX_DEPTH:
            span = _span(node)
            raise FormulaError(
                f"the formula is nested too deeply (more than {MAX_DEPTH} levels)",
                span,
                hint="split it into several rules that refer to each other by name",
            )
        if isinstance(node, Token):  # pragma: no cover - the grammar never yields bare tokens
            raise FormulaError(f"unexpected '{node}'", _span(node))
        method = getattr(self, f"_{node.data}")
        result: ast.Expr = method(node, depth + 1)
        return result

    def _sub(self, node: Tree[Token] | Token, depth: int) -> ast.Expr:
        return self.build(node, depth)

    def _number(self, node: Tree[Token], depth: int) -> ast.Expr:
        number = node.children[0]
        unit = node.children[1] if len(node.children) > 1 else None
        return ast.Number(Decimal(str(number)), str(unit) if unit else None, _span(node))

    def _date(self, node: Tree[Token], depth: int) -> ast.Expr:
        token = node.children[0]
        try:
            value = dt.date.fromisoformat(str(token))
        except ValueError:
            raise FormulaError(f"'{token}' is not a real date", _span(node)) from None
        return ast.DateLiteral(value, _span(node))

    def _loose_date(self, node: Tree[Token], depth: int) -> ast.Expr:
        token = str(node.children[0])
        year, month, day = token.split("-")
        written = f"{year}-{int(month):02d}-{int(day):02d}"
        raise FormulaError(
            f"'{token}' is not a date as written: months and days take two digits",
            _span(node),
            hint=f"write {written}",
        )

    def _month(self, node: Tree[Token], depth: int) -> ast.Expr:
        token = node.children[0]
        try:
            value = YearMonth.parse(str(token))
        except ValueError:
            raise FormulaError(f"'{token}' is not a real month", _span(node)) from None
        return ast.MonthLiteral(value, _span(node))

    def _time(self, node: Tree[Token], depth: int) -> ast.Expr:
        token = str(node.children[0])
        hours, minutes = token.split(":")
        if int(hours) > 23 or int(minutes) > 59:
            raise FormulaError(f"'{token}' is not a time of day", _span(node))
        return ast.TimeLiteral(dt.time(int(hours), int(minutes)), _span(node))

    def _text(self, node: Tree[Token], depth: int) -> ast.Expr:
        return ast.Text(str(node.children[0])[1:-1], _span(node))

    def _true(self, node: Tree[Token], depth: int) -> ast.Expr:
        return ast.Boolean(True, _span(node))

    def _false(self, node: Tree[Token], depth: int) -> ast.Expr:
        return ast.Boolean(False, _span(node))

    def _name(self, node: Tree[Token], depth: int) -> ast.Expr:
        return ast.Name(str(node.children[0]), _span(node))

    def _group(self, node: Tree[Token], depth: int) -> ast.Expr:
        return self._sub(node.children[0], depth)

    def _lookup(self, node: Tree[Token], depth: int) -> ast.Expr:
        name, key = node.children
        assert isinstance(name, Token)
        return ast.Lookup(str(name), self._sub(key, depth), _span(node), _span(name))

    def _call(self, node: Tree[Token], depth: int) -> ast.Expr:
        name, *args = node.children
        assert isinstance(name, Token)
        built = tuple(self._sub(a, depth) for a in args if a is not None)
        return ast.Call(str(name), built, _span(node), _span(name))

    def _window(self, node: Tree[Token], depth: int) -> ast.Expr:
        name, body, size, *end = node.children
        assert isinstance(name, Token)
        last = self._sub(end[0], depth) if end else None
        return ast.Window(
            str(name),
            self._sub(body, depth),
            self._sub(size, depth),
            last,
            _span(node),
            _span(name),
        )

    def _negate(self, node: Tree[Token], depth: int) -> ast.Expr:
        op, operand = node.children
        inner = self._sub(operand, depth)
        if str(op) == "+":
            return inner
        return ast.Unary("-", inner, _span(node))

    def _not_(self, node: Tree[Token], depth: int) -> ast.Expr:
        return ast.Unary("not", self._sub(node.children[0], depth), _span(node))

    def _arith(self, node: Tree[Token], depth: int) -> ast.Expr:
        return self._chain(node, depth)

    def _compare(self, node: Tree[Token], depth: int) -> ast.Expr:
        left, op, right = node.children
        return self._binary(str(op), left, right, node, _span(op), depth)

    def _and_(self, node: Tree[Token], depth: int) -> ast.Expr:
        return self._chain(node, depth)

    def _or_(self, node: Tree[Token], depth: int) -> ast.Expr:
        return self._chain(node, depth)

    def _chain(self, node: Tree[Token], depth: int) -> ast.Expr:
        """A run of operators, like ``a + b - c * d`` or ``a and b and c``: the grammar nests
        it to the left, one level per operator, but it is flat as written, so it is built in a
        loop and counts as one level of nesting for every few operators, not one each (the
        tree is as deep as before, and the phases after parsing walk it recursively)."""
        kind, links = node.data, []
        first: Tree[Token] | Token = node
        while isinstance(first, Tree) and first.data == kind:
            links.append(first)
            first = first.children[0]
        depth += len(links) // OPERATORS_PER_LEVEL
        built = self._sub(first, depth)
        for link in reversed(links):
            op, op_span = self._operator(link)
            right = self._sub(link.children[-1], depth)
            built = ast.Binary(op, built, right, _span(link), op_span)
        return built

    def _operator(self, link: Tree[Token]) -> tuple[str, ast.Span]:
        if link.data == "arith":
            op = link.children[1]
            return str(op), _span(op)
        word = "and" if link.data == "and_" else "or"
        left, *_, right = link.children
        return word, self._keyword(word, left, right)

    def _keyword(
        self, word: str, left: Tree[Token] | Token, right: Tree[Token] | Token
    ) -> ast.Span:
        start, end = _span(left).end, _span(right).start
        at = self.text.find(word, start, end)
        return ast.Span(at, at + len(word)) if at >= 0 else ast.Span(start, end)

    def _conditional(self, node: Tree[Token], depth: int) -> ast.Expr:
        cond, then, otherwise = (self._sub(c, depth) for c in node.children)
        return ast.Conditional(cond, then, otherwise, _span(node))

    def _binary(
        self,
        op: str,
        left: Tree[Token] | Token,
        right: Tree[Token] | Token,
        node: Tree[Token],
        op_span: ast.Span,
        depth: int,
    ) -> ast.Expr:
        return ast.Binary(op, self._sub(left, depth), self._sub(right, depth), _span(node), op_span)


def _span(node: Tree[Token] | Token) -> ast.Span:
    if isinstance(node, Token):
        start = node.start_pos or 0
        end = node.end_pos if node.end_pos is not None else start + len(node)
        return ast.Span(start, end)
    meta = node.meta
    if getattr(meta, "empty", True):
        return ast.NO_SPAN
    return ast.Span(meta.start_pos, meta.end_pos)
