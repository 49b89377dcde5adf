"""The free call times as the patient sees them: by day, in the clinic's zone, a page at a time."""

import datetime
import itertools

from pages.models import US_TIME_ZONES

from . import scheduling
from .forms import CALLBACK

# Days with free call times shown per page of the form: enough to choose, light on a phone.
DAYS_PER_PAGE = 3


def call_times(offer: scheduling.Offer, *, picked: str | None, page: str | None) -> dict:
    """Return the free times to show, by day in the clinic's zone, a page of days at a time.

    An empty form shows DAYS_PER_PAGE days per page (?dates=2 for the next). With no `page`
    (a form shown again with answers) every day is shown, so that no link can lose what the
    patient typed.
    """
    tz = offer.rules.tz
    by_day = [
        (day, list(times))
        for day, times in itertools.groupby(
            offer.times, key=lambda time: time.astimezone(tz).date()
        )
    ]
    number = int(page) if page and page.isdigit() and 0 < int(page) <= 1000 else 1
    later = False
    if page is not None:
        first = (number - 1) * DAYS_PER_PAGE
        later = len(by_day) > first + DAYS_PER_PAGE
        by_day = by_day[first : first + DAYS_PER_PAGE]
    days = [(day, [_call_time(time, tz, picked) for time in times]) for day, times in by_day]
    return {
        "days": days,
        "next_page": number + 1 if later else None,
        "callback": CALLBACK,
        "callback_picked": picked == CALLBACK,
        "zone": tz.key,
        "zone_name": dict(US_TIME_ZONES).get(tz.key, tz.key),
        "notice_hours": offer.rules.notice.total_seconds() // 3600,
        "call_minutes": int(offer.rules.call.total_seconds() // 60),
    }


def _call_time(time, tz, picked) -> dict:
    utc, local = time.astimezone(datetime.UTC), time.astimezone(tz)
    value = utc.strftime(scheduling.CALL_TIME_FORMAT)
    label = f"{local:%-I:%M} {'am' if local.hour < 12 else 'pm'}"
    return {
        "value": value,
        "id": f"call-at-{utc:%Y%m%dt%H%M}",  # in UTC, unique even when the clocks go back
        "label": label,
        "checked": value == picked,
    }
