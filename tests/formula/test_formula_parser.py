"""The formula parser: text to typed syntax tree, spans, syntax errors, and the unparse law."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreement_engine.formula import (
    FormulaError,
    FormulaProblem,
    Scope,
    Span,
    Value,
    ast,
    check,
    evaluate,
    parse,
    unparse,
)
from agreement_engine.formula.evaluator import Compiled
from agreement_engine.months import YearMonth

# Small builders, so expected trees read like the formulas they stand for. Spans are left out of
# node equality, so expected trees need none.


def num(text: str, unit: str | None = None) -> ast.Number:
    return ast.Number(Decimal(text), unit)


def name(text: str) -> ast.Name:
    return ast.Name(text)


def binary(left: ast.Expr, op: str, right: ast.Expr) -> ast.Binary:
    return ast.Binary(op, left, right)


def call(function: str, *args: ast.Expr) -> ast.Call:
    return ast.Call(function, args)


def syntax_error(text: str) -> FormulaProblem:
    with pytest.raises(FormulaError) as raised:
        parse(text)
    return raised.value.problem


a, b, c = name("a"), name("b"), name("c")

CONSTRUCTS: dict[str, tuple[str, ast.Expr]] = {
    "plain number": ("12", num("12")),
    "decimal number": ("0.1", num("0.1")),
    "money": ("9300 kr", num("9300", "kr")),
    "days": ("0.1 days", num("0.1", "days")),
    "one day": ("1 day", num("1", "day")),
    "price per day": ("12000 kr/day", num("12000", "kr/day")),
    "percent": ("35 %", num("35", "%")),
    "percent without space": ("35%", num("35", "%")),
    "date": ("2022-11-01", ast.DateLiteral(dt.date(2022, 11, 1))),
    "month": ("2022-11", ast.MonthLiteral(YearMonth(2022, 11))),
    "time": ("12:00", ast.TimeLiteral(dt.time(12, 0))),
    "one-digit hour": ("9:05", ast.TimeLiteral(dt.time(9, 5))),
    "text": ('"psykiatri"', ast.Text("psykiatri")),
    "true": ("true", ast.Boolean(True)),
    "false": ("false", ast.Boolean(False)),
    "name": ("average_days", name("average_days")),
    "name with Swedish letters": ("årsbelopp", name("årsbelopp")),
    "name with digits": ("rate2023", name("rate2023")),
    "name starting with a keyword": ("android", name("android")),
    "lookup by year": (
        "national_day_cost[2023]",
        ast.Lookup("national_day_cost", num("2023")),
    ),
    "lookup by month": (
        "index[2023-11]",
        ast.Lookup("index", ast.MonthLiteral(YearMonth(2023, 11))),
    ),
    "lookup by a call": (
        "national_day_cost[year_of(month)]",
        ast.Lookup("national_day_cost", call("year_of", name("month"))),
    ),
    "call without arguments": ("f()", call("f")),
    "call with one argument": ("abs(x)", call("abs", name("x"))),
    "call with three arguments": (
        "round(gross_amount, 0, half_up)",
        call("round", name("gross_amount"), num("0"), name("half_up")),
    ),
    "call with many arguments": ("max(a, b, c, 0 days)", call("max", a, b, c, num("0", "days"))),
    "unary minus": ("-excess", ast.Unary("-", name("excess"))),
    "double minus": ("--1", ast.Unary("-", ast.Unary("-", num("1")))),
    "unary plus is dropped": ("+1", num("1")),
    "not": ("not sip_required", ast.Unary("not", name("sip_required"))),
    "minus binds tighter than times": ("-a * b", binary(ast.Unary("-", a), "*", b)),
    "minus applies to a whole lookup": (
        "-a[1]",
        ast.Unary("-", ast.Lookup("a", num("1"))),
    ),
    "times binds tighter than plus": ("a + b * c", binary(a, "+", binary(b, "*", c))),
    "divide binds tighter than minus": ("a / b - c", binary(binary(a, "/", b), "-", c)),
    "minus is left associative": ("a - b - c", binary(binary(a, "-", b), "-", c)),
    "divide is left associative": ("a / b / c", binary(binary(a, "/", b), "/", c)),
    "parentheses regroup": ("a - (b - c)", binary(a, "-", binary(b, "-", c))),
    "equal": ("a = b", binary(a, "=", b)),
    "not equal": ("a != b", binary(a, "!=", b)),
    "less than": ("a < b", binary(a, "<", b)),
    "at most": ("a <= b", binary(a, "<=", b)),
    "greater than": ("a > b", binary(a, ">", b)),
    "at least": ("a >= b", binary(a, ">=", b)),
    "arithmetic binds tighter than comparison": (
        "a + b >= c",
        binary(binary(a, "+", b), ">=", c),
    ),
    "and binds tighter than or": ("a or b and c", binary(a, "or", binary(b, "and", c))),
    "and is left associative": ("a and b and c", binary(binary(a, "and", b), "and", c)),
    "not binds tighter than and": ("not a and b", binary(ast.Unary("not", a), "and", b)),
    "not binds looser than comparison": ("not a = b", ast.Unary("not", binary(a, "=", b))),
    "comparison binds tighter than and": (
        "a = b and c",
        binary(binary(a, "=", b), "and", c),
    ),
    "if then else": (
        "if episodes = 0 then 0 days else total_days / episodes",
        ast.Conditional(
            binary(name("episodes"), "=", num("0")),
            num("0", "days"),
            binary(name("total_days"), "/", name("episodes")),
        ),
    ),
    "nested if in then": (
        "if a then if b then 1 else 2 else 3",
        ast.Conditional(a, ast.Conditional(b, num("1"), num("2")), num("3")),
    ),
    "if inside an operator": (
        "ready_date + (if late then 4 days else 3 days)",
        binary(
            name("ready_date"),
            "+",
            ast.Conditional(name("late"), num("4", "days"), num("3", "days")),
        ),
    ),
    "parentheses are dropped": ("((a))", a),
}


@pytest.mark.parametrize(("text", "tree"), CONSTRUCTS.values(), ids=CONSTRUCTS.keys())
def test_each_construct_parses_to_its_tree(text: str, tree: ast.Expr) -> None:
    """Every later phase relies on the parser building exactly this shape of tree."""
    assert parse(text) == tree


def test_numbers_are_decimals_from_the_token_onward() -> None:
    """Money must never pass through float, so 0.1 stays exactly one tenth."""
    tree = parse("0.1 kr")
    assert isinstance(tree, ast.Number)
    assert tree.value == Decimal("0.1")
    assert isinstance(tree.value, Decimal)


def test_a_month_written_with_one_digit_is_a_subtraction() -> None:
    """Months are always written with two digits; 2023-1 is arithmetic, not January."""
    assert parse("2023-1") == binary(num("2023"), "-", num("1"))


def test_the_span_of_a_name_points_at_its_characters() -> None:
    """An unknown name is underlined with a caret, so its span must cover exactly its letters."""
    text = "max(0 days, average_days - benchmrk)"
    tree = parse(text)
    assert isinstance(tree, ast.Call)
    difference = tree.args[1]
    assert isinstance(difference, ast.Binary)
    assert difference.right == name("benchmrk")
    assert difference.right.span == Span(27, 35)
    assert text[27:35] == "benchmrk"


def test_spans_of_calls_operators_and_literals_cover_their_text() -> None:
    """Arity, operator and literal messages underline the call, the operator or the literal."""
    text = "max(0 days, average_days - benchmark)"
    tree = parse(text)
    assert isinstance(tree, ast.Call)
    zero, difference = tree.args
    assert isinstance(difference, ast.Binary)
    assert tree.span == Span(0, 37)
    assert tree.name_span == Span(0, 3)
    assert zero.span == Span(4, 10)
    assert difference.span == Span(12, 36)
    assert difference.op_span == Span(25, 26)


def test_spans_of_keyword_operators_and_lookups_cover_their_text() -> None:
    """'and', 'or' and a looked-up figure's name are underlined on their own words."""
    logic = parse("(a) and b or national_day_cost[2023]")
    assert isinstance(logic, ast.Binary)
    assert logic.op_span == Span(10, 12)
    assert isinstance(logic.left, ast.Binary)
    assert logic.left.op_span == Span(4, 7)
    assert logic.right.span == Span(13, 36)
    assert isinstance(logic.right, ast.Lookup)
    assert logic.right.name_span == Span(13, 30)
    assert logic.right.key.span == Span(31, 35)


