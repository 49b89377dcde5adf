"""Raw HTTP abuse against a running gunicorn: every bad request gets a clean 4xx, never a 500.

Each request carries a marker in its body; the server's log must show the request's one line
(method, path, status) and never the marker.
"""

import re
import socket

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

MARKER = "BODYMARKER7731"
LOGIN = f"/{settings.ADMIN_PATH}login/"


def send(server, raw: bytes) -> tuple[int, str, bytes]:
    """Send raw bytes, return (status, head, body) of the response."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    response = b"".join(chunks)
    head, _, body = response.partition(b"\r\n\r\n")
    head_text = head.decode("latin-1")
    return int(head_text.split(" ", 2)[1]), head_text, body


def request(method: str, path: str, body: bytes = b"", headers: dict | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def csrf_pair(server, path: str = LOGIN) -> tuple[str, str]:
    """Return (cookie token, form token) from a fresh GET of a page with a form."""
    _, head, body = send(server, request("GET", path))
    cookie = re.search(r"csrftoken=([A-Za-z0-9]+)", head).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    return cookie, token


def assert_clean(server, status: int, expected: set[int], *, logged_path: str | None = None):
    assert status in expected, status
    log = server.new_log()
    assert MARKER not in log
    assert "Traceback" not in log and " 500 " not in log and "status=500" not in log
    if logged_path is not None:
        assert re.search(rf"path={re.escape(logged_path)} status={status} ", log), log


def test_invalid_utf8_in_the_query_string(server):
    status, _, _ = send(server, request("GET", "/privacy/?q=%ff%fe%fd" + MARKER))
    assert_clean(server, status, {200, 400}, logged_path="/privacy/")


def test_raw_invalid_utf8_bytes_in_the_request_line(server):
    status, _, _ = send(
        server, b"GET /privacy/?q=\xff\xfe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    assert_clean(server, status, {200, 400})


def test_invalid_utf8_in_the_path(server):
    status, _, body = send(server, request("GET", "/%ff%fe/"))
    assert_clean(server, status, {404})
    assert b"We could not find that page" in body


def test_invalid_utf8_in_a_form_body(server):
    cookie, token = csrf_pair(server)
    server.new_log()
    body = f"csrfmiddlewaretoken={token}&username=%ff%fe{MARKER}&password=%c3%28".encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookie}",
    }
    status, _, page = send(server, request("POST", LOGIN, body, headers))
    assert_clean(server, status, {200}, logged_path=LOGIN)
    assert b"correct username and password" in page


def test_invalid_utf8_and_control_bytes_in_the_consultation_form(server):
    from bookings.models import ConsultationRequest

    cookie, token = csrf_pair(server, "/consultation/")
    server.new_log()
    body = (
        f"csrfmiddlewaretoken={token}&first_name=%ff%fe{MARKER}&last_name=%00%1b"
        f"&message=%c3%28{MARKER}&consent=on&is_adult=on"
    ).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"}
    status, _, page = send(server, request("POST", "/consultation/", body, headers))
    assert_clean(server, status, {200}, logged_path="/consultation/")
    assert b"Please check a few details" in page
    assert not ConsultationRequest.objects.exists()


def test_oversized_body_gets_the_400_page(server):
    cookie, token = csrf_pair(server)
    server.new_log()
    filler = ("x" * 1000 + MARKER) * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1000 + 10)
    body = f"csrfmiddlewaretoken={token}&username={filler}".encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"}
    status, _, page = send(server, request("POST", LOGIN, body, headers))
    assert_clean(server, status, {400}, logged_path=LOGIN)
    assert b"We could not read that request" in page


def test_wrong_content_type_is_refused_cleanly(server):
    body = f'{{"username": "{MARKER}"}}'.encode()
    headers = {"Content-Type": "application/json"}
    status, _, page = send(server, request("POST", LOGIN, body, headers))
    assert_clean(server, status, {403}, logged_path=LOGIN)
    assert b"Your form was not sent" in page


def test_broken_multipart_body_is_a_400(server):
    cookie, _ = csrf_pair(server)
    server.new_log()
    body = f"--nope\r\nContent-Disposition: form-data; name=username\r\n\r\n{MARKER}".encode()
    headers = {"Content-Type": "multipart/form-data; boundary=", "Cookie": f"csrftoken={cookie}"}
    status, _, _ = send(server, request("POST", LOGIN, body, headers))
    assert_clean(server, status, {400, 403}, logged_path=LOGIN)


@pytest.mark.parametrize("token", ["", "wrong" * 10])
def test_missing_or_wrong_csrf_token_gets_the_patient_page(server, token):
    body = f"csrfmiddlewaretoken={token}&username={MARKER}".encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, page = send(server, request("POST", LOGIN, body, headers))
    assert_clean(server, status, {403}, logged_path=LOGIN)
    assert b"Your form was not sent" in page and b"call the clinic" in page


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
def test_methods_other_than_get_and_post_are_405(server, method):
    status, head, page = send(server, request(method, "/privacy/", MARKER.encode()))
    assert_clean(server, status, {405}, logged_path="/privacy/")
    assert "Allow: GET" in head and b"That did not work" in page


def test_huge_header_is_refused(server):
    status, _, _ = send(server, request("GET", "/", headers={"X-Big": "a" * 20000}))
    assert_clean(server, status, {400, 431})


def test_too_many_headers_are_refused(server):
    headers = {f"X-H{number}": "1" for number in range(200)}
    status, _, _ = send(server, request("GET", "/", headers=headers))
    assert_clean(server, status, {400, 431})


@pytest.mark.parametrize(
    "path",
    [
        "/static/../clinic_site/settings.py",
        "/static/..%2f..%2fclinic_site%2fsettings.py",
        "/static/%2e%2e/%2e%2e/clinic_site/settings.py",
        "/static/css/..%5c..%5cmanage.py",
        "/static/....//....//etc/passwd",
        "/static/%252e%252e/manage.py",
    ],
)
def test_path_traversal_in_static_urls_is_404(server, path):
    status, _, body = send(server, request("GET", path))
    assert_clean(server, status, {400, 404})
    assert b"SECRET_KEY" not in body and b"root:" not in body and b"django" not in body.lower()


@pytest.mark.parametrize("number", ["%C2%B2", "%C2%B9", "%E2%91%A0", "9" * 400])
def test_a_search_page_number_in_odd_digits_gets_a_page_not_an_error(server, number):
    status, _, page = send(server, request("GET", f"/learn/search/?q=ketamine&page={number}"))
    assert_clean(server, status, {200}, logged_path="/learn/search/")
    assert b"Search" in page


def test_a_csp_report_nested_thousands_deep_gets_a_plain_answer(server):
    body = ("[" * 4000 + "]" * 4000).encode()  # deeper than Python's JSON parser goes; under 8 KB
    headers = {"Content-Type": "application/csp-report"}
    status, _, _ = send(server, request("POST", "/csp-report/", body, headers))
    assert_clean(server, status, {204}, logged_path="/csp-report/")
