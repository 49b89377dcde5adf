"""Admin lockout after failed sign-ins, idle session timeout and password rules."""

import time
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from tests.factories import login_verified_staff, make_staff_with_two_factor, make_user, totp_code

pytestmark = pytest.mark.django_db

LOGIN = f"/{settings.ADMIN_PATH}login/"
VERIFY = f"/{settings.ADMIN_PATH}two-factor/verify/"
PASSWORD = "correct horse battery"


def sign_in(client, username, password, ip="203.0.113.5"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_wrong_passwords_lock_a_username_only_from_the_address_they_came_from(client):
    make_user(username="director", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "director", "wrong password!").status_code == 200
    assert sign_in(client, "director", "wrong password!").status_code == 429
    locked = sign_in(client, "director", PASSWORD)  # the right password, same address
    assert locked.status_code == 429
    assert "Sign-in is locked for now" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "director", PASSWORD, ip="198.51.100.7").status_code == 302


def test_one_client_is_locked_after_failures_across_many_usernames(client):
    make_user(username="frontdesk", is_staff=True)
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{number}", "wrong password!")
    assert sign_in(client, "frontdesk", PASSWORD).status_code == 429
    assert sign_in(client, "frontdesk", PASSWORD, ip="198.51.100.7").status_code == 302


def test_superuser_unlocks_a_colleague_by_deleting_their_attempts_in_the_admin(
    client, admin_client
):
    make_user(username="director", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "director", "wrong password!")
    assert sign_in(client, "director", PASSWORD).status_code == 429
    listing = admin_client.get(f"/{settings.ADMIN_PATH}axes/accessattempt/", {"q": "director"})
    assert "203.0.113.5" in listing.content.decode()
    rows = AccessAttempt.objects.filter(username="director").values_list("pk", flat=True)
    admin_client.post(
        f"/{settings.ADMIN_PATH}axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": list(rows), "post": "yes"},
    )
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, "director", PASSWORD).status_code == 302


def test_superuser_can_unlock_with_axes_reset_on_the_server(client):
    make_user(username="director", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "director", "wrong password!")
    assert sign_in(client, "director", PASSWORD).status_code == 429
    call_command("axes_reset_username", "director")
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, "director", PASSWORD).status_code == 302


def axes_rows() -> list[str]:
    """Return every row of every django-axes table, as text."""
    return [
        str(row)
        for model in apps.get_app_config("axes").get_models()
        for row in model.objects.values()
    ]


def test_a_failed_sign_in_keeps_nothing_from_the_page_staff_were_going_to(client):
    make_user(username="frontdesk", is_staff=True)
    target = f"/{settings.ADMIN_PATH}bookings/consultationrequest/?q=patient@example.com"
    for query in (urlencode({"next": target}), f"next={target}"):
        client.post(
            f"{LOGIN}?{query}",
            {"username": "frontdesk", "password": "wrong password!", "next": target},
            REMOTE_ADDR="203.0.113.5",
        )
    assert AccessAttempt.objects.get().failures_since_start == 2
    assert not [row for row in axes_rows() if "patient" in row]
    client.post(
        f"{LOGIN}?{urlencode({'next': target})}",
        {"username": "frontdesk", "password": PASSWORD, "next": target},
        REMOTE_ADDR="203.0.113.5",
    )
    assert "_auth_user_id" in client.session
    assert not [row for row in axes_rows() if "patient" in row]


def test_session_key_changes_at_the_password_and_again_at_the_code(client):
    _, device = make_staff_with_two_factor(username="director")
    anonymous_key = client.session.session_key
    assert sign_in(client, "director", PASSWORD).status_code == 302
    password_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    copied = Client()
    copied.cookies[settings.SESSION_COOKIE_NAME] = password_key
    verified = client.post(VERIFY, {"token": totp_code(device)})
    assert verified.status_code == 302
    code_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert len({anonymous_key, password_key, code_key}) == 3
    assert client.get(f"/{settings.ADMIN_PATH}").status_code == 200
    stale = copied.get(f"/{settings.ADMIN_PATH}")
    assert stale.status_code == 302 and stale["Location"].startswith(LOGIN)


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
