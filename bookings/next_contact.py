"""When the front desk will get back to someone: worked out from the clinic's opening hours.

A pure function of the time and the hours, so it can be tested for every edge case. Public
holidays are not known to the site: on a holiday the estimate is a day early, which the page
softens with "usually".
"""

import datetime
import zoneinfo
from dataclasses import dataclass

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A request this close to closing time is answered the next open day.
LAST_CALL = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class NextContact:
    day: datetime.date
    sentence: str


def part_of_day(moment: datetime.datetime) -> str:
    """Return 'morning', 'afternoon', 'evening' or 'night' for a local time."""
    if 5 <= moment.hour < 12:
        return "morning"
    if 12 <= moment.hour < 17:
        return "afternoon"
    if 17 <= moment.hour < 22:
        return "evening"
    return "night"


def next_contact(
    now: datetime.datetime,
    *,
    open_weekdays: range | tuple[int, ...],
    opens_at: datetime.time,
    closes_at: datetime.time,
    tz: zoneinfo.ZoneInfo,
) -> NextContact:
    """Return the day the clinic will next be able to call, and a sentence that says so."""
    local = now.astimezone(tz)
    day = _first_contact_day(local, open_weekdays, closes_at)
    when = _relative_day(local.date(), day)
    sentence = (
        f"It's {DAY_NAMES[local.weekday()]} {part_of_day(local)}, so expect to hear from us {when}."
    )
    return NextContact(day=day, sentence=sentence)


def _first_contact_day(local, open_weekdays, closes_at) -> datetime.date:
    """Return today if there is still time to call today, or the next open day."""
    last_call = datetime.datetime.combine(local.date(), closes_at, local.tzinfo) - LAST_CALL
    if local.weekday() in open_weekdays and local < last_call:
        return local.date()
    for ahead in range(1, 8):
        day = local.date() + datetime.timedelta(days=ahead)
        if day.weekday() in open_weekdays:
            return day
    raise ValueError("The clinic has no open days.")


def _relative_day(today: datetime.date, day: datetime.date) -> str:
    """Return 'today', 'tomorrow' or 'on Monday'."""
    gap = (day - today).days
    if gap == 0:
        return "today"
    if gap == 1:
        return "tomorrow"
    return f"on {DAY_NAMES[day.weekday()]}"
