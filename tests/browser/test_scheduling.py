"""A patient on a phone, in another time zone, picks a call time, then cancels it: in Chromium."""

import re
import uuid

import pytest
from django.core import mail
from playwright.sync_api import expect

from bookings import call_links, scheduling
from bookings.models import CallBooking, CallStatus, SchedulingSettings
from bookings.services import submit_consultation_request
from tests.factories import consultation_data, make_caller

from .axe import axe_violations, describe

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args):
    """A phone-sized screen in New York, three hours ahead of the clinic."""
    return {**browser_context_args, "viewport": PHONE, "timezone_id": "America/New_York"}


@pytest.fixture(autouse=True)
def _bookable(settings, db):
    settings.CONSULTATION_MIN_FILL_SECONDS = 0  # the browser types faster than a person
    SchedulingSettings.objects.update_or_create(pk=1, defaults={"enabled": True})
    make_caller()


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def fill_in_the_rest(page):
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_label("Phone number").fill("503 555 0142")
    page.get_by_label("Phone call").check()
    page.get_by_label("Which US state do you live in?").select_option("OR")
    page.get_by_label("Depression", exact=True).check()
    page.get_by_label("I am 18 or older").check()
    page.get_by_label(re.compile("I agree that the clinic may contact me")).check()


def first_time_label(page):
    day = page.locator(".call-day").first
    return day.locator(".govuk-radios__input").first


def test_patient_picks_a_time_sees_their_own_time_and_cancels_from_the_email(site, page):
    when = scheduling.offer().times[0]
    site.open("/consultation/")
    assert_accessible(page)
    first = first_time_label(page)
    label = page.locator(f"label[for='{first.get_attribute('id')}']")
    # The clinic's time, and the patient's own (New York) time in brackets, added by script.
    assert re.search(r"\d{1,2}:\d\d [ap]m \(\w{3}, \d{1,2}:\d\d [AP]M E[SD]T\)", label.inner_text())
    expect(page.get_by_text("your own time is in brackets")).to_be_visible()
    first.check()
    fill_in_the_rest(page)
    page.get_by_role("button", name="Send my request").click()

    page.wait_for_url(re.compile(r"/consultation/thanks/$"))
    booking = CallBooking.objects.get()
    assert booking.starts == when
    expect(page.locator(".call-when")).to_have_text(call_links.call_time_text(booking))
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Add the call to your calendar")).click()
    assert download.value.suggested_filename == "call.ics"

    link = re.search(r"https?://\S+/consultation/call/\?key=\S+", mail.outbox[-1].body).group(0)
    page.goto(site.url + link[link.index("/consultation/") :])
    expect(page.get_by_role("heading", name="Your free call")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, cancel my call").click()
    expect(page.get_by_role("heading", name="Your call is cancelled")).to_be_visible()
    assert_accessible(page)
    booking.refresh_from_db()
    assert booking.status == CallStatus.CANCELLED


def test_a_time_just_taken_keeps_the_typing_and_reads_out_the_message_first(site, page):
    site.open("/consultation/")
    first = first_time_label(page)
    taken = scheduling.parse_call_time(first.get_attribute("value"))
    first.check()
    fill_in_the_rest(page)
    submit_consultation_request(
        data=consultation_data(email="first@example.com"), form_token=uuid.uuid4(), call_at=taken
    )
    page.get_by_role("button", name="Send my request").click()

    message = page.locator(".consult-taken")
    expect(message).to_be_focused()
    expect(message).to_contain_text("That time was just taken")
    assert page.get_by_label("First name").input_value() == "Ada"
    assert page.get_by_label("Email address").input_value() == "ada@example.com"
    assert_accessible(page)


def test_booking_works_with_javascript_off(site, browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/consultation/")
        expect(page.get_by_text("your own time is in brackets")).to_have_count(0)
        page.get_by_role("link", name="Later dates").click()
        page.wait_for_url(re.compile(r"\?dates=2$"))
        first_time_label(page).check()
        fill_in_the_rest(page)
        page.get_by_role("button", name="Send my request").click()
        page.wait_for_url(re.compile(r"/consultation/thanks/$"))
        assert CallBooking.objects.count() == 1
    finally:
        context.close()