def test_parentheses_are_not_part_of_the_inner_span() -> None:
    """A caret under a parenthesised sum points at the sum, not at its brackets."""
    tree = parse("(a + b) * c")
    assert isinstance(tree, ast.Binary)
    assert tree.span == Span(0, 11)
    assert tree.left.span == Span(1, 6)


def test_spans_count_characters_across_line_breaks() -> None:
    """Folded YAML formulas span lines; offsets still count characters of the whole text."""
    text = "if month >= 2024-01\nthen benchmark\nelse 0 days"
    tree = parse(text)
    assert isinstance(tree, ast.Conditional)
    assert tree.then.span == Span(25, 34)
    assert text[25:34] == "benchmark"


SYNTAX_ERRORS: dict[str, tuple[str, FormulaProblem]] = {
    "trailing operator": (
        "average_days -",
        FormulaProblem(
            "the formula ends too early", Span(14, 15), "expected a value or a name here"
        ),
    ),
    "decimal comma": (
        "average_days - 0,1 days",
        FormulaProblem(
            "unexpected ','",
            Span(16, 17),
            "write decimals with a point (0.1, not 0,1); commas only separate arguments",
        ),
    ),
    "decimal comma alone": (
        "0,1",
        FormulaProblem(
            "unexpected ','",
            Span(1, 2),
            "write decimals with a point (0.1, not 0,1); commas only separate arguments",
        ),
    ),
    "two names in a row": (
        "average_days benchmark",
        FormulaProblem(
            "unexpected name 'benchmark'",
            Span(13, 22),
            "expected an operator (+ - * / = < > and or) or the end of the formula",
        ),
    ),
    "two numbers in a row": (
        "1 2",
        FormulaProblem(
            "unexpected number '2'",
            Span(2, 3),
            "expected an operator (+ - * / = < > and or) or the end of the formula",
        ),
    ),
    "missing else": (
        "if episodes = 0 then 0 days",
        FormulaProblem("the formula ends too early", Span(27, 28), "expected 'else'"),
    ),
    "unclosed call": (
        "max(0 days, average_days - benchmark",
        FormulaProblem("the formula ends too early", Span(36, 37), "expected ')' or ','"),
    ),
    "unclosed parenthesis": (
        "(average_days - benchmark",
        FormulaProblem("the formula ends too early", Span(25, 26), "expected ')'"),
    ),
    "single quotes": (
        "care_type = 'psykiatri'",
        FormulaProblem(
            'unexpected character "\'"',
            Span(12, 13),
            'write text in double quotes, like "psykiatri"',
        ),
    ),
    "double star": (
        "average_days ** 2",
        FormulaProblem("unexpected '*'", Span(14, 15), "expected a value or a name here"),
    ),
    "double equals": (
        "a == b",
        FormulaProblem("unexpected '='", Span(3, 4), "expected a value or a name here"),
    ),
    "ampersand": (
        "a & b",
        FormulaProblem("unexpected character '&'", Span(2, 3), "write 'and' instead of '&'"),
    ),
    "not a real month": (
        "month >= 2023-13",
        FormulaProblem("'2023-13' is not a real month", Span(9, 16)),
    ),
    "not a real date": (
        "ready_date >= 2023-02-30",
        FormulaProblem("'2023-02-30' is not a real date", Span(14, 24)),
    ),
    "a date with a one-digit month": (
        "ready_date >= 2024-1-01",
        FormulaProblem(
            "'2024-1-01' is not a date as written: months and days take two digits",
            Span(14, 23),
            "write 2024-01-01",
        ),
    ),
    "a date with one-digit month and day": (
        "2024-1-1 + 1 day",
        FormulaProblem(
            "'2024-1-1' is not a date as written: months and days take two digits",
            Span(0, 8),
            "write 2024-01-01",
        ),
    ),
    "a date with a one-digit day": (
        "discharge_date - 2024-12-3",
        FormulaProblem(
            "'2024-12-3' is not a date as written: months and days take two digits",
            Span(17, 26),
            "write 2024-12-03",
        ),
    ),
    "not a time": (
        "notice_time > 25:00",
        FormulaProblem("'25:00' is not a time of day", Span(14, 19)),
    ),
    "empty": ("  \n ", FormulaProblem("the formula is empty", Span(0, 0))),
}


