"""The shared helpers for ids and dates in addresses, date bounds, and dates
shown with their year when it is not this year."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from carehome.query import MAX_ID, parse_id, parse_ids
from carehome.timeutils import add_months, booking_date_problem, day_text, horizon_date_problem, query_date

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (" 12 ", 12),
        (12, 12),
        ("١٢", None),  # Arabic-Indic digits pass str.isdigit()
        ("１２", None),  # full-width digits too
        ("-1", None),
        ("0", None),
        ("99999999999999999999", None),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("\x00", None),
        ("1\x00", None),
        ("", None),
        (None, None),
        ("1e3", None),
        ("+5", None),
    ],
)
def test_parse_id_accepts_only_plain_sane_whole_numbers(value, expected):
    assert parse_id(value) == expected


def test_parse_ids_keeps_the_good_ones_once_in_order():
    assert parse_ids(["3", "١", "3", "-2", "7"]) == [3, 7]


@pytest.mark.parametrize(
    ("value", "day", "problem"),
    [
        ("", TODAY, False),
        ("2027-02-03", date(2027, 2, 3), False),
        ("9999-12-31", TODAY, True),
        ("1999-12-31", TODAY, True),
        ("2101-01-01", TODAY, True),
        ("٢٠٢٦-١١-١٤", TODAY, True),
        ("2026-02-30", TODAY, True),
        ("\x00", TODAY, True),
    ],
)
def test_query_date_never_raises_and_falls_back_to_today(value, day, problem):
    got, message = query_date(value, on=TODAY)
    assert got == day
    assert bool(message) is problem


def test_booking_and_horizon_bounds():
    assert booking_date_problem(TODAY, on=TODAY) == ""
    assert booking_date_problem(date(2028, 6, 1), on=TODAY) == ""
    assert "18 months" in booking_date_problem(date(2028, 6, 2), on=TODAY)
    assert "has passed" in booking_date_problem(date(2026, 11, 30), on=TODAY)
    assert booking_date_problem(date(2026, 11, 30), allow_past=True, on=TODAY) == ""
    assert horizon_date_problem(date(2027, 12, 1), start=TODAY, what="next review", on=TODAY) == ""
    assert "12 months" in horizon_date_problem(date(9999, 12, 31), start=TODAY, what="next review", on=TODAY)
    assert "before the start date" in horizon_date_problem(
        date(2026, 11, 1), start=TODAY, what="next review", on=TODAY
    )
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)


def test_a_date_shows_its_year_only_when_it_is_not_this_year():
    assert day_text(date(2026, 12, 25), "l j F", on=TODAY) == "Friday 25 December"
    assert day_text(date(2027, 1, 1), "l j F", on=TODAY) == "Friday 1 January 2027"
    london = ZoneInfo("Europe/London")
    assert day_text(datetime(2027, 3, 2, 10, tzinfo=london), "D j M", on=TODAY) == "Tue 2 Mar 2027"
    assert day_text(None) == ""


def test_the_day_filter_uses_this_year():
    this_year = timezone.localdate().year
    rendered = Template('{% load kith %}{{ a|day:"j F" }} / {{ b|day:"j F" }}').render(
        Context({"a": date(this_year, 5, 4), "b": date(this_year + 2, 5, 4)})
    )
    assert rendered == f"4 May / 4 May {this_year + 2}"
