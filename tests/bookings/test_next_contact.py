"""When to expect contact, from the clinic's hours: weekends, evenings, early mornings."""

import datetime
import zoneinfo

import pytest

from bookings.next_contact import next_contact

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
NY = zoneinfo.ZoneInfo("America/New_York")
MON_FRI = range(0, 5)


def estimate(when: datetime.datetime, open_weekdays=MON_FRI, tz=LA):
    return next_contact(
        when,
        open_weekdays=open_weekdays,
        opens_at=datetime.time(8, 30),
        closes_at=datetime.time(17, 0),
        tz=tz,
    )


def local(day: int, hour: int, minute: int = 0, tz=LA) -> datetime.datetime:
    """Return a time in November 2026 (the 16th is a Monday)."""
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=tz)


def test_friday_evening_means_monday():
    result = estimate(local(20, 19))
    assert result.sentence == "It's Friday evening, so expect to hear from us on Monday."
    assert result.day == datetime.date(2026, 11, 23)


@pytest.mark.parametrize("day", [21, 22])
def test_weekend_means_monday(day):
    assert estimate(local(day, 11)).day == datetime.date(2026, 11, 23)


def test_sunday_evening_means_tomorrow():
    assert estimate(local(22, 20)).sentence.endswith("expect to hear from us tomorrow.")


def test_during_opening_hours_means_today():
    result = estimate(local(18, 10))
    assert result.sentence == "It's Wednesday morning, so expect to hear from us today."


def test_before_opening_means_today():
    assert estimate(local(17, 6)).day == datetime.date(2026, 11, 17)


def test_in_the_last_hour_before_closing_means_the_next_open_day():
    assert estimate(local(17, 16, 30)).day == datetime.date(2026, 11, 18)


def test_after_hours_on_a_weekday_means_tomorrow():
    result = estimate(local(17, 21))
    assert result.sentence == "It's Tuesday evening, so expect to hear from us tomorrow."


def test_late_night_is_called_night():
    assert estimate(local(17, 23, 30)).sentence.startswith("It's Tuesday night")


def test_saturday_opening_counts_when_the_clinic_opens_saturdays():
    assert estimate(local(21, 10), open_weekdays=range(0, 6)).sentence.endswith("today.")


def test_the_clinic_time_zone_decides_the_day_not_the_server():
    # 01:00 UTC on Saturday is still Friday evening in Los Angeles.
    utc_time = datetime.datetime(2026, 11, 21, 1, 0, tzinfo=datetime.UTC)
    assert estimate(utc_time).sentence.startswith("It's Friday evening")
    assert estimate(utc_time, tz=NY).sentence.startswith("It's Friday evening")


def test_a_clinic_open_every_day_answers_on_sunday():
    assert estimate(local(22, 9), open_weekdays=range(0, 7)).day == datetime.date(2026, 11, 22)


def test_no_open_days_is_an_error():
    with pytest.raises(ValueError):
        estimate(local(20, 10), open_weekdays=())
