"""The free call times: wall-clock hours to exact moments, across daylight saving and zones.

Pure function, no database: bookings/slots.py. 2026's US changes: clocks spring forward on
Sunday 8 March (2:00 am becomes 3:00 am) and fall back on Sunday 1 November (1:00 to 1:59 am
happens twice).
"""

import datetime
import zoneinfo

from bookings.slots import Rules, WeeklyHours, free_slots, wall_time

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = datetime.UTC
SUNDAY, MONDAY, TUESDAY = 6, 0, 1


def rules(**overrides) -> Rules:
    values = {
        "call": datetime.timedelta(minutes=15),
        "buffer": datetime.timedelta(minutes=5),
        "notice": datetime.timedelta(hours=2),
        "horizon_days": 14,
        "tz": LA,
    }
    return Rules(**{**values, **overrides})


def hours(weekday, start, end) -> dict:
    return {1: [WeeklyHours(weekday, datetime.time(*start), datetime.time(*end))]}


def local_times(slots, tz=LA) -> list[str]:
    return [slot.start.astimezone(tz).strftime("%m-%d %H:%M %Z") for slot in slots]


def at(tz, *args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=tz)


def test_weekly_hours_become_slots_of_call_plus_break():
    now = at(LA, 2026, 11, 30, 6, 0)  # a Monday, early
    found = free_slots(now=now, rules=rules(horizon_days=1), hours=hours(MONDAY, (9,), (10,)))
    assert local_times(found) == ["11-30 09:00 PST", "11-30 09:20 PST", "11-30 09:40 PST"]


def test_the_last_call_must_end_by_the_end_of_the_hours():
    now = at(LA, 2026, 11, 30, 6, 0)
    found = free_slots(now=now, rules=rules(horizon_days=1), hours=hours(MONDAY, (9,), (9, 34)))
    # 9:20 would end at 9:35, after 9:34: not offered.
    assert local_times(found) == ["11-30 09:00 PST"]


def test_spring_forward_skips_the_times_that_do_not_exist():
    now = at(LA, 2026, 3, 7, 12, 0)
    found = free_slots(now=now, rules=rules(horizon_days=2), hours=hours(SUNDAY, (1,), (4,)))
    assert local_times(found) == [
        "03-08 01:00 PST",
        "03-08 01:20 PST",
        "03-08 01:40 PST",
        # 2:00, 2:20 and 2:40 am never happen that night.
        "03-08 03:00 PDT",
        "03-08 03:20 PDT",
        "03-08 03:40 PDT",
    ]
    # 1:40 PST to 3:00 PDT is 20 minutes: the slots are back to back, none overlap.
    assert found[3].start - found[2].start == datetime.timedelta(minutes=20)


def test_fall_back_offers_a_repeated_time_once_and_the_first_time():
    now = at(LA, 2026, 10, 31, 12, 0)
    found = free_slots(now=now, rules=rules(horizon_days=2), hours=hours(SUNDAY, (1,), (3,)))
    assert local_times(found) == [
        "11-01 01:00 PDT",
        "11-01 01:20 PDT",
        "11-01 01:40 PDT",
        "11-01 02:00 PST",
        "11-01 02:20 PST",
        "11-01 02:40 PST",
    ]
    one_thirty = [slot for slot in found if slot.start.astimezone(LA).hour == 1]
    assert len({slot.start.astimezone(LA).strftime("%H:%M") for slot in one_thirty}) == 3
    assert found[0].start == datetime.datetime(2026, 11, 1, 8, 0, tzinfo=UTC)  # UTC-7


def test_hours_keep_their_wall_time_across_the_change():
    now = at(LA, 2026, 10, 30, 0, 0)
    found = free_slots(now=now, rules=rules(horizon_days=7), hours=hours(MONDAY, (9,), (9, 15)))
    # Monday 2 November 9 am is still 9 am at the clinic, though an hour later in UTC.
    assert local_times(found) == ["11-02 09:00 PST"]
    assert found[0].start == datetime.datetime(2026, 11, 2, 17, 0, tzinfo=UTC)


def test_wall_time_tells_a_skipped_time_from_a_repeated_one():
    assert wall_time(datetime.date(2026, 3, 8), datetime.time(2, 30), LA) is None
    repeated = wall_time(datetime.date(2026, 11, 1), datetime.time(1, 30), LA)
    assert repeated == datetime.datetime(2026, 11, 1, 8, 30, tzinfo=UTC)  # the first, PDT


def test_hours_ending_in_the_skipped_hour_end_no_later_than_the_clock_said():
    now = at(LA, 2026, 3, 7, 12, 0)
    found = free_slots(now=now, rules=rules(horizon_days=2), hours=hours(SUNDAY, (1,), (2, 30)))
    assert local_times(found) == ["03-08 01:00 PST"]


