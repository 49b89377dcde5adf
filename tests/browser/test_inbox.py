"""The front desk's day in Chromium at 1280 x 800: home counts, a call, a follow-up, search."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from bookings.choices import ContactOutcome, Status
from bookings.models import ConsultationRequest
from staff.roles import FRONT_DESK
from tests.factories import make_consultation_request, make_user

from .test_articles import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
LAPTOP = {"width": 1280, "height": 800}


def aged(hours, **overrides):
    request = make_consultation_request(**overrides)
    created = timezone.now() - datetime.timedelta(hours=hours)
    ConsultationRequest.objects.filter(pk=request.pk).update(created=created)
    return request


def test_front_desk_goes_from_home_to_an_urgent_request_logs_a_call_and_finds_by_reference(
    site, page
):
    frida = make_user(
        username="frida",
        first_name="Frederica",
        last_name="Kahlo-Rivera Montgomery",
        is_staff=True,
        groups=[Group.objects.get(name=FRONT_DESK)],
    )
    urgent = aged(3, message="I want to die", ok_voicemail=False)
    routine = aged(30, email="r@example.com", phone="+15035550199")
    repeat = aged(1, first_name="Christabel", last_name="Pankhurst-Worthington")
    assert repeat.duplicate_of == urgent  # the Repeat column shows a reference
    ConsultationRequest.objects.filter(pk__in=[urgent.pk, routine.pk, repeat.pk]).update(
        assigned_to=frida
    )
    # The widest references the alphabet allows, so the columns are measured at their widest.
    for request, reference in ((urgent, "MWM-WMWM"), (routine, "WMW-MWMW"), (repeat, "WWM-MMWW")):
        ConsultationRequest.objects.filter(pk=request.pk).update(reference=reference)
        request.refresh_from_db()
    page.set_viewport_size(LAPTOP)
    sign_in(site, page, frida)

    summary = page.locator("#front-desk-summary")
    expect(summary.get_by_role("row", name="Urgent")).to_contain_text("1")
    summary.get_by_role("link", name="Urgent", exact=True).click()
    expect(page.locator("#result_list")).to_contain_text(urgent.reference)
    expect(page.locator("#result_list")).not_to_contain_text(routine.reference)
    page.get_by_role("link", name=urgent.reference).click()

    expect(page.get_by_text("Do NOT leave a voicemail")).to_be_visible()
    expect(page.get_by_role("radio", name="Called: left a voicemail")).to_have_count(0)
    page.get_by_role("radio", name="Called: no answer").check()
    follow_up = timezone.localdate() + datetime.timedelta(days=1)
    page.locator("#id_follow_up_on").fill(follow_up.isoformat())
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    urgent.refresh_from_db()
    attempt = urgent.contact_attempts.get()
    assert (attempt.outcome, attempt.by) == (ContactOutcome.CALLED_NO_ANSWER, frida)
    assert urgent.follow_up_on == follow_up
    assert urgent.status == Status.CONTACTING

    site.open("/admin/bookings/consultationrequest/")
    age = page.locator("#result_list th.column-age")
    expect(age).to_be_in_viewport()
    box = age.bounding_box()
    assert box["x"] + box["width"] <= LAPTOP["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    # Every default column fits: the results table does not scroll sideways either.
    widths = page.evaluate(  # [scroll width, visible width, each column: its width]
        "(r => [r.scrollWidth, r.clientWidth, ...[...r.querySelectorAll('thead th')]"
        ".map(th => th.className + ':' + th.offsetWidth)])(document.querySelector('.results'))"
    )
    assert widths[0] <= widths[1], widths

    page.locator("#searchbar").fill(routine.reference.replace("-", " ").lower())
    page.locator("#searchbar").press("Enter")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text(routine.reference)