@pytest.mark.parametrize(("text", "problem"), SYNTAX_ERRORS.values(), ids=SYNTAX_ERRORS.keys())
def test_each_syntax_error_has_its_message_span_and_hint(
    text: str, problem: FormulaProblem
) -> None:
    """Policy staff fix formulas from these words and carets alone, so they are API."""
    assert syntax_error(text) == problem


def test_a_formula_of_2000_characters_is_accepted() -> None:
    """The length limit must not bite at the limit itself."""
    text = '"' + "x" * 1998 + '"'
    assert len(text) == 2000
    assert parse(text) == ast.Text("x" * 1998)


def test_a_formula_longer_than_2000_characters_is_refused() -> None:
    """A runaway formula is refused before parsing, pointing at where it passes the limit."""
    text = '"' + "x" * 1999 + '"'
    assert syntax_error(text) == FormulaProblem(
        "the formula is too long (2001 characters; at most 2000)",
        Span(2000, 2001),
        "split it into several rules that refer to each other by name",
    )


def test_nesting_100_levels_deep_is_accepted() -> None:
    """The nesting limit must not bite at the limit itself."""
    assert parse("(" * 100 + "1" + ")" * 100) == num("1")


def test_a_long_flat_sum_is_not_mistaken_for_deep_nesting() -> None:
    """Sixty terms added up is an ordinary formula, not a nested one."""
    parse(" + ".join(["1 kr"] * 60))


