"""Privacy: what people type never reaches a log line or a URL."""

import logging

import pytest
from django.conf import settings

from tests.factories import make_user

pytestmark = pytest.mark.django_db

MARKER = "PRIVMARK4417"


@pytest.fixture
def all_logs(caplog):
    """Capture every record from every logger at DEBUG."""
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def logged_text(caplog) -> str:
    """Return every captured record, message and arguments and traceback, as one text."""
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


def test_failed_staff_sign_in_logs_neither_username_nor_password(client, all_logs):
    make_user(username=f"user{MARKER}", is_staff=True)
    client.post(
        f"/{settings.ADMIN_PATH}login/",
        {"username": f"user{MARKER}", "password": f"pw{MARKER}"},
        REMOTE_ADDR="203.0.113.50",
    )
    text = logged_text(all_logs)
    assert "status=200" in text  # the request was logged...
    assert MARKER not in text  # ...without what was typed
    assert "203.0.113.50" not in text


def test_query_strings_and_bodies_stay_out_of_the_logs(client, all_logs):
    client.get(f"/privacy/?q={MARKER}")
    client.get(f"/no-such-page/?email={MARKER}@example.com")
    client.post(
        "/csp-report/",
        data=f'{{"csp-report": {{"document-uri": "/?{MARKER}"}}}}',
        content_type="application/csp-report",
    )
    client.generic("DELETE", f"/privacy/?x={MARKER}", data=MARKER)
    text = logged_text(all_logs)
    assert "path=/no-such-page/" in text
    assert MARKER not in text


def test_a_consultation_request_leaves_no_patient_data_in_logs_or_urls(client, all_logs):
    from tests.factories import consultation_post

    markers = {
        "first_name": f"First{MARKER}",
        "last_name": f"Last{MARKER}",
        "preferred_name": f"Pref{MARKER}",
        "email": f"{MARKER.lower()}@example.com",
        "message": f"My private story {MARKER}",
    }
    page = client.get("/consultation/?from=/learn/some-article/")
    response = client.post("/consultation/", consultation_post(**markers))
    assert response.status_code == 302
    locations = [response["Location"]]
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and page.status_code == 200
    # A form with errors re-renders in place; nothing typed goes into a redirect either.
    invalid = client.post("/consultation/", consultation_post(**markers, consent=None))
    assert invalid.status_code == 200
    text = logged_text(all_logs)
    assert "path=/consultation/ status=302" in text
    assert MARKER not in text and MARKER.lower() not in text
    assert all(MARKER.lower() not in location.lower() for location in locations)
