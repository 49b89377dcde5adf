"""Pages a patient sees when a request goes wrong: written for them, with the clinic's phone."""

import pytest
from django.conf import settings

from pages.models import ClinicProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone():
    profile = ClinicProfile.objects.load()
    profile.phone = "(555) 010-4242"
    profile.save()
    return profile.phone


def test_missing_csrf_token_gets_a_friendly_page_with_the_phone(client, phone):
    client.handler.enforce_csrf_checks = True
    response = client.post(f"/{settings.ADMIN_PATH}login/", {"username": "x"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Your form was not sent" in html and "nothing was" in html
    assert phone in html
    assert "CSRF verification failed" not in html  # not Django's developer page


def test_wrong_csrf_token_gets_the_same_page(client, phone):
    client.handler.enforce_csrf_checks = True
    client.get(f"/{settings.ADMIN_PATH}login/")
    response = client.post(
        f"/{settings.ADMIN_PATH}login/", {"csrfmiddlewaretoken": "x" * 64, "username": "x"}
    )
    assert response.status_code == 403 and phone in response.content.decode()


def test_other_methods_get_405_with_a_readable_page(client):
    response = client.generic("DELETE", "/privacy/")
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert "That did not work" in response.content.decode()


def test_oversized_body_gets_a_400_page(client, settings, phone):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(f"/{settings.ADMIN_PATH}login/", {"username": "x" * 5000})
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()


def test_too_many_fields_gets_a_400_page(client):
    fields = {f"f{number}": "1" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(f"/{settings.ADMIN_PATH}login/", fields)
    assert response.status_code == 400
