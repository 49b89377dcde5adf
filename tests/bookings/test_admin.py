"""The front desk's inbox in the real admin: order, filters, search, triage, notes, audit."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.choices import Status
from bookings.models import AccessLogEntry, ConsultationRequest, Note, StatusChange
from staff.roles import FRONT_DESK
from tests.factories import make_consultation_request, make_user, sign_in_verified

pytestmark = pytest.mark.django_db
INBOX = "/admin/bookings/consultationrequest/"


@pytest.fixture
def front_desk(client):
    user = make_user(username="frida", is_staff=True, groups=[Group.objects.get(name=FRONT_DESK)])
    sign_in_verified(client, user)
    return user


def request_aged(hours: float, **overrides) -> ConsultationRequest:
    request = make_consultation_request(**overrides)
    created = timezone.now() - datetime.timedelta(hours=hours)
    ConsultationRequest.objects.filter(pk=request.pk).update(created=created)
    request.refresh_from_db()
    return request


def inbox(client, query="") -> list[str]:
    response = client.get(INBOX + query)
    assert response.status_code == 200
    return [r.reference for r in response.context["cl"].result_list]


def change_post(client, request, **changes) -> dict:
    """Return the POST data of the change page as it stands, with `changes` applied."""
    context = client.get(f"{INBOX}{request.pk}/change/").context
    data = {"status": request.status, "assigned_to": request.assigned_to_id or ""}
    if request.legal_hold:
        data["legal_hold"] = "on"
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.initial_forms:
            data[f"{form.prefix}-id"] = form.instance.pk
            data[f"{form.prefix}-request"] = request.pk
    data.update(changes)
    return data


def test_inbox_shows_open_requests_urgent_first_then_oldest(client, front_desk):
    newest = request_aged(1, email="a@example.com", phone="", preferred_contact="email")
    oldest = request_aged(30, email="b@example.com", phone="", preferred_contact="email")
    urgent = request_aged(
        0.5, email="c@example.com", phone="", preferred_contact="email", message="I want to die"
    )
    closed = request_aged(50, email="d@example.com", phone="", preferred_contact="email")
    ConsultationRequest.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    assert inbox(client) == [urgent.reference, oldest.reference, newest.reference]
    assert closed.reference in inbox(client, "?status=all")
    assert inbox(client, "?status=closed") == [closed.reference]


def test_age_past_the_target_is_highlighted(client, front_desk, settings):
    settings.INBOX_TARGET_HOURS = 24
    request_aged(30)
    page = client.get(INBOX).content.decode()
    assert re.search(
        r'<span class="inbox-age inbox-age--overdue" title="Arrived [^"]+">30 h</span>', page
    )
    assert "css/admin-bookings.css" in page


def test_inbox_shows_the_repeat_link(client, front_desk):
    first = make_consultation_request()
    repeat = make_consultation_request()
    page = client.get(INBOX).content.decode()
    assert f'<a href="{first.get_admin_url()}">{first.reference}</a>' in page
    assert repeat.duplicate_of == first


@pytest.mark.parametrize(
    "term", ["(503) 555-0142", "503.555.0142", "ADA@EXAMPLE.COM", "lovelace", "{ref_lower}"]
)
def test_search_finds_by_phone_email_name_and_reference(client, front_desk, term):
    request = make_consultation_request()
    make_consultation_request(
        first_name="Bo", last_name="Other", email="bo@x.com", phone="", preferred_contact="email"
    )
    term = term.format(ref_lower=request.reference.lower())
    assert inbox(client, "?" + f"q={term}".replace(" ", "+")) == [request.reference]


def test_assigned_to_me_and_unassigned_filters(client, front_desk):
    mine = make_consultation_request(email="m@example.com", phone="", preferred_contact="email")
    nobodys = make_consultation_request(email="n@example.com", phone="", preferred_contact="email")
    ConsultationRequest.objects.filter(pk=mine.pk).update(assigned_to=front_desk)
    assert inbox(client, "?assigned=me") == [mine.reference]
    assert inbox(client, "?assigned=none") == [nobodys.reference]


def test_condition_filter(client, front_desk):
    ptsd = make_consultation_request(
        email="p@example.com", phone="", preferred_contact="email", conditions=["ptsd"]
    )
    make_consultation_request(
        email="q@example.com", phone="", preferred_contact="email", conditions=["anxiety"]
    )
    assert inbox(client, "?condition=ptsd") == [ptsd.reference]


def test_change_page_shows_the_discretion_banner_and_escapes_markup(client, front_desk):
    request = make_consultation_request(
        first_name="<b>Bold</b>", message="<script>alert(1)</script>", ok_text=False
    )
    page = client.get(f"{INBOX}{request.pk}/change/").content.decode()
    assert "Do NOT text" in page and "OK to leave a voicemail" in page
    assert "Do NOT name the clinic" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page and "<b>Bold</b>" not in page
    assert 'name="first_name"' not in page and 'name="message"' not in page


def test_opening_a_request_is_recorded_in_the_access_log(client, front_desk):
    request = make_consultation_request()
    client.get(f"{INBOX}{request.pk}/change/")
    client.get(f"{INBOX}{request.pk}/change/")
    entries = AccessLogEntry.objects.filter(request=request, user=front_desk)
    assert entries.count() == 2


def test_the_inbox_its_search_and_its_filters_record_who_asked_what_and_saw_which(
    client, front_desk
):
    shown = make_consultation_request()
    other = make_consultation_request(
        first_name="Bo", email="bo@example.com", phone="", preferred_contact="email"
    )
    client.get(INBOX)
    client.get(INBOX + "?q=ada@example.com")
    client.get(INBOX + "?status=all&state__exact=OR&urgent__exact=0")
    entries = AccessLogEntry.objects.order_by("viewed_at")
    assert [(e.user, e.page, e.query) for e in entries] == [
        (front_desk, "list", ""),
        (front_desk, "list", "q=ada@example.com"),
        (front_desk, "list", "status=all&state__exact=OR&urgent__exact=0"),
    ]
    assert [sorted(e.references) for e in entries] == [
        sorted([shown.reference, other.reference]),
        [shown.reference],
        sorted([shown.reference, other.reference]),
    ]


@pytest.mark.parametrize(
    "query", ["message__icontains=story", "email__icontains=ada", "last_name=Lovelace"]
)
def test_searching_what_patients_wrote_through_the_address_is_refused(client, front_desk, query):
    make_consultation_request(message="my story")
    assert client.get(f"{INBOX}?{query}").status_code == 400
    assert not AccessLogEntry.objects.exists()


def test_every_filter_the_sidebar_offers_still_works(client, front_desk):
    request = make_consultation_request()
    today = timezone.localdate()
    for query in (
        "status=all",
        "assigned=none",
        "condition=depression",
        "urgent__exact=0",
        "state__exact=OR",
        f"created__gte={today}&created__lt={today + datetime.timedelta(days=1)}",
        f"created__year={today.year}&created__month={today.month}&created__day={today.day}",
    ):
        assert inbox(client, "?" + query) == [request.reference], query


def test_the_change_page_shown_again_after_an_invalid_post_is_recorded(client, front_desk):
    request = make_consultation_request()
    data = change_post(client, request, status="no-such-status")
    response = client.post(f"{INBOX}{request.pk}/change/", data)
    assert response.status_code == 200 and response.context["adminform"].form.errors
    pages = AccessLogEntry.objects.filter(request=request, user=front_desk)
    assert pages.count() == 2  # the page, then the page again with the error
    assert all(entry.references == [request.reference] for entry in pages)


def test_the_history_page_is_recorded(client, front_desk):
    request = make_consultation_request()
    assert client.get(f"{INBOX}{request.pk}/history/").status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.page, entry.request, entry.references) == (
        front_desk,
        "history",
        request,
        [request.reference],
    )


def test_a_superuser_finds_every_page_that_showed_a_request(client, front_desk, admin_user):
    request = make_consultation_request()
    client.get(INBOX)
    client.get(f"{INBOX}{request.pk}/change/")
    sign_in_verified(client, admin_user)
    page = client.get(f"/admin/bookings/accesslogentry/?q={request.reference.lower()}")
    assert page.status_code == 200
    assert [e.page for e in page.context["cl"].result_list] == ["change", "list"]


def test_staff_change_status_and_assignee_and_the_history_records_who(client, front_desk):
    request = make_consultation_request()
    data = change_post(client, request, status="contacting", assigned_to=front_desk.pk)
    response = client.post(f"{INBOX}{request.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    request.refresh_from_db()
    assert request.status == Status.CONTACTING and request.assigned_to == front_desk
    change = StatusChange.objects.filter(request=request).latest()
    assert (change.from_status, change.to_status, change.changed_by) == (
        "new",
        "contacting",
        front_desk,
    )


def test_patient_fields_cannot_be_changed_through_the_admin(client, front_desk):
    request = make_consultation_request()
    data = change_post(client, request, first_name="Changed", message="Changed")
    client.post(f"{INBOX}{request.pk}/change/", data)
    request.refresh_from_db()
    assert request.first_name == "Ada" and request.message == ""


def test_notes_are_added_with_author_and_time_and_never_edited(client, front_desk):
    request = make_consultation_request()
    data = change_post(client, request)
    data["notes-2-0-text"] = "Left a voicemail, no names"
    assert client.post(f"{INBOX}{request.pk}/change/", data).status_code == 302
    note = Note.objects.get()
    assert note.author == front_desk and note.created is not None
    data = change_post(client, request)
    data["notes-0-text"] = "Rewritten history"
    client.post(f"{INBOX}{request.pk}/change/", data)
    note.refresh_from_db()
    assert note.text == "Left a voicemail, no names"
    assert Note.objects.count() == 1


def bulk(client, action, *requests):
    ids = [str(r.pk) for r in requests]
    return client.post(INBOX, {"action": action, "_selected_action": ids})


def test_bulk_actions_go_through_the_service_and_record_history(client, front_desk):
    one = make_consultation_request(email="1@example.com", phone="", preferred_contact="email")
    two = make_consultation_request(email="2@example.com", phone="", preferred_contact="email")
    bulk(client, "assign_to_me", one, two)
    bulk(client, "mark_contacting", one, two)
    bulk(client, "close", one)
    bulk(client, "mark_spam", two)
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.assigned_to == two.assigned_to == front_desk
    assert (one.status, two.status) == (Status.CLOSED, Status.SPAM)
    assert list(one.status_changes.values_list("to_status", flat=True)) == [
        "new",
        "contacting",
        "closed",
    ]
    assert all(c.changed_by == front_desk for c in one.status_changes.all()[1:])


def test_front_desk_cannot_delete_or_add_requests(client, front_desk):
    request = make_consultation_request()
    assert client.get(f"{INBOX}{request.pk}/delete/").status_code == 403
    assert client.get(f"{INBOX}add/").status_code == 403
    assert "delete_selected" not in client.get(INBOX).content.decode()


def test_change_page_shows_the_phone_the_way_staff_dial_it(client, front_desk):
    request = make_consultation_request(phone="+15035550142")
    page = client.get(f"{INBOX}{request.pk}/change/").content.decode()
    assert '<a href="tel:+15035550142">(503) 555-0142</a>' in page


def test_urgent_requests_are_labelled_in_the_inbox(client, front_desk):
    make_consultation_request(message="thinking about suicide")
    assert '<strong class="inbox-urgent">Urgent</strong>' in client.get(INBOX).content.decode()


def test_inbox_queries_do_not_grow_with_the_number_of_requests(client, front_desk):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(INBOX)
        return len(queries)

    for n in range(3):
        make_consultation_request(email=f"{n}@example.com", phone="", preferred_contact="email")
    count_queries()  # once per content version: when scheduled content is next due
    few = count_queries()
    for n in range(3, 15):
        make_consultation_request(email=f"{n}@example.com", message="suicide")
    assert count_queries() == few
