"""A patient asks for a consultation, and the front desk picks it up: in a real Chromium."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from bookings.choices import Status
from bookings.models import AccessLogEntry, ConsultationRequest, Note
from bookings.views import CONFIRMATION_COOKIE
from pages.models import ClinicProfile
from staff.roles import FRONT_DESK
from tests.factories import make_article, make_consultation_request, make_user, totp_code

from .axe import axe_violations, describe

REFERENCE = re.compile(r"[A-Z0-9]{3}-[A-Z0-9]{4}")


@pytest.fixture(autouse=True)
def _no_minimum_fill_time(settings):
    settings.CONSULTATION_MIN_FILL_SECONDS = 0  # the browser types faster than a person


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_patient_corrects_errors_and_gets_a_reference(site, page, settings):
    make_article(slug="what-is-ketamine-therapy")
    site.open("/learn/what-is-ketamine-therapy/")
    page.locator("#next-step").get_by_role("link", name="Request a free consultation").click()
    page.wait_for_url(re.compile(r"/consultation/\?from="))
    assert_accessible(page)
    page.get_by_label("First name").fill("Zoë")
    page.get_by_label("Last name").fill("O'Brien 🌻")
    page.get_by_label("Phone number").fill("12345")
    page.get_by_label("Phone call").check()
    page.get_by_label("Which US state do you live in?").select_option("OR")
    page.get_by_label("Depression", exact=True).check()
    page.get_by_label("Anything you would like us to know? (optional)").fill("Hello <b>there</b>")
    page.get_by_role("button", name="Send my request").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # so a screen reader reads the problems first
    assert "Enter a phone number we can call" in summary.inner_text()
    assert page.get_by_label("First name").input_value() == "Zoë"
    assert page.get_by_label("Last name").input_value() == "O'Brien 🌻"
    assert page.get_by_label("Depression", exact=True).is_checked()
    assert page.get_by_label("Phone number").get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    summary.get_by_role("link", name=re.compile("phone number")).click()
    expect(page.get_by_label("Phone number")).to_be_focused()
    page.get_by_label("Phone number").fill("503 555 0142")
    page.get_by_label("I am 18 or older").check()
    page.get_by_label(re.compile("I agree that the clinic may contact me")).check()
    page.get_by_role("button", name="Send my request").click()

    page.wait_for_url("**/consultation/thanks/")
    reference = page.locator("[data-reference]").inner_text()
    assert REFERENCE.fullmatch(reference)
    assert "expect to hear from us" in page.get_by_role("main").inner_text()
    assert_accessible(page)

    request = ConsultationRequest.objects.get()
    assert request.reference == reference
    assert (request.first_name, request.message) == ("Zoë", "Hello <b>there</b>")
    assert request.came_from == "/learn/what-is-ketamine-therapy/"
    cookies = {cookie["name"] for cookie in page.context.cookies()}
    assert cookies <= {settings.CSRF_COOKIE_NAME, CONFIRMATION_COOKIE}  # no session
    own = urlsplit(site.url).netloc
    assert [u for u in site.seen if urlsplit(u).netloc != own] == []
    paths = [u.removeprefix(site.url) for u in site.seen]  # the port may hold "503"
    assert not [p for p in paths if "503" in p or "Zo" in p or "Depression" in p]


def test_message_counter_counts_down_as_the_patient_types(site, page):
    site.open("/consultation/")
    counter = page.locator("#id_message-info")
    expect(counter).to_have_text("You have 2,000 characters remaining")
    page.get_by_label("Anything you would like us to know? (optional)").fill("Hello")
    expect(counter).to_have_text("You have 1,995 characters remaining")


def fill_by_email(page, *, first, last, email, state):
    """Fill the required fields for a patient who wants to be emailed and is not sure what for."""
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Which US state do you live in?").select_option(state)
    page.get_by_label("I'm not sure").check()
    page.get_by_label("I am 18 or older").check()
    page.get_by_label(re.compile("I agree that the clinic may contact me")).check()


def test_form_works_with_javascript_off(browser, live_server, settings):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/consultation/")
    assert page.locator("#id_message-info").inner_text() == "You can enter up to 2000 characters"
    fill_by_email(page, first="Ada", last="Lovelace", email="ada@example.com", state="WA")
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url("**/consultation/thanks/")
    assert REFERENCE.fullmatch(page.locator("[data-reference]").inner_text())
    context.close()


def test_crisis_message_confirmation_leads_with_988_and_is_accessible(site, page):
    site.open("/consultation/")
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Lee")
    page.get_by_label("Phone number").fill("(503) 555-0100")
    page.get_by_label("Text message", exact=True).check()
    page.get_by_label("Which US state do you live in?").select_option("OR")
    page.get_by_label("Anxiety").check()
    page.get_by_label("Anything you would like us to know? (optional)").fill("I want to die")
    page.get_by_label("I am 18 or older").check()
    page.get_by_label(re.compile("I agree that the clinic may contact me")).check()
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url("**/consultation/thanks/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "If you need help right now, please reach out now"
    )
    expect(page.get_by_role("main").get_by_role("link", name="Call 988")).to_be_visible()
    assert_accessible(page)


def test_a_limited_patient_keeps_what_they_typed_and_is_given_the_phone(site, page, settings):
    profile = ClinicProfile.objects.load()
    profile.phone = "(503) 555-0100"
    profile.save()
    settings.CONSULTATION_RATE_LIMIT = "0/h"
    site.open("/consultation/")
    fill_by_email(page, first="Ada", last="Lovelace", email="ada@example.com", state="WA")
    page.get_by_label("Anything you would like us to know? (optional)").fill("Evenings are best")
    with page.expect_response(lambda r: r.request.method == "POST") as info:
        page.get_by_role("button", name="Send my request").click()

    assert info.value.status == 429
    notice = page.get_by_role("alert")
    expect(notice).to_be_focused()  # read out first
    expect(notice).to_contain_text("several requests from your connection")
    expect(notice).to_contain_text("Nothing you typed is lost")
    expect(notice.get_by_role("link", name="(503) 555-0100")).to_have_attribute(
        "href", "tel:+15035550100"
    )
    assert page.get_by_label("First name").input_value() == "Ada"
    assert page.get_by_label("Email address").input_value() == "ada@example.com"
    assert page.get_by_label("Email", exact=True).is_checked()
    assert page.get_by_label("I'm not sure").is_checked()
    assert (
        page.get_by_label("Anything you would like us to know? (optional)").input_value()
        == "Evenings are best"
    )
    assert_accessible(page)
    assert not ConsultationRequest.objects.exists()


def test_front_desk_triages_the_newest_request(site, page):
    make_consultation_request(email="older@example.com", phone="", preferred_contact="email")
    request = make_consultation_request(
        first_name="Urgent", phone="+15035550111", email="", message="I can't go on"
    )
    user = make_user(username="frida", is_staff=True, groups=[Group.objects.get(name=FRONT_DESK)])
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)

    site.open("/admin/login/?next=/admin/bookings/consultationrequest/")
    page.get_by_label("Username").fill("frida")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(totp_code(device))  # front desk signs in with two steps
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/admin/bookings/consultationrequest/")
    first_row = page.locator("#result_list tbody tr").first
    expect(first_row).to_contain_text(request.reference)

    first_row.get_by_role("link", name=request.reference).click()
    page.wait_for_url(f"**/consultationrequest/{request.pk}/change/")
    expect(page.locator(".discretion")).to_contain_text("Do NOT text")
    page.locator("#id_assigned_to").select_option(label="frida")
    page.locator("#id_status").select_option(Status.CONTACTING)
    page.locator("#id_notes-2-0-text").fill("Called, left no voicemail as asked.")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/bookings/consultationrequest/")

    request.refresh_from_db()
    assert (request.status, request.assigned_to) == (Status.CONTACTING, user)
    note = Note.objects.get(request=request)
    assert (note.author, note.text) == (user, "Called, left no voicemail as asked.")
    assert AccessLogEntry.objects.filter(request=request, user=user).exists()


def test_suspected_spam_is_told_to_call_and_the_page_is_accessible(site, page):
    site.open("/consultation/")
    fill_by_email(page, first="Bot", last="Bot", email="bot@example.com", state="OR")
    page.evaluate("() => { document.getElementById('id_website').value = 'http://spam.example'; }")
    page.get_by_role("button", name="Send my request").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Please call us to finish your request")
    assert_accessible(page)
    assert ConsultationRequest.objects.get().status == Status.SPAM
