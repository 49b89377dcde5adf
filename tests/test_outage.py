"""When the database is unreachable, patients get a 503 with the phone number, never a 500."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from pages.models import ClinicProfile

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def clinic():
    """The clinic's real profile, as each app server reads it on its first page."""
    profile = ClinicProfile.objects.load()
    profile.phone = "(503) 555-0199"
    profile.save()
    return ClinicProfile.objects.load()


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


def test_a_page_during_an_outage_is_a_503_with_the_phone(browser, database_down):
    response = browser.get("/")
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "This page is not available right now" in html
    assert "(503) 555-0199" in html


def test_a_form_sent_during_an_outage_says_it_was_not_saved(browser, database_down):
    response = browser.post(f"/{settings.ADMIN_PATH}login/", {"username": "a", "password": "b"})
    html = response.content.decode()
    assert response.status_code == 503
    assert "We could not save your request" in html and "has not reached us" in html
    assert "(503) 555-0199" in html


def test_other_server_errors_stay_500(browser, settings):
    settings.ROOT_URLCONF = "tests.broken_urls"
    response = browser.get("/boom/")
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()


def test_a_consultation_sent_during_an_outage_gets_the_call_us_page_and_is_not_stored(
    browser, database_down
):
    from bookings.models import ConsultationRequest
    from tests.factories import consultation_post

    response = browser.post("/consultation/", consultation_post(first_name="Outage"))
    html = response.content.decode()
    assert response.status_code == 503
    assert "We could not save your request" in html and "(503) 555-0199" in html
    connection.close()
    connection.settings_dict["PORT"] = database_down
    assert not ConsultationRequest.objects.filter(first_name="Outage").exists()
