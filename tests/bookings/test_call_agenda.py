"""The front desk's side of booked calls: the day's agenda, booking by phone, missed calls."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from bookings import call_links, scheduling
from bookings.choices import ContactOutcome
from bookings.models import AccessLogEntry, CallBooking, CallStatus, ContactAttempt
from tests.factories import make_consultation_request

pytestmark = pytest.mark.django_db
AGENDA = reverse("admin:bookings_callbooking_changelist")


def value(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime(scheduling.CALL_TIME_FORMAT)


def book_url(request) -> str:
    return reverse("admin:bookings_callbooking_book", args=[request.pk])


@pytest.fixture
def patient(scheduling_on):
    return make_consultation_request()


def test_front_desk_books_a_time_for_a_patient_on_the_phone(client, front_desk, patient):
    when = scheduling.offer().times[2]
    page = client.get(book_url(patient)).content.decode()
    assert f'value="{value(when)}"' in page
    mail.outbox.clear()
    response = client.post(book_url(patient), {"call_at": value(when)})
    assert response.status_code == 302
    booking = CallBooking.objects.get(request=patient)
    assert booking.starts == when
    (email,) = mail.outbox
    assert email.subject.startswith("Your call is booked")
    assert call_links.manage_url(booking) in email.body
    # The request's page now shows the call, in the clinic's time.
    request_page = client.get(patient.get_admin_url()).content.decode()
    assert "Booked call:" in request_page and "Move it" in request_page


def test_front_desk_can_book_while_online_booking_is_switched_off(client, front_desk, patient):
    from bookings.models import SchedulingSettings

    SchedulingSettings.objects.filter(pk=1).update(enabled=False)
    when = scheduling.offer(force=True).times[0]
    assert client.post(book_url(patient), {"call_at": value(when)}).status_code == 302
    assert CallBooking.objects.filter(request=patient, status=CallStatus.BOOKED).exists()


def test_front_desk_moves_a_call_and_a_taken_time_is_refused_in_words(client, front_desk, patient):
    times = scheduling.offer().times
    scheduling.book_call_for(request=patient, start=times[0])
    other = make_consultation_request(email="b@example.com", phone="+15035550100")
    scheduling.book_call_for(request=other, start=times[5])
    response = client.post(book_url(patient), {"call_at": value(times[5])})
    assert "That time was just taken. Choose another." in response.content.decode()
    assert client.post(book_url(patient), {"call_at": value(times[6])}).status_code == 302
    booking = CallBooking.objects.get(request=patient)
    assert (booking.starts, booking.sequence) == (times[6], 1)


def test_booking_without_choosing_a_time_asks_for_one(client, front_desk, patient):
    response = client.post(book_url(patient), {})
    assert "Choose a time." in response.content.decode()
    assert not CallBooking.objects.exists()


def test_the_agenda_shows_todays_calls_by_reference_and_logs_who_saw_them(
    client, front_desk, patient
):
    when = scheduling.offer().times[0]
    scheduling.book_call_for(request=patient, start=when)
    page = client.get(AGENDA, {"day": "all"}).content.decode()
    assert patient.reference in page
    assert "Ada" not in page  # the agenda names no patient; their page does
    entry = AccessLogEntry.objects.get(page=AccessLogEntry.Page.AGENDA)
    assert entry.user == front_desk and entry.references == [patient.reference]


def test_a_missed_call_is_logged_freed_and_the_patient_asked_to_pick_a_new_time(
    client, front_desk, patient
):
    when = scheduling.offer().times[0]
    booking = scheduling.book_call_for(request=patient, start=when)
    mail.outbox.clear()
    client.post(
        AGENDA + "?day=all",
        {"action": "missed_calls", "_selected_action": [booking.pk]},
    )
    booking.refresh_from_db()
    assert booking.status == CallStatus.CANCELLED
    attempt = ContactAttempt.objects.get(request=patient)
    assert (attempt.outcome, attempt.by) == (ContactOutcome.CALLED_NO_ANSWER, front_desk)
    assert when in scheduling.offer().times
    (email,) = mail.outbox
    assert email.subject.startswith("Sorry we missed you")
    assert reverse("bookings:consultation") in email.body
    assert email.attachments[0][2].endswith("method=CANCEL")


def test_a_patient_without_email_gets_no_email_about_their_call(client, front_desk, scheduling_on):
    patient = make_consultation_request(email="", preferred_contact="call")
    booking = scheduling.book_call_for(request=patient, start=scheduling.offer().times[0])
    scheduling.cancel_call(booking=booking)
    assert not [m for m in mail.outbox if "call" in m.subject.lower()]


def test_front_desk_cancels_from_the_agenda_and_the_patient_is_told(client, front_desk, patient):
    booking = scheduling.book_call_for(request=patient, start=scheduling.offer().times[0])
    mail.outbox.clear()
    client.post(AGENDA + "?day=all", {"action": "cancel_calls", "_selected_action": [booking.pk]})
    booking.refresh_from_db()
    assert booking.status == CallStatus.CANCELLED
    assert [m.subject.split(" (")[0] for m in mail.outbox] == ["Your call is cancelled"]


def test_an_editor_cannot_book_calls(client, patient):
    from django.contrib.auth.models import Group

    from staff.roles import EDITOR
    from tests.factories import make_user, sign_in_verified

    editor = make_user(username="ed", is_staff=True, groups=[Group.objects.get(name=EDITOR)])
    sign_in_verified(client, editor)
    assert client.get(book_url(patient)).status_code == 403
    assert client.get(AGENDA).status_code == 403


def test_the_front_desk_home_counts_todays_calls_and_opens_them_on_the_agenda(
    client, front_desk, scheduling_on
):
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

    from bookings.clinic_time import clinic_today, clinic_tz

    noon = datetime.datetime.combine(clinic_today(), datetime.time(12), tzinfo=clinic_tz())
    for n, (start, status) in enumerate(
        [
            (noon, CallStatus.BOOKED),
            (noon + datetime.timedelta(hours=1), CallStatus.CANCELLED),
            (noon + datetime.timedelta(days=1), CallStatus.BOOKED),
        ]
    ):
        call = datetime.timedelta(minutes=15)
        CallBooking.objects.create(
            request=make_consultation_request(email=f"c{n}@example.com"),
            caller=scheduling_on,
            during=DateTimeTZRange(start, start + call),
            blocked=DateTimeTZRange(start, start + call),
            status=status,
            manage_key=f"key{n}",
        )
    counts = {label: (n, url) for label, n, url in client.get("/admin/").context["counts"]}
    count, url = counts["Calls booked today"]
    assert count == 1
    agenda = client.get(url).context["cl"]
    assert [c.starts for c in agenda.result_list] == [noon]
