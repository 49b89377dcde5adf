"""Notification emails, sent by the worker (`manage.py db_worker`), never by the web request.

One task per request sends its emails: the staff notice, then the patient's acknowledgement
if they gave an email. django-tasks 0.12 has no retries of its own, so when a send fails (SMTP
down, refused, timed out) the task queues itself again for the emails still unsent, with
`run_after` further in the future each time: 1, 2, 4 ... minutes (NOTIFICATION_RETRY_SECONDS
doubling, at most an hour), up to NOTIFICATION_MAX_ATTEMPTS. An email that went out is never
retried; a worker killed between the two sends can repeat the first (delivery is at least
once). Task arguments are only the request's id and the kinds of email, so the queue holds no
patient data, and failures are logged by reference without the exception text (an SMTP error
can quote the patient's address).
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from . import emails

logger = logging.getLogger(__name__)
KINDS = {
    "staff": emails.staff_email,
    "patient": emails.patient_email,
    "call_moved": emails.call_moved_email,
    "call_cancelled": emails.call_cancelled_email,
    "call_reminder": emails.call_reminder_email,
    "call_booked": emails.call_booked_email,
    "call_missed": emails.call_missed_email,
}
MAX_DELAY = datetime.timedelta(hours=1)


def enqueue_notifications(request) -> None:
    """Queue the staff email, and the patient's acknowledgement if they gave an email.

    One task for both, so that each request is one job in the queue, retried as a whole.
    """
    kinds = ["staff", "patient"] if request.email else ["staff"]
    send_notifications.enqueue(request_id=request.pk, kinds=kinds)


def enqueue_call_email(booking, *, kind: str) -> None:
    """Queue the email telling the patient their call was moved or cancelled, or a reminder.

    Only to a patient who gave an email address; the front desk tells the others by phone.
    """
    if booking.request.email:
        send_notifications.enqueue(request_id=booking.request_id, kinds=[f"call_{kind}"])


def retry_delay(attempt: int) -> datetime.timedelta:
    """Return how long to wait before the attempt after `attempt` (1-based)."""
    delay = datetime.timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS * 2 ** (attempt - 1))
    return min(delay, MAX_DELAY)


@task()
def send_notifications(request_id: int, kinds: list[str], attempt: int = 1) -> str:
    """Send a request's notification emails; queue a later retry for any the mail server refused."""
    from .models import ConsultationRequest

    request = ConsultationRequest.objects.get(pk=request_id)
    unsent = []
    for kind in kinds:
        try:
            KINDS[kind](request).send()
        except (smtplib.SMTPException, OSError) as error:
            unsent.append(kind)
            error_name = type(error).__name__
    if not unsent:
        return "sent"
    return _retry_later(request, unsent, attempt, error_name)


def _retry_later(request, kinds: list[str], attempt: int, error_name: str) -> str:
    names = " and ".join(kinds)
    if attempt >= settings.NOTIFICATION_MAX_ATTEMPTS:
        logger.error(
            "Gave up sending the %s email for %s after %d attempts (%s)",
            names,
            request.reference,
            attempt,
            error_name,
        )
        return "gave up"
    delay = retry_delay(attempt)
    logger.warning(
        "Could not send the %s email for %s (%s); retrying in %s",
        names,
        request.reference,
        error_name,
        delay,
    )
    send_notifications.using(run_after=timezone.now() + delay).enqueue(
        request_id=request.pk, kinds=kinds, attempt=attempt + 1
    )
    return "retry queued"
