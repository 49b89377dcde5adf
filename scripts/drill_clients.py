"""The drill's patients (scripts/drill.py): HTTP clients that fill in and send the form."""

import http.client
import re
import threading
import time
import uuid
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit


def wait_for_http(port: int, path: str, seconds: float = 60) -> None:
    """Wait until GET path answers 200, or fail."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get(port, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"127.0.0.1:{port}{path} did not answer 200 within {seconds} s")


def get(port: int, path: str, headers: dict | None = None):
    """Return (status, headers, body text) of a GET."""
    return http_request(port, "GET", path, headers=headers)


def http_request(port: int, method: str, path: str, body: bytes = b"", headers=None):
    """Make one HTTP request on a fresh connection; return (status, headers, body text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


class FormFiller(HTMLParser):
    """Collect the fields of the first POST form on a page and fill them with valid values."""

    honeypots = frozenset({"website"})

    def __init__(self, marker: str):
        super().__init__()
        self.marker = marker
        self.fields: dict[str, str] = {}
        self.in_form = self.done = False
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post" and not self.done:
            self.in_form = True
        if not self.in_form or ("name" not in attrs and tag != "option"):
            return
        name = attrs.get("name")
        kind = attrs.get("type", "text").lower()
        if name in self.honeypots:
            return  # a person never sees it, so leaves it empty
        if tag == "textarea":
            self.fields[name] = f"Drill message {self.marker}: I would like to ask about treatment."
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and attrs.get("value"):
            self.fields.setdefault(self._select, attrs["value"])
        elif tag == "input" and kind == "radio":
            if self.fields.get(name) != "email":  # a person who gave an email picks it
                self.fields[name] = attrs.get("value", "on")
        elif tag == "input" and kind == "checkbox":
            self.fields.setdefault(name, attrs.get("value", "on"))
        elif tag == "input" and kind not in {"submit", "button", "image", "reset"}:
            self.fields[name] = attrs.get("value") or self.value_for(name, kind)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True

    def value_for(self, name: str, kind: str) -> str:
        if kind == "email" or "email" in name:
            return f"{self.marker.lower()}@example.com"
        if kind == "tel" or "phone" in name:
            return ""  # optional once there is an email
        if kind == "date":
            return time.strftime("%Y-%m-%d", time.localtime(time.time() + 7 * 86400))
        if kind == "number":
            return "1"
        return "Drill Patient"


MARKER = re.compile(r"DRILL-[0-9a-f]{12}")


class Clients:
    """Concurrent patients: each GETs the form, POSTs it with a unique marker, reads the answer."""

    def __init__(self, ports: list[int], count: int):
        self.ports = ports
        self.count = count
        self.outcomes: dict[str, str] = {}
        self.statuses = Counter()
        self._lock = threading.Lock()
        self._threads = []

    def start(self, duration: float):
        stop_at = time.monotonic() + duration
        for number in range(self.count):
            thread = threading.Thread(target=self._run, args=(number, stop_at), daemon=True)
            thread.start()
            self._threads.append(thread)

    def join(self):
        for thread in self._threads:
            thread.join()

    def _run(self, number: int, stop_at: float):
        sent = 0
        while time.monotonic() < stop_at:
            marker = f"DRILL-{uuid.uuid4().hex[:12]}"
            port = self.ports[(number + sent) % len(self.ports)]
            ip = f"10.{number % 250}.{sent // 250 % 250}.{sent % 250 + 1}"
            outcome = self._submit(port, marker, ip)
            with self._lock:
                self.outcomes[marker] = outcome
            sent += 1

    def _record(self, status: int):
        with self._lock:
            self.statuses[status] += 1

    def _submit(self, port: int, marker: str, ip: str) -> str:
        try:
            return submit(port, marker, ip, self._record)
        except (OSError, http.client.HTTPException):
            return "no_response"


def submit(port: int, marker: str, ip: str, record=lambda status: None) -> str:
    """Submit one consultation request like a browser; return what the patient saw."""
    headers = {"X-Forwarded-For": ip}
    jar: dict[str, str] = {}
    status, response_headers, body = get(port, "/consultation/", headers)
    record(status)
    if status != 200:
        return "form_unavailable" if status == 503 else f"form_http_{status}"
    filler = FormFiller(marker)
    filler.feed(body)
    if "csrfmiddlewaretoken" not in filler.fields:
        return "no_form"
    keep_cookies(jar, response_headers)
    post_headers = {
        **headers,
        "Cookie": cookie_header(jar),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    payload = urlencode(filler.fields, doseq=True).encode()
    status, response_headers, body = http_request(
        port, "POST", "/consultation/", payload, post_headers
    )
    record(status)
    keep_cookies(jar, response_headers)
    return post_outcome(
        port, status, response_headers, body, {**headers, "Cookie": cookie_header(jar)}
    )


def keep_cookies(jar: dict[str, str], response_headers) -> None:
    """Store the cookies a response set, as a browser would."""
    for header in response_headers.get_all("Set-Cookie") or []:
        name, _, value = header.split(";")[0].partition("=")
        jar[name.strip()] = value.strip()


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def post_outcome(port, status, response_headers, body, headers) -> str:
    """Classify the answer to a submission as the patient would read it."""
    if status in (302, 303):
        location = urlsplit(response_headers["Location"])
        path = location.path + ("?" + location.query if location.query else "")
        final_status, _, _ = get(port, path, headers)
        if final_status == 200 and "/thanks/" in path:
            return "confirmed"
        return f"confirmation_http_{final_status}"
    if status == 503 and "could not save your request" in body:
        return "failed_clear"
    if status == 429:
        return "rate_limited"
    if status == 200:
        return "form_error"
    return f"http_{status}"


def rate_limit_check(ports: list[int], attempts: int = 30) -> dict:
    """Send a burst of submissions from one address, alternating instances; count the blocked."""
    outcomes, markers = Counter(), {}
    for number in range(attempts):
        marker = f"DRILL-{uuid.uuid4().hex[:12]}"
        try:
            markers[marker] = submit(ports[number % 2], marker, "203.0.113.77")
        except (OSError, http.client.HTTPException):
            markers[marker] = "no_response"
        outcomes[markers[marker]] += 1
    return {"attempts": attempts, "outcomes": outcomes, "markers": markers}
