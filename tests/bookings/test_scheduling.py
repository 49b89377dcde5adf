"""Picking a call time on the consultation form: booked once, never twice, nothing lost."""

import datetime
import re
import threading
import time
import uuid

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.urls import reverse

from bookings import call_links, scheduling
from bookings.models import CallBooking, CallStatus, ConsultationRequest, SchedulingSettings
from tests.factories import consultation_post, make_caller, make_consultation_request

pytestmark = pytest.mark.django_db
FORM = reverse("bookings:consultation")


def value(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime(scheduling.CALL_TIME_FORMAT)


def first_free() -> datetime.datetime:
    return scheduling.offer().times[0]


def book(client, when: datetime.datetime, **overrides):
    return client.post(FORM, consultation_post(call_at=value(when), **overrides))


def test_switched_off_the_form_is_the_callback_form(client):
    make_caller()  # hours alone do not switch it on
    page = client.get(FORM).content.decode()
    assert "When shall we call you?" not in page
    assert 'name="call_at"' not in page
    response = client.post(FORM, consultation_post())
    assert response.status_code == 302
    assert not CallBooking.objects.exists()


def test_the_form_offers_a_callback_and_free_times_by_day_in_the_clinics_zone(
    client, scheduling_on
):
    page = client.get(FORM).content.decode()
    assert "When shall we call you?" in page
    assert "Call me back when you can" in page
    assert "Times are Pacific time" in page
    assert page.count("Pick a time for your free call on ") == 3  # three days a page
    assert 'data-clinic-zone="America/Los_Angeles"' in page
    assert f'value="{value(first_free())}"' in page


def test_later_dates_show_the_next_days_and_a_bad_page_number_shows_the_first(
    client, scheduling_on
):
    first = client.get(FORM).content.decode()
    second = client.get(FORM, {"dates": "2"}).content.decode()
    days = re.compile(r"Pick a time for your free call on ([^<]+)<")
    assert set(days.findall(first)).isdisjoint(days.findall(second))
    assert 'href="?dates=2"' in first and 'href="?dates=3"' in second
    for bad in ("0", "-1", "abc", "99999999999999999999"):
        assert days.findall(client.get(FORM, {"dates": bad}).content.decode()) == days.findall(
            first
        )


def test_a_time_too_soon_is_not_offered_but_the_callback_says_so(client, scheduling_on):
    page = client.get(FORM).content.decode()
    assert "if you need to talk sooner than 2 hours from now" in page
    assert first_free() >= datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=2)


def test_picking_a_time_books_the_call_with_the_request(client, scheduling_on):
    when = first_free()
    response = book(client, when)
    assert response.status_code == 302
    request = ConsultationRequest.objects.get()
    call = request.call
    assert (call.status, call.starts, call.caller) == (CallStatus.BOOKED, when, scheduling_on)
    assert call.ends - call.starts == datetime.timedelta(minutes=15)
    assert call.blocked.upper - call.starts == datetime.timedelta(minutes=20)  # 5 min break
    thanks = client.get(response.url).content.decode()
    assert call_links.call_time_text(call) in thanks
    assert "(Pacific time)" in thanks


def test_call_me_back_books_nothing(client, scheduling_on):
    response = client.post(FORM, consultation_post(call_at="callback"))
    assert response.status_code == 302
    assert ConsultationRequest.objects.count() == 1
    assert not CallBooking.objects.exists()
    assert (
        "usually get in touch within one working day" in client.get(response.url).content.decode()
    )


def test_no_answer_to_when_asks_kindly(client, scheduling_on):
    response = client.post(FORM, consultation_post())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose a time for your free call, or “Call me back when you can”" in page
    assert 'href="#id_call_at"' in page  # the error summary leads to the first choice
    assert not ConsultationRequest.objects.exists()


@pytest.mark.parametrize("bad", ["tomorrow", "2026-13-01T09:00Z", "<script>", "1" * 500])
def test_a_doctored_time_is_refused_with_a_message(client, scheduling_on, bad):
    response = client.post(FORM, consultation_post(call_at=bad))
    assert "Choose from the answers listed" in response.content.decode()
    assert not ConsultationRequest.objects.exists()


