"""How Swedish spreadsheets spell numbers, yes/no and municipality names."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreement_engine.data.dialect import (
    NOT_NEGATIVE,
    NUMBER,
    WHOLE_NUMBER,
    BadValue,
    Municipalities,
    decimals_written,
    looks_misspelt,
    match_municipality,
    municipality_forms,
    parse_decimal,
    parse_whole_number,
    parse_yes_no,
)
from agreement_engine.data.table import column_letter
from agreement_engine.data.xlsx import cell_text

HALLAND = ("Falkenberg", "Halmstad", "Hylte", "Kungsbacka", "Laholm", "Varberg")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", Decimal("12")),
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        (" 4,30 ", Decimal("4.30")),
        ("1 853,5", Decimal("1853.5")),
        ("1\u00a0204", Decimal("1204")),
        ("0", Decimal("0")),
    ],
)
def test_numbers_are_read_exactly_with_decimal_comma_or_point(text: str, value: Decimal) -> None:
    """Swedish files write 12,5; both marks, and spaces between thousands, read exactly."""
    got = parse_decimal(text)
    assert got == value
    assert str(got) == str(value)  # the decimals as written are kept


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tolv", NUMBER),
        ("1.234,5", NUMBER),
        ("1e3", NUMBER),
        ("12,", NUMBER),
        ("", NUMBER),
        ("NaN", NUMBER),
        ("-3", NOT_NEGATIVE),
        ("\u22123,5", NOT_NEGATIVE),
    ],
)
def test_text_that_is_no_number_of_days_is_refused(text: str, expected: str) -> None:
    """Anything but a plain non-negative number is an error, never a guess."""
    with pytest.raises(BadValue) as raised:
        parse_decimal(text)
    assert raised.value.expected == expected


def test_a_whole_number_may_be_written_with_zero_decimals_but_not_others() -> None:
    """Spreadsheets write 12 as 12,0; 12,5 episodes is an error."""
    assert parse_whole_number("12") == 12
    assert parse_whole_number("12,0") == 12
    with pytest.raises(BadValue) as raised:
        parse_whole_number("12,5")
    assert raised.value.expected == WHOLE_NUMBER


@given(st.decimals(min_value=0, max_value=10**12, allow_nan=False, allow_infinity=False))
def test_every_decimal_written_with_a_comma_reads_back_exactly(value: Decimal) -> None:
    """Reading is exact: no float ever comes between the text and the number."""
    text = f"{value:f}".replace(".", ",")
    assert parse_decimal(text) == value
    assert decimals_written(parse_decimal(text)) == max(0, -int(value.as_tuple().exponent))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ja", True),
        ("JA", True),
        ("yes", True),
        ("1", True),
        ("Sant", True),
        ("nej", False),
        ("No", False),
        ("false", False),
        ("0", False),
        ("", None),
        ("  ", None),
    ],
)
def test_yes_and_no_are_read_in_swedish_and_english_and_empty_means_not_known(
    text: str, value: bool | None
) -> None:
    """ja/nej, yes/no, true/false and 1/0 all work; an empty field is not known, not 'no'."""
    assert parse_yes_no(text) is value


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Varberg", "Varberg"),
        ("VARBERG", "Varberg"),
        ("  varberg ", "Varberg"),
        ("Varbergs kommun", "Varberg"),
        ("Kungsbacka kommun", "Kungsbacka"),
        ("1383 Varberg", "Varberg"),
        ("Varbreg", None),
        ("Stockholm", None),
    ],
)
def test_municipality_names_match_regardless_of_case_and_a_trailing_kommun(
    written: str, name: str | None
) -> None:
    """'Varbergs kommun' is Varberg, spelt as the caller spells it."""
    assert match_municipality(written, HALLAND) == name


@pytest.mark.parametrize("written", ["Varbreg", "Halmstadt", "Kungsbaka", "Lahom", "Hylt"])
def test_a_name_one_slip_away_from_a_municipality_looks_misspelt(written: str) -> None:
    """Typing errors are caught, so that no row is left out by a typo."""
    assert looks_misspelt(written, HALLAND)


@pytest.mark.parametrize(
    "written",
    ["Lekeberg", "Vaxholm", "Karlstad", "Falköping", "Tidaholm", "Norberg", "Nacka", "Riket"],
)
def test_other_swedish_municipalities_do_not_look_like_misspellings_of_hallands(
    written: str,
) -> None:
    """The national export's other 284 municipalities are left out, not errors."""
    assert not looks_misspelt(written, HALLAND)


def test_an_index_of_the_municipalities_asked_for_matches_as_the_functions_do() -> None:
    """A reader indexes the names asked for once, and asks it of every name in the file: the
    answers are those of match_municipality and looks_misspelt, the first spelling winning."""
    index = Municipalities.of([*HALLAND, "VARBERG"])
    for written in ["Varbergs kommun", "1383 Varberg", "Varbreg", "Stockholm", "Lahom", "Nacka"]:
        assert index.match(written) == match_municipality(written, HALLAND)
        assert index.looks_misspelt(written) == looks_misspelt(written, HALLAND)


def test_spreadsheet_numbers_become_the_decimal_that_was_typed() -> None:
    """Excel stores 4,3 as the float 4.2999999999999998; it reads back as 4.3, and 12 as 12."""
    assert cell_text(4.2999999999999998) == ("4.3", None)
    assert cell_text(12) == ("12", None)
    assert cell_text(12.0) == ("12.0", None)
    assert cell_text(1e16) == ("10000000000000000", None)
    assert cell_text(True) == ("true", None)


def test_spreadsheet_columns_are_named_by_letters() -> None:
    """Cells are named as Excel names them: A, Z, AA, AZ, BA."""
    assert [column_letter(n) for n in (1, 26, 27, 52, 53, 703)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "AAA",
    ]


ASKED = ["Varberg", "VARBERG", "Laholms kommun", "1380 Halmstad", "Hylte", "hylte kommun", "Ål"]


@pytest.mark.parametrize("written", [*ASKED, "Laholm", "Halmstad", "Hylte kommun", "varberg"])
def test_a_name_written_as_asked_matches_as_the_full_rules_match_it(written: str) -> None:
    """Names written just as asked are found without normalising them; one asked for with a
    code or 'kommun', or spelt twice, matches as the full rules (every form) match it."""
    index = Municipalities.of(ASKED)
    forms = index.by_form
    full_way = next((forms[f] for f in municipality_forms(written) if f in forms), None)
    assert index.match(written) == full_way
