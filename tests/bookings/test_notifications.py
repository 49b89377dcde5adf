"""Notification emails: queued with the request, free of health details, retried after an outage."""

import datetime
import socket

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings import emails, tasks
from bookings.choices import BestTime, Condition, HowHeard, USState
from bookings.models import ConsultationRequest
from bookings.tasks import retry_delay
from tests.factories import make_consultation_request

MARKERS = {
    "first_name": "Markerfirst",
    "last_name": "Markerlast",
    "preferred_name": "Markerpreferred",
    "email": "markeremail@example.org",
    "phone": "+15035550199",
    "message": "Markermessage about my history",
    "best_times": ["morning", "evening"],
    "state": "WY",
    "conditions": ["ptsd", "chronic_pain", "other"],
    "how_heard": "doctor",
    "ok_voicemail": True,
    "ok_text": True,
    "ok_name_clinic": True,
}


def forbidden_strings() -> list[str]:
    """Return every value a patient typed or ticked, in the ways an email might show it."""
    values = [MARKERS[k] for k in ("first_name", "last_name", "preferred_name", "message")]
    values += ["markeremail", "5035550199", "555-0199", "0199", "/learn/markerarticle/"]
    values += [USState.WY.label, HowHeard.DOCTOR.label]
    values += [BestTime(v).label for v in MARKERS["best_times"]]
    values += [Condition(v).label for v in MARKERS["conditions"]]
    values += ["ketamine", "voicemail", "PTSD", "pain", "urgent"]
    return values


# Headers made by the mail library, not from any data: Message-ID and Date carry random digits
# that could match a short marker such as the phone's last four.
GENERATED_HEADERS = {"to", "message-id", "date"}


def rendered(message) -> str:
    """Return everything in an email except its To address and generated headers."""
    headers = {k: v for k, v in message.message().items() if k.lower() not in GENERATED_HEADERS}
    return f"{headers}\n{message.subject}\n{message.body}"


@pytest.mark.django_db
def test_no_patient_detail_reaches_any_notification():
    request = make_consultation_request(**{**MARKERS, "message": MARKERS["message"] + " suicide"})
    request.came_from = "/learn/markerarticle/"
    for message in (emails.staff_email(request), emails.patient_email(request)):
        text = rendered(message)
        leaked = [value for value in forbidden_strings() if value.lower() in text.lower()]
        assert leaked == [], f"{message.subject!r} contains {leaked}"
        assert request.reference in text


@pytest.mark.django_db
def test_notifications_read_the_same_whatever_the_patient_sent():
    plain = make_consultation_request(
        email="a@example.com", phone="", preferred_contact="email", conditions=["not_sure"]
    )
    full = make_consultation_request(**{**MARKERS, "message": "I want to die"})
    assert full.urgent and not plain.urgent
    for build in (emails.staff_email, emails.patient_email):
        texts = [
            build(r).body.replace(r.reference, "REF").replace(f"/{r.pk}/", "/ID/")
            for r in (plain, full)
        ]
        assert texts[0] == texts[1]


@pytest.mark.django_db
def test_staff_are_told_the_reference_and_the_admin_link(settings):
    settings.SITE_URL = "https://clinic.example"
    request = make_consultation_request()
    staff = next(m for m in mail.outbox if m.to == [settings.STAFF_NOTIFICATION_EMAIL])
    assert staff.subject == f"New consultation request {request.reference}"
    assert f"https://clinic.example/admin/bookings/consultationrequest/{request.pk}/" in staff.body


@pytest.mark.django_db
def test_patient_acknowledgement_has_reference_next_steps_and_crisis_numbers():
    request = make_consultation_request(email="ada@example.com")
    ack = next(m for m in mail.outbox if m.to == ["ada@example.com"])
    assert request.reference in ack.subject and request.reference in ack.body
    assert "What happens next" in ack.body
    assert "988" in ack.body and "911" in ack.body


@pytest.mark.django_db
def test_no_acknowledgement_without_an_email():
    make_consultation_request(email="")
    assert len(mail.outbox) == 1  # staff only


@pytest.mark.django_db
def test_spam_sends_no_notifications():
    make_consultation_request(spam_reason="honeypot field filled in")
    assert mail.outbox == []


def test_retry_delays_double_up_to_an_hour(settings):
    settings.NOTIFICATION_RETRY_SECONDS = 60
    delays = [retry_delay(n).total_seconds() for n in range(1, 9)]
    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def refused_port() -> int:
    """Return a local port nothing listens on, so an SMTP connection to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_worker() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


@pytest.fixture
def database_queue(settings):
    """Use the production queue (django-tasks-db) and an SMTP server that refuses connections."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", refused_port()
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 2
    return settings


@pytest.mark.django_db(transaction=True)
def test_request_survives_smtp_outage_and_mail_goes_out_later(database_queue):
    request = make_consultation_request(email="ada@example.com")
    assert DBTaskResult.objects.count() == 1  # queued with the request, not sent yet
    assert mail.outbox == []

    run_worker()  # the mail server refuses: both emails are queued again, for later
    assert mail.outbox == []
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"] == {
        "request_id": request.pk,
        "kinds": ["staff", "patient"],
        "attempt": 2,
    }
    assert retry.run_after > timezone.now()

    run_worker()  # too early: nothing is due yet
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    database_queue.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=retry.pk).update(
        run_after=timezone.now() - datetime.timedelta(seconds=1)
    )
    run_worker()  # the server is back and the retry is due
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.com", "frontdesk@example.com"]
    assert all(request.reference in m.subject for m in mail.outbox)
    assert not DBTaskResult.objects.filter(status="READY").exists()


@pytest.mark.django_db(transaction=True)
def test_only_the_email_that_failed_is_retried(database_queue, monkeypatch, caplog):
    """The staff email goes out; the patient's server refuses: only that one is tried again."""
    database_queue.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    real_patient_email = emails.patient_email

    class RefusedMessage:
        def send(self):
            raise ConnectionRefusedError

    monkeypatch.setitem(tasks.KINDS, "patient", lambda request: RefusedMessage())
    request = make_consultation_request(email="ada@example.com")
    run_worker()
    assert [m.to[0] for m in mail.outbox] == ["frontdesk@example.com"]
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"]["kinds"] == ["patient"]
    assert f"Could not send the patient email for {request.reference}" in caplog.text

    monkeypatch.setitem(tasks.KINDS, "patient", real_patient_email)
    DBTaskResult.objects.filter(pk=retry.pk).update(
        run_after=timezone.now() - datetime.timedelta(seconds=1)
    )
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.com", "frontdesk@example.com"]


@pytest.mark.django_db(transaction=True)
def test_worker_gives_up_after_the_last_attempt(database_queue, caplog):
    database_queue.NOTIFICATION_MAX_ATTEMPTS = 1
    request = make_consultation_request(email="")
    run_worker()
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert f"Gave up sending the staff email for {request.reference}" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_request_that_fails_to_save_queues_no_email(database_queue):
    make_consultation_request(phone="+15035550142")
    with pytest.raises(Exception, match="consultation_has_contact"):
        make_consultation_request(email="", phone="")
    assert DBTaskResult.objects.count() == 1
    assert ConsultationRequest.objects.count() == 1
