"""After booking: the calendar file, and the emailed link to move or cancel the call."""

import datetime
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from bookings import call_links, scheduling
from bookings.models import CallBooking, CallStatus
from pages.models import ClinicProfile
from tests.factories import consultation_post

pytestmark = pytest.mark.django_db
FORM = reverse("bookings:consultation")


def value(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime(scheduling.CALL_TIME_FORMAT)


@pytest.fixture
def booked(client, scheduling_on):
    """Book the first free time through the form; return the booking."""
    when = scheduling.offer().times[0]
    response = client.post(FORM, consultation_post(call_at=value(when), message="MARKER"))
    assert response.status_code == 302
    mail.outbox.clear()
    return CallBooking.objects.select_related("request").get()


def manage_url(booking) -> str:
    return reverse("bookings:manage_call") + "?key=" + call_links.manage_token(booking)


def event_of(ics: bytes):
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_the_confirmation_offers_the_calendar_file_for_this_browser_only(client, booked):
    response = client.get(reverse("bookings:thanks_calendar"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="call.ics"'
    calendar, event = event_of(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert event["DTSTART"].dt == booked.starts
    assert event["DTEND"].dt == booked.ends
    assert str(event["CLASS"]) == "PRIVATE"
    assert str(event["UID"]).startswith(str(booked.uid))
    assert event["SEQUENCE"] == 0
    client.cookies.clear()
    assert client.get(reverse("bookings:thanks_calendar")).status_code == 302


def test_the_calendar_file_is_neutral_unless_the_patient_allowed_naming_the_clinic(client, booked):
    ClinicProfile.objects.filter(pk=1).update(name="Bright Ketamine Clinic")
    _, event = event_of(client.get(reverse("bookings:thanks_calendar")).content)
    text = str(event["SUMMARY"]) + str(event["DESCRIPTION"])
    assert str(event["SUMMARY"]) == "Phone call"
    assert "etamine" not in text and "Clinic" not in text
    assert "MARKER" not in text and "Ada" not in text and "Lovelace" not in text
    booked.request.__class__.objects.filter(pk=booked.request_id).update(ok_name_clinic=True)
    _, event = event_of(client.get(reverse("bookings:thanks_calendar")).content)
    assert str(event["SUMMARY"]) == "Free consultation call with Bright Ketamine Clinic"


def test_opening_the_link_only_shows_the_call(client, booked):
    response = client.get(manage_url(booked))
    page = response.content.decode()
    assert response.status_code == 200
    assert call_links.call_time_text(booked) in page
    assert "Yes, cancel my call" in page and "Move my call" in page
    assert "Ada" not in page and "MARKER" not in page
    assert response["Cache-Control"].startswith("max-age=0")
    booked.refresh_from_db()
    assert (booked.status, booked.sequence) == (CallStatus.BOOKED, 0)


def test_cancelling_frees_the_time_and_sends_a_calendar_cancellation(client, booked):
    uid = str(booked.uid)
    response = client.post(manage_url(booked), {"action": "cancel"})
    assert "Your call is cancelled" in response.content.decode()
    booked.refresh_from_db()
    assert (booked.status, booked.sequence) == (CallStatus.CANCELLED, 1)
    assert booked.starts in scheduling.offer().times
    (email,) = mail.outbox
    assert email.subject.startswith("Your call is cancelled")
    _name, ics, mimetype = email.attachments[0]
    assert mimetype == "text/calendar; charset=utf-8; method=CANCEL"
    calendar, event = event_of(ics)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]).startswith(uid) and event["SEQUENCE"] == 1
    assert "MARKER" not in email.body + str(ics)
    # The link has done its job: it shows that the call can no longer be changed.
    again = client.post(manage_url(booked), {"action": "cancel"}).content.decode()
    assert "This call can no longer be changed" in again
    assert len(mail.outbox) == 1


def test_moving_the_call_makes_a_new_link_and_updates_the_calendar(client, booked):
    old_url, old_start = manage_url(booked), booked.starts
    new_start = scheduling.offer().times[3]
    response = client.post(old_url, {"action": "move", "call_at": value(new_start)})
    assert "Your call has a new time" in response.content.decode()
    booked.refresh_from_db()
    assert (booked.starts, booked.status, booked.sequence) == (new_start, CallStatus.BOOKED, 1)
    assert old_start in scheduling.offer().times  # the old time is free again
    assert client.get(old_url).status_code == 404
    assert client.get(manage_url(booked)).status_code == 200
    (email,) = mail.outbox
    assert manage_url(booked) in email.body
    _, event = event_of(email.attachments[0][1])
    assert event["SEQUENCE"] == 1 and event["DTSTART"].dt == new_start


def test_moving_to_a_time_just_taken_changes_nothing(client, booked):
    from bookings.services import submit_consultation_request
    from tests.factories import consultation_data

    wanted = scheduling.offer().times[3]
    submit_consultation_request(
        data=consultation_data(email="other@example.com", phone="+15035550199"),
        form_token=uuid.uuid4(),
        call_at=wanted,
    )
    mail.outbox.clear()
    response = client.post(manage_url(booked), {"action": "move", "call_at": value(wanted)})
    assert response.status_code == 409
    assert "That time was just taken" in response.content.decode()
    booked.refresh_from_db()
    assert (booked.status, booked.sequence) == (CallStatus.BOOKED, 0)
    assert client.get(manage_url(booked)).status_code == 200  # the link still works
    assert mail.outbox == []


def test_moving_without_choosing_a_time_asks_for_one(client, booked):
    response = client.post(manage_url(booked), {"action": "move"})
    assert response.status_code == 400
    assert "Choose the new time for your call" in response.content.decode()


@pytest.mark.parametrize("token", ["nothing", "0" * 32 + "-" + "0" * 32, "-", "a-b-c"])
def test_a_made_up_or_altered_link_finds_nothing(client, booked, token):
    response = client.get(reverse("bookings:manage_call") + "?key=" + token)
    assert response.status_code == 404
    assert "This link does not work any more" in response.content.decode()


def test_an_altered_signature_on_a_real_key_finds_nothing(client, booked):
    token = call_links.manage_token(booked)
    altered = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert client.get(reverse("bookings:manage_call") + "?key=" + altered).status_code == 404


def test_the_link_expires_once_the_call_has_ended(client, booked):
    later = booked.ends + datetime.timedelta(seconds=1)
    assert call_links.link_is_live(booked, now=booked.ends - datetime.timedelta(seconds=1))
    assert not call_links.link_is_live(booked, now=later)
    assert not call_links.link_is_live(booked, now=timezone.now() + datetime.timedelta(days=30))


def test_the_database_holds_no_working_link(booked):
    # What is stored (the key) is not the link: the link also needs the server's SECRET_KEY.
    assert call_links.booking_for_token(booked.manage_key) is None
    assert call_links.booking_for_token(booked.manage_key + "-") is None


def test_the_link_never_reaches_the_request_log(client, booked, caplog):
    url = call_links.manage_url(booked)
    token = call_links.manage_token(booked)
    with caplog.at_level("INFO", logger="clinic_site.request"):
        assert client.get(url).status_code == 200
    logged = [r.getMessage() for r in caplog.records if r.name == "clinic_site.request"]
    assert logged and all(token not in line and token[:16] not in line for line in logged)
