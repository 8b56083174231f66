"""The YAML loader: plain data without floats, and exact positions for every value."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from agreement_engine.agreements.source import YamlDocument, YamlValue, load_yaml, read_yaml
from agreement_engine.diagnostics import EngineError, Location, render_text

AGREEMENT = """\
# yaml-language-server: $schema=../../schemas/agreement-engine.schema.json
format: agreement-engine/1
kind: agreement
validity:
  from: 2022-11-01
  until: 2024-10-31
rules:
  excess: max(0 days, average_days - benchmrk)
"""


def problems(text: str) -> list[str]:
    """The rendered problems that loading ``text`` raises."""
    with pytest.raises(EngineError) as raised:
        load_yaml("a.yaml", text)
    return [render_text(d) for d in raised.value.diagnostics]


def entry(doc: YamlDocument, *keys: str) -> YamlValue:
    """The value at ``keys`` of the document's data."""
    value = doc.data
    for key in keys:
        assert isinstance(value, dict)
        value = value[key]
    return value


def line_of(location: Location) -> str:
    assert location.source_line is not None
    return location.source_line


def floats_in(value: YamlValue) -> list[object]:
    if isinstance(value, dict):
        return [f for v in value.values() for f in floats_in(v)]
    if isinstance(value, list):
        return [f for v in value for f in floats_in(v)]
    return [value] if isinstance(value, float) else []


# -- data -----------------------------------------------------------------------------------------


def test_a_file_becomes_plain_data() -> None:
    """Later stages read plain dicts and lists, with dates kept as the text written."""
    doc = load_yaml("a.yaml", AGREEMENT)
    assert doc.data == {
        "format": "agreement-engine/1",
        "kind": "agreement",
        "validity": {"from": "2022-11-01", "until": "2024-10-31"},
        "rules": {"excess": "max(0 days, average_days - benchmrk)"},
    }
    assert doc.path == "a.yaml"
    assert doc.text == AGREEMENT


def test_decimal_numbers_become_decimals_never_floats() -> None:
    """Money and rates must be exact, so 0.35 is read as Decimal('0.35') from its text."""
    doc = load_yaml("a.yaml", "rate: 0.35\nbig: 1234567.8900\nlist: [0.1, 2.5e+3]\n")
    assert doc.data == {
        "rate": Decimal("0.35"),
        "big": Decimal("1234567.8900"),
        "list": [Decimal("0.1"), Decimal("2.5e+3")],
    }
    assert str(entry(doc, "big")) == "1234567.8900"
    assert floats_in(doc.data) == []


def test_whole_numbers_become_ints() -> None:
    """Counts and amounts written without a point are ints."""
    assert load_yaml("a.yaml", "a: 9300\nb: -2\nc: 1_000\n").data == {"a": 9300, "b": -2, "c": 1000}


def test_keys_are_the_text_written() -> None:
    """A year written as a key (2022:) is the key '2022', as formulas look it up."""
    doc = load_yaml("a.yaml", "values:\n  2022: 9300\n  2023-11: 1\n  true: x\n")
    assert doc.data == {"values": {"2022": 9300, "2023-11": 1, "true": "x"}}


def test_yes_no_on_off_stay_text() -> None:
    """Only true and false are booleans; 'yes' is a word, as staff would expect."""
    doc = load_yaml("a.yaml", "a: yes\nb: no\nc: on\nd: off\ne: true\nf: False\ng: TRUE\n")
    assert doc.data == {
        "a": "yes",
        "b": "no",
        "c": "on",
        "d": "off",
        "e": True,
        "f": False,
        "g": True,
    }


def test_empty_values_and_tilde_are_none() -> None:
    """An empty value is None, so a missing figure can be told from zero."""
    assert load_yaml("a.yaml", "a:\nb: ~\nc: null\n").data == {"a": None, "b": None, "c": None}


def test_times_and_dates_stay_as_written() -> None:
    """12:30 is not the number 750 (as old YAML would have it), and dates are not parsed."""
    doc = load_yaml("a.yaml", "t: 12:30\nd: 2022-11-01\nm: 2023-11\n")
    assert doc.data == {"t": "12:30", "d": "2022-11-01", "m": "2023-11"}


def test_a_byte_order_mark_and_windows_line_ends_are_accepted(tmp_path: Path) -> None:
    """Files saved by Windows editors load like any other."""
    file = tmp_path / "a.yaml"
    file.write_bytes("\ufeffa: 1\r\nb: 'x'\r\n".encode())
    doc = read_yaml(file)
    assert doc.data == {"a": 1, "b": "x"}
    assert str(doc.locate(("b",))) == f"{file}:2:4"
    assert doc.locate(("b",)).source_line == "b: 'x'"


