"""Day-before reminders of booked calls: an email, and a text once a text provider is set.

Only as the patient allowed: the email if they gave an address, the text if they ticked
"OK to text". Neither says more than the time and the reference; the text names the clinic
only if they allowed that too. Each call is reminded once (`reminded_at`), so the command can
run every hour and a call moved to tomorrow is still reminded.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from pages.models import ClinicProfile

from . import call_links, tasks
from .models import CallBooking


def calls_due(*, now: datetime.datetime):
    """Return the booked calls on the clinic's next day not reminded yet."""
    tz = ClinicProfile.objects.load().tz
    tomorrow = now.astimezone(tz).date() + datetime.timedelta(days=1)
    start = datetime.datetime.combine(tomorrow, datetime.time(), tzinfo=tz)
    end = datetime.datetime.combine(
        tomorrow + datetime.timedelta(days=1), datetime.time(), tzinfo=tz
    )
    return (
        CallBooking.objects.booked()
        .filter(reminded_at__isnull=True, during__startswith__gte=start)
        .filter(during__startswith__lt=end)
        .select_related("request")
    )


def remind(*, booking: CallBooking, now: datetime.datetime) -> list[str]:
    """Send the booking's reminders the patient allowed; return what went ('email', 'text')."""
    sent = []
    with transaction.atomic():
        booking.reminded_at = now
        booking.save(update_fields=["reminded_at", "updated"])
        if booking.request.email:
            tasks.enqueue_call_email(booking, kind="reminder")
            sent.append("email")
    request = booking.request
    if request.ok_text and request.phone and send_text(to=request.phone, body=text_body(booking)):
        sent.append("text")
    return sent


def text_body(booking: CallBooking) -> str:
    """Return the reminder text: the time and reference, the clinic named only if allowed."""
    request = booking.request
    who = f"{ClinicProfile.objects.load().name}: your" if request.ok_name_clinic else "Your"
    return f"{who} phone call is {call_links.call_time_text(booking)}. Ref {request.reference}."


def send_text(*, to: str, body: str) -> bool:
    """Send a text through TEXT_MESSAGE_BACKEND; without one, send nothing and return False."""
    if not settings.TEXT_MESSAGE_BACKEND:
        return False
    import_string(settings.TEXT_MESSAGE_BACKEND)(to=to, body=body)
    return True