class NoNames:
    """Where a formula of literals is evaluated: it reads no names."""

    def value(self, name: str, span: Span) -> Value:
        raise AssertionError(name)

    def lookup(self, name: str, key: Value, span: Span) -> Value:
        raise AssertionError(name)

    def episodes(self) -> Iterable[NoNames]:
        return ()

    def across(
        self, months: Sequence[YearMonth], body: Compiled, text: str, span: Span
    ) -> list[Value]:
        raise AssertionError(text)


@pytest.mark.parametrize(
    "text",
    [
        " + ".join(["1 kr"] * 110),
        " * ".join(["2"] * 300),
        " - ".join(["1 day"] * 150),
        " and ".join(["true"] * 150),
        " or ".join(["false"] * 200),
        "(" * 60 + " * ".join(["2"] * 100) + ")" * 60,
    ],
    ids=["110 terms", "300 factors", "150 differences", "150 ands", "200 ors", "a product inside"],
)
def test_a_flat_run_of_operators_is_not_mistaken_for_deep_nesting(text: str) -> None:
    """A long sum or product is flat as written; only every third operator counts as a level,
    and the phases after parsing walk its tree without exhausting the stack."""
    tree = parse(text)
    assert parse(unparse(tree)) == tree
    result, problems = check(tree, Scope({}))
    assert problems == [] and result is not None
    evaluate(tree, NoNames())


def test_a_run_of_operators_still_nests_to_the_left() -> None:
    """Built in a loop, a − b + c * d − e is still ((a − b) + c × d) − e, spans and all."""
    tree = parse("a - b + c * d - e")
    assert tree == binary(
        binary(binary(name("a"), "-", name("b")), "+", binary(name("c"), "*", name("d"))),
        "-",
        name("e"),
    )
    assert isinstance(tree, ast.Binary) and isinstance(tree.left, ast.Binary)
    assert (tree.span, tree.op_span) == (Span(0, 17), Span(14, 15))
    assert (tree.left.span, tree.left.op_span) == (Span(0, 13), Span(6, 7))


def test_a_run_of_more_than_300_terms_is_refused_before_it_exhausts_the_stack() -> None:
    """Each operator is still a level of the tree that later phases walk recursively."""
    assert syntax_error("+".join(["1"] * 301)) == FormulaProblem(
        "the formula is nested too deeply (more than 100 levels)",
        Span(0, 1),
        "split it into several rules that refer to each other by name",
    )


def test_nesting_deeper_than_100_levels_is_refused() -> None:
    """Deep nesting would exhaust Python's stack in later phases; it is refused with a hint."""
    assert syntax_error("(" * 101 + "1" + ")" * 101) == FormulaProblem(
        "the formula is nested too deeply (more than 100 levels)",
        Span(101, 102),
        "split it into several rules that refer to each other by name",
    )