# -- problems -------------------------------------------------------------------------------------


def test_duplicate_keys_are_all_reported() -> None:
    """YAML would silently keep the last of two keys; the engine names every duplicate."""
    text = "a: 1\nb:\n  c: 1\n  c: 2\na: 3\n"
    assert problems(text) == [
        "a.yaml:4:3: error: duplicate key 'c' (first given on line 3)\n"
        " 4 |   c: 2\n"
        "   |   ^\n"
        "hint: remove one of them, or rename it",
        "a.yaml:5:1: error: duplicate key 'a' (first given on line 1)\n"
        " 5 | a: 3\n"
        "   | ^\n"
        "hint: remove one of them, or rename it",
    ]


def test_an_empty_file_is_an_error() -> None:
    """An empty file is more likely a mistake than a document."""
    assert problems("# only a comment\n") == [
        "a.yaml:1:1: error: the file is empty\n"
        " 1 | # only a comment\n"
        "   | ^\n"
        "hint: an agreement file starts with 'format: agreement-engine/1'"
    ]


def test_an_unquoted_colon_in_a_value_says_to_quote_it() -> None:
    """The commonest YAML mistake in legal text: a quote containing ': '."""
    assert problems("quote: Avgift: 100 kr\n") == [
        "a.yaml:1:14: error: the YAML is malformed: mapping values are not allowed here\n"
        " 1 | quote: Avgift: 100 kr\n"
        "   |              ^\n"
        "hint: a value that contains ': ' (a formula, a quote) must be put in double quotes, "
        'e.g. quote: "Avgift: 100 kr"; otherwise check the indentation of this line'
    ]


def test_a_tab_used_for_indentation_is_named() -> None:
    """Tabs are invisible in most editors, so the message says what they are."""
    assert problems("a:\n\tb: 1\n") == [
        "a.yaml:2:1: error: the YAML is malformed: a tab is used where only spaces are allowed\n"
        " 2 |  b: 1\n"
        "   | ^\n"
        "hint: indent with spaces, not tabs (most editors can be set to insert spaces)"
    ]


def test_an_unclosed_quote_points_at_where_it_opened() -> None:
    """The end of the file is no help; the opening quote is where the mistake is."""
    assert problems('a: 1\nb: "open\nc: 2\n') == [
        "a.yaml:2:4: error: the YAML is malformed: a quoted value is not closed\n"
        ' 2 | b: "open\n'
        "   |    ^\n"
        "hint: add the closing quote; a quote mark inside the value is written twice ('') in "
        'single quotes, or as \\" in double quotes'
    ]


def test_wrong_indentation_is_explained() -> None:
    """pyyaml's '<block end>' means nothing to a reader; the message talks about indentation."""
    assert problems("a:\n    b: 1\n  c: 2\n") == [
        "a.yaml:3:3: error: the YAML is malformed: this line is not indented like the lines "
        "around it\n"
        " 3 |   c: 2\n"
        "   |   ^\n"
        "hint: keys at the same level must start in the same column; indent with spaces"
    ]


def test_python_tags_are_refused() -> None:
    """Safe YAML only: a tag could make a loader run code."""
    assert problems("a: !!python/object:os.system x\nb: !money 3\n") == [
        "a.yaml:1:4: error: the tag '!!python/object:os.system' is not allowed\n"
        " 1 | a: !!python/object:os.system x\n"
        "   |    ^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "hint: remove the tag: agreement files use plain YAML values only",
        "a.yaml:2:4: error: the tag '!money' is not allowed\n"
        " 2 | b: !money 3\n"
        "   |    ^^^^^^^^\n"
        "hint: remove the tag: agreement files use plain YAML values only",
    ]


def test_two_documents_in_one_file_are_refused() -> None:
    """One file is one document; a stray '---' would hide the second half."""
    assert problems("a: 1\n---\nb: 2\n") == [
        "a.yaml:2:1: error: the YAML is malformed: the file holds more than one YAML document\n"
        " 2 | ---\n"
        "   | ^\n"
        "hint: an agreement file is one document: remove the '---' line, or split the file in two"
    ]


def test_an_alias_that_refers_to_itself_is_reported_not_followed_forever() -> None:
    """A list that contains itself has no end; reading it must stop with a located error."""
    assert problems("a: &a [*a]\n") == [
        "a.yaml:1:4: error: a value refers to itself through an alias ('*')\n"
        " 1 | a: &a [*a]\n"
        "   |    ^^^^^^^"
    ]


