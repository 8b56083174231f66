"""YearMonth: the month every agreement bills in."""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreement_engine.months import YearMonth

months = st.builds(YearMonth, st.integers(1, 9999), st.integers(1, 12))
inner_months = st.builds(YearMonth, st.integers(2, 9998), st.integers(1, 12))
near_months = st.builds(YearMonth, st.integers(1990, 2060), st.integers(1, 12))


def test_a_month_is_written_with_four_digit_year_and_two_digit_month() -> None:
    """Months print as 2026-03, the form agreement files and invoices use."""
    assert str(YearMonth(2026, 3)) == "2026-03"
    assert str(YearMonth(987, 11)) == "0987-11"


def test_a_month_is_read_from_yyyy_mm_and_from_a_one_digit_month() -> None:
    """2026-03 and 2026-3 are both March 2026; spreadsheets often drop the zero."""
    assert YearMonth.parse("2026-03") == YearMonth(2026, 3)
    assert YearMonth.parse("2026-3") == YearMonth(2026, 3)


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "2026-00",
        "2026-003",
        "26-03",
        "2026/03",
        "2026-03-01",
        " 2026-03",
        "mars 2026",
        "0000-01",
        "２０２６-03",
        "",
    ],
)
def test_text_that_is_not_a_month_is_refused_with_a_message_saying_how_to_write_one(
    text: str,
) -> None:
    """A bad month says what was written and shows the form to use."""
    with pytest.raises(ValueError) as raised:
        YearMonth.parse(text)
    assert str(raised.value) == f"'{text}' is not a month; write it as YYYY-MM, e.g. 2026-03"


def test_a_month_outside_the_calendar_cannot_be_made() -> None:
    """Month 13 or year 0 never exist, whichever way they are made."""
    with pytest.raises(ValueError, match="month must be 1 to 12, not 13"):
        YearMonth(2026, 13)
    with pytest.raises(ValueError, match="year must be 1 to 9999, not 0"):
        YearMonth(0, 1)


def test_a_month_knows_its_first_and_last_day_including_leap_februaries() -> None:
    """Validity checks compare dates with a month's first and last day."""
    assert YearMonth(2024, 2).first_day == date(2024, 2, 1)
    assert YearMonth(2024, 2).last_day == date(2024, 2, 29)
    assert YearMonth(2025, 2).last_day == date(2025, 2, 28)
    assert YearMonth(2026, 12).last_day == date(2026, 12, 31)


def test_the_next_and_previous_month_cross_year_ends() -> None:
    """December is followed by January of the next year."""
    assert YearMonth(2025, 12).next() == YearMonth(2026, 1)
    assert YearMonth(2026, 1).previous() == YearMonth(2025, 12)
    assert YearMonth(2026, 3).plus(-15) == YearMonth(2024, 12)


def test_a_range_of_months_includes_both_ends() -> None:
    """range(first, last) lists every month from first to last, as validity periods do."""
    got = YearMonth.range(YearMonth(2025, 11), YearMonth(2026, 2))
    assert [str(m) for m in got] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert YearMonth.range(YearMonth(2026, 2), YearMonth(2026, 1)) == ()


def test_the_month_of_a_date_is_the_month_it_falls_in() -> None:
    """Episodes count in the month of their discharge date."""
    assert YearMonth.of(date(2026, 3, 31)) == YearMonth(2026, 3)
    assert YearMonth(2026, 3).contains(date(2026, 3, 31))
    assert not YearMonth(2026, 3).contains(date(2026, 4, 1))


@given(months)
def test_writing_a_month_and_reading_it_back_gives_the_same_month(month: YearMonth) -> None:
    """parse(str(m)) == m for every month."""
    assert YearMonth.parse(str(month)) == month


@given(near_months, near_months)
def test_a_range_has_one_month_per_month_between_its_ends(a: YearMonth, b: YearMonth) -> None:
    """The length of range(a, b) is the distance in months plus one, or 0 when b is before a."""
    span = YearMonth.range(a, b)
    assert len(span) == max(0, a.months_until(b) + 1)
    assert all(later == earlier.next() for earlier, later in pairwise(span))
    if span:
        assert (span[0], span[-1]) == (a, b)


@given(months, months)
def test_months_are_ordered_as_their_first_days(a: YearMonth, b: YearMonth) -> None:
    """Comparing months agrees with comparing the dates they start on."""
    assert (a < b) == (a.first_day < b.first_day)
    assert (a == b) == (a.first_day == b.first_day)


@given(inner_months)
def test_the_day_after_a_months_last_day_starts_the_next_month(month: YearMonth) -> None:
    """Months tile the calendar: no day is in two months, none in no month."""
    assert month.last_day + timedelta(days=1) == month.next().first_day
    assert YearMonth.of(month.first_day) == month == YearMonth.of(month.last_day)
    assert month.next().previous() == month
