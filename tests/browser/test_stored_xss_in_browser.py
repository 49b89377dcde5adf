"""Markup a visitor typed stays inert in the staff inbox (under the strict CSP), in Chromium."""

from django.conf import settings

from tests.factories import browser_login_verified_staff, make_consultation_request

PAYLOAD = "<img src=x onerror=alert(1)><script>alert(2)</script>"


def test_markup_in_a_request_never_runs_for_staff(site, page, transactional_db):
    request = make_consultation_request(first_name=PAYLOAD, message=f"Hello {PAYLOAD}")
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    browser_login_verified_staff(page, site.url, username="boss")
    inbox = f"/{settings.ADMIN_PATH}bookings/consultationrequest/"
    site.open(inbox)
    assert PAYLOAD in page.locator("#result_list").inner_text()
    site.open(f"{inbox}{request.pk}/change/")
    assert f"Hello {PAYLOAD}" in page.locator("#content").inner_text()
    assert dialogs == []
    # The inbox works under the strict CSP: nothing it needs was blocked.
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert page.locator("img[src=x]").count() == 0