def test_a_value_repeated_through_aliases_is_read_once_for_each_place() -> None:
    """An alias used twice is the same value twice, not a cycle."""
    doc = load_yaml("a.yaml", "a: &a [1, 2]\nb: *a\nc: [*a, *a]\n")
    assert doc.data == {"a": [1, 2], "b": [1, 2], "c": [[1, 2], [1, 2]]}


@pytest.fixture(params=["libyaml", "pure-python"])
def yaml_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test using this runs with PyYAML's C loader (libyaml) and with its pure-Python one."""
    import yaml

    if request.param == "pure-python":
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("this PyYAML was built without libyaml")
    return str(request.param)


def test_a_file_nested_too_deeply_is_reported_where_the_limit_is_passed(yaml_loader: str) -> None:
    """Thousands of brackets must not crash the reader, and the message names file and line,
    the same whether PyYAML reads with libyaml (which has a nesting limit of its own) or not."""
    text = "a: 1\nb: " + "[" * 5000 + "]" * 5000 + "\n"
    [problem] = problems(text)
    assert problem.splitlines()[0] == (
        "a.yaml:2:103: error: the file is nested too deeply to read (more than 100 levels)"
    )
    assert problem.splitlines()[-1] == (
        "hint: write the values out instead of nesting them so deeply"
    )


def test_nesting_a_hundred_levels_deep_is_still_read() -> None:
    """The limit is far above what an agreement needs, and no lower than it says."""
    doc = load_yaml("a.yaml", "- " * 99 + "x\n")
    value = doc.data
    for _ in range(99):
        assert isinstance(value, list)
        [value] = value
    assert value == "x"


def test_aliases_that_nest_too_deeply_are_reported_too() -> None:
    """Aliases can build nesting deeper than the text shows; it is limited the same way."""
    text = "a: &a " + "[" * 60 + "]" * 60 + "\nb: " + "[" * 60 + "*a" + "]" * 60 + "\n"
    [problem] = problems(text)
    assert problem.splitlines()[0] == (
        "a.yaml:1:47: error: the file is nested too deeply to read (more than 100 levels)"
    )


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    """A file saved in Latin-1 would garble Swedish letters, so it is refused up front."""
    file = tmp_path / "a.yaml"
    file.write_bytes("title: Överenskommelse\n".encode("latin-1"))
    with pytest.raises(EngineError) as raised:
        read_yaml(file)
    assert [d.message for d in raised.value.diagnostics] == ["the file is not UTF-8 text"]


# -- positions of values and keys -----------------------------------------------------------------


def test_a_value_is_located_and_underlined() -> None:
    """The caret goes under the value, the whole value on its line."""
    doc = load_yaml("a.yaml", AGREEMENT)
    location = doc.locate(("validity", "until"))
    assert (str(location), location.length, location.source_line) == (
        "a.yaml:6:10",
        10,
        "  until: 2024-10-31",
    )


def test_a_key_is_located_with_key_true() -> None:
    """Problems about a key (unknown, duplicate, missing a child) point at the key itself."""
    doc = load_yaml("a.yaml", AGREEMENT)
    location = doc.locate(("validity", "until"), key=True)
    assert (str(location), location.length) == ("a.yaml:6:3", 5)


def test_a_path_that_does_not_exist_falls_back_to_its_nearest_ancestor() -> None:
    """A missing key is reported where it should have been written."""
    doc = load_yaml("a.yaml", AGREEMENT)
    assert doc.locate(("validity", "cite", "source")) == doc.locate(("validity",))
    assert str(doc.locate(("nowhere",))) == "a.yaml:2:1"


def test_the_root_is_located_at_its_first_key() -> None:
    """Problems about the whole file point at its first line of content, after comments."""
    location = load_yaml("a.yaml", AGREEMENT).locate(())
    assert (str(location), location.length) == ("a.yaml:2:1", 6)


def test_list_items_are_located_by_index() -> None:
    """Items of flow and block lists can be pointed at one by one."""
    doc = load_yaml("a.yaml", "a: [x, yy]\nb:\n  - one\n  - two\n")
    assert [str(doc.locate(p)) for p in [("a", 1), ("b", 1), ("b", 1)]] == [
        "a.yaml:1:8",
        "a.yaml:4:5",
        "a.yaml:4:5",
    ]
    assert doc.locate(("a", 1)).length == 2


# -- positions inside string values ---------------------------------------------------------------

