"""The contact log as the front desk meets it: each try in one step, within the patient's wishes."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import services
from bookings.choices import ContactOutcome, Status
from bookings.models import AccessLogEntry, ConsultationRequest, ContactAttempt, StatusChange
from pages.models import ClinicProfile
from staff.roles import EDITOR, FRONT_DESK
from tests.factories import (
    consultation_data,
    make_consultation_request,
    make_user,
)

from .test_admin import INBOX, change_post, inbox

pytestmark = pytest.mark.django_db


def log_on_page(client, request, outcome, note=""):
    """Pick what happened on the request page and press Save."""
    data = change_post(client, request)
    data["contact_attempts-0-outcome"] = outcome
    data["contact_attempts-0-note"] = note
    return client.post(f"{INBOX}{request.pk}/change/", data)


def outcomes_offered(client, request) -> list[str]:
    context = client.get(f"{INBOX}{request.pk}/change/").context
    for inline in context["inline_admin_formsets"]:
        if inline.formset.prefix == "contact_attempts":
            return [value for value, _ in inline.formset.forms[0].fields["outcome"].choices]
    return []


@pytest.mark.parametrize("outcome", ContactOutcome.values)
def test_each_outcome_is_logged_in_one_step_from_the_request_page(client, front_desk, outcome):
    request = make_consultation_request(ok_voicemail=True, ok_text=True)
    response = log_on_page(client, request, outcome, note="asked to call after 3")
    assert response.status_code == 302
    attempt = ContactAttempt.objects.get(request=request)
    assert (attempt.outcome, attempt.note, attempt.by) == (
        outcome,
        "asked to call after 3",
        front_desk,
    )
    page = client.get(f"{INBOX}{request.pk}/change/").content.decode()
    assert ContactOutcome(outcome).label in page


def test_options_follow_what_the_patient_allowed(client, front_desk):
    no_voicemail_no_text = make_consultation_request(ok_voicemail=False, ok_text=False)
    assert outcomes_offered(client, no_voicemail_no_text) == [
        "called_reached",
        "called_no_answer",
        "called_wrong_number",
        "emailed",
    ]
    email_only = make_consultation_request(
        phone="", preferred_contact="email", email="e@example.com", ok_voicemail=False
    )
    assert outcomes_offered(client, email_only) == ["emailed"]
    phone_only = make_consultation_request(email="", ok_text=True, ok_voicemail=True)
    assert "emailed" not in outcomes_offered(client, phone_only)
    assert "texted" in outcomes_offered(client, phone_only)


def test_a_forbidden_voicemail_is_refused_on_the_page_and_by_the_service(client, front_desk):
    request = make_consultation_request(ok_voicemail=False)
    response = log_on_page(client, request, "called_voicemail")
    assert response.status_code == 200  # shown again with the error
    assert not ContactAttempt.objects.exists()
    with pytest.raises(services.ContactNotAllowed, match="did not allow voicemails"):
        services.log_contact_attempt(
            request=request, actor=front_desk, outcome=ContactOutcome.CALLED_VOICEMAIL
        )
    with pytest.raises(services.ContactNotAllowed, match="did not allow texts"):
        services.log_contact_attempt(request=request, actor=front_desk, outcome="texted")
    assert not ContactAttempt.objects.exists()


def test_the_list_action_logs_a_no_answer_call_and_names_the_ones_it_could_not(client, front_desk):
    callable_ = make_consultation_request(email="a@example.com")
    email_only = make_consultation_request(
        email="b@example.com", phone="", preferred_contact="email"
    )
    response = client.post(
        INBOX,
        {"action": "log_no_answer", "_selected_action": [callable_.pk, email_only.pk]},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert "“Called: no answer” logged on 1 request(s)." in shown
    assert any(email_only.reference in m and "no phone number" in m for m in shown)
    assert list(ContactAttempt.objects.values_list("request", flat=True)) == [callable_.pk]


def test_the_list_shows_how_many_tries_each_request_had(client, front_desk):
    request = make_consultation_request()
    for _ in range(2):
        services.log_contact_attempt(request=request, actor=front_desk, outcome="called_no_answer")
    response = client.get(INBOX)
    assert '<span class="inbox-tries">2 tries</span>' in response.content.decode()


def test_first_try_sets_first_contact_time_and_moves_new_to_contacting(front_desk):
    request = make_consultation_request()
    first = services.log_contact_attempt(
        request=request, actor=front_desk, outcome="called_no_answer"
    )
    services.log_contact_attempt(request=request, actor=front_desk, outcome="emailed")
    request.refresh_from_db()
    assert request.first_contacted_at == first.at
    assert request.status == Status.CONTACTING
    change = StatusChange.objects.filter(request=request).latest()
    assert (change.from_status, change.to_status, change.changed_by) == (
        Status.NEW,
        Status.CONTACTING,
        front_desk,
    )


def test_no_response_is_suggested_after_n_unanswered_tries_never_set(client, front_desk, settings):
    settings.CONTACT_ATTEMPTS_BEFORE_NO_RESPONSE = 3
    request = make_consultation_request(ok_voicemail=True)
    for outcome in ("called_no_answer", "called_voicemail"):
        services.log_contact_attempt(request=request, actor=front_desk, outcome=outcome)
    assert "No response?" not in client.get(INBOX).content.decode()
    services.log_contact_attempt(request=request, actor=front_desk, outcome="emailed")
    assert "No response?" in client.get(INBOX).content.decode()
    page = client.get(f"{INBOX}{request.pk}/change/").content.decode()
    assert "consider setting the status to <strong>No response</strong>" in page
    request.refresh_from_db()
    assert request.status == Status.CONTACTING


def test_no_response_is_not_suggested_once_someone_reached_them(client, front_desk, settings):
    settings.CONTACT_ATTEMPTS_BEFORE_NO_RESPONSE = 2
    request = make_consultation_request()
    for outcome in ("called_no_answer", "called_no_answer", "called_reached"):
        services.log_contact_attempt(request=request, actor=front_desk, outcome=outcome)
    assert "No response?" not in client.get(INBOX).content.decode()
    assert not services.suggests_no_response(request=request)


def test_follow_up_set_on_the_page_and_due_today_in_the_clinics_time(
    client, front_desk, monkeypatch
):
    profile = ClinicProfile.objects.load()
    profile.time_zone = "America/Los_Angeles"
    profile.save()
    # 05:00 UTC on 10 March is still 9 March in Los Angeles.
    utc_now = datetime.datetime(2026, 3, 10, 5, 0, tzinfo=datetime.UTC)
    due = make_consultation_request(email="due@example.com", phone="", preferred_contact="email")
    tomorrow = make_consultation_request(
        email="later@example.com", phone="", preferred_contact="email"
    )
    response = client.post(
        f"{INBOX}{due.pk}/change/", change_post(client, due, follow_up_on="2026-03-09")
    )
    assert response.status_code == 302
    ConsultationRequest.objects.filter(pk=tomorrow.pk).update(
        follow_up_on=datetime.date(2026, 3, 10)
    )
    monkeypatch.setattr(timezone, "now", lambda: utc_now)
    assert inbox(client, "?follow_up=today") == [due.reference]


def test_editors_cannot_be_assigned_and_the_front_desk_is_listed_by_full_name(client, front_desk):
    make_user(
        username="eddie",
        first_name="Eddie",
        last_name="Editor",
        is_staff=True,
        groups=[Group.objects.get(name=EDITOR)],
    )
    make_user(
        username="gone",
        first_name="Gone",
        last_name="Away",
        is_staff=True,
        is_active=False,
        groups=[Group.objects.get(name=FRONT_DESK)],
    )
    request = make_consultation_request()
    form = client.get(f"{INBOX}{request.pk}/change/").context["adminform"].form
    labels = [label for _, label in form.fields["assigned_to"].choices]
    assert "Frida Kahlo" in labels
    assert not {"Eddie Editor", "eddie", "Gone Away", "gone"} & set(labels)


def test_the_assigned_column_shows_the_full_name(client, front_desk):
    request = make_consultation_request()
    services.update_requests(requests=[request], actor=front_desk, assigned_to=front_desk)
    assert '<td class="field-assignee">Frida Kahlo</td>' in client.get(INBOX).content.decode()


def test_reference_is_found_without_its_dash_or_in_lower_case(client, front_desk):
    request = make_consultation_request()
    make_consultation_request(email="other@example.com", phone="", preferred_contact="email")
    compact = request.reference.replace("-", "")
    for typed in (compact.lower(), f"{compact[:3]} {compact[3:]}", f" {compact} "):
        assert inbox(client, f"?q={typed}") == [request.reference], typed


def test_a_name_shaped_like_a_reference_is_still_found_by_name(client, front_desk):
    request = make_consultation_request(first_name="Kathryn")
    assert inbox(client, "?q=kathryn") == [request.reference]


@pytest.mark.parametrize(
    "typed", ["(503) 555-0142", "503.555.0142", "5035550142", "+1 503 555 0142", "1-503-555-0142"]
)
def test_phone_is_found_in_any_format(client, front_desk, typed):
    request = make_consultation_request(phone="+15035550142")
    make_consultation_request(email="other@example.com", phone="+15035550199")
    assert inbox(client, f"?q={typed}") == [request.reference]


def test_urgent_turns_red_past_its_own_hour(client, front_desk, settings):
    settings.INBOX_TARGET_HOURS = 24
    settings.URGENT_TARGET_HOURS = 1
    urgent = make_consultation_request(message="I want to die")
    routine = make_consultation_request(email="r@example.com", phone="", preferred_contact="email")
    two_hours_ago = timezone.now() - datetime.timedelta(hours=2)
    ConsultationRequest.objects.filter(pk__in=[urgent.pk, routine.pk]).update(created=two_hours_ago)
    page = client.get(INBOX).content.decode()
    assert page.count("inbox-age inbox-age--overdue") == 1
    assert urgent.urgent


def test_age_shows_the_exact_arrival_in_the_clinics_time_zone(client, front_desk):
    profile = ClinicProfile.objects.load()
    profile.time_zone = "America/New_York"
    profile.save()
    request = make_consultation_request()
    arrived = datetime.datetime(2026, 1, 15, 15, 4, tzinfo=datetime.UTC)  # 10:04 AM in New York
    ConsultationRequest.objects.filter(pk=request.pk).update(created=arrived)
    page = client.get(INBOX + "?status=all").content.decode()
    assert 'title="Arrived Thu 15 Jan 2026, 10:04 AM EST"' in page
    change = client.get(f"{INBOX}{request.pk}/change/").content.decode()
    assert "10:04" in change


def test_the_database_refuses_text_as_preferred_without_ok_to_text():
    request = make_consultation_request(preferred_contact="text", ok_text=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationRequest.objects.filter(pk=request.pk).update(ok_text=False)


def test_the_service_checks_the_rule_before_sending_the_row():
    from django.core.exceptions import ValidationError

    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as error:
        services.submit_consultation_request(
            data=consultation_data(preferred_contact="text", ok_text=False),
            form_token=__import__("uuid").uuid4(),
        )
    assert "allow texts" in str(error.value)
    assert not [q for q in queries if q["sql"].startswith("INSERT")]


def test_logging_on_the_request_page_is_recorded_in_the_access_log(client, front_desk):
    request = make_consultation_request()
    log_on_page(client, request, "called_no_answer")
    assert AccessLogEntry.objects.filter(user=front_desk, request=request).exists()


def test_notes_and_tries_on_the_request_page_are_in_the_clinics_time(client, front_desk):
    profile = ClinicProfile.objects.load()
    profile.time_zone = "America/New_York"
    profile.save()
    request = make_consultation_request()
    note = services.add_note(request=request, author=front_desk, text="Left no message")
    attempt = services.log_contact_attempt(
        request=request, actor=front_desk, outcome="called_no_answer"
    )
    at_ten = datetime.datetime(2026, 1, 15, 15, 0, tzinfo=datetime.UTC)  # 10:00 AM in New York
    type(note).objects.filter(pk=note.pk).update(created=at_ten)
    ContactAttempt.objects.filter(pk=attempt.pk).update(at=at_ten)
    page = client.get(f"{INBOX}{request.pk}/change/").content.decode()
    assert "Note by frida at 2026-01-15 10:00" in page
    assert "Called: no answer at 2026-01-15 10:00" in page
    assert "15:00" not in page


def test_the_retention_clean_up_wipes_what_staff_wrote_on_each_try(front_desk):
    request = make_consultation_request()
    services.log_contact_attempt(
        request=request, actor=front_desk, outcome="called_reached", note="spoke to Ada's wife"
    )
    services.update_requests(
        requests=[request],
        actor=front_desk,
        status=Status.CLOSED,
        follow_up_on=datetime.date(2026, 3, 9),
    )
    long_ago = timezone.now() - datetime.timedelta(days=1000)
    ConsultationRequest.objects.filter(pk=request.pk).update(created=long_ago)
    services.anonymise_requests(now=timezone.now(), days=730)
    request.refresh_from_db()
    attempt = request.contact_attempts.get()
    assert (attempt.outcome, attempt.note, attempt.by) == ("called_reached", "", None)
    assert (request.follow_up_on, request.first_contacted_at) == (None, None)
