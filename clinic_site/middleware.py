"""Site-wide middleware: extra security headers, the request log line, readable 405 pages."""

import logging
import re
import time
import uuid
from urllib.parse import quote

from django.conf import settings

from .views import render_error_page

request_logger = logging.getLogger("clinic_site.request")
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class PermissionsPolicyMiddleware:
    """Add the Permissions-Policy header (Django has no setting for it) to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RequestLogMiddleware:
    """Log one line per request: id, method, path (never the query string), status, duration.

    The request id comes from a sane X-Request-ID header (set by a proxy) or is generated, and is
    echoed back in the response so a patient's "error reference" can be found in the logs.
    Nothing from the query string, body or cookies is logged: they may hold health information.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        request.id = request_id(request.headers.get("x-request-id", ""))
        response = self.get_response(request)
        duration_ms = (time.monotonic() - started) * 1000
        response.headers["X-Request-ID"] = request.id
        request_logger.info(
            "request id=%s method=%s path=%s status=%s duration_ms=%.1f",
            request.id,
            quote(request.method or "-", safe="")[:16],
            quote(request.path, safe="/-._~")[:200],
            response.status_code,
            duration_ms,
        )
        return response


def request_id(header: str) -> str:
    """Return the proxy's request id if it looks like one, else a new random one."""
    if SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class MethodNotAllowedPageMiddleware:
    """Refuse methods the site never uses, and give every 405 a short page a person can read.

    Only GET, HEAD and POST reach a view (the admin posts too); anything else is answered here,
    before the CSRF check would turn it into a confusing "form not sent" page.
    """

    allowed = ("GET", "HEAD", "POST")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.allowed:
            return self.page(request, ", ".join(self.allowed))
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            return self.page(request, response.headers.get("Allow", "GET, HEAD"))
        return response

    def page(self, request, allow: str):
        response = render_error_page(request, "405.html", 405)
        response.headers["Allow"] = allow
        return response
