"""Spam and floods: suspects are kept as spam (never dropped), floods get their form back."""

import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.core import mail, signing

from bookings.choices import Status
from bookings.forms import TOKEN_SALT
from bookings.models import ConsultationRequest
from pages.models import ClinicProfile
from tests.factories import consultation_post

pytestmark = pytest.mark.django_db
FORM = "/consultation/"


@pytest.fixture
def clinic_phone():
    """Give the clinic a phone number, as staff do in the admin."""
    profile = ClinicProfile.objects.load()
    profile.phone = "(503) 555-0100"
    profile.save()
    return profile


def test_honeypot_filled_in_is_kept_as_spam_and_told_to_call(client, clinic_phone):
    response = client.post(FORM, consultation_post(website="http://spam.example"))
    request = ConsultationRequest.objects.get()
    assert request.status == Status.SPAM
    assert request.spam_reason == "honeypot field filled in"
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please call us to finish your request" in page
    assert 'href="tel:+15035550100">(503) 555-0100</a>' in page
    assert mail.outbox == []


def test_form_sent_faster_than_a_person_types_is_kept_as_spam(client, settings):
    settings.CONSULTATION_MIN_FILL_SECONDS = 4
    token = signing.dumps({"id": "a" * 32, "t": int(time.time())}, salt=TOKEN_SALT)
    client.post(FORM, consultation_post(token=token))
    assert ConsultationRequest.objects.get().spam_reason == "sent too fast"


@pytest.mark.parametrize("token", ["", "forged", signing.dumps({"id": "x", "t": 1}, salt="other")])
def test_missing_or_altered_token_is_kept_as_spam(client, token):
    client.post(FORM, consultation_post(token=token))
    request = ConsultationRequest.objects.get()
    assert request.status == Status.SPAM
    assert request.spam_reason == "missing or altered form token"


def test_a_real_submission_is_not_spam(client):
    client.post(FORM, consultation_post())
    assert ConsultationRequest.objects.get().status == Status.NEW


def test_a_limited_visitor_gets_the_form_back_with_everything_typed_and_our_phone(
    client, settings, clinic_phone
):
    settings.CONSULTATION_RATE_LIMIT = "2/h"
    for _ in range(2):
        assert client.post(FORM, consultation_post()).status_code == 302
    typed = consultation_post(
        first_name="Zoë",
        preferred_name="Zo",
        message="I have tried two medicines & they did not help.",
        best_times=["evening"],
        conditions=["anxiety", "ptsd"],
        how_heard="doctor",
    )
    response = client.post(FORM, typed)

    assert response.status_code == 429
    assert ConsultationRequest.objects.count() == 2  # nothing stored for the limited one
    page = response.content.decode()
    assert "several requests from your connection" in page
    assert "Nothing you typed is lost" in page
    assert 'href="tel:+15035550100">(503) 555-0100</a>' in page
    assert "or send the form again later" in page
    assert 'value="Zoë"' in page and 'value="Zo"' in page
    assert "I have tried two medicines &amp; they did not help." in page
    for box in ("evening", "anxiety", "ptsd"):
        assert re.search(rf'value="{box}"\s+checked', page)
    assert re.search(r'value="doctor"\s+selected', page)
    assert f'value="{typed["token"]}"' in page  # the same form: a later send is not a repeat


def test_a_limited_visitor_is_told_to_call_the_clinic_before_staff_enter_a_phone(client, settings):
    settings.CONSULTATION_RATE_LIMIT = "0/h"
    page = client.post(FORM, consultation_post()).content.decode()
    assert "Please call the clinic or send the form again later" in " ".join(page.split())
    assert 'href="tel:"' not in page


def test_the_rate_limit_is_per_visitor(client, settings):
    settings.CONSULTATION_RATE_LIMIT = "1/h"
    assert client.post(FORM, consultation_post(), REMOTE_ADDR="10.0.0.1").status_code == 302
    assert client.post(FORM, consultation_post(), REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.post(FORM, consultation_post(), REMOTE_ADDR="10.0.0.2").status_code == 302


def test_forms_with_errors_do_not_use_up_the_limit(client, settings):
    settings.CONSULTATION_RATE_LIMIT = "1/h"
    for _ in range(3):
        assert client.post(FORM, consultation_post(email="bad")).status_code == 200
    assert client.post(FORM, consultation_post()).status_code == 302


def test_a_limited_visitor_gets_no_session(client, settings):
    settings.CONSULTATION_RATE_LIMIT = "0/h"
    response = client.post(FORM, consultation_post())
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()
