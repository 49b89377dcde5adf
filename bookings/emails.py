"""The two notification emails. They carry a reference and links, never what the patient wrote.

Only the reference, the clinic's own details and the general next steps go in: no name, no
message, no conditions, no ticked boxes. tests/bookings/test_notifications.py proves it by filling
every patient field with a marker and checking that no marker reaches either email. The
acknowledgement does not name the clinic either: the clinic's name may say "ketamine", and a
patient's mailbox may be shared (set DEFAULT_FROM_EMAIL to a discreet sender name too).
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from pages.models import ClinicProfile

from . import call_links
from .calendar_file import call_calendar
from .models import CallBooking, CallStatus

CALENDAR_TYPE = "text/calendar; charset=utf-8; method={}"


def staff_email(request) -> EmailMessage:
    """Return the front desk's 'new request' email, with a link to it in the admin."""
    context = {
        "reference": request.reference,
        "admin_url": settings.SITE_URL + request.get_admin_url(),
    }
    return EmailMessage(
        subject=f"New consultation request {request.reference}",
        body=render_to_string("bookings/email/staff_new_request.txt", context),
        to=[settings.STAFF_NOTIFICATION_EMAIL],
    )


def patient_email(request) -> EmailMessage:
    """Return the acknowledgement sent to the patient: reference, next steps, crisis numbers.

    With a booked call: its day and time in the clinic's zone, the link to move or cancel it,
    and the calendar file.
    """
    clinic = ClinicProfile.objects.load()
    booking = booked_call(request)
    context = {"reference": request.reference, "clinic": clinic, **_call_context(booking)}
    message = EmailMessage(
        subject=f"We received your request ({request.reference})",
        body=render_to_string("bookings/email/patient_acknowledgement.txt", context),
        to=[request.email],
        reply_to=[clinic.email],
    )
    if booking is not None:
        _attach_calendar(message, booking, method="REQUEST")
    return message


def call_moved_email(request) -> EmailMessage:
    """Return the "your call has moved" email, with the new time, link and calendar update."""
    return _call_email(request, "moved", method="REQUEST")


def call_cancelled_email(request) -> EmailMessage:
    """Return the "your call is cancelled" email, with the calendar's cancellation."""
    return _call_email(request, "cancelled", method="CANCEL")


def call_booked_email(request) -> EmailMessage:
    """Return the email for a call the front desk booked with the patient on the phone."""
    return _call_email(request, "booked", method="REQUEST")


def call_missed_email(request) -> EmailMessage:
    """Return "sorry we missed you": a link to pick a new time, the old one removed."""
    return _call_email(request, "missed", method="CANCEL")


def call_reminder_email(request) -> EmailMessage:
    """Return the reminder sent the day before a booked call."""
    return _call_email(request, "reminder", method="REQUEST")


def _call_email(request, kind: str, *, method: str) -> EmailMessage:
    clinic = ClinicProfile.objects.load()
    booking = CallBooking.objects.get(request=request)
    context = {
        "reference": request.reference,
        "clinic": clinic,
        "form_url": settings.SITE_URL + reverse("bookings:consultation"),
        **_call_context(booking),
    }
    subjects = {
        "moved": "Your call has a new time",
        "cancelled": "Your call is cancelled",
        "reminder": "A reminder of your call tomorrow",
        "booked": "Your call is booked",
        "missed": "Sorry we missed you",
    }
    message = EmailMessage(
        subject=f"{subjects[kind]} ({request.reference})",
        body=render_to_string(f"bookings/email/call_{kind}.txt", context),
        to=[request.email],
        reply_to=[clinic.email],
    )
    _attach_calendar(message, booking, method=method)
    return message


def booked_call(request) -> CallBooking | None:
    """Return the request's call if it is booked (not cancelled), else None."""
    return CallBooking.objects.filter(request=request, status=CallStatus.BOOKED).first()


def _call_context(booking: CallBooking | None) -> dict:
    if booking is None:
        return {}
    return {
        "call_time": call_links.call_time_text(booking),
        "manage_url": settings.SITE_URL + call_links.manage_url(booking),
    }


def _attach_calendar(message: EmailMessage, booking: CallBooking, *, method: str) -> None:
    message.attach("call.ics", call_calendar(booking, method=method), CALENDAR_TYPE.format(method))
