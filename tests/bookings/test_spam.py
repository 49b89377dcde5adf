"""Spam and abuse: suspects are kept as spam (never dropped), floods get a 429 with our phone."""

import time

import pytest
from django.core import mail, signing
from django.test import RequestFactory

from bookings import ratelimit
from bookings.choices import Status
from bookings.forms import TOKEN_SALT
from bookings.models import ConsultationRequest
from tests.factories import consultation_post

pytestmark = pytest.mark.django_db
FORM = "/consultation/"


def test_honeypot_filled_in_is_kept_as_spam_and_told_to_call(client):
    response = client.post(FORM, consultation_post(website="http://spam.example"))
    request = ConsultationRequest.objects.get()
    assert request.status == Status.SPAM
    assert request.spam_reason == "honeypot field filled in"
    assert response.status_code == 200
    assert "Please call us to finish your request" in response.content.decode()
    assert "(555) 010-0142" in response.content.decode()
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


def test_rate_limit_answers_429_with_the_clinic_phone(client, settings):
    settings.CONSULTATION_RATE_LIMIT = "2/h"
    for _ in range(2):
        assert client.post(FORM, consultation_post()).status_code == 302
    response = client.post(FORM, consultation_post())
    assert response.status_code == 429
    page = response.content.decode()
    assert "Please call us instead" in page and 'href="tel:+15550100142"' in page
    assert ConsultationRequest.objects.count() == 2


def test_rate_limit_is_per_visitor(client, settings):
    settings.CONSULTATION_RATE_LIMIT = "1/h"
    assert client.post(FORM, consultation_post(), REMOTE_ADDR="10.0.0.1").status_code == 302
    assert client.post(FORM, consultation_post(), REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.post(FORM, consultation_post(), REMOTE_ADDR="10.0.0.2").status_code == 302


def test_forms_with_errors_do_not_use_up_the_limit(client, settings):
    settings.CONSULTATION_RATE_LIMIT = "1/h"
    for _ in range(3):
        assert client.post(FORM, consultation_post(email="bad")).status_code == 200
    assert client.post(FORM, consultation_post()).status_code == 302


def test_forwarded_for_is_ignored_without_a_trusted_proxy(settings):
    settings.CONSULTATION_TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().post(FORM, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert ratelimit.client_ip(request) == "10.0.0.9"


def test_forwarded_for_is_read_from_the_right_behind_trusted_proxies(settings):
    settings.CONSULTATION_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().post(
        FORM, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert ratelimit.client_ip(request) == "203.0.113.7"  # the visitor cannot spoof the left


@pytest.mark.parametrize(("rate", "parsed"), [("5/h", (5, 3600)), ("20/d", (20, 86400))])
def test_rates_are_read_from_settings(rate, parsed):
    assert ratelimit.parse_rate(rate) == parsed


def test_a_nonsense_rate_is_a_clear_error():
    with pytest.raises(Exception, match="5/h"):
        ratelimit.parse_rate("lots")
