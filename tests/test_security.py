"""Security headers and production-settings checks."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.factories import consultation_post

pytestmark = pytest.mark.django_db

# Every kind of page a visitor or a member of staff can land on (extended as apps land).
PAGE_TYPES = {
    "home": ("/", 200),
    "privacy": ("/privacy/", 200),
    "not found": ("/no-such-page/", 404),
    "article list": ("/learn/", 200),
    "article": ("/learn/test-article/", 200),
    "article search": ("/learn/search/?q=ketamine", 200),
    "consultation": ("/consultation/", 200),
    "admin login": (f"/{settings.ADMIN_PATH}login/", 200),
    "admin index (to sign-in)": (f"/{settings.ADMIN_PATH}", 302),
    "consultation confirmation": ("confirmation", 200),
    "consultation rate limited": ("rate limited", 429),
    "consultation held": ("held", 200),
    "csrf failure": ("csrf", 403),
    "method not allowed": ("put", 405),
}


def fetch(client, target, settings):
    """Return the response for a PAGE_TYPES target (a path, or a named bad request)."""
    if target == "csrf":
        client.handler.enforce_csrf_checks = True
        return client.post(f"/{settings.ADMIN_PATH}login/", {"username": "x"}, secure=True)
    if target == "put":
        return client.put("/privacy/", secure=True)
    if target == "confirmation":
        sent = client.post("/consultation/", consultation_post(), secure=True)
        return client.get(sent["Location"], secure=True)
    if target == "rate limited":
        settings.CONSULTATION_RATE_LIMIT = "0/h"
        return client.post("/consultation/", consultation_post(), secure=True)
    if target == "held":
        return client.post("/consultation/", consultation_post(website="spam"), secure=True)
    return client.get(target, secure=True)


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_security_headers_on_every_page_type(client, name, settings):
    from tests.factories import make_article

    make_article()  # /learn/test-article/
    target, status = PAGE_TYPES[name]
    response = fetch(client, target, settings)
    assert response.status_code == status
    assert_security_headers(response)


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "report-uri /csp-report/" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    hsts = response["Strict-Transport-Security"]
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000
    assert "includeSubDomains" in hsts


def test_cookies_are_secure_httponly_and_samesite_under_production_settings(client, settings):
    from tests.factories import make_user

    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    login = f"/{settings.ADMIN_PATH}login/"
    csrf_cookie = client.get(login, secure=True).cookies[settings.CSRF_COOKIE_NAME]
    make_user(username="frontdesk", is_staff=True)
    signed_in = client.post(
        login, {"username": "frontdesk", "password": "correct horse battery"}, secure=True
    )
    session_cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME]
    for cookie in (csrf_cookie, session_cookie):
        assert cookie["secure"] and cookie["httponly"]
        assert cookie["samesite"] == "Lax"


def test_strict_csp_and_security_headers_on_home(client):
    response = client.get("/", secure=True)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "max-age=63072000" in response["Strict-Transport-Security"]


def production_env(**overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "CACHE_", "SECRET_", "DEBUG"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="clinic_site.settings",
        SECRET_KEY="x" * 60 + "production-like-secret-for-check",
        ALLOWED_HOSTS="clinic.example.com",
        DATABASE_URL=os.environ["DATABASE_URL"],
    )
    env.update(overrides)
    return env


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_required_setting(missing):
    env = production_env()
    del env[missing]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr
