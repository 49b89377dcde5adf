"""A booked call's manage link and how its time reads: shared by the pages, emails and admin.

A booking's manage link works like Django's password-reset links: it carries a random key that
finds the booking and an HMAC of it made with SECRET_KEY, so what the database holds is not
enough to forge a link (and a reminder sent a day later can still rebuild it). A new key, so a
new link, is drawn when the call is moved.
"""

import datetime
import secrets
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from pages.models import US_TIME_ZONES, ClinicProfile

from .models import CallBooking, CallStatus

MANAGE_SALT = "bookings.manage-call"


def new_key() -> str:
    """Return a fresh random key for a booking's manage link."""
    return secrets.token_hex(16)


def manage_token(booking: CallBooking) -> str:
    """Return the secret part of the booking's manage link (changes when the call moves)."""
    mac = salted_hmac(MANAGE_SALT, f"{booking.pk}:{booking.manage_key}", algorithm="sha256")
    return f"{booking.manage_key}-{mac.hexdigest()[:32]}"


def manage_url(booking: CallBooking) -> str:
    """Return the path of the booking's manage page, its key in the query string (never logged)."""
    return reverse("bookings:manage_call") + "?" + urlencode({"key": manage_token(booking)})


def booking_for_token(token: str) -> CallBooking | None:
    """Return the booking a manage link names, if the link is genuine and current."""
    key, _, _mac = token.partition("-")
    booking = CallBooking.objects.select_related("request").filter(manage_key=key).first()
    if booking is None or not constant_time_compare(manage_token(booking), token):
        return None
    return booking


def call_time_text(booking: CallBooking) -> str:
    """Return when the call is, in the clinic's zone: 'Tuesday 1 December at 9:00 am (...)'."""
    tz = ClinicProfile.objects.load().tz
    return time_text(booking.starts, tz)


def time_text(moment: datetime.datetime, tz) -> str:
    """Return a moment as patients read it, in `tz`, with the zone's plain name."""
    local = moment.astimezone(tz)
    zone = dict(US_TIME_ZONES).get(tz.key, tz.key)
    return f"{local:%A %-d %B} at {local:%-I:%M} {'am' if local.hour < 12 else 'pm'} ({zone} time)"


def link_is_live(booking: CallBooking, *, now: datetime.datetime | None = None) -> bool:
    """Return whether the patient may still move or cancel the call (until it has ended)."""
    return booking.status == CallStatus.BOOKED and (now or timezone.now()) < booking.ends
