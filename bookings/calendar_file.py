"""The booked call as a calendar file (.ics, RFC 5545): one event, private, nothing medical.

The event's UID stays the same for the life of the booking and its SEQUENCE rises with every
change, so a calendar that imported it updates or removes the one event rather than adding
another. Its title is neutral ("Phone call") unless the patient allowed us to name the clinic;
it never holds a name, a condition or what they wrote, and it is marked CLASS:PRIVATE so a
shared calendar shows only "busy".
"""

import email.utils
import urllib.parse

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from pages.models import ClinicProfile

from .models import CallStatus

PRODID = "-//Clinic website//Consultation calls//EN"
NEUTRAL_TITLE = "Phone call"


def call_calendar(booking, *, method: str = "PUBLISH") -> bytes:
    """Return the booking's .ics: PUBLISH for a download, REQUEST or CANCEL for an email."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(_event(booking, method))
    return calendar.to_ical()


def _event(booking, method: str) -> Event:
    request = booking.request
    clinic = ClinicProfile.objects.load()
    event = Event()
    event.add("uid", f"{booking.uid}@{urllib.parse.urlsplit(settings.SITE_URL).hostname}")
    event.add("sequence", booking.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", booking.starts)
    event.add("dtend", booking.ends)
    event.add("class", "PRIVATE")
    cancelled = method == "CANCEL" or booking.status == CallStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if request.ok_name_clinic:
        event.add("summary", f"Free consultation call with {clinic.name}")
        event.add("description", f"We will call you. Reference {request.reference}.")
    else:
        event.add("summary", NEUTRAL_TITLE)
        event.add("description", f"Reference {request.reference}.")
    if method != "PUBLISH":
        # iTIP (RFC 5546): an update or cancellation names its organizer and attendee.
        event.add("organizer", vCalAddress(f"mailto:{_sender_address()}"))
        attendee = vCalAddress(f"mailto:{request.email}")
        attendee.params["RSVP"] = vText("FALSE")
        event.add("attendee", attendee)
    return event


def _sender_address() -> str:
    return email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
