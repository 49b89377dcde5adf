"""The admin home as the front desk sees it: what to do next, each count opening the inbox."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from bookings import services
from bookings.models import AccessLogEntry, ConsultationRequest
from staff.roles import EDITOR, FRONT_DESK
from tests.factories import make_consultation_request, make_user, sign_in_verified

from .test_admin import INBOX, inbox

pytestmark = pytest.mark.django_db


def staff(client, username, group):
    user = make_user(username=username, is_staff=True, groups=[Group.objects.get(name=group)])
    sign_in_verified(client, user)
    return user


def aged(hours, **overrides):
    request = make_consultation_request(**overrides)
    created = timezone.now() - datetime.timedelta(hours=hours)
    ConsultationRequest.objects.filter(pk=request.pk).update(created=created)
    return request


def counts_on_home(client) -> dict:
    context = client.get("/admin/").context
    return {label: (count, url) for label, count, url in context["counts"]}


def test_front_desk_home_counts_link_to_the_filtered_inbox(client, settings):
    settings.INBOX_TARGET_HOURS = 24
    settings.URGENT_TARGET_HOURS = 1
    frida = staff(client, "frida", FRONT_DESK)
    urgent_late = aged(3, message="I want to die", email="u@example.com", phone="+15035550101")
    routine = aged(2, email="r@example.com", preferred_contact="email", phone="")
    old = aged(30, email="o@example.com", preferred_contact="email", phone="")
    services.update_requests(requests=[routine], actor=frida, assigned_to=frida)
    ConsultationRequest.objects.filter(pk=old.pk).update(follow_up_on=timezone.localdate())
    counts = counts_on_home(client)
    assert counts["Urgent"][0] == 1
    assert counts["Past their target"][0] == 2
    assert counts["New"][0] == 3
    assert counts["Assigned to me"][0] == 1
    assert counts["Nobody assigned yet"][0] == 2
    assert counts["Calls booked today"][0] == 0  # its link: test_call_agenda.py
    for label, (count, url) in counts.items():
        if url.startswith(INBOX):
            assert len(inbox(client, url.removeprefix(INBOX))) == count, label
    assert set(inbox(client, "?past_target=yes")) == {urgent_late.reference, old.reference}


def test_the_oldest_urgent_request_comes_first_and_its_showing_is_logged(client):
    frida = staff(client, "frida", FRONT_DESK)
    aged(2, message="I want to die", phone="+15035550101")
    oldest = aged(5, message="I want to die", phone="+15035550102", email="x@example.com")
    page = client.get("/admin/").content.decode()
    assert f'urgent request <a href="{oldest.get_admin_url()}">{oldest.reference}</a>' in page
    entry = AccessLogEntry.objects.get(user=frida, page=AccessLogEntry.Page.HOME)
    assert entry.references == [oldest.reference]


def test_editors_keep_their_home_without_the_front_desk_counts(client):
    staff(client, "eddie", EDITOR)
    make_consultation_request(message="I want to die")
    page = client.get("/admin/").content.decode()
    assert "front-desk-summary" not in page
    assert "article-review-summary" in page
    assert not AccessLogEntry.objects.exists()


def test_superusers_see_both(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "front-desk-summary" in page
    assert "article-review-summary" in page
