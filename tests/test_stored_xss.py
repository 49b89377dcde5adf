"""Stored XSS: markup a visitor types is shown to staff literally, never run."""

import pytest
from django.conf import settings

from bookings.models import ConsultationRequest
from tests.factories import consultation_post, login_verified_staff

pytestmark = pytest.mark.django_db

INBOX = f"/{settings.ADMIN_PATH}bookings/consultationrequest/"
PAYLOADS = {
    "first_name": "<script>alert('first')</script>",
    "last_name": '"><img src=x onerror=alert(2)>',
    "preferred_name": "<svg onload=alert(3)>",
    "message": '<a href="javascript:alert(4)">click</a> <iframe src=//evil.example></iframe>',
}


@pytest.fixture
def stored(client):
    response = client.post("/consultation/", consultation_post(**PAYLOADS))
    assert response.status_code == 302, response.content.decode()[:2000]
    return ConsultationRequest.objects.get()


def test_markup_in_every_text_field_is_stored_as_typed(stored):
    for field, value in PAYLOADS.items():
        assert getattr(stored, field) == value


@pytest.mark.parametrize("page", ["list", "change", "history"])
def test_admin_pages_show_the_markup_as_text(client, stored, page):
    client.logout()
    login_verified_staff(client, username="boss")
    url = {
        "list": INBOX,
        "change": f"{INBOX}{stored.pk}/change/",
        "history": f"{INBOX}{stored.pk}/history/",
    }[page]
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for value in PAYLOADS.values():
        assert value not in html
    for tag in ("<script>alert", "<img src=x", "<svg onload", "<iframe", 'href="javascript:'):
        assert tag not in html
    if page == "change":
        assert "&lt;script&gt;alert(&#x27;first&#x27;)&lt;/script&gt;" in html
        assert "&lt;iframe src=//evil.example&gt;" in html
