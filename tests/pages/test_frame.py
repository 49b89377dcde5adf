"""Site-wide pages and behaviour: home, errors, robots.txt, health check, clinic profile."""

import pytest
from django.db import connection
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


def test_crisis_defaults_come_from_one_setting(settings):
    settings.CRISIS_LINE = {**settings.CRISIS_LINE, "crisis_number": "777"}
    assert ClinicProfile().crisis_number == "777"
    assert "777" in ClinicProfile().crisis_message


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


def test_server_error_page_renders_without_the_database(rf, monkeypatch):
    from pages import views

    def broken():
        raise RuntimeError("database down")

    monkeypatch.setattr(ClinicProfile.objects, "load", broken)
    response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "something went wrong" in response.content.decode().lower()
    assert "988" in response.content.decode()


def test_healthz_is_ok_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_503_when_database_fails(client, monkeypatch):
    def fail(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", fail)
    assert client.get("/healthz").status_code == 503


def test_robots_txt_hides_admin_and_points_to_sitemap(client, settings):
    body = client.get("/robots.txt").content.decode()
    assert f"Disallow: /{settings.ADMIN_PATH}" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_admin_lives_at_configured_path(client, settings):
    assert client.get("/" + settings.ADMIN_PATH).status_code == 302
    assert reverse("admin:index") == "/" + settings.ADMIN_PATH


def test_clinic_profile_admin_goes_straight_to_the_one_profile(admin_client):
    response = admin_client.get(reverse("admin:pages_clinicprofile_changelist"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:pages_clinicprofile_change", args=[1])
    assert admin_client.get(response["Location"]).status_code == 200


def test_hours_read_naturally():
    profile = ClinicProfile()
    assert profile.hours_display == "Monday to Friday, 8:30 am to 5 pm"