def test_a_time_needs_a_phone_number_to_call(client, scheduling_on):
    response = book(client, first_free(), phone="", preferred_contact="email")
    assert "Enter your phone number, so we can call you at your time" in response.content.decode()
    assert not ConsultationRequest.objects.exists()


def test_a_time_just_taken_shows_the_form_again_with_everything_typed(client, scheduling_on):
    when = first_free()
    assert book(client, when).status_code == 302
    client.cookies.clear()
    response = book(
        client, when, first_name="Grace", last_name="Hopper", message="Evenings are hard"
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "That time was just taken" in page
    assert "Nothing you typed is lost" in page
    for typed in ('value="Grace"', 'value="Hopper"', "Evenings are hard"):
        assert typed in page
    assert "the nearest free times are" in page
    assert f'value="{value(when)}"' not in page  # no longer offered
    assert ConsultationRequest.objects.count() == 1
    assert CallBooking.objects.count() == 1


def test_with_two_callers_the_same_time_is_booked_twice_once_each(client, scheduling_on):
    other = make_caller(username="dora")
    when = first_free()
    assert book(client, when).status_code == 302
    assert book(client, when).status_code == 302
    assert {call.caller for call in CallBooking.objects.all()} == {scheduling_on, other}
    assert book(client, when).status_code == 409


def test_a_double_submit_books_one_call(client, scheduling_on):
    data = consultation_post(call_at=value(first_free()))
    first, second = client.post(FORM, data), client.post(FORM, data)
    assert first.status_code == second.status_code == 302
    assert CallBooking.objects.count() == ConsultationRequest.objects.count() == 1


def test_the_database_refuses_overlapping_calls_for_one_caller(scheduling_on):
    when = first_free()
    make_consultation_request()
    first, second = ConsultationRequest.objects.get(), make_consultation_request(email="b@x.org")
    span = DateTimeTZRange(when, when + datetime.timedelta(minutes=20))
    later = DateTimeTZRange(
        when + datetime.timedelta(minutes=19), when + datetime.timedelta(hours=1)
    )
    CallBooking.objects.create(
        request=first, caller=scheduling_on, during=span, blocked=span, manage_key="a"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CallBooking.objects.create(
            request=second, caller=scheduling_on, during=later, blocked=later, manage_key="b"
        )
    # A cancelled call holds no time.
    CallBooking.objects.filter(request=first).update(status=CallStatus.CANCELLED)
    CallBooking.objects.create(
        request=second, caller=scheduling_on, during=later, blocked=later, manage_key="b"
    )


def test_a_crisis_message_is_urgent_whatever_time_was_picked(client, scheduling_on):
    response = book(client, first_free(), message="I want to kill myself")
    assert ConsultationRequest.objects.get().urgent
    thanks = client.get(response.url).content.decode()
    assert thanks.index("988") < thanks.index("Your free call")
    assert "sooner if we can" in thanks


def test_spam_books_no_call(client, scheduling_on):
    client.post(FORM, consultation_post(call_at=value(first_free()), website="http://spam"))
    assert not CallBooking.objects.exists()
    assert first_free() in scheduling.offer().times


def test_time_off_and_closures_take_times_off_the_form(client, scheduling_on):
    from bookings.models import TimeOff

    when = first_free()
    TimeOff.objects.create(starts=when, ends=when + datetime.timedelta(days=1))
    assert scheduling.offer().times[0] >= when + datetime.timedelta(days=1)
    assert book(client, when).status_code == 409


def test_the_settings_row_is_one_and_starts_switched_off():
    assert SchedulingSettings.objects.load().enabled is False
    SchedulingSettings(enabled=True).save()
    assert SchedulingSettings.objects.count() == 1


def test_form_token_request_without_time_stays_a_plain_callback(scheduling_on):
    request = make_consultation_request()
    assert not CallBooking.objects.filter(request=request).exists()
    with pytest.raises(scheduling.SlotTaken):
        from bookings.services import submit_consultation_request
        from tests.factories import consultation_data

        submit_consultation_request(
            data=consultation_data(email="new@example.com"),
            form_token=uuid.uuid4(),
            call_at=first_free() - datetime.timedelta(minutes=7),  # not a slot
        )
    assert ConsultationRequest.objects.count() == 1


def test_the_acknowledgement_gives_the_time_the_link_and_the_calendar_file(client, scheduling_on):
    book(client, first_free(), first_name="Zelda", message="MARKER")
    call = CallBooking.objects.get()
    acknowledgement = next(m for m in mail.outbox if m.to == ["ada@example.com"])
    assert call_links.call_time_text(call) in acknowledgement.body
    assert (reverse("bookings:manage_call") + "?key=" + call_links.manage_token(call)) in (
        acknowledgement.body
    )
    name, ics, mimetype = acknowledgement.attachments[0]
    assert (name, mimetype) == ("call.ics", "text/calendar; charset=utf-8; method=REQUEST")
    everything = acknowledgement.subject + acknowledgement.body + str(ics)
    assert "Zelda" not in everything and "MARKER" not in everything


def test_a_time_booked_a_moment_ago_is_gone_from_the_next_patients_form(
    client, scheduling_on, django_capture_on_commit_callbacks
):
    when = first_free()
    assert f'value="{value(when)}"' in client.get(FORM).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert book(client, when).status_code == 302
    assert f'value="{value(when)}"' not in client.get(FORM).content.decode()


def test_time_off_entered_by_staff_shows_on_the_form_at_once(
    client, scheduling_on, django_capture_on_commit_callbacks
):
    from bookings.models import TimeOff

    when = first_free()
    assert f'value="{value(when)}"' in client.get(FORM).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        TimeOff.objects.create(
            caller=scheduling_on, starts=when, ends=when + datetime.timedelta(hours=1)
        )
    assert f'value="{value(when)}"' not in client.get(FORM).content.decode()


def test_new_scheduling_settings_show_on_the_form_at_once(
    client, scheduling_on, django_capture_on_commit_callbacks
):
    assert "sooner than 2 hours from now" in client.get(FORM).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        found = SchedulingSettings.objects.load()
        found.notice_hours = 4
        found.save()
    assert "sooner than 4 hours from now" in client.get(FORM).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_booking_caught_in_a_deadlock_gets_the_just_taken_page_not_an_error(scheduling_on):
    """Two calls stored at one instant for one caller can wait on each other; PostgreSQL then
    cancels one of them. Here the front desk, in one transaction, books a call just before the
    patient's time (the patient's booking waits for it) and then one just after it (which
    waits for the patient's): PostgreSQL cancels the patient's, who must get the same answer as
    any patient who lost the race."""
    from django.db import connection

    when = first_free()
    answer = {}

    def patient_books():
        from django.test import Client

        try:
            answer["response"] = Client().post(
                FORM, consultation_post(call_at=value(when), first_name="Grace")
            )
        finally:
            connection.close()  # this thread's own connection

    def front_desk_books(offset: int):
        starts = when + datetime.timedelta(minutes=offset)
        booking = CallBooking(
            request=make_consultation_request(), caller=scheduling_on, manage_key=f"k{offset}"
        )
        booking.during = DateTimeTZRange(starts, starts + datetime.timedelta(minutes=15))
        booking.blocked = DateTimeTZRange(starts, starts + datetime.timedelta(minutes=20))
        booking.save()

    with transaction.atomic():
        with connection.cursor() as cursor:  # this side waits longer: the patient's is cut
            cursor.execute("SET LOCAL deadlock_timeout = '10s'")
        front_desk_books(-10)  # overlaps the patient's call: theirs will wait for this one
        patient = threading.Thread(target=patient_books)
        patient.start()
        wait_for_a_backend_waiting_on_a_lock()
        front_desk_books(+15)  # overlaps the patient's call too, and waits for it
    patient.join(timeout=30)

    response = answer["response"]
    assert response.status_code == 409
    assert "That time was just taken" in response.content.decode()
    assert CallBooking.objects.count() == 2  # the front desk's two calls
    assert 'value="Grace"' in response.content.decode()  # their answers, all kept
    assert not ConsultationRequest.objects.filter(first_name="Grace").exists()


def wait_for_a_backend_waiting_on_a_lock() -> None:
    from django.db import connection

    for _ in range(200):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else read once per transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("the patient's booking never waited on the front desk's")
