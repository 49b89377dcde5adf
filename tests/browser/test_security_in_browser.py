"""The strict CSP holds in a real browser: no violations, no third-party requests, admin works."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.factories import browser_login_verified_staff, make_article, make_user

ADMIN = f"/{settings.ADMIN_PATH}"
PUBLIC_PAGES = [
    "/",
    "/privacy/",
    "/learn/",
    "/learn/test-article/",
    "/learn/search/?q=ketamine",
    "/conditions/",
    "/what-to-expect/",
    "/consultation/",
]


@pytest.fixture
def console_errors(page):
    """Collect console errors (CSP violations are reported there) and CSP events."""
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_public_pages_make_no_third_party_requests_and_no_csp_errors(site, page, console_errors):
    make_article()
    for path in [*PUBLIC_PAGES, "/does-not-exist/"]:
        site.open(path)
    origins = {urlsplit(url).netloc for url in site.seen}
    assert origins == {urlsplit(site.url).netloc}, site.seen
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_admin_pages_work_under_the_strict_csp(site, page, console_errors):
    site.open(f"{ADMIN}login/")
    browser_login_verified_staff(page, site.url)
    other = make_user(username="editor", is_staff=True)
    for path in [
        ADMIN,
        f"{ADMIN}auth/user/",
        f"{ADMIN}auth/user/{other.pk}/change/",
        f"{ADMIN}auth/user/add/",
        f"{ADMIN}pages/article/",
        f"{ADMIN}pages/article/{make_article().pk}/change/",
    ]:
        response = site.open(path)
        assert response.status == 200, path
    page.get_by_role("button", name="Toggle theme").first.click()  # the admin's own script runs
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
    origins = {urlsplit(url).netloc for url in site.seen}
    assert origins == {urlsplit(site.url).netloc}


def test_enrolment_page_shows_the_qr_code_without_csp_errors(site, page, console_errors):
    from django.contrib.auth import get_user_model

    make_user(username="newstaff", is_staff=True, is_superuser=True)
    site.open(f"{ADMIN}login/")
    page.fill("#id_username", "newstaff")
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")
    page.wait_for_url("**/two-factor/enrol/**")
    assert page.locator(".two-factor-qr svg").is_visible()
    assert get_user_model().objects.filter(username="newstaff").exists()
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_a_csp_violation_is_seen_by_this_check(site, page, console_errors):
    """Sanity: an inline script is blocked and reported, so the checks above can fail."""
    site.open("/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = '1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert [e for e in console_errors if "Content Security Policy" in e]
