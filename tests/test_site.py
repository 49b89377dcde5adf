"""Site-wide behaviour: the clinic profile and crisis lines, errors, robots.txt, health checks."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from pages.models import ClinicProfile

pytestmark = pytest.mark.django_db


def test_home_page_shows_clinic_identity_from_profile(client):
    profile = ClinicProfile.objects.load()
    profile.name = "Quiet Harbor Clinic"
    profile.phone = "(555) 010-9999"
    profile.save()
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Quiet Harbor Clinic" in html
    assert 'href="tel:+15550109999"' in html


def test_crisis_line_wording_comes_from_the_profile(client):
    profile = ClinicProfile.objects.load()
    profile.crisis_message = "Need urgent help? Call or text 988 now."
    profile.save()
    assert "Need urgent help? Call or text 988 now." in client.get("/privacy/").content.decode()


def test_every_crisis_number_name_and_link_comes_from_the_profile(client):
    profile = ClinicProfile.objects.load()
    profile.crisis_number = "777"
    profile.crisis_name = "Harbor Crisis Line"
    profile.crisis_chat_url = "https://chat.crisis.example/"
    profile.emergency_number = "112"
    profile.save()
    for path in ("/", "/privacy/", "/consultation/", "/no-such-page/"):
        html = client.get(path).content.decode()
        assert 'href="tel:777"' in html and 'href="sms:777"' in html, path
        assert "Harbor Crisis Line" in html and 'href="https://chat.crisis.example/"' in html, path
        assert 'href="tel:112"' in html, path
        assert "988" not in html and "911" not in html, path


def test_a_new_install_shows_no_made_up_phone_number(client):
    html = client.get("/").content.decode()
    assert "(555) 010-0142" not in html and "tel:+" not in html
    assert "call the clinic" in client.get("/privacy/").content.decode()
    assert 'href="tel:988"' in html  # the crisis lines are there from the start


def test_the_admin_home_asks_staff_to_fill_in_the_clinic_profile(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Fill in the clinic's details before the site goes live" in html
    profile = ClinicProfile.objects.load()
    profile.phone, profile.street_address = "(503) 555-0100", "1 Main Street"
    profile.city, profile.region, profile.postal_code = "Salem", "OR", "97301"
    profile.save()
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Fill in the clinic's details" not in html


def test_profile_is_a_single_row():
    ClinicProfile.objects.load()
    other = ClinicProfile(name="Second clinic")
    other.save()  # save() pins the row to id 1: it updates rather than adds
    assert ClinicProfile.objects.count() == 1
    assert ClinicProfile.objects.get().name == "Second clinic"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_healthz_is_ok_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_database_fails(database_down):
    assert Client(raise_request_exception=False).get("/healthz").status_code == 503


def test_robots_txt_hides_admin_and_points_to_sitemap(client, settings):
    body = client.get("/robots.txt").content.decode()
    assert f"Disallow: /{settings.ADMIN_PATH}" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_admin_lives_at_configured_path(client, settings):
    assert client.get("/" + settings.ADMIN_PATH).status_code == 302
    assert reverse("admin:index") == "/" + settings.ADMIN_PATH


@pytest.mark.parametrize("model", ["pages_clinicprofile", "bookings_schedulingsettings"])
def test_a_one_row_admin_goes_straight_to_its_row_and_offers_no_add_or_delete(admin_client, model):
    response = admin_client.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 302
    assert response["Location"] == reverse(f"admin:{model}_change", args=[1])
    page = admin_client.get(response["Location"])
    assert page.status_code == 200
    assert reverse(f"admin:{model}_delete", args=[1]) not in page.content.decode()
    assert admin_client.get(reverse(f"admin:{model}_add")).status_code == 403


def test_hours_read_naturally():
    profile = ClinicProfile(opens_at=datetime.time(8, 30), closes_at=datetime.time(17, 0))
    assert profile.hours_display == "Monday to Friday, 8:30 am to 5 pm"


@pytest.mark.parametrize("phone", ["javascript:alert(3)", "call us", "555-01"])
def test_the_clinic_phone_must_be_a_number_patients_can_call(admin_client, phone):
    profile = ClinicProfile.objects.load()
    url = reverse("admin:pages_clinicprofile_change", args=[profile.pk])
    data = {
        "name": profile.name,
        "tagline": profile.tagline,
        "phone": phone,
        "email": "",
        "street_address": "",
        "city": "",
        "region": "",
        "postal_code": "",
        "open_days": profile.open_days,
        "opens_at": "09:00",
        "closes_at": "17:00",
        "time_zone": profile.time_zone,
        "crisis_message": profile.crisis_message,
        "crisis_number": profile.crisis_number,
        "crisis_name": profile.crisis_name,
        "crisis_chat_url": profile.crisis_chat_url,
        "emergency_number": profile.emergency_number,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Enter a phone number patients can call" in response.content.decode()
    assert ClinicProfile.objects.get().phone == ""
    data["phone"] = "(503) 555-0100"
    assert admin_client.post(url, data).status_code == 302
    assert ClinicProfile.objects.get().phone == "(503) 555-0100"
