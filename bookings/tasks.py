"""Notification emails, sent by the worker (`manage.py db_worker`), never by the web request.

django-tasks 0.12 has no retries of its own, so a send that fails (SMTP down, refused, timed
out) queues itself again with `run_after` set further in the future each time: 1, 2, 4 ...
minutes (NOTIFICATION_RETRY_SECONDS doubling, at most an hour), up to NOTIFICATION_MAX_ATTEMPTS.
Task arguments are only the request's id and the kind of email, so the queue holds no patient
data, and failures are logged by reference without the exception text (an SMTP error can
quote the patient's address).
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from . import emails

logger = logging.getLogger(__name__)
KINDS = {"staff": emails.staff_email, "patient": emails.patient_email}
MAX_DELAY = datetime.timedelta(hours=1)


def enqueue_notifications(request) -> None:
    """Queue the staff email, and the patient's acknowledgement if they gave an email."""
    send_notification.enqueue(request_id=request.pk, kind="staff")
    if request.email:
        send_notification.enqueue(request_id=request.pk, kind="patient")


def retry_delay(attempt: int) -> datetime.timedelta:
    """Return how long to wait before the attempt after `attempt` (1-based)."""
    delay = datetime.timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS * 2 ** (attempt - 1))
    return min(delay, MAX_DELAY)


@task()
def send_notification(request_id: int, kind: str, attempt: int = 1) -> str:
    """Send one notification email about a request; on a mail failure, queue a later retry."""
    from .models import ConsultationRequest

    request = ConsultationRequest.objects.get(pk=request_id)
    message = KINDS[kind](request)
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        return _retry_later(request, kind, attempt, type(error).__name__)
    return "sent"


def _retry_later(request, kind: str, attempt: int, error_name: str) -> str:
    if attempt >= settings.NOTIFICATION_MAX_ATTEMPTS:
        logger.error(
            "Gave up sending the %s email for %s after %d attempts (%s)",
            kind,
            request.reference,
            attempt,
            error_name,
        )
        return "gave up"
    delay = retry_delay(attempt)
    logger.warning(
        "Could not send the %s email for %s (%s); retrying in %s",
        kind,
        request.reference,
        error_name,
        delay,
    )
    send_notification.using(run_after=timezone.now() + delay).enqueue(
        request_id=request.pk, kind=kind, attempt=attempt + 1
    )
    return "retry queued"