def test_a_patient_in_another_zone_sees_the_same_moments():
    now = at(LA, 2026, 11, 30, 6, 0)
    found = free_slots(now=now, rules=rules(horizon_days=1), hours=hours(MONDAY, (9,), (9, 40)))
    # The clinic's 9 am Pacific is noon for a patient in New York.
    assert local_times(found, NEW_YORK) == ["11-30 12:00 EST", "11-30 12:20 EST"]


def test_the_clinic_day_decides_today_not_utc():
    # 5 pm Sunday in Los Angeles is already Monday in UTC; Sunday's hours are still "today".
    now = at(LA, 2026, 11, 29, 17, 0)
    found = free_slots(
        now=now,
        rules=rules(horizon_days=1, notice=datetime.timedelta(0)),
        hours=hours(SUNDAY, (20,), (20, 15)),
    )
    assert local_times(found) == ["11-29 20:00 PST"]


def test_a_closure_week_offers_nothing_inside_it():
    now = at(LA, 2026, 12, 18, 12, 0)
    weekdays = {1: [WeeklyHours(day, datetime.time(9), datetime.time(9, 15)) for day in range(5)]}
    closure = (at(LA, 2026, 12, 24, 0, 0), at(LA, 2026, 12, 28, 0, 0))
    found = free_slots(now=now, rules=rules(horizon_days=14), hours=weekdays, closures=[closure])
    days = [slot.start.astimezone(LA).date().day for slot in found]
    assert days == [21, 22, 23, 28, 29, 30, 31]


def test_time_off_and_booked_calls_block_their_own_caller_only():
    now = at(LA, 2026, 11, 30, 6, 0)
    two = {
        1: [WeeklyHours(MONDAY, datetime.time(9), datetime.time(9, 40))],
        2: [WeeklyHours(MONDAY, datetime.time(9), datetime.time(9, 40))],
    }
    # Caller 1's booked 9:00 call with its break runs to 9:20: 9:20 is still free for them.
    busy = {1: [(at(LA, 2026, 11, 30, 9, 0), at(LA, 2026, 11, 30, 9, 20))]}
    found = free_slots(now=now, rules=rules(horizon_days=1), hours=two, busy=busy)
    assert [(s.caller_id, s.start.astimezone(LA).strftime("%H:%M")) for s in found] == [
        (2, "09:00"),
        (1, "09:20"),
        (2, "09:20"),
    ]


def test_a_break_overlapping_a_booking_blocks_the_slot_before_it():
    now = at(LA, 2026, 11, 30, 6, 0)
    busy = {1: [(at(LA, 2026, 11, 30, 9, 15), at(LA, 2026, 11, 30, 9, 35))]}
    found = free_slots(
        now=now, rules=rules(horizon_days=1), hours=hours(MONDAY, (9,), (10,)), busy=busy
    )
    # The 9:00 call would end at 9:15 but its break runs to 9:20, into the booking.
    assert local_times(found) == ["11-30 09:40 PST"]


def test_minimum_notice_is_exact_at_the_boundary():
    found_at = free_slots(
        now=at(LA, 2026, 11, 30, 7, 0),
        rules=rules(horizon_days=1),
        hours=hours(MONDAY, (9,), (9, 40)),
    )
    assert local_times(found_at) == ["11-30 09:00 PST", "11-30 09:20 PST"]
    a_minute_later = free_slots(
        now=at(LA, 2026, 11, 30, 7, 1),
        rules=rules(horizon_days=1),
        hours=hours(MONDAY, (9,), (9, 40)),
    )
    assert local_times(a_minute_later) == ["11-30 09:20 PST"]


def test_the_window_ends_after_its_last_day():
    now = at(LA, 2026, 11, 30, 6, 0)  # Monday
    every_day = {1: [WeeklyHours(day, datetime.time(9), datetime.time(9, 15)) for day in range(7)]}
    found = free_slots(now=now, rules=rules(horizon_days=14), hours=every_day)
    assert len(found) == 14
    assert found[-1].start.astimezone(LA).date() == datetime.date(2026, 12, 13)


def test_no_hours_means_no_slots():
    assert free_slots(now=at(LA, 2026, 11, 30, 6, 0), rules=rules(), hours={}) == []


def test_one_day_gives_the_same_slots_as_the_window_on_that_day():
    now = at(LA, 2026, 10, 30, 0, 0)
    every_day = {1: [WeeklyHours(day, datetime.time(0, 30), datetime.time(3)) for day in range(7)]}
    window = free_slots(now=now, rules=rules(), hours=every_day)
    fall_back = datetime.date(2026, 11, 1)
    one_day = free_slots(now=now, rules=rules(), hours=every_day, day=fall_back)
    assert one_day == [s for s in window if s.start.astimezone(LA).date() == fall_back]
    assert free_slots(now=now, rules=rules(), hours=every_day, day=datetime.date(2027, 1, 1)) == []
