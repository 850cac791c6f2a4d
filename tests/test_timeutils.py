"""Times typed by people are the home's local time, right across the clock changes."""

from datetime import UTC, date, time

import pytest

from carehome.errors import DomainError
from carehome.timeutils import local_datetime


def test_summer_time_is_an_hour_ahead_of_utc():
    assert local_datetime(date(2026, 7, 1), time(10, 0)).astimezone(UTC).hour == 9


def test_the_morning_the_clocks_go_back_is_greenwich_time():
    # 25 October 2026: clocks go back at 02:00, so 10:00 local is 10:00 UTC.
    assert local_datetime(date(2026, 10, 25), time(10, 0)).astimezone(UTC).hour == 10


def test_the_repeated_hour_in_october_is_the_first_of_the_two():
    first = local_datetime(date(2026, 10, 25), time(1, 30))
    assert first.astimezone(UTC).hour == 0  # 01:30 BST, not 01:30 GMT


def test_the_missing_hour_in_march_is_refused_with_a_message():
    with pytest.raises(DomainError) as refused:
        local_datetime(date(2026, 3, 29), time(1, 30), field="starts")
    assert refused.value.field == "starts"
    assert "does not exist on 29 March 2026" in refused.value.message
