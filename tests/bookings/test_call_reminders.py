"""Day-before reminders: once per call, only the way the patient allowed, nothing medical."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from bookings import call_links, scheduling
from bookings.clinic_time import clinic_today, clinic_tz
from tests.factories import make_consultation_request

pytestmark = pytest.mark.django_db
TEXTS = []


def provider_send(*, to, body):
    """Stand-in for a text provider's send function (the outside service, not our code)."""
    TEXTS.append((to, body))


@pytest.fixture(autouse=True)
def _no_texts_yet():
    TEXTS.clear()


def tomorrows_time():
    tomorrow = clinic_today() + datetime.timedelta(days=1)
    return next(t for t in scheduling.offer().times if t.astimezone(clinic_tz()).date() == tomorrow)


def book_tomorrow(**patient):
    request = make_consultation_request(message="MARKER", **patient)
    booking = scheduling.book_call_for(request=request, start=tomorrows_time())
    mail.outbox.clear()
    return booking


def run(*args) -> str:
    out = StringIO()
    call_command("send_call_reminders", *args, stdout=out)
    return out.getvalue()


def test_tomorrows_call_gets_one_email_reminder_however_often_it_runs(scheduling_on):
    booking = book_tomorrow()
    assert "Reminded 1 call(s): 1 email(s), 0 text(s)." in run()
    assert "Reminded 0 call(s)" in run()
    (email,) = mail.outbox
    assert email.subject.startswith("A reminder of your call tomorrow")
    assert call_links.call_time_text(booking) in email.body
    assert "MARKER" not in email.body and "Ada" not in email.body
    assert email.attachments[0][2].endswith("method=REQUEST")


def test_a_call_today_or_in_two_days_is_not_reminded(scheduling_on):
    times = scheduling.offer().times
    later = next(
        t
        for t in times
        if t.astimezone(clinic_tz()).date() == clinic_today() + datetime.timedelta(days=2)
    )
    scheduling.book_call_for(request=make_consultation_request(), start=later)
    scheduling.book_call_for(
        request=make_consultation_request(email="b@example.com", phone="+15035550100"),
        start=times[0] if times[0].astimezone(clinic_tz()).date() == clinic_today() else later,
    )
    mail.outbox.clear()
    assert "Reminded 0 call(s)" in run()
    assert mail.outbox == []


def test_a_cancelled_call_is_not_reminded(scheduling_on):
    booking = book_tomorrow()
    scheduling.cancel_call(booking=booking)
    mail.outbox.clear()
    run()
    assert mail.outbox == []


def test_dry_run_lists_and_sends_nothing(scheduling_on):
    booking = book_tomorrow()
    out = run("--dry-run")
    assert f"Would remind {booking.request.reference}" in out
    assert mail.outbox == []
    assert "Reminded 1 call(s)" in run()


def test_no_email_address_means_no_email(scheduling_on):
    book_tomorrow(email="", preferred_contact="call")
    assert "Reminded 1 call(s): 0 email(s)" in run()
    assert mail.outbox == []


def test_texts_wait_for_a_provider_and_then_go_only_to_those_who_allowed_them(
    scheduling_on, settings
):
    book_tomorrow(ok_text=True)
    out = run()
    assert "No texts: TEXT_MESSAGE_BACKEND is not set." in out
    assert TEXTS == []

    settings.TEXT_MESSAGE_BACKEND = f"{__name__}.provider_send"
    allowed = book_tomorrow(ok_text=True, email="c@example.com", phone="+15035550111")
    book_tomorrow(ok_text=False, email="d@example.com", phone="+15035550122")
    assert "2 email(s), 1 text(s)" in run()
    ((to, body),) = TEXTS
    assert to == "+15035550111"
    assert body == (
        f"Your phone call is {call_links.call_time_text(allowed)}. Ref {allowed.request.reference}."
    )
    assert "etamine" not in body and "MARKER" not in body


def test_a_call_moved_to_tomorrow_is_reminded_again(scheduling_on):
    booking = book_tomorrow()
    run()
    times = [t for t in scheduling.offer().times if t > booking.starts]
    tomorrow = booking.starts.astimezone(clinic_tz()).date()
    new = next(t for t in times if t.astimezone(clinic_tz()).date() == tomorrow)
    scheduling.move_call(booking=booking, start=new)
    mail.outbox.clear()
    assert "Reminded 1 call(s)" in run()