def test_a_rewrapped_formula_parses_to_the_same_tree() -> None:
    """Folded YAML adds line breaks and indentation; they must not change the formula."""
    one_line = (
        "if month >= 2024-01 then national_average_days[2023] - 0.1 days "
        "else national_average_days[2021]"
    )
    rewrapped = (
        "\n  if   month >=  2024-01\n"
        "    then national_average_days[ 2023 ]\n"
        "         - 0.1\n           days\n"
        "    else\tnational_average_days[2021]\n"
    )
    assert parse(rewrapped) == parse(one_line)


# Random well-formed trees, for the unparse law ----------------------------------------------

_NOT_NAMES = {"if", "then", "else", "and", "or", "not", "true", "false", "kr", "day", "days"}
_FIRST = "adeiklnorsty_åäö"
_REST = _FIRST + "0123456789"

names = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(_FIRST),
    st.text(alphabet=_REST, max_size=6),
).filter(lambda text: text not in _NOT_NAMES)

numbers = st.builds(
    lambda digits, places, unit: ast.Number(Decimal(f"{digits}E-{places}"), unit),
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=4),
    st.sampled_from([None, "kr", "days", "day", "kr/day", "%"]),
)

leaves: st.SearchStrategy[ast.Expr] = st.one_of(
    numbers,
    st.dates().map(ast.DateLiteral),
    st.builds(YearMonth, st.integers(1, 9999), st.integers(1, 12)).map(ast.MonthLiteral),
    st.builds(dt.time, st.integers(0, 23), st.integers(0, 59)).map(ast.TimeLiteral),
    st.text(st.characters(exclude_characters='"\n', exclude_categories=["Cs"])).map(ast.Text),
    st.booleans().map(ast.Boolean),
    names.map(ast.Name),
)

_OPERATORS = ["+", "-", "*", "/", "=", "!=", "<", "<=", ">", ">=", "and", "or"]


def _branches(inner: st.SearchStrategy[ast.Expr]) -> st.SearchStrategy[ast.Expr]:
    return st.one_of(
        st.builds(ast.Lookup, names, inner),
        st.builds(ast.Call, names, st.lists(inner, max_size=3).map(tuple)),
        st.builds(ast.Unary, st.sampled_from(["-", "not"]), inner),
        st.builds(ast.Binary, st.sampled_from(_OPERATORS), inner, inner),
        st.builds(ast.Conditional, inner, inner, inner),
    )


def _depth(node: ast.Expr) -> int:
    return 1 + max((_depth(child) for child in ast.children(node)), default=0)


# Parentheses count towards the parser's nesting limit too, so keep trees well inside it.
trees = st.recursive(leaves, _branches, max_leaves=12).filter(lambda tree: _depth(tree) <= 15)


@given(trees)
def test_parsing_the_unparsed_text_gives_back_the_tree(tree: ast.Expr) -> None:
    """Reviewers compare formulas in the unparsed spelling, so it must mean the same tree."""
    assert parse(unparse(tree)) == tree


@given(trees)
def test_unparse_is_idempotent_on_text(tree: ast.Expr) -> None:
    """The canonical spelling of a canonical spelling is itself, so diffs stay quiet."""
    text = unparse(tree)
    assert unparse(parse(text)) == text


_GAPS = st.sampled_from(["  ", "\n", "\n    ", "\t", " \n\t "])


def _rewrap(text: str, gaps: list[str]) -> str:
    """Replace each space outside double-quoted text with the next gap."""
    out: list[str] = []
    quoted = False
    spaces = iter(gaps)
    for char in text:
        if char == '"':
            quoted = not quoted
        out.append(next(spaces, " ") if char == " " and not quoted else char)
    return "".join(out)


@given(trees, st.lists(_GAPS, max_size=60), _GAPS, _GAPS)
def test_rewrapped_formula_text_parses_to_an_equal_tree(
    tree: ast.Expr, gaps: list[str], before: str, after: str
) -> None:
    """Line breaks and extra spaces between tokens never change what a formula means."""
    text = before + _rewrap(unparse(tree), gaps) + after
    assert parse(text) == tree
