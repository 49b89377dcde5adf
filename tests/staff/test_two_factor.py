"""Two-factor sign-in for every staff account, and the devices' secrets kept out of the admin."""

import base64

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.roles import EDITOR, FRONT_DESK
from tests.factories import login_verified_staff, make_staff_with_two_factor, make_user, totp_code

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_PATH}"


def test_superuser_without_a_device_is_sent_to_enrol_before_the_admin(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{ADMIN}two-factor/enrol/")


def test_staff_with_a_device_must_enter_a_code_before_the_admin(client):
    user, _ = make_staff_with_two_factor()
    client.force_login(user)
    response = client.get(f"{ADMIN}auth/user/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{ADMIN}two-factor/verify/")


def test_wrong_code_is_refused(client):
    user, device = make_staff_with_two_factor()
    client.force_login(user)
    wrong = client.post(
        f"{ADMIN}two-factor/verify/",
        {"token": "000000" if totp_code(device) != "000000" else "111111"},
    )
    assert wrong.status_code == 200
    assert "That code did not work" in wrong.content.decode()
    assert client.get(ADMIN).status_code == 302


def test_the_right_code_opens_the_admin(client):
    user, device = make_staff_with_two_factor()
    client.force_login(user)
    right = client.post(
        f"{ADMIN}two-factor/verify/", {"token": totp_code(device), "next": f"{ADMIN}auth/user/"}
    )
    assert right.status_code == 302
    assert right["Location"] == f"{ADMIN}auth/user/"
    assert client.get(ADMIN).status_code == 200


def test_verify_never_redirects_off_site(client):
    user, device = make_staff_with_two_factor()
    client.force_login(user)
    response = client.post(
        f"{ADMIN}two-factor/verify/", {"token": totp_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == ADMIN


def test_recovery_code_works_once(client):
    user, _ = make_staff_with_two_factor()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=device, token="rescue12")
    client.force_login(user)
    first = client.post(f"{ADMIN}two-factor/verify/", {"token": "rescue12"})
    assert first.status_code == 302 and first["Location"] == ADMIN
    client.logout()
    client.force_login(user)
    again = client.post(f"{ADMIN}two-factor/verify/", {"token": "rescue12"})
    assert again.status_code == 200
    assert not StaticToken.objects.filter(token="rescue12").exists()


def test_enrolment_shows_a_first_party_qr_code_and_the_key_then_issues_recovery_codes(client):
    user = make_user(is_staff=True, is_superuser=True)
    client.force_login(user)
    page = client.get(f"{ADMIN}two-factor/enrol/")
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert page.status_code == 200
    assert "<svg" in html and "data:" not in html
    secret = page.context["secret"]
    assert len(secret) >= 32 and secret in html
    done = client.post(f"{ADMIN}two-factor/enrol/", {"token": totp_code(device)})
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    assert done["Cache-Control"].startswith("max-age=0")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(ADMIN).status_code == 200
    assert client.get(f"{ADMIN}two-factor/enrol/")["Location"] == ADMIN


def test_enrolment_refuses_a_wrong_code(client):
    user = make_user(is_staff=True, is_superuser=True)
    client.force_login(user)
    client.get(f"{ADMIN}two-factor/enrol/")
    response = client.post(f"{ADMIN}two-factor/enrol/", {"token": "12"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_new_recovery_codes_replace_the_old_ones(client):
    user = login_verified_staff(client)
    first = client.post(f"{ADMIN}two-factor/recovery-codes/").context["codes"]
    second = client.post(f"{ADMIN}two-factor/recovery-codes/").context["codes"]
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert stored == set(second) and not stored & set(first)


def test_editor_signed_in_with_a_password_is_sent_to_set_up_a_second_factor(client):
    make_user(username="editor", is_staff=True, groups=[Group.objects.get(name=EDITOR)])
    signed_in = client.post(
        f"{ADMIN}login/?next={ADMIN}pages/clinicprofile/",
        {"username": "editor", "password": "correct horse battery"},
    )
    assert signed_in.status_code == 302
    for page in (signed_in["Location"], ADMIN, f"{ADMIN}pages/article/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(f"{ADMIN}two-factor/enrol/")
    assert "Set up two-step sign-in" in client.get(f"{ADMIN}two-factor/enrol/").content.decode()


def test_editor_with_an_authenticator_must_enter_a_code_before_the_admin(client):
    user, _ = make_staff_with_two_factor(
        username="editor", is_superuser=False, groups=[Group.objects.get(name=EDITOR)]
    )
    client.force_login(user)
    response = client.get(f"{ADMIN}pages/article/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{ADMIN}two-factor/verify/")


def test_login_verified_staff_helper_opens_the_admin(client):
    login_verified_staff(client)
    assert client.get(ADMIN).status_code == 200


def test_new_recovery_codes_page_needs_a_verified_session(client):
    user, _ = make_staff_with_two_factor()
    client.force_login(user)
    assert client.get(f"{ADMIN}two-factor/recovery-codes/")["Location"].startswith(
        f"{ADMIN}two-factor/verify/"
    )
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_front_desk_staff_must_set_up_two_factor_before_the_inbox(client):
    user = make_user(is_staff=True, groups=[Group.objects.get(name=FRONT_DESK)])
    client.force_login(user)
    response = client.get(f"{ADMIN}bookings/consultationrequest/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{ADMIN}two-factor/enrol/")


def test_superuser_sees_no_colleagues_authenticator_secret_in_the_admin(admin_client):
    _, device = make_staff_with_two_factor(username="director", is_superuser=False)
    secret = base64.b32encode(device.bin_key).decode()
    base = f"{ADMIN}otp_totp/totpdevice/"
    for url in (base, f"{base}?q=director", f"{base}{device.pk}/change/"):
        response = admin_client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert "director" in html, url
        assert device.key not in html and secret not in html, url
    for url in (f"{base}{device.pk}/config/", f"{base}{device.pk}/qrcode/", f"{base}add/"):
        assert admin_client.get(url).status_code == 403, url


def test_superuser_sees_no_colleagues_recovery_codes_in_the_admin(admin_client):
    user = make_user(username="director", is_staff=True)
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=device, token="rescue12")
    base = f"{ADMIN}otp_static/staticdevice/"
    for url in (base, f"{base}{device.pk}/change/"):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert "rescue12" not in response.content.decode(), url
    assert admin_client.get(f"{base}add/").status_code == 403
