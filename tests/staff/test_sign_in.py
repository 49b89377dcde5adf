"""Admin lockout after failed sign-ins, idle session timeout and password rules."""

import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tests.factories import login_verified_staff, make_user

pytestmark = pytest.mark.django_db

LOGIN = f"/{settings.ADMIN_PATH}login/"
PASSWORD = "correct horse battery"


def sign_in(client, username, password, ip="203.0.113.5"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_account_is_locked_after_the_failure_limit_even_with_the_right_password(client):
    make_user(username="frontdesk", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "frontdesk", "wrong password!").status_code == 200
    assert sign_in(client, "frontdesk", "wrong password!").status_code == 429
    locked = sign_in(client, "frontdesk", PASSWORD, ip="198.51.100.7")  # another computer
    assert locked.status_code == 429
    assert "Sign-in is locked for now" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_one_client_is_locked_after_failures_across_many_usernames(client):
    make_user(username="frontdesk", is_staff=True)
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{number}", "wrong password!")
    assert sign_in(client, "frontdesk", PASSWORD).status_code == 429
    assert sign_in(client, "frontdesk", PASSWORD, ip="198.51.100.7").status_code == 302


def test_superuser_can_unlock_with_axes_reset(client):
    make_user(username="frontdesk", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "frontdesk", "wrong password!")
    assert sign_in(client, "frontdesk", PASSWORD).status_code == 429
    call_command("axes_reset_username", "frontdesk")
    call_command("axes_reset_ip", "203.0.113.5")
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, "frontdesk", PASSWORD).status_code == 302


def test_staff_session_ends_after_the_idle_timeout(client):
    login_verified_staff(client)
    assert client.get(f"/{settings.ADMIN_PATH}").status_code == 200
    session = client.session
    session["staff_last_seen"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 - 5
    session.save()
    response = client.get(f"/{settings.ADMIN_PATH}")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    login_page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity" in login_page


def test_staff_session_survives_activity_within_the_timeout(client):
    login_verified_staff(client)
    session = client.session
    session["staff_last_seen"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 + 60
    session.save()
    assert client.get(f"/{settings.ADMIN_PATH}").status_code == 200


def test_session_cookie_ends_with_the_browser(client):
    make_user(username="frontdesk", is_staff=True)
    response = sign_in(client, "frontdesk", PASSWORD)
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value and cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.mark.parametrize("password", ["short-pw-1A", "password1234", "123456789012"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("tide-lantern-orchard-42")
