"""Retention: old finished requests are anonymised, open ones and legal holds are kept whole."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from bookings.choices import Status
from bookings.models import AccessLogEntry, ConsultationRequest, RetentionRun
from bookings.services import REMOVED_NOTE, add_note, record_access, update_requests
from clinic_site import ratelimit
from tests.factories import make_consultation_request, make_user

pytestmark = pytest.mark.django_db


def aged(days: int, status=Status.CLOSED, **overrides) -> ConsultationRequest:
    request = make_consultation_request(**{"message": "Private words", **overrides})
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
    still_open = aged(
        400, status=Status.CONTACTING, email="two@example.com", phone="", preferred_contact="email"
    )
    recent = aged(5, email="three@example.com", phone="", preferred_contact="email")
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


def test_an_anonymised_request_keeps_only_its_reference_day_and_status(settings):
    settings.RETENTION_DAYS = 30
    staff = make_user(is_staff=True)
    first = aged(40, email="first@example.com")
    request = aged(31, message="I want to die", best_times=["morning"], how_heard="search")
    assert request.urgent
    arrived = timezone.localtime(request.created)
    ConsultationRequest.objects.filter(pk=request.pk).update(
        assigned_to=staff, duplicate_of=first, spam_reason="too fast"
    )
    update_requests(requests=[request], actor=staff, status=Status.CONTACTING)
    update_requests(requests=[request], actor=staff, status=Status.CLOSED)
    add_note(request=request, author=staff, text="Called at 9:14, partner answered")
    old_token = request.form_token
    run()
    request.refresh_from_db()
    midnight = arrived.replace(hour=0, minute=0, second=0, microsecond=0)
    assert request.reference and request.status == Status.CLOSED
    assert request.created == midnight == request.consented_at
    assert request.urgent is False and request.state == "" and request.how_heard == ""
    assert request.preferred_contact == "" and request.best_times == []
    assert (request.ok_voicemail, request.ok_text, request.ok_name_clinic) == (False,) * 3
    assert request.duplicate_of is None and request.assigned_to is None
    assert request.spam_reason == "" and request.privacy_notice_version == ""
    assert request.form_token != old_token
    note = request.notes.get()
    assert (note.text, note.author, note.created) == (REMOVED_NOTE, None, midnight)
    assert {(c.changed_by, c.changed_at) for c in request.status_changes.all()} == {
        (None, midnight)
    }


def test_a_later_request_no_longer_links_to_an_anonymised_one(settings):
    settings.RETENTION_DAYS = 30
    old = aged(31)
    later = make_consultation_request()
    assert later.duplicate_of is None  # the old one is closed: not a repeat of an open one
    ConsultationRequest.objects.filter(pk=later.pk).update(duplicate_of=old)
    run()
    later.refresh_from_db()
    assert later.duplicate_of is None


def test_the_access_log_keeps_who_and_which_but_forgets_what_was_searched(settings):
    settings.RETENTION_DAYS = 30
    request = aged(31)
    staff = make_user(is_staff=True)
    record_access(user=staff, shown=[request], page="list", query="q=ada@example.com")
    recent = record_access(user=staff, shown=[], page="list", query="q=someone@example.com")
    run()
    entry = AccessLogEntry.objects.exclude(pk=recent.pk).get()
    assert (entry.user, entry.references, entry.query) == (staff, [request.reference], "")
    recent.refresh_from_db()
    assert recent.query == "q=someone@example.com"  # not yet past the retention period


def test_the_run_deletes_visitors_address_hashes_once_their_window_is_over(rf):
    def allow(address):
        return ratelimit.allow(rf.post("/", REMOTE_ADDR=address), scope="consultation", rate="5/h")

    assert allow("203.0.113.7")
    with connection.cursor() as cursor:  # as if the window had ended two hours ago
        cursor.execute("UPDATE django_cache SET expires = now() - interval '2 hours'")
    assert allow("198.51.100.9")
    output = run()
    assert "Deleted 1 expired cache row(s)" in output
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_cache WHERE cache_key LIKE '%ratelimit%'")
        assert cursor.fetchone()[0] == 1  # the live window's row stays
