"""Words and numbers in the reader's language, passed to each renderer, never held globally."""

from __future__ import annotations

import pickle
from decimal import Decimal
from fractions import Fraction

import pytest
from outputs import halland

from agreement_engine.diagnostics import Text
from agreement_engine.formula import Amount
from agreement_engine.formula.types import DAYS, MONEY
from agreement_engine.render.explain import explain
from agreement_engine.render.i18n import ENGLISH, language
from agreement_engine.render.invoice import render_table

SWEDISH = language("sv")
NBSP = "\u00a0"


def test_a_text_made_below_render_is_its_english_sentence() -> None:
    """Billing and data make Text without knowing any language: everything that took the
    plain string (joins, comparisons, scenario tests) sees the same English as before."""
    reason = Text(
        "{result} came out below zero ({amount} kr); nothing is billed",
        result="net_amount",
        amount=Decimal("-1.50"),
    )
    assert reason == "net_amount came out below zero (-1.50 kr); nothing is billed"
    assert " | ".join([reason, "x"]) == f"{reason} | x"
    assert pickle.loads(pickle.dumps(reason)).arguments == reason.arguments


def test_swedish_puts_a_text_into_words_and_its_amounts_the_swedish_way() -> None:
    """The reason keeps its numbers exact; only the way they are written changes."""
    reason = Text(
        "{result} came out below zero ({amount} kr); nothing is billed",
        result="net_amount",
        amount=Decimal("-1234.50"),
    )
    assert (
        SWEDISH.text(reason) == f"net_amount blev under noll (-1{NBSP}234,50 kr); inget faktureras"
    )
    assert ENGLISH.text(reason) == str(reason)


def test_a_counted_text_takes_the_plural_its_number_needs_in_either_language() -> None:
    """'1 rad', '2 rader': gettext's plural forms, not an 's' glued on."""
    one = Text.counted(
        "{count} row ({reason})", "{count} rows ({reason})", 1, reason=Text("empty row")
    )
    two = Text.counted(
        "{count} row ({reason})", "{count} rows ({reason})", 2, reason=Text("empty row")
    )
    assert (one, two) == ("1 row (empty row)", "2 rows (empty row)")
    assert (SWEDISH.text(one), SWEDISH.text(two)) == ("1 rad (tom rad)", "2 rader (tom rad)")


@pytest.mark.parametrize(
    ("number", "english", "swedish"),
    [
        ("7102000", "7102000", f"7{NBSP}102{NBSP}000"),
        ("27772.5", "27772.5", f"27{NBSP}772,5"),
        ("1234.50", "1234.50", f"1{NBSP}234,50"),
        ("0.125", "0.125", "0,125"),
        (  # past the 28 digits of Python's decimal context, which Babel rounds in
            "123456789012345678901234567891234.50",
            "123456789012345678901234567891234.50",
            NBSP.join(["123", "456", "789", "012", "345", "678", "901", "234", "567", "891"])
            + f"{NBSP}234,50",
        ),
    ],
)
def test_an_exact_amount_keeps_every_decimal_it_has_and_no_more(
    number: str, english: str, swedish: str
) -> None:
    """Babel writes the Swedish digits from the exact Decimal: no rounding, no float, no
    trailing zeros added or dropped, however many digits."""
    assert ENGLISH.decimal(Decimal(number)) == english
    assert SWEDISH.decimal(Decimal(number)) == swedish


def test_a_value_whose_decimals_never_end_is_cut_and_marked_and_its_fraction_named() -> None:
    """5,421053… dagar (exakt 103/19): the reader sees that it is cut, and the exact value."""
    average = Amount(Fraction(103, 19), DAYS)
    assert ENGLISH.value(average) == "5.421053… days (103/19 exactly)"
    assert SWEDISH.value(average) == "5,421053… dagar (exakt 103/19)"
    assert SWEDISH.approximately(Fraction(37, 3)) == "12,3333…"
    assert SWEDISH.value(Amount(Fraction(9300), MONEY)) == f"9{NBSP}300 kr"


def test_two_languages_in_one_process_do_not_leak_into_each_other() -> None:
    """The language is passed, not installed: a Swedish table between two English ones leaves
    the English ones alike (a notebook, or a server, renders for several readers)."""
    basis = halland().basis
    before = render_table(basis)
    swedish = render_table(basis, SWEDISH)
    assert render_table(basis) == before
    assert "månad" in swedish and "månad" not in before


def test_explain_in_swedish_names_the_steps_and_writes_amounts_the_swedish_way() -> None:
    """The derivation finance reads: Swedish headings, the formulas as written in the files."""
    run = halland()
    line = next(li for li in run.basis.lines if li.municipality == "Halmstad" and li.amount)
    assert line.amount is not None
    text = explain(line, run.library, None, SWEDISH)
    assert "Varför dessa regler styr denna månad:" in text and "\nSteg:\n" in text
    assert "net_amount = round(gross_amount - discount, 0, half_up)" in text
    assert f"Resultat: net_amount = {SWEDISH.amount(line.amount)} (preliminärt, eftersom:)" in text


def test_an_unknown_language_is_refused() -> None:
    """--lang de is wrong usage at the command line; in Python, a ValueError naming the choice."""
    with pytest.raises(ValueError, match="choose en or sv"):
        language("de")
