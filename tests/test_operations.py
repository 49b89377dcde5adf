"""Operations: readiness, the request log line, and the CSP report endpoint."""

import json
import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_readyz_is_ok_when_database_and_cache_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_503_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = {  # setting_changed makes Django drop its cache connections
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
        },
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"cache default unavailable\n"


@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_when_the_database_is_unreachable(database_down):
    # The page cache lives in the database too, so the site's outage page answers.
    response = Client(raise_request_exception=False).get("/readyz")
    assert response.status_code == 503


def test_one_log_line_per_request_without_the_query_string(client, caplog):
    caplog.set_level(logging.INFO, logger="clinic_site.request")
    response = client.get("/privacy/?email=patient@example.com", HTTP_X_REQUEST_ID="lb-1234abcd")
    lines = [r.getMessage() for r in caplog.records if r.name == "clinic_site.request"]
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith("request id=lb-1234abcd method=GET path=/privacy/ status=200 ")
    assert "duration_ms=" in line
    assert "patient" not in line and "?" not in line
    assert response["X-Request-ID"] == "lb-1234abcd"


def test_insane_request_id_is_replaced(client, caplog):
    caplog.set_level(logging.INFO, logger="clinic_site.request")
    response = client.get("/", HTTP_X_REQUEST_ID="evil\nforged line")
    assert "evil" not in response["X-Request-ID"]
    assert len(response["X-Request-ID"]) == 32
    assert all("\n" not in r.getMessage() for r in caplog.records)


def report(client, body, **extra):
    return client.post("/csp-report/", data=body, content_type="application/csp-report", **extra)


def test_csp_report_logs_directive_and_origin_only(client, caplog):
    caplog.set_level(logging.WARNING, logger="clinic_site.csp")
    body = {
        "csp-report": {
            "document-uri": "https://clinic.example/consultation/?name=secret",
            "effective-directive": "script-src-elem",
            "blocked-uri": "https://tracker.example:8443/x.js?visitor=patient-42",
        }
    }
    response = report(client, json.dumps(body))
    assert response.status_code == 204
    [line] = [r.getMessage() for r in caplog.records if r.name == "clinic_site.csp"]
    assert line == "csp-violation directive=script-src-elem blocked=https://tracker.example:8443"


def test_csp_report_accepts_the_reporting_api_format(client, caplog):
    caplog.set_level(logging.WARNING, logger="clinic_site.csp")
    body = [
        {
            "type": "csp-violation",
            "body": {"effectiveDirective": "style-src-attr", "blockedURL": "inline"},
        }
    ]
    assert report(client, json.dumps(body)).status_code == 204
    assert "directive=style-src-attr blocked=inline" in caplog.text


def test_csp_report_refuses_get_and_oversized_and_survives_garbage(client):
    assert client.get("/csp-report/").status_code == 405
    assert report(client, "x" * 9000).status_code == 413
    assert report(client, b"\xff\xfe not json").status_code == 204


def test_csp_report_is_rate_limited_per_client(client, settings):
    settings.CSP_REPORTS_PER_MINUTE = 3
    statuses = [report(client, "{}").status_code for _ in range(5)]
    assert statuses == [204, 204, 204, 429, 429]
    assert report(client, "{}", REMOTE_ADDR="198.51.100.9").status_code == 204


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"csp-report": ' * 3000 + "{}" + "}" * 3000,
        '{"csp-report": {"blocked-uri": "https://[::1/", "effective-directive": "img-src"}}',
        '{"csp-report": {"blocked-uri": "http://x:99999999/", "effective-directive": "img-src"}}',
    ],
)
def test_a_hostile_csp_report_gets_a_plain_answer_not_an_error(client, settings, body):
    settings.CSP_REPORT_MAX_BYTES = 300_000
    assert report(client, body).status_code == 204


def test_client_errors_log_one_line_but_server_errors_keep_their_traceback():
    from clinic_site.log_filters import DropTraceback

    def record(status):
        try:
            raise ValueError("boom")
        except ValueError:
            import sys

            made = logging.LogRecord(
                "django.request", logging.ERROR, "", 0, "x", (), sys.exc_info()
            )
        made.status_code = status
        return made

    client_error, server_error = record(400), record(500)
    assert DropTraceback().filter(client_error) and client_error.exc_info is None
    assert DropTraceback().filter(server_error) and server_error.exc_info is not None