FORMULAS = """\
rules:
  plain: max(0 days, average_days - benchmrk)
  single: 'it''s ''x'' benchmrk'
  double: "say \\"hi\\" \\t benchmrk"
  literal: |
    if a then
      benchmrk
    else 0
  folded: >-
    max(0 days,
    average_days - benchmrk)
  multi: max(0 days,
    average_days
      - benchmrk)
  quoted_multi: "max(0 days,
     average_days \\
     - benchmrk)"
"""


@pytest.mark.parametrize(
    ("rule", "line", "column"),
    [
        ("plain", 2, 37),
        ("single", 3, 24),
        ("double", 4, 26),
        ("literal", 7, 7),
        ("folded", 11, 20),
        ("multi", 14, 9),
        ("quoted_multi", 17, 8),
    ],
)
def test_a_name_inside_a_formula_is_located_exactly(rule: str, line: int, column: int) -> None:
    """Formula errors underline the wrong name, however the formula is written in YAML."""
    doc = load_yaml("a.yaml", FORMULAS)
    value = entry(doc, "rules", rule)
    assert isinstance(value, str)
    location = doc.locate_in_scalar(("rules", rule), value.index("benchmrk"), len("benchmrk"))
    assert (location.line, location.column, location.length) == (line, column, 8)
    assert line_of(location)[column - 1 : column + 7] == "benchmrk"


def test_escaped_quotes_point_at_the_quote_itself() -> None:
    """A quote written '' or \\" is shown at the quote character the reader sees."""
    doc = load_yaml("a.yaml", FORMULAS)
    single = doc.locate_in_scalar(("rules", "single"), 2, 1)  # it's: the '
    double = doc.locate_in_scalar(("rules", "double"), 4, 1)  # say "hi": the "
    assert (single.column, line_of(single)[single.column - 1]) == (15, "'")
    assert (double.column, line_of(double)[double.column - 1]) == (17, '"')


def test_the_end_of_a_formula_is_just_after_its_last_character() -> None:
    """'unexpected end of formula' points just past the last character written."""
    doc = load_yaml("a.yaml", 'a: "x + "\n')
    location = doc.locate_in_scalar(("a",), 4, 1)
    assert (location.line, location.column) == (1, 9)


def test_a_range_over_several_lines_is_underlined_to_the_end_of_its_first_line() -> None:
    """An underline never runs past the end of the line it is shown on."""
    doc = load_yaml("a.yaml", FORMULAS)
    location = doc.locate_in_scalar(("rules", "multi"), 0, 30)
    assert (location.line, location.column, location.length) == (12, 10, 11)


def test_a_value_that_is_not_a_scalar_falls_back_to_its_location() -> None:
    """Asking for a character of a mapping still gives a useful place."""
    doc = load_yaml("a.yaml", FORMULAS)
    assert doc.locate_in_scalar(("rules",), 3, 1) == doc.locate(("rules",))


FORMULA_TEXT = st.lists(
    st.sampled_from(
        [
            "benchmark",
            "day_cost[2023]",
            "0.1 days",
            "35 %",
            "'",
            '"',
            "\\",
            "+",
            "-",
            "*",
            "/",
            ">=",
            "(",
            ")",
            ",",
            "år_2024",
            "if",
            "then",
            "#",
            ":",
        ]
    ),
    min_size=1,
    max_size=12,
).flatmap(
    lambda words: st.lists(
        st.sampled_from(["", " ", "  "]), min_size=len(words) - 1, max_size=len(words) - 1
    ).map(lambda gaps: words[0] + "".join(g + w for g, w in zip(gaps, words[1:], strict=True)))
)


def write(text: str, style: str) -> str:
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    if style == '"':
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


@given(text=FORMULA_TEXT, style=st.sampled_from(["", "'", '"']), indent=st.sampled_from([0, 2, 6]))
def test_every_character_of_a_one_line_formula_is_located_at_itself(
    text: str, style: str, indent: int
) -> None:
    """Whatever the quoting, the located column shows the same character in the source line."""
    keypath: tuple[str, ...] = ("rules", "r") if indent else ("r",)
    prefix = "rules:\n" + " " * indent if indent else ""
    try:
        doc: YamlDocument = load_yaml("a.yaml", f"{prefix}r: {write(text, style)}\n")
    except EngineError:
        assume(False)
    assume(entry(doc, *keypath[:-1]) == {"r": text})
    for offset, character in enumerate(text):
        location = doc.locate_in_scalar(keypath, offset, 1)
        assert line_of(location)[location.column - 1] == character
