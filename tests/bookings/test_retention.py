"""Retention: old finished requests are anonymised, open ones and legal holds are kept whole."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from bookings.choices import Status
from bookings.models import ConsultationRequest, RetentionRun
from bookings.services import add_note
from tests.factories import make_consultation_request, make_user

pytestmark = pytest.mark.django_db


def aged(days: int, status=Status.CLOSED, **overrides) -> ConsultationRequest:
    request = make_consultation_request(message="Private words", **overrides)
    ConsultationRequest.objects.filter(pk=request.pk).update(
        status=status, created=timezone.now() - datetime.timedelta(days=days)
    )
    return ConsultationRequest.objects.get(pk=request.pk)


def run(*args) -> str:
    out = StringIO()
    call_command("anonymise_requests", *args, stdout=out)
    return out.getvalue()


def test_old_closed_request_is_anonymised_and_keeps_reference_dates_status(settings):
    settings.RETENTION_DAYS = 30
    request = aged(31, preferred_name="Ada", came_from="/learn/x/")
    add_note(request=request, author=make_user(), text="Called, left no message")
    output = run()
    request.refresh_from_db()
    assert "Anonymised 1 request(s)" in output
    assert (request.first_name, request.last_name, request.preferred_name) == ("", "", "")
    assert (request.email, request.email_normalised, request.phone) == ("", "", "")
    assert request.message == "" and request.came_from == ""
    assert request.conditions == [] and request.best_times == []
    assert request.anonymised_at is not None
    assert request.status == Status.CLOSED and request.reference and request.created
    assert request.notes.get().text == "[removed by the retention clean-up]"


def test_the_run_is_recorded(settings):
    settings.RETENTION_DAYS = 30
    request = aged(31)
    run()
    record = RetentionRun.objects.get()
    assert record.anonymised_count == 1 and record.references == request.reference


def test_dry_run_lists_and_changes_nothing(settings):
    settings.RETENTION_DAYS = 30
    request = aged(31)
    output = run("--dry-run")
    assert "would anonymise 1 request(s)" in output and request.reference in output
    request.refresh_from_db()
    assert request.first_name == "Ada" and request.anonymised_at is None
    assert not RetentionRun.objects.exists()


def test_legal_hold_open_and_recent_requests_are_kept(settings):
    settings.RETENTION_DAYS = 30
    held = aged(400, legal_hold=True)
    still_open = aged(400, status=Status.CONTACTING, email="two@example.com", phone="")
    recent = aged(5, email="three@example.com", phone="")
    run()
    for request in (held, still_open, recent):
        request.refresh_from_db()
        assert request.anonymised_at is None and request.message == "Private words"


def test_running_twice_anonymises_once(settings):
    settings.RETENTION_DAYS = 30
    aged(31)
    run()
    assert "Anonymised 0 request(s)" in run()


def test_days_option_overrides_the_setting(settings):
    settings.RETENTION_DAYS = 3650
    aged(31)
    assert "Anonymised 1 request(s)" in run("--days", "30")
