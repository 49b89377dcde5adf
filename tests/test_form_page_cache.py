"""The consultation form served from one kept rendering with per-visitor tokens filled in."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from bookings.models import ConsultationRequest
from pages.models import ClinicProfile
from tests.factories import consultation_post

pytestmark = pytest.mark.django_db

TOKENS = re.compile(r'name="(csrfmiddlewaretoken|token)" value="([^"]+)"')


@pytest.fixture(autouse=True)
def clinic_profile():
    return ClinicProfile.objects.load()


def tokens(html: str) -> dict[str, str]:
    return dict(TOKENS.findall(html))


def test_each_visitor_gets_their_own_tokens_in_the_same_page():
    first, second = Client().get("/consultation/"), Client().get("/consultation/")
    a, b = tokens(first.content.decode()), tokens(second.content.decode())
    assert set(a) == set(b) == {"csrfmiddlewaretoken", "token"}
    assert a["csrfmiddlewaretoken"] != b["csrfmiddlewaretoken"]
    assert a["token"] != b["token"]
    assert "placeholder" not in first.content.decode() + second.content.decode()
    assert TOKENS.sub("", first.content.decode()) == TOKENS.sub("", second.content.decode())


def test_kept_form_page_needs_no_query(django_assert_num_queries):
    Client().get("/consultation/")
    cache.delete(ClinicProfile.objects.CACHE_KEY)  # rendering again would need a query
    with django_assert_num_queries(0):
        response = Client().get("/consultation/")
    assert response.status_code == 200
    assert response.cookies["csrftoken"].value


def test_a_form_from_the_kept_page_submits_end_to_end(settings):
    settings.CONSULTATION_MIN_FILL_SECONDS = 0
    Client().get("/consultation/")  # render and keep the page
    visitor = Client(enforce_csrf_checks=True)
    page_tokens = tokens(visitor.get("/consultation/").content.decode())
    data = consultation_post(token=page_tokens["token"])
    data["csrfmiddlewaretoken"] = page_tokens["csrfmiddlewaretoken"]
    response = visitor.post("/consultation/", data)
    assert response.status_code == 302
    assert ConsultationRequest.objects.get().status == "new"


def test_a_changed_clinic_phone_shows_on_the_form_immediately(client):
    client.get("/consultation/")
    profile = ClinicProfile.objects.load()
    profile.phone = "(555) 010-3131"
    profile.save()
    assert "(555) 010-3131" in client.get("/consultation/").content.decode()


def test_a_form_with_errors_is_rendered_for_that_visitor_alone(client):
    client.get("/consultation/")
    response = client.post("/consultation/", consultation_post(first_name=""))
    assert "Enter your first name" in response.content.decode()
    assert "Enter your first name" not in Client().get("/consultation/").content.decode()
